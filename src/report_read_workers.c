/*
 * Reading a run's workers[], crashes[] and targets[] back from a report:
 * how each worker ended, told apart by crashes[], and each target's
 * counts and latency. report_read_run.c reads the rest of the run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "forkload.h"

/* One entry of workers[]: its id, pid, results and exit. */
static int
report_read_worker(struct report_rd *rd, json_t *o, const char *at,
    struct worker_info *w)
{
	json_t		*e, *v;
	const char	*st;
	char		 path[96];
	int		 n;

	w->pipe.fd = -1;
	w->task_seq = -1;
	if (!json_is_object(o))
		return (report_rd_fail(rd, at, "expected an object"));
	snprintf(path, sizeof(path), "%s.exit", at);
	if (report_rd_int(rd, o, at, "id", 0, 1000000000, &w->id) == -1 ||
	    report_rd_int(rd, o, at, "pid", 0, 2147483647, &n) == -1 ||
	    report_rd_uint(rd, o, at, "results", &w->results) == -1 ||
	    (e = report_rd_get(rd, o, at, "exit", JSON_OBJECT, 0)) == NULL ||
	    (st = report_rd_str(rd, e, path, "status", 0)) == NULL)
		return (-1);
	w->pid = (pid_t)n;
	w->state = strcmp(st, "running") == 0 ? WS_RUNNING : WS_ENDED;
	w->end = strcmp(st, "broken") == 0 ? WEND_BROKEN : WEND_CLEAN;
	if ((v = report_rd_get(rd, e, path, "code", JSON_INTEGER, 1)) == NULL)
		return (-1);
	w->code = json_is_null(v) ? 0 : (int)json_integer_value(v);
	if ((v = report_rd_get(rd, e, path, "signal", JSON_INTEGER, 1)) ==
	    NULL)
		return (-1);
	w->signal = json_is_null(v) ? 0 : (int)json_integer_value(v);
	if ((v = report_rd_get(rd, e, path, "core_dumped", JSON_TRUE, 0)) ==
	    NULL)
		return (-1);
	w->core_dumped = json_is_true(v);
	return (0);
}

/*
 * One entry of crashes[]: it marks its worker in workers[] as crashed,
 * with how (the reason) and in which task.
 */
static int
report_read_crash(struct report_rd *rd, json_t *o, const char *at,
    struct outcome *r)
{
	static const struct {
		const char	*reason;
		enum wend	 end;
	} ends[] = { { "hung", WEND_HUNG }, { "broken", WEND_BROKEN },
	    { "signaled", WEND_SIGNAL }, { "exited", WEND_EXIT } };
	struct worker_info	*w = NULL;
	const char		*reason;
	json_t			*v;
	size_t			 i;
	int			 id, pid;

	if (!json_is_object(o))
		return (report_rd_fail(rd, at, "expected an object"));
	if (report_rd_int(rd, o, at, "worker", 0, 1000000000, &id) == -1 ||
	    report_rd_int(rd, o, at, "pid", 0, 2147483647, &pid) == -1 ||
	    (reason = report_rd_str(rd, o, at, "reason", 0)) == NULL ||
	    (v = report_rd_get(rd, o, at, "task_seq", JSON_INTEGER, 1)) ==
	    NULL)
		return (-1);
	for (i = 0; i < r->nworkers_total; i++)
		if (r->workers[i].id == id && r->workers[i].pid == pid)
			w = &r->workers[i];
	if (w == NULL || w->state != WS_ENDED)
		return (report_rd_fail(rd, at, "worker %d (pid %d) is not an "
		    "ended worker of workers[]", id, pid));
	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
		if (strcmp(reason, ends[i].reason) == 0)
			break;
	if (i == sizeof(ends) / sizeof(ends[0]))
		return (report_rd_fail(rd, at, "unknown reason '%s'", reason));
	w->end = ends[i].end;
	w->task_seq = json_is_null(v) ? -1 : json_integer_value(v);
	return (report_rd_uint(rd, o, at, "at_us", &w->exit_us));
}

