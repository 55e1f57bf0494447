/*
 * Internal interfaces of forkload, one section per file in src/.
 * No libcurl, jansson or libmicrohttpd header is included here: only the
 * file that owns a library sees it.
 */
#ifndef FORKLOAD_H
#define FORKLOAD_H

#include <sys/types.h>
#include <sys/resource.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proto.h"

#ifndef __dead
#define __dead		__attribute__((__noreturn__))
#endif
#define PRINTFLIKE(a, b) __attribute__((__format__(__printf__, a, b)))

#define NS_PER_US	1000ULL
#define NS_PER_MS	1000000ULL
#define NS_PER_SEC	1000000000ULL
#define US_PER_SEC	1000000ULL

/* Exit codes, as documented in forkload(1). */
#define EXIT_PASSED	0
#define EXIT_FAILED	1
#define EXIT_USAGE	2
#define EXIT_CRASHED	3
#define EXIT_SYSTEM	4
#define EXIT_INTERRUPTED 130

#define WORKERS_MAX	1024
#define CONNS_PER_WORKER 128	/* default share cap, bench/RESULTS.md */
#define CONCURRENCY_MAX	1000000

/* log.c */
void		 log_init(const char *, int);
void		 log_set_fatal_hook(void (*)(const char *));
void		 log_warn(const char *, ...) PRINTFLIKE(1, 2);
void		 log_warnx(const char *, ...) PRINTFLIKE(1, 2);
__dead void	 fatal(const char *, ...) PRINTFLIKE(1, 2);
__dead void	 fatalx(const char *, ...) PRINTFLIKE(1, 2);

/* xmalloc.c */
void		*xmalloc(size_t);
void		*xcalloc(size_t, size_t);
void		*xreallocarray(void *, size_t, size_t);
char		*xstrdup(const char *);
int		 xasprintf(char **, const char *, ...) PRINTFLIKE(2, 3);

/* clock.c */
uint64_t	 clock_now_ns(void);
void		 clock_rfc3339(char *, size_t);

/* units.c */
int		 units_duration(const char *, uint64_t *, const char **);
int		 units_count(const char *, long long, long long, long long *,
		    const char **);
int		 units_limit(const char *, uint64_t *, double *, const char **);
int		 units_list(const char *, long long, long long, int **,
		    size_t *, const char **);
void		 units_format_duration(char *, size_t, uint64_t);
int		 units_bytes(const char *, uint64_t, uint64_t *, const char **);
int		 units_decimal(const char *, long long, long long, long long *);

/* status.c */
struct statusset {
	uint8_t		bits[(1000 + 7) / 8];
};
int		 status_parse(struct statusset *, const char *, const char **);
int		 status_match(const struct statusset *, unsigned int);

/* hist.c */
struct hist;
struct hist	*hist_new(void);
void		 hist_free(struct hist *);
void		 hist_reset(struct hist *);
void		 hist_record(struct hist *, uint64_t);
void		 hist_record_n(struct hist *, uint64_t, uint64_t);
void		 hist_merge(struct hist *, const struct hist *);
uint64_t	 hist_count(const struct hist *);
uint64_t	 hist_min(const struct hist *);
uint64_t	 hist_max(const struct hist *);
double		 hist_mean(const struct hist *);
double		 hist_stdev(const struct hist *);
uint64_t	 hist_percentile(const struct hist *, double);
int		 hist_next(const struct hist *, size_t *, uint64_t *,
		    uint64_t *);
uint64_t	 hist_highest(void);

/* frame.c */
int		 frame_get(const void *, size_t, struct msg_hdr *,
		    const void **, size_t *);
int		 frame_send(int, uint32_t, uint32_t, const void *, size_t);
size_t		 frame_payload_size(uint32_t, const void *, size_t);

/* config.c */
#define ENGINE_HTTP	0
#define ENGINE_EXEC	1
#define ENGINE_PLUGIN	2
struct worker;
struct config {
	int		  kind;		/* ENGINE_* */
	int		(*engine)(struct worker *);	/* tests: not kind */
	char		**exec_argv;	/* NULL-ended */
	char		 *plugin_path;
	char		 *plugin_arg;
	char		 *task_output;	/* directory, or NULL */
	char		  run_id[33];
	int		  timeout_set;
	int		  respawn;
	int		  max_respawns;
	uint64_t	  rlimit_as;	/* bytes, 0: none */
	char		**urls;
	size_t		  nurls;
	uint64_t	  requests;	/* 0: unbounded (duration only) */
	int		  requests_set;
	uint64_t	  duration_us;	/* 0: none */
	int		  concurrency;
	int		  concurrency_set;
	int		 *sweep;
	size_t		  nsweep;
	int		  workers;	/* 0: automatic */
	char		 *method;
	char		**headers;
	size_t		  nheaders;
	char		 *data;
	size_t		  datalen;
	char		 *data_file;
	uint64_t	  timeout_us;
	uint64_t	  connect_timeout_us;
	int		  http2;
	int		  insecure;
	int		  no_keepalive;
	struct statusset  expect;
	char		 *expect_str;
	uint64_t	  max_errors;
	double		  max_errors_pct;	/* < 0: a count is used */
	char		 *max_errors_str;
	int		  allow_crashes;
	char		 *output;
	int		  json;
	int		  quiet;
};
void		 config_init(struct config *);
void		 config_free(struct config *);
int		 config_add_url(struct config *, const char *, const char **);
int		 config_add_header(struct config *, const char *,
		    const char **);
