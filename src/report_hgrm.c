/*
 * A report's latency as HdrHistogram's percentile distribution (.hgrm),
 * the text wrk2 prints with --latency and HdrHistogram's plotter reads:
 * one block per run, values in milliseconds, percentile rows stepping
 * closer to 100% the way outputPercentileDistribution steps them.
 */
#include <math.h>
#include <stdio.h>

#include "forkload.h"

#define HGRM_TICKS	5	/* reporting ticks per half distance to 100% */

/* One row: the value in ms, the percentile as a fraction, the count. */
static void
hgrm_row(FILE *f, uint64_t us, double pct, uint64_t cum)
{
	double	 p = pct / 100.0;

	fprintf(f, "%12.3f %12f %12llu %12.2f\n", us / 1000.0, p,
	    (unsigned long long)cum, p < 1.0 ? 1.0 / (1.0 - p) : INFINITY);
}

/*
 * The next percentile to report after pct: halving the distance to 100%
 * doubles the ticks, so the tail gets as many rows as the body.
 */
static double
hgrm_step(double pct)
{
	double	 half;

	half = pow(2, floor(log(100.0 / (100.0 - pct)) / log(2)) + 1);
	return (pct + 100.0 / (HGRM_TICKS * half));
}

/*
 * The rows of one histogram. Each bucket reports every percentile step
 * its cumulative count reaches, at its highest value (clamped to the max
 * seen, so that no row exceeds it); the last row is 100%. The steps
 * close in on 100% without reaching it, hence the break.
 */
static void
hgrm_rows(FILE *f, const struct hist *h)
{
	uint64_t	 value, count, cum = 0, total = hist_count(h), top;
	double		 next = 0.0;
	size_t		 iter = 0;
	int		 nb, ns;

	while (hist_next(h, &iter, &value, &count)) {
		cum += count;
		top = hist_bucket_top(value, &nb, &ns);
		if (top > hist_max(h))
			top = hist_max(h);
		while (100.0 * cum / total >= next) {
			hgrm_row(f, top, next, cum);
			next = hgrm_step(next);
			/* As HDR: the last bucket gets one step, then 1. */
			if (cum == total)
				break;
		}
		if (cum == total)
			hgrm_row(f, top, 100.0, cum);
	}
}

/*
 * Print the percentile distribution of each run's latency (corrected, as
 * the summary's) to f. Returns 0, or -1 when f fails.
 */
int
report_hgrm(FILE *f, const struct report *rep)
{
	const struct hist	*h;
	size_t			 i;
	int			 nb, ns;

	for (i = 0; i < rep->nruns; i++) {
		h = rep->runs[i].stats.latency;
		fprintf(f, "# run %zu, concurrency %d\n", i,
		    rep->runs[i].concurrency);
		fprintf(f, "%12s %12s %12s %12s\n\n", "Value", "Percentile",
		    "TotalCount", "1/(1-Percentile)");
		if (hist_count(h) > 0)
			hgrm_rows(f, h);
		(void)hist_bucket_top(0, &nb, &ns);
		fprintf(f, "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n",
		    hist_mean(h) / 1000.0, hist_stdev(h) / 1000.0);
		fprintf(f, "#[Max     = %12.3f, Total count    = %12llu]\n",
		    hist_max(h) / 1000.0,
		    (unsigned long long)hist_count(h));
		fprintf(f, "#[Buckets = %12d, SubBuckets     = %12d]\n", nb,
		    ns);
	}
	return (fflush(f) == 0 && !ferror(f) ? 0 : -1);
}
