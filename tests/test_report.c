/*
 * Unit tests of report.c: reports built by hand from fixed results are
 * dumped and compared byte for byte with tests/golden/, and report_write
 * replaces its file atomically or creates nothing at all.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forkload.h"

#ifndef GOLDEN_DIR
#error "GOLDEN_DIR must name the tests/golden directory"
#endif

/* The curl error a refused connection gives (CURLE_COULDNT_CONNECT). */
#define ERR_COULDNT_CONNECT	7

struct fixture {
	struct config	 conf;
	struct outcome	*runs;
	size_t		 nruns;
	struct verdict	 verdict;
	struct report	 rep;
};

static struct result mkresult(uint64_t, uint32_t, int32_t, uint64_t,
		    uint32_t, uint32_t, uint32_t, uint32_t);
static void	 add_results(struct outcome *, const struct config *,
		    const struct result *, size_t);
static void	 end_run(struct outcome *, uint64_t);
static struct worker_info *add_workers(struct outcome *, size_t);
static void	 set_exited(struct worker_info *, int, pid_t, uint64_t,
		    uint64_t);
static void	 fixture_finish(struct fixture *, const char *,
		    const char *);
static int	 setup_basic(void **);
static void	 add_threshold(struct config *, const char *);
static int	 setup_sweep(void **);
static int	 teardown(void **);
static char	*read_file(const char *, size_t *);
static void	 check_golden(const char *, const char *);
static char	*make_tmpdir(void);
static size_t	 dir_entries(const char *, char *, size_t);
static int	 lowest_free_fd(void);

/* A result; times are ns for latency and us for the phases. */
static struct result
mkresult(uint64_t seq, uint32_t status, int32_t error, uint64_t latency_ns,
    uint32_t dns_us, uint32_t connect_us, uint32_t tls_us, uint32_t ttfb_us)
{
	struct result	 r;

	memset(&r, 0, sizeof(r));
	r.seq = seq;
	r.sched_ns = seq * 1000000;
	r.start_ns = seq * 1000000 + 1500;
	r.latency_ns = latency_ns;
	r.bytes_in = status != 0 ? 512 + seq : 0;
	r.bytes_out = 80;
	r.error = error;
	r.status = status;
	r.dns_us = dns_us;
	r.connect_us = connect_us;
	r.tls_us = tls_us;
	r.ttfb_us = ttfb_us;
	/* A phase happened where it took time; a response was HTTP/1.1. */
	r.flags = (dns_us > 0 ? RESULT_DNS : 0) |
	    (connect_us > 0 ? RESULT_CONNECT : 0) |
	    (tls_us > 0 ? RESULT_TLS : 0) | (ttfb_us > 0 ? RESULT_TTFB : 0) |
	    (status > 0 ? RESULT_SET_VERSION(11) : 0);
	return (r);
}

/*
 * Count results as the parent does: the stats and the targets first,
 * then the series, which records the latencies second by second and
 * gives them to the stats when it ends (end_run()).
 */
static void
add_results(struct outcome *r, const struct config *conf,
    const struct result *v, size_t n)
{
	size_t	 i;
	int	 failed;

	if (r->targets.n == 0)
		pertarget_init(&r->targets, config_target_count(conf));
	series_begin(r->series, 0, &r->stats, &conf->expect, NULL, NULL);
	for (i = 0; i < n; i++) {
		failed = stats_count(&r->stats, &v[i], &conf->expect);
		if (r->targets.n > 1)
			pertarget_add(&r->targets, &v[i], failed);
	}
	series_batch(r->series, v, (uint32_t)n);
}

/* End a run's series at its duration, its last second partial. */
static void
end_run(struct outcome *r, uint64_t duration_us)
{
	r->duration_us = duration_us;
	series_end(r->series, duration_us * NS_PER_US);
}

static struct worker_info *
add_workers(struct outcome *r, size_t n)
{
	size_t	 i;

	r->workers = xcalloc(n, sizeof(*r->workers));
	r->nworkers = (int)n;
	r->nworkers_total = n;
	for (i = 0; i < n; i++) {
		r->workers[i].id = (int)i;
		r->workers[i].pipe.fd = -1;
		r->workers[i].state = WS_ENDED;
		r->workers[i].task_seq = -1;
	}
	return (r->workers);
}

