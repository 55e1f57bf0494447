/*
 * The live progress line on stderr, drawn while a run goes on when stderr
 * is a terminal: results so far, errors and elapsed time. Each draw
 * rewrites the line in place, and the last one clears it.
 */
#include <stdio.h>

#include "forkload.h"

/*
 * Draw the progress of a run: its results against total when the total is
 * known (not UINT64_MAX), and the time since it started.
 */
void
progress_draw(const struct outcome *o, uint64_t total, uint64_t elapsed_us)
{
	char	 t[32];

	units_format_duration(t, sizeof(t), elapsed_us);
	if (total != UINT64_MAX)
		fprintf(stderr, "\r\033[Kc=%d  %llu/%llu  errors %llu  %s",
		    o->concurrency, (unsigned long long)o->stats.results,
		    (unsigned long long)total,
		    (unsigned long long)o->stats.failed, t);
	else
		fprintf(stderr, "\r\033[Kc=%d  %llu done  errors %llu  %s",
		    o->concurrency, (unsigned long long)o->stats.results,
		    (unsigned long long)o->stats.failed, t);
	(void)fflush(stderr);
}

/* Clear the progress line, so that the summary starts on a clean one. */
void
progress_clear(void)
{
	fprintf(stderr, "\r\033[K");
	(void)fflush(stderr);
}
