/*
 * Diagnostics for the parent and the workers. Every line is prefixed with
 * the role ("forkload", "worker 3"). A worker hands fatal messages to a hook
 * that forwards them to the parent, and leaves with _exit().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forkload.h"

static const char	*log_role = "forkload";
static int		 log_child;
static void		(*log_hook)(const char *);

/* Set the role prefix; a child process exits with _exit(). */
void
log_init(const char *role, int child)
{
	log_role = role;
	log_child = child;
}

/* Route fatal messages through fn (a worker sends them to the parent). */
void
log_set_fatal_hook(void (*fn)(const char *))
{
	log_hook = fn;
}

/* Format one line with the role prefix, and the errno text if asked. */
static void
log_vmsg(int with_errno, const char *fmt, va_list ap, char *out, size_t len)
{
	char	 msg[512];
	int	 saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno)
		snprintf(out, len, "%s: %s: %s", log_role, msg,
		    strerror(saved));
	else
		snprintf(out, len, "%s: %s", log_role, msg);
}

/* Print a warning; a worker prints nothing, only the parent does. */
static void
log_vwarn(int with_errno, const char *fmt, va_list ap)
{
	char	 line[768];

	log_vmsg(with_errno, fmt, ap, line, sizeof(line));
	if (!log_child)
		fprintf(stderr, "%s\n", line);
}

/* Report a failure and leave with status 4: _exit() in a worker. */
static __dead void
log_vdie(int with_errno, const char *fmt, va_list ap)
{
	char	 line[768];

	log_vmsg(with_errno, fmt, ap, line, sizeof(line));
	if (log_hook != NULL)
		log_hook(line);
	if (log_child)
		_exit(EXIT_SYSTEM);
	fprintf(stderr, "%s\n", line);
	exit(EXIT_SYSTEM);
}

/* Print a warning with the errno text. */
void
log_warn(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwarn(1, fmt, ap);
	va_end(ap);
}

/* Print a warning. */
void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwarn(0, fmt, ap);
	va_end(ap);
}

/* Report a system failure with the errno text and exit with status 4. */
void
fatal(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vdie(1, fmt, ap);
}

/* Report a system failure and exit with status 4. */
void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vdie(0, fmt, ap);
}
