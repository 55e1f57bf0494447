/*
 * The JSON of one run of the report: a concurrency level's requests,
 * latency, statuses, errors, phases and workers. report.c puts the runs
 * together with the rest; these two are the only files that see json_t.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "forkload.h"

/*
 * A latency object ($defs/latency): the summary figures and the whole
 * histogram, of a run or of a target. NULL stands for an empty one: all
 * figures 0 and no buckets.
 */
json_t *
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

	json_object_set_new(o, "min", report_uint(h ? hist_min(h) : 0));
	json_object_set_new(o, "mean", report_round(h ? hist_mean(h) : 0));
	json_object_set_new(o, "stdev", report_round(h ? hist_stdev(h) : 0));
	for (i = 0; i < sizeof(pct) / sizeof(pct[0]); i++)
		json_object_set_new(o, pct[i].name,
		    report_uint(h ? hist_percentile(h, pct[i].p) : 0));
	json_object_set_new(o, "max", report_uint(h ? hist_max(h) : 0));
	/* Sparse [[value, count], ...]: enough to merge reports exactly. */
	while (h != NULL && hist_next(h, &iter, &value, &count)) {
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
 * A sorted list of counts as an object: statuses by code ("200"), or with
 * errors set failures by the engine's name ("COULDNT_CONNECT"), never by
 * number.
 */
json_t *
report_tally(const struct config *c, const struct stats_error *v, size_t n,
    int errors)
{
	json_t		*o = json_object();
	const char	*name;
	char		 key[32];
	size_t		 i;

	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%d", v[i].code);
		name = errors ? stats_error_name(c, &v[i], key, sizeof(key)) :
		    key;
		json_object_set_new(o, name, report_uint(v[i].count));
	}
	return (o);
}

/* status_codes, or with errors set errors: each seen key and its count. */
static json_t *
report_counts(const struct config *c, const struct stats *s, int errors)
{
	json_t		*o;
	char		 key[32];
	size_t		 i;

	if (errors)
		return (report_tally(c, s->errors, s->nerrors, 1));
	o = json_object();
	for (i = 0; i < STATUS_MAX; i++) {
		if (s->status[i] == 0)
			continue;
		snprintf(key, sizeof(key), "%zu", i);
		json_object_set_new(o, key, report_uint(s->status[i]));
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

/*
 * schedule: in open loop (-R), the rate asked (on average, with --stages)
 * and the rate achieved between the first start and the last, the
 * requests that started over 1 ms after they were due, and the latest.
 * null in closed loop.
 */
static json_t *
report_schedule(const struct config *c, const struct outcome *r)
{
	const struct stats	*s = &r->stats;
	json_t			*o;
	double			 asked, got;

	if ((asked = outcome_target_rps(r, c)) < 0)
		return (json_null());
	o = json_object();
	json_object_set_new(o, "target_rps", json_real(round(asked * 100) /
	    100));
	got = outcome_achieved_rps(r);
	json_object_set_new(o, "achieved_rps", got < 0 ? json_null() :
	    json_real(round(got * 100) / 100));
	json_object_set_new(o, "late", report_uint(s->late));
	json_object_set_new(o, "missed", report_uint(r->missed));
	json_object_set_new(o, "max_lag_us",
	    report_uint(s->max_lag_ns / NS_PER_US));
	return (o);
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

/* Return one entry of runs[]: one concurrency level and what it came to. */
json_t *
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
	json_object_set_new(o, "latency_uncorrected_us",
	    report_latency(r->stats.latency_raw));
	json_object_set_new(o, "schedule", report_schedule(c, r));
	json_object_set_new(o, "status_codes", report_counts(c, &r->stats, 0));
	json_object_set_new(o, "errors", report_counts(c, &r->stats, 1));
	json_object_set_new(o, "http_versions", report_versions(&r->stats));
	json_object_set_new(b, "in", report_uint(r->stats.bytes_in));
	json_object_set_new(b, "out", report_uint(r->stats.bytes_out));
	json_object_set_new(o, "bytes", b);
	json_object_set_new(o, "phases_us", report_phases(&r->stats));
	json_object_set_new(o, "timeseries", report_timeseries(r->series));
	json_object_set_new(o, "respawns", json_integer(r->respawns));
	json_object_set_new(o, "workers", report_workers(r, 0));
	json_object_set_new(o, "crashes", report_workers(r, 1));
	json_object_set_new(o, "targets", report_targets(c, r));
	return (o);
}

