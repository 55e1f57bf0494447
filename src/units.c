/*
 * Parsing of the values a user gives on the command line (durations,
 * counts, error limits and lists) and the human form of a duration.
 * Nothing here exits or prints: errors come back as -1 and a short reason.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forkload.h"

#define WEEK_US		(7ULL * 24 * 3600 * US_PER_SEC)
#define LIST_MAX	64
#define PCT_DIGITS	13	/* 100 * 10^13 is exact in a double */

/*
 * A duration unit is worth mult = c * 10^e microseconds. Keeping the
 * power of ten apart lets the decimal point be shifted exactly.
 */
struct unit {
	const char	*name;
	unsigned int	 c;
	unsigned int	 e;
};

static const struct unit units[] = {
	{ "us",	1,	0 },
	{ "ms",	1,	3 },
	{ "s",	1,	6 },
	{ "",	1,	6 },	/* a bare number is in seconds */
	{ "m",	6,	7 },
	{ "h",	36,	8 },
};

static int
fail(const char **errstr, const char *reason)
{
	if (errstr != NULL)
		*errstr = reason;
	return (-1);
}

static int
ok(const char **errstr)
{
	if (errstr != NULL)
		*errstr = NULL;
	return (0);
}

static int
isdigitc(char ch)
{
	return (ch >= '0' && ch <= '9');
}

/* Skips DIGITS [ "." DIGITS ]; returns its length, 0 when it is absent. */
static size_t
span_decimal(const char *s)
{
	size_t	n;

	n = 0;
	while (isdigitc(s[n]))
		n++;
	if (n == 0)
		return (0);
	if (s[n] == '.') {
		if (!isdigitc(s[n + 1]))
			return (0);
		n++;
		while (isdigitc(s[n]))
			n++;
	}
	return (n);
}

/*
 * Parses a positive duration of at most a week, such as "250us", "1.5s" or
 * "2m", into microseconds; returns 0, or -1 with *errstr set.
 */
int
units_duration(const char *s, uint64_t *us, const char **errstr)
{
	const struct unit	*u;
	const char		*p, *frac;
	size_t			 len, nint, nfrac, nshift, i;
	uint64_t		 whole, carry, v;
	unsigned int		 d;

	len = span_decimal(s);
	if (len == 0)
		return (fail(errstr, "invalid"));
	u = NULL;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(s + len, units[i].name) == 0) {
			u = &units[i];
			break;
		}
	}
	if (u == NULL)
		return (fail(errstr, "unknown unit"));

	for (nint = 0; isdigitc(s[nint]); nint++)
		continue;
	frac = s[nint] == '.' ? s + nint + 1 : s + nint;
	nfrac = len - (size_t)(frac - s);

	/*
	 * Work in exact decimal, not in floating point, so that "0.1s" is
	 * 100000 and ties round the same way on every host. Shifting the
	 * point right by e leaves value = c * (whole + 0.rest).
	 */
	whole = 0;
	for (i = 0; i < nint + u->e; i++) {
		if (i < nint)
			d = s[i] - '0';
		else if (i - nint < nfrac)
			d = frac[i - nint] - '0';
		else
			d = 0;
		/* Saturate: past a week the exact value no longer matters. */
		if (whole <= WEEK_US)
			whole = whole * 10 + d;
	}

	/*
	 * Round c * 0.rest to nearest, halves up: that is floor((k + 1) / 2)
	 * with k = floor(2c * 0.rest), the carry out of a right-to-left
	 * multiplication of the remaining digits by 2c.
	 */
	carry = 0;
	nshift = u->e < nfrac ? u->e : nfrac;
	for (p = frac + nfrac; p > frac + nshift; p--)
		carry = ((uint64_t)(p[-1] - '0') * 2 * u->c + carry) / 10;

	if (whole > WEEK_US)
		return (fail(errstr, "too large"));
	v = whole * u->c + (carry + 1) / 2;
	if (v == 0)
		return (fail(errstr, "too small"));
	if (v > WEEK_US)
		return (fail(errstr, "too large"));
	*us = v;
	return (ok(errstr));
}

/* Parses a whole decimal number in [min, max]; returns 0 or -1. */
int
units_count(const char *s, long long min, long long max, long long *out,
    const char **errstr)
{
	const char	*p, *err;
	long long	 v;

	/*
	 * strtoll would also take blanks and a plus sign: refuse them. The
	 * empty range is checked here as libbsd's strtonum calls it small.
	 */
	if (min > max)
		return (fail(errstr, "invalid"));
	p = s[0] == '-' ? s + 1 : s;
	if (*p == '\0')
		return (fail(errstr, "invalid"));
	for (; *p != '\0'; p++)
		if (!isdigitc(*p))
			return (fail(errstr, "invalid"));

	v = strtonum(s, min, max, &err);
	if (err != NULL)
		return (fail(errstr, err));
	*out = v;
	return (ok(errstr));
}

/*
 * Parses a decimal number of digits only, in [min, max]; returns 0 or -1.
 * The target server parses its ports and URL arguments with it.
 */
int
units_decimal(const char *s, long long min, long long max, long long *out)
{
	/* A port or URL takes no sign, though units_count allows a minus. */
	if (s[0] == '-')
		return (-1);
	return (units_count(s, min, max, out, NULL));
}

