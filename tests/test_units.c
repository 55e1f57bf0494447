/*
 * Unit tests for units.c: every accepted and rejected form of durations,
 * counts, error limits and lists, and the human form of a duration.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "forkload.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define SENTINEL	0xdeadbeefULL

struct duration_ok {
	const char	*in;
	uint64_t	 us;
};

struct bad {
	const char	*in;
	const char	*err;
};

static const struct duration_ok duration_good[] = {
	{ "250us",		250 },
	{ "500ms",		500000 },
	{ "30s",		30000000 },
	{ "2m",			120000000 },
	{ "1h",			3600000000ULL },
	{ "1.5s",		1500000 },
	{ "5",			5000000 },
	{ "1.5",		1500000 },
	{ "007s",		7000000 },
	{ "1us",		1 },
	{ "0.1s",		100000 },
	{ "0.001s",		1000 },
	{ "1.25m",		75000000 },
	{ "0.5h",		1800000000ULL },
	{ "2.5ms",		2500 },
	{ "0.100000000000000000000000001s", 100000 },
	/* Rounding to the nearest microsecond, halves up. */
	{ "0.5us",		1 },
	{ "1.4us",		1 },
	{ "1.5us",		2 },
	{ "1.49999999999999999999us", 1 },
	{ "0.0005ms",		1 },
	{ "0.0000015s",		2 },
	{ "0.0000014999s",	1 },
	{ "0.000000001h",	4 },		/* 3.6us */
	{ "0.00000000014h",	1 },		/* 0.504us */
	{ "1.0000001h",		3600000360ULL },
	/* Up to one week, inclusive. */
	{ "604800s",		604800000000ULL },
	{ "168h",		604800000000ULL },
	{ "10080m",		604800000000ULL },
	{ "604800000ms",	604800000000ULL },
	{ "604800000000us",	604800000000ULL },
	{ "604800.0000004s",	604800000000ULL },
	{ "167.9999999h",	604799999640ULL },
	{ "167.9999999999h",	604800000000ULL },	/* -0.36us */
};

static const struct bad duration_bad[] = {
	{ "",			"invalid" },
	{ "5x",			"unknown unit" },	/* -d 5x */
	{ "-1s",		"invalid" },		/* --timeout -1s */
	{ "1s2",		"unknown unit" },
	{ " 1s",		"invalid" },
	{ "1s ",		"unknown unit" },
	{ "1 s",		"unknown unit" },
	{ "inf",		"invalid" },
	{ "nan",		"invalid" },
	{ "infs",		"invalid" },
	{ "+1s",		"invalid" },
	{ "-0",			"invalid" },
	{ "1.",			"invalid" },
	{ "1.s",		"invalid" },
	{ ".5s",		"invalid" },
	{ "s",			"invalid" },
	{ "1e3",		"unknown unit" },
	{ "0x10",		"unknown unit" },
	{ "1,5s",		"unknown unit" },
	{ "1.2.3s",		"unknown unit" },
	{ "1S",			"unknown unit" },
	{ "1sec",		"unknown unit" },
	{ "1d",			"unknown unit" },
	{ "1mss",		"unknown unit" },
	{ "0",			"too small" },
	{ "0s",			"too small" },
	{ "0.0ms",		"too small" },
	{ "0us",		"too small" },
	{ "0.4us",		"too small" },
	{ "0.0004999ms",	"too small" },
	{ "0.0000000001h",	"too small" },		/* 0.36us */
	{ "0.0000000001m",	"too small" },		/* 0.006us */
	{ "604801s",		"too large" },
	{ "604800.0000005s",	"too large" },
	{ "168.0000001h",	"too large" },
	{ "169h",		"too large" },
	{ "10081m",		"too large" },
	{ "604800000001us",	"too large" },
	{ "99999999999999999999999999s", "too large" },
	{ "99999999999999999999999999us", "too large" },
	{ "18446744073709551616", "too large" },
	{ "1000000000000000000000h", "too large" },
};

