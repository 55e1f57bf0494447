/*
 * The time series of a run: one entry per second since its start, with the
 * requests that started in it, those that completed in it (ok, failed,
 * bytes and latency) and those in flight at its end. Results come in
 * batches, out of order across workers, so the last few seconds stay open,
 * each with a latency histogram; a second is final SERIES_GRACE_NS after
 * its end, when no batch can still hold one of its results, and from then
 * on it is a row of counters.
 */
#include <stdlib.h>
#include <string.h>

#include "forkload.h"

/*
 * Seconds open at once. The parent finalises a second 100 ms after its
 * end, so in normal running two are open: the one that goes on and the one
 * just ended. The third takes results whose end the worker's clock put a
 * little past the parent's last look at its own.
 */
#define SERIES_OPEN	3
#define SERIES_GRACE_NS	(2 * 50 * NS_PER_MS)	/* two flush intervals */

/* A second still open to results. */
struct series_open {
	uint64_t	 lo_ns;		/* its start, in the run's time */
	uint64_t	 started;
	uint64_t	 done;		/* results counted in it */
	uint64_t	 failed;
	uint64_t	 bytes_in;
	uint64_t	 bytes_out;
	uint64_t	 late;
	struct hist	*lat;		/* NULL once the series has ended */
};

struct series {
	struct series_open	 open[SERIES_OPEN];
	struct series_open	*hot;		/* where the last result went */
	uint64_t		 base;		/* the oldest open second */
	uint64_t		 clock_ns;	/* the run's start */
	struct series_entry	*ent;		/* final: ent[i].second is i */
	size_t			 cap;
	uint64_t		 started;	/* known starts before base */
	uint64_t		 done;		/* results in final seconds */
	struct stats		*stats;		/* where results are counted */
	const struct statusset	*expect;
	struct {			/* the stats after the last batch */
		uint64_t	 results;
		uint64_t	 failed;
		uint64_t	 bytes_in;
		uint64_t	 bytes_out;
	}			 seen;
	void			(*final)(void *, const struct series_entry *);
	void			*arg;
};

/* Return an empty series whose run starts now; it never returns NULL. */
struct series *
series_new(void)
{
	struct series	*s;
	size_t		 i;

	s = xcalloc(1, sizeof(*s));
	for (i = 0; i < SERIES_OPEN; i++) {
		s->open[i].lo_ns = i * NS_PER_SEC;
		s->open[i].lat = hist_new();
	}
	s->hot = &s->open[0];
	s->clock_ns = clock_now_ns();
	return (s);
}

/* Free a series; NULL is allowed. */
void
series_free(struct series *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < SERIES_OPEN; i++)
		hist_free(s->open[i].lat);
	free(s->ent);
	free(s);
}

/* Note the stats' counts: the next batch's are what they add to them. */
static void
series_seen(struct series *s)
{
	s->seen.results = s->stats->results;
	s->seen.failed = s->stats->failed;
	s->seen.bytes_in = s->stats->bytes_in;
	s->seen.bytes_out = s->stats->bytes_out;
}

/*
 * Set where the run's time starts on clock_now_ns(); the stats that
 * count every result before series_batch() sees it, with the statuses
 * they expect (the series records the latencies, and merges each second's
 * into the stats as it becomes final); and the function that each second
 * is handed to then (NULL: none).
 */
void
series_begin(struct series *s, uint64_t start_ns, struct stats *stats,
    const struct statusset *expect,
    void (*final)(void *, const struct series_entry *), void *arg)
{
	s->clock_ns = start_ns;
	s->stats = stats;
	s->expect = expect;
	series_seen(s);
	s->final = final;
	s->arg = arg;
}

/*
 * Close the oldest open second: its counters become an entry, which goes
 * to the final function, and its slot opens SERIES_OPEN seconds later.
 */
