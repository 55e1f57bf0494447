/*
 * The shape of a run in time: the open-loop schedule (-R, a constant rate,
 * or --stages that ramp it) as the time at which each ticket is due, and
 * the concurrency that --stages ramps without -R. Ticket k of a run is due
 * when the rate's integral reaches k, so the workers, each taking the next
 * ticket that is due, make one even schedule between them, not W bursts.
 * Pure: no clock, no exit.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forkload.h"

/*
 * Prepare s for a run: open loop at rate (per second; 0: closed loop),
 * the concurrency level, and the stages of c, if any, ramping the rate in
 * open loop and the concurrency in closed loop from those starting values.
 */
void
sched_init(struct sched *s, const struct config *c, int level)
{
	double	 from, acc = 0;
	uint64_t at = 0;
	size_t	 i;

	memset(s, 0, sizeof(*s));
	s->rate = c->rate;
	s->level = level;
	s->shard = c->shard_count > 1 ? c->shard_index : 0;
	s->nshards = c->shard_count > 1 ? c->shard_count : 1;
	s->nstages = c->nstages;
	if (c->nstages == 0)
		return;
	s->stage = xcalloc(c->nstages, sizeof(*s->stage));
	/* A closed-loop ramp starts from -c whole: a shard shares it out. */
	from = c->rate > 0 ? c->rate : (double)c->concurrency;
	for (i = 0; i < c->nstages; i++) {
		s->stage[i].start_ns = at;
		s->stage[i].dur_ns = c->stages[i].dur_us * NS_PER_US;
		s->stage[i].from = from;
		s->stage[i].to = c->stages[i].target;
		/* Tickets due by the stage's start: the integral so far. */
		s->stage[i].before = acc;
		acc += (from + s->stage[i].to) / 2 *
		    ((double)s->stage[i].dur_ns / NS_PER_SEC);
		at += s->stage[i].dur_ns;
		from = s->stage[i].to;
	}
	s->total = acc;
	s->end_ns = at;
}

/* Free what s owns. */
void
sched_free(struct sched *s)
{
	free(s->stage);
	memset(s, 0, sizeof(*s));
}

/* Return 1 when tickets are due on a schedule (open loop). */
int
sched_open(const struct sched *s)
{
	return (s->rate > 0);
}

/*
 * Return how many tickets the schedule has in all, UINT64_MAX when it
 * never ends (a constant rate: -n or -d ends the run).
 */
uint64_t
sched_tickets(const struct sched *s)
{
	uint64_t	 all;

	if (!sched_open(s) || s->nstages == 0)
		return (UINT64_MAX);
	/* The last ticket is due before the end, not at it. */
	all = (uint64_t)ceil(s->total - 1e-9);
	/* A shard's: the global tickets shard, shard + N, ... below all. */
	if (all <= (uint64_t)s->shard)
		return (0);
	return ((all - 1 - (uint64_t)s->shard) / (uint64_t)s->nshards + 1);
}

/* Within one stage, the time after its start at which x tickets are due. */
static double
sched_solve(const struct sched_stage *st, double x)
{
	double	 d = (double)st->dur_ns / NS_PER_SEC, slope, disc;

	slope = (st->to - st->from) / d;
	if (fabs(slope) < 1e-12)
		return (st->from > 0 ? x / st->from : d);
	/* from * t + slope / 2 * t^2 = x, the root in [0, d]. */
	disc = st->from * st->from + 2 * slope * x;
	if (disc < 0)
		disc = 0;
	return ((-st->from + sqrt(disc)) / slope);
}

/*
 * Return when ticket k is due, in ns since the run's start. Beyond a
 * ramp's last ticket it is UINT64_MAX: never. A shard's ticket k is the
 * global ticket shard + kN, so that the shards' union is the schedule.
 */
uint64_t
sched_due(const struct sched *s, uint64_t k)
{
	const struct sched_stage	*st;
	double				 t;
	size_t				 i;

	k = k * (uint64_t)s->nshards + (uint64_t)s->shard;
	if (s->nstages == 0)
		return ((uint64_t)((double)k * NS_PER_SEC / s->rate));
	if ((double)k >= s->total)
		return (UINT64_MAX);
	/* The stage the ticket falls in: the last that starts before it. */
	for (i = 0; i + 1 < s->nstages && (double)k >= s->stage[i + 1].before;
	    i++)
		continue;
	st = &s->stage[i];
	t = sched_solve(st, (double)k - st->before);
	if (t > (double)st->dur_ns / NS_PER_SEC)
		t = (double)st->dur_ns / NS_PER_SEC;
	return (st->start_ns + (uint64_t)(t * NS_PER_SEC));
}

/*
 * Return how many tickets are due before t ns since the start: the first
 * ticket due at t or later, found by bisection, as sched_due() is
 * monotonic in the ticket.
 */
uint64_t
sched_due_before(const struct sched *s, uint64_t t)
{
	uint64_t	 lo = 0, hi, mid;

	if (!sched_open(s))
		return (0);
	hi = s->nstages > 0 ? sched_tickets(s) :
	    (uint64_t)(s->rate * ((double)t / NS_PER_SEC)) /
	    (uint64_t)s->nshards + 2;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sched_due(s, mid) < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/* A shard's part of a total, as shard_share() splits it. */
static int
sched_share(const struct sched *s, uint64_t total)
{
	return ((int)(total / (uint64_t)s->nshards +
	    ((uint64_t)s->shard < total % (uint64_t)s->nshards)));
}

/*
 * Return the concurrency allowed at t ns since the start: the level, or
 * in closed loop with stages, the ramp's value then (at least 1 while a
 * stage runs, 0 after the last one).
 */
int
sched_concurrency(const struct sched *s, uint64_t t)
{
	const struct sched_stage	*st;
	double				 v;
	size_t				 i;

	if (sched_open(s) || s->nstages == 0)
		return (s->level);
	if (t >= s->end_ns)
		return (0);
	for (i = 0; i + 1 < s->nstages && t >= s->stage[i + 1].start_ns; i++)
		continue;
	st = &s->stage[i];
	v = st->from + (st->to - st->from) *
	    ((double)(t - st->start_ns) / (double)st->dur_ns);
	if (v < 1)
		v = 1;
	return (sched_share(s, (uint64_t)lround(v)));
}

/* Return the highest concurrency the run can reach: what to size for. */
int
sched_peak(const struct config *c, int level)
{
	double	 most = c->concurrency;
	size_t	 i;

	if (c->rate > 0 || c->nstages == 0)
		return (level);
	/* The ramp starts from -c whole, and its targets are totals. */
	for (i = 0; i < c->nstages; i++)
		if (c->stages[i].target > most)
			most = c->stages[i].target;
	most = (double)shard_share(c, (uint64_t)ceil(most));
	return (most > level ? (int)most : level);
}