static void
test_duration_good(void **state)
{
	const char	*err;
	uint64_t	 us;
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(duration_good); i++) {
		us = SENTINEL;
		err = "unset";
		if (units_duration(duration_good[i].in, &us, &err) != 0)
			fail_msg("\"%s\": rejected (%s)", duration_good[i].in,
			    err);
		if (us != duration_good[i].us)
			fail_msg("\"%s\": got %llu, want %llu",
			    duration_good[i].in, (unsigned long long)us,
			    (unsigned long long)duration_good[i].us);
		assert_null(err);
	}
}

static void
test_duration_bad(void **state)
{
	const char	*err;
	uint64_t	 us;
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(duration_bad); i++) {
		us = SENTINEL;
		err = NULL;
		if (units_duration(duration_bad[i].in, &us, &err) != -1)
			fail_msg("\"%s\": accepted as %llu", duration_bad[i].in,
			    (unsigned long long)us);
		if (err == NULL || strcmp(err, duration_bad[i].err) != 0)
			fail_msg("\"%s\": error \"%s\", want \"%s\"",
			    duration_bad[i].in, err ? err : "(null)",
			    duration_bad[i].err);
		/* A failed parse leaves the output alone. */
		assert_int_equal(us, SENTINEL);
	}
}

static void
test_duration_null_errstr(void **state)
{
	uint64_t	us;

	(void)state;
	assert_int_equal(units_duration("5x", &us, NULL), -1);
	assert_int_equal(units_duration("2m", &us, NULL), 0);
	assert_int_equal(us, 120000000);
}

struct count_ok {
	const char	*in;
	long long	 min;
	long long	 max;
	long long	 v;
};

struct count_bad {
	const char	*in;
	long long	 min;
	long long	 max;
	const char	*err;
};

#define TERA	1000000000000LL

static const struct count_ok count_good[] = {
	{ "1",			1, TERA, 1 },
	{ "42",			1, TERA, 42 },
	{ "007",		1, TERA, 7 },
	{ "1000000000000",	1, TERA, TERA },
	{ "0",			0, 10, 0 },
	{ "-10",		-10, 10, -10 },
	{ "-0",			0, 10, 0 },
	{ "9223372036854775807", 0, LLONG_MAX, LLONG_MAX },
	{ "-9223372036854775808", LLONG_MIN, 0, LLONG_MIN },
};

static const struct count_bad count_bad[] = {
	{ "0",			1, TERA, "too small" },		/* -n 0 */
	{ "-5",			1, TERA, "too small" },		/* -n -5 */
	{ "abc",		1, TERA, "invalid" },		/* -n abc */
	{ "99999999999999999999", 1, TERA, "too large" },
	{ "-99999999999999999999", 1, TERA, "too small" },
	{ "1000000000001",	1, TERA, "too large" },
	{ "",			1, TERA, "invalid" },
	{ "-",			1, TERA, "invalid" },
	{ "1e3",		1, TERA, "invalid" },
	{ " 5",			1, TERA, "invalid" },
	{ "5 ",			1, TERA, "invalid" },
	{ "+5",			1, TERA, "invalid" },
	{ "--5",		1, TERA, "invalid" },
	{ "5.0",		1, TERA, "invalid" },
	{ "0x10",		1, TERA, "invalid" },
	{ "1,000",		1, TERA, "invalid" },
	{ "-11",		-10, 10, "too small" },
	{ "11",			-10, 10, "too large" },
	{ "5",			10, 1, "invalid" },	/* empty range */
};

static void
test_count_good(void **state)
{
	const char	*err;
	long long	 v;
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(count_good); i++) {
		v = (long long)SENTINEL;
		err = "unset";
		if (units_count(count_good[i].in, count_good[i].min,
		    count_good[i].max, &v, &err) != 0)
			fail_msg("\"%s\": rejected (%s)", count_good[i].in,
			    err);
		if (v != count_good[i].v)
			fail_msg("\"%s\": got %lld, want %lld",
			    count_good[i].in, v, count_good[i].v);
		assert_null(err);
	}
}

