/*
 * The JSON report (schema forkload-report/1, doc/report.schema.json). This
 * is the only file that builds json_t. Times are integer microseconds, so
 * reports and golden files stay stable; report_write.c puts the text where
 * it is asked for. Each json_object_set_new() takes what it is given, so
 * nothing built here needs its own decref.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "forkload.h"

#define REPORT_SCHEMA	"forkload-report/1"

/* A count as a JSON integer; jansson's are signed, so clamp. */
static json_t *
report_uint(uint64_t v)
{
	return (json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v));
}

/* A mean or stdev, rounded to the integer microseconds of the report. */
static json_t *
report_round(double v)
{
	return (json_integer((json_int_t)llround(v)));
}

/*
 * An array of strings. With redact, a secret header keeps its name and
 * loses its value, so a report can be shared.
 */
static json_t *
report_strings(char *const *v, size_t n, int redact)
{
	json_t	*a = json_array();
	char	*red;
	size_t	 i, len;

	for (i = 0; i < n; i++) {
		if (redact && config_redacted(v[i])) {
			len = strcspn(v[i], ":");
			xasprintf(&red, "%.*s: REDACTED", (int)len, v[i]);
			json_array_append_new(a, json_string(red));
			free(red);
		} else
			json_array_append_new(a, json_string(v[i]));
	}
	return (a);
}

/* A string, or null for an option not given. */
static json_t *
report_str(const char *s)
{
	return (s != NULL ? json_string(s) : json_null());
}

/* config: what the run was asked to do, null where an option is unset. */
static json_t *
report_config(const struct config *c)
{
	json_t	*o = json_object(), *sweep, *exec;
	size_t	 i;

	json_object_set_new(o, "urls", report_strings(c->urls, c->nurls, 0));
	json_object_set_new(o, "requests", c->duration_us != 0 &&
	    !c->requests_set ? json_null() : report_uint(c->requests));
	json_object_set_new(o, "duration_us", c->duration_us == 0 ?
	    json_null() : report_uint(c->duration_us));
	json_object_set_new(o, "concurrency", c->nsweep > 0 ? json_null() :
	    json_integer(c->concurrency));
	sweep = json_null();
	if (c->nsweep > 0) {
		sweep = json_array();
		for (i = 0; i < c->nsweep; i++)
			json_array_append_new(sweep, json_integer(c->sweep[i]));
	}
	json_object_set_new(o, "sweep", sweep);
	json_object_set_new(o, "workers", c->workers == 0 ? json_null() :
	    json_integer(c->workers));
	json_object_set_new(o, "method", json_string(c->method));
	json_object_set_new(o, "headers",
	    report_strings(c->headers, c->nheaders, 1));
	json_object_set_new(o, "body_bytes", c->data == NULL ? json_null() :
	    report_uint(c->datalen));
	json_object_set_new(o, "timeout_us", !ENGINE_IS_HTTP(c->kind) &&
	    !c->timeout_set ? json_null() : report_uint(c->timeout_us));
	json_object_set_new(o, "connect_timeout_us",
	    c->connect_timeout_us == 0 ? json_null() :
	    report_uint(c->connect_timeout_us));
	json_object_set_new(o, "http2", json_boolean(c->http2));
	json_object_set_new(o, "insecure", json_boolean(c->insecure));
	json_object_set_new(o, "keepalive", json_boolean(!c->no_keepalive));
	json_object_set_new(o, "follow", json_integer(c->follow));
	json_object_set_new(o, "expect_status", json_string(c->expect_str));
	json_object_set_new(o, "max_errors", json_string(c->max_errors_str));
	json_object_set_new(o, "allow_crashes", json_integer(c->allow_crashes));
	json_object_set_new(o, "engine", json_string(engine_name(c->kind)));
	exec = json_null();
	if (c->exec_argv != NULL) {
		exec = json_array();
		for (i = 0; c->exec_argv[i] != NULL; i++)
			json_array_append_new(exec,
			    json_string(c->exec_argv[i]));
	}
	json_object_set_new(o, "exec", exec);
	json_object_set_new(o, "plugin", report_str(c->plugin_path));
	json_object_set_new(o, "plugin_arg", report_str(c->plugin_arg));
	json_object_set_new(o, "task_output", report_str(c->task_output));
	json_object_set_new(o, "respawn", json_boolean(c->respawn));
	json_object_set_new(o, "max_respawns", json_integer(c->max_respawns));
	json_object_set_new(o, "worker_rlimit_as", c->rlimit_as == 0 ?
	    json_null() : report_uint(c->rlimit_as));
	return (o);
}

