/*
 * Aggregation of per-request results into totals: outcome counts, status
 * codes, failures by cause, HTTP versions, bytes and the latency and phase
 * histograms. The parent keeps one per run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forkload.h"

/* Prepare empty totals. */
void
stats_init(struct stats *s)
{
	int	 i;

	memset(s, 0, sizeof(*s));
	s->first_start_ns = UINT64_MAX;
	s->latency = hist_new();
	s->latency_raw = hist_new();
	for (i = 0; i < PHASE_MAX; i++)
		s->phase[i] = hist_new();
}

/* Free what the totals own. */
void
stats_free(struct stats *s)
{
	int	 i;

	hist_free(s->latency);
	hist_free(s->latency_raw);
	for (i = 0; i < PHASE_MAX; i++)
		hist_free(s->phase[i]);
	free(s->errors);
	memset(s, 0, sizeof(*s));
}

/*
 * Count n of one kind and code in a list kept sorted by kind, then code:
 * the failures of a run or of a target, or a target's statuses.
 */
void
stats_tally(struct stats_error **list, size_t *len, int32_t kind,
    int32_t code, uint64_t n)
{
	struct stats_error	*e;
	size_t			 i;

	/* Few distinct codes occur in a run, so a short array does. */
	for (i = 0; i < *len; i++) {
		e = &(*list)[i];
		if (e->kind == kind && e->code == code) {
			e->count += n;
			return;
		}
		if (e->kind > kind || (e->kind == kind && e->code > code))
			break;
	}
	*list = xreallocarray(*list, *len + 1, sizeof(**list));
	memmove(&(*list)[i + 1], &(*list)[i], (*len - i) * sizeof(**list));
	(*list)[i].kind = kind;
	(*list)[i].code = code;
	(*list)[i].count = n;
	(*len)++;
}

/* Return 1 when a status is expected; no status (exec, plugin) needs none. */
static int
stats_status_ok(const struct statusset *expect, uint32_t status)
{
	return (status == 0 || expect == NULL || status_match(expect, status));
}

/* Return 1 when a result counts as ok, as stats_count() judges it. */
int
stats_ok(const struct result *r, const struct statusset *expect)
{
	return (r->error == 0 && stats_status_ok(expect, r->status));
}

/*
 * Return 1 when a result failed, with its cause in *kind and *code: the
 * engine's error, or else a status outside expect (exec and plugin tasks
 * have no status and need none). Return 0 when it is ok.
 */
int
stats_failure(const struct result *r, const struct statusset *expect,
    int32_t *kind, int32_t *code)
{
	if (stats_ok(r, expect))
		return (0);
	stats_cause(r, kind, code);
	return (1);
}

/*
 * The cause of a result known to have failed: the engine's error if it
 * had one, else its status.
 */
void
stats_cause(const struct result *r, int32_t *kind, int32_t *code)
{
	*kind = r->error != 0 ? STATS_ERR_ENGINE : STATS_ERR_STATUS;
	*code = r->error != 0 ? r->error : (int32_t)r->status;
}

/*
 * Return 1 when a result has a latency to record, in microseconds in
 * *us: only a result without an error has, so that a refused connection
 * does not pass for a fast request. The latency runs from when the
 * request was due (under -R, corrected for coordinated omission; in
 * closed loop, from its start). Every corrected latency histogram, the
 * run's and its targets', takes its values from here.
 */
int
stats_latency(const struct result *r, uint64_t *us)
{
	if (r->error != 0)
		return (0);
	*us = RESULT_LATENCY_US(r);
	return (1);
}

/*
 * Return the report's name of an error: STATUS_<code> for a failure by
 * status, else the engine's name for its code ("COULDNT_CONNECT"), using
 * buf.
 */
const char *
stats_error_name(const struct config *c, const struct stats_error *e,
    char *buf, size_t len)
{
	if (e->kind == STATS_ERR_STATUS) {
		snprintf(buf, len, "STATUS_%d", e->code);
		return (buf);
	}
	/* A report read back names its errors; it has no codes. */
	if (e->kind == STATS_ERR_NAMED && e->code >= 0 &&
	    (size_t)e->code < c->nerror_names)
		return (c->error_names[e->code]);
	return (engine_error_name(c, e->code, buf, len));
}

/*
 * Where a result stood against its schedule: how late it started, and
 * its latency from its first byte sent, uncorrected. The corrected one,
 * from when it was due (what the client of an open-loop service sees:
 * the wait counts, as wrk2 corrects it), is stats_latency()'s. In closed
 * loop a request is due when it starts: the two are the same.
 */
