/*
 * The verdict of a run, as pytest gives one: it checks the expectations
 * (statuses, transport errors, thresholds, crashes) of every level and
 * names each one that failed. Each expectation of each level is also a
 * check, a test case for JUnit. The exit code follows forkload(1).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forkload.h"

static void
verdict_reason(struct verdict *v, const char *prefix, const char *text)
{
	v->reasons = xreallocarray(v->reasons, v->nreasons + 1,
	    sizeof(*v->reasons));
	xasprintf(&v->reasons[v->nreasons++], "%s%s", prefix, text);
}

/* Add a check of run i, passed until verdict_fail(); returns its index. */
static size_t
verdict_check(struct verdict *v, size_t run, const char *name)
{
	struct check	*c;

	v->checks = xreallocarray(v->checks, v->nchecks + 1,
	    sizeof(*v->checks));
	c = &v->checks[v->nchecks];
	c->run = run;
	c->name = xstrdup(name);
	c->failure = NULL;
	return (v->nchecks++);
}

/* Add a line to the reasons of a check that failed. */
static void
verdict_append(struct check *c, const char *text)
{
	char	*s;

	if (c->failure == NULL) {
		c->failure = xstrdup(text);
		return;
	}
	xasprintf(&s, "%s\n%s", c->failure, text);
	free(c->failure);
	c->failure = s;
}

/* Fail check i with one more line of reason, a reason of the verdict too. */
static void
verdict_fail(struct verdict *v, size_t i, const char *prefix,
    const char *text)
{
	verdict_reason(v, prefix, text);
	verdict_append(&v->checks[i], text);
}

/* Return how many failed requests a run may have under --max-errors. */
static uint64_t
verdict_allowed(const struct config *conf, const struct outcome *r)
{
	if (conf->max_errors_pct < 0)
		return (conf->max_errors);
	return ((uint64_t)floor(conf->max_errors_pct / 100.0 *
	    (double)r->issued + 1e-9));
}

/*
 * The requests of run i: all run, and no more failed than --max-errors
 * allows. Failures by status are the --expect-status check's, the rest
 * --max-errors', and their reasons come sorted, statuses first.
 */
static void
verdict_requests(struct verdict *v, const struct config *conf,
    const struct outcome *r, size_t run, const char *prefix)
{
	const struct stats_error *e;
	char			 text[256], key[48];
	size_t			 i, cs = 0, ce, cn;

	if (ENGINE_IS_HTTP(conf->kind)) {
		snprintf(text, sizeof(text), "--expect-status %s",
		    conf->expect_str);
		cs = verdict_check(v, run, text);
	}
	snprintf(text, sizeof(text), "--max-errors %s", conf->max_errors_str);
	ce = verdict_check(v, run, text);
	cn = verdict_check(v, run, "every request run");
	if (r->not_run > 0) {
		snprintf(text, sizeof(text), "%llu of %llu requests not run: "
		    "no worker was left to run them",
		    (unsigned long long)r->not_run,
		    (unsigned long long)r->issued);
		verdict_fail(v, cn, prefix, text);
	}
	if (r->failed <= verdict_allowed(conf, r))
		return;
	snprintf(text, sizeof(text), "%llu of %llu requests failed "
	    "(--max-errors %s)", (unsigned long long)r->failed,
	    (unsigned long long)r->issued, conf->max_errors_str);
	verdict_fail(v, ce, prefix, text);
	for (i = 0; i < r->stats.nerrors; i++) {
		e = &r->stats.errors[i];
		if (e->kind == STATS_ERR_STATUS)
			snprintf(text, sizeof(text), "status %d: %llu "
			    "response%s outside --expect-status %s", e->code,
			    (unsigned long long)e->count,
			    e->count == 1 ? "" : "s", conf->expect_str);
		else
			snprintf(text, sizeof(text), "error %s: %llu",
			    stats_error_name(conf, e, key, sizeof(key)),
			    (unsigned long long)e->count);
		verdict_fail(v, e->kind == STATS_ERR_STATUS &&
		    ENGINE_IS_HTTP(conf->kind) ? cs : ce, prefix, text);
	}
}

/* Each --threshold, judged in run i: a check, and a result to report. */
static void
verdict_thresholds(struct verdict *v, const struct config *conf,
    const struct outcome *r, size_t run, const char *prefix)
{
	struct threshold_result	*res;
	const struct threshold	*t;
	char			 text[320], name[288], obs[48];
	size_t			 i, c;

	for (i = 0; i < conf->nthresholds; i++) {
		t = &conf->thresholds[i];
		snprintf(name, sizeof(name), "--threshold %s", t->expr);
		c = verdict_check(v, run, name);
		v->thresholds = xreallocarray(v->thresholds,
		    v->nthresholds + 1, sizeof(*v->thresholds));
		res = &v->thresholds[v->nthresholds++];
		memset(res, 0, sizeof(*res));
		res->run = run;
		res->th = t;
		res->observed_set = threshold_observe(t, r,
		    &res->observed) == 0;
		res->ok = res->observed_set &&
		    threshold_holds(t, res->observed);
		if (res->ok)
			continue;
		if (res->observed_set)
			snprintf(text, sizeof(text), "threshold %s: observed "
			    "%s", t->expr, threshold_format(t, res->observed,
			    obs, sizeof(obs)));
		else
			snprintf(text, sizeof(text), "threshold %s: no "
			    "latency recorded", t->expr);
		verdict_fail(v, c, prefix, text);
	}
}