/* latency_us: the summary figures and the whole histogram. */
static json_t *
report_latency(const struct hist *h)
{
	json_t		*o = json_object(), *hist = json_array(), *pair;
	static const struct {
		const char	*name;
		double		 p;
	} pct[] = {
		{ "p50", 50 }, { "p90", 90 }, { "p95", 95 }, { "p99", 99 },
		{ "p999", 99.9 }
	};
	uint64_t	 value, count;
	size_t		 i, iter = 0;

	json_object_set_new(o, "min", report_uint(hist_min(h)));
	json_object_set_new(o, "mean", report_round(hist_mean(h)));
	json_object_set_new(o, "stdev", report_round(hist_stdev(h)));
	for (i = 0; i < sizeof(pct) / sizeof(pct[0]); i++)
		json_object_set_new(o, pct[i].name,
		    report_uint(hist_percentile(h, pct[i].p)));
	json_object_set_new(o, "max", report_uint(hist_max(h)));
	/* Sparse [[value, count], ...]: enough to merge reports exactly. */
	while (hist_next(h, &iter, &value, &count)) {
		pair = json_array();
		json_array_append_new(pair, report_uint(value));
		json_array_append_new(pair, report_uint(count));
		json_array_append_new(hist, pair);
	}
	json_object_set_new(o, "histogram", hist);
	return (o);
}

/*
 * phases_us: each timing phase over the requests where it happened (a
 * reused connection has no connect), with how many those were.
 */
static json_t *
report_phases(const struct stats *s)
{
	static const char *name[PHASE_MAX] = { "dns", "connect", "tls",
	    "ttfb" };
	json_t	*o = json_object(), *p;
	int	 i;

	for (i = 0; i < PHASE_MAX; i++) {
		p = json_object();
		json_object_set_new(p, "count",
		    report_uint(hist_count(s->phase[i])));
		json_object_set_new(p, "mean",
		    report_round(hist_mean(s->phase[i])));
		json_object_set_new(p, "p50",
		    report_uint(hist_percentile(s->phase[i], 50)));
		json_object_set_new(p, "p99",
		    report_uint(hist_percentile(s->phase[i], 99)));
		json_object_set_new(o, name[i], p);
	}
	return (o);
}

/*
 * status_codes, or with errors set errors: each seen key and its count.
 * Errors are named by the engine ("COULDNT_CONNECT"), never by number.
 */
static json_t *
report_counts(const struct config *c, const struct stats *s, int errors)
{
	json_t		*o = json_object();
	const char	*name;
	char		 key[32];
	size_t		 i;

	if (!errors) {
		for (i = 0; i < STATUS_MAX; i++) {
			if (s->status[i] == 0)
				continue;
			snprintf(key, sizeof(key), "%zu", i);
			json_object_set_new(o, key, report_uint(s->status[i]));
		}
		return (o);
	}
	for (i = 0; i < s->nerrors; i++) {
		name = stats_error_name(c, &s->errors[i], key, sizeof(key));
		json_object_set_new(o, name, report_uint(s->errors[i].count));
	}
	return (o);
}

