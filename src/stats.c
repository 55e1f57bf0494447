/*
 * Aggregation of per-request results into totals: outcome counts, status
 * codes, errors by code, bytes and the latency and phase histograms. The
 * parent keeps one per run.
 */
#include <stdlib.h>
#include <string.h>

#include "forkload.h"

/* Prepare empty totals. */
void
stats_init(struct stats *s)
{
	int	 i;

	memset(s, 0, sizeof(*s));
	s->latency = hist_new();
	for (i = 0; i < PHASE_MAX; i++)
		s->phase[i] = hist_new();
}

/* Free what the totals own. */
void
stats_free(struct stats *s)
{
	int	 i;

	hist_free(s->latency);
	for (i = 0; i < PHASE_MAX; i++)
		hist_free(s->phase[i]);
	free(s->errors);
	memset(s, 0, sizeof(*s));
}

static void
stats_error_add(struct stats *s, int32_t code, uint64_t n)
{
	size_t	 i;

	/* Few distinct codes occur in a run, so a short array does. */
	for (i = 0; i < s->nerrors; i++) {
		if (s->errors[i].code == code) {
			s->errors[i].count += n;
			return;
		}
	}
	s->errors = xreallocarray(s->errors, s->nerrors + 1,
	    sizeof(*s->errors));
	s->errors[s->nerrors].code = code;
	s->errors[s->nerrors].count = n;
	s->nerrors++;
}

/*
 * Count one result. It is ok when the engine saw no error and the status
 * is expected (exec and plugin tasks have no status and need none).
 * Latency and phases are recorded only for results that got a response,
 * so a refused connection does not pass for a fast request.
 */
void
stats_add(struct stats *s, const struct result *r,
    const struct statusset *expect)
{
	int	 good;

	s->results++;
	s->bytes_in += r->bytes_in;
	s->bytes_out += r->bytes_out;
	if (r->status > 0 && r->status < STATUS_MAX)
		s->status[r->status]++;
	if (r->error != 0)
		stats_error_add(s, r->error, 1);
	good = r->error == 0 &&
	    (r->status == 0 || expect == NULL ||
	    status_match(expect, r->status));
	if (good)
		s->ok++;
	else
		s->failed++;
	if (r->error != 0)
		return;
	hist_record(s->latency, (r->latency_ns + NS_PER_US / 2) / NS_PER_US);
	hist_record(s->phase[PHASE_DNS], r->dns_us);
	hist_record(s->phase[PHASE_CONNECT], r->connect_us);
	hist_record(s->phase[PHASE_TLS], r->tls_us);
	hist_record(s->phase[PHASE_TTFB], r->ttfb_us);
}
