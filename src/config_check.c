/*
 * The rules that tie options together, checked after parsing and before
 * any fork: which combinations are bad input, the defaults that depend on
 * other options, the engine, and the workers and open files a run needs.
 * config.c checks single values; this file, what they mean together.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forkload.h"

/*
 * Return the number of worker processes for a concurrency level: a plugin
 * worker runs one task at a time; otherwise -w, or by default one worker
 * per CPU and at most CONNS_PER_WORKER connections in each.
 */
int
config_workers(const struct config *c, int concurrency)
{
	long	 ncpu;
	int	 w;

	if (c->kind == ENGINE_PLUGIN)
		return (concurrency);
	if (c->workers > 0)
		return (c->workers < concurrency ? c->workers : concurrency);
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	w = ncpu > 0 ? (int)ncpu : 1;
	if (w > concurrency)
		w = concurrency;
	/*
	 * libcurl's cost per request grows with the connections one multi
	 * handle holds (bench/RESULTS.md, workload E): keep each worker's
	 * share at CONNS_PER_WORKER or below. The native engine's cost does
	 * not grow so: one worker per CPU keeps its memory down.
	 */
	if (c->kind != ENGINE_NATIVE &&
	    w < (concurrency + CONNS_PER_WORKER - 1) / CONNS_PER_WORKER)
		w = (concurrency + CONNS_PER_WORKER - 1) / CONNS_PER_WORKER;
	return (w < WORKERS_MAX ? w : WORKERS_MAX);
}

/*
 * Check the descriptors that the most demanding level needs per process,
 * and raise the soft limit for them. Returns 0, or -1 with err set.
 */
static int
config_check_nofile(const struct config *c, struct limits *lim, char *err,
    size_t len)
{
	const char	*errstr;
	uint64_t	 need, most = 0;
	size_t		 i, n;
	int		 level, w, share, worst = c->concurrency;

	n = c->nsweep > 0 ? c->nsweep : 1;
	for (i = 0; i < n; i++) {
		level = c->nsweep > 0 ? c->sweep[i] : c->concurrency;
		level = (int)shard_share(c, (uint64_t)level);
		/* Stages may ramp past -c: size for the peak. */
		level = sched_peak(c, level);
		w = config_workers(c, level);
		share = (level + w - 1) / w;
		/* A socket per connection, plus curl's and our own. */
		need = (uint64_t)share + 64;
		if (need < (uint64_t)w + 64)
			need = (uint64_t)w + 64;
		if (need > most) {
			most = need;
			worst = level;
		}
	}
	if (limits_raise_nofile(most, lim, &errstr) == 0)
		return (0);
	snprintf(err, len, "%s %d: %s", c->nsweep > 0 ? "--sweep level" :
	    "-c", worst, errstr);
	return (-1);
}

/* A plugin run forks a worker per task in flight: at most WORKERS_MAX. */
static int
config_check_plugin(const struct config *c, char *err, size_t len)
{
	size_t	 i;

	if (c->nurls > 0) {
		snprintf(err, len, "'%s': a --plugin run takes no URL",
		    c->urls[0]);
		return (-1);
	}
	if (c->workers != 0) {
		snprintf(err, len, "-w: a --plugin worker runs one task at a "
		    "time, so -c sets the workers");
		return (-1);
	}
	if (c->concurrency > WORKERS_MAX) {
		snprintf(err, len, "-c %d: a --plugin run forks one worker "
		    "per task in flight, at most %d", c->concurrency,
		    WORKERS_MAX);
		return (-1);
	}
	for (i = 0; i < c->nsweep; i++) {
		if (c->sweep[i] > WORKERS_MAX) {
			snprintf(err, len, "--sweep level %d: a --plugin run "
			    "forks one worker per task in flight, at most %d",
			    c->sweep[i], WORKERS_MAX);
			return (-1);
		}
	}
	return (0);
}

/* Each --threshold scoped to a target names one that has its figures. */
static int
config_check_thresholds(const struct config *c, char *err, size_t len)
{
	size_t	 i;

	for (i = 0; i < c->nthresholds; i++)
		if (threshold_check(&c->thresholds[i], config_target_count(c),
		    err, len) == -1)
			return (-1);
	return (0);
}

/*
 * Parse --stages, now that -R says whether they ramp a rate or the
 * concurrency, and let their sum be the run's duration.
 */
static int
config_check_stages(struct config *c, char *err, size_t len)
{
	const char	*errstr;
	size_t		 i;

	if (shape_stages(c->stages_str, c->rate > 0, &c->stages, &c->nstages,
	    &errstr) == -1) {
		snprintf(err, len, "--stages '%s': %s", c->stages_str, errstr);
		return (-1);
	}
	for (i = 0; i < c->nstages; i++)
		c->duration_us += c->stages[i].dur_us;
	return (0);
}

/*
 * Check every rule that ties options together, settle the defaults that
 * depend on other options (a body makes the method POST), and make room
 * for the descriptors the run needs, noted in lim. Returns 0, or -1 with
 * a message for the user in err, naming the values at fault.
 */
int
config_check(struct config *c, struct limits *lim, char *err, size_t len)
{
	const char	*msg = NULL;

	if (c->exec && c->kind == ENGINE_PLUGIN)
		msg = "--exec and --plugin cannot be used together";
	else if (c->targets_file != NULL && !ENGINE_IS_HTTP(c->kind))
		msg = "--targets is for HTTP runs, not --exec or --plugin";
	else if (c->targets_file != NULL && c->nurls > 0)
		msg = "--targets and URLs cannot be used together";
	else if (ENGINE_IS_HTTP(c->kind) && c->nurls == 0 &&
	    c->targets_file == NULL)
		msg = "no URL given";
	else if (c->seed_set && !c->targets_random)
		msg = "--seed is for --targets-order random";
	else if (c->task_output != NULL && c->kind != ENGINE_EXEC)
		msg = "--task-output is for --exec runs";
	else if (c->nsweep > 0 && c->concurrency_set)
		msg = "-c and --sweep cannot be used together";
	else if (c->data_inline && c->data_file != NULL)
		msg = "--data and --data-file cannot be used together";
	else if (c->stages_str != NULL && c->nsweep > 0)
		msg = "--stages and --sweep cannot be used together";
	else if (c->stages_str != NULL && c->duration_us != 0)
		msg = "--stages sets the duration: it cannot be used with -d";
	else if (c->json && c->stream != NULL && strcmp(c->stream, "-") == 0)
		msg = "--stream - and --json cannot both write to stdout";
	if (msg != NULL) {
		strlcpy(err, msg, len);
		return (-1);
	}
	if (c->kind == ENGINE_PLUGIN && config_check_plugin(c, err, len) == -1)
		return (-1);
	if (c->stages_str != NULL && config_check_stages(c, err, len) == -1)
		return (-1);
	if (c->targets_file != NULL && targets_load(c, err, len) == -1)
		return (-1);
	if (shard_check(c, err, len) == -1)
		return (-1);
	/* After --targets, which makes the targets a threshold can name. */
	if (config_check_thresholds(c, err, len) == -1)
		return (-1);
	/* A random order is replayable: the seed drawn is reported. */
	if (c->targets_random && !c->seed_set)
		c->seed = ((uint64_t)arc4random() << 31) ^ arc4random();
	if (c->data != NULL && !c->method_set) {
		free(c->method);
		c->method = xstrdup("POST");
	}
	/*
	 * The engine first: the workers a level gets, so the descriptors
	 * each needs, depend on it; its requests are built from the rest.
	 */
	if (engine_choose(c, err, len) == -1)
		return (-1);
	return (config_check_nofile(c, lim, err, len));
}