/* A worker that said it was done and exited with code. */
static void
set_exited(struct worker_info *w, int code, pid_t pid, uint64_t results,
    uint64_t exit_us)
{
	w->pid = pid;
	w->end = code == 0 ? WEND_CLEAN : WEND_EXIT;
	w->code = code;
	w->results = results;
	w->exit_us = exit_us;
	w->ru.ru_utime.tv_sec = 0;
	w->ru.ru_utime.tv_usec = 250000 + pid % 1000;
	w->ru.ru_stime.tv_sec = 1;
	w->ru.ru_stime.tv_usec = 5000;
	w->ru.ru_maxrss = 8192 + pid % 1000;
}

/* Judge the runs and fill in the report around them. */
static void
fixture_finish(struct fixture *f, const char *started, const char *finished)
{
	size_t	 i;

	for (i = 0; i < f->nruns; i++)
		pertarget_finish(&f->runs[i].targets, &f->runs[i].stats);
	verdict_eval(&f->verdict, &f->conf, f->runs, f->nruns, 0);
	/* The run id is random in real runs. */
	strlcpy(f->conf.run_id, "0123456789abcdef0123456789abcdef",
	    sizeof(f->conf.run_id));
	f->rep.conf = &f->conf;
	f->rep.runs = f->runs;
	f->rep.nruns = f->nruns;
	f->rep.verdict = &f->verdict;
	strlcpy(f->rep.started_at, started, sizeof(f->rep.started_at));
	strlcpy(f->rep.finished_at, finished, sizeof(f->rep.finished_at));
	f->rep.interrupted = 0;
	/* Fixed, not FORKLOAD_VERSION: a release needs no new golden file. */
	f->rep.version = "0.1.0";
	f->rep.libcurl = "7.88.1";
}

/*
 * One run of 12 requests at concurrency 5: eight 200s, a 503, a refused
 * connection, one request lost with a worker killed by SIGKILL and one
 * never run. Secret headers must come out redacted.
 */
static int
setup_basic(void **state)
{
	struct fixture		*f;
	struct worker_info	*w;
	struct outcome		*r;
	const char		*errstr;
	const struct result	 res[] = {
		mkresult(0, 200, 0, 1200000, 150, 300, 0, 1100),
		mkresult(1, 200, 0, 1500400, 0, 0, 0, 1400),
		mkresult(2, 200, 0, 2300000, 0, 0, 0, 2200),
		mkresult(3, 200, 0, 850000, 0, 0, 0, 800),
		mkresult(4, 200, 0, 999499, 120, 280, 0, 900),
		mkresult(5, 200, 0, 12000000, 0, 0, 0, 11900),
		mkresult(6, 200, 0, 3100000, 0, 0, 0, 3000),
		mkresult(7, 200, 0, 45000001, 0, 0, 0, 44800),
		mkresult(8, 503, 0, 5000000, 0, 0, 0, 4950),
		mkresult(9, 0, ERR_COULDNT_CONNECT, 3000, 140, 0, 0, 0),
	};

	f = xcalloc(1, sizeof(*f));
	config_init(&f->conf);
	assert_int_equal(config_add_url(&f->conf,
	    "http://127.0.0.1:8080/status", &errstr), 0);
	assert_int_equal(config_add_header(&f->conf,
	    "Authorization: Bearer secret", &errstr), 0);
	assert_int_equal(config_add_header(&f->conf, "Cookie: a=b", &errstr),
	    0);
	assert_int_equal(config_add_header(&f->conf, "X-Plain: yes", &errstr),
	    0);
	f->conf.requests = 12;
	f->conf.requests_set = 1;
	f->conf.concurrency = 5;
	f->conf.concurrency_set = 1;

	f->nruns = 1;
	f->runs = xcalloc(1, sizeof(*f->runs));
	r = &f->runs[0];
	outcome_init(r, 5);
	add_results(r, &f->conf, res, sizeof(res) / sizeof(res[0]));
	r->ok = 8;
	r->failed = 2;
	r->lost = 1;
	r->not_run = 1;
	r->issued = r->ok + r->failed + r->lost + r->not_run;
	end_run(r, 1234567);

	w = add_workers(r, 2);
	set_exited(&w[0], 0, 4242, 6, 1234000);
	w[1].pid = 4243;
	w[1].end = WEND_SIGNAL;
	w[1].signal = SIGKILL;
	w[1].results = 4;
	w[1].exit_us = 600000;
	w[1].ru.ru_utime.tv_usec = 120000;
	w[1].ru.ru_maxrss = 7000;

	fixture_finish(f, "2024-05-01T12:00:00.000125Z",
	    "2024-05-01T12:00:01.250000Z");
	*state = f;
	return (0);
}