/* The prefix of a run's reasons: "c=10: " when there are several runs. */
static const char *
verdict_prefix(char *buf, size_t len, const struct outcome *r, size_t nruns)
{
	buf[0] = '\0';
	if (nruns > 1)
		snprintf(buf, len, "c=%d: ", r->concurrency);
	return (buf);
}

/*
 * The crashes of every run, a check each: failed in the runs that had
 * one when there were more, over all runs, than --allow-crashes.
 */
static void
verdict_crashes(struct verdict *v, const struct config *conf,
    const struct outcome *runs, size_t nruns, size_t crashes)
{
	const struct worker_info *w;
	char			 prefix[32], how[128], text[320], name[48];
	size_t			 i, j, c;

	snprintf(name, sizeof(name), "--allow-crashes %d",
	    conf->allow_crashes);
	for (i = 0; i < nruns; i++) {
		c = verdict_check(v, i, name);
		if (crashes <= (size_t)conf->allow_crashes)
			continue;
		verdict_prefix(prefix, sizeof(prefix), &runs[i], nruns);
		for (j = 0; j < runs[i].nworkers_total; j++) {
			w = &runs[i].workers[j];
			if (!outcome_is_crash(w))
				continue;
			snprintf(text, sizeof(text), "worker %d (pid %ld) %s",
			    w->id, (long)w->pid,
			    outcome_describe_exit(w, how, sizeof(how)));
			verdict_fail(v, c, prefix, text);
		}
	}
	if (crashes <= (size_t)conf->allow_crashes)
		return;
	snprintf(text, sizeof(text), "%zu worker crash%s, --allow-crashes %d",
	    crashes, crashes == 1 ? "" : "es", conf->allow_crashes);
	verdict_reason(v, "", text);
	/* The total is the verdict's reason once, and each failed check's. */
	for (i = 0; i < v->nchecks; i++)
		if (v->checks[i].failure != NULL &&
		    strcmp(v->checks[i].name, name) == 0)
			verdict_append(&v->checks[i], text);
}

/*
 * Judge the runs of one invocation into v. Exit code precedence: an
 * interruption (130) over a crash (3) over a failed expectation or
 * threshold (1). Requests left unrun because every worker died are a
 * crash's doing: --allow-crashes lets a run survive its crashes, not
 * skip its work.
 */
void
verdict_eval(struct verdict *v, const struct config *conf,
    const struct outcome *runs, size_t nruns, int interrupted)
{
	char	 prefix[32];
	size_t	 i, j, crashes = 0;
	int	 failed = 0, unrun = 0;

	memset(v, 0, sizeof(v[0]));
	for (i = 0; i < nruns; i++) {
		verdict_prefix(prefix, sizeof(prefix), &runs[i], nruns);
		j = v->nreasons;
		verdict_requests(v, conf, &runs[i], i, prefix);
		verdict_thresholds(v, conf, &runs[i], i, prefix);
		if (v->nreasons > j)
			failed = 1;
		if (runs[i].not_run > 0)
			unrun = 1;
		crashes += outcome_crashes(&runs[i]);
	}
	verdict_crashes(v, conf, runs, nruns, crashes);
	for (i = 0; i < nruns; i++) {
		j = verdict_check(v, i, "not interrupted");
		if (interrupted && i == nruns - 1)
			verdict_fail(v, j, "", "interrupted before the run "
			    "finished");
	}

	if (interrupted)
		v->exit_code = EXIT_INTERRUPTED;
	else if (crashes > (size_t)conf->allow_crashes || unrun)
		v->exit_code = EXIT_CRASHED;
	else if (failed)
		v->exit_code = EXIT_FAILED;
	else
		v->exit_code = EXIT_PASSED;
	v->passed = v->exit_code == EXIT_PASSED;
}

/* Free the reasons, checks and threshold results of a verdict. */
void
verdict_free(struct verdict *v)
{
	size_t	 i;

	for (i = 0; i < v->nreasons; i++)
		free(v->reasons[i]);
	free(v->reasons);
	for (i = 0; i < v->nchecks; i++) {
		free(v->checks[i].name);
		free(v->checks[i].failure);
	}
	free(v->checks);
	free(v->thresholds);
	memset(v, 0, sizeof(*v));
}