/*
 * Parses a size in bytes: a whole number with an optional binary suffix,
 * "K", "M", "G" or "T" (also "KiB" ... "TiB"), at least min. Returns 0 or
 * -1.
 */
int
units_bytes(const char *s, uint64_t min, uint64_t *out, const char **errstr)
{
	static const char	*suffix = "KMGT";
	const char		*p, *q;
	uint64_t		 v = 0, mult = 1;
	int			 shift;

	for (p = s; isdigitc(*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return (fail(errstr, "too large"));
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p == s)
		return (fail(errstr, "invalid"));
	if (*p != '\0') {
		if ((q = strchr(suffix, *p)) == NULL || *p == '\0')
			return (fail(errstr, "unknown unit"));
		shift = 10 * (int)(q - suffix + 1);
		mult = (uint64_t)1 << shift;
		p++;
		if (strcmp(p, "iB") != 0 && *p != '\0')
			return (fail(errstr, "unknown unit"));
	}
	if (v > UINT64_MAX / mult)
		return (fail(errstr, "too large"));
	v *= mult;
	if (v < min)
		return (fail(errstr, "too small"));
	*out = v;
	return (ok(errstr));
}

/*
 * Parses an error limit, a count "N" or a percentage "P%", into *count and
 * *pct (-1 for a count); returns 0 or -1.
 */
int
units_limit(const char *s, uint64_t *count, double *pct, const char **errstr)
{
	const char	*p;
	long long	 n;
	uint64_t	 whole, num, den;
	size_t		 len, k;
	int		 over;

	len = strlen(s);
	if (len == 0 || s[len - 1] != '%') {
		if (units_count(s, 0, LLONG_MAX, &n, errstr) == -1)
			return (-1);
		*count = n;
		*pct = -1;
		return (ok(errstr));
	}

	if (len < 2 || span_decimal(s) != len - 1)
		return (fail(errstr, "invalid"));

	/*
	 * Build P as num / 10^k with both exact in a double, so the one
	 * division rounds correctly. Digits past PCT_DIGITS decimals only
	 * count for the check against 100.
	 */
	num = 0;
	den = 1;
	over = 0;
	for (p = s; isdigitc(*p); p++) {
		if (num <= 100)
			num = num * 10 + (*p - '0');
	}
	if (num > 100)
		return (fail(errstr, "too large"));
	whole = num;
	if (*p == '.') {
		for (p++, k = 0; isdigitc(*p); p++, k++) {
			if (*p != '0' && whole == 100)
				over = 1;
			if (k < PCT_DIGITS) {
				num = num * 10 + (*p - '0');
				den *= 10;
			}
		}
	}
	if (over)
		return (fail(errstr, "too large"));
	*count = 0;
	*pct = (double)num / (double)den;
	return (ok(errstr));
}

/*
 * Parses a comma-separated list of whole numbers in [min, max] into a new
 * array the caller frees; returns 0, or -1 with *out NULL.
 */
int
units_list(const char *s, long long min, long long max, int **out,
    size_t *n, const char **errstr)
{
	char		*copy, *item, *next;
	const char	*reason;
	int		*list;
	size_t		 count;
	long long	 v;

	*out = NULL;
	*n = 0;

	/* The values are stored as int: narrow the range to fit. */
	if (min < INT_MIN)
		min = INT_MIN;
	if (max > INT_MAX)
		max = INT_MAX;

	list = NULL;
	count = 0;
	copy = xstrdup(s);
	for (next = copy; next != NULL;) {
		item = next;
		next = strchr(item, ',');
		if (next != NULL)
			*next++ = '\0';
		if (*item == '\0') {
			reason = "empty item";
			goto bad;
		}
		if (count == LIST_MAX) {
			reason = "too many items";
			goto bad;
		}
		if (units_count(item, min, max, &v, &reason) == -1)
			goto bad;
		list = xreallocarray(list, count + 1, sizeof(*list));
		list[count++] = (int)v;
	}
	free(copy);
	*out = list;
	*n = count;
	return (ok(errstr));

bad:
	free(copy);
	free(list);
	return (fail(errstr, reason));
}

/* Writes a duration in a short human form, such as "12.34ms" or "2m03s". */
void
units_format_duration(char *buf, size_t len, uint64_t us)
{
	uint64_t	v;

	/*
	 * Round first, then pick the form, so that 999999us shows as
	 * "1.00s" and not as "1000.00ms".
	 */
	if (us < 1000) {
		snprintf(buf, len, "%lluus", (unsigned long long)us);
		return;
	}
	v = us / 10 + (us % 10 >= 5);
	if (v < 100000) {
		snprintf(buf, len, "%llu.%02llums", (unsigned long long)v / 100,
		    (unsigned long long)v % 100);
		return;
	}
	v = us / 10000 + (us % 10000 >= 5000);
	if (v < 6000) {
		snprintf(buf, len, "%llu.%02llus", (unsigned long long)v / 100,
		    (unsigned long long)v % 100);
		return;
	}
	v = us / US_PER_SEC + (us % US_PER_SEC >= US_PER_SEC / 2);
	if (v < 3600) {
		snprintf(buf, len, "%llum%02llus", (unsigned long long)v / 60,
		    (unsigned long long)v % 60);
		return;
	}
	snprintf(buf, len, "%lluh%02llum%02llus", (unsigned long long)v / 3600,
	    (unsigned long long)v / 60 % 60, (unsigned long long)v % 60);
}
