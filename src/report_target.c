/*
 * runs[].targets[] of the report: each target of a run (a URL, or a line
 * of a targets file) with its requests, statuses, failures and latency,
 * from pertarget.c. The targets of a run add up to the run exactly.
 */
#include <jansson.h>

#include "forkload.h"

/* One entry of targets[]: what target i of run r came to. */
static json_t *
report_target(const struct config *c, const struct outcome *r, size_t i)
{
	const struct pertarget	*t = &r->targets.t[i];
	json_t			*o = json_object(), *req = json_object();

	json_object_set_new(o, "index", report_uint(i));
	json_object_set_new(o, "method",
	    json_string(config_target_method(c, i)));
	json_object_set_new(o, "url", json_string(config_target_url(c, i)));
	json_object_set_new(req, "ok", report_uint(t->ok));
	json_object_set_new(req, "failed", report_uint(t->failed));
	json_object_set_new(o, "requests", req);
	json_object_set_new(o, "status_codes",
	    report_tally(c, t->status, t->nstatus, 0));
	json_object_set_new(o, "errors",
	    report_tally(c, t->errors, t->nerrors, 1));
	/* Past the cap, a target has counts only: null, not zeros. */
	json_object_set_new(o, "latency_us", pertarget_has_latency(i) ?
	    report_latency(t->latency) : json_null());
	return (o);
}

/*
 * Return targets[] of a run: one entry per target, in order; empty in an
 * --exec or --plugin run, which has none.
 */
json_t *
report_targets(const struct config *c, const struct outcome *r)
{
	json_t	*a = json_array();
	size_t	 i;

	if (r->targets.t == NULL)
		return (a);
	for (i = 0; i < r->targets.n; i++)
		json_array_append_new(a, report_target(c, r, i));
	return (a);
}
