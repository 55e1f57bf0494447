/*
 * Internal interfaces of forkload, one section per file in src/.
 * No libcurl, jansson or libmicrohttpd header is included here: only the
 * file that owns a library sees it.
 */
#ifndef FORKLOAD_H
#define FORKLOAD_H

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>

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
#define FOLLOW_MAX	50	/* --follow: redirects, at most */

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
	uint8_t		bits[(STATUS_MAX + 7) / 8];
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
int		 hist_set_bounds(struct hist *, uint64_t, uint64_t);
uint64_t	 hist_count(const struct hist *);
uint64_t	 hist_min(const struct hist *);
uint64_t	 hist_max(const struct hist *);
double		 hist_mean(const struct hist *);
double		 hist_stdev(const struct hist *);
uint64_t	 hist_percentile(const struct hist *, double);
int		 hist_next(const struct hist *, size_t *, uint64_t *,
		    uint64_t *);
uint64_t	 hist_highest(void);
uint64_t	 hist_bucket_top(uint64_t, int *, int *);

/* frame.c */
#define FRAMEBUF_SIZE	(2 * MSG_MAX_LEN)
struct framebuf {
	int		 fd;		/* -1 once closed */
	unsigned char	*buf;
	size_t		 len;		/* bytes read */
	size_t		 off;		/* of which taken as frames */
};
int		 frame_get(const void *, size_t, struct msg_hdr *,
		    const void **, size_t *);
int		 frame_send(int, uint32_t, uint32_t, const void *, size_t);
size_t		 frame_payload_size(uint32_t, const void *, size_t);
void		 frame_open(struct framebuf *, int);
void		 frame_close(struct framebuf *);
ssize_t		 frame_read(struct framebuf *);
int		 frame_next(struct framebuf *, struct msg_hdr *,
		    const void **);
size_t		 frame_pending(const struct framebuf *);

/* config.c */
#define ENGINE_CURL	0	/* HTTP through libcurl (http.c) */
#define ENGINE_NATIVE	1	/* HTTP/1.1 of our own (h1.c) */
#define ENGINE_EXEC	2
#define ENGINE_PLUGIN	3
#define ENGINE_AUTO	(-1)	/* --engine auto: engine_choose() picks */
#define ENGINE_IS_HTTP(k)	((k) == ENGINE_CURL || (k) == ENGINE_NATIVE)
struct limits;
struct h1_plan;
struct threshold;
/* One stage of --stages: a ramp to target over dur_us. */
struct config_stage {
	uint64_t	dur_us;
	double		target;		/* a rate, or a concurrency */
};
/* A target of --targets: its own method, headers after -H's, and body. */
struct config_target {
	char		 *method;
	char		**headers;
	size_t		  nheaders;
	char		 *body;		/* NULL: --data's, if any */
	size_t		  bodylen;
};
struct config {
	int		  kind;		/* ENGINE_*: the one that runs */
	int		  engine_opt;	/* --engine: AUTO, CURL or NATIVE */
	int		  engine_set;	/* --engine was given */
	struct h1_plan	 *plan;		/* the native engine's requests */
	char		**exec_argv;	/* NULL-ended */
	char		 *plugin_path;
	char		 *plugin_arg;
	char		 *task_output;	/* directory, or NULL */
	char		  run_id[129];	/* random, or --run-id */
	int		  run_id_set;
	int		  shard_index;	/* --shard I/N */
	int		  shard_count;	/* 0: not sharded */
	int		  shard_auto;
	char		 *shards_str;	/* --shards */
	struct timespec	  start_at;	/* --start-at, realtime; 0: now */
	char		 *start_at_str;
	int		  timeout_set;
	int		  respawn;
	int		  max_respawns;
	uint64_t	  rlimit_as;	/* bytes, 0: none */
	char		**urls;
	char		**error_names;	/* of a report read back */
	size_t		  nerror_names;
	size_t		  nurls;
	struct config_target *tgt;	/* one per URL with --targets */
	char		 *targets_file;	/* --targets, "-": stdin */
	int		  targets_random;	/* --targets-order random */
	uint64_t	  seed;		/* --seed, or drawn */
	int		  seed_set;
	uint64_t	  requests;	/* 0: unbounded (duration only) */
	int		  requests_set;
	uint64_t	  duration_us;	/* 0: none */
	double		  rate;		/* -R per second; 0: closed loop */
	char		 *rate_str;
	struct config_stage *stages;	/* --stages */
	size_t		  nstages;
	char		 *stages_str;
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
	int		  data_inline;	/* --data was given */
	int		  method_set;
	uint64_t	  timeout_us;
	uint64_t	  connect_timeout_us;
	int		  http2;
	int		  insecure;
	int		  no_keepalive;
	int		  follow;	/* --follow: redirects, 0: none */
	struct statusset  expect;
	char		 *expect_str;
	uint64_t	  max_errors;
	double		  max_errors_pct;	/* < 0: a count is used */
	char		 *max_errors_str;
	int		  allow_crashes;
	struct threshold *thresholds;	/* --threshold, in order */
	size_t		  nthresholds;
	char		 *junit;	/* --junit FILE */
	char		 *output;
	char		 *stream;	/* --stream: a path, "-" stdout */
	int		  json;
	int		  quiet;
	int		  exec;		/* --exec was given */
};
void		 config_init(struct config *);
void		 config_free(struct config *);
int		 config_add_url(struct config *, const char *, const char **);
int		 config_add_header(struct config *, const char *,
		    const char **);