static void
series_close(struct series *s)
{
	struct series_open	*o = &s->open[s->base % SERIES_OPEN];
	struct series_entry	*e;

	if (s->base == s->cap) {
		s->cap = s->cap == 0 ? 64 : s->cap * 2;
		s->ent = xreallocarray(s->ent, s->cap, sizeof(*s->ent));
	}
	e = &s->ent[s->base];
	memset(e, 0, sizeof(*e));
	e->second = s->base;
	e->started = o->started;
	e->ok = o->done - o->failed;
	e->failed = o->failed;
	e->bytes_in = o->bytes_in;
	e->bytes_out = o->bytes_out;
	e->late = o->late;
	s->started += o->started;
	s->done += o->done;
	/* Starts come before ends, so no more can have ended than started. */
	e->in_flight = s->started - s->done;
	if ((e->latency = hist_count(o->lat) > 0)) {
		e->p50 = hist_percentile(o->lat, 50);
		e->p99 = hist_percentile(o->lat, 99);
		e->max = hist_max(o->lat);
		/* Histograms merge exactly: the run's is as if recorded. */
		if (s->stats != NULL)
			hist_merge(s->stats->latency, o->lat);
		hist_reset(o->lat);
	}
	memset(o, 0, offsetof(struct series_open, lat));
	o->lo_ns = (s->base + SERIES_OPEN) * NS_PER_SEC;
	s->base++;
	if (s->final != NULL)
		s->final(s->arg, e);
}

/*
 * The open second that a result which missed the hot one counts in: the
 * second of its end, or the oldest open one for a result that comes after
 * its own second was final (it counts as late there), or for a result that
 * claims to end after now, the second of now.
 */
static __attribute__((__noinline__)) struct series_open *
series_slot(struct series *s, const struct result *r)
{
	struct series_open	*o;
	uint64_t		 end, c, now;

	end = r->start_ns + r->latency_ns;
	if (end < r->start_ns)
		end = UINT64_MAX;
	c = end / NS_PER_SEC;
	if (c < s->base) {
		o = &s->open[s->base % SERIES_OPEN];
		o->late++;
		return (s->hot = o);
	}
	if (c >= s->base + SERIES_OPEN) {
		/* Ahead of the open seconds: the clock decides, once. */
		now = clock_now_ns();
		now = now > s->clock_ns ? (now - s->clock_ns) / NS_PER_SEC : 0;
		if (c > now)
			c = now < s->base ? s->base : now;
		while (c >= s->base + SERIES_OPEN)
			series_close(s);
	}
	return (s->hot = &s->open[c % SERIES_OPEN]);
}

/*
 * Count the start of a result that did not start in the second it counts
 * in: in its own second if that is open, or in the final entry. A start
 * is never put after the second the result counts in.
 */
static __attribute__((__noinline__)) void
series_started(struct series *s, const struct result *r,
    const struct series_open *in)
{
	uint64_t	 st = r->start_ns / NS_PER_SEC;

	if (st > in->lo_ns / NS_PER_SEC)
		st = in->lo_ns / NS_PER_SEC;
	if (st >= s->base) {
		s->open[st % SERIES_OPEN].started++;
		return;
	}
	s->ent[st].started++;
	s->started++;
}

/* Take what the stats counted since the last batch as the counts of o. */
static void
series_take(struct series *s, struct series_open *o)
{
	const struct stats	*st = s->stats;

	o->done += st->results - s->seen.results;
	o->failed += st->failed - s->seen.failed;
	o->bytes_in += st->bytes_in - s->seen.bytes_in;
	o->bytes_out += st->bytes_out - s->seen.bytes_out;
	series_seen(s);
}

/* Count one result, judged again, in the open second o. */
static void
series_one(struct series *s, struct series_open *o, const struct result *r)
{
	o->done++;
	o->failed += !stats_ok(r, s->expect);
	o->bytes_in += r->bytes_in;
	o->bytes_out += r->bytes_out;
}

/*
 * The rest of a batch whose result j did not end in o, where the results
 * before it did (their latencies and starts are counted): each result is
 * counted on its own from there, in the second it ended in. Then the
 * stats' counts are all taken.
 */
static __attribute__((__noinline__)) void
series_mixed(struct series *s, struct series_open *o, const unsigned char *raw,
    uint32_t j, uint32_t n)
{
	struct result	 r;
	uint32_t	 i;

	for (i = 0; i < j; i++) {
		memcpy(&r, raw + i * sizeof(r), sizeof(r));
		series_one(s, o, &r);
	}
	for (i = j; i < n; i++) {
		memcpy(&r, raw + i * sizeof(r), sizeof(r));
		o = series_slot(s, &r);
		series_one(s, o, &r);
		if (r.start_ns - o->lo_ns < NS_PER_SEC)
			o->started++;
		else
			series_started(s, &r, o);
		if (r.error == 0)
			hist_record(o->lat, RESULT_LATENCY_US(&r));
	}
	series_seen(s);
}

