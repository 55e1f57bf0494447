/*
 * The human summary, laid out like wrk's and hey's: requests, rate, the
 * latency table, status codes, errors, targets, and one line per worker
 * that did not end cleanly; then the verdict, like pytest's. Also the live
 * progress line.
 */
#include <stdio.h>
#include <string.h>

#include "forkload.h"

static void
summary_lat(char *buf, size_t len, uint64_t us)
{
	units_format_duration(buf, len, us);
}

/*
 * One line per target when a run has several, the first SUMMARY_TARGETS
 * of them: its ok and failed, and its p99 where it has one. The report
 * has them all, with every figure.
 */
#define SUMMARY_TARGETS	10
static void
summary_targets(FILE *f, const struct report *rep, const struct outcome *r)
{
	const struct pertarget	*t;
	char			 p99[32];
	size_t			 i;

	if (r->targets.n < 2 || r->targets.t == NULL)
		return;
	for (i = 0; i < r->targets.n && i < SUMMARY_TARGETS; i++) {
		t = &r->targets.t[i];
		fprintf(f, "%s#%zu %s %s: %llu ok, %llu failed",
		    i == 0 ? "  Targets:   " : "             ", i,
		    config_target_method(rep->conf, i),
		    config_target_url(rep->conf, i),
		    (unsigned long long)t->ok, (unsigned long long)t->failed);
		if (t->latency != NULL && hist_count(t->latency) > 0) {
			summary_lat(p99, sizeof(p99),
			    hist_percentile(t->latency, 99));
			fprintf(f, ", p99 %s", p99);
		}
		fputc('\n', f);
	}
	if (r->targets.n > SUMMARY_TARGETS)
		fprintf(f, "             and %zu more targets\n",
		    r->targets.n - SUMMARY_TARGETS);
}

/*
 * How the thresholds fared in a run; the verdict below names each one
 * that failed, with what was observed.
 */
static void
summary_thresholds(FILE *f, const struct report *rep, size_t run)
{
	const struct verdict	*v = rep->verdict;
	size_t			 i, ok = 0, failed = 0;

	for (i = 0; i < v->nthresholds; i++) {
		if (v->thresholds[i].run != run)
			continue;
		if (v->thresholds[i].ok)
			ok++;
		else
			failed++;
	}
	if (ok + failed > 0)
		fprintf(f, "  Thresholds: %zu passed, %zu failed\n", ok,
		    failed);
}

/* Print a latency table: the moments, then the percentiles. */
static void
summary_latency(FILE *f, const char *label, const struct hist *h)
{
	char	 a[32], b[32], c[32], d[32];

	summary_lat(a, sizeof(a), hist_min(h));
	summary_lat(b, sizeof(b), (uint64_t)(hist_mean(h) + 0.5));
	summary_lat(c, sizeof(c), (uint64_t)(hist_stdev(h) + 0.5));
	summary_lat(d, sizeof(d), hist_max(h));
	fprintf(f, "  %s min %s, mean %s, stdev %s, max %s\n", label, a, b, c,
	    d);
	summary_lat(a, sizeof(a), hist_percentile(h, 50));
	summary_lat(b, sizeof(b), hist_percentile(h, 90));
	summary_lat(c, sizeof(c), hist_percentile(h, 99));
	summary_lat(d, sizeof(d), hist_percentile(h, 99.9));
	fprintf(f, "  %*s p50 %s, p90 %s, p99 %s, p99.9 %s\n",
	    (int)strlen(label), "", a, b, c, d);
}

/*
 * Under -R: the latency from the actual send beside the corrected one,
 * the rate asked and achieved, and a warning when it fell short by over
 * 1%, which a -c too small for the rate times the latency causes.
 */
static void
summary_schedule(FILE *f, const struct config *c, const struct outcome *r)
{
	const struct stats	*s = &r->stats;
	double			 asked, got;
	char			 lag[32];

	if (hist_count(s->latency_raw) > 0)
		summary_latency(f, "Uncorrected:", s->latency_raw);
	asked = outcome_target_rps(r, c);
	got = outcome_achieved_rps(r);
	units_format_duration(lag, sizeof(lag), s->max_lag_ns / NS_PER_US);
	fprintf(f, "  Schedule:  %.2f req/s asked, ", asked);
	if (got >= 0)
		fprintf(f, "%.2f achieved", got);
	else
		fprintf(f, "too few requests to tell the rate achieved");
	fprintf(f, ", %llu late by over 1ms, max lag %s\n",
	    (unsigned long long)s->late, lag);
	if (r->missed > 0)
		fprintf(f, "  Warning:   %llu requests due before the end "
		    "never started: raise -c or -w\n",
		    (unsigned long long)r->missed);
	else if (got >= 0 && got < asked * 0.99)
		fprintf(f, "  Warning:   the target rate was not reached "
		    "(%.1f%%): raise -c or -w\n", got * 100 / asked);
}