/* Add a --threshold, which must parse. */
static void
add_threshold(struct config *c, const char *expr)
{
	const char	*errstr;
	size_t		 col;

	c->thresholds = xreallocarray(c->thresholds, c->nthresholds + 1,
	    sizeof(*c->thresholds));
	assert_int_equal(threshold_parse(&c->thresholds[c->nthresholds],
	    expr, &errstr, &col), 0);
	c->nthresholds++;
}

/*
 * A sweep over concurrency 1 and 4, by duration, with a POST body: the
 * second level gets a 500, so the verdict fails with exit code 1; there
 * its max latency is over the threshold max<1ms too, and target 1, which
 * only gets requests at c=4, meets ok>=4@1 only there.
 */
static int
setup_sweep(void **state)
{
	struct fixture		*f;
	struct worker_info	*w;
	struct outcome		*r;
	const char		*errstr;
	struct result		 res[12];
	size_t			 i;

	f = xcalloc(1, sizeof(*f));
	config_init(&f->conf);
	assert_int_equal(config_add_url(&f->conf, "http://127.0.0.1:8080/a",
	    &errstr), 0);
	assert_int_equal(config_add_url(&f->conf, "https://example.test/b",
	    &errstr), 0);
	assert_int_equal(config_set_method(&f->conf, "POST", &errstr), 0);
	assert_int_equal(config_add_header(&f->conf,
	    "Content-Type: application/json", &errstr), 0);
	assert_int_equal(config_add_header(&f->conf,
	    "proxy-authorization: Basic Zm9vOmJhcg==", &errstr), 0);
	f->conf.data = xstrdup("{\"k\":1}");
	f->conf.datalen = strlen(f->conf.data);
	f->conf.duration_us = 2 * US_PER_SEC;
	f->conf.connect_timeout_us = 500000;
	f->conf.workers = 2;
	f->conf.http2 = 1;
	f->conf.follow = 5;
	f->conf.sweep = xcalloc(2, sizeof(*f->conf.sweep));
	f->conf.sweep[0] = 1;
	f->conf.sweep[1] = 4;
	f->conf.nsweep = 2;
	f->conf.concurrency = 4;
	f->conf.max_errors_pct = 1.0;
	free(f->conf.max_errors_str);
	f->conf.max_errors_str = xstrdup("1%");
	add_threshold(&f->conf, "max<1ms");
	add_threshold(&f->conf, "ok>=4@1");

	f->nruns = 2;
	f->runs = xcalloc(2, sizeof(*f->runs));

	r = &f->runs[0];
	outcome_init(r, 1);
	for (i = 0; i < 5; i++)
		res[i] = mkresult(i, 200, 0, 400000 + 1000 * i, 0, 0, 0,
		    350 + 10 * (uint32_t)i);
	res[0].dns_us = 90;
	res[0].connect_us = 180;
	res[0].flags |= RESULT_DNS | RESULT_CONNECT;
	add_results(r, &f->conf, res, 5);
	r->ok = 5;
	r->issued = 5;
	end_run(r, 2000000);
	w = add_workers(r, 1);
	set_exited(&w[0], 0, 5001, 5, 2000100);

	r = &f->runs[1];
	outcome_init(r, 4);
	for (i = 0; i < 12; i++)
		res[i] = mkresult(100 + i, i == 7 ? 500 : 200, 0,
		    700000 + 37000 * i, 0, 0, 0, 600 + 30 * (uint32_t)i);
	for (i = 0; i < 4; i++) {
		res[i].dns_us = 80 + (uint32_t)i;
		res[i].connect_us = 200 + (uint32_t)i;
		res[i].tls_us = 1500 + 100 * (uint32_t)i;
		res[i].flags |= RESULT_DNS | RESULT_CONNECT | RESULT_TLS;
		res[i].target = 1;
	}
	/*
	 * Over two seconds, one request in flight across the boundary, so
	 * that timeseries[] has a second of each kind, the 500 in the second.
	 */
	for (i = 0; i < 12; i++)
		res[i].start_ns = i * 170 * NS_PER_MS + 1500;
	res[5].start_ns = NS_PER_SEC - 500 * NS_PER_US;
	for (i = 0; i < 12; i++)
		res[i].sched_ns = res[i].start_ns - 1500;
	add_results(r, &f->conf, res, 12);
	r->ok = 11;
	r->failed = 1;
	r->issued = 12;
	end_run(r, 2000500);
	w = add_workers(r, 2);
	set_exited(&w[0], 0, 5002, 7, 2000300);
	set_exited(&w[1], 0, 5003, 5, 2000400);

	fixture_finish(f, "2024-05-01T12:10:00.500000Z",
	    "2024-05-01T12:10:04.512345Z");
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	size_t		 i;

	for (i = 0; i < f->nruns; i++)
		outcome_free(&f->runs[i]);
	free(f->runs);
	verdict_free(&f->verdict);
	config_free(&f->conf);
	free(f);
	return (0);
}

