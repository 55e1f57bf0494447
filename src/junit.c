/*
 * --junit: the verdict as JUnit XML, the format CI systems show test
 * results in. One <testsuite> per run (sweep level), one <testcase> per
 * check that verdict.c made of it, and a <failure> with the check's
 * reasons in each one that failed. Pure: the text comes back, and
 * report_write.c writes it as it writes -o.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forkload.h"

/*
 * Write s escaped for XML: the five special characters as entities and,
 * in an attribute, tabs and line ends as character references, so that a
 * parser's normalization of attribute values keeps them. XML 1.0 cannot
 * hold the other control characters at all; they, and any byte beyond
 * ASCII, which might not be UTF-8, become '?'. Our names and reasons are
 * ASCII: this only keeps the file well-formed whatever comes.
 */
static void
junit_escape(FILE *f, const char *s, int attr)
{
	unsigned char	 ch;

	for (; *s != '\0'; s++) {
		ch = (unsigned char)*s;
		if (ch == '&')
			fputs("&amp;", f);
		else if (ch == '<')
			fputs("&lt;", f);
		else if (ch == '>')
			fputs("&gt;", f);
		else if (ch == '"')
			fputs("&quot;", f);
		else if (ch == '\'')
			fputs("&apos;", f);
		else if ((ch == '\n' || ch == '\r' || ch == '\t') && attr)
			fprintf(f, "&#%d;", ch);
		else if ((ch == '\n' || ch == '\r' || ch == '\t'))
			fputc(ch, f);
		else if (ch < 0x20 || ch >= 0x7f)
			fputc('?', f);
		else
			fputc(ch, f);
	}
}

/* Count the checks of run i into *tests, and those that failed. */
static void
junit_count(const struct verdict *v, size_t run, size_t *tests,
    size_t *failures)
{
	size_t	 i;

	for (i = 0; i < v->nchecks; i++) {
		if (v->checks[i].run != run)
			continue;
		(*tests)++;
		if (v->checks[i].failure != NULL)
			(*failures)++;
	}
}

/* One <testcase>, with its <failure> when the check failed. */
static void
junit_case(FILE *f, const struct outcome *r, const struct check *c)
{
	fprintf(f, "    <testcase classname=\"forkload.c%d\" name=\"",
	    r->concurrency);
	junit_escape(f, c->name, 1);
	if (c->failure == NULL) {
		fputs("\"/>\n", f);
		return;
	}
	fputs("\">\n      <failure message=\"", f);
	junit_escape(f, c->failure, 1);
	fputs("\">", f);
	junit_escape(f, c->failure, 0);
	fputs("</failure>\n    </testcase>\n", f);
}

/* One <testsuite>: run i and its checks, in the order verdict.c made. */
static void
junit_suite(FILE *f, const struct report *rep, size_t run)
{
	const struct verdict	*v = rep->verdict;
	const struct outcome	*r = &rep->runs[run];
	size_t			 i, tests = 0, failures = 0;

	junit_count(v, run, &tests, &failures);
	fprintf(f, "  <testsuite name=\"forkload c=%d\" tests=\"%zu\" "
	    "failures=\"%zu\" errors=\"0\" skipped=\"0\" time=\"%.3f\" "
	    "timestamp=\"", r->concurrency, tests, failures,
	    (double)r->duration_us / US_PER_SEC);
	junit_escape(f, rep->started_at, 1);
	fputs("\">\n", f);
	for (i = 0; i < v->nchecks; i++)
		if (v->checks[i].run == run)
			junit_case(f, r, &v->checks[i]);
	fputs("  </testsuite>\n", f);
}

/*
 * Return the JUnit XML of a judged report, to free(), or NULL when there
 * is no memory for it.
 */
char *
junit_dump(const struct report *rep)
{
	FILE	*f;
	char	*text = NULL;
	size_t	 len, i, tests = 0, failures = 0;
	uint64_t us = 0;

	if ((f = open_memstream(&text, &len)) == NULL)
		return (NULL);
	for (i = 0; i < rep->nruns; i++) {
		junit_count(rep->verdict, i, &tests, &failures);
		us += rep->runs[i].duration_us;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<testsuites name=\"forkload\" tests=\"%zu\" "
	    "failures=\"%zu\" errors=\"0\" time=\"%.3f\">\n", tests,
	    failures, (double)us / US_PER_SEC);
	for (i = 0; i < rep->nruns; i++)
		junit_suite(f, rep, i);
	fputs("</testsuites>\n", f);
	if (ferror(f)) {
		(void)fclose(f);
		free(text);
		return (NULL);
	}
	if (fclose(f) == EOF) {
		free(text);
		return (NULL);
	}
	return (text);
}
