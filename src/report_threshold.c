/*
 * thresholds[] of the report: every --threshold in every run, with what
 * was observed, in the report's units (integer microseconds for
 * latencies), and whether it held. verdict.c judges them.
 */
#include <math.h>

#include <jansson.h>

#include "forkload.h"

/* A threshold's value: an integer where its metric's values are. */
static json_t *
report_th_value(const struct threshold *t, double v)
{
	enum th_kind	 k = threshold_kind(t);

	if ((k == TK_LATENCY || k == TK_COUNT) && v == floor(v))
		return (report_uint((uint64_t)v));
	return (json_real(v));
}

/* One entry of thresholds[]. */
static json_t *
report_th(const struct report *rep, const struct threshold_result *res)
{
	const struct threshold	*t = res->th;
	json_t			*o = json_object();

	json_object_set_new(o, "expression", json_string(t->expr));
	json_object_set_new(o, "metric",
	    json_string(threshold_metric_name(t)));
	json_object_set_new(o, "limit", report_th_value(t, t->limit));
	json_object_set_new(o, "concurrency",
	    json_integer(rep->runs[res->run].concurrency));
	json_object_set_new(o, "target", t->target < 0 ? json_null() :
	    json_integer(t->target));
	json_object_set_new(o, "observed", res->observed_set ?
	    report_th_value(t, res->observed) : json_null());
	json_object_set_new(o, "ok", json_boolean(res->ok));
	return (o);
}

/*
 * Return thresholds[]: one entry per threshold per run, in the order of
 * the runs, then of the options.
 */
json_t *
report_thresholds(const struct report *rep)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < rep->verdict->nthresholds; i++)
		json_array_append_new(a,
		    report_th(rep, &rep->verdict->thresholds[i]));
	return (a);
}
