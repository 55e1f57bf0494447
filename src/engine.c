/*
 * The engines a worker can run: HTTP through libcurl, a program per task,
 * or a plugin function per task. A new engine is one file and one line in
 * the table below; what the parent must know of an engine is a column.
 */
#include <stdio.h>

#include "forkload.h"

struct engine {
	const char	 *name;
	int		(*run)(struct worker *);
	const char	*(*error_name)(int, char *, size_t);
	int		  in_worker;	/* its tasks run in the worker itself */
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

/*
 * Not const: tests and benchmarks put engines of their own in a row
 * (engine_override), and the parent treats them as that row's kind.
 */
static struct engine engines[] = {
	[ENGINE_HTTP] =		{ "http", http_run, engine_http_error, 0 },
	[ENGINE_EXEC] =		{ "exec", exec_run, exec_error_name, 0 },
	[ENGINE_PLUGIN] =	{ "plugin", plugin_run, plugin_error_name, 1 },
};

/* Run the configured engine in a worker; returns 0, or -1 on failure. */
int
engine_run(struct worker *w)
{
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

/*
 * Return 1 when the engine's tasks run inside the worker process, as a
 * plugin's do: only the parent can then stop a task that hangs, and no
 * signal may cut a task short.
 */
int
engine_in_worker(int kind)
{
	return (engines[kind].in_worker);
}

/*
 * For tests and benchmarks only: make kind run the given function in its
 * workers, so that a fake engine can misbehave in a real worker.
 */
void
engine_override(int kind, int (*run)(struct worker *))
{
	engines[kind].run = run;
}
