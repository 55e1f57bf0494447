/*
 * Unit tests of progress.c: the text of the progress line for a run by
 * count, by time and by both, before and after its first whole second,
 * with crashes, and cut short in a small buffer.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "forkload.h"

static void
base(struct progress *p)
{
	memset(p, 0, sizeof(*p));
	p->concurrency = 10;
	p->total = UINT64_MAX;
	p->alive = 2;
}

/* -n: a bar, the percent done and the time left at the pace so far. */
static void
test_count(void **state)
{
	struct progress		 p;
	struct series_entry	 now;
	char			 buf[256];
	size_t			 n;

	(void)state;
	base(&p);
	p.total = 1000;
	p.done = 250;
	p.failed = 1;
	p.elapsed_us = 2 * US_PER_SEC;
	memset(&now, 0, sizeof(now));
	now.ok = 120;
	now.failed = 5;
	now.latency = 1;
	now.p99 = 2500;
	p.now = &now;
	n = progress_format(buf, sizeof(buf), &p);
	assert_int_equal(n, strlen(buf));
	assert_string_equal(buf, "c=10 [===         ]  25% ETA 6.0s  "
	    "125/s  p99 2.50ms  1 error  2 workers");
	/* Nothing done yet: no pace, so no ETA, and no whole second. */
	p.done = 0;
	p.now = NULL;
	(void)progress_format(buf, sizeof(buf), &p);
	assert_string_equal(buf, "c=10 [            ]   0% ETA -  -/s  p99 -  "
	    "1 error  2 workers");
}

/* -d: the time so far against the whole; with -n too, both. */
static void
test_duration(void **state)
{
	struct progress	 p;
	char		 buf[256];

	(void)state;
	base(&p);
	p.duration_us = 30 * US_PER_SEC;
	p.elapsed_us = 12500000;
	p.done = 5000;
	p.alive = 1;
	p.crashes = 2;
	(void)progress_format(buf, sizeof(buf), &p);
	assert_string_equal(buf, "c=10 12s/30s  -/s  p99 -  0 errors  "
	    "1 worker, 2 crashes");
	/* -n 100000 with -d 30s: the count would take longer, -d ends it. */
	p.total = 100000;
	(void)progress_format(buf, sizeof(buf), &p);
	assert_string_equal(buf, "c=10 [            ]   5% ETA 17s 12s/30s  "
	    "-/s  p99 -  0 errors  1 worker, 2 crashes");
}

/* A second without latency (all failed) has no p99; a long run, hours. */
static void
test_no_latency(void **state)
{
	struct progress		 p;
	struct series_entry	 now;
	char			 buf[256];

	(void)state;
	base(&p);
	p.duration_us = 7200ULL * US_PER_SEC;
	p.elapsed_us = 3725ULL * US_PER_SEC;
	memset(&now, 0, sizeof(now));
	now.failed = 40;
	p.now = &now;
	p.failed = 400;
	(void)progress_format(buf, sizeof(buf), &p);
	assert_string_equal(buf, "c=10 1h02m/2h00m  40/s  p99 -  400 errors  "
	    "2 workers");
}

/* A buffer too small: the line is cut, and its length says so. */
static void
test_short(void **state)
{
	struct progress	 p;
	char		 buf[12];

	(void)state;
	base(&p);
	p.total = 10;
	assert_int_equal(progress_format(buf, sizeof(buf), &p), 11);
	assert_string_equal(buf, "c=10 [     ");
	assert_int_equal(progress_format(buf, 0, &p), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_no_latency),
		cmocka_unit_test(test_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
