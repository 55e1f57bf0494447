/*
 * Reading one entry of a report's runs[] back into a struct outcome: its
 * accounting, its latency histograms rebuilt exactly from their [value,
 * count] pairs, its statuses, errors, schedule, targets and workers.
 * report_read.c reads the rest and holds the error helpers.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "forkload.h"

/*
 * A latency object, member key of o, into h: the pairs, then the exact
 * min and max. Returns 0 or -1.
 */
int
report_read_hist_of(struct report_rd *rd, json_t *o, const char *at,
    const char *key, struct hist *h)
{
	json_t		*lat, *a, *p;
	uint64_t	 min, max, v, n, prev = 0;
	size_t		 i;
	char		 path[96];

	snprintf(path, sizeof(path), "%s.%s", at, key);
	if ((lat = report_rd_get(rd, o, at, key, JSON_OBJECT, 0)) == NULL ||
	    report_rd_uint(rd, lat, path, "min", &min) == -1 ||
	    report_rd_uint(rd, lat, path, "max", &max) == -1 ||
	    (a = report_rd_get(rd, lat, path, "histogram", JSON_ARRAY, 0)) ==
	    NULL)
		return (-1);
	json_array_foreach(a, i, p) {
		snprintf(path, sizeof(path), "%s.%s.histogram[%zu]", at, key,
		    i);
		if (!json_is_array(p) || json_array_size(p) != 2 ||
		    !json_is_integer(json_array_get(p, 0)) ||
		    !json_is_integer(json_array_get(p, 1)) ||
		    json_integer_value(json_array_get(p, 0)) < 0 ||
		    json_integer_value(json_array_get(p, 1)) < 1)
			return (report_rd_fail(rd, path, "expected [value, "
			    "count] with count > 0"));
		v = (uint64_t)json_integer_value(json_array_get(p, 0));
		n = (uint64_t)json_integer_value(json_array_get(p, 1));
		/* Sorted and within range, or the buckets would not be. */
		if (v > hist_highest() || (i > 0 && v <= prev) ||
		    n > UINT64_MAX - hist_count(h))
			return (report_rd_fail(rd, path, "value %llu out of "
			    "order or range", (unsigned long long)v));
		hist_record_n(h, v, n);
		prev = v;
	}
	snprintf(path, sizeof(path), "%s.%s", at, key);
	if (hist_set_bounds(h, min, max) == -1)
		return (report_rd_fail(rd, path, "min %llu or max %llu does "
		    "not match the histogram", (unsigned long long)min,
		    (unsigned long long)max));
	return (0);
}

/*
 * Where an error of the given name goes in s->errors. The engine's code
 * is found again by naming each code in a range that holds every code
 * of ours (curl's, exec's 1000 + n to 8095, a plugin's small ones), so
 * that the list sorts as the run's did. A name outside it keeps its
 * name, as an index into the config's names, after the others.
 */
#define REPORT_READ_CODES	8192
static void
report_read_errname(struct config *c, const char *name, uint64_t n,
    struct stats *s)
{
	size_t	 i;
	int	 code, end = 0;
	char	 buf[64];

	if (sscanf(name, "STATUS_%d%n", &code, &end) == 1 &&
	    name[end] == '\0') {
		stats_tally(&s->errors, &s->nerrors, STATS_ERR_STATUS, code, n);
		return;
	}
	for (code = -REPORT_READ_CODES; code < REPORT_READ_CODES; code++)
		if (strcmp(engine_error_name(c, code, buf, sizeof(buf)),
		    name) == 0) {
			stats_tally(&s->errors, &s->nerrors, STATS_ERR_ENGINE,
			    code, n);
			return;
		}
	for (i = 0; i < c->nerror_names; i++)
		if (strcmp(c->error_names[i], name) == 0)
			break;
	if (i == c->nerror_names) {
		c->error_names = xreallocarray(c->error_names, i + 1,
		    sizeof(*c->error_names));
		c->error_names[c->nerror_names++] = (char *)name;
	}
	stats_tally(&s->errors, &s->nerrors, STATS_ERR_NAMED, (int)i, n);
}

/* An object of counts by key: status_codes, errors or http_versions. */
static int
report_read_counts(struct report_rd *rd, json_t *o, const char *at,
    const char *key, struct config *c, struct stats *s)
{
	json_t		*m, *v;
	const char	*k;
	unsigned int	 major, minor;
	int		 code, end;
	char		 path[96];

	if ((m = report_rd_get(rd, o, at, key, JSON_OBJECT, 0)) == NULL)
		return (-1);
	json_object_foreach(m, k, v) {
		snprintf(path, sizeof(path), "%s.%s.%s", at, key, k);
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return (report_rd_fail(rd, path, "expected a count"));
		end = 0;
		if (strcmp(key, "errors") == 0) {
			report_read_errname(c, k, json_integer_value(v), s);
		} else if (strcmp(key, "status_codes") == 0) {
			if (sscanf(k, "%d%n", &code, &end) != 1 ||
			    k[end] != '\0' || code < 0 || code >= STATUS_MAX)
				return (report_rd_fail(rd, path, "not a "
				    "status code"));
			s->status[code] = json_integer_value(v);
		} else {
			minor = 0;
			if ((sscanf(k, "%u%n.%u%n", &major, &end, &minor,
			    &end) < 1) || k[end] != '\0' ||
			    major * 10 + minor >= STATS_VERSIONS)
				return (report_rd_fail(rd, path, "not an HTTP "
				    "version"));
			s->versions[major * 10 + minor] = json_integer_value(v);
		}
	}
	return (0);
}

