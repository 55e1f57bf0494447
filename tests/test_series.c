/*
 * Unit tests of series.c: results in batches, out of order and late, go
 * into the second they ended in; the partial last second is kept; and
 * every sum over the series equals the run's totals in its stats; and
 * under -R the latency is counted from when a request was due.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "forkload.h"

#define MS	NS_PER_MS
#define SEC	NS_PER_SEC

/* A run's stats and series, as the parent keeps them. */
struct run {
	struct stats		 stats;
	struct statusset	 expect;
	struct series		*series;
	struct series_entry	 streamed[64];	/* as the final function saw */
	size_t			 nstreamed;
};

static void
on_final(void *arg, const struct series_entry *e)
{
	struct run	*run = arg;

	assert_int_equal(e->second, run->nstreamed);
	assert_true(run->nstreamed < 64);
	run->streamed[run->nstreamed++] = *e;
}

static int
setup(void **state)
{
	struct run	*run;
	const char	*errstr;

	run = xcalloc(1, sizeof(*run));
	stats_init(&run->stats);
	assert_int_equal(status_parse(&run->expect, "2xx", &errstr), 0);
	run->series = series_new();
	/*
	 * The run began when the monotonic clock did, at boot: no result
	 * here, all within seconds of its start, lies in its future.
	 */
	series_begin(run->series, 0, &run->stats, &run->expect, on_final,
	    run);
	*state = run;
	return (0);
}

static int
teardown(void **state)
{
	struct run	*run = *state;

	series_free(run->series);
	stats_free(&run->stats);
	free(run);
	return (0);
}

/* A result that started at start and ended at end, ns in the run's time. */
static struct result
mk(uint64_t start, uint64_t end, uint32_t status)
{
	struct result	 r;

	memset(&r, 0, sizeof(r));
	r.start_ns = start;
	r.sched_ns = start;
	r.latency_ns = end - start;
	r.status = status;
	r.bytes_in = 100 + status;
	r.bytes_out = 10;
	if (status == 0)
		r.error = HTTP_ERR_COULDNT_CONNECT;
	return (r);
}

/* Take a batch as ingest_results() does: the stats, then the series. */
static void
feed(struct run *run, const struct result *r, uint32_t n)
{
	uint32_t	 i;

	for (i = 0; i < n; i++)
		stats_count(&run->stats, &r[i], &run->expect);
	series_batch(run->series, r, n);
}

/*
 * Check the sums over the entries against the stats: ok, failed, bytes
 * and starts, the latencies' count, and the seconds numbered from 0.
 */
static void
check_sums(struct run *run, const struct series_entry *e, size_t n)
{
	uint64_t	 ok = 0, failed = 0, in = 0, out = 0, started = 0;
	size_t		 i;

	for (i = 0; i < n; i++) {
		assert_int_equal(e[i].second, i);
		ok += e[i].ok;
		failed += e[i].failed;
		in += e[i].bytes_in;
		out += e[i].bytes_out;
		started += e[i].started;
	}
	assert_int_equal(ok, run->stats.ok);
	assert_int_equal(failed, run->stats.failed);
	assert_int_equal(in, run->stats.bytes_in);
	assert_int_equal(out, run->stats.bytes_out);
	assert_int_equal(ok + failed, run->stats.results);
	assert_int_equal(started, run->stats.results);
}

/* Batches of two workers, out of order across seconds, within the grace. */
static void
test_out_of_order(void **state)
{
	struct run			*run = *state;
	const struct series_entry	*e;
	size_t				 n;
	const struct result		 w1[] = {
		mk(1100 * MS, 1200 * MS, 200),
		mk(1150 * MS, 1300 * MS, 500),
	};
	const struct result		 w0[] = {
		mk(100 * MS, 900 * MS, 200),
		mk(950 * MS, 1050 * MS, 200),	/* crosses into second 1 */
		mk(500 * MS, 990 * MS, 0),	/* refused */
	};

	feed(run, w1, 2);
	feed(run, w0, 3);
	assert_int_equal(series_tick(run->series, 1050 * MS), 0);
	assert_int_equal(series_tick(run->series, 1100 * MS), 1);
	series_end(run->series, 1400 * MS);
	e = series_entries(run->series, &n);
	assert_int_equal(n, 2);
	assert_int_equal(e[0].started, 3);
	assert_int_equal(e[0].ok, 1);
	assert_int_equal(e[0].failed, 1);
	assert_int_equal(e[0].in_flight, 1);	/* started at 950 ms */
	assert_int_equal(e[0].bytes_in, 300 + 100);
	assert_int_equal(e[0].late, 0);
	assert_true(e[0].latency);
	assert_int_equal(e[0].max, 800000);
	assert_int_equal(e[1].started, 2);
	assert_int_equal(e[1].ok, 2);
	assert_int_equal(e[1].failed, 1);
	assert_int_equal(e[1].in_flight, 0);
	assert_int_equal(e[1].p50, 100000);
	assert_int_equal(e[1].max, 150000);
	check_sums(run, e, n);
}

