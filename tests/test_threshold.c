/*
 * Unit tests of threshold.c: every metric and every operator, once met
 * and once not, on a run and on its targets; every parse error, with the
 * column it names; the checks of a scope against the run's targets; and
 * how observed values are written for a person.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <string.h>

#include "forkload.h"

/*
 * A run at c=4 of 11 tasks in 2 s: target 0 got eight 200s of 100 to 800
 * us, target 1 a 503 of 1500 us, target 2 a refused connection; one task
 * was lost with the worker that crashed. So ok 8, failed 2, error_rate
 * 2/11, rps 10/2 s. Latencies below 2048 us are exact in the histogram.
 */
static void
make_run(struct outcome *r, struct config *c)
{
	struct result	 res;
	const char	*errstr;
	size_t		 i;
	int		 failed;

	config_init(c);
	assert_int_equal(config_add_url(c, "http://127.0.0.1:9/a", &errstr),
	    0);
	assert_int_equal(config_add_url(c, "http://127.0.0.1:9/b", &errstr),
	    0);
	assert_int_equal(config_add_url(c, "http://127.0.0.1:9/c", &errstr),
	    0);
	outcome_init(r, 4);
	pertarget_init(&r->targets, 3);
	for (i = 0; i < 10; i++) {
		memset(&res, 0, sizeof(res));
		res.seq = i;
		res.target = i < 8 ? 0 : (uint32_t)i - 7;
		res.status = i < 8 ? 200 : 503;
		res.latency_ns = i < 8 ? 100000 * (i + 1) : 1500000;
		if (i == 9) {
			res.status = 0;
			res.error = 7;
		}
		failed = stats_add(&r->stats, &res, &c->expect);
		pertarget_add(&r->targets, &res, failed);
	}
	pertarget_finish(&r->targets, &r->stats);
	r->ok = r->stats.ok;
	r->failed = r->stats.failed;
	r->lost = 1;
	r->issued = r->ok + r->failed + r->lost;
	r->duration_us = 2 * US_PER_SEC;
	r->workers = xcalloc(2, sizeof(*r->workers));
	r->nworkers = 2;
	r->nworkers_total = 2;
	r->workers[0].state = r->workers[1].state = WS_ENDED;
	r->workers[1].end = WEND_SIGNAL;
	r->workers[1].signal = SIGKILL;
}

/* Parse expr, which must be good, and judge it against run r. */
static int
judge(const struct outcome *r, const char *expr, int *observed)
{
	struct threshold	 t;
	const char		*errstr;
	size_t			 col;
	double			 v;
	int			 ok;

	if (threshold_parse(&t, expr, &errstr, &col) == -1)
		fail_msg("%s: column %zu: %s", expr, col, errstr);
	*observed = threshold_observe(&t, r, &v) == 0;
	ok = *observed && threshold_holds(&t, v);
	threshold_free(&t);
	return (ok);
}

/* Each metric and operator, met and not, on the run and its targets. */
static void
test_judge(void **state)
{
	static const struct {
		const char	*expr;
		int		 ok;
	} cases[] = {
		{ "min>=100us", 1 }, { "min>100us", 0 },
		{ "mean<1ms", 1 }, { "mean<500us", 0 },	/* 567 us */
		{ "stdev<1ms", 1 }, { "stdev>1ms", 0 },
		{ "p50==500us", 1 }, { "p50<500us", 0 },
		{ "p90<=1.5ms", 1 }, { "p90<1.5ms", 0 },
		{ "p95>1ms", 1 }, { "p95>2ms", 0 },
		{ "p99<2s", 1 }, { "p99>=2s", 0 },
		{ "p999<=1500us", 1 }, { "p999==1499us", 0 },
		{ "max<0.002s", 1 }, { "max<1ms", 0 },
		{ "error_rate<20%", 1 }, { "error_rate<=18%", 0 },
		{ "rps>=5", 1 }, { "rps>5", 0 },
		{ "ok==8", 1 }, { "ok<8", 0 },
		{ "failed<=2", 1 }, { "failed==0", 0 },
		{ "lost==1", 1 }, { "lost==0", 0 },
		{ "crashes<2", 1 }, { "crashes==0", 0 },
		{ "p50==400us@0", 1 }, { "p50>400us@0", 0 },
		{ "max==1500us@1", 1 }, { "max<1ms@1", 0 },
		{ "error_rate==100%@1", 1 }, { "error_rate>0%@0", 0 },
		{ "error_rate<=0%@0", 1 },
		{ "ok==0@1", 1 }, { "failed>=1@0", 0 },
		{ "rps>=4@0", 1 }, { "rps>0.5@2", 0 },	/* 1 in 2 s */
		{ " p99 <\t2s ", 1 }, { "p99 >= 2s @ 0", 0 },
	};
	struct config	 c;
	struct outcome	 r;
	size_t		 i;
	int		 observed;

	(void)state;
	make_run(&r, &c);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (judge(&r, cases[i].expr, &observed) != cases[i].ok)
			fail_msg("%s: want %s", cases[i].expr,
			    cases[i].ok ? "met" : "not met");
		assert_true(observed);
	}
	/* Target 2 has no latency: nothing to observe, so not met. */
	assert_false(judge(&r, "p99<1s@2", &observed));
	assert_false(observed);
	assert_true(judge(&r, "failed==1@2", &observed));
	outcome_free(&r);
	config_free(&c);
}