/* schedule: what the summary's schedule line needs of it, or null. */
static int
report_read_schedule(struct report_rd *rd, json_t *o, const char *at,
    struct outcome *r)
{
	struct stats	*s = &r->stats;
	json_t		*sc, *got;
	uint64_t	 lag;
	char		 path[64];

	snprintf(path, sizeof(path), "%s.schedule", at);
	if ((sc = report_rd_get(rd, o, at, "schedule", JSON_OBJECT, 1)) ==
	    NULL)
		return (-1);
	if (json_is_null(sc))
		return (0);
	if (report_rd_uint(rd, sc, path, "late", &s->late) == -1 ||
	    report_rd_uint(rd, sc, path, "missed", &r->missed) == -1 ||
	    report_rd_uint(rd, sc, path, "max_lag_us", &lag) == -1 ||
	    (got = report_rd_get(rd, sc, path, "achieved_rps", JSON_REAL,
	    1)) == NULL)
		return (-1);
	s->max_lag_ns = lag * NS_PER_US;
	/* The last start, back from the rate it gives over the results. */
	if (!json_is_null(got) && json_number_value(got) > 0 &&
	    s->results >= 2)
		s->last_start_ns = (uint64_t)llround((double)(s->results - 1) *
		    NS_PER_SEC / json_number_value(got));
	return (0);
}

/* requests{}, duration and bytes: the run's accounting. */
static int
report_read_totals(struct report_rd *rd, json_t *o, const char *at,
    struct outcome *r)
{
	json_t	*q, *b;
	char	 path[64];

	snprintf(path, sizeof(path), "%s.requests", at);
	if ((q = report_rd_get(rd, o, at, "requests", JSON_OBJECT, 0)) ==
	    NULL || report_rd_uint(rd, q, path, "issued", &r->issued) == -1 ||
	    report_rd_uint(rd, q, path, "ok", &r->ok) == -1 ||
	    report_rd_uint(rd, q, path, "failed", &r->failed) == -1 ||
	    report_rd_uint(rd, q, path, "lost", &r->lost) == -1 ||
	    report_rd_uint(rd, q, path, "not_run", &r->not_run) == -1)
		return (-1);
	if (r->issued != r->ok + r->failed + r->lost + r->not_run)
		return (report_rd_fail(rd, path, "issued is not ok + failed + "
		    "lost + not_run"));
	r->stats.results = r->ok + r->failed;
	r->stats.ok = r->ok;
	r->stats.failed = r->failed;
	snprintf(path, sizeof(path), "%s.bytes", at);
	if (report_rd_uint(rd, o, at, "duration_us", &r->duration_us) == -1 ||
	    (b = report_rd_get(rd, o, at, "bytes", JSON_OBJECT, 0)) == NULL ||
	    report_rd_uint(rd, b, path, "in", &r->stats.bytes_in) == -1 ||
	    report_rd_uint(rd, b, path, "out", &r->stats.bytes_out) == -1)
		return (-1);
	return (0);
}

/* Return one run's entry, read into r. */
static int
report_read_run(struct report_rd *rd, json_t *o, const char *at,
    struct report_in *in, struct outcome *r)
{
	if (!json_is_object(o))
		return (report_rd_fail(rd, at, "expected an object"));
	if (report_rd_int(rd, o, at, "concurrency", 1, 1000000,
	    &r->concurrency) == -1 ||
	    report_rd_int(rd, o, at, "respawns", 0, 1000000,
	    &r->respawns) == -1 ||
	    report_read_totals(rd, o, at, r) == -1 ||
	    report_read_hist_of(rd, o, at, "latency_us", r->stats.latency) ==
	    -1 || report_read_hist_of(rd, o, at, "latency_uncorrected_us",
	    r->stats.latency_raw) == -1 ||
	    report_read_schedule(rd, o, at, r) == -1 ||
	    report_read_counts(rd, o, at, "status_codes", &in->conf,
	    &r->stats) == -1 ||
	    report_read_counts(rd, o, at, "errors", &in->conf, &r->stats) ==
	    -1 || report_read_counts(rd, o, at, "http_versions", &in->conf,
	    &r->stats) == -1)
		return (-1);
	if (report_read_workers(rd, o, at, r) == -1 ||
	    report_read_targets(rd, o, at, in, r) == -1)
		return (-1);
	return (0);
}

/* Read runs[] into in->runs, which has room for all of them. */
int
report_read_runs(struct report_rd *rd, struct json_t *runs,
    struct report_in *in)
{
	json_t	*o;
	size_t	 i;
	char	 at[32];

	for (i = 0; i < in->nruns; i++)
		outcome_init(&in->runs[i], 1);
	json_array_foreach(runs, i, o) {
		snprintf(at, sizeof(at), "runs[%zu]", i);
		if (report_read_run(rd, o, at, in, &in->runs[i]) == -1)
			return (-1);
	}
	return (0);
}

/* Free one run that report_read_runs() read. */
void
report_read_run_free(struct outcome *r)
{
	outcome_free(r);
}
