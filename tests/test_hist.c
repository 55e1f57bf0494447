/*
 * Unit tests of hist.c: percentiles, min, max and mean against a brute-force
 * sort of reproducible random samples, exact merging, the hist_next round
 * trip that the JSON report relies on, and the edges (empty, 0, 1, clamping).
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include "forkload.h"

#define NSAMPLES	200000
#define HOUR_US		3600000000ULL

/* Percentiles in millionths of 100, so the nearest rank is integer math. */
#define PPM		1000000ULL

static const uint64_t fixed_ppm[] = {
	0, 10000, 100000, 250000, 500000, 750000, 900000, 950000, 990000,
	999000, 999900, 1000000
};

static uint64_t	 rng_state;

static void	 rng_seed(uint64_t);
static uint64_t	 rng_next(void);
static double	 rng_unit(void);
static uint64_t	*gen_logu(uint64_t, size_t);
static uint64_t	*gen_cluster(uint64_t, size_t);
static int	 cmp_u64(const void *, const void *);
static struct hist *hist_of(const uint64_t *, size_t);
static uint64_t	 nearest_rank(const uint64_t *, size_t, uint64_t);
static void	 check_close(const char *, double, uint64_t, uint64_t);
static void	 check_against_sort(uint64_t *, size_t);
static size_t	 check_same_buckets(const struct hist *, const struct hist *);

/* xorshift64*, so every run sees the same samples on every platform. */
static void
rng_seed(uint64_t seed)
{
	rng_state = seed != 0 ? seed : 1;
}

static uint64_t
rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (rng_state * 2685821657736338717ULL);
}

/* A double in [0, 1). */
static double
rng_unit(void)
{
	return ((double)(rng_next() >> 11) / 9007199254740992.0);
}

/* Log-uniform over 1 us .. 1 h: every bucket scale gets samples. */
static uint64_t *
gen_logu(uint64_t seed, size_t n)
{
	uint64_t	*v;
	size_t		 i;

	v = malloc(n * sizeof(*v));
	assert_non_null(v);
	rng_seed(seed);
	for (i = 0; i < n; i++)
		v[i] = (uint64_t)exp(rng_unit() * log((double)HOUR_US));
	return (v);
}

/*
 * Latency-like: most samples in a hump around 300 us, the rest spread
 * log-uniformly over 50 .. 5000 us, across the exact/log-linear boundary.
 */