/* http_versions: responses by HTTP version ("1.1", "2"). */
static json_t *
report_versions(const struct stats *s)
{
	json_t	*o = json_object();
	char	 key[8];
	size_t	 v;

	for (v = 1; v < STATS_VERSIONS; v++) {
		if (s->versions[v] == 0)
			continue;
		/* HTTP/2 and 3 have no minor version; 1.0 has. */
		if (v >= 20 && v % 10 == 0)
			snprintf(key, sizeof(key), "%zu", v / 10);
		else
			snprintf(key, sizeof(key), "%zu.%zu", v / 10, v % 10);
		json_object_set_new(o, key, report_uint(s->versions[v]));
	}
	return (o);
}

/* A struct timeval from getrusage, in microseconds. */
static json_t *
report_tv_us(const struct timeval *tv)
{
	return (report_uint((uint64_t)tv->tv_sec * US_PER_SEC +
	    (uint64_t)tv->tv_usec));
}

/* One entry of crashes[]: who died, how, and with what delivered. */
static json_t *
report_crash(const struct worker_info *w)
{
	json_t	*o = json_object();
	char	 sig[32];

	json_object_set_new(o, "worker", json_integer(w->id));
	json_object_set_new(o, "pid", json_integer(w->pid));
	json_object_set_new(o, "signal", w->signal != 0 ?
	    json_string(outcome_signame(w->signal, sig, sizeof(sig))) :
	    json_null());
	json_object_set_new(o, "exit_code", outcome_exited(w) ?
	    json_integer(w->code) : json_null());
	json_object_set_new(o, "core_dumped", json_boolean(w->core_dumped));
	json_object_set_new(o, "results_delivered", report_uint(w->results));
	json_object_set_new(o, "at_us", report_uint(w->exit_us));
	json_object_set_new(o, "task_seq", w->task_seq < 0 ? json_null() :
	    json_integer(w->task_seq));
	json_object_set_new(o, "reason",
	    json_string(outcome_crash_reason(w)));
	return (o);
}

/* One entry of workers[]: its results, its exit and its rusage. */
static json_t *
report_worker(const struct worker_info *w)
{
	json_t	*o = json_object(), *e = json_object();

	json_object_set_new(o, "id", json_integer(w->id));
	json_object_set_new(o, "pid", json_integer(w->pid));
	json_object_set_new(o, "results", report_uint(w->results));
	json_object_set_new(e, "status", json_string(outcome_exit_name(w)));
	json_object_set_new(e, "code", outcome_exited(w) ?
	    json_integer(w->code) : json_null());
	/* A number here, a name in crashes[]: the schema says so. */
	json_object_set_new(e, "signal", w->signal != 0 ?
	    json_integer(w->signal) : json_null());
	json_object_set_new(e, "core_dumped", json_boolean(w->core_dumped));
	json_object_set_new(o, "exit", e);
	json_object_set_new(o, "cpu_user_us", report_tv_us(&w->ru.ru_utime));
	json_object_set_new(o, "cpu_sys_us", report_tv_us(&w->ru.ru_stime));
	json_object_set_new(o, "max_rss_kb", json_integer(w->ru.ru_maxrss));
	return (o);
}

/* workers[], or with crashes set crashes[], of one run. */
static json_t *
report_workers(const struct outcome *r, int crashes)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < r->nworkers_total; i++) {
		if (!crashes)
			json_array_append_new(a,
			    report_worker(&r->workers[i]));
		else if (outcome_is_crash(&r->workers[i]))
			json_array_append_new(a,
			    report_crash(&r->workers[i]));
	}
	return (a);
}

