/*
 * Unit tests of pertarget.c: results spread over targets are counted by
 * target exactly as the run counts them, so that every figure of the
 * targets adds up to the run's (their histograms merge into the run's
 * own); a run of one target takes the run's figures; and past
 * PERTARGET_LATENCY_MAX a target is counted without a histogram.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "forkload.h"

#define NRESULTS	20000

static uint64_t	 rng_state = 88172645463325252ULL;

/* xorshift64, so that every run sees the same results. */
static uint64_t
rng_next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (rng_state);
}

/*
 * A result for target t with a mix of outcomes: mostly 200s, some 404s
 * and 503s, some refused connections, latencies over six decades.
 */
static struct result
random_result(uint32_t t)
{
	struct result	 r;
	uint64_t	 x = rng_next();

	memset(&r, 0, sizeof(r));
	r.target = t;
	r.latency_ns = (x >> 8) % (1ULL << (10 + (x & 0xf) * 2));
	switch (x % 17) {
	case 0:
		r.error = 7;		/* COULDNT_CONNECT */
		break;
	case 1:
	case 2:
		r.status = 404;
		break;
	case 3:
		r.status = 503;
		break;
	case 4:
		r.error = 28;		/* a timeout after the status line */
		r.status = 200;
		break;
	default:
		r.status = 200;
	}
	return (r);
}

/* Count results as ingest_results() does: the run, then the target. */
static void
add(struct stats *s, struct pertargets *pt, const struct result *r,
    const struct statusset *expect)
{
	int	 failed;

	failed = stats_add(s, r, expect);
	if (pt->n > 1)
		pertarget_add(pt, r, failed);
}

/* Every count of the targets adds up to the run's, and so do the hists. */
static void
check_sums(const struct stats *s, const struct pertargets *pt)
{
	uint64_t	 ok = 0, failed = 0, status[STATUS_MAX];
	struct stats	 sum;
	struct hist	*h;
	size_t		 i, j;

	memset(status, 0, sizeof(status));
	stats_init(&sum);
	h = hist_new();
	for (i = 0; i < pt->n; i++) {
		ok += pt->t[i].ok;
		failed += pt->t[i].failed;
		for (j = 0; j < pt->t[i].nstatus; j++)
			status[pt->t[i].status[j].code] +=
			    pt->t[i].status[j].count;
		for (j = 0; j < pt->t[i].nerrors; j++)
			stats_tally(&sum.errors, &sum.nerrors,
			    pt->t[i].errors[j].kind, pt->t[i].errors[j].code,
			    pt->t[i].errors[j].count);
		if (pt->t[i].latency != NULL)
			hist_merge(h, pt->t[i].latency);
	}
	assert_int_equal(ok, s->ok);
	assert_int_equal(failed, s->failed);
	assert_memory_equal(status, s->status, sizeof(status));
	assert_int_equal(sum.nerrors, s->nerrors);
	assert_memory_equal(sum.errors, s->errors,
	    s->nerrors * sizeof(*s->errors));
	assert_int_equal(hist_count(h), hist_count(s->latency));
	assert_int_equal(hist_min(h), hist_min(s->latency));
	assert_int_equal(hist_max(h), hist_max(s->latency));
	assert_int_equal(hist_percentile(h, 50),
	    hist_percentile(s->latency, 50));
	assert_int_equal(hist_percentile(h, 99.9),
	    hist_percentile(s->latency, 99.9));
	assert_true(hist_mean(h) == hist_mean(s->latency));
	hist_free(h);
	stats_free(&sum);
}

/* Seven targets with uneven shares: the targets add up to the run. */
static void
test_sum(void **state)
{
	struct statusset	 expect;
	struct pertargets	 pt;
	struct stats		 s;
	struct result		 r;
	const char		*errstr;
	size_t			 i;

	(void)state;
	assert_int_equal(status_parse(&expect, "2xx,404", &errstr), 0);
	stats_init(&s);
	pertarget_init(&pt, 7);
	for (i = 0; i < NRESULTS; i++) {
		/* Target 0 gets a third of the results on top of its share. */
		r = random_result(i % 3 == 0 ? 0 : (uint32_t)(rng_next() % 7));
		add(&s, &pt, &r, &expect);
	}
	pertarget_finish(&pt, &s);
	/* The shares are uneven, and every target got some. */
	assert_true(pt.t[0].ok > 2 * pt.t[6].ok);
	assert_true(pt.t[6].ok > 0);
	check_sums(&s, &pt);
	/* 404 is expected here: it is a status, never an error. */
	for (i = 0; i < pt.t[0].nerrors; i++)
		assert_int_not_equal(pt.t[0].errors[i].code, 404);
	pertarget_free(&pt);
	stats_free(&s);
}

/* One target counts nothing as results come, and then is the run. */
static void
test_single(void **state)
{
	struct pertargets	 pt;
	struct stats		 s;
	struct result		 r;
	size_t			 i;

	(void)state;
	stats_init(&s);
	pertarget_init(&pt, 1);
	for (i = 0; i < NRESULTS; i++) {
		r = random_result(0);
		add(&s, &pt, &r, NULL);
	}
	assert_null(pt.t);
	pertarget_finish(&pt, &s);
	assert_non_null(pt.t);
	assert_int_equal(pt.t[0].ok + pt.t[0].failed, NRESULTS);
	check_sums(&s, &pt);
	/* Finishing twice changes nothing. */
	pertarget_finish(&pt, &s);
	check_sums(&s, &pt);
	pertarget_free(&pt);
	stats_free(&s);
}

