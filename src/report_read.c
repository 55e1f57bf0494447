/*
 * Reading a report (schema forkload-report/1) back into the structures
 * that wrote it, for `forkload report` and `forkload merge`: the top
 * level, the config the summary needs and the verdict here, each run in
 * report_read_run.c. The reader is strict: anything out of place is one
 * error naming the file and the JSON path at fault, never a crash.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "forkload.h"

#define REPORT_SCHEMA	"forkload-report/1"

/* Set the error to "FILE: PATH: what" and return -1. */
int
report_rd_fail(struct report_rd *rd, const char *path, const char *fmt, ...)
{
	char	 what[256];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(rd->err, rd->errlen, "%s: %s: %s", rd->file, path, what);
	return (-1);
}

/*
 * Return member key of object o, at path at, when it has the type asked
 * (JSON_NULL in nullable stands for "or null"); NULL after setting the
 * error otherwise.
 */
struct json_t *
report_rd_get(struct report_rd *rd, struct json_t *o, const char *at,
    const char *key, int type, int nullable)
{
	static const char *names[] = { "an object", "an array", "a string",
	    "an integer", "a number", "true", "false", "null" };
	json_t	*v;
	char	 path[256];
	int	 t;

	snprintf(path, sizeof(path), "%s%s%s", at, *at != '\0' ? "." : "",
	    key);
	if ((v = json_object_get(o, key)) == NULL) {
		(void)report_rd_fail(rd, path, "missing");
		return (NULL);
	}
	t = json_typeof(v);
	if (nullable && t == JSON_NULL)
		return (v);
	if (t == JSON_FALSE)
		t = JSON_TRUE;		/* one type: a boolean */
	if (type == JSON_REAL && t == JSON_INTEGER)
		t = JSON_REAL;		/* a whole number is a number too */
	if (t != type) {
		(void)report_rd_fail(rd, path, "expected %s",
		    type == JSON_TRUE ? "a boolean" : names[type]);
		return (NULL);
	}
	return (v);
}

/* Read a count, a non-negative integer, into *out; 0 or -1. */
int
report_rd_uint(struct report_rd *rd, struct json_t *o, const char *at,
    const char *key, uint64_t *out)
{
	json_t	*v;

	if ((v = report_rd_get(rd, o, at, key, JSON_INTEGER, 0)) == NULL)
		return (-1);
	if (json_integer_value(v) < 0)
		return (report_rd_fail(rd, at, "%s is negative", key));
	*out = (uint64_t)json_integer_value(v);
	return (0);
}

/* Read an int in [min, max] into *out; 0 or -1. */
int
report_rd_int(struct report_rd *rd, struct json_t *o, const char *at,
    const char *key, long long min, long long max, int *out)
{
	json_t		*v;
	json_int_t	 n;

	if ((v = report_rd_get(rd, o, at, key, JSON_INTEGER, 0)) == NULL)
		return (-1);
	n = json_integer_value(v);
	if (n < min || n > max)
		return (report_rd_fail(rd, at, "%s %lld is out of range", key,
		    (long long)n));
	*out = (int)n;
	return (0);
}

/* Return a string member, or NULL for null where allowed (and on error). */
const char *
report_rd_str(struct report_rd *rd, struct json_t *o, const char *at,
    const char *key, int nullable)
{
	json_t	*v;

	if ((v = report_rd_get(rd, o, at, key, JSON_STRING, nullable)) ==
	    NULL || json_is_null(v))
		return (NULL);
	return (json_string_value(v));
}

/*
 * An array of strings as a vector of pointers into the document, which
 * outlives it; NULL-ended so that it can stand for exec's argv.
 */
static int
report_rd_strings(struct report_rd *rd, json_t *a, const char *at,
    char ***out, size_t *n)
{
	json_t	*s;
	size_t	 i;
	char	 path[64];

	*out = xcalloc(json_array_size(a) + 1, sizeof(**out));
	*n = json_array_size(a);
	json_array_foreach(a, i, s) {
		if (!json_is_string(s)) {
			snprintf(path, sizeof(path), "%s[%zu]", at, i);
			return (report_rd_fail(rd, path, "expected a string"));
		}
		(*out)[i] = (char *)json_string_value(s);
	}
	return (0);
}