int		 config_set_method(struct config *, const char *,
		    const char **);
int		 config_set_data_file(struct config *, const char *,
		    const char **);
char		*config_output_target(const char *);
int		 config_check_output(const char *, const char **);
int		 config_check_dir(const char *, const char **);
int		 config_redacted(const char *);
int		 config_header_ok(const char *, const char **);
int		 config_header_add(char ***, size_t *, const char *,
		    const char **);
int		 config_method_ok(const char *, const char **);
char		*config_read_file(const char *, size_t *, const char **);

/* targets.c: the targets of an HTTP run, and --targets FILE */
struct config_target *targets_add(struct config *, const char *,
		    const char *, const char **);
int		 targets_load(struct config *, char *, size_t);
void		 targets_free(struct config *);
const char	*config_target_method(const struct config *, size_t);
const char	*config_target_url(const struct config *, size_t);
size_t		 config_target_count(const struct config *);
const char	*config_target_header(const struct config *, size_t, size_t);
const char	*config_target_body(const struct config *, size_t, size_t *);
uint32_t	 config_target_pick(const struct config *, uint64_t);

/* targets_json.c: --targets as JSON lines */
int		 targets_json_line(struct config *, const char *,
		    const char **);

/* config_check.c */
int		 config_workers(const struct config *, int);
int		 config_check(struct config *, struct limits *, char *,
		    size_t);

/* limits.c */
struct limits {
	uint64_t	nofile_need;	/* descriptors one process needs */
	uint64_t	nofile_before;	/* soft RLIMIT_NOFILE found */
	uint64_t	nofile;		/* soft RLIMIT_NOFILE in force */
	uint64_t	nofile_hard;
};
int		 limits_raise_nofile(uint64_t, struct limits *,
		    const char **);

/* shm.c: what workers and the parent share, by anonymous shared memory */
struct shm;
struct shm_snapshot {
	uint64_t	claimed;	/* tickets the worker took */
	uint64_t	emitted;	/* results it produced */
	int64_t		task_seq;	/* the task it runs, or -1 */
	uint64_t	task_start_ns;	/* 0: nothing runs (task or hook) */
};
struct shm	*shm_new(size_t, uint64_t);
void		 shm_free(struct shm *);
void		 shm_slot_reset(struct shm *, size_t);
uint64_t	 shm_limit(const struct shm *);
int		 shm_claim(struct shm *, size_t, uint64_t *);
uint64_t	 shm_claimed(const struct shm *);
uint64_t	 shm_peek(const struct shm *);
int		 shm_exhausted(const struct shm *);
void		 shm_stop(struct shm *);
int		 shm_stopped(const struct shm *);
void		 shm_task_begin(struct shm *, size_t, int64_t);
void		 shm_task_end(struct shm *, size_t);
void		 shm_slot_snapshot(const struct shm *, size_t,
		    struct shm_snapshot *);
uint32_t	 shm_batch_push(struct shm *, size_t, const struct result *);
const void	*shm_batch_payload(const struct shm *, size_t, size_t *);
void		 shm_batch_clear(struct shm *, size_t);
int		 shm_salvage(const struct shm *, size_t, uint64_t,
		    struct result *, uint32_t *);

/* stats.c */
#define PHASE_DNS	0
#define PHASE_CONNECT	1
#define PHASE_TLS	2
#define PHASE_TTFB	3
#define PHASE_MAX	4
/*
 * What a failed result failed by: its status, or the engine's error. The
 * errors are kept sorted by kind, then code, so that every listing of
 * them comes out in the same order.
 */
