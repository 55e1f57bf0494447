/*
 * The outcome of one run at one concurrency level: request accounting,
 * totals and what became of every worker.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forkload.h"

/* Prepare an empty run for a concurrency level. */
void
run_init(struct run *r, int concurrency)
{
	memset(r, 0, sizeof(*r));
	r->concurrency = concurrency;
	stats_init(&r->stats);
}

/* Free what a run owns. */
void
run_free(struct run *r)
{
	size_t	 i;

	for (i = 0; i < r->nworkers_total; i++)
		free(r->workers[i].buf);
	free(r->workers);
	stats_free(&r->stats);
	memset(r, 0, sizeof(*r));
}

/*
 * Return 1 when a worker's end counts as a crash: killed by a signal, cut
 * off for a bad frame, or gone without saying it was done.
 */
int
run_is_crash(const struct worker_info *w)
{
	if (w->status == WSTATUS_SIGNALED || w->status == WSTATUS_BROKEN)
		return (1);
	return (w->status == WSTATUS_EXITED && (w->code != 0 || !w->done));
}

/* Return the number of crashed workers in a run. */
size_t
run_crashes(const struct run *r)
{
	size_t	 i, n = 0;

	for (i = 0; i < r->nworkers_total; i++)
		n += run_is_crash(&r->workers[i]);
	return (n);
}

/* Return the report's name for a worker status. */
const char *
run_wstatus_name(int status)
{
	switch (status) {
	case WSTATUS_EXITED:
		return ("exited");
	case WSTATUS_SIGNALED:
		return ("signaled");
	case WSTATUS_BROKEN:
		return ("broken");
	default:
		return ("running");
	}
}

/* Write a signal's name ("SIGKILL") into buf; returns buf. */
const char *
run_signame(int sig, char *buf, size_t len)
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
run_describe_exit(const struct worker_info *w, char *buf, size_t len)
{
	char	 sig[32];

	if (w->hung && w->task_seq < 0)
		snprintf(buf, len, "hung in the plugin's init or fini and "
		    "was killed");
	else if (w->hung)
		snprintf(buf, len, "hung in task %lld and was killed",
		    (long long)w->task_seq);
	else if (w->status == WSTATUS_BROKEN)
		snprintf(buf, len, "broke the protocol and was killed");
	else if (w->status == WSTATUS_SIGNALED && w->task_seq >= 0)
		snprintf(buf, len, "killed by %s%s in task %lld",
		    run_signame(w->signal, sig, sizeof(sig)),
		    w->core_dumped ? " (core dumped)" : "",
		    (long long)w->task_seq);
	else if (w->status == WSTATUS_SIGNALED)
		snprintf(buf, len, "killed by %s%s",
		    run_signame(w->signal, sig, sizeof(sig)),
		    w->core_dumped ? " (core dumped)" : "");
	else if (w->code != 0)
		snprintf(buf, len, "exited with status %d", w->code);
	else if (!w->done)
		snprintf(buf, len, "exited without finishing");
	else
		snprintf(buf, len, "exited normally");
	return (buf);
}