/* What a threshold keeps of its expression. */
static void
test_parse(void **state)
{
	struct threshold	 t;
	const char		*errstr;
	size_t			 col;

	(void)state;
	assert_int_equal(threshold_parse(&t, "p999 <= 1.5s @ 12", &errstr,
	    &col), 0);
	assert_int_equal(t.metric, TH_P999);
	assert_int_equal(t.op, TH_LE);
	assert_true(t.limit == 1500000);
	assert_int_equal(t.target, 12);
	assert_int_equal(t.target_col, 16);
	assert_string_equal(t.expr, "p999 <= 1.5s @ 12");
	assert_string_equal(threshold_metric_name(&t), "p999");
	assert_int_equal(threshold_kind(&t), TK_LATENCY);
	threshold_free(&t);
	assert_int_equal(threshold_parse(&t, "error_rate<0.1%", &errstr,
	    &col), 0);
	assert_true(t.limit == 0.1);
	assert_int_equal(t.target, -1);
	threshold_free(&t);
}

/* Every parse error, at its column, counted from 1. */
static void
test_errors(void **state)
{
	static const struct {
		const char	*expr;
		size_t		 col;
		const char	*says;
	} cases[] = {
		{ "", 1, "expected a metric" },
		{ "<1ms", 1, "expected a metric" },
		{ "P99<1ms", 1, "expected a metric" },
		{ "p98<1ms", 1, "unknown metric" },
		{ "p99", 4, "expected an operator" },
		{ "p99=1ms", 4, "expected an operator" },
		{ "p99!=1ms", 4, "expected an operator" },
		{ "p99<<250ms", 5, "expected a number" },
		{ "p99<", 5, "expected a number" },
		{ "p99<-1ms", 5, "expected a number" },
		{ "p99<1.ms", 7, "digit after the decimal point" },
		{ "p99<250", 8, "a latency needs a unit" },
		{ "p99<250m", 8, "unknown unit" },
		{ "p99<8d", 6, "unknown unit" },
		{ "p99<700000s", 5, "at most one week" },
		{ "p99<00000000000000000000000000000001ms", 5, "too long" },
		{ "error_rate<0.1", 15, "a number and %" },
		{ "error_rate<1ms", 13, "a number and %" },
		{ "error_rate<101%", 12, "at most 100" },
		{ "rps>10k", 7, "takes no unit" },
		{ "rps>10%", 7, "takes no unit" },
		{ "failed<1e3", 9, "takes no unit" },
		{ "ok>1.5", 4, "a whole number" },
		{ "ok>9999999999999999", 4, "too large" },
		{ "rps>10/s", 7, "unexpected character" },
		{ "p99<1s 2", 8, "unexpected character" },
		{ "crashes==0@1", 11, "no value per target" },
		{ "lost<1@0", 7, "no value per target" },
		{ "p99<1s@", 8, "expected a target index" },
		{ "p99<1s@x", 8, "expected a target index" },
		{ "p99<1s@-1", 8, "expected a target index" },
		{ "p99<1s@99999999999", 8, "too large" },
		{ "p99<1s@1@2", 9, "unexpected character" },
	};
	struct threshold	 t;
	const char		*errstr;
	size_t			 i, col;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		errstr = NULL;
		col = 0;
		if (threshold_parse(&t, cases[i].expr, &errstr, &col) != -1)
			fail_msg("'%s' parsed", cases[i].expr);
		if (col != cases[i].col ||
		    strstr(errstr, cases[i].says) == NULL)
			fail_msg("'%s': column %zu: %s; want column %zu: %s",
			    cases[i].expr, col, errstr, cases[i].col,
			    cases[i].says);
		assert_null(t.expr);
	}
}

/* A scope must name a target of the run, with latency if it needs one. */
static void
test_check(void **state)
{
	static const struct {
		const char	*expr;
		size_t		 ntargets;
		const char	*says;	/* NULL: good */
	} cases[] = {
		{ "p99<1s", 0, NULL },
		{ "p99<1s@2", 3, NULL },
		{ "p99<1s@3", 3,
		    "column 8: no target 3: the run has 3, 0 to 2" },
		{ "ok>0@0", 0, "column 6: a run without URLs has no targets" },
		{ "p99<1s@1024", 2000, "column 8: target 1024 has no latency" },
		{ "p99<1s@1023", 2000, NULL },
		{ "error_rate<1%@1999", 2000, NULL },
	};
	struct threshold	 t;
	const char		*errstr;
	char			 err[256];
	size_t			 i, col;
	int			 rv;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(threshold_parse(&t, cases[i].expr, &errstr,
		    &col), 0);
		err[0] = '\0';
		rv = threshold_check(&t, cases[i].ntargets, err, sizeof(err));
		if (cases[i].says == NULL && rv != 0)
			fail_msg("%s: %s", cases[i].expr, err);
		if (cases[i].says != NULL && (rv != -1 ||
		    strstr(err, cases[i].says) == NULL ||
		    strstr(err, cases[i].expr) == NULL))
			fail_msg("%s: got '%s', want '%s'", cases[i].expr,
			    err, cases[i].says);
		threshold_free(&t);
	}
}

/* Observed values, as the verdict's reasons write them. */
static void
test_format(void **state)
{
	static const struct {
		const char	*expr;
		double		 v;
		const char	*want;
	} cases[] = {
		{ "p99<1s", 312000, "312.00ms" },
		{ "mean<1s", 61, "61us" },
		{ "error_rate<1%", 0.5, "0.5%" },
		{ "rps>1", 812.254, "812.25" },
		{ "failed==0", 3, "3" },
	};
	struct threshold	 t;
	const char		*errstr;
	char			 buf[32];
	size_t			 i, col;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(threshold_parse(&t, cases[i].expr, &errstr,
		    &col), 0);
		assert_string_equal(threshold_format(&t, cases[i].v, buf,
		    sizeof(buf)), cases[i].want);
		threshold_free(&t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_judge),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_format),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