#define STATS_ERR_STATUS	0	/* code: a status not expected */
#define STATS_ERR_ENGINE	1	/* code: the engine's error code */
#define STATS_ERR_NAMED		2	/* code: in conf error_names */
struct stats_error {
	int32_t		kind;		/* STATS_ERR_* */
	int32_t		code;
	uint64_t	count;
};
#define STATS_VERSIONS	40	/* HTTP versions, as major * 10 + minor */
struct stats {
	uint64_t	  results;
	uint64_t	  ok;
	uint64_t	  failed;	/* the sum of the errors' counts */
	uint64_t	  status[STATUS_MAX];	/* status lines that arrived */
	struct stats_error *errors;
	size_t		  nerrors;
	uint64_t	  bytes_in;
	uint64_t	  bytes_out;
	uint64_t	  versions[STATS_VERSIONS];
	uint64_t	  late;		/* started over 1 ms after due */
	uint64_t	  max_lag_ns;	/* the latest start against due */
	uint64_t	  first_start_ns; /* UINT64_MAX while none */
	uint64_t	  last_start_ns;
	struct hist	 *latency;	/* corrected; whole after the series */
	struct hist	 *latency_raw;	/* from the first byte sent */
	struct hist	 *phase[PHASE_MAX];	/* only phases that happened */
};
/* How late a result started against when it was due (open loop). */
#define RESULT_LAG_NS(r)	((r)->start_ns > (r)->sched_ns ? \
				    (r)->start_ns - (r)->sched_ns : 0)
/* Its latency from when it was due, corrected, in whole microseconds. */
#define RESULT_LATENCY_US(r)	((RESULT_LAG_NS(r) + (r)->latency_ns + \
				    NS_PER_US / 2) / NS_PER_US)
void		 stats_init(struct stats *);
void		 stats_free(struct stats *);
int		 stats_count(struct stats *, const struct result *,
		    const struct statusset *);
int		 stats_ok(const struct result *, const struct statusset *);
int		 stats_add(struct stats *, const struct result *,
		    const struct statusset *);
void		 stats_tally(struct stats_error **, size_t *, int32_t,
		    int32_t, uint64_t);
int		 stats_failure(const struct result *,
		    const struct statusset *, int32_t *, int32_t *);
void		 stats_cause(const struct result *, int32_t *, int32_t *);
int		 stats_latency(const struct result *, uint64_t *);
void		 stats_merge(struct stats *, const struct stats *);
const char	*stats_error_name(const struct config *,
		    const struct stats_error *, char *, size_t);

/* series.c: the run second by second */
struct series_entry {
	uint64_t	second;		/* since the run's start */
	uint64_t	started;	/* results that started in it */
	uint64_t	ok;		/* results counted in it: they ended */
	uint64_t	failed;		/* in it, or late (see late) */
	uint64_t	in_flight;	/* started minus counted, to its end */
	uint64_t	bytes_in;
	uint64_t	bytes_out;
	uint64_t	late;		/* here: their own second was final */
	int		latency;	/* p50, p99 and max hold values */
	uint64_t	p50;		/* us, of the results without error */
	uint64_t	p99;
	uint64_t	max;
};
struct series;
struct series	*series_new(void);
void		 series_free(struct series *);
void		 series_begin(struct series *, uint64_t, struct stats *,
		    const struct statusset *,
		    void (*)(void *, const struct series_entry *), void *);
void		 series_batch(struct series *, const void *, uint32_t);
size_t		 series_tick(struct series *, uint64_t);
uint64_t	 series_due(const struct series *);
void		 series_end(struct series *, uint64_t);
const struct series_entry *series_entries(const struct series *, size_t *);
const struct series_entry *series_last(const struct series *);

/* pertarget.c: a run's results by target */
#define PERTARGET_LATENCY_MAX	1024	/* targets with latency figures */
struct pertarget {
	uint64_t	    ok;
	uint64_t	    failed;
	struct stats_error *status;	/* statuses seen: STATS_ERR_STATUS */
	size_t		    nstatus;
	struct stats_error *errors;	/* failures by cause, as in stats */
	size_t		    nerrors;
	struct hist	   *latency;	/* NULL: no latency (yet) */
};
struct pertargets {
	struct pertarget   *t;		/* n of them; NULL until finished */
	size_t		    n;		/* with one target, the run's own */
};
void		 pertarget_init(struct pertargets *, size_t);
void		 pertarget_free(struct pertargets *);
int		 pertarget_has_latency(size_t);
void		 pertarget_add(struct pertargets *, const struct result *,
		    int);
void		 pertarget_finish(struct pertargets *, const struct stats *);
int		 pertarget_merge(struct pertargets *,
		    const struct pertargets *);

