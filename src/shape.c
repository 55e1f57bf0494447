/*
 * The words that give a run its shape in time: -R's rate ("500", "500/s",
 * "30000/m") and --stages' ramps ("30s:100,1m:1000,30s:0"). Parsing only;
 * sched.c turns them into times. Nothing here prints or exits.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forkload.h"

#define SHAPE_RATE_MAX	10000000.0	/* per second */
#define SHAPE_STAGES	64

/*
 * Parse a number of at most 4 decimals from s, up to but not over max;
 * *end is left after it. Returns 0, or -1 with *errstr set.
 */
static int
shape_number(const char *s, double max, double *v, char **end,
    const char **errstr)
{
	const char	*p;

	/* Digits and at most one point: no sign, exponent, hex or inf. */
	for (p = s; *p >= '0' && *p <= '9'; p++)
		continue;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			continue;
	if (p == s || (p == s + 1 && *s == '.')) {
		*errstr = "not a number";
		return (-1);
	}
	errno = 0;
	*v = strtod(s, end);
	if (errno != 0 || *end != p || !isfinite(*v) || *v > max) {
		*errstr = "too large";
		return (-1);
	}
	return (0);
}

/*
 * Parse -R: a rate per second, or per minute with "/m" ("/s" may be
 * written). Returns 0 with *per_sec set (more than 0), or -1 with
 * *errstr set.
 */
int
shape_rate(const char *s, double *per_sec, const char **errstr)
{
	char	*end;
	double	 v;

	if (shape_number(s, SHAPE_RATE_MAX * 60, &v, &end, errstr) == -1)
		return (-1);
	if (strcmp(end, "/m") == 0)
		v /= 60;
	else if (*end != '\0' && strcmp(end, "/s") != 0) {
		*errstr = "the unit is /s or /m";
		return (-1);
	}
	if (v <= 0) {
		*errstr = "must be more than 0";
		return (-1);
	}
	if (v > SHAPE_RATE_MAX) {
		*errstr = "over 10000000/s";
		return (-1);
	}
	*per_sec = v;
	return (0);
}

/* Parse one "DURATION:TARGET" stage; the duration must be at least 1 ms. */
static int
shape_stage(char *item, double max, struct config_stage *st,
    const char **errstr)
{
	char	*colon, *end;

	if ((colon = strchr(item, ':')) == NULL) {
		*errstr = "a stage is DURATION:TARGET, as 30s:100";
		return (-1);
	}
	*colon = '\0';
	if (units_duration(item, &st->dur_us, errstr) == -1)
		return (-1);
	if (st->dur_us < 1000) {
		*errstr = "a stage lasts at least 1ms";
		return (-1);
	}
	if (shape_number(colon + 1, max, &st->target, &end, errstr) == -1)
		return (-1);
	if (*end != '\0') {
		*errstr = "a target is a number";
		return (-1);
	}
	return (0);
}

/*
 * Parse --stages into an array the caller frees. With rate set the
 * targets are rates per second, else concurrencies (whole numbers).
 * Returns 0, or -1 with *errstr set and nothing allocated.
 */
int
shape_stages(const char *s, int rate, struct config_stage **out, size_t *n,
    const char **errstr)
{
	struct config_stage	*st = NULL;
	char			*copy, *item, *next;
	size_t			 count = 0;

	copy = xstrdup(s);
	for (next = copy; next != NULL;) {
		item = next;
		if ((next = strchr(item, ',')) != NULL)
			*next++ = '\0';
		if (count == SHAPE_STAGES) {
			*errstr = "more than 64 stages";
			goto bad;
		}
		st = xreallocarray(st, count + 1, sizeof(*st));
		if (shape_stage(item, rate ? SHAPE_RATE_MAX : CONCURRENCY_MAX,
		    &st[count], errstr) == -1)
			goto bad;
		if (!rate && floor(st[count].target) != st[count].target) {
			*errstr = "a concurrency is a whole number";
			goto bad;
		}
		count++;
	}
	free(copy);
	*out = st;
	*n = count;
	return (0);
bad:
	free(copy);
	free(st);
	return (-1);
}
