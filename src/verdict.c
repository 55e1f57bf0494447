/*
 * The verdict of a run, as pytest gives one: it checks the expectations
 * (statuses, transport errors, crashes) of every level and names each one
 * that failed. The exit code follows forkload(1).
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

/* Return how many failed requests a run may have under --max-errors. */
static uint64_t
verdict_allowed(const struct config *conf, const struct outcome *r)
{
	if (conf->max_errors_pct < 0)
		return (conf->max_errors);
	return ((uint64_t)floor(conf->max_errors_pct / 100.0 *
	    (double)r->issued + 1e-9));
}

static void
verdict_run(struct verdict *v, const struct config *conf,
    const struct outcome *r, const char *prefix)
{
	const struct stats	*s = &r->stats;
	const struct stats_error *e;
	char			 text[256], key[48];
	uint64_t		 allowed;
	size_t			 i;

	allowed = verdict_allowed(conf, r);
	if (r->not_run > 0) {
		snprintf(text, sizeof(text), "%llu of %llu requests not run: "
		    "no worker was left to run them",
		    (unsigned long long)r->not_run,
		    (unsigned long long)r->issued);
		verdict_reason(v, prefix, text);
	}
	if (r->failed <= allowed)
		return;
	snprintf(text, sizeof(text), "%llu of %llu requests failed "
	    "(--max-errors %s)", (unsigned long long)r->failed,
	    (unsigned long long)r->issued, conf->max_errors_str);
	verdict_reason(v, prefix, text);
	/* Failures by status come first, as the errors are sorted. */
	for (i = 0; i < s->nerrors; i++) {
		e = &s->errors[i];
		if (e->kind == STATS_ERR_STATUS)
			snprintf(text, sizeof(text), "status %d: %llu "
			    "response%s outside --expect-status %s", e->code,
			    (unsigned long long)e->count,
			    e->count == 1 ? "" : "s", conf->expect_str);
		else
			snprintf(text, sizeof(text), "error %s: %llu",
			    stats_error_name(conf, e, key, sizeof(key)),
			    (unsigned long long)e->count);
		verdict_reason(v, prefix, text);
	}
}

/*
 * Judge the runs of one invocation into v. Exit code precedence: an
 * interruption (130) over a crash (3) over a failed expectation (1).
 * Requests left unrun because every worker died are a crash's doing:
 * --allow-crashes lets a run survive its crashes, not skip its work.
 */
void
verdict_eval(struct verdict *v, const struct config *conf,
    const struct outcome *runs, size_t nruns, int interrupted)
{
	const struct worker_info *w;
	char			 prefix[32], how[128], text[320];
	size_t			 i, j, crashes = 0;
	int			 failed = 0, unrun = 0;

	memset(v, 0, sizeof(v[0]));
	for (i = 0; i < nruns; i++) {
		prefix[0] = '\0';
		if (nruns > 1)
			snprintf(prefix, sizeof(prefix), "c=%d: ",
			    runs[i].concurrency);
		j = v->nreasons;
		verdict_run(v, conf, &runs[i], prefix);
		if (v->nreasons > j)
			failed = 1;
		if (runs[i].not_run > 0)
			unrun = 1;
		crashes += outcome_crashes(&runs[i]);
	}
	if (crashes > (size_t)conf->allow_crashes) {
		for (i = 0; i < nruns; i++) {
			prefix[0] = '\0';
			if (nruns > 1)
				snprintf(prefix, sizeof(prefix), "c=%d: ",
				    runs[i].concurrency);
			for (j = 0; j < runs[i].nworkers_total; j++) {
				w = &runs[i].workers[j];
				if (!outcome_is_crash(w))
					continue;
				snprintf(text, sizeof(text),
				    "worker %d (pid %ld) %s", w->id,
				    (long)w->pid,
				    outcome_describe_exit(w, how, sizeof(how)));
				verdict_reason(v, prefix, text);
			}
		}
		snprintf(text, sizeof(text), "%zu worker crash%s, "
		    "--allow-crashes %d", crashes, crashes == 1 ? "" : "es",
		    conf->allow_crashes);
		verdict_reason(v, "", text);
	}
	if (interrupted)
		verdict_reason(v, "", "interrupted before the run finished");

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

/* Free the reasons of a verdict. */
void
verdict_free(struct verdict *v)
{
	size_t	 i;

	for (i = 0; i < v->nreasons; i++)
		free(v->reasons[i]);
	free(v->reasons);
	memset(v, 0, sizeof(*v));
}