/* outcome.c: what one run, at one concurrency level, came to */
/* Where a worker is in its life; the parent only moves it forward. */
enum wstate {
	WS_STARTING,		/* forked: no HELLO read yet */
	WS_RUNNING,		/* said HELLO: results may come */
	WS_DONE,		/* said DONE: only the end of its pipe may */
	WS_BROKEN,		/* broke the protocol: killed, pipe closed */
	WS_HUNG,		/* ran a task past --timeout: killed */
	WS_ENDED		/* reaped and settled: see its end */
};
/* How a worker ended, once WS_ENDED. */
enum wend {
	WEND_CLEAN,		/* said DONE and exited 0 */
	WEND_EXIT,		/* exited otherwise: a code, or no DONE */
	WEND_SIGNAL,		/* a signal ended it */
	WEND_BROKEN,		/* killed for breaking the protocol */
	WEND_HUNG		/* killed for a task past --timeout */
};
struct worker_info {
	int		id;
	pid_t		pid;
	size_t		slot;		/* its place in shm */
	int		share;		/* its part of the concurrency */
	enum wstate	state;
	enum wend	end;
	int		code;		/* exit status, when it exited */
	int		signal;		/* the signal that ended it, or 0 */
	int		core_dumped;
	int64_t		task_seq;	/* task running at its end, or -1 */
	uint64_t	results;	/* results counted, salvaged too */
	uint64_t	salvaged;	/* results taken from shm after death */
	char		error[256];	/* its MSG_ERROR text, if any */
	uint64_t	exit_us;	/* when it ended, since run start */
	struct rusage	ru;
	struct framebuf	pipe;		/* its frames; fd -1 once closed */
};
struct outcome {
	int		  concurrency;
	int		  nworkers;	/* forked at the start */
	uint64_t	  issued;
	uint64_t	  ok;
	uint64_t	  failed;
	uint64_t	  lost;
	uint64_t	  not_run;
	uint64_t	  missed;	/* -R: due by -d's end, never run */
	uint64_t	  duration_us;
	int		  interrupted;
	int		  respawns;
	struct stats	  stats;
	struct series	 *series;	/* second by second */
	struct pertargets targets;	/* the same results, by target */
	struct worker_info *workers;	/* replacements too */
	size_t		  nworkers_total;
	char		  engine_version[56];	/* from HELLO */
};
void		 outcome_init(struct outcome *, int);
void		 outcome_free(struct outcome *);
double		 outcome_rps(const struct outcome *);
double		 outcome_achieved_rps(const struct outcome *);
double		 outcome_target_rps(const struct outcome *,
		    const struct config *);
int		 outcome_is_crash(const struct worker_info *);
size_t		 outcome_crashes(const struct outcome *);
int		 outcome_exited(const struct worker_info *);
const char	*outcome_exit_name(const struct worker_info *);
const char	*outcome_crash_reason(const struct worker_info *);
const char	*outcome_signame(int, char *, size_t);
const char	*outcome_describe_exit(const struct worker_info *, char *,
		    size_t);

/* engine.c */
struct worker;
int		 engine_run(struct worker *);
const char	*engine_error_name(const struct config *, int, char *, size_t);
const char	*engine_name(int);
int		 engine_parse(const char *, int *);
int		 engine_choose(struct config *, char *, size_t);
int		 engine_in_worker(int);
void		 engine_override(int, int (*)(struct worker *));

/* shape.c: -R and --stages, parsed */
int		 shape_rate(const char *, double *, const char **);
int		 shape_stages(const char *, int, struct config_stage **,
		    size_t *, const char **);

/* shard.c: --shard I/N, --run-id, --start-at */
uint64_t	 shard_share(const struct config *, uint64_t);
int		 shard_parse(struct config *, const char *, const char **);
int		 shard_run_id_ok(const char *);
int		 shard_check(struct config *, char *, size_t);
int		 shard_start_at(const char *, struct timespec *, const char **);
void		 shard_wait(const struct timespec *);

/* sched.c: when tickets are due, and the concurrency --stages ramps */
struct sched_stage {
	uint64_t	 start_ns;	/* since the run's start */
	uint64_t	 dur_ns;
	double		 from;		/* the rate or concurrency, ramped */
	double		 to;
	double		 before;	/* tickets due before the stage */
};
struct sched {
	double			 rate;	/* per second; 0: closed loop */
	int			 level;	/* the run's concurrency */
	int			 shard;	/* --shard I/N: its tickets I + kN */
	int			 nshards;	/* 1: not sharded */
	struct sched_stage	*stage;
	size_t			 nstages;
	double			 total;	/* tickets over all the stages */
	uint64_t		 end_ns; /* the stages' end */
};
void		 sched_init(struct sched *, const struct config *, int);
void		 sched_free(struct sched *);
int		 sched_open(const struct sched *);
uint64_t	 sched_tickets(const struct sched *);
uint64_t	 sched_due(const struct sched *, uint64_t);
uint64_t	 sched_due_before(const struct sched *, uint64_t);
int		 sched_concurrency(const struct sched *, uint64_t);
int		 sched_peak(const struct config *, int);

