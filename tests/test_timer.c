/*
 * Unit tests of timer.c: the earliest deadline is always the one a plain
 * scan of every owner would find, through random sets, moves and clears.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "forkload.h"

#define OWNERS	97
#define STEPS	20000

/* The earliest deadline by scanning; 0 when none. */
static int
scan(const uint64_t *when, const int *set, uint64_t *w)
{
	int	 i, found = 0;

	for (i = 0; i < OWNERS; i++) {
		if (!set[i] || (found && when[i] >= *w))
			continue;
		*w = when[i];
		found = 1;
	}
	return (found);
}

static void
test_random(void **state)
{
	struct timers	 t;
	uint64_t	 when[OWNERS], w, hw;
	uint32_t	 owner;
	int		 set[OWNERS] = { 0 }, i, o, n = 0;

	(void)state;
	srandom(7);
	timer_init(&t, OWNERS);
	assert_int_equal(timer_next(&t, &hw, &owner), 0);
	for (i = 0; i < STEPS; i++) {
		o = (int)(random() % OWNERS);
		if (random() % 3 == 0) {
			timer_clear(&t, (uint32_t)o);
			n -= set[o];
			set[o] = 0;
		} else {
			/* Few distinct values, so ties happen. */
			when[o] = (uint64_t)(random() % 50);
			timer_set(&t, (uint32_t)o, when[o]);
			n += !set[o];
			set[o] = 1;
		}
		assert_int_equal(t.n, n);
		if (!scan(when, set, &w)) {
			assert_int_equal(timer_next(&t, &hw, &owner), 0);
			continue;
		}
		assert_int_equal(timer_next(&t, &hw, &owner), 1);
		assert_int_equal(hw, w);
		assert_true(set[owner]);
		assert_int_equal(when[owner], w);
	}
	timer_free(&t);
}

/* Draining by taking the earliest in turn gives the deadlines in order. */
static void
test_drain(void **state)
{
	struct timers	 t;
	uint64_t	 w, last = 0;
	uint32_t	 owner, i;

	(void)state;
	timer_init(&t, OWNERS);
	for (i = 0; i < OWNERS; i++)
		timer_set(&t, i, (uint64_t)((i * 37) % OWNERS) + 1000);
	/* A move down and a move up. */
	timer_set(&t, 5, 1);
	timer_set(&t, 0, 5000);
	for (i = 0; i < OWNERS; i++) {
		assert_int_equal(timer_next(&t, &w, &owner), 1);
		assert_true(w >= last);
		if (i == 0)
			assert_int_equal(owner, 5);
		last = w;
		timer_clear(&t, owner);
	}
	assert_int_equal(owner, 0);
	assert_int_equal(timer_next(&t, &w, &owner), 0);
	/* Clearing an owner without a deadline does nothing. */
	timer_clear(&t, 3);
	assert_int_equal(t.n, 0);
	timer_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_drain),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