static void
test_count_bad(void **state)
{
	const char	*err;
	long long	 v;
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(count_bad); i++) {
		v = (long long)SENTINEL;
		err = NULL;
		if (units_count(count_bad[i].in, count_bad[i].min,
		    count_bad[i].max, &v, &err) != -1)
			fail_msg("\"%s\": accepted as %lld", count_bad[i].in,
			    v);
		if (err == NULL || strcmp(err, count_bad[i].err) != 0)
			fail_msg("\"%s\": error \"%s\", want \"%s\"",
			    count_bad[i].in, err ? err : "(null)",
			    count_bad[i].err);
		assert_int_equal(v, (long long)SENTINEL);
	}
}

struct limit_ok {
	const char	*in;
	uint64_t	 count;
	double		 pct;
};

static const struct limit_ok limit_good[] = {
	{ "0",			0, -1 },
	{ "5",			5, -1 },
	{ "007",		7, -1 },
	{ "9223372036854775807", 9223372036854775807ULL, -1 },
	{ "0%",			0, 0 },
	{ "0.0%",		0, 0 },
	{ "100%",		0, 100 },
	{ "100.0%",		0, 100 },
	{ "100.000%",		0, 100 },
	{ "12.5%",		0, 12.5 },
	{ "0.1%",		0, 0.1 },
	{ "33.3%",		0, 33.3 },
	{ "5%",			0, 5 },
	{ "099%",		0, 99 },
	{ "0.0000000000001%",	0, 1e-13 },
	/* Past 13 decimals, digits only count against the 100% bound. */
	{ "0.00000000000009%",	0, 0 },
	{ "99.99999999999999999%", 0, 99.9999999999999 },
};

static const struct bad limit_bad[] = {
	{ "101%",		"too large" },		/* --max-errors 101% */
	{ "100.01%",		"too large" },
	{ "100.00000000000000001%", "too large" },
	{ "1000%",		"too large" },
	{ "99999999999999999999%", "too large" },
	{ "99999999999999999999", "too large" },
	{ "-1",			"too small" },
	{ "-1%",		"invalid" },
	{ "abc",		"invalid" },
	{ "abc%",		"invalid" },
	{ "%",			"invalid" },
	{ "",			"invalid" },
	{ "5%%",		"invalid" },
	{ "%5",			"invalid" },
	{ "1.5",		"invalid" },
	{ " 5%",		"invalid" },
	{ "5 %",		"invalid" },
	{ "5% ",		"invalid" },
	{ ".5%",		"invalid" },
	{ "5.%",		"invalid" },
	{ "1e2%",		"invalid" },
	{ "+5%",		"invalid" },
	{ "+5",			"invalid" },
	{ "inf%",		"invalid" },
	{ "nan%",		"invalid" },
};

static void
test_limit_good(void **state)
{
	const char	*err;
	uint64_t	 count;
	double		 pct;
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(limit_good); i++) {
		count = SENTINEL;
		pct = 12345;
		err = "unset";
		if (units_limit(limit_good[i].in, &count, &pct, &err) != 0)
			fail_msg("\"%s\": rejected (%s)", limit_good[i].in,
			    err);
		if (count != limit_good[i].count)
			fail_msg("\"%s\": count %llu, want %llu",
			    limit_good[i].in, (unsigned long long)count,
			    (unsigned long long)limit_good[i].count);
		/* Exact: P is one correctly rounded division. */
		if (pct != limit_good[i].pct)
			fail_msg("\"%s\": pct %.17g, want %.17g",
			    limit_good[i].in, pct, limit_good[i].pct);
		assert_null(err);
	}
}