/* timer.c: deadlines in a min-heap */
struct timers {
	uint64_t	*when;		/* heap order */
	uint32_t	*who;		/* the owner of each heap entry */
	uint32_t	*pos;		/* each owner's heap entry */
	uint32_t	 n;		/* entries in the heap */
	uint32_t	 owners;
};
void		 timer_init(struct timers *, uint32_t);
void		 timer_free(struct timers *);
void		 timer_set(struct timers *, uint32_t, uint64_t);
void		 timer_clear(struct timers *, uint32_t);
int		 timer_next(const struct timers *, uint64_t *, uint32_t *);

/* h1_plan.c: the native engine's requests, built before any fork */
#define H1_ADDRS	4	/* addresses of a name, tried in turn */
struct h1_target {
	char			*req;	/* the whole request, body too */
	size_t			 reqlen;
	int			 head;	/* HEAD: no body comes back */
	struct sockaddr_storage	 addr[H1_ADDRS];
	socklen_t		 addrlen[H1_ADDRS];
	int			 naddr;	/* 0: the name did not resolve */
	uint32_t		 dns_us; /* how long the lookup took */
	uint32_t		 pool;	/* first target at this address */
};
struct h1_plan {
	struct h1_target	*t;		/* one per URL */
	size_t			 n;
};
int		 h1_plan_check_url(const char *, char *, size_t,
		    const char **);
struct h1_plan	*h1_plan_new(const struct config *);
void		 h1_plan_free(struct h1_plan *);

/* h1_resp.c: one response, read by http-parser */
#define H1_MORE		0
#define H1_DONE		1
#define H1_FAIL		(-1)
#define H1_MAXHDR	(64 * 1024)	/* default bound of the headers */
struct h1_resp;
void		 h1_resp_init(uint32_t);
size_t		 h1_resp_size(void);
void		 h1_resp_start(struct h1_resp *, int);
int		 h1_resp_feed(struct h1_resp *, const char *, size_t,
		    size_t *);
int		 h1_resp_eof(struct h1_resp *);
int		 h1_resp_status(const struct h1_resp *);
unsigned int	 h1_resp_version(const struct h1_resp *);
int		 h1_resp_keepalive(const struct h1_resp *);
int		 h1_resp_error(const struct h1_resp *);
uint64_t	 h1_resp_bytes(const struct h1_resp *);

/* h1.c: the native HTTP/1.1 engine's loop */
int		 h1_run(struct worker *);

/* h1_conn.c: one connection of the native engine */
#define H1_RBUF		65536	/* one read; a worker's only buffer */
/* Where a connection is in serving one request. */
enum h1_state {
	CONN_IDLE,		/* nothing left to do, no socket */
	CONN_FREE,		/* a result is out: ready for the next */
	CONN_WAIT,		/* no ticket is due yet (open loop) */
	CONN_HOLD,		/* has a ticket due soon: its timer */
	CONN_CONNECTING,
	CONN_SENDING,
	CONN_RECEIVING
};
struct h1conn {
	int		 fd;		/* -1: none */
	enum h1_state	 state;
	uint32_t	 id;		/* index, and timer owner */
	uint32_t	 target;
	uint32_t	 pool;		/* where the socket is connected */
	int		 ai;		/* which of the target's addresses */
	uint64_t	 seq;
	uint64_t	 begin_ns;	/* the request was taken */
	uint64_t	 sched_ns;	/* when it was due (open loop) */
	uint64_t	 start_ns;	/* its first byte was written */
	uint64_t	 open_ns;	/* connect() was called */
	size_t		 sent;
	uint64_t	 bytes_out;
	uint32_t	 flags;		/* RESULT_* so far */
	uint32_t	 connect_us;
	uint32_t	 ttfb_us;
	int		 reused;	/* the request went on a kept socket */
	int		 retried;
	struct h1_resp	*resp;
};
/* A worker's native engine: its connections, epoll and deadlines. */
struct h1 {
	struct worker		*w;
	const struct h1_plan	*plan;
	int			 epfd;
	struct h1conn		*conns;
	uint32_t		 nconns;
	uint32_t		 active;	/* connections with work */
	uint32_t		 busy;		/* with a request in hand */
	uint32_t		*waiting;	/* CONN_WAIT, for the wake */
	uint32_t		*woken;		/* the list being woken */
	uint32_t		 nwaiting;
	uint64_t		 wake_ns;	/* a ticket due; 0: none */
	struct timers		 timers;
	char			*rbuf;
	char			*dns_told;	/* per target: dns told */
	uint64_t		 now;		/* the clock, once a wake */
	uint64_t		 timeout_ns;	/* 0: none */
	uint64_t		 connect_timeout_ns;
	int			 keepalive;
};
void		 h1_conn_close(struct h1conn *);
void		 h1_conn_result(struct h1 *, struct h1conn *, int);
void		 h1_conn_next(struct h1 *, struct h1conn *);
void		 h1_conn_release(struct h1 *, struct h1conn *);
void		 h1_conn_event(struct h1 *, struct h1conn *, uint32_t);