/* One entry of runs[]: one concurrency level and what it came to. */
static json_t *
report_run(const struct config *c, const struct outcome *r)
{
	json_t	*o = json_object(), *req = json_object(), *b = json_object();

	json_object_set_new(o, "concurrency", json_integer(r->concurrency));
	json_object_set_new(req, "issued", report_uint(r->issued));
	json_object_set_new(req, "ok", report_uint(r->ok));
	json_object_set_new(req, "failed", report_uint(r->failed));
	json_object_set_new(req, "lost", report_uint(r->lost));
	json_object_set_new(req, "not_run", report_uint(r->not_run));
	json_object_set_new(o, "requests", req);
	json_object_set_new(o, "duration_us", report_uint(r->duration_us));
	/* Two decimals: more would only show the clock's noise. */
	json_object_set_new(o, "throughput_rps",
	    json_real(round(outcome_rps(r) * 100) / 100));
	json_object_set_new(o, "latency_us", report_latency(r->stats.latency));
	json_object_set_new(o, "status_codes", report_counts(c, &r->stats, 0));
	json_object_set_new(o, "errors", report_counts(c, &r->stats, 1));
	json_object_set_new(o, "http_versions", report_versions(&r->stats));
	json_object_set_new(b, "in", report_uint(r->stats.bytes_in));
	json_object_set_new(b, "out", report_uint(r->stats.bytes_out));
	json_object_set_new(o, "bytes", b);
	json_object_set_new(o, "phases_us", report_phases(&r->stats));
	json_object_set_new(o, "respawns", json_integer(r->respawns));
	json_object_set_new(o, "workers", report_workers(r, 0));
	json_object_set_new(o, "crashes", report_workers(r, 1));
	return (o);
}

/* What the run needed of the system, and what forkload raised. */
static json_t *
report_limits(const struct limits *l)
{
	json_t	*o = json_object(), *n = json_object();

	json_object_set_new(n, "needed", report_uint(l->nofile_need));
	json_object_set_new(n, "soft", report_uint(l->nofile));
	json_object_set_new(n, "hard", report_uint(l->nofile_hard));
	json_object_set_new(n, "raised_from", l->nofile != l->nofile_before ?
	    report_uint(l->nofile_before) : json_null());
	json_object_set_new(o, "nofile", n);
	return (o);
}

/* The whole report, as a JSON object. */
static json_t *
report_build(const struct report *rep)
{
	json_t	*o = json_object(), *tool = json_object(), *runs, *v;
	size_t	 i;

	json_object_set_new(o, "schema", json_string(REPORT_SCHEMA));
	json_object_set_new(o, "run_id", json_string(rep->conf->run_id));
	json_object_set_new(tool, "name", json_string("forkload"));
	json_object_set_new(tool, "version", json_string(rep->version));
	json_object_set_new(tool, "libcurl", rep->conf->kind == ENGINE_CURL &&
	    rep->libcurl != NULL && *rep->libcurl != '\0' ?
	    json_string(rep->libcurl) : json_null());
	json_object_set_new(o, "tool", tool);
	json_object_set_new(o, "config", report_config(rep->conf));
	json_object_set_new(o, "started_at", json_string(rep->started_at));
	json_object_set_new(o, "finished_at", json_string(rep->finished_at));
	json_object_set_new(o, "interrupted", json_boolean(rep->interrupted));
	json_object_set_new(o, "limits", report_limits(&rep->limits));
	runs = json_array();
	for (i = 0; i < rep->nruns; i++)
		json_array_append_new(runs,
		    report_run(rep->conf, &rep->runs[i]));
	json_object_set_new(o, "runs", runs);
	v = json_object();
	json_object_set_new(v, "passed", json_boolean(rep->verdict->passed));
	json_object_set_new(v, "exit_code",
	    json_integer(rep->verdict->exit_code));
	json_object_set_new(v, "reasons", report_strings(rep->verdict->reasons,
	    rep->verdict->nreasons, 0));
	json_object_set_new(o, "verdict", v);
	return (o);
}

/*
 * Return the report as a JSON text ending in a newline, which the caller
 * frees; NULL with errno set when jansson cannot build it (out of memory).
 */
char *
report_dump(const struct report *rep)
{
	json_t	*o;
	char	*s, *out;

	o = report_build(rep);
	/* Sorted keys and fixed precision keep golden files stable. */
	s = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS |
	    JSON_REAL_PRECISION(15));
	json_decref(o);
	if (s == NULL) {
		errno = ENOMEM;
		return (NULL);
	}
	xasprintf(&out, "%s\n", s);
	free(s);
	return (out);
}
