/*
 * The time series in JSON: a run's timeseries[] in the report, and the
 * NDJSON line that --stream writes for each second as it becomes final.
 * Both come from the one function that turns an entry into an object, so
 * a line and its entry in the report have the same fields.
 */
#include <stdlib.h>

#include <jansson.h>

#include "forkload.h"

/* A latency of the entry, or null for a second without one. */
static json_t *
report_series_us(const struct series_entry *e, uint64_t v)
{
	return (e->latency ? report_uint(v) : json_null());
}

/* One second, as an object. */
static json_t *
report_series_entry(const struct series_entry *e)
{
	json_t	*o = json_object();

	json_object_set_new(o, "second", report_uint(e->second));
	json_object_set_new(o, "started", report_uint(e->started));
	json_object_set_new(o, "ok", report_uint(e->ok));
	json_object_set_new(o, "failed", report_uint(e->failed));
	json_object_set_new(o, "in_flight", report_uint(e->in_flight));
	json_object_set_new(o, "bytes_in", report_uint(e->bytes_in));
	json_object_set_new(o, "bytes_out", report_uint(e->bytes_out));
	json_object_set_new(o, "arrived_late", report_uint(e->late));
	json_object_set_new(o, "p50", report_series_us(e, e->p50));
	json_object_set_new(o, "p99", report_series_us(e, e->p99));
	json_object_set_new(o, "max", report_series_us(e, e->max));
	return (o);
}

/* Return a run's timeseries[]: every final second, from second 0. */
json_t *
report_timeseries(const struct series *s)
{
	const struct series_entry	*e;
	json_t				*a = json_array();
	size_t				 i, n;

	e = series_entries(s, &n);
	for (i = 0; i < n; i++)
		json_array_append_new(a, report_series_entry(&e[i]));
	return (a);
}

/*
 * Return the NDJSON line of one second of run number run (0 for the first
 * level of a sweep) at a concurrency: the entry with "run" and
 * "concurrency" added, ending in a newline. The caller frees it; NULL when
 * jansson cannot build it (out of memory).
 */
char *
report_series_line(size_t run, int concurrency, const struct series_entry *e)
{
	json_t	*o;
	char	*s, *line;

	o = report_series_entry(e);
	json_object_set_new(o, "run", report_uint(run));
	json_object_set_new(o, "concurrency", json_integer(concurrency));
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (s == NULL)
		return (NULL);
	xasprintf(&line, "%s\n", s);
	free(s);
	return (line);
}
