/*
 * A run's results by target (a URL, round robin, or a line of a targets
 * file): each target's ok and failed, statuses, failures by cause and
 * latency, which add up exactly to the run's totals in struct stats. The
 * parent counts them as results come, in the same pass as stats_add().
 */
#include <stdlib.h>
#include <string.h>

#include "forkload.h"

/*
 * Prepare the per-target counts of a run of n targets. With one target,
 * nothing is counted as results come: its figures are the run's, copied
 * by pertarget_finish(), so a run of one URL pays nothing per result.
 */
void
pertarget_init(struct pertargets *pt, size_t n)
{
	memset(pt, 0, sizeof(*pt));
	pt->n = n;
	if (n > 1)
		pt->t = xcalloc(n, sizeof(*pt->t));
}

/* Free what the per-target counts own. */
void
pertarget_free(struct pertargets *pt)
{
	size_t	 i;

	for (i = 0; pt->t != NULL && i < pt->n; i++) {
		free(pt->t[i].status);
		free(pt->t[i].errors);
		hist_free(pt->t[i].latency);
	}
	free(pt->t);
	memset(pt, 0, sizeof(*pt));
}

/*
 * Return 1 when target i gets latency figures. A histogram costs about
 * 184 KiB, so only the first PERTARGET_LATENCY_MAX targets get one, and
 * only once a latency comes for them; the rest are counted alone.
 */
int
pertarget_has_latency(size_t i)
{
	return (i < PERTARGET_LATENCY_MAX);
}

/*
 * Count a status of a target. A target sees few distinct statuses, mostly
 * one: a look along them, inline, saves a call per result.
 */
static void
pertarget_status(struct pertarget *t, int32_t status)
{
	size_t	 i;

	for (i = 0; i < t->nstatus; i++) {
		if (t->status[i].code == status) {
			t->status[i].count++;
			return;
		}
	}
	stats_tally(&t->status, &t->nstatus, STATS_ERR_STATUS, status, 1);
}

/*
 * Count one result for its target, which ingest_results() has checked.
 * failed is stats_add()'s judgement of it, so that the targets add up to
 * the run. Called for runs of more than one target only.
 */
void
pertarget_add(struct pertargets *pt, const struct result *r, int failed)
{
	struct pertarget	*t = &pt->t[r->target];
	uint64_t		 us;
	int32_t			 kind, code;

	if (r->status > 0)
		pertarget_status(t, (int32_t)r->status);
	if (failed) {
		stats_cause(r, &kind, &code);
		stats_tally(&t->errors, &t->nerrors, kind, code, 1);
		t->failed++;
	} else
		t->ok++;
	if (!stats_latency(r, &us) || !pertarget_has_latency(r->target))
		return;
	if (t->latency == NULL)
		t->latency = hist_new();
	hist_record(t->latency, us);
}

/*
 * Close the per-target books of a run whose totals are s. A run of one
 * target counted nothing per result: its target's figures are the run's
 * own, copied here so that readers see every run the same way.
 */
void
pertarget_finish(struct pertargets *pt, const struct stats *s)
{
	struct pertarget	*t;
	size_t			 i;

	if (pt->n != 1 || pt->t != NULL)
		return;
	t = pt->t = xcalloc(1, sizeof(*pt->t));
	t->ok = s->ok;
	t->failed = s->failed;
	for (i = 0; i < STATUS_MAX; i++)
		if (s->status[i] > 0)
			stats_tally(&t->status, &t->nstatus, STATS_ERR_STATUS,
			    (int32_t)i, s->status[i]);
	for (i = 0; i < s->nerrors; i++)
		stats_tally(&t->errors, &t->nerrors, s->errors[i].kind,
		    s->errors[i].code, s->errors[i].count);
	t->latency = hist_new();
	hist_merge(t->latency, s->latency);
}

/*
 * Add the per-target counts of src, finished, into dst, finished or
 * still empty, target by target: the same targets of another shard of
 * the run. Returns 0, or -1 when the two do not have the same targets.
 */
int
pertarget_merge(struct pertargets *dst, const struct pertargets *src)
{
	const struct pertarget	*s;
	struct pertarget	*d;
	size_t			 i, k;

	if (dst->n != src->n || src->t == NULL)
		return (-1);
	if (dst->t == NULL)
		dst->t = xcalloc(dst->n, sizeof(*dst->t));
	for (i = 0; i < src->n; i++) {
		s = &src->t[i];
		d = &dst->t[i];
		d->ok += s->ok;
		d->failed += s->failed;
		for (k = 0; k < s->nstatus; k++)
			stats_tally(&d->status, &d->nstatus, s->status[k].kind,
			    s->status[k].code, s->status[k].count);
		for (k = 0; k < s->nerrors; k++)
			stats_tally(&d->errors, &d->nerrors, s->errors[k].kind,
			    s->errors[k].code, s->errors[k].count);
		if (s->latency == NULL)
			continue;
		if (d->latency == NULL)
			d->latency = hist_new();
		hist_merge(d->latency, s->latency);
	}
	return (0);
}