/* Read a whole file into a NUL-ended string; NULL if it cannot be read. */
static char *
read_file(const char *path, size_t *lenp)
{
	FILE	*fp;
	char	*buf;
	size_t	 len = 0, size = 4096, n;

	if ((fp = fopen(path, "r")) == NULL)
		return (NULL);
	buf = xmalloc(size);
	while ((n = fread(buf + len, 1, size - len - 1, fp)) > 0) {
		len += n;
		if (size - len - 1 == 0) {
			size *= 2;
			buf = xreallocarray(buf, size, 1);
		}
	}
	assert_false(ferror(fp));
	fclose(fp);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return (buf);
}

/*
 * Compare text with the golden file name, or write it there when
 * FORKLOAD_UPDATE_GOLDEN=1. A difference is reported by its first line.
 */
static void
check_golden(const char *name, const char *text)
{
	const char	*update, *a, *b, *ea, *eb;
	char		 path[1024];
	char		*want;
	FILE		*fp;
	size_t		 line = 1;

	snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, name);
	update = getenv("FORKLOAD_UPDATE_GOLDEN");
	if (update != NULL && strcmp(update, "1") == 0) {
		if ((fp = fopen(path, "w")) == NULL)
			fail_msg("%s: %s", path, strerror(errno));
		assert_int_equal(fputs(text, fp) >= 0, 1);
		assert_int_equal(fclose(fp), 0);
		print_message("wrote %s\n", path);
		return;
	}
	if ((want = read_file(path, NULL)) == NULL)
		fail_msg("%s: %s (FORKLOAD_UPDATE_GOLDEN=1 creates it)", path,
		    strerror(errno));
	if (strcmp(want, text) == 0) {
		free(want);
		return;
	}
	a = want;
	b = text;
	for (;;) {
		ea = a + strcspn(a, "\n");
		eb = b + strcspn(b, "\n");
		if (ea - a != eb - b || memcmp(a, b, ea - a) != 0 ||
		    *ea == '\0' || *eb == '\0')
			break;
		a = ea + 1;
		b = eb + 1;
		line++;
	}
	print_error("%s:%zu: want: %.*s\n", path, line, (int)(ea - a), a);
	print_error("%s:%zu:  got: %.*s\n", path, line, (int)(eb - b), b);
	print_error("%s: want %zu bytes, got %zu\n", path, strlen(want),
	    strlen(text));
	free(want);
	fail_msg("report differs from %s", path);
}

