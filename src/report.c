/*
 * The JSON report (schema forkload-report/1, doc/report.schema.json): its
 * top level and config; report_run.c builds each run. The two are the
 * only files that build json_t. Times are integer microseconds, so
 * reports and golden files stay stable; report_write.c puts the text where
 * it is asked for. Each json_object_set_new() takes what it is given, so
 * nothing built here needs its own decref.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "forkload.h"

#define REPORT_SCHEMA	"forkload-report/1"

/* Return a count as a JSON integer; jansson's are signed, so clamp. */
json_t *
report_uint(uint64_t v)
{
	return (json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v));
}

/* Return a mean or stdev rounded to the report's integer microseconds. */
json_t *
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
	json_t	*o = json_object(), *sweep, *exec, *th;
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
	json_object_set_new(o, "rate", c->rate > 0 ?
	    json_real(round(c->rate * 10000) / 10000) : json_null());
	json_object_set_new(o, "stages", report_str(c->stages_str));
	json_object_set_new(o, "start_at", report_str(c->start_at_str));
	json_object_set_new(o, "targets", report_str(c->targets_file));
	json_object_set_new(o, "targets_order", json_string(c->targets_random ?
	    "random" : "round-robin"));
	json_object_set_new(o, "seed", c->targets_random ?
	    report_uint(c->seed) : json_null());
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
	th = json_array();
	for (i = 0; i < c->nthresholds; i++)
		json_array_append_new(th, json_string(c->thresholds[i].expr));
	json_object_set_new(o, "thresholds", th);
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

/*
 * shard: which of the run's shards this report is (--shard), on which
 * host, and the run id they share; null in a run not sharded.
 */
static json_t *
report_shard(const struct config *c)
{
	json_t	*o;
	char	 host[256];

	if (c->shard_count == 0)
		return (json_null());
	if (gethostname(host, sizeof(host)) == -1)
		strlcpy(host, "unknown", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	o = json_object();
	json_object_set_new(o, "index", json_integer(c->shard_index));
	json_object_set_new(o, "count", json_integer(c->shard_count));
	json_object_set_new(o, "host", json_string(host));
	json_object_set_new(o, "run_id", json_string(c->run_id));
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
	json_object_set_new(o, "shard", report_shard(rep->conf));
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
	json_object_set_new(o, "thresholds", report_thresholds(rep));
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
