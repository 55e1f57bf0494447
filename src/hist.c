/*
 * A log-linear latency histogram in the HDR style, over microseconds:
 * exact below 2048, then 1024 sub-buckets per power of two up to one hour,
 * in fixed memory, so that histograms from many workers merge exactly.
 */
#include <sys/mman.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forkload.h"

/*
 * A value v >= 2048 with top bit b falls in sub-bucket v >> (b - 10), one of
 * 1024 in [1024, 2047], so a bucket is never wider than 1/1024 of its values.
 * Values below 2048 get one bucket each, so small latencies stay exact.
 */
#define HIST_SUB_BITS	10
#define HIST_SUB_HALF	(1ULL << HIST_SUB_BITS)
#define HIST_EXACT	(2 * HIST_SUB_HALF)
#define HIST_HIGHEST	3600000000ULL		/* one hour */
#define HIST_TOP_BIT	31			/* top bit of HIST_HIGHEST */
#define HIST_TOP_SHIFT	(HIST_TOP_BIT - HIST_SUB_BITS)
#define HIST_NBUCKETS	(HIST_TOP_SHIFT * HIST_SUB_HALF + \
			    (HIST_HIGHEST >> HIST_TOP_SHIFT) + 1)

/* Fails to compile if HIST_TOP_BIT does not match HIST_HIGHEST. */
typedef char hist_top_bit_check[(HIST_HIGHEST >> HIST_TOP_BIT) == 1 ? 1 : -1];

struct hist {
	uint64_t	total;
	uint64_t	min;		/* UINT64_MAX while empty */
	uint64_t	max;
	uint64_t	counts[HIST_NBUCKETS];
};

static size_t	 hist_index(uint64_t);
static void	 hist_bucket(size_t, uint64_t *, uint64_t *);
static uint64_t	 hist_rep(const struct hist *, size_t);

/* The bucket of a value no larger than HIST_HIGHEST. */
static inline size_t
hist_index(uint64_t v)
{
	unsigned int	 shift;

	if (v < HIST_EXACT)
		return ((size_t)v);
	shift = (unsigned int)(63 - __builtin_clzll(v)) - HIST_SUB_BITS;
	return ((size_t)(shift * HIST_SUB_HALF + (v >> shift)));
}

/* The lowest value of bucket i, and its width: the inverse of hist_index. */
static void
hist_bucket(size_t i, uint64_t *lo, uint64_t *width)
{
	unsigned int	 shift;

	if (i < HIST_EXACT) {
		*lo = i;
		*width = 1;
		return;
	}
	shift = (unsigned int)(i >> HIST_SUB_BITS) - 1;
	*lo = ((uint64_t)i - shift * HIST_SUB_HALF) << shift;
	*width = 1ULL << shift;
}

/*
 * The value that stands for bucket i: its midpoint, which stays inside the
 * bucket so that recording it again lands in the same bucket.  Clamping to
 * [min, max] keeps it there too, since min and max lie in the first and last
 * non-empty buckets, and makes a single-valued histogram exact.
 */
static uint64_t
hist_rep(const struct hist *h, size_t i)
{
	uint64_t	 lo, width, v;

	hist_bucket(i, &lo, &width);
	v = lo + (width - 1) / 2;
	if (v < h->min)
		v = h->min;
	if (v > h->max)
		v = h->max;
	return (v);
}

/*
 * Allocates an empty histogram; it never returns NULL. The memory comes
 * from mmap(), not calloc(): the kernel gives a page only when a bucket
 * on it is first counted, so a histogram whose values cluster holds a few
 * of its 46 pages. calloc() clears memory that malloc() reuses, which
 * would make all 184 KiB resident, for every target of a run.
 */
