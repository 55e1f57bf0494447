/*
 * --threshold: an expression such as p99<250ms, error_rate<=0.1% or
 * rps>=1000, parsed into struct threshold, and judged against each run or
 * one target of it (p99<250ms@2). Pure: errors come back with the column
 * where they are, and nothing here prints or exits.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forkload.h"

/*
 * Each metric's name, what its value is, whether it has a value per
 * target, and for a latency the percentile it is (min is the 0th and
 * max the 100th; mean and stdev are none).
 */
static const struct {
	const char	*name;
	enum th_kind	 kind;
	int		 scoped;
	double		 pct;
} th_metrics[TH_METRIC_MAX] = {
	[TH_MIN] = { "min", TK_LATENCY, 1, 0 },
	[TH_MEAN] = { "mean", TK_LATENCY, 1, -1 },
	[TH_STDEV] = { "stdev", TK_LATENCY, 1, -1 },
	[TH_P50] = { "p50", TK_LATENCY, 1, 50 },
	[TH_P90] = { "p90", TK_LATENCY, 1, 90 },
	[TH_P95] = { "p95", TK_LATENCY, 1, 95 },
	[TH_P99] = { "p99", TK_LATENCY, 1, 99 },
	[TH_P999] = { "p999", TK_LATENCY, 1, 99.9 },
	[TH_MAX] = { "max", TK_LATENCY, 1, 100 },
	[TH_ERROR_RATE] = { "error_rate", TK_PERCENT, 1, -1 },
	[TH_RPS] = { "rps", TK_RATE, 1, -1 },
	[TH_OK] = { "ok", TK_COUNT, 1, -1 },
	[TH_FAILED] = { "failed", TK_COUNT, 1, -1 },
	[TH_LOST] = { "lost", TK_COUNT, 0, -1 },
	[TH_CRASHES] = { "crashes", TK_COUNT, 0, -1 }
};
static const char *th_ops[] = {
	[TH_LT] = "<", [TH_LE] = "<=", [TH_GT] = ">", [TH_GE] = ">=",
	[TH_EQ] = "=="
};

/* The largest limits: a week of latency, and counts a double holds. */
#define TH_LATENCY_MAX	(7.0 * 24 * 3600 * US_PER_SEC)
#define TH_COUNT_MAX	1e15

/* The parser's place in an expression, and the error it stops at. */
struct th_parse {
	const char	*s;
	size_t		 pos;
	const char	*errstr;
	size_t		 col;		/* 1-based, of the error */
};

/* Stop at column pos + 1 with errstr; returns -1. */
static int
th_fail(struct th_parse *p, size_t pos, const char *errstr)
{
	p->errstr = errstr;
	p->col = pos + 1;
	return (-1);
}

static void
th_blanks(struct th_parse *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t')
		p->pos++;
}

/* The metric: a name of lower-case letters, digits and _. */
static int
th_metric(struct th_parse *p, struct threshold *t)
{
	size_t	 start = p->pos, len, i;

	while (islower((unsigned char)p->s[p->pos]) ||
	    isdigit((unsigned char)p->s[p->pos]) || p->s[p->pos] == '_')
		p->pos++;
	len = p->pos - start;
	if (len == 0)
		return (th_fail(p, start, "expected a metric such as p99, "
		    "error_rate or rps"));
	for (i = 0; i < TH_METRIC_MAX; i++) {
		if (strlen(th_metrics[i].name) == len &&
		    strncmp(th_metrics[i].name, p->s + start, len) == 0) {
			t->metric = (enum th_metric)i;
			return (0);
		}
	}
	return (th_fail(p, start, "unknown metric: one of min, mean, stdev, "
	    "p50, p90, p95, p99, p999, max, error_rate, rps, ok, failed, "
	    "lost, crashes"));
}

/* The operator, the longest that matches. */
static int
th_op(struct th_parse *p, struct threshold *t)
{
	const char	*s = p->s + p->pos;

	if (s[0] == '<' || s[0] == '>') {
		t->op = s[0] == '<' ? TH_LT : TH_GT;
		if (s[1] == '=')
			t->op = s[0] == '<' ? TH_LE : TH_GE;
	} else if (s[0] == '=' && s[1] == '=')
		t->op = TH_EQ;
	else
		return (th_fail(p, p->pos, "expected an operator: <, <=, >, "
		    ">= or =="));
	p->pos += strlen(th_ops[t->op]);
	return (0);
}

/*
 * A number: digits with an optional fraction, no sign and no exponent,
 * into *v. Returns 0, or -1 with the column of what is wrong.
 */