/* http.c */
int		 http_run(struct worker *);
const char	*http_version(void);

/* http_error.c */
/*
 * The errors both HTTP engines report, as libcurl numbers them (CURLcode),
 * so that a report names a failure the same whichever engine ran.
 */
#define HTTP_ERR_UNSUPPORTED_PROTOCOL	1
#define HTTP_ERR_COULDNT_RESOLVE_HOST	6
#define HTTP_ERR_COULDNT_CONNECT	7
#define HTTP_ERR_WEIRD_SERVER_REPLY	8
#define HTTP_ERR_PARTIAL_FILE		18
#define HTTP_ERR_OPERATION_TIMEDOUT	28
#define HTTP_ERR_ABORTED		42	/* ABORTED_BY_CALLBACK */
#define HTTP_ERR_GOT_NOTHING		52
#define HTTP_ERR_SEND_ERROR		55
#define HTTP_ERR_RECV_ERROR		56
#define HTTP_ERR_TOO_LARGE		100
const char	*http_error_name(int);

/* http_request.c: void * stands for curl's CURL *, kept out of here */
struct http_request;
struct http_tally {		/* what curl's callbacks count, per transfer */
	uint64_t	body_in;	/* body bytes received */
	unsigned int	sends;		/* times the request went out */
};
struct http_request *http_request_new(const struct config *);
void		*http_request_open(const struct http_request *, void *,
		    struct http_tally *);
void		 http_request_reset(const struct http_request *, void *,
		    void *, struct http_tally *);
void		 http_request_target(const struct http_request *, void *,
		    uint64_t);
void		 http_request_free(struct http_request *);
int		 http_check_urls(const struct config *, char *, size_t);

/* http.c: the libcurl engine; void * stands for CURL * and CURLM * */
/* One connection slot: an easy handle kept for the whole run. */
struct http_conn {
	void		*easy;
	uint64_t	 seq;
	uint64_t	 start_ns;	/* taken: our clock */
	uint64_t	 sched_ns;	/* when it was due (open loop) */
	struct http_tally tally;	/* counted by curl's callbacks */
	int		 busy;
	int		 waiting;	/* no ticket due yet */
	int		 held;		/* a ticket due at sched_ns */
};
/* A worker's libcurl engine: its multi handle, epoll and slots. */
struct http {
	struct worker		*w;
	void			*multi;
	struct http_request	*req;		/* what every slot sends */
	int			 epfd;
	uint64_t		 timer_ns;	/* 0: no curl timer */
	uint64_t		 deadline_ns;	/* --timeout plus GRACE_NS */
	uint64_t		 swept_ns;	/* the last backstop sweep */
	struct http_conn	*conns;
	int			 nconns;
	int			 active;	/* slots not done for good */
	int			 busy;		/* transfers in hand */
	int			*waitlist;	/* slots waiting or held */
	int			*woken;		/* the list being woken */
	int			 nwaiting;
	uint64_t		 wake_ns;	/* a ticket due; 0: none */
};
void		 http_mcheck(int, const char *);

/* http_result.c */
void		 http_result(struct http *, struct http_conn *, int, uint64_t,
		    int);

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
	int			 nworkers;	/* of the run, at its start */
	struct sched		 sched;		/* when tickets are due */
	struct shm		*shm;
	uint32_t		 pending;	/* results in its shm batch */
	uint64_t		 run_start_ns;
	uint64_t		 deadline_ns;	/* 0: none */
	uint64_t		 sent;
	uint64_t		 last_flush_ns;
};
__dead void	 worker_main(struct worker *);
int		 worker_claim(struct worker *, uint64_t *, uint64_t *);
int		 worker_claim_now(struct worker *, uint64_t, uint64_t *);
#define WORKER_END	0	/* nothing left to start */
#define WORKER_GO	1	/* start a task, at its time */
#define WORKER_WAIT	2	/* nothing is due yet */
int		 worker_next(struct worker *, uint64_t, int, uint64_t *,
		    uint64_t *, uint64_t *);
int		 worker_stopping(struct worker *);
int		 worker_interrupted(void);
void		 worker_emit(struct worker *, const struct result *);
void		 worker_tick(struct worker *);
void		 worker_flush(struct worker *);
int		 worker_sleep_ms(struct worker *, int);
uint64_t	 worker_flush_due(const struct worker *);
#define WORKER_TICK_MS	50	/* an engine's longest sleep */
void		 worker_task_begin(struct worker *, uint64_t);
void		 worker_task_end(struct worker *);
void		 worker_hook_begin(struct worker *);
void		 worker_hello(struct worker *, const char *);

