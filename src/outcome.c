/*
 * What one run, at one concurrency level, came to: its request accounting
 * and totals, and how each of its workers ended. Reports, summaries and
 * verdicts all read a worker's end through the functions here, so that
 * they name it the same way.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forkload.h"

/* Prepare an empty outcome for a concurrency level. */
void
outcome_init(struct outcome *o, int concurrency)
{
	memset(o, 0, sizeof(*o));
	o->concurrency = concurrency;
	stats_init(&o->stats);
	o->series = series_new();
}

/* Free what an outcome owns. */
void
outcome_free(struct outcome *o)
{
	size_t	 i;

	for (i = 0; i < o->nworkers_total; i++)
		frame_close(&o->workers[i].pipe);
	free(o->workers);
	stats_free(&o->stats);
	series_free(o->series);
	pertarget_free(&o->targets);
	memset(o, 0, sizeof(*o));
}

/* Return the results per second of wall time: the run's throughput. */
double
outcome_rps(const struct outcome *o)
{
	if (o->duration_us == 0)
		return (0);
	return ((double)o->stats.results * US_PER_SEC / o->duration_us);
}

/*
 * Return the rate at which requests started (in open loop, the rate the
 * schedule achieved): n results over the time from the run's start, when
 * the first was due, to the last start. A late first start cannot make
 * it read high, nor a fork's delay; a late last start reads low, as it
 * should. -1 with fewer than two.
 */
double
outcome_achieved_rps(const struct outcome *o)
{
	const struct stats	*s = &o->stats;

	if (s->results < 2 || s->last_start_ns == 0)
		return (-1);
	return ((double)(s->results - 1) * NS_PER_SEC /
	    (double)s->last_start_ns);
}

/*
 * Return the rate that -R asked for, averaged over the run with --stages
 * (the tickets asked over the stages' duration), or -1 in closed loop.
 */
double
outcome_target_rps(const struct outcome *o, const struct config *c)
{
	struct sched	 sc;
	uint64_t	 n;

	if (c->rate <= 0)
		return (-1);
	/* A shard keeps one ticket in N of the schedule. */
	if (c->nstages == 0 || c->duration_us == 0)
		return (c->shard_count > 1 ? c->rate / c->shard_count :
		    c->rate);
	sched_init(&sc, c, o->concurrency);
	n = sched_tickets(&sc);
	sched_free(&sc);
	return ((double)n * US_PER_SEC / (double)c->duration_us);
}

/*
 * Return 1 when a worker's end counts as a crash: anything but saying
 * DONE and exiting 0. A worker still running has not crashed.
 */
int
outcome_is_crash(const struct worker_info *w)
{
	return (w->state == WS_ENDED && w->end != WEND_CLEAN);
}

/* Return the number of crashed workers in a run. */
size_t
outcome_crashes(const struct outcome *o)
{
	size_t	 i, n = 0;

	for (i = 0; i < o->nworkers_total; i++)
		n += outcome_is_crash(&o->workers[i]);
	return (n);
}

/* Return 1 when a worker ended by exit(), so that its code means something. */
int
outcome_exited(const struct worker_info *w)
{
	return (w->state == WS_ENDED && w->end != WEND_BROKEN &&
	    w->signal == 0);
}

/* Return the report's name for how a worker ended ("signaled"). */
const char *
outcome_exit_name(const struct worker_info *w)
{
	if (w->state != WS_ENDED)
		return ("running");
	if (w->end == WEND_BROKEN)
		return ("broken");
	return (w->signal != 0 ? "signaled" : "exited");
}

/* Return the report's reason for a crash ("hung", "broken", ...). */
const char *
outcome_crash_reason(const struct worker_info *w)
{
	/* Hung comes first: the parent's SIGKILL is not the cause. */
	if (w->end == WEND_HUNG)
		return ("hung");
	return (outcome_exit_name(w));
}

/* Write a signal's name ("SIGKILL") into buf; returns buf. */
const char *
outcome_signame(int sig, char *buf, size_t len)
{
	const char	*abbrev;

	if ((abbrev = sigabbrev_np(sig)) != NULL)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "SIG%d", sig);
	return (buf);
}

/* Write one line on how a worker ended ("killed by SIGKILL"); returns buf. */
const char *
outcome_describe_exit(const struct worker_info *w, char *buf, size_t len)
{
	char	 sig[32];

	if (w->end == WEND_HUNG && w->task_seq < 0)
		snprintf(buf, len, "hung in the plugin's init or fini and "
		    "was killed");
	else if (w->end == WEND_HUNG)
		snprintf(buf, len, "hung in task %lld and was killed",
		    (long long)w->task_seq);
	else if (w->end == WEND_BROKEN)
		snprintf(buf, len, "broke the protocol and was killed");
	else if (w->signal != 0 && w->task_seq >= 0)
		snprintf(buf, len, "killed by %s%s in task %lld",
		    outcome_signame(w->signal, sig, sizeof(sig)),
		    w->core_dumped ? " (core dumped)" : "",
		    (long long)w->task_seq);
	else if (w->signal != 0)
		snprintf(buf, len, "killed by %s%s",
		    outcome_signame(w->signal, sig, sizeof(sig)),
		    w->core_dumped ? " (core dumped)" : "");
	else if (w->code != 0)
		snprintf(buf, len, "exited with status %d", w->code);
	else if (w->end == WEND_EXIT)
		snprintf(buf, len, "exited without finishing");
	else
		snprintf(buf, len, "exited normally");
	return (buf);
}
