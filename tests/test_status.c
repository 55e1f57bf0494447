/*
 * Unit tests for status.c: which --expect-status lists parse, and which
 * codes the resulting set matches.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "forkload.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Checks that the set holds exactly the codes in [lo, hi] ranges given. */
static void
expect_exactly(const struct statusset *set, const char *in,
    const unsigned int *ranges, size_t nranges)
{
	unsigned int	code, want;
	size_t		i;

	for (code = 0; code < 1100; code++) {
		want = 0;
		for (i = 0; i < nranges; i += 2)
			if (code >= ranges[i] && code <= ranges[i + 1])
				want = 1;
		if ((unsigned int)status_match(set, code) != want)
			fail_msg("\"%s\": code %u matches %d, want %u", in,
			    code, status_match(set, code), want);
	}
}

struct good {
	const char	*in;
	size_t		 nranges;
	unsigned int	 ranges[8];
};

static const struct good good[] = {
	{ "200",		2, { 200, 200 } },
	{ "100",		2, { 100, 100 } },
	{ "599",		2, { 599, 599 } },
	{ "200,204,3xx",	6, { 200, 200, 204, 204, 300, 399 } },
	{ "1xx",		2, { 100, 199 } },
	{ "2xx",		2, { 200, 299 } },
	{ "3xx",		2, { 300, 399 } },
	{ "4xx",		2, { 400, 499 } },
	{ "5xx",		2, { 500, 599 } },
	{ "2XX",		2, { 200, 299 } },
	{ "2xX",		2, { 200, 299 } },
	{ "2Xx",		2, { 200, 299 } },
	{ "2xx,200,200",	2, { 200, 299 } },
	{ "404,1xx,5xx",	6, { 404, 404, 100, 199, 500, 599 } },
};

struct bad {
	const char	*in;
	const char	*err;
};

static const struct bad bad[] = {
	{ "",			"empty item" },
	{ "99",			"invalid" },		/* --expect-status 99 */
	{ "abc",		"invalid" },	/* --expect-status abc */
	{ "600",		"out of range" },
	{ "999",		"out of range" },
	{ "099",		"out of range" },
	{ "000",		"out of range" },
	{ "6xx",		"out of range" },
	{ "9xx",		"out of range" },
	{ "0xx",		"out of range" },
	{ "2x",			"invalid" },
	{ "2xxx",		"invalid" },
	{ "20x",		"invalid" },
	{ "2x0",		"invalid" },
	{ "x00",		"invalid" },
	{ "xxx",		"invalid" },
	{ "2yy",		"invalid" },
	{ "1000",		"invalid" },
	{ "-200",		"invalid" },
	{ "+200",		"invalid" },
	{ " 200",		"invalid" },
	{ "200 ",		"invalid" },
	{ "200, 204",		"invalid" },
	{ "200;204",		"invalid" },
	{ "200,,",		"empty item" },
	{ "200,",		"empty item" },
	{ ",200",		"empty item" },
	{ "200,,204",		"empty item" },
	{ ",",			"empty item" },
	{ "200,abc",		"invalid" },
	{ "2xx,600",		"out of range" },
};

static void
test_parse_good(void **state)
{
	struct statusset	 set;
	const char		*err;
	size_t			 i;

	(void)state;
	for (i = 0; i < NITEMS(good); i++) {
		memset(&set, 0xff, sizeof(set));
		err = "unset";
		if (status_parse(&set, good[i].in, &err) != 0)
			fail_msg("\"%s\": rejected (%s)", good[i].in, err);
		assert_null(err);
		expect_exactly(&set, good[i].in, good[i].ranges,
		    good[i].nranges);
	}
}

static void
test_parse_bad(void **state)
{
	struct statusset	 set;
	const char		*err;
	size_t			 i;

	(void)state;
	for (i = 0; i < NITEMS(bad); i++) {
		/* Start from a full set: a failure must leave it empty. */
		memset(&set, 0xff, sizeof(set));
		err = NULL;
		if (status_parse(&set, bad[i].in, &err) != -1)
			fail_msg("\"%s\": accepted", bad[i].in);
		if (err == NULL || strcmp(err, bad[i].err) != 0)
			fail_msg("\"%s\": error \"%s\", want \"%s\"",
			    bad[i].in, err ? err : "(null)", bad[i].err);
		expect_exactly(&set, bad[i].in, NULL, 0);
	}
}

static void
test_parse_clears(void **state)
{
	struct statusset	 set;
	const char		*err;
	static const unsigned int only404[] = { 404, 404 };

	(void)state;
	assert_int_equal(status_parse(&set, "2xx", &err), 0);
	assert_int_equal(status_match(&set, 200), 1);
	assert_int_equal(status_parse(&set, "404", &err), 0);
	expect_exactly(&set, "404", only404, NITEMS(only404));
	assert_int_equal(status_parse(&set, "5xx", NULL), 0);
	assert_int_equal(status_parse(&set, "5x", NULL), -1);
}

static void
test_match_limits(void **state)
{
	struct statusset	set;

	(void)state;
	/* Even with every bit set, codes past the bitmap never match. */
	memset(&set, 0xff, sizeof(set));
	assert_int_equal(status_match(&set, 0), 1);
	assert_int_equal(status_match(&set, 999), 1);
	assert_int_equal(status_match(&set, 1000), 0);
	assert_int_equal(status_match(&set, 1001), 0);
	assert_int_equal(status_match(&set, 65535), 0);
	assert_int_equal(status_match(&set, UINT_MAX), 0);

	memset(&set, 0, sizeof(set));
	assert_int_equal(status_match(&set, 200), 0);
	assert_int_equal(status_match(&set, UINT_MAX), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_clears),
		cmocka_unit_test(test_match_limits),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
