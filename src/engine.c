/*
 * The engines a worker can run: HTTP through libcurl, a program per task,
 * or a plugin function per task. A new engine is one file and one line in
 * the table below.
 */
#include <stdio.h>

#include "forkload.h"

struct engine {
	const char	 *name;
	int		(*run)(struct worker *);
	const char	*(*error_name)(int, char *, size_t);
};

static const char *
engine_http_error(int code, char *buf, size_t len)
{
	const char	*name;

	if ((name = http_error_name(code)) != NULL)
		return (name);
	snprintf(buf, len, "CODE_%d", code);
	return (buf);
}

static const struct engine engines[] = {
	[ENGINE_HTTP] =		{ "http", http_run, engine_http_error },
	[ENGINE_EXEC] =		{ "exec", exec_run, exec_error_name },
	[ENGINE_PLUGIN] =	{ "plugin", plugin_run, plugin_error_name },
};

/* Run the configured engine in a worker; returns 0, or -1 on failure. */
int
engine_run(struct worker *w)
{
	if (w->conf->engine != NULL)
		return (w->conf->engine(w));
	return (engines[w->conf->kind].run(w));
}

/* Return the report's name for an engine's error code, using buf. */
const char *
engine_error_name(const struct config *c, int code, char *buf, size_t len)
{
	return (engines[c->kind].error_name(code, buf, len));
}

/* Return the name of an engine kind ("http"). */
const char *
engine_name(int kind)
{
	return (engines[kind].name);
}