/*
 * Count a batch of n results (struct result, at any alignment), which
 * stats_count() has just counted, each in the second it ended in, and
 * its start in the second it started in. This runs in the parent for
 * every result, so it does little per result: a batch spans 50 ms at
 * most, and nearly always every result in it ends in the same second as
 * the batch before. Then its latencies are recorded and its starts
 * checked one by one, but its counts are what the stats took since the
 * last batch. A batch that crosses into another second is counted result
 * by result.
 */
void
series_batch(struct series *s, const void *raw, uint32_t n)
{
	const unsigned char	*p = raw;
	struct series_open	*o = s->hot;
	struct result		 r;
	uint64_t		 lo = o->lo_ns;
	uint32_t		 i, elsewhere = 0;

	for (i = 0; i < n; i++, p += sizeof(r)) {
		/* Only the fields needed: a whole copy costs more than this. */
		memcpy(&r.start_ns, p + offsetof(struct result, start_ns),
		    sizeof(r.start_ns));
		memcpy(&r.latency_ns, p + offsetof(struct result, latency_ns),
		    sizeof(r.latency_ns));
		memcpy(&r.sched_ns, p + offsetof(struct result, sched_ns),
		    sizeof(r.sched_ns));
		memcpy(&r.error, p + offsetof(struct result, error),
		    sizeof(r.error));
		if (r.start_ns + r.latency_ns - lo >= NS_PER_SEC)
			break;
		if (r.start_ns - lo >= NS_PER_SEC) {
			series_started(s, &r, o);
			elsewhere++;
		}
		/* The rule of stats_add(): a result with an error has none. */
		if (r.error == 0)
			hist_record(o->lat, RESULT_LATENCY_US(&r));
	}
	p = raw;
	o->started += i - elsewhere;
	if (i == n)
		series_take(s, o);
	else
		series_mixed(s, o, p, i, n);
}

/*
 * Finalise every second that ended SERIES_GRACE_NS or more before now, in
 * the run's time: by then every batch that could hold one of its results
 * has come. Returns the number finalised.
 */
size_t
series_tick(struct series *s, uint64_t now)
{
	size_t	 n = 0;

	while ((s->base + 1) * NS_PER_SEC + SERIES_GRACE_NS <= now) {
		series_close(s);
		n++;
	}
	return (n);
}

/* Return when, in the run's time, the oldest open second becomes final. */
uint64_t
series_due(const struct series *s)
{
	return ((s->base + 1) * NS_PER_SEC + SERIES_GRACE_NS);
}

/*
 * End the series at end, in the run's time, when every result is in:
 * finalise every second up to the one end falls in, the last one partial,
 * and any later one that holds a result. Then give each entry its exact
 * starts and in_flight: a start that came after its second was final was
 * added to its entry, which the entries that followed did not yet count.
 */
void
series_end(struct series *s, uint64_t end)
{
	const struct series_open	*o;
	uint64_t			 last = end / NS_PER_SEC, started = 0;
	uint64_t			 done = 0;
	size_t				 i;

	for (i = 0; i < SERIES_OPEN; i++) {
		o = &s->open[i];
		if ((o->done > 0 || o->started > 0) &&
		    o->lo_ns / NS_PER_SEC > last)
			last = o->lo_ns / NS_PER_SEC;
	}
	while (s->base <= last)
		series_close(s);
	for (i = 0; i < s->base; i++) {
		started += s->ent[i].started;
		done += s->ent[i].ok + s->ent[i].failed;
		s->ent[i].in_flight = started - done;
	}
	for (i = 0; i < SERIES_OPEN; i++) {
		hist_free(s->open[i].lat);
		s->open[i].lat = NULL;
	}
}

/* Return the final entries, *n of them, one per second from 0. */
const struct series_entry *
series_entries(const struct series *s, size_t *n)
{
	*n = s->base;
	return (s->ent);
}

/* Return the last final entry: the last whole second; NULL before one. */
const struct series_entry *
series_last(const struct series *s)
{
	return (s->base > 0 ? &s->ent[s->base - 1] : NULL);
}