/* selfpipe.c */
void		 selfpipe_init(void);
int		 selfpipe_fd(void);
int		 selfpipe_take(void);
int		 selfpipe_interrupted(void);

/* parent.c */
struct parent {
	const struct config	*conf;
	struct outcome		*out;		/* totals, as results come */
	struct shm		*shm;
	struct worker_info	*workers;	/* the worker table */
	size_t			 nworkers;
	size_t			*refill;	/* slots to fork anew */
	size_t			 nrefill;
	int			 sigfd;		/* the signal self-pipe */
	int			 peak;		/* the concurrency at most */
	int			 watch;		/* kill tasks past --timeout */
	uint64_t		 start_ns;	/* the run's clock: its start */
	struct sched		 sched;		/* -R, --stages */
	uint64_t		 limit;		/* tickets; UINT64_MAX: none */
	int			 progress;	/* draw the progress line */
	uint64_t		 drawn;		/* when it was last drawn */
};
int		 parent_run(const struct config *, int, struct outcome *);
void		 parent_kill(struct worker_info *, int);

/* ingest.c */
int		 ingest_read(struct parent *, struct worker_info *);
void		 ingest_salvage(struct parent *, struct worker_info *);

/* settle.c */
int		 settle_worker(struct parent *, struct worker_info *);

/* live.c: the parent's live view of a run */
void		 live_begin(struct parent *);
int		 live_wait_ms(const struct parent *, int);
void		 live_tick(struct parent *, uint64_t);
void		 live_end(struct parent *, uint64_t);

/* progress.c */
struct progress {
	int		 concurrency;
	uint64_t	 done;		/* results so far */
	uint64_t	 total;		/* -n; UINT64_MAX: none */
	uint64_t	 failed;
	uint64_t	 elapsed_us;
	uint64_t	 duration_us;	/* -d; 0: none */
	const struct series_entry *now;	/* the last whole second, or NULL */
	int		 alive;		/* workers */
	int		 crashes;	/* so far */
};
size_t		 progress_format(char *, size_t, const struct progress *);
void		 progress_draw(const struct progress *);
void		 progress_clear(void);

/* stream.c: --stream, the series as NDJSON while the run goes */
int		 stream_check(const char *, const char **);
int		 stream_open(const char *);
int		 stream_tty(void);
void		 stream_run(int);
void		 stream_entry(const struct series_entry *);
void		 stream_flush(void);
int		 stream_close(void);

/* threshold.c: --threshold, parsed and judged */
enum th_metric {
	TH_MIN, TH_MEAN, TH_STDEV, TH_P50, TH_P90, TH_P95, TH_P99, TH_P999,
	TH_MAX,			/* latencies, in microseconds */
	TH_ERROR_RATE,		/* a percentage */
	TH_RPS,
	TH_OK, TH_FAILED, TH_LOST, TH_CRASHES,
	TH_METRIC_MAX
};
enum th_op { TH_LT, TH_LE, TH_GT, TH_GE, TH_EQ };
enum th_kind {
	TK_LATENCY,		/* microseconds; a unit us, ms or s */
	TK_PERCENT,		/* a percentage, with % */
	TK_RATE,		/* a plain number, fractions allowed */
	TK_COUNT		/* a whole number */
};
struct threshold {
	char		*expr;		/* as given */
	enum th_metric	 metric;
	enum th_op	 op;
	double		 limit;		/* us, percent, req/s or a count */
	int64_t		 target;	/* the target it looks at; -1: run */
	size_t		 target_col;	/* where the target's index is */
};
int		 threshold_parse(struct threshold *, const char *,
		    const char **, size_t *);
void		 threshold_free(struct threshold *);
const char	*threshold_metric_name(const struct threshold *);
enum th_kind	 threshold_kind(const struct threshold *);
int		 threshold_check(const struct threshold *, size_t, char *,
		    size_t);
int		 threshold_observe(const struct threshold *,
		    const struct outcome *, double *);
int		 threshold_holds(const struct threshold *, double);
const char	*threshold_format(const struct threshold *, double, char *,
		    size_t);

/* verdict.c */
/* One check of one run, as JUnit shows it: a test case. */
struct check {
	size_t		  run;		/* its run, an index */
	char		 *name;		/* "--max-errors 0" */
	char		 *failure;	/* its reasons, a line each; NULL: ok */
};
/* A threshold judged in one run. */
struct threshold_result {
	size_t		  run;		/* an index into the runs */
	const struct threshold *th;
	int		  observed_set;	/* 0: nothing to observe */
	double		  observed;
	int		  ok;
};
struct verdict {
	int		  passed;
	int		  exit_code;
	char		**reasons;
	size_t		  nreasons;
	struct check	 *checks;	/* of every run, in order */
	size_t		  nchecks;
	struct threshold_result *thresholds;
	size_t		  nthresholds;
};
void		 verdict_eval(struct verdict *, const struct config *,
		    const struct outcome *, size_t, int);