/* The config a summary needs: what ran, its expectations and its rate. */
static int
report_read_config(struct report_rd *rd, json_t *o, struct config *c)
{
	const char	*s, *errstr;
	json_t		*v;
	size_t		 n;

	if ((s = report_rd_str(rd, o, "config", "engine", 0)) == NULL)
		return (-1);
	for (c->kind = ENGINE_CURL; c->kind <= ENGINE_PLUGIN; c->kind++)
		if (strcmp(engine_name(c->kind), s) == 0)
			break;
	if (c->kind > ENGINE_PLUGIN)
		return (report_rd_fail(rd, "config.engine", "unknown engine "
		    "'%s'", s));
	if ((v = report_rd_get(rd, o, "config", "urls", JSON_ARRAY, 0)) ==
	    NULL || report_rd_strings(rd, v, "config.urls", &c->urls,
	    &c->nurls) == -1)
		return (-1);
	if ((v = report_rd_get(rd, o, "config", "exec", JSON_ARRAY, 1)) ==
	    NULL || (!json_is_null(v) && report_rd_strings(rd, v,
	    "config.exec", &c->exec_argv, &n) == -1))
		return (-1);
	if ((s = report_rd_str(rd, o, "config", "method", 0)) == NULL)
		return (-1);
	c->method = (char *)s;
	c->plugin_path = (char *)report_rd_str(rd, o, "config", "plugin", 1);
	c->plugin_arg = (char *)report_rd_str(rd, o, "config", "plugin_arg",
	    1);
	if (*rd->err != '\0')
		return (-1);
	if ((c->kind == ENGINE_EXEC && c->exec_argv == NULL) ||
	    (c->kind == ENGINE_PLUGIN && c->plugin_path == NULL) ||
	    (ENGINE_IS_HTTP(c->kind) && c->nurls == 0))
		return (report_rd_fail(rd, "config", "the %s engine without "
		    "what it runs", engine_name(c->kind)));
	if ((s = report_rd_str(rd, o, "config", "expect_status", 0)) == NULL)
		return (-1);
	if (status_parse(&c->expect, s, &errstr) == -1)
		return (report_rd_fail(rd, "config.expect_status", "'%s': %s",
		    s, errstr));
	return (report_read_rate(rd, o, c));
}

/*
 * The rate and the stages, which the summary's schedule line takes from
 * the config as the run did.
 */
int
report_read_rate(struct report_rd *rd, json_t *o, struct config *c)
{
	const char	*errstr;
	json_t		*v;

	if ((v = report_rd_get(rd, o, "config", "rate", JSON_REAL, 1)) ==
	    NULL)
		return (-1);
	c->rate = json_is_null(v) ? 0 : json_number_value(v);
	if ((v = report_rd_get(rd, o, "config", "duration_us", JSON_INTEGER,
	    1)) == NULL)
		return (-1);
	c->duration_us = json_is_null(v) ? 0 :
	    (uint64_t)json_integer_value(v);
	if ((v = report_rd_get(rd, o, "config", "thresholds", JSON_ARRAY,
	    0)) == NULL)
		return (-1);
	c->nthresholds = json_array_size(v);
	c->stages_str = (char *)report_rd_str(rd, o, "config", "stages", 1);
	if (*rd->err != '\0')
		return (-1);
	if (c->stages_str != NULL && shape_stages(c->stages_str, c->rate > 0,
	    &c->stages, &c->nstages, &errstr) == -1)
		return (report_rd_fail(rd, "config.stages", "'%s': %s",
		    c->stages_str, errstr));
	return (0);
}

/* thresholds[]: which held, run by run, as the verdict judged them. */
static int
report_read_thresholds(struct report_rd *rd, json_t *doc,
    struct report_in *in)
{
	struct verdict	*vd = &in->verdict;
	json_t		*a, *t, *ok;
	size_t		 i, per;
	char		 path[64];

	if ((a = report_rd_get(rd, doc, "", "thresholds", JSON_ARRAY, 0)) ==
	    NULL)
		return (-1);
	per = in->conf.nthresholds;
	if (json_array_size(a) != per * in->nruns)
		return (report_rd_fail(rd, "thresholds", "%zu entries for %zu "
		    "thresholds in %zu runs", json_array_size(a), per,
		    in->nruns));
	vd->nthresholds = json_array_size(a);
	vd->thresholds = xcalloc(vd->nthresholds + 1,
	    sizeof(*vd->thresholds));
	json_array_foreach(a, i, t) {
		snprintf(path, sizeof(path), "thresholds[%zu]", i);
		if (!json_is_object(t))
			return (report_rd_fail(rd, path, "expected an object"));
		if ((ok = report_rd_get(rd, t, path, "ok", JSON_TRUE, 0)) ==
		    NULL)
			return (-1);
		vd->thresholds[i].run = i / per;
		vd->thresholds[i].ok = json_is_true(ok);
	}
	return (0);
}

