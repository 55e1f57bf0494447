/*
 * The engines a worker can run: HTTP through libcurl or through the native
 * HTTP/1.1 engine, a program per task, or a plugin function per task. A new
 * engine is one file and one line in the table below; what the parent must
 * know of an engine is a column. Which HTTP engine runs is chosen here too,
 * before any fork.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	[ENGINE_CURL] =		{ "curl", http_run, engine_http_error, 0 },
	[ENGINE_NATIVE] =	{ "native", h1_run, engine_http_error, 0 },
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

/*
 * Take --engine NAME: auto, native or curl, into *opt. Returns 0, or -1
 * for any other name.
 */
int
engine_parse(const char *name, int *opt)
{
	if (strcmp(name, "auto") == 0)
		*opt = ENGINE_AUTO;
	else if (strcmp(name, "native") == 0)
		*opt = ENGINE_NATIVE;
	else if (strcmp(name, "curl") == 0)
		*opt = ENGINE_CURL;
	else
		return (-1);
	return (0);
}

/*
 * Return 1 when the proxy environment that libcurl honours (http_proxy,
 * then all_proxy or ALL_PROXY, less what no_proxy or NO_PROXY exempts)
 * sends requests to host through a proxy; *var names the variable.
 */
static int
engine_proxied(const char *host, const char **var)
{
	static const char	*vars[] = { "http_proxy", "all_proxy",
				    "ALL_PROXY" };
	const char		*v, *no, *p;
	size_t			 i, len, hl = strlen(host);

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if ((v = getenv(vars[i])) != NULL && *v != '\0')
			break;
	if (i == sizeof(vars) / sizeof(vars[0]))
		return (0);
	*var = vars[i];
	if ((no = getenv("no_proxy")) == NULL || *no == '\0')
		no = getenv("NO_PROXY");
	/* no_proxy: "*", or names that match the host or a domain of it. */
	for (p = no; p != NULL && *p != '\0'; p += len) {
		p += strspn(p, ", ");
		len = strcspn(p, ", ");
		if (len == 1 && *p == '*')
			return (0);
		if (len > 0 && *p == '.') {
			p++;
			len--;
		}
		if (len > 0 && len <= hl && strncasecmp(host + hl - len, p,
		    len) == 0 && (len == hl || host[hl - len - 1] == '.'))
			return (0);
	}
	return (1);
}

/*
 * Say in why, when the native engine cannot honour all that c asks; return
 * 0 when it can, -1 when not.
 */
static int
engine_native_why(const struct config *c, char *why, size_t len)
{
	const char	*errstr, *var;
	char		 host[256];
	size_t		 i;

	for (i = 0; i < c->nurls; i++) {
		if (h1_plan_check_url(c->urls[i], host, sizeof(host),
		    &errstr) == -1) {
			snprintf(why, len, "URL '%s': %s", c->urls[i], errstr);
			return (-1);
		}
		if (engine_proxied(host, &var)) {
			snprintf(why, len, "URL '%s': the proxy in %s needs "
			    "the curl engine", c->urls[i], var);
			return (-1);
		}
	}
	if (c->http2) {
		snprintf(why, len, "--http2 needs the curl engine");
		return (-1);
	}
	if (c->follow > 0) {
		snprintf(why, len, "--follow needs the curl engine");
		return (-1);
	}
	return (0);
}

/*
 * Choose the engine of an HTTP run before any fork: the native one where
 * it can honour every option (--engine auto), or the one asked for; and
 * for the native one build its requests. Returns 0, or -1 with err set
 * when --engine native asks for what only the curl engine can do.
 */
int
engine_choose(struct config *c, char *err, size_t len)
{
	char	 why[512];
	int	 can;

	if (!ENGINE_IS_HTTP(c->kind)) {
		if (c->engine_set) {
			snprintf(err, len, "--engine: a --exec or --plugin "
			    "run has no HTTP engine to choose");
			return (-1);
		}
		return (0);
	}
	can = engine_native_why(c, why, sizeof(why)) == 0;
	if (c->engine_opt == ENGINE_NATIVE && !can) {
		snprintf(err, len, "--engine native: %s", why);
		return (-1);
	}
	c->kind = c->engine_opt == ENGINE_CURL || !can ? ENGINE_CURL :
	    ENGINE_NATIVE;
	/* Each engine's URL parser has the last word on its URLs. */
	if (c->kind == ENGINE_CURL)
		return (http_check_urls(c, err, len));
	c->plan = h1_plan_new(c);
	return (0);
}