int		 config_set_method(struct config *, const char *,
		    const char **);
int		 config_check_output(const char *, const char **);
int		 config_check_dir(const char *, const char **);
int		 config_redacted(const char *);
int		 config_workers(const struct config *, int);

/* shm.c: what workers and the parent share, by anonymous shared memory */
struct worker_batch {
	struct msg_results	 hdr;
	struct result		 r[MSG_RESULTS_MAX];	/* right after hdr */
};
struct shm_slot {
	uint64_t		claimed;	/* tickets this worker took */
	uint64_t		emitted;	/* results it produced */
	uint64_t		task_seq;	/* its task + 1; 0: none */
	uint64_t		task_start_ns;
	struct worker_batch	batch;		/* results not yet sent */
};
struct shm {
	uint64_t	next;		/* next ticket */
	uint64_t	limit;		/* tickets in the run */
	uint32_t	stop;		/* 1: start nothing new */
	size_t		nslots;
	struct shm_slot	slot[];
};
struct shm	*shm_new(size_t, uint64_t);
void		 shm_free(struct shm *);
void		 shm_slot_reset(struct shm *, size_t);
int		 shm_claim(struct shm *, size_t, uint64_t *);
uint64_t	 shm_claimed(const struct shm *);
int		 shm_exhausted(const struct shm *);
void		 shm_stop(struct shm *);
int		 shm_stopped(const struct shm *);

/* stats.c */
#define PHASE_DNS	0
#define PHASE_CONNECT	1
#define PHASE_TLS	2
#define PHASE_TTFB	3
#define PHASE_MAX	4
#define STATUS_MAX	1000
struct stats_error {
	int32_t		code;
	uint64_t	count;
};
struct stats {
	uint64_t	  results;
	uint64_t	  ok;
	uint64_t	  failed;
	uint64_t	  status[STATUS_MAX];
	struct stats_error *errors;
	size_t		  nerrors;
	uint64_t	  bytes_in;
	uint64_t	  bytes_out;
	struct hist	 *latency;
	struct hist	 *phase[PHASE_MAX];
};
void		 stats_init(struct stats *);
void		 stats_free(struct stats *);
void		 stats_add(struct stats *, const struct result *,
		    const struct statusset *);
void		 stats_merge(struct stats *, const struct stats *);
uint64_t	 stats_status_failed(const struct stats *,
		    const struct statusset *);

/* run.c: the outcome of one run, at one concurrency level */
#define WSTATUS_RUNNING	0
#define WSTATUS_EXITED	1
#define WSTATUS_SIGNALED 2
#define WSTATUS_BROKEN	3
struct worker_info {
	int		id;
	pid_t		pid;
	int		fd;		/* read end of its pipe, -1 at EOF */
	size_t		slot;		/* its place in shm */
	int		share;		/* its part of the concurrency */
	int		hung;		/* killed for a task over --timeout */
	int		finished;	/* reaped, drained and settled */
	int64_t		task_seq;	/* task running at its end, or -1 */
	uint64_t	salvaged;	/* results taken from shm after death */
	uint64_t	results;
	int		status;		/* WSTATUS_* */
	int		code;
	int		signal;
	int		core_dumped;
	int		reaped;
	int		hello;
	int		done;
	char		error[256];	/* its MSG_ERROR text, if any */
	uint64_t	exit_us;	/* when it ended, since run start */
	struct rusage	ru;
	unsigned char	*buf;		/* partial frames */
	size_t		 buflen;
};
struct run {
	int		  concurrency;
	int		  nworkers;
	uint64_t	  issued;
	uint64_t	  ok;
	uint64_t	  failed;
	uint64_t	  lost;
	uint64_t	  not_run;
	uint64_t	  duration_us;
	int		  interrupted;
	int		  respawns;
	struct stats	  stats;
	struct worker_info *workers;
	size_t		  nworkers_total;
	char		  engine[56];
};
void		 run_init(struct run *, int);
void		 run_free(struct run *);
int		 run_is_crash(const struct worker_info *);
size_t		 run_crashes(const struct run *);
const char	*run_wstatus_name(int);
const char	*run_signame(int, char *, size_t);
const char	*run_describe_exit(const struct worker_info *, char *, size_t);