/* verdict{passed, exit_code, reasons}. */
static int
report_read_verdict(struct report_rd *rd, json_t *doc, struct verdict *vd)
{
	json_t	*o, *v;

	if ((o = report_rd_get(rd, doc, "", "verdict", JSON_OBJECT, 0)) ==
	    NULL)
		return (-1);
	if ((v = report_rd_get(rd, o, "verdict", "passed", JSON_TRUE, 0)) ==
	    NULL)
		return (-1);
	vd->passed = json_is_true(v);
	if (report_rd_int(rd, o, "verdict", "exit_code", 0, 255,
	    &vd->exit_code) == -1)
		return (-1);
	if ((v = report_rd_get(rd, o, "verdict", "reasons", JSON_ARRAY, 0)) ==
	    NULL)
		return (-1);
	return (report_rd_strings(rd, v, "verdict.reasons", &vd->reasons,
	    &vd->nreasons));
}

/* The top level: schema, tool, times, config, runs and verdict. */
static int
report_read_doc(struct report_rd *rd, json_t *doc, struct report_in *in)
{
	json_t		*o, *runs;
	const char	*s;

	if (!json_is_object(doc))
		return (report_rd_fail(rd, "(top)", "expected an object"));
	if ((s = report_rd_str(rd, doc, "", "schema", 0)) == NULL)
		return (-1);
	if (strcmp(s, REPORT_SCHEMA) != 0)
		return (report_rd_fail(rd, "schema", "'%s' is not %s", s,
		    REPORT_SCHEMA));
	if ((o = report_rd_get(rd, doc, "", "tool", JSON_OBJECT, 0)) == NULL ||
	    (in->rep.version = report_rd_str(rd, o, "tool", "version", 0)) ==
	    NULL)
		return (-1);
	in->rep.libcurl = report_rd_str(rd, o, "tool", "libcurl", 1);
	if ((o = report_rd_get(rd, doc, "", "config", JSON_OBJECT, 0)) ==
	    NULL || report_read_config(rd, o, &in->conf) == -1)
		return (-1);
	if ((runs = report_rd_get(rd, doc, "", "runs", JSON_ARRAY, 0)) == NULL)
		return (-1);
	if (json_array_size(runs) == 0)
		return (report_rd_fail(rd, "runs", "no runs"));
	in->nruns = json_array_size(runs);
	in->runs = xcalloc(in->nruns, sizeof(*in->runs));
	if (report_read_runs(rd, runs, in) == -1 ||
	    report_read_thresholds(rd, doc, in) == -1 ||
	    report_read_verdict(rd, doc, &in->verdict) == -1)
		return (-1);
	if ((o = report_rd_get(rd, doc, "", "interrupted", JSON_TRUE, 0)) ==
	    NULL)
		return (-1);
	in->rep.interrupted = json_is_true(o);
	return (0);
}

/*
 * Read the report at path into in, which report_in_free() frees whatever
 * the result. Returns 0, or -1 with one line in err naming the file and
 * what is wrong with it.
 */
int
report_read(const char *path, struct report_in *in, char *err, size_t errlen)
{
	struct report_rd	 rd;
	json_error_t		 jerr;

	memset(in, 0, sizeof(*in));
	*err = '\0';
	rd.file = path;
	rd.err = err;
	rd.errlen = errlen;
	/* Duplicate keys are corrupt: which one counts would be a guess. */
	in->doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (in->doc == NULL) {
		if (jerr.line < 1)
			snprintf(err, errlen, "%s: %s", path, jerr.text);
		else
			snprintf(err, errlen, "%s: line %d, column %d: %s",
			    path, jerr.line, jerr.column, jerr.text);
		return (-1);
	}
	in->rep.conf = &in->conf;
	in->rep.verdict = &in->verdict;
	if (report_read_doc(&rd, in->doc, in) == -1) {
		if (*err == '\0')
			snprintf(err, errlen, "%s: not a report", path);
		return (-1);
	}
	in->rep.runs = in->runs;
	in->rep.nruns = in->nruns;
	return (0);
}

/*
 * Return the report's JSON as report_dump() writes it: the document read,
 * which holds every field, dumped the same way. NULL when out of memory.
 */
char *
report_in_dump(const struct report_in *in)
{
	char	*s, *out;

	if ((s = json_dumps(in->doc, JSON_INDENT(2) | JSON_SORT_KEYS |
	    JSON_REAL_PRECISION(15))) == NULL) {
		errno = ENOMEM;
		return (NULL);
	}
	xasprintf(&out, "%s\n", s);
	free(s);
	return (out);
}

/* Free what report_read() built; the strings were the document's. */
void
report_in_free(struct report_in *in)
{
	size_t	 i;

	for (i = 0; in->runs != NULL && i < in->nruns; i++)
		report_read_run_free(&in->runs[i]);
	free(in->runs);
	free(in->conf.urls);
	free(in->conf.exec_argv);
	free(in->conf.stages);
	free(in->conf.tgt);
	free(in->conf.error_names);
	free(in->verdict.reasons);
	free(in->verdict.thresholds);
	if (in->doc != NULL)
		json_decref(in->doc);
	memset(in, 0, sizeof(*in));
}