static void
stats_schedule(struct stats *s, const struct result *r)
{
	uint64_t	 lag;

	lag = RESULT_LAG_NS(r);
	if (lag > NS_PER_MS)
		s->late++;
	if (lag > s->max_lag_ns)
		s->max_lag_ns = lag;
	if (r->start_ns < s->first_start_ns)
		s->first_start_ns = r->start_ns;
	if (r->start_ns > s->last_start_ns)
		s->last_start_ns = r->start_ns;
	if (r->error != 0)
		return;
	hist_record(s->latency_raw,
	    (r->latency_ns + NS_PER_US / 2) / NS_PER_US);
}

/*
 * Count one result. It is ok when the engine saw no error and the status
 * is expected (exec and plugin tasks have no status and need none). A
 * failed result counts once among the errors, by its cause: the engine's
 * error, or else its status; so the errors add up to the failures. A
 * status counts whenever its status line arrived, even if the request
 * then failed. A phase is recorded only where it happened, and so is the
 * uncorrected latency (stats_schedule()). The corrected latency is not
 * recorded here: see stats_add(). Returns 1 when the result failed.
 */
int
stats_count(struct stats *s, const struct result *r,
    const struct statusset *expect)
{
	static const uint32_t	 flag[PHASE_MAX] = { RESULT_DNS,
				    RESULT_CONNECT, RESULT_TLS, RESULT_TTFB };
	uint32_t		 phase[PHASE_MAX], v;
	int32_t			 kind, code;
	int			 i, failed;

	s->results++;
	s->bytes_in += r->bytes_in;
	s->bytes_out += r->bytes_out;
	if (r->status > 0 && r->status < STATUS_MAX)
		s->status[r->status]++;
	if ((v = RESULT_VERSION(r->flags)) > 0 && v < STATS_VERSIONS)
		s->versions[v]++;
	if ((failed = stats_failure(r, expect, &kind, &code))) {
		stats_tally(&s->errors, &s->nerrors, kind, code, 1);
		s->failed++;
	} else
		s->ok++;
	phase[PHASE_DNS] = r->dns_us;
	phase[PHASE_CONNECT] = r->connect_us;
	phase[PHASE_TLS] = r->tls_us;
	phase[PHASE_TTFB] = r->ttfb_us;
	for (i = 0; i < PHASE_MAX; i++)
		if (r->flags & flag[i])
			hist_record(s->phase[i], phase[i]);
	stats_schedule(s, r);
	return (failed);
}

/*
 * Count one result as stats_count() does, and record its corrected
 * latency (stats_latency()). The parent's path records latencies second
 * by second instead (series.c), and merges them in. Returns 1 when the
 * result failed.
 */
int
stats_add(struct stats *s, const struct result *r,
    const struct statusset *expect)
{
	uint64_t	 us;
	int		 failed;

	failed = stats_count(s, r, expect);
	if (stats_latency(r, &us))
		hist_record(s->latency, us);
	return (failed);
}

/*
 * Add the totals src into dst, exactly: counts, statuses, failures by
 * cause, bytes and versions add up, histograms merge bucket by bucket,
 * and the extremes keep the more extreme. The shards of one run merge
 * this way (forkload merge), as the workers of one run already do.
 */
void
stats_merge(struct stats *dst, const struct stats *src)
{
	size_t	 i;

	dst->results += src->results;
	dst->ok += src->ok;
	dst->failed += src->failed;
	for (i = 0; i < STATUS_MAX; i++)
		dst->status[i] += src->status[i];
	for (i = 0; i < src->nerrors; i++)
		stats_tally(&dst->errors, &dst->nerrors, src->errors[i].kind,
		    src->errors[i].code, src->errors[i].count);
	dst->bytes_in += src->bytes_in;
	dst->bytes_out += src->bytes_out;
	for (i = 0; i < STATS_VERSIONS; i++)
		dst->versions[i] += src->versions[i];
	dst->late += src->late;
	if (src->max_lag_ns > dst->max_lag_ns)
		dst->max_lag_ns = src->max_lag_ns;
	if (src->first_start_ns < dst->first_start_ns)
		dst->first_start_ns = src->first_start_ns;
	if (src->last_start_ns > dst->last_start_ns)
		dst->last_start_ns = src->last_start_ns;
	hist_merge(dst->latency, src->latency);
	hist_merge(dst->latency_raw, src->latency_raw);
	for (i = 0; i < PHASE_MAX; i++)
		hist_merge(dst->phase[i], src->phase[i]);
}
