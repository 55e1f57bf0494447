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

/* Count n failures of one kind and code, keeping the errors sorted. */
static void
stats_error_add(struct stats *s, int32_t kind, int32_t code, uint64_t n)
{
	struct stats_error	*e;
	size_t			 i;

	/* Few distinct codes occur in a run, so a short array does. */
	for (i = 0; i < s->nerrors; i++) {
		e = &s->errors[i];
		if (e->kind == kind && e->code == code) {
			e->count += n;
			return;
		}
		if (e->kind > kind || (e->kind == kind && e->code > code))
			break;
	}
	s->errors = xreallocarray(s->errors, s->nerrors + 1,
	    sizeof(*s->errors));
	memmove(&s->errors[i + 1], &s->errors[i],
	    (s->nerrors - i) * sizeof(*s->errors));
	s->errors[i].kind = kind;
	s->errors[i].code = code;
	s->errors[i].count = n;
	s->nerrors++;
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
	return (engine_error_name(c, e->code, buf, len));
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
 * Where a result stood against its schedule: how late it started, and
 * its latency from its first byte sent. Its latency from when it was due
 * (what the client of an open-loop service sees: the wait counts, as wrk2
 * corrects it; RESULT_LATENCY_US) is recorded by stats_add() or, in the
 * parent, second by second (series.c). In closed loop a request is due
 * when it starts: the two are the same.
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
	if (r->error == 0)
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
 * recorded here: see stats_add().
 */
void
stats_count(struct stats *s, const struct result *r,
    const struct statusset *expect)
{
	static const uint32_t	 flag[PHASE_MAX] = { RESULT_DNS,
				    RESULT_CONNECT, RESULT_TLS, RESULT_TTFB };
	uint32_t		 phase[PHASE_MAX], v;
	int			 i, good_status;

	s->results++;
	s->bytes_in += r->bytes_in;
	s->bytes_out += r->bytes_out;
	if (r->status > 0 && r->status < STATUS_MAX)
		s->status[r->status]++;
	if ((v = RESULT_VERSION(r->flags)) > 0 && v < STATS_VERSIONS)
		s->versions[v]++;
	good_status = stats_status_ok(expect, r->status);
	if (r->error != 0)
		stats_error_add(s, STATS_ERR_ENGINE, r->error, 1);
	else if (!good_status)
		stats_error_add(s, STATS_ERR_STATUS, (int32_t)r->status, 1);
	if (r->error == 0 && good_status)
		s->ok++;
	else
		s->failed++;
	phase[PHASE_DNS] = r->dns_us;
	phase[PHASE_CONNECT] = r->connect_us;
	phase[PHASE_TLS] = r->tls_us;
	phase[PHASE_TTFB] = r->ttfb_us;
	for (i = 0; i < PHASE_MAX; i++)
		if (r->flags & flag[i])
			hist_record(s->phase[i], phase[i]);
	stats_schedule(s, r);
}

/*
 * Count one result as stats_count() does, and record its latency from
 * when it was due if it has no error, so that a refused connection does
 * not pass for a fast request. The parent's path records latencies second
 * by second instead (series.c), and merges them in here.
 */
void
stats_add(struct stats *s, const struct result *r,
    const struct statusset *expect)
{
	stats_count(s, r, expect);
	if (r->error == 0)
		hist_record(s->latency, RESULT_LATENCY_US(r));
}