/* engine.c */
int		 engine_run(struct worker *);
const char	*engine_error_name(const struct config *, int, char *, size_t);
const char	*engine_name(int);

/* http.c */
int		 http_run(struct worker *);
const char	*http_error_name(int);
const char	*http_version(void);

/* exec.c */
#define EXEC_ERR_EXIT	1000		/* + exit status */
#define EXEC_ERR_SIGNAL	2000		/* + signal number */
#define EXEC_ERR_TIMEOUT 3000
#define EXEC_ERR_ERRNO	4000		/* + errno of a failed execve */
int		 exec_run(struct worker *);
const char	*exec_error_name(int, char *, size_t);

/* plugin.c */
int		 plugin_check(const char *, const char **);
int		 plugin_run(struct worker *);
const char	*plugin_error_name(int, char *, size_t);

/* worker.c */
struct worker {
	int			 id;
	int			 fd;
	size_t			 slot;		/* its place in shm */
	pid_t			 parent;
	const struct config	*conf;
	int			 concurrency;	/* this worker's share */
	int			 level;		/* the run's concurrency */
	struct shm		*shm;
	struct worker_batch	*batch;		/* in shm: a crash loses none */
	uint64_t		 run_start_ns;
	uint64_t		 deadline_ns;	/* 0: none */
	uint64_t		 sent;
	uint64_t		 last_flush_ns;
};
__dead void	 worker_main(struct worker *);
int		 worker_claim(struct worker *, uint64_t *);
int		 worker_stopping(struct worker *);
int		 worker_interrupted(void);
void		 worker_emit(struct worker *, const struct result *);
void		 worker_tick(struct worker *);
void		 worker_flush(struct worker *);
int		 worker_sleep_ms(struct worker *, int);
#define WORKER_TICK_MS	50	/* an engine's longest sleep */
void		 worker_task_begin(struct worker *, uint64_t);
void		 worker_task_end(struct worker *);
void		 worker_hook_begin(struct worker *);
void		 worker_hello(struct worker *, const char *);

/* parent.c */
void		 parent_signals(void);
int		 parent_run(const struct config *, int, struct run *);
int		 parent_interrupted(void);
struct limits {
	uint64_t	nofile_need;	/* descriptors one process needs */
	uint64_t	nofile_before;	/* soft RLIMIT_NOFILE found */
	uint64_t	nofile;		/* soft RLIMIT_NOFILE in force */
	uint64_t	nofile_hard;
};
int		 parent_raise_nofile(uint64_t, struct limits *, const char **);

/* verdict.c */
struct verdict {
	int		  passed;
	int		  exit_code;
	char		**reasons;
	size_t		  nreasons;
};
void		 verdict_eval(struct verdict *, const struct config *,
		    struct run *, size_t, int);
void		 verdict_free(struct verdict *);

/* report.c */
struct report {
	const struct config	*conf;
	struct run		*runs;
	size_t			 nruns;
	const struct verdict	*verdict;
	char			 started_at[40];
	char			 finished_at[40];
	int			 interrupted;
	const char		*version;
	const char		*libcurl;
	struct limits		 limits;
};
char		*report_dump(const struct report *);
int		 report_write(const struct report *, const char *);

/* summary.c */
void		 summary_print(FILE *, const struct report *);
void		 summary_progress(const struct run *, uint64_t, uint64_t, int);

/* listen.c: the target server's listen socket */
int		 listen_socket(const char *, int *, unsigned int *,
		    const char **);

/* route.c: what the target server's routes answer */
enum route {			/* in the order of by_route in /stats */
	ROUTE_ROOT,
	ROUTE_STATUS,
	ROUTE_DELAY,
	ROUTE_BYTES,
	ROUTE_DROP,
	ROUTE_ECHO,
	ROUTE_OTHER,
	ROUTE_MAX,
	ROUTE_STATS		/* not counted */
};
struct MHD_Connection;
struct MHD_Response;
struct echo;
enum route	 route_find(const char *, const char **);
struct MHD_Response *route_text(const char *);
struct MHD_Response *route_bad_method(const char *);
struct MHD_Response *route_status(const char *, unsigned int *);
struct MHD_Response *route_bytes(const char *, unsigned int *);
struct echo	*route_echo_new(void);
void		 route_echo_append(struct echo *, const char *, size_t);
struct MHD_Response *route_echo(struct MHD_Connection *, struct echo *,
		    unsigned int *);
void		 route_echo_free(struct echo *);

/* target.c: the bundled target server */
struct target;
struct target	*target_start(const char *, const char **);
unsigned int	 target_port(const struct target *);
void		 target_stop(struct target *);
#endif