static void
test_golden_basic(void **state)
{
	struct fixture	*f = *state;
	char		*text;

	text = report_dump(&f->rep);
	check_golden("report-basic.json", text);
	free(text);
}

static void
test_golden_sweep(void **state)
{
	struct fixture	*f = *state;
	char		*text;

	text = report_dump(&f->rep);
	check_golden("report-sweep.json", text);
	free(text);
}

/*
 * What the golden file must say about the basic case, checked without
 * it, so that regenerating the golden file cannot hide a regression.
 */
static void
test_basic_content(void **state)
{
	struct fixture	*f = *state;
	char		*text;
	size_t		 i;
	static const char *want[] = {
		"\"schema\": \"forkload-report/1\"",
		"\"Authorization: REDACTED\"",
		"\"Cookie: REDACTED\"",
		"\"X-Plain: yes\"",
		"\"status_codes\": {\n        \"200\": 8,\n        \"503\"",
		"\"503\": 1\n      }",
		"\"errors\": {\n        \"COULDNT_CONNECT\": 1,\n"
		    "        \"STATUS_503\": 1\n      }",
		"\"http_versions\": {\n        \"1.1\": 9\n      }",
		/* Two new connections, not ten: reused ones have none. */
		"\"connect\": {\n          \"count\": 2,",
		"\"dns\": {\n          \"count\": 3,",
		"\"signal\": \"SIGKILL\"",
		"\"reason\": \"signaled\"",
		"\"results_delivered\": 4",
		"\"issued\": 12",
		"\"lost\": 1",
		"\"not_run\": 1",
		"\"throughput_rps\": 8.1",
		"\"exit_code\": 3",
		"\"passed\": false",
		"\"worker 1 (pid 4243) killed by SIGKILL\"",
		"\"1 worker crash, --allow-crashes 0\"",
		"\"version\": \"0.1.0\"",
		"\"libcurl\": \"7.88.1\"",
	};
	static const char *never[] = { "secret", "a=b", "Bearer" };

	text = report_dump(&f->rep);
	assert_int_equal(text[strlen(text) - 1], '\n');
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strstr(text, want[i]) == NULL)
			fail_msg("report lacks %s", want[i]);
	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		if (strstr(text, never[i]) != NULL)
			fail_msg("report leaks %s", never[i]);
	assert_int_equal(f->verdict.exit_code, EXIT_CRASHED);
	free(text);
}

static void
test_sweep_content(void **state)
{
	struct fixture	*f = *state;
	char		*text;
	size_t		 i;
	static const char *want[] = {
		"\"sweep\": [\n      1,\n      4\n    ]",
		"\"requests\": null",
		"\"duration_us\": 2000000",
		"\"method\": \"POST\"",
		"\"body_bytes\": 7",
		"\"proxy-authorization: REDACTED\"",
		"\"max_errors\": \"1%\"",
		"\"500\": 1",
		"\"crashes\": []",
		"\"exit_code\": 1",
		"\"c=4: 1 of 12 requests failed (--max-errors 1%)\"",
		"\"c=4: status 500: 1 response outside --expect-status 2xx\"",
		"\"c=4: threshold max<1ms: observed 1.11ms\"",
		"\"c=1: threshold ok>=4@1: observed 0\"",
		"\"expression\": \"max<1ms\",\n      \"limit\": 1000,\n"
		    "      \"metric\": \"max\",\n      \"observed\": 1109,",
		"\"STATUS_500\": 1",
		"\"tls\": {\n          \"count\": 4,",
		/* The request that ran across the end of second 0. */
		"\"in_flight\": 1,",
		"\"p50\": null,",
		"\"second\": 2,",
		/* c=4: 4 requests went to target 1, the rest to target 0. */
		"\"index\": 1,",
		"\"url\": \"https://example.test/b\"",
		"\"requests\": {\n            \"failed\": 1,\n"
		    "            \"ok\": 7\n",
		"\"requests\": {\n            \"failed\": 0,\n"
		    "            \"ok\": 4\n",
	};

	text = report_dump(&f->rep);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strstr(text, want[i]) == NULL)
			fail_msg("report lacks %s", want[i]);
	assert_null(strstr(text, "Zm9vOmJhcg=="));
	assert_int_equal(f->verdict.exit_code, EXIT_FAILED);
	free(text);
}