/* A run without targets (programs, plugins) has nothing by target. */
static void
test_none(void **state)
{
	struct pertargets	 pt;
	struct stats		 s;

	(void)state;
	stats_init(&s);
	pertarget_init(&pt, 0);
	pertarget_finish(&pt, &s);
	assert_null(pt.t);
	assert_int_equal(pt.n, 0);
	pertarget_free(&pt);
	stats_free(&s);
}

/*
 * Past PERTARGET_LATENCY_MAX, a target is counted but gets no histogram;
 * before it, a histogram comes with the first latency, and not before.
 */
static void
test_cap(void **state)
{
	struct pertargets	 pt;
	struct stats		 s;
	struct result		 r;
	size_t			 n = PERTARGET_LATENCY_MAX + 6, i;

	(void)state;
	stats_init(&s);
	pertarget_init(&pt, n);
	for (i = 0; i < n; i++) {
		memset(&r, 0, sizeof(r));
		r.target = (uint32_t)i;
		r.status = 200;
		r.latency_ns = 1000 * (i + 1);
		/* Target 3 only fails: it never has a latency. */
		if (i == 3)
			r.error = 7;
		add(&s, &pt, &r, NULL);
	}
	pertarget_finish(&pt, &s);
	assert_null(pt.t[3].latency);
	assert_int_equal(pt.t[3].failed, 1);
	assert_int_equal(hist_count(pt.t[PERTARGET_LATENCY_MAX - 1].latency),
	    1);
	assert_true(pertarget_has_latency(PERTARGET_LATENCY_MAX - 1));
	assert_false(pertarget_has_latency(PERTARGET_LATENCY_MAX));
	for (i = PERTARGET_LATENCY_MAX; i < n; i++) {
		assert_null(pt.t[i].latency);
		assert_int_equal(pt.t[i].ok, 1);
	}
	assert_int_equal(s.ok, n - 1);
	pertarget_free(&pt);
	stats_free(&s);
}

/* Two totals hold the same figures, field by field, histograms too. */
static void
check_same(const struct stats *a, const struct stats *b)
{
	double	 p[] = { 0, 50, 90, 99, 99.9, 100 };
	size_t	 i;

	assert_int_equal(a->results, b->results);
	assert_int_equal(a->ok, b->ok);
	assert_int_equal(a->failed, b->failed);
	assert_memory_equal(a->status, b->status, sizeof(a->status));
	assert_int_equal(a->nerrors, b->nerrors);
	assert_memory_equal(a->errors, b->errors,
	    a->nerrors * sizeof(*a->errors));
	assert_int_equal(a->bytes_in, b->bytes_in);
	assert_int_equal(hist_count(a->latency), hist_count(b->latency));
	assert_int_equal(hist_min(a->latency), hist_min(b->latency));
	assert_int_equal(hist_max(a->latency), hist_max(b->latency));
	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		assert_int_equal(hist_percentile(a->latency, p[i]),
		    hist_percentile(b->latency, p[i]));
	assert_int_equal(hist_count(a->latency_raw),
	    hist_count(b->latency_raw));
}

/*
 * Shards of one run: results dealt out to 4 shards, each counting its own,
 * then merged (stats_merge, pertarget_merge) in two orders: both equal
 * the one run that counted them all, and the targets still add up.
 */
static void
test_merge(void **state)
{
	struct statusset	 expect;
	struct pertargets	 pt[4], whole_pt, m_pt[2];
	struct stats		 s[4], whole, m[2];
	struct result		 r;
	const char		*errstr;
	size_t			 i, k, order[2][4] = { { 0, 1, 2, 3 },
				    { 3, 1, 0, 2 } };

	(void)state;
	assert_int_equal(status_parse(&expect, "2xx", &errstr), 0);
	stats_init(&whole);
	pertarget_init(&whole_pt, 5);
	for (k = 0; k < 4; k++) {
		stats_init(&s[k]);
		pertarget_init(&pt[k], 5);
	}
	for (i = 0; i < NRESULTS; i++) {
		r = random_result((uint32_t)(rng_next() % 5));
		r.bytes_in = i % 97;
		add(&whole, &whole_pt, &r, &expect);
		/* Uneven shards: the last gets a quarter, the rest share. */
		k = i % 4 == 3 ? 3 : rng_next() % 3;
		add(&s[k], &pt[k], &r, &expect);
	}
	pertarget_finish(&whole_pt, &whole);
	for (k = 0; k < 2; k++) {
		stats_init(&m[k]);
		pertarget_init(&m_pt[k], 5);
		for (i = 0; i < 4; i++) {
			stats_merge(&m[k], &s[order[k][i]]);
			assert_int_equal(pertarget_merge(&m_pt[k],
			    &pt[order[k][i]]), 0);
		}
		check_same(&m[k], &whole);
		check_sums(&m[k], &m_pt[k]);
		for (i = 0; i < 5; i++)
			assert_int_equal(m_pt[k].t[i].ok, whole_pt.t[i].ok);
	}
	/* A shard with other targets does not merge. */
	pertarget_free(&m_pt[1]);
	pertarget_init(&m_pt[1], 4);
	assert_int_equal(pertarget_merge(&m_pt[1], &whole_pt), -1);
	for (k = 0; k < 4; k++) {
		stats_free(&s[k]);
		pertarget_free(&pt[k]);
	}
	for (k = 0; k < 2; k++) {
		stats_free(&m[k]);
		pertarget_free(&m_pt[k]);
	}
	stats_free(&whole);
	pertarget_free(&whole_pt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sum),
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_merge),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