/*
 * A result that comes after its second was final counts in the oldest
 * open one, as late; a start in a final second counts there, in the
 * report, though the line streamed for it no longer changes.
 */
static void
test_late(void **state)
{
	struct run			*run = *state;
	const struct series_entry	*e;
	size_t				 n;
	const struct result		 a[] = { mk(200 * MS, 300 * MS, 200) };
	const struct result		 late[] = {
		mk(400 * MS, 800 * MS, 200),	/* ended in final second 0 */
		mk(600 * MS, 2500 * MS, 200),	/* a long one, from 0 */
		mk(2100 * MS, 2200 * MS, 200),
	};

	feed(run, a, 1);
	assert_int_equal(series_tick(run->series, 2200 * MS), 2);
	feed(run, late, 3);
	series_end(run->series, 2600 * MS);
	e = series_entries(run->series, &n);
	assert_int_equal(n, 3);
	assert_int_equal(e[2].late, 1);
	assert_int_equal(e[2].ok, 3);
	assert_int_equal(e[0].ok, 1);
	/* Exact in the report: all three that started in second 0. */
	assert_int_equal(e[0].started, 3);
	assert_int_equal(e[0].in_flight, 2);
	assert_int_equal(e[1].in_flight, 2);
	assert_int_equal(e[2].in_flight, 0);
	/* As streamed: only what was known when second 0 became final. */
	assert_int_equal(run->nstreamed, 3);
	assert_int_equal(run->streamed[0].started, 1);
	assert_int_equal(run->streamed[0].in_flight, 0);
	assert_int_equal(run->streamed[2].ok, 3);
	assert_int_equal(run->streamed[2].late, 1);
	check_sums(run, e, n);
}

/*
 * The end of a run keeps its partial last second, and the seconds with
 * nothing in them before it; a result that claims to end far in the
 * future lands in the second of now, and opens no seconds up to it.
 */
static void
test_partial_last(void **state)
{
	struct run			*run = *state;
	const struct series_entry	*e;
	size_t				 n;
	const struct result		 a[] = {
		mk(10 * MS, 20 * MS, 200),
		mk(3010 * MS, 3020 * MS, 200),
	};
	struct result			 future = mk(0, 5 * MS, 200);

	feed(run, a, 2);
	series_end(run->series, 3250 * MS);
	e = series_entries(run->series, &n);
	assert_int_equal(n, 4);
	assert_int_equal(e[1].ok + e[1].failed + e[1].started, 0);
	assert_false(e[1].latency);
	assert_int_equal(e[3].ok, 1);
	assert_int_equal(run->nstreamed, 4);
	check_sums(run, e, n);

	/* A fresh series whose run starts now. */
	series_free(run->series);
	stats_free(&run->stats);
	stats_init(&run->stats);
	run->nstreamed = 0;
	run->series = series_new();
	series_begin(run->series, clock_now_ns(), &run->stats, &run->expect,
	    on_final, run);
	future.start_ns = 3000000 * SEC;
	feed(run, &future, 1);
	series_end(run->series, 100 * MS);
	e = series_entries(run->series, &n);
	assert_int_equal(n, 1);
	check_sums(run, e, n);
}

/* One batch that crosses into the next second, and into a late one. */
static void
test_mixed_batch(void **state)
{
	struct run			*run = *state;
	const struct series_entry	*e;
	size_t				 n;
	const struct result		 a[] = { mk(1 * MS, 2 * MS, 200) };
	const struct result		 b[] = {
		mk(1000 * MS, 1990 * MS, 200),
		mk(1500 * MS, 1995 * MS, 404),
		mk(1980 * MS, 2010 * MS, 200),
		mk(1000 * MS, 2020 * MS, 0),
		mk(900 * MS, 950 * MS, 200),	/* second 0 is final */
	};

	feed(run, a, 1);
	assert_int_equal(series_tick(run->series, 1900 * MS), 1);
	feed(run, b, 5);
	series_end(run->series, 2100 * MS);
	e = series_entries(run->series, &n);
	assert_int_equal(n, 3);
	assert_int_equal(e[1].ok, 2);		/* and the late one */
	assert_int_equal(e[1].late, 1);
	assert_int_equal(e[1].failed, 1);
	assert_int_equal(e[2].ok, 1);
	assert_int_equal(e[2].failed, 1);
	assert_int_equal(e[0].started, 2);
	assert_int_equal(e[1].started, 4);
	assert_int_equal(e[1].in_flight, 2);
	check_sums(run, e, n);
}