static int
th_number(struct th_parse *p, double *v, int *fraction)
{
	size_t	 start = p->pos;
	char	 buf[32];

	*fraction = 0;
	if (!isdigit((unsigned char)p->s[p->pos]))
		return (th_fail(p, p->pos, "expected a number"));
	while (isdigit((unsigned char)p->s[p->pos]))
		p->pos++;
	if (p->s[p->pos] == '.') {
		p->pos++;
		if (!isdigit((unsigned char)p->s[p->pos]))
			return (th_fail(p, p->pos, "expected a digit after "
			    "the decimal point"));
		while (isdigit((unsigned char)p->s[p->pos]))
			p->pos++;
		*fraction = 1;
	}
	if (p->pos - start >= sizeof(buf))
		return (th_fail(p, start, "number too long"));
	memcpy(buf, p->s + start, p->pos - start);
	buf[p->pos - start] = '\0';
	*v = strtod(buf, NULL);
	return (0);
}

/*
 * The value and its unit, as the metric's kind wants them, into the
 * limit: microseconds, a percentage, a rate or a count.
 */
static int
th_value(struct th_parse *p, struct threshold *t)
{
	enum th_kind	 kind = th_metrics[t->metric].kind;
	size_t		 start = p->pos, ustart, ulen;
	const char	*u;
	double		 v;
	int		 fraction;

	if (th_number(p, &v, &fraction) == -1)
		return (-1);
	ustart = p->pos;
	while (isalpha((unsigned char)p->s[p->pos]) || p->s[p->pos] == '%')
		p->pos++;
	u = p->s + ustart;
	ulen = p->pos - ustart;
	switch (kind) {
	case TK_LATENCY:
		if (ulen == 0)
			return (th_fail(p, ustart, "a latency needs a unit: "
			    "us, ms or s"));
		if (ulen == 2 && strncmp(u, "us", 2) == 0)
			t->limit = v;
		else if (ulen == 2 && strncmp(u, "ms", 2) == 0)
			t->limit = v * 1000;
		else if (ulen == 1 && *u == 's')
			t->limit = v * US_PER_SEC;
		else
			return (th_fail(p, ustart, "unknown unit: a latency "
			    "takes us, ms or s"));
		if (t->limit > TH_LATENCY_MAX)
			return (th_fail(p, start, "a latency is at most one "
			    "week"));
		return (0);
	case TK_PERCENT:
		if (ulen != 1 || *u != '%')
			return (th_fail(p, ustart, "error_rate is a "
			    "percentage: a number and %, such as 0.1%"));
		if (v > 100)
			return (th_fail(p, start, "a percentage is at most "
			    "100"));
		break;
	case TK_RATE:
	case TK_COUNT:
		if (ulen > 0)
			return (th_fail(p, ustart, "a plain number takes no "
			    "unit"));
		if (kind == TK_COUNT && fraction)
			return (th_fail(p, start, "a count is a whole number"));
		if (v > TH_COUNT_MAX)
			return (th_fail(p, start, "number too large"));
		break;
	}
	t->limit = v;
	return (0);
}

/* The scope, when an @ follows: the index of one target. */
static int
th_scope(struct th_parse *p, struct threshold *t)
{
	size_t	 at = p->pos;
	int64_t	 n = 0;

	t->target = -1;
	if (p->s[p->pos] != '@')
		return (0);
	if (!th_metrics[t->metric].scoped)
		return (th_fail(p, at, "this metric has no value per "
		    "target: lost and crashes belong to the run"));
	p->pos++;
	th_blanks(p);
	t->target_col = p->pos + 1;
	if (!isdigit((unsigned char)p->s[p->pos]))
		return (th_fail(p, p->pos, "expected a target index after @"));
	while (isdigit((unsigned char)p->s[p->pos])) {
		n = n * 10 + (p->s[p->pos++] - '0');
		if (n > UINT32_MAX)
			return (th_fail(p, t->target_col - 1, "target index "
			    "too large"));
	}
	t->target = n;
	return (0);
}

/*
 * Parse expr, "metric op value[unit][@target]" with blanks allowed
 * between the parts, into t, which then owns a copy of expr. Returns 0,
 * or -1 with *errstr and the 1-based *col where the error is; t then owns
 * nothing.
 */
int
threshold_parse(struct threshold *t, const char *expr, const char **errstr,
    size_t *col)
{
	struct th_parse	 p;

	memset(t, 0, sizeof(*t));
	memset(&p, 0, sizeof(p));
	p.s = expr;
	th_blanks(&p);
	if (th_metric(&p, t) == -1)
		goto fail;
	th_blanks(&p);
	if (th_op(&p, t) == -1)
		goto fail;
	th_blanks(&p);
	if (th_value(&p, t) == -1)
		goto fail;
	th_blanks(&p);
	if (th_scope(&p, t) == -1)
		goto fail;
	th_blanks(&p);
	if (p.s[p.pos] != '\0') {
		(void)th_fail(&p, p.pos, "unexpected character after the "
		    "value");
		goto fail;
	}
	t->expr = xstrdup(expr);
	return (0);
fail:
	*errstr = p.errstr;
	*col = p.col;
	return (-1);
}

