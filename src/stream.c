/*
 * --stream FILE: the time series as NDJSON while the run goes, one line
 * per second as the parent finalises it, so that `tail -f FILE | jq` sees
 * each second about 100 ms after its end. The parent must never block on
 * a slow reader, so a line is written only when the file can take it at
 * once; what a reader has not taken yet waits in a bounded buffer. A write
 * that fails is told once, the stream stops and the run goes on; the exit
 * status is then 4, as for a report that could not be written.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forkload.h"

#define STREAM_PENDING_MAX	(1024 * 1024)	/* about an hour of lines */
#define STREAM_DRAIN_MS		10000	/* for a reader, at the end */

static struct {
	int		 fd;		/* -1: no stream, or it stopped */
	const char	*name;		/* for messages */
	char		*buf;		/* lines not written yet */
	size_t		 len;
	size_t		 cap;
	size_t		 runs;		/* runs begun: the next one's number */
	int		 concurrency;	/* of the run that goes on */
	int		 failed;
	int		 tty;
} stream = { -1, NULL, NULL, 0, 0, 0, 0, 0, 0 };

/*
 * Check that --stream can be written at path: "-" is stdout; a file is
 * written in place, so an existing one must be writable, and a new one's
 * directory (config_check_output()). Creates nothing. Returns 0 or -1.
 */
int
stream_check(const char *path, const char **errstr)
{
	struct stat	 sb;

	if (strcmp(path, "-") == 0)
		return (0);
	if (config_check_output(path, errstr) == -1)
		return (-1);
	if (stat(path, &sb) == 0 && access(path, W_OK) == -1) {
		*errstr = "not writable";
		return (-1);
	}
	return (0);
}

/*
 * Open the stream before the run: "-" is stdout, anything else is opened
 * for writing and truncated; a FIFO waits here for its reader. Returns 0,
 * or -1 with errno set.
 */
int
stream_open(const char *path)
{
	int	 fd;

	if (strcmp(path, "-") == 0) {
		stream.fd = STDOUT_FILENO;
		stream.name = "stdout";
	} else {
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0644)) == -1)
			return (-1);
		stream.fd = fd;
		stream.name = path;
	}
	stream.tty = isatty(stream.fd);
	return (0);
}

/* Return 1 when the stream goes to a terminal. */
int
stream_tty(void)
{
	return (stream.fd != -1 && stream.tty);
}

/* Note that a run begins at a concurrency: the lines that follow are its. */
void
stream_run(int concurrency)
{
	stream.concurrency = concurrency;
	stream.runs++;
}

/* Tell a failure once, and stop the stream; the exit status will say it. */
static void
stream_stop(const char *why)
{
	if (why != NULL)
		log_warnx("--stream %s: %s; no more lines are written",
		    stream.name, why);
	else
		log_warn("--stream %s: no more lines are written",
		    stream.name);
	stream.failed = 1;
	if (stream.fd != STDOUT_FILENO)
		(void)close(stream.fd);
	stream.fd = -1;
	stream.len = 0;
}

/*
 * Write what is pending, as far as the file takes it without waiting
 * longer than ms (0: not at all). A pipe that polls writable has room for
 * PIPE_BUF bytes, so no write of that size blocks. Returns 0, or -1 once
 * the stream has stopped.
 */
static int
stream_write(int ms)
{
	struct pollfd	 pfd;
	size_t		 off = 0, n;
	ssize_t		 w;
	int		 rv;

	while (stream.fd != -1 && off < stream.len) {
		pfd.fd = stream.fd;
		pfd.events = POLLOUT;
		if ((rv = poll(&pfd, 1, ms)) == -1 && errno == EINTR)
			continue;
		if (rv == 0)
			break;
		if (rv == -1) {
			stream_stop(NULL);
			return (-1);
		}
		/* POLLERR (a reader gone) too: the write says what it is. */
		n = stream.len - off < PIPE_BUF ? stream.len - off : PIPE_BUF;
		if ((w = write(stream.fd, stream.buf + off, n)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			stream_stop(NULL);
			return (-1);
		}
		off += (size_t)w;
	}
	if (stream.fd == -1)
		return (-1);
	memmove(stream.buf, stream.buf + off, stream.len - off);
	stream.len -= off;
	return (0);
}

/* Write what is pending and can be written now; the parent calls it often. */
void
stream_flush(void)
{
	if (stream.fd != -1 && stream.len > 0)
		(void)stream_write(0);
}

/*
 * Queue the line of a second that has become final, and write what can
 * be. A reader that has left an hour of lines unread stops the stream.
 */
void
stream_entry(const struct series_entry *e)
{
	char	*line;
	size_t	 n;

	if (stream.fd == -1)
		return;
	if ((line = report_series_line(stream.runs - 1, stream.concurrency,
	    e)) == NULL) {
		stream_stop("out of memory");
		return;
	}
	n = strlen(line);
	if (stream.len + n > STREAM_PENDING_MAX) {
		free(line);
		stream_stop("the reader has not read for too long");
		return;
	}
	if (stream.len + n > stream.cap) {
		stream.cap = stream.len + n > 2 * stream.cap ?
		    stream.len + n : 2 * stream.cap;
		stream.buf = xreallocarray(stream.buf, stream.cap, 1);
	}
	memcpy(stream.buf + stream.len, line, n);
	stream.len += n;
	free(line);
	stream_flush();
}

/*
 * Close the stream after the last run: the lines still pending get up to
 * STREAM_DRAIN_MS for a reader to take them. Returns 0, or -1 when some
 * line was not written; 0 too when there was no stream.
 */
int
stream_close(void)
{
	uint64_t	 deadline, now;

	deadline = clock_now_ns() + STREAM_DRAIN_MS * NS_PER_MS;
	while (stream.fd != -1 && stream.len > 0) {
		now = clock_now_ns();
		if (now >= deadline) {
			stream_stop("the reader did not take the last lines");
			break;
		}
		(void)stream_write((int)((deadline - now) / NS_PER_MS) + 1);
	}
	if (stream.fd != -1 && stream.fd != STDOUT_FILENO &&
	    close(stream.fd) == -1) {
		log_warn("--stream %s", stream.name);
		stream.failed = 1;
	}
	stream.fd = -1;
	free(stream.buf);
	stream.buf = NULL;
	stream.len = stream.cap = 0;
	return (stream.failed ? -1 : 0);
}
