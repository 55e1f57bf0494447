/*
 * Unit tests for shape.c and sched.c: the forms of -R and --stages, when
 * each ticket is due, how many a ramp has, and the concurrency that
 * --stages ramps in closed loop.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forkload.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Every accepted form of -R, as requests per second. */
static void
test_rate_ok(void **state)
{
	static const struct {
		const char	*in;
		double		 rps;
	} ok[] = {
		{ "500", 500 }, { "500/s", 500 }, { "30000/m", 500 },
		{ "0.5", 0.5 }, { "1/m", 1.0 / 60 }, { "10000000", 1e7 },
	};
	const char	*errstr;
	double		 r;
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(ok); i++) {
		r = -1;
		errstr = NULL;
		assert_int_equal(shape_rate(ok[i].in, &r, &errstr), 0);
		assert_true(fabs(r - ok[i].rps) < 1e-9);
	}
}

/* Every rejected form of -R fails, with a reason. */
static void
test_rate_bad(void **state)
{
	static const char *bad[] = {
		"", "0", "0/s", "-5", "abc", "10/h", "10/", "/s", "5 ",
		"100000000", "1e9", "nan", "inf",
	};
	const char	*errstr;
	double		 r;
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(bad); i++) {
		errstr = NULL;
		assert_int_equal(shape_rate(bad[i], &r, &errstr), -1);
		assert_non_null(errstr);
	}
}

/* --stages: durations and targets, rates or whole concurrencies. */
static void
test_stages(void **state)
{
	static const char *bad_rate[] = {
		"", "2s", "2s:", ":5", "x:10", "2s:abc", "1s:5,,2s:1",
		"1s:5,", "0s:5", "1s:-1",
	};
	struct config_stage	*st = NULL;
	const char		*errstr;
	size_t			 n = 0, i;

	(void)state;
	assert_int_equal(shape_stages("30s:100,1m:1000,30s:0", 1, &st, &n,
	    &errstr), 0);
	assert_int_equal(n, 3);
	assert_int_equal(st[0].dur_us, 30000000);
	assert_true(st[1].target == 1000);
	assert_int_equal(st[1].dur_us, 60000000);
	assert_true(st[2].target == 0);
	free(st);
	/* A concurrency is whole; a rate need not be. */
	assert_int_equal(shape_stages("1s:2.5", 1, &st, &n, &errstr), 0);
	free(st);
	assert_int_equal(shape_stages("1s:2.5", 0, &st, &n, &errstr), -1);
	for (i = 0; i < NITEMS(bad_rate); i++) {
		st = NULL;
		errstr = NULL;
		assert_int_equal(shape_stages(bad_rate[i], 1, &st, &n,
		    &errstr), -1);
		assert_non_null(errstr);
		assert_null(st);
	}
}

/* A constant rate: ticket k is due at k / rate, with no end. */
static void
test_due_constant(void **state)
{
	struct config	 c;
	struct sched	 s;
	uint64_t	 k;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.rate = 200;
	sched_init(&s, &c, 10);
	assert_true(sched_open(&s));
	assert_int_equal(sched_tickets(&s), UINT64_MAX);
	for (k = 0; k < 1000; k++)
		assert_int_equal(sched_due(&s, k), k * 5000000);
	assert_int_equal(sched_concurrency(&s, 0), 10);
	sched_free(&s);
	/* Closed loop has no schedule. */
	c.rate = 0;
	sched_init(&s, &c, 10);
	assert_false(sched_open(&s));
	sched_free(&s);
}

/*
 * A ramp of the rate: from 100/s, hold for 1 s, then rise to 300/s over
 * 1 s: 100 + 200 tickets, ticket 100 due at 1 s, every one in order and
 * before the end, and none after the last.
 */
static void
test_due_ramp(void **state)
{
	struct config_stage	 st[2] = { { 1000000, 100 }, { 1000000, 300 } };
	struct config		 c;
	struct sched		 s;
	uint64_t		 k, d, prev = 0;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.rate = 100;
	c.stages = st;
	c.nstages = 2;
	sched_init(&s, &c, 10);
	assert_int_equal(sched_tickets(&s), 300);
	assert_int_equal(sched_due(&s, 50), 500000000);
	assert_true(llabs((long long)sched_due(&s, 100) - 1000000000) < 1000);
	for (k = 0; k < 300; k++) {
		d = sched_due(&s, k);
		assert_true(d >= prev);
		assert_true(d < 2000000000);
		prev = d;
	}
	/* The rate rises: the gaps shrink through the second stage. */
	assert_true(sched_due(&s, 101) - sched_due(&s, 100) >
	    sched_due(&s, 299) - sched_due(&s, 298));
	assert_int_equal(sched_due(&s, 300), UINT64_MAX);
	sched_free(&s);
}

/* Without -R, --stages ramps the concurrency from -c, and ends at 0. */
static void
test_concurrency_ramp(void **state)
{
	struct config_stage	 st[2] = { { 1000000, 20 }, { 1000000, 20 } };
	struct config		 c;
	struct sched		 s;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.stages = st;
	c.nstages = 2;
	c.concurrency = 10;
	sched_init(&s, &c, 10);
	assert_false(sched_open(&s));
	assert_int_equal(sched_concurrency(&s, 0), 10);
	assert_int_equal(sched_concurrency(&s, 500000000), 15);
	assert_int_equal(sched_concurrency(&s, 1500000000), 20);
	assert_int_equal(sched_concurrency(&s, 2000000000), 0);
	sched_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_ok),
		cmocka_unit_test(test_rate_bad),
		cmocka_unit_test(test_stages),
		cmocka_unit_test(test_due_constant),
		cmocka_unit_test(test_due_ramp),
		cmocka_unit_test(test_concurrency_ramp),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
