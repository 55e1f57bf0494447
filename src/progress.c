/*
 * The live progress line on stderr, drawn while a run goes on when stderr
 * is a terminal: how far the run is (a bar and an ETA against -n, the
 * time against -d), the rate and p99 of the last whole second, the errors
 * so far and the workers alive. Each draw rewrites the line in place, cut
 * to the terminal's width, and the last one clears it.
 */
#include <sys/ioctl.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "forkload.h"

#define PROGRESS_BAR	12		/* cells of the bar */

/* Append to buf at *off what fmt says, as far as it fits. */
static void
progress_add(char *buf, size_t len, size_t *off, const char *fmt, ...)
    PRINTFLIKE(4, 5);

static void
progress_add(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n < len - *off ? (size_t)n : len - *off - 1;
}

/*
 * A time, short: tenths of a second below 10 s, then whole seconds,
 * minutes and hours, so that the line keeps its width as it is redrawn.
 */
static void
progress_time(char *buf, size_t len, uint64_t us)
{
	uint64_t	 s = us / US_PER_SEC;

	if (s < 10)
		snprintf(buf, len, "%llu.%llus", (unsigned long long)s,
		    (unsigned long long)(us / 100000 % 10));
	else if (s < 60)
		snprintf(buf, len, "%llus", (unsigned long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%llum%02llus", (unsigned long long)s / 60,
		    (unsigned long long)s % 60);
	else
		snprintf(buf, len, "%lluh%02llum", (unsigned long long)s / 3600,
		    (unsigned long long)s / 60 % 60);
}

/* The bar, percent and ETA of a run against its count. */
static void
progress_count(char *buf, size_t len, size_t *off, const struct progress *p)
{
	char		 bar[PROGRESS_BAR + 1], eta[32];
	uint64_t	 done = p->done < p->total ? p->done : p->total;
	uint64_t	 left, cells;

	cells = done * PROGRESS_BAR / p->total;
	memset(bar, '=', cells);
	memset(bar + cells, ' ', PROGRESS_BAR - cells);
	bar[PROGRESS_BAR] = '\0';
	strlcpy(eta, "-", sizeof(eta));
	if (done > 0) {
		/* At the pace so far; -d may end it sooner. */
		left = (uint64_t)((double)p->elapsed_us *
		    (double)(p->total - done) / (double)done);
		if (p->duration_us > p->elapsed_us &&
		    p->duration_us - p->elapsed_us < left)
			left = p->duration_us - p->elapsed_us;
		progress_time(eta, sizeof(eta), left);
	}
	progress_add(buf, len, off, " [%s] %3llu%% ETA %s", bar,
	    (unsigned long long)(done * 100 / p->total), eta);
}

/*
 * Write the progress line into buf, without control characters: what
 * progress_draw() shows. Returns its length.
 */
size_t
progress_format(char *buf, size_t len, const struct progress *p)
{
	char	 a[32], b[32];
	size_t	 off = 0;

	if (len == 0)
		return (0);
	buf[0] = '\0';
	progress_add(buf, len, &off, "c=%d", p->concurrency);
	if (p->total != UINT64_MAX && p->total > 0)
		progress_count(buf, len, &off, p);
	progress_time(a, sizeof(a), p->elapsed_us);
	if (p->duration_us != 0) {
		progress_time(b, sizeof(b), p->duration_us);
		progress_add(buf, len, &off, " %s/%s", a, b);
	} else if (p->total == UINT64_MAX)
		progress_add(buf, len, &off, " %llu done %s",
		    (unsigned long long)p->done, a);
	/* The last whole second: the rate and p99 now. */
	strlcpy(a, "-", sizeof(a));
	strlcpy(b, "-", sizeof(b));
	if (p->now != NULL) {
		snprintf(a, sizeof(a), "%llu",
		    (unsigned long long)(p->now->ok + p->now->failed));
		if (p->now->latency)
			units_format_duration(b, sizeof(b), p->now->p99);
	}
	progress_add(buf, len, &off, "  %s/s  p99 %s  %llu error%s", a, b,
	    (unsigned long long)p->failed, p->failed == 1 ? "" : "s");
	progress_add(buf, len, &off, "  %d worker%s", p->alive,
	    p->alive == 1 ? "" : "s");
	if (p->crashes > 0)
		progress_add(buf, len, &off, ", %d crash%s", p->crashes,
		    p->crashes == 1 ? "" : "es");
	return (off);
}

/*
 * Draw the progress line over the last one, cut to the terminal's width
 * so that it never wraps: a wrapped line could not be rewritten in place.
 */
void
progress_draw(const struct progress *p)
{
	struct winsize	 ws;
	char		 line[256];
	size_t		 n, cols = 80;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		cols = ws.ws_col;
	n = progress_format(line, sizeof(line), p);
	if (n > cols - 1)
		n = cols - 1;
	fprintf(stderr, "\r\033[K%.*s", (int)n, line);
	(void)fflush(stderr);
}

/* Clear the progress line, so that the summary starts on a clean one. */
void
progress_clear(void)
{
	fprintf(stderr, "\r\033[K");
	(void)fflush(stderr);
}