/* A fresh directory for report_write to work in. */
static char *
make_tmpdir(void)
{
	const char	*base;
	char		*dir;

	if ((base = getenv("TMPDIR")) == NULL || *base == '\0')
		base = "/tmp";
	xasprintf(&dir, "%s/test_report.XXXXXX", base);
	if (mkdtemp(dir) == NULL)
		fail_msg("mkdtemp %s: %s", dir, strerror(errno));
	return (dir);
}

/* Count the entries of dir but . and ..; the last one's name in name. */
static size_t
dir_entries(const char *dir, char *name, size_t len)
{
	DIR		*dp;
	struct dirent	*de;
	size_t		 n = 0;

	dp = opendir(dir);
	assert_non_null(dp);
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		strlcpy(name, de->d_name, len);
		n++;
	}
	closedir(dp);
	return (n);
}

/* The lowest file descriptor not in use, to see that none leaked. */
static int
lowest_free_fd(void)
{
	int	 fd;

	fd = open("/dev/null", O_RDONLY);
	assert_true(fd >= 0);
	close(fd);
	return (fd);
}

/*
 * report_write replaces an existing file with exactly the dump, mode
 * 0644, and leaves no temporary file behind.
 */
static void
test_write(void **state)
{
	struct fixture	*f = *state;
	struct stat	 sb;
	char		*dir, *path, *text, *got;
	char		 name[256];
	FILE		*fp;
	size_t		 len;
	int		 fd0;

	dir = make_tmpdir();
	xasprintf(&path, "%s/report.json", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("an older report\n", fp);
	assert_int_equal(fclose(fp), 0);

	fd0 = lowest_free_fd();
	assert_int_equal(report_write(&f->rep, path), 0);
	assert_int_equal(lowest_free_fd(), fd0);
	text = report_dump(&f->rep);
	got = read_file(path, &len);
	assert_non_null(got);
	assert_int_equal(len, strlen(text));
	assert_string_equal(got, text);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0644);
	assert_int_equal(dir_entries(dir, name, sizeof(name)), 1);
	assert_string_equal(name, "report.json");

	/* Writing again gives the same file, still with nothing beside it. */
	assert_int_equal(report_write(&f->rep, path), 0);
	free(got);
	got = read_file(path, NULL);
	assert_non_null(got);
	assert_string_equal(got, text);
	assert_int_equal(dir_entries(dir, name, sizeof(name)), 1);

	free(got);
	free(text);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	free(path);
	free(dir);
}

/* A report into a directory that does not exist: -1, nothing created. */
static void
test_write_no_dir(void **state)
{
	struct fixture	*f = *state;
	struct stat	 sb;
	char		*dir, *missing, *path;
	char		 name[256];
	int		 fd0;

	dir = make_tmpdir();
	xasprintf(&missing, "%s/missing", dir);
	xasprintf(&path, "%s/report.json", missing);
	fd0 = lowest_free_fd();
	errno = 0;
	assert_int_equal(report_write(&f->rep, path), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(lowest_free_fd(), fd0);
	assert_int_equal(stat(missing, &sb), -1);
	assert_int_equal(dir_entries(dir, name, sizeof(name)), 0);
	assert_int_equal(rmdir(dir), 0);
	free(path);
	free(missing);
	free(dir);
}

/*
 * The sweep's verdict as JUnit XML: a suite per level, a case per check,
 * and a failure in each check that failed, against a golden file.
 */
static void
test_junit_sweep(void **state)
{
	struct fixture	*f = *state;
	char		*text;
	size_t		 i;
	static const char *want[] = {
		"<testsuite name=\"forkload c=1\" tests=\"7\" "
		    "failures=\"1\"",
		"<testsuite name=\"forkload c=4\" tests=\"7\" "
		    "failures=\"3\"",
		"<testcase classname=\"forkload.c1\" name=\"--threshold "
		    "ok&gt;=4@1\">\n      <failure message=\"threshold "
		    "ok&gt;=4@1: observed 0\">",
		"name=\"--max-errors 1%\">\n      <failure message=\"1 of "
		    "12 requests failed (--max-errors 1%)\">",
	};

	text = junit_dump(&f->rep);
	assert_non_null(text);
	check_golden("junit-sweep.xml", text);
	assert_non_null(strstr(text, "<testsuites name=\"forkload\" "
	    "tests=\"14\" failures=\"4\""));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strstr(text, want[i]) == NULL)
			fail_msg("JUnit XML lacks %s", want[i]);
	free(text);
}