static void
test_limit_bad(void **state)
{
	const char	*err;
	uint64_t	 count;
	double		 pct;
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(limit_bad); i++) {
		count = SENTINEL;
		pct = 12345;
		err = NULL;
		if (units_limit(limit_bad[i].in, &count, &pct, &err) != -1)
			fail_msg("\"%s\": accepted as %llu, %g",
			    limit_bad[i].in, (unsigned long long)count, pct);
		if (err == NULL || strcmp(err, limit_bad[i].err) != 0)
			fail_msg("\"%s\": error \"%s\", want \"%s\"",
			    limit_bad[i].in, err ? err : "(null)",
			    limit_bad[i].err);
		assert_int_equal(count, SENTINEL);
		assert_true(pct == 12345);
	}
}

struct list_ok {
	const char	*in;
	long long	 min;
	long long	 max;
	size_t		 n;
	int		 v[4];
};

struct list_bad {
	const char	*in;
	long long	 min;
	long long	 max;
	const char	*err;
};

static const struct list_ok list_good[] = {
	{ "1,5,10",		1, 1000000, 3, { 1, 5, 10 } },
	{ "7",			1, 1000000, 1, { 7 } },
	{ "1000000",		1, 1000000, 1, { 1000000 } },
	{ "10,5,10,1",		1, 1000000, 4, { 10, 5, 10, 1 } },
	{ "-3,0,3",		-5, 5, 3, { -3, 0, 3 } },
	/* A range wider than int is narrowed to int. */
	{ "2147483647",		1, LLONG_MAX, 1, { INT_MAX } },
	{ "-2147483648",	LLONG_MIN, 0, 1, { INT_MIN } },
};

static const struct list_bad list_bad[] = {
	{ "1,,5",		1, 1000000, "empty item" }, /* --sweep 1,,5 */
	{ "0",			1, 1000000, "too small" },	/* --sweep 0 */
	{ ",1",			1, 1000000, "empty item" },
	{ "1,",			1, 1000000, "empty item" },
	{ "",			1, 1000000, "empty item" },
	{ ",",			1, 1000000, "empty item" },
	{ "1,0",		1, 1000000, "too small" },
	{ "1000001",		1, 1000000, "too large" },
	{ "1,abc",		1, 1000000, "invalid" },
	{ "1, 5",		1, 1000000, "invalid" },
	{ "1 ,5",		1, 1000000, "invalid" },
	{ "1;5",		1, 1000000, "invalid" },
	{ "+1",			1, 1000000, "invalid" },
	{ "1.5",		1, 1000000, "invalid" },
	{ "2147483648",		1, LLONG_MAX, "too large" },
	{ "-2147483649",	LLONG_MIN, 0, "too small" },
};

static void
test_list_good(void **state)
{
	const char	*err;
	int		*v;
	size_t		 i, j, n;

	(void)state;
	for (i = 0; i < NITEMS(list_good); i++) {
		v = NULL;
		n = 99;
		err = "unset";
		if (units_list(list_good[i].in, list_good[i].min,
		    list_good[i].max, &v, &n, &err) != 0)
			fail_msg("\"%s\": rejected (%s)", list_good[i].in,
			    err);
		assert_null(err);
		assert_non_null(v);
		if (n != list_good[i].n)
			fail_msg("\"%s\": %zu items, want %zu",
			    list_good[i].in, n, list_good[i].n);
		for (j = 0; j < n; j++) {
			if (v[j] != list_good[i].v[j])
				fail_msg("\"%s\": item %zu is %d, want %d",
				    list_good[i].in, j, v[j],
				    list_good[i].v[j]);
		}
		free(v);
	}
}