struct hist *
hist_new(void)
{
	struct hist	*h;

	h = mmap(NULL, sizeof(*h), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (h == MAP_FAILED)
		fatal("mmap %zu bytes", sizeof(*h));
	h->min = UINT64_MAX;
	return (h);
}

/* Frees a histogram; NULL is allowed. */
void
hist_free(struct hist *h)
{
	if (h != NULL)
		(void)munmap(h, sizeof(*h));
}

/* Empties a histogram, keeping its memory. */
void
hist_reset(struct hist *h)
{
	memset(h->counts, 0, sizeof(h->counts));
	h->total = 0;
	h->min = UINT64_MAX;
	h->max = 0;
}

/* Records one value in microseconds, clamped to hist_highest(). */
void
hist_record(struct hist *h, uint64_t v)
{
	if (v > HIST_HIGHEST)
		v = HIST_HIGHEST;
	h->counts[hist_index(v)]++;
	h->total++;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/* Records a value count times, as count calls to hist_record would. */
void
hist_record_n(struct hist *h, uint64_t v, uint64_t count)
{
	if (count == 0)
		return;
	if (v > HIST_HIGHEST)
		v = HIST_HIGHEST;
	h->counts[hist_index(v)] += count;
	h->total += count;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/*
 * Sets the exact min and max of a histogram rebuilt from its buckets (a
 * report's [value, count] pairs), which the buckets alone cannot give.
 * Returns 0, or -1 when min or max is not in the first or last non-empty
 * bucket, or is set on an empty histogram.
 */
int
hist_set_bounds(struct hist *h, uint64_t min, uint64_t max)
{
	if (h->total == 0)
		return (min == 0 && max == 0 ? 0 : -1);
	if (min > max || max > HIST_HIGHEST ||
	    hist_index(min) != hist_index(h->min) ||
	    hist_index(max) != hist_index(h->max))
		return (-1);
	h->min = min;
	h->max = max;
	return (0);
}

/* Adds every value of src to dst, exactly. */
void
hist_merge(struct hist *dst, const struct hist *src)
{
	size_t		 i, lo, hi;

	if (src->total == 0)
		return;
	lo = hist_index(src->min);
	hi = hist_index(src->max);
	for (i = lo; i <= hi; i++)
		dst->counts[i] += src->counts[i];
	dst->total += src->total;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

/* Returns the number of values recorded. */
uint64_t
hist_count(const struct hist *h)
{
	return (h->total);
}

/* Returns the smallest value recorded, or 0 if there is none. */
uint64_t
hist_min(const struct hist *h)
{
	return (h->total == 0 ? 0 : h->min);
}

/* Returns the largest value recorded (after clamping), or 0 if none. */
uint64_t
hist_max(const struct hist *h)
{
	return (h->total == 0 ? 0 : h->max);
}

/* Returns the mean of the bucket values, or 0 if empty. */
double
hist_mean(const struct hist *h)
{
	size_t		 i, lo, hi;
	double		 sum;

	if (h->total == 0)
		return (0.0);
	lo = hist_index(h->min);
	hi = hist_index(h->max);
	sum = 0.0;
	for (i = lo; i <= hi; i++)
		if (h->counts[i] != 0)
			sum += (double)h->counts[i] * (double)hist_rep(h, i);
	return (sum / (double)h->total);
}

/* Returns the population standard deviation of the bucket values, or 0. */
double
hist_stdev(const struct hist *h)
{
	size_t		 i, lo, hi;
	double		 mean, d, sum;

	if (h->total == 0)
		return (0.0);
	mean = hist_mean(h);
	lo = hist_index(h->min);
	hi = hist_index(h->max);
	sum = 0.0;
	for (i = lo; i <= hi; i++) {
		if (h->counts[i] == 0)
			continue;
		d = (double)hist_rep(h, i) - mean;
		sum += (double)h->counts[i] * d * d;
	}
	return (sqrt(sum / (double)h->total));
}

/*
 * Returns the nearest-rank p-th percentile, p in [0, 100]: the value of
 * rank ceil(p / 100 * count) as its bucket's midpoint within [min, max];
 * 0 if empty.
 */
uint64_t
hist_percentile(const struct hist *h, double p)
{
	size_t		 i, lo, hi;
	uint64_t	 rank, seen;
	double		 x, r;

	if (h->total == 0)
		return (0);
	if (!(p > 0.0))		/* also NaN */
		return (h->min);
	if (p >= 100.0)
		return (h->max);

	x = p / 100.0 * (double)h->total;
	r = ceil(x);
	/*
	 * p = 99.9 is not exact in binary, so p / 100 * count can land a few
	 * ulps above an integer that the decimal p hits exactly; ceil() would
	 * then skip a rank.  Treat anything that close as the integer.
	 */
	if (r - x > 1.0 - x * 1e-12)
		r -= 1.0;
	if (r < 1.0)
		rank = 1;
	else if (r >= (double)h->total)
		rank = h->total;
	else
		rank = (uint64_t)r;

	lo = hist_index(h->min);
	hi = hist_index(h->max);
	seen = 0;
	for (i = lo; i <= hi; i++) {
		seen += h->counts[i];
		if (seen >= rank)
			return (hist_rep(h, i));
	}
	return (h->max);
}

/*
 * Steps *iter (start at 0) to the next non-empty bucket; returns 1 and its
 * value and count, or 0 at the end.  Recording each pair with hist_record_n
 * rebuilds the same buckets.
 */
int
hist_next(const struct hist *h, size_t *iter, uint64_t *value,
    uint64_t *count)
{
	size_t		 i, hi;

	if (h->total == 0)
		return (0);
	i = *iter;
	if (i < hist_index(h->min))
		i = hist_index(h->min);
	hi = hist_index(h->max);
	for (; i <= hi; i++) {
		if (h->counts[i] != 0) {
			*value = hist_rep(h, i);
			*count = h->counts[i];
			*iter = i + 1;
			return (1);
		}
	}
	*iter = i;
	return (0);
}

/*
 * Returns the highest value that lands in the same bucket as v (HDR's
 * "highest equivalent value"), and through buckets and sub the shape of
 * the histogram in HDR's terms: powers of two, and sub-buckets in each.
 */
uint64_t
hist_bucket_top(uint64_t v, int *buckets, int *sub)
{
	uint64_t	 lo, width;

	if (v > HIST_HIGHEST)
		v = HIST_HIGHEST;
	hist_bucket(hist_index(v), &lo, &width);
	*buckets = HIST_TOP_SHIFT + 1;
	*sub = (int)HIST_EXACT;
	return (lo + width - 1);
}

/* Returns the largest value a histogram tracks; larger ones are clamped. */
uint64_t
hist_highest(void)
{
	return (HIST_HIGHEST);
}