/* workers[] and crashes[] of a run. */
int
report_read_workers(struct report_rd *rd, struct json_t *o, const char *at,
    struct outcome *r)
{
	json_t	*a, *v;
	size_t	 i;
	char	 path[64];

	if ((a = report_rd_get(rd, o, at, "workers", JSON_ARRAY, 0)) == NULL)
		return (-1);
	r->nworkers_total = json_array_size(a);
	r->workers = xcalloc(r->nworkers_total + 1, sizeof(*r->workers));
	for (i = 0; i < r->nworkers_total; i++)
		r->workers[i].pipe.fd = -1;
	json_array_foreach(a, i, v) {
		snprintf(path, sizeof(path), "%s.workers[%zu]", at, i);
		if (report_read_worker(rd, v, path, &r->workers[i]) == -1)
			return (-1);
	}
	/* Replacements come after the workers forked at the start. */
	if ((size_t)r->respawns > r->nworkers_total)
		return (report_rd_fail(rd, at, "%d respawns of %zu workers",
		    r->respawns, r->nworkers_total));
	r->nworkers = (int)r->nworkers_total - r->respawns;
	if ((a = report_rd_get(rd, o, at, "crashes", JSON_ARRAY, 0)) == NULL)
		return (-1);
	json_array_foreach(a, i, v) {
		snprintf(path, sizeof(path), "%s.crashes[%zu]", at, i);
		if (report_read_crash(rd, v, path, r) == -1)
			return (-1);
	}
	return (0);
}

/* One entry of targets[]: its counts, method and latency. */
static int
report_read_target(struct report_rd *rd, json_t *o, const char *at,
    size_t i, struct report_in *in, struct pertarget *t)
{
	struct config	*c = &in->conf;
	json_t		*q, *lat;
	const char	*method, *url;
	char		 path[96];

	snprintf(path, sizeof(path), "%s.requests", at);
	if (!json_is_object(o))
		return (report_rd_fail(rd, at, "expected an object"));
	if ((method = report_rd_str(rd, o, at, "method", 0)) == NULL ||
	    (url = report_rd_str(rd, o, at, "url", 0)) == NULL ||
	    (q = report_rd_get(rd, o, at, "requests", JSON_OBJECT, 0)) ==
	    NULL || report_rd_uint(rd, q, path, "ok", &t->ok) == -1 ||
	    report_rd_uint(rd, q, path, "failed", &t->failed) == -1 ||
	    (lat = report_rd_get(rd, o, at, "latency_us", JSON_OBJECT, 1)) ==
	    NULL)
		return (-1);
	if (i >= c->nurls || strcmp(url, c->urls[i]) != 0)
		return (report_rd_fail(rd, at, "url '%s' is not config.urls"
		    "[%zu]", url, i));
	/* Each target's own method, as --targets gave it. */
	if (c->tgt == NULL)
		c->tgt = xcalloc(c->nurls, sizeof(*c->tgt));
	c->tgt[i].method = (char *)method;
	if (json_is_null(lat))
		return (0);
	t->latency = hist_new();
	return (report_read_hist_of(rd, o, at, "latency_us", t->latency));
}

/* targets[] of a run: none, or one entry per URL of the config. */
int
report_read_targets(struct report_rd *rd, struct json_t *o, const char *at,
    struct report_in *in, struct outcome *r)
{
	json_t	*a, *v;
	size_t	 i;
	char	 path[64];

	if ((a = report_rd_get(rd, o, at, "targets", JSON_ARRAY, 0)) == NULL)
		return (-1);
	if (json_array_size(a) == 0)
		return (0);
	if (json_array_size(a) != in->conf.nurls)
		return (report_rd_fail(rd, at, "%zu targets for %zu URLs",
		    json_array_size(a), in->conf.nurls));
	r->targets.n = json_array_size(a);
	r->targets.t = xcalloc(r->targets.n, sizeof(*r->targets.t));
	json_array_foreach(a, i, v) {
		snprintf(path, sizeof(path), "%s.targets[%zu]", at, i);
		if (report_read_target(rd, v, path, i, in,
		    &r->targets.t[i]) == -1)
			return (-1);
	}
	return (0);
}