/*
 * Many batches from four workers, each in order but shuffled among them,
 * with ticks between: the sums equal the totals, in_flight never falls
 * below zero, and the run's latency histogram, merged second by second,
 * is the one stats_add() would have recorded.
 */
static void
test_sums_random(void **state)
{
	struct run			*run = *state;
	const struct series_entry	*e;
	struct stats			 ref;
	struct result			 b[64];
	uint64_t			 now = 0, t[4] = { 0, 0, 0, 0 };
	uint32_t			 x = 12345, k, w;
	size_t				 i, n;

	stats_init(&ref);
	for (i = 0; i < 400; i++) {
		w = (x = x * 1103515245 + 12345) >> 16 & 3;
		for (k = 0; k < 64; k++) {
			x = x * 1103515245 + 12345;
			b[k] = mk(t[w], t[w] + (x >> 8) % (400 * MS),
			    (x >> 4) % 7 == 0 ? 503 : (x >> 4) % 11 == 0 ?
			    0 : 200);
			t[w] += (x >> 12) % (2 * MS);
			stats_add(&ref, &b[k], &run->expect);
		}
		feed(run, b, 64);
		if (t[w] > now + 50 * MS)
			now = t[w] - 50 * MS;
		(void)series_tick(run->series, now);
	}
	series_end(run->series, now + 600 * MS);
	e = series_entries(run->series, &n);
	assert_true(n > 3);
	check_sums(run, e, n);
	for (i = 0; i < n; i++)
		assert_true(e[i].in_flight <= run->stats.results);
	assert_int_equal(e[n - 1].in_flight, 0);
	assert_int_equal(hist_count(run->stats.latency),
	    hist_count(ref.latency));
	assert_int_equal(hist_percentile(run->stats.latency, 99),
	    hist_percentile(ref.latency, 99));
	assert_int_equal(hist_max(run->stats.latency), hist_max(ref.latency));
	assert_int_equal(hist_min(run->stats.latency), hist_min(ref.latency));
	assert_int_equal(run->nstreamed, n);
	stats_free(&ref);
}

/*
 * Open loop: a request due at 100 ms that started at 300 ms and ended at
 * 400 ms has a latency of 300 ms, from when it was due, in its second and
 * in the run's histogram; the uncorrected one is the stats' alone. It
 * counts as started when it did start, and ended when it did end.
 */
static void
test_corrected(void **state)
{
	struct run			*run = *state;
	const struct series_entry	*e;
	size_t				 n;
	struct result			 r[2];

	r[0] = mk(300 * MS, 400 * MS, 200);
	r[0].sched_ns = 100 * MS;
	r[1] = mk(1100 * MS, 1150 * MS, 200);
	r[1].sched_ns = 1000 * MS;
	feed(run, &r[0], 1);
	feed(run, &r[1], 1);
	series_end(run->series, 1200 * MS);
	e = series_entries(run->series, &n);
	assert_int_equal(n, 2);
	assert_int_equal(e[0].max, 300000);
	assert_int_equal(e[1].max, 150000);
	assert_int_equal(e[0].started, 1);
	assert_int_equal(e[1].started, 1);
	assert_int_equal(hist_max(run->stats.latency), 300000);
	assert_int_equal(hist_max(run->stats.latency_raw), 100000);
	assert_int_equal(hist_count(run->stats.latency_raw), 2);
	check_sums(run, e, n);
}

/* The oldest open second becomes final 100 ms after its end. */
static void
test_due(void **state)
{
	struct run	*run = *state;

	assert_int_equal(series_due(run->series), 1100 * MS);
	assert_null(series_last(run->series));
	assert_int_equal(series_tick(run->series, 3100 * MS), 3);
	assert_int_equal(series_due(run->series), 4100 * MS);
	assert_int_equal(series_last(run->series)->second, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_out_of_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_late, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_last, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mixed_batch, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sums_random, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_due, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrected, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