void		 verdict_free(struct verdict *);

/* report.c */
struct report {
	const struct config	*conf;
	const struct outcome	*runs;
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
struct json_t	*report_uint(uint64_t);
struct json_t	*report_round(double);

/* report_read.c: a report read back, for `forkload report` and merge */
struct report_in {
	struct report	 rep;		/* points at the members below */
	struct config	 conf;		/* what the summary needs of it */
	struct verdict	 verdict;
	struct outcome	*runs;
	size_t		 nruns;
	struct json_t	*doc;		/* owns every string above */
};
struct report_rd {			/* where an error goes */
	const char	*file;
	char		*err;
	size_t		 errlen;
};
int		 report_read(const char *, struct report_in *, char *, size_t);
char		*report_in_dump(const struct report_in *);
void		 report_in_free(struct report_in *);
int		 report_rd_fail(struct report_rd *, const char *, const char *,
		    ...) PRINTFLIKE(3, 4);
struct json_t	*report_rd_get(struct report_rd *, struct json_t *,
		    const char *, const char *, int, int);
int		 report_rd_uint(struct report_rd *, struct json_t *,
		    const char *, const char *, uint64_t *);
int		 report_rd_int(struct report_rd *, struct json_t *,
		    const char *, const char *, long long, long long, int *);
const char	*report_rd_str(struct report_rd *, struct json_t *,
		    const char *, const char *, int);
int		 report_read_rate(struct report_rd *, struct json_t *,
		    struct config *);

/* report_read_run.c */
int		 report_read_runs(struct report_rd *, struct json_t *,
		    struct report_in *);
int		 report_read_hist_of(struct report_rd *, struct json_t *,
		    const char *, const char *, struct hist *);
void		 report_read_run_free(struct outcome *);

/* report_read_workers.c */
int		 report_read_workers(struct report_rd *, struct json_t *,
		    const char *, struct outcome *);
int		 report_read_targets(struct report_rd *, struct json_t *,
		    const char *, struct report_in *, struct outcome *);

/* report_run.c */
struct json_t	*report_run(const struct config *, const struct outcome *);
struct json_t	*report_latency(const struct hist *);
struct json_t	*report_tally(const struct config *,
		    const struct stats_error *, size_t, int);

/* report_threshold.c */
struct json_t	*report_thresholds(const struct report *);

/* report_target.c */
struct json_t	*report_targets(const struct config *,
		    const struct outcome *);

/* junit.c */
char		*junit_dump(const struct report *);

/* report_series.c */
struct json_t	*report_timeseries(const struct series *);
char		*report_series_line(size_t, int, const struct series_entry *);

/* report_write.c */
int		 report_write_text(const char *, const char *);
int		 report_write(const struct report *, const char *);
int		 report_emit(const struct report *, int);

/* summary.c */
void		 summary_print(FILE *, const struct report *);

/* report_hgrm.c */
int		 report_hgrm(FILE *, const struct report *);

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
	ROUTE_REDIRECT,
	ROUTE_OTHER,
	ROUTE_MAX,
	ROUTE_STATS,		/* not counted */
	ROUTE_PAUSE		/* not counted */
};
struct MHD_Connection;
struct MHD_Response;
struct echo;
enum route	 route_find(const char *, const char **);
struct MHD_Response *route_text(const char *);
struct MHD_Response *route_bad_method(const char *);
struct MHD_Response *route_status(const char *, unsigned int *);
struct MHD_Response *route_bytes(const char *, unsigned int *);
struct MHD_Response *route_redirect(const char *, unsigned int *);
struct echo	*route_echo_new(void);
void		 route_echo_append(struct echo *, const char *, size_t);
struct MHD_Response *route_echo(struct MHD_Connection *, struct echo *,
		    unsigned int *);
void		 route_echo_free(struct echo *);

/* stall.c: the target server's waits, /delay and /pause */
struct stall;
struct stall	*stall_new(void);
int		 stall_sleep(struct stall *, long long);
void		 stall_pause(struct stall *, long long);
int		 stall_hold(struct stall *);
void		 stall_stop(struct stall *);
void		 stall_free(struct stall *);

/* target.c: the bundled target server */
struct target;
struct target	*target_start(const char *, const char **);
unsigned int	 target_port(const struct target *);
void		 target_stop(struct target *);
#endif