static void
test_list_bad(void **state)
{
	const char	*err;
	int		*v, dummy;
	size_t		 i, n;

	(void)state;
	for (i = 0; i < NITEMS(list_bad); i++) {
		v = &dummy;
		n = 99;
		err = NULL;
		if (units_list(list_bad[i].in, list_bad[i].min,
		    list_bad[i].max, &v, &n, &err) != -1)
			fail_msg("\"%s\": accepted", list_bad[i].in);
		if (err == NULL || strcmp(err, list_bad[i].err) != 0)
			fail_msg("\"%s\": error \"%s\", want \"%s\"",
			    list_bad[i].in, err ? err : "(null)",
			    list_bad[i].err);
		assert_null(v);
		assert_int_equal(n, 0);
	}
}

/* Builds "1,2,...,count". */
static void
make_list(char *buf, size_t len, int count)
{
	size_t	off;
	int	i;

	buf[0] = '\0';
	off = 0;
	for (i = 1; i <= count; i++) {
		off += snprintf(buf + off, len - off, "%s%d", i > 1 ? "," : "",
		    i);
		assert_true(off < len);
	}
}

static void
test_list_max_items(void **state)
{
	char		 buf[1024];
	const char	*err;
	int		*v;
	size_t		 n;

	(void)state;
	make_list(buf, sizeof(buf), 64);
	assert_int_equal(units_list(buf, 1, 1000000, &v, &n, &err), 0);
	assert_int_equal(n, 64);
	assert_int_equal(v[0], 1);
	assert_int_equal(v[63], 64);
	free(v);

	make_list(buf, sizeof(buf), 65);
	v = NULL;
	assert_int_equal(units_list(buf, 1, 1000000, &v, &n, &err), -1);
	assert_string_equal(err, "too many items");
	assert_null(v);
	assert_int_equal(n, 0);
}

struct format_case {
	uint64_t	 us;
	const char	*out;
};

static const struct format_case format_cases[] = {
	{ 0,			"0us" },
	{ 850,			"850us" },
	{ 999,			"999us" },
	{ 1000,			"1.00ms" },
	{ 12340,		"12.34ms" },
	{ 12344,		"12.34ms" },
	{ 12345,		"12.35ms" },
	{ 999994,		"999.99ms" },
	{ 999995,		"1.00s" },
	{ 1000000,		"1.00s" },
	{ 1500000,		"1.50s" },
	{ 59994999,		"59.99s" },
	{ 59995000,		"1m00s" },
	{ 123000000,		"2m03s" },
	{ 123499999,		"2m03s" },
	{ 123500000,		"2m04s" },
	{ 3599499999ULL,	"59m59s" },
	{ 3599500000ULL,	"1h00m00s" },
	{ 3723000000ULL,	"1h02m03s" },
	{ 604800000000ULL,	"168h00m00s" },
	{ UINT64_MAX,		"5124095576h01m50s" },
};

static void
test_format(void **state)
{
	char	buf[64];
	size_t	i;

	(void)state;
	for (i = 0; i < NITEMS(format_cases); i++) {
		memset(buf, 'X', sizeof(buf));
		units_format_duration(buf, sizeof(buf), format_cases[i].us);
		if (strcmp(buf, format_cases[i].out) != 0)
			fail_msg("%llu: got \"%s\", want \"%s\"",
			    (unsigned long long)format_cases[i].us, buf,
			    format_cases[i].out);
	}
}

static void
test_format_truncates(void **state)
{
	char	buf[8];

	(void)state;
	memset(buf, 'X', sizeof(buf));
	units_format_duration(buf, 4, 12340);
	assert_string_equal(buf, "12.");
	assert_int_equal(buf[4], 'X');
	units_format_duration(buf, 0, 12340);
	assert_string_equal(buf, "12.");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_good),
		cmocka_unit_test(test_duration_bad),
		cmocka_unit_test(test_duration_null_errstr),
		cmocka_unit_test(test_count_good),
		cmocka_unit_test(test_count_bad),
		cmocka_unit_test(test_limit_good),
		cmocka_unit_test(test_limit_bad),
		cmocka_unit_test(test_list_good),
		cmocka_unit_test(test_list_bad),
		cmocka_unit_test(test_list_max_items),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_truncates),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
