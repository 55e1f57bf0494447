/*
 * Where a finished run's report goes: the -o file, written atomically so
 * that a script never reads half a report; the JSON on stdout with --json;
 * the verdict as JUnit XML with --junit, written the same way; and the
 * human summary. A report that cannot be written turns the exit
 * status into 4, the status of a system failure.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forkload.h"

/* Write all of text to fd; returns 0, or -1 with errno set. */
static int
report_write_all(int fd, const char *text)
{
	size_t	 len = strlen(text), off = 0;
	ssize_t	 n;

	while (off < len) {
		if ((n = write(fd, text + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		off += n;
	}
	return (0);
}

/*
 * Write the report into something that is not a regular file, such as a
 * FIFO or a device, or through a link that names no regular file: in
 * place, since a rename() over it would replace the device or the link.
 */
static int
report_write_special(const char *text, const char *path)
{
	int	 fd, saved;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		return (-1);
	if (report_write_all(fd, text) == -1) {
		saved = errno;
		(void)close(fd);
		errno = saved;
		return (-1);
	}
	return (close(fd));
}

/*
 * Write text to the regular file path (or where a new one would be)
 * through a temporary file in the same directory and rename(), so that
 * a reader never sees half of it. Returns 0, or -1 with errno set.
 */
static int
report_write_file(const char *text, const char *path)
{
	char	*tmp, *copy, *base;
	int	 fd, saved;

	/* dirname() and basename() may write: give each its own copy. */
	copy = xstrdup(path);
	base = xstrdup(path);
	xasprintf(&tmp, "%s/.%s.XXXXXX", dirname(copy), basename(base));
	free(copy);
	free(base);
	if ((fd = mkstemp(tmp)) == -1) {
		saved = errno;
		free(tmp);
		errno = saved;
		return (-1);
	}
	if (report_write_all(fd, text) == -1 || fchmod(fd, 0644) == -1 ||
	    fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	free(tmp);
	return (0);
fail:
	/* The first failure is the one to report; clean up quietly. */
	saved = errno;
	if (fd != -1)
		(void)close(fd);
	(void)unlink(tmp);
	free(tmp);
	errno = saved;
	return (-1);
}

/*
 * Write text to path through a temporary file in the same directory and
 * rename(), so a reader never sees half of it: the way -o and --junit
 * are written. Returns 0, or -1 with errno set.
 */
int
report_write_text(const char *text, const char *path)
{
	char	*real;
	int	 rv, saved;

	/*
	 * A link is written through, never replaced: the rename goes over
	 * the regular file it names. Else, as root, -o /dev/stdout with
	 * stdout on a file would replace /dev/stdout itself.
	 */
	if ((real = config_output_target(path)) != NULL)
		rv = report_write_file(text, real);
	else
		rv = report_write_special(text, path);
	saved = errno;
	free(real);
	errno = saved;
	return (rv);
}

/*
 * Write what dump makes of the report (the JSON, or the JUnit XML) to
 * path atomically; returns 0, or -1 with errno set.
 */
static int
report_write_as(const struct report *rep, const char *path,
    char *(*dump)(const struct report *))
{
	char	*text;
	int	 rv, saved;

	if ((text = dump(rep)) == NULL)
		return (-1);
	rv = report_write_text(text, path);
	saved = errno;
	free(text);
	errno = saved;
	return (rv);
}

/* Write the JSON report to path atomically; returns 0, or -1 with errno. */
int
report_write(const struct report *rep, const char *path)
{
	return (report_write_as(rep, path, report_dump));
}

/*
 * Write the report wherever the configuration asks, and the summary unless
 * -q; returns the exit status, code or EXIT_SYSTEM when a report asked for
 * could not be written. An interrupt's 130 stands whatever happens.
 */
int
report_emit(const struct report *rep, int code)
{
	const struct config	*c = rep->conf;
	char			*text;
	int			 failed = 0;

	if (c->output != NULL && report_write(rep, c->output) == -1) {
		log_warn("cannot write report to %s", c->output);
		failed = 1;
	}
	if (c->junit != NULL &&
	    report_write_as(rep, c->junit, junit_dump) == -1) {
		log_warn("cannot write JUnit XML to %s", c->junit);
		failed = 1;
	}
	if (c->json) {
		/* stdout is buffered: only the flush tells that it failed. */
		if ((text = report_dump(rep)) == NULL ||
		    fputs(text, stdout) == EOF || fflush(stdout) == EOF) {
			log_warn("cannot write report to stdout");
			failed = 1;
		}
		free(text);
	}
	/* stdout carries JSON with --json or --stream -: not the summary. */
	if (!c->quiet)
		summary_print(c->json || (c->stream != NULL &&
		    strcmp(c->stream, "-") == 0) ? stderr : stdout, rep);
	if (failed && code != EXIT_INTERRUPTED)
		code = EXIT_SYSTEM;
	return (code);
}