/* Free what a threshold owns. */
void
threshold_free(struct threshold *t)
{
	free(t->expr);
	t->expr = NULL;
}

/* Return the name of a threshold's metric ("p99"). */
const char *
threshold_metric_name(const struct threshold *t)
{
	return (th_metrics[t->metric].name);
}

/* Return what a threshold's values are: TK_LATENCY, TK_PERCENT, ... */
enum th_kind
threshold_kind(const struct threshold *t)
{
	return (th_metrics[t->metric].kind);
}

/*
 * Check a threshold's scope against the run's ntargets (0 in an --exec or
 * --plugin run): the target must exist, and have latency figures when
 * the metric is a latency. Returns 0, or -1 with a message in err that
 * names the expression and the column of the index.
 */
int
threshold_check(const struct threshold *t, size_t ntargets, char *err,
    size_t len)
{
	if (t->target < 0)
		return (0);
	if (ntargets == 0)
		snprintf(err, len, "--threshold '%s': column %zu: a run "
		    "without URLs has no targets", t->expr, t->target_col);
	else if ((uint64_t)t->target >= ntargets)
		snprintf(err, len, "--threshold '%s': column %zu: no target "
		    "%lld: the run has %zu, 0 to %zu", t->expr,
		    t->target_col, (long long)t->target, ntargets,
		    ntargets - 1);
	else if (threshold_kind(t) == TK_LATENCY &&
	    !pertarget_has_latency((size_t)t->target))
		snprintf(err, len, "--threshold '%s': column %zu: target "
		    "%lld has no latency figures: only targets 0 to %d have",
		    t->expr, t->target_col, (long long)t->target,
		    PERTARGET_LATENCY_MAX - 1);
	else
		return (0);
	return (-1);
}

/* A latency figure of a histogram, rounded as the report rounds it. */
static double
th_latency(enum th_metric m, const struct hist *h)
{
	if (m == TH_MEAN)
		return ((double)llround(hist_mean(h)));
	if (m == TH_STDEV)
		return ((double)llround(hist_stdev(h)));
	return ((double)hist_percentile(h, th_metrics[m].pct));
}

/*
 * Find in *v what a threshold looks at in run r, or in its target, in
 * the metric's units and as the report shows it: integer microseconds,
 * throughput to 2 decimals. error_rate is failed over issued, and for a
 * target, whose requests are never lost or left unrun, failed over its
 * ok and failed. Returns 0, or -1 when there is nothing to look at: no
 * latency was recorded.
 */
int
threshold_observe(const struct threshold *t, const struct outcome *r,
    double *v)
{
	const struct pertarget	*pt;
	const struct hist	*h = r->stats.latency;
	uint64_t		 ok = r->ok, failed = r->failed;
	uint64_t		 issued = r->issued;

	if (t->target >= 0) {
		if (r->targets.t == NULL || (size_t)t->target >= r->targets.n)
			return (-1);
		pt = &r->targets.t[t->target];
		ok = pt->ok;
		failed = pt->failed;
		issued = ok + failed;
		h = pt->latency;
	}
	switch (t->metric) {
	case TH_ERROR_RATE:
		*v = issued == 0 ? 0 : (double)failed * 100 / (double)issued;
		return (0);
	case TH_RPS:
		*v = r->duration_us == 0 ? 0 : round((double)(ok + failed) *
		    US_PER_SEC / (double)r->duration_us * 100) / 100;
		return (0);
	case TH_OK:
		*v = (double)ok;
		return (0);
	case TH_FAILED:
		*v = (double)failed;
		return (0);
	case TH_LOST:
		*v = (double)r->lost;
		return (0);
	case TH_CRASHES:
		*v = (double)outcome_crashes(r);
		return (0);
	default:
		if (h == NULL || hist_count(h) == 0)
			return (-1);
		*v = th_latency(t->metric, h);
		return (0);
	}
}

/* Return 1 when the observed value v meets the threshold. */
int
threshold_holds(const struct threshold *t, double v)
{
	switch (t->op) {
	case TH_LT:
		return (v < t->limit);
	case TH_LE:
		return (v <= t->limit);
	case TH_GT:
		return (v > t->limit);
	case TH_GE:
		return (v >= t->limit);
	default:
		return (v == t->limit);
	}
}

/*
 * Write a value of a threshold's metric for a person into buf: "312ms",
 * "0.53%", "812.25" or "3". Returns buf.
 */
const char *
threshold_format(const struct threshold *t, double v, char *buf,
    size_t len)
{
	switch (threshold_kind(t)) {
	case TK_LATENCY:
		units_format_duration(buf, len, (uint64_t)llround(v));
		break;
	case TK_PERCENT:
		snprintf(buf, len, "%g%%", v);
		break;
	case TK_RATE:
		snprintf(buf, len, "%.2f", v);
		break;
	case TK_COUNT:
		snprintf(buf, len, "%.0f", v);
		break;
	}
	return (buf);
}
