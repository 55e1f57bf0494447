/*
 * What the parent does for the live view of a run, at each wake-up of its
 * loop: it finalises the seconds of the time series that can no longer
 * change (series.c), streams each one (stream.c), and every 250 ms
 * redraws the progress line (progress.c) when stderr is a terminal.
 */
#include <string.h>
#include <unistd.h>

#include "forkload.h"

#define LIVE_PROGRESS_NS	(250 * NS_PER_MS)

/* A second has become final: stream it, clear of the progress line. */
static void
live_final(void *arg, const struct series_entry *e)
{
	struct parent	*p = arg;

	if (p->progress && stream_tty())
		progress_clear();
	stream_entry(e);
}

/* Start the live view of a run whose clock starts at p->start_ns. */
void
live_begin(struct parent *p)
{
	p->progress = !p->conf->quiet && isatty(STDERR_FILENO);
	p->drawn = 0;
	series_begin(p->out->series, p->start_ns, &p->out->stats,
	    &p->conf->expect, live_final, p);
	stream_run(p->out->concurrency);
}

/* Fill in the figures of the progress line. */
static void
live_figures(const struct parent *p, uint64_t now, struct progress *pr)
{
	const struct worker_info	*wi;
	size_t				 i;

	memset(pr, 0, sizeof(*pr));
	pr->concurrency = p->out->concurrency;
	pr->done = p->out->stats.results;
	pr->failed = p->out->stats.failed;
	pr->total = p->limit;
	pr->elapsed_us = (now - p->start_ns) / NS_PER_US;
	pr->duration_us = p->conf->duration_us;
	pr->now = series_last(p->out->series);
	for (i = 0; i < p->nworkers; i++) {
		wi = &p->workers[i];
		if (wi->state != WS_ENDED)
			pr->alive++;
		else if (outcome_is_crash(wi))
			pr->crashes++;
	}
}

/*
 * Return how long the loop may wait for events, at most ms: no longer
 * than until the oldest open second becomes final, so that each line of
 * the stream comes on time.
 */
int
live_wait_ms(const struct parent *p, int ms)
{
	uint64_t	 due, now;

	due = p->start_ns + series_due(p->out->series);
	now = clock_now_ns();
	if (due <= now)
		return (0);
	if ((due - now) / NS_PER_MS >= (uint64_t)ms)
		return (ms);
	return ((int)((due - now + NS_PER_MS - 1) / NS_PER_MS));
}

/* One wake-up of the loop, at now on the clock. */
void
live_tick(struct parent *p, uint64_t now)
{
	struct progress	 pr;

	(void)series_tick(p->out->series, now - p->start_ns);
	stream_flush();
	if (p->progress && now - p->drawn >= LIVE_PROGRESS_NS) {
		live_figures(p, now, &pr);
		progress_draw(&pr);
		p->drawn = now;
	}
}

/*
 * End the live view when every worker has been settled, at end on the
 * clock: the last seconds, the partial one too, are finalised and
 * streamed, and the progress line is cleared.
 */
void
live_end(struct parent *p, uint64_t end)
{
	series_end(p->out->series, end - p->start_ns);
	stream_flush();
	if (p->progress)
		progress_clear();
}