static void
summary_run(FILE *f, const struct report *rep, const struct outcome *r)
{
	const struct stats	*s = &r->stats;
	const struct hist	*h = s->latency;
	const char		*name;
	const struct worker_info *w;
	char			 a[32], how[128];
	size_t			 i;
	int			 first;

	units_format_duration(a, sizeof(a), r->duration_us);
	fprintf(f, "Concurrency %d, %d worker%s, %s", r->concurrency,
	    r->nworkers, r->nworkers == 1 ? "" : "s", a);
	if (r->respawns > 0)
		fprintf(f, ", %d respawned", r->respawns);
	fputc('\n', f);
	fprintf(f, "  Requests:  %llu issued, %llu ok, %llu failed, "
	    "%llu lost, %llu not run\n", (unsigned long long)r->issued,
	    (unsigned long long)r->ok, (unsigned long long)r->failed,
	    (unsigned long long)r->lost, (unsigned long long)r->not_run);
	fprintf(f, "  Rate:      %.2f req/s, %llu bytes in, %llu bytes out\n",
	    outcome_rps(r), (unsigned long long)s->bytes_in,
	    (unsigned long long)s->bytes_out);
	if (hist_count(h) > 0)
		summary_latency(f, "Latency:  ", h);
	if (outcome_target_rps(r, rep->conf) >= 0)
		summary_schedule(f, rep->conf, r);
	first = 1;
	for (i = 0; i < STATUS_MAX; i++) {
		if (s->status[i] == 0)
			continue;
		fprintf(f, "%s%zu: %llu%s", first ? "  Status:    " : ", ", i,
		    (unsigned long long)s->status[i],
		    status_match(&rep->conf->expect, i) ? "" : " (unexpected)");
		first = 0;
	}
	if (!first)
		fputc('\n', f);
	for (i = 0; i < s->nerrors; i++) {
		name = stats_error_name(rep->conf, &s->errors[i], a,
		    sizeof(a));
		fprintf(f, "%s%s: %llu", i == 0 ? "  Errors:    " : ", ", name,
		    (unsigned long long)s->errors[i].count);
	}
	if (s->nerrors > 0)
		fputc('\n', f);
	summary_targets(f, rep, r);
	summary_thresholds(f, rep, (size_t)(r - rep->runs));
	for (i = 0; i < r->nworkers_total; i++) {
		if (!outcome_is_crash(&r->workers[i]))
			continue;
		w = &r->workers[i];
		fprintf(f, "  Worker %d (pid %ld): %s, %llu results "
		    "delivered\n", w->id, (long)w->pid,
		    outcome_describe_exit(w, how, sizeof(how)),
		    (unsigned long long)w->results);
	}
}

/* Print the human summary of a report. */
void
summary_print(FILE *f, const struct report *rep)
{
	const struct verdict	*v = rep->verdict;
	const struct config	*c = rep->conf;
	char *const		*arg;
	size_t			 i;

	fprintf(f, "forkload %s", rep->version);
	/* Which HTTP engine ran: their figures are not each other's. */
	if (ENGINE_IS_HTTP(c->kind))
		fprintf(f, ", %s engine", engine_name(c->kind));
	/* A shard's figures are its share's, not the run's. */
	if (c->shard_count > 0)
		fprintf(f, ", shard %d/%d of run %s", c->shard_index,
		    c->shard_count, c->run_id);
	fprintf(f, ": ");
	if (c->kind == ENGINE_EXEC) {
		fprintf(f, "exec");
		for (arg = c->exec_argv; *arg != NULL; arg++)
			fprintf(f, " %s", *arg);
		fputc('\n', f);
	} else if (c->kind == ENGINE_PLUGIN)
		fprintf(f, "plugin %s%s%s\n", c->plugin_path,
		    c->plugin_arg != NULL ? ":" : "",
		    c->plugin_arg != NULL ? c->plugin_arg : "");
	else
		fprintf(f, "%s %s%s\n", config_target_method(c, 0),
		    c->urls[0], c->nurls > 1 ? " (and more)" : "");
	for (i = 0; i < rep->nruns; i++)
		summary_run(f, rep, &rep->runs[i]);
	fprintf(f, "Verdict: %s\n", v->passed ? "PASSED" : "FAILED");
	for (i = 0; i < v->nreasons; i++)
		fprintf(f, "  %s\n", v->reasons[i]);
	/* The summary is for eyes: a terminal gone away is no failure. */
	(void)fflush(f);
}