/* What XML cannot hold as is comes escaped, in names and reasons. */
static void
test_junit_escape(void **state)
{
	struct fixture	*f = *state;
	struct verdict	*v = &f->verdict;
	char		*text;

	assert_true(v->nchecks > 0);
	free(v->checks[0].name);
	v->checks[0].name = xstrdup("a<b>&\"c\"'d'");
	free(v->checks[0].failure);
	v->checks[0].failure = xstrdup("x<y\n\tz\001\xc3\xa9&");
	text = junit_dump(&f->rep);
	assert_non_null(text);
	assert_non_null(strstr(text, "name=\"a&lt;b&gt;&amp;&quot;c&quot;"
	    "&apos;d&apos;\">"));
	assert_non_null(strstr(text, "<failure message=\"x&lt;y&#10;&#9;z???"
	    "&amp;\">x&lt;y\n\tz???&amp;</failure>"));
	free(text);
}

/* The summary of a report, as text. */
static char *
summary_text(const struct report *rep)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 len = 0;

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	summary_print(f, rep);
	assert_int_equal(fclose(f), 0);
	return (buf);
}

/*
 * report_read() takes back what report_dump() wrote: the summary of the
 * report read is the summary of the report, and its dump is the JSON.
 */
static void
test_read_round_trip(void **state)
{
	struct fixture		*f = *state;
	struct report_in	 in;
	char			*dir, path[512], err[512], *json, *back;
	char			*want, *got;
	FILE			*fp;

	dir = make_tmpdir();
	snprintf(path, sizeof(path), "%s/r.json", dir);
	json = report_dump(&f->rep);
	assert_non_null(json);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_true(fputs(json, fp) != EOF);
	assert_int_equal(fclose(fp), 0);
	if (report_read(path, &in, err, sizeof(err)) == -1)
		fail_msg("report_read: %s", err);
	assert_int_equal(in.nruns, f->nruns);
	back = report_in_dump(&in);
	assert_string_equal(back, json);
	want = summary_text(&f->rep);
	got = summary_text(&in.rep);
	assert_string_equal(got, want);
	report_in_free(&in);
	/* Half of it is one error naming the file, and frees cleanly. */
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_true(fwrite(json, 1, strlen(json) / 2, fp) > 0);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(report_read(path, &in, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	report_in_free(&in);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	free(want);
	free(got);
	free(back);
	free(json);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_golden_basic,
		    setup_basic, teardown),
		cmocka_unit_test_setup_teardown(test_basic_content,
		    setup_basic, teardown),
		cmocka_unit_test_setup_teardown(test_golden_sweep,
		    setup_sweep, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_content,
		    setup_sweep, teardown),
		cmocka_unit_test_setup_teardown(test_write,
		    setup_basic, teardown),
		cmocka_unit_test_setup_teardown(test_write_no_dir,
		    setup_basic, teardown),
		cmocka_unit_test_setup_teardown(test_junit_sweep,
		    setup_sweep, teardown),
		cmocka_unit_test_setup_teardown(test_junit_escape,
		    setup_basic, teardown),
		cmocka_unit_test_setup_teardown(test_read_round_trip,
		    setup_basic, teardown),
		cmocka_unit_test_setup_teardown(test_read_round_trip,
		    setup_sweep, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