static uint64_t *
gen_cluster(uint64_t seed, size_t n)
{
	uint64_t	*v;
	size_t		 i;

	v = malloc(n * sizeof(*v));
	assert_non_null(v);
	rng_seed(seed);
	for (i = 0; i < n; i++) {
		if (rng_next() % 10 < 7)
			v[i] = 200 + (uint64_t)(70.0 * (rng_unit() +
			    rng_unit() + rng_unit()));
		else
			v[i] = (uint64_t)(50.0 * exp(rng_unit() * log(100.0)));
	}
	return (v);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	 x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

static struct hist *
hist_of(const uint64_t *v, size_t n)
{
	struct hist	*h;
	size_t		 i;

	h = hist_new();
	for (i = 0; i < n; i++)
		hist_record(h, v[i]);
	return (h);
}

/* The value of rank ceil(ppm / PPM * n), at least 1, in sorted v. */
static uint64_t
nearest_rank(const uint64_t *sorted, size_t n, uint64_t ppm)
{
	uint64_t	 rank;

	rank = (ppm * n + PPM - 1) / PPM;
	if (rank < 1)
		rank = 1;
	return (sorted[rank - 1]);
}

/* Exact below 2048, else within 0.1%. */
static void
check_close(const char *what, double p, uint64_t got, uint64_t want)
{
	double		 err;

	if (want < 2048) {
		if (got != want) {
			print_error("%s p=%.6g: got %" PRIu64 ", want %"
			    PRIu64 " exactly\n", what, p, got, want);
			fail();
		}
		return;
	}
	err = fabs((double)got - (double)want) / (double)want;
	if (err > 0.001) {
		print_error("%s p=%.6g: got %" PRIu64 ", want %" PRIu64
		    " (error %g)\n", what, p, got, want, err);
		fail();
	}
}

static void
check_against_sort(uint64_t *v, size_t n)
{
	struct hist	*h;
	long double	 sum, sq, d;
	double		 mean, stdev, p;
	uint64_t	 ppm;
	size_t		 i;

	h = hist_of(v, n);
	qsort(v, n, sizeof(*v), cmp_u64);

	assert_int_equal(hist_count(h), n);
	assert_int_equal(hist_min(h), v[0]);
	assert_int_equal(hist_max(h), v[n - 1]);

	for (i = 0; i < sizeof(fixed_ppm) / sizeof(fixed_ppm[0]); i++) {
		p = (double)fixed_ppm[i] / 10000.0;
		check_close("fixed", p, hist_percentile(h, p),
		    nearest_rank(v, n, fixed_ppm[i]));
	}
	rng_seed(0x5eed);
	for (i = 0; i < 100; i++) {
		ppm = rng_next() % (PPM + 1);
		p = (double)ppm / 10000.0;
		check_close("random", p, hist_percentile(h, p),
		    nearest_rank(v, n, ppm));
	}

	sum = 0;
	for (i = 0; i < n; i++)
		sum += v[i];
	mean = (double)(sum / n);
	sq = 0;
	for (i = 0; i < n; i++) {
		d = (long double)v[i] - sum / n;
		sq += d * d;
	}
	stdev = sqrt((double)(sq / n));
	if (fabs(hist_mean(h) - mean) > 0.001 * mean) {
		print_error("mean %g, want %g\n", hist_mean(h), mean);
		fail();
	}
	if (fabs(hist_stdev(h) - stdev) > 0.001 * stdev) {
		print_error("stdev %g, want %g\n", hist_stdev(h), stdev);
		fail();
	}
	hist_free(h);
}

/*
 * Walks both histograms with hist_next and requires the same buckets, values
 * and counts; returns the number of buckets, and checks they sum to count.
 */
static size_t
check_same_buckets(const struct hist *a, const struct hist *b)
{
	size_t		 ia = 0, ib = 0, n = 0;
	uint64_t	 va, ca, vb, cb, sum = 0;
	int		 ra, rb;

	for (;;) {
		ra = hist_next(a, &ia, &va, &ca);
		rb = hist_next(b, &ib, &vb, &cb);
		assert_int_equal(ra, rb);
		if (!ra)
			break;
		assert_int_equal(va, vb);
		assert_int_equal(ca, cb);
		assert_true(ca > 0);
		sum += ca;
		n++;
	}
	assert_int_equal(sum, hist_count(a));
	assert_int_equal(hist_count(a), hist_count(b));
	return (n);
}

static void
test_sorted_logu(void **state)
{
	uint64_t	*v;

	(void)state;
	v = gen_logu(0x1234567, NSAMPLES);
	check_against_sort(v, NSAMPLES);
	free(v);
}

static void
test_sorted_cluster(void **state)
{
	uint64_t	*v;

	(void)state;
	v = gen_cluster(0x89abcdef, NSAMPLES);
	check_against_sort(v, NSAMPLES);
	free(v);
}

/* Decimal p such as 99.9 must hit its exact rank, not the one after. */
static void
test_rank_decimal(void **state)
{
	struct hist	*h;
	uint64_t	 n, k, v, rank;

	(void)state;
	h = hist_new();
	for (n = 997; n <= 1000; n += 3) {
		hist_reset(h);
		for (v = 1; v <= n; v++)
			hist_record(h, v);
		for (k = 0; k <= 10000; k++) {
			rank = (k * n + 9999) / 10000;
			if (rank < 1)
				rank = 1;
			/* value v has rank v */
			check_close("rank", (double)k / 100.0,
			    hist_percentile(h, (double)k / 100.0), rank);
		}
	}
	hist_free(h);
}

static void
test_merge(void **state)
{
	struct hist	*all, *ha, *hb, *e;
	uint64_t	*a, *b;
	size_t		 i, n = NSAMPLES / 2;

	(void)state;
	a = gen_logu(42, n);
	b = gen_cluster(43, n);
	ha = hist_of(a, n);
	hb = hist_of(b, n);
	all = hist_of(a, n);
	for (i = 0; i < n; i++)
		hist_record(all, b[i]);

	hist_merge(ha, hb);
	assert_int_equal(hist_count(ha), 2 * n);
	assert_int_equal(hist_min(ha), hist_min(all));
	assert_int_equal(hist_max(ha), hist_max(all));
	assert_true(check_same_buckets(ha, all) > 1000);
	assert_true(hist_mean(ha) == hist_mean(all));
	assert_true(hist_stdev(ha) == hist_stdev(all));
	assert_int_equal(hist_percentile(ha, 50.0),
	    hist_percentile(all, 50.0));

	/* Merging into or from an empty histogram. */
	e = hist_new();
	hist_merge(e, all);
	assert_int_equal(hist_min(e), hist_min(all));
	assert_int_equal(hist_max(e), hist_max(all));
	check_same_buckets(e, all);
	hist_reset(e);
	hist_merge(all, e);
	assert_int_equal(hist_min(ha), hist_min(all));
	assert_int_equal(hist_max(ha), hist_max(all));
	check_same_buckets(ha, all);

	hist_free(e);
	hist_free(all);
	hist_free(hb);
	hist_free(ha);
	free(b);
	free(a);
}

static void
test_round_trip(void **state)
{
	struct hist	*h, *h2, *h3;
	uint64_t	*v, value, count;
	size_t		 i, iter;

	(void)state;
	v = gen_logu(7, NSAMPLES);
	h = hist_of(v, NSAMPLES);
	hist_record_n(h, 0, 3);
	hist_record_n(h, 2047, 5);
	hist_record_n(h, 2048, 5);
	hist_record(h, HOUR_US * 2);

	h2 = hist_new();
	iter = 0;
	while (hist_next(h, &iter, &value, &count))
		hist_record_n(h2, value, count);
	assert_true(check_same_buckets(h, h2) > 1000);
	assert_true(hist_mean(h2) == hist_mean(h));
	for (i = 1; i < sizeof(fixed_ppm) / sizeof(fixed_ppm[0]) - 1; i++)
		assert_int_equal(hist_percentile(h2, fixed_ppm[i] / 1e4),
		    hist_percentile(h, fixed_ppm[i] / 1e4));

	/*
	 * Pairs carry no exact min and max: the rebuilt ones are the end
	 * buckets' values, still inside those buckets.  Here min is 0, exact,
	 * and max is the clamped top, shown as its bucket's midpoint.
	 */
	assert_int_equal(hist_min(h2), 0);
	assert_true(hist_max(h2) <= hist_max(h));
	assert_true(hist_max(h2) >= hist_max(h) - hist_max(h) / 1024);

	/* A second trip changes nothing, min and max included. */
	h3 = hist_new();
	iter = 0;
	while (hist_next(h2, &iter, &value, &count))
		hist_record_n(h3, value, count);
	check_same_buckets(h2, h3);
	assert_int_equal(hist_min(h3), hist_min(h2));
	assert_int_equal(hist_max(h3), hist_max(h2));

	hist_free(h3);
	hist_free(h2);
	hist_free(h);
	free(v);
}

/*
 * A report's pairs plus its exact min and max (hist_set_bounds) rebuild
 * the histogram whole: every figure the report and summary print comes
 * out the same. Bounds outside the end buckets are refused.
 */
static void
test_set_bounds(void **state)
{
	struct hist	*h, *h2, *e;
	uint64_t	*v, value, count;
	size_t		 i, iter = 0;
	int		 nb, ns;

	(void)state;
	v = gen_logu(11, NSAMPLES);
	h = hist_of(v, NSAMPLES);
	h2 = hist_new();
	while (hist_next(h, &iter, &value, &count))
		hist_record_n(h2, value, count);
	assert_int_equal(hist_set_bounds(h2, hist_max(h), hist_max(h)), -1);
	assert_int_equal(hist_set_bounds(h2, hist_min(h),
	    hist_max(h) * 2 + 4096), -1);
	assert_int_equal(hist_set_bounds(h2, hist_min(h), hist_max(h)), 0);
	assert_int_equal(hist_min(h2), hist_min(h));
	assert_int_equal(hist_max(h2), hist_max(h));
	assert_true(hist_mean(h2) == hist_mean(h));
	assert_true(hist_stdev(h2) == hist_stdev(h));
	for (i = 0; i < sizeof(fixed_ppm) / sizeof(fixed_ppm[0]); i++)
		assert_int_equal(hist_percentile(h2, fixed_ppm[i] / 1e4),
		    hist_percentile(h, fixed_ppm[i] / 1e4));

	e = hist_new();
	assert_int_equal(hist_set_bounds(e, 0, 0), 0);
	assert_int_equal(hist_set_bounds(e, 1, 1), -1);
	/* The top of a value's bucket: itself below 2048, then wider. */
	assert_int_equal(hist_bucket_top(5, &nb, &ns), 5);
	assert_int_equal(hist_bucket_top(2048, &nb, &ns), 2049);
	assert_int_equal(hist_bucket_top(4096, &nb, &ns), 4099);
	assert_int_equal(ns, 2048);
	assert_int_equal(nb, 22);
	hist_free(e);
	hist_free(h2);
	hist_free(h);
	free(v);
}

static void
test_empty(void **state)
{
	struct hist	*h, *e;
	uint64_t	 value = 1, count = 1;
	size_t		 iter = 0;

	(void)state;
	h = hist_new();
	e = hist_new();
	hist_record_n(h, 5000, 0);
	hist_merge(h, e);
	assert_int_equal(hist_count(h), 0);
	assert_int_equal(hist_min(h), 0);
	assert_int_equal(hist_max(h), 0);
	assert_true(hist_mean(h) == 0.0);
	assert_true(hist_stdev(h) == 0.0);
	assert_int_equal(hist_percentile(h, 0.0), 0);
	assert_int_equal(hist_percentile(h, 50.0), 0);
	assert_int_equal(hist_percentile(h, 100.0), 0);
	assert_int_equal(hist_next(h, &iter, &value, &count), 0);

	/* After a reset, nothing of the old values shows. */
	hist_record(h, 12345);
	hist_record(h, 7);
	hist_reset(h);
	assert_int_equal(hist_count(h), 0);
	assert_int_equal(hist_min(h), 0);
	assert_int_equal(hist_max(h), 0);
	assert_true(hist_mean(h) == 0.0);
	assert_int_equal(hist_percentile(h, 99.0), 0);
	iter = 0;
	assert_int_equal(hist_next(h, &iter, &value, &count), 0);
	hist_record(h, 9000);
	assert_int_equal(hist_min(h), 9000);
	assert_int_equal(hist_max(h), 9000);

	/* A zero count records nothing, not even a new min or max. */
	hist_record_n(h, 0, 0);
	hist_record_n(h, 99999, 0);
	assert_int_equal(hist_count(h), 1);
	assert_int_equal(hist_min(h), 9000);
	assert_int_equal(hist_max(h), 9000);

	hist_free(e);
	hist_free(h);
}

static void
test_clamp(void **state)
{
	struct hist	*h;
	uint64_t	 value, count, hi;
	size_t		 iter = 0;

	(void)state;
	hi = hist_highest();
	assert_int_equal(hi, HOUR_US);

	h = hist_new();
	hist_record(h, hi + 1);
	hist_record(h, UINT64_MAX);
	hist_record_n(h, 10 * hi, 5);
	assert_int_equal(hist_count(h), 7);
	assert_int_equal(hist_min(h), hi);
	assert_int_equal(hist_max(h), hi);
	assert_int_equal(hist_percentile(h, 50.0), hi);
	assert_true(hist_mean(h) == (double)hi);
	assert_int_equal(hist_next(h, &iter, &value, &count), 1);
	assert_int_equal(value, hi);
	assert_int_equal(count, 7);
	assert_int_equal(hist_next(h, &iter, &value, &count), 0);

	/* Once min no longer pins it, the top bucket shows its midpoint. */
	hist_record(h, hi - 1);
	hist_record(h, 1);
	assert_int_equal(hist_max(h), hi);
	assert_int_equal(hist_percentile(h, 100.0), hi);
	iter = 0;
	assert_int_equal(hist_next(h, &iter, &value, &count), 1);
	assert_int_equal(value, 1);
	assert_int_equal(hist_next(h, &iter, &value, &count), 1);
	assert_int_equal(count, 8);
	assert_true(value < hi && value >= hi - hi / 1024);
	assert_int_equal(hist_next(h, &iter, &value, &count), 0);

	/* Just under the top is kept as is. */
	hist_reset(h);
	hist_record(h, hi - 1);
	assert_int_equal(hist_max(h), hi - 1);
	hist_free(h);
}

static void
test_zero_one(void **state)
{
	struct hist	*h;
	uint64_t	 value, count;
	size_t		 iter = 0;

	(void)state;
	h = hist_new();
	hist_record(h, 0);
	assert_int_equal(hist_count(h), 1);
	assert_int_equal(hist_min(h), 0);
	assert_int_equal(hist_max(h), 0);
	assert_int_equal(hist_percentile(h, 50.0), 0);
	assert_int_equal(hist_next(h, &iter, &value, &count), 1);
	assert_int_equal(value, 0);
	assert_int_equal(count, 1);

	/* 0, 0, 0, 1, 1 */
	hist_record_n(h, 0, 2);
	hist_record_n(h, 1, 2);
	assert_int_equal(hist_count(h), 5);
	assert_int_equal(hist_min(h), 0);
	assert_int_equal(hist_max(h), 1);
	assert_int_equal(hist_percentile(h, 0.0), 0);
	assert_int_equal(hist_percentile(h, 60.0), 0);
	assert_int_equal(hist_percentile(h, 60.1), 1);
	assert_int_equal(hist_percentile(h, 100.0), 1);
	assert_true(fabs(hist_mean(h) - 0.4) < 1e-12);
	assert_true(fabs(hist_stdev(h) - sqrt(0.24)) < 1e-12);
	iter = 0;
	assert_int_equal(hist_next(h, &iter, &value, &count), 1);
	assert_int_equal(value, 0);
	assert_int_equal(count, 3);
	assert_int_equal(hist_next(h, &iter, &value, &count), 1);
	assert_int_equal(value, 1);
	assert_int_equal(count, 2);
	assert_int_equal(hist_next(h, &iter, &value, &count), 0);
	hist_free(h);
}

/*
 * One value repeated is reported exactly, though its bucket is 4 wide and
 * the value sits at the bucket's low end (5000) or high end (5003).
 */
static void
test_single(void **state)
{
	struct hist	*h;
	uint64_t	 v, value, count;
	size_t		 iter;

	(void)state;
	h = hist_new();
	for (v = 5000; v <= 5003; v += 3) {
		hist_reset(h);
		hist_record_n(h, v, 1000);
		assert_int_equal(hist_min(h), v);
		assert_int_equal(hist_max(h), v);
		assert_int_equal(hist_percentile(h, 0.0), v);
		assert_int_equal(hist_percentile(h, 50.0), v);
		assert_int_equal(hist_percentile(h, 99.9), v);
		assert_true(hist_mean(h) == (double)v);
		assert_true(hist_stdev(h) == 0.0);
		iter = 0;
		assert_int_equal(hist_next(h, &iter, &value, &count), 1);
		assert_int_equal(value, v);
		assert_int_equal(count, 1000);
		assert_int_equal(hist_next(h, &iter, &value, &count), 0);
	}
	hist_free(h);
}

/*
 * Every value once: width-1 buckets below 2048, then exactly 1024 buckets
 * per power of two, each holding its width and shown at its midpoint.
 */
static void
test_layout(void **state)
{
	struct hist	*h;
	uint64_t	 v, value, count, width, lo;
	size_t		 iter = 0, j;

	(void)state;
	h = hist_new();
	for (v = 0; v < (1ULL << 21); v++)
		hist_record(h, v);
	for (v = 0; v < 2048; v++) {
		assert_int_equal(hist_next(h, &iter, &value, &count), 1);
		assert_int_equal(value, v);
		assert_int_equal(count, 1);
	}
	for (j = 0; j < 10 * 1024; j++) {
		width = 1ULL << (1 + j / 1024);
		lo = (1ULL << (11 + j / 1024)) + (j % 1024) * width;
		assert_int_equal(hist_next(h, &iter, &value, &count), 1);
		assert_int_equal(count, width);
		assert_int_equal(value, lo + (width - 1) / 2);
	}
	assert_int_equal(hist_next(h, &iter, &value, &count), 0);
	hist_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted_logu),
		cmocka_unit_test(test_sorted_cluster),
		cmocka_unit_test(test_rank_decimal),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_set_bounds),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_clamp),
		cmocka_unit_test(test_zero_one),
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_layout),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
