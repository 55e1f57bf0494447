/*
 * The validated configuration of a run: its defaults, and the checks of
 * single values that need more than a number parser (URLs, headers,
 * methods, files and the output path). config_check.c holds the rules
 * that tie options together. Nothing here prints or exits; the caller
 * turns an error string into a usage error.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "forkload.h"

/* Fill in the defaults of a run (DESIGN.md, forkload(1)). */
void
config_init(struct config *c)
{
	const char	*errstr;

	memset(c, 0, sizeof(*c));
	c->requests = 100;
	c->concurrency = 10;
	c->timeout_us = 30 * US_PER_SEC;
	c->method = xstrdup("GET");
	c->expect_str = xstrdup("2xx");
	(void)status_parse(&c->expect, c->expect_str, &errstr);
	c->max_errors_pct = -1;
	c->max_errors_str = xstrdup("0");
	c->max_respawns = 100;
	c->engine_opt = ENGINE_AUTO;
	/* FORKLOAD_RUN_ID: random, so tasks of different runs never clash. */
	snprintf(c->run_id, sizeof(c->run_id), "%08x%08x%08x%08x",
	    arc4random(), arc4random(), arc4random(), arc4random());
}

/* Free what the configuration owns. */
void
config_free(struct config *c)
{
	size_t	 i;

	for (i = 0; i < c->nurls; i++)
		free(c->urls[i]);
	free(c->urls);
	for (i = 0; i < c->nheaders; i++)
		free(c->headers[i]);
	free(c->headers);
	free(c->sweep);
	free(c->method);
	free(c->data);
	free(c->data_file);
	free(c->expect_str);
	free(c->max_errors_str);
	free(c->output);
	free(c->stream);
	if (c->exec_argv != NULL)
		for (i = 0; c->exec_argv[i] != NULL; i++)
			free(c->exec_argv[i]);
	free(c->exec_argv);
	free(c->plugin_path);
	free(c->plugin_arg);
	free(c->task_output);
	free(c->rate_str);
	free(c->stages);
	free(c->stages_str);
	free(c->targets_file);
	free(c->shards_str);
	free(c->start_at_str);
	targets_free(c);
	h1_plan_free(c->plan);
	for (i = 0; i < c->nthresholds; i++)
		threshold_free(&c->thresholds[i]);
	free(c->thresholds);
	free(c->junit);
}

/* Add a target URL after checking it is http(s) with a host; 0 or -1. */
int
config_add_url(struct config *c, const char *url, const char **errstr)
{
	const char	*host;
	size_t		 i;

	if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else {
		*errstr = strstr(url, "://") != NULL ?
		    "only http:// and https:// URLs are supported" :
		    "not a URL";
		return (-1);
	}
	if (*host == '\0' || *host == '/' || *host == ':' || *host == '?' ||
	    *host == '#') {
		*errstr = "URL has no host";
		return (-1);
	}
	for (i = 0; url[i] != '\0'; i++) {
		if (isspace((unsigned char)url[i]) ||
		    iscntrl((unsigned char)url[i])) {
			*errstr = "URL contains white space";
			return (-1);
		}
	}
	c->urls = xreallocarray(c->urls, c->nurls + 1, sizeof(*c->urls));
	c->urls[c->nurls++] = xstrdup(url);
	return (0);
}

/* Check a "Name: value" request header; 0, or -1 with *errstr set. */
int
config_header_ok(const char *h, const char **errstr)
{
	const char	*colon;
	size_t		 i;

	if ((colon = strchr(h, ':')) == NULL) {
		*errstr = "header needs the form 'Name: value'";
		return (-1);
	}
	if (colon == h) {
		*errstr = "header has an empty name";
		return (-1);
	}
	for (i = 0; h + i < colon; i++) {
		/* RFC 9110 token characters only. */
		if (!isalnum((unsigned char)h[i]) &&
		    strchr("!#$%&'*+-.^_`|~", h[i]) == NULL) {
			*errstr = "header name has a character not allowed";
			return (-1);
		}
	}
	if (strpbrk(h, "\r\n") != NULL) {
		*errstr = "header contains a line break";
		return (-1);
	}
	return (0);
}

/*
 * Add a checked "Name: value" header to the list *list of *n, the -H
 * headers or a target's own; 0, or -1 with *errstr set.
 */
int
config_header_add(char ***list, size_t *n, const char *h,
    const char **errstr)
{
	if (config_header_ok(h, errstr) == -1)
		return (-1);
	*list = xreallocarray(*list, *n + 1, sizeof(**list));
	(*list)[(*n)++] = xstrdup(h);
	return (0);
}

/* Add a "Name: value" request header; 0 or -1. */
int
config_add_header(struct config *c, const char *h, const char **errstr)
{
	return (config_header_add(&c->headers, &c->nheaders, h, errstr));
}

/* Check a request method, a single HTTP token; 0 or -1. */
int
config_method_ok(const char *m, const char **errstr)
{
	size_t	 i;

	if (*m == '\0' || strlen(m) > 32) {
		*errstr = "method must be 1 to 32 characters";
		return (-1);
	}
	for (i = 0; m[i] != '\0'; i++) {
		if (!isalnum((unsigned char)m[i]) &&
		    strchr("!#$%&'*+-.^_`|~", m[i]) == NULL) {
			*errstr = "method must be a single token such as GET";
			return (-1);
		}
	}
	return (0);
}

/* Set the request method; 0 or -1. */
int
config_set_method(struct config *c, const char *m, const char **errstr)
{
	if (config_method_ok(m, errstr) == -1)
		return (-1);
	free(c->method);
	c->method = xstrdup(m);
	c->method_set = 1;
	return (0);
}

/*
 * Read the whole file at path (a regular file of up to 256 MiB) into a
 * buffer to free, NUL-ended, its length in *lenp. Returns the buffer, or
 * NULL with *errstr set.
 */
char *
config_read_file(const char *path, size_t *lenp, const char **errstr)
{
	struct stat	 sb;
	char		*buf;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*errstr = strerror(errno);
		return (NULL);
	}
	*errstr = NULL;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode))
		*errstr = "not a regular file";
	else if (sb.st_size > 256 * 1024 * 1024)
		*errstr = "larger than 256 MiB";
	if (*errstr != NULL) {
		(void)close(fd);
		return (NULL);
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (off < (size_t)sb.st_size) {
		n = read(fd, buf + off, (size_t)sb.st_size - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			*errstr = "read failed";
			free(buf);
			(void)close(fd);
			return (NULL);
		}
		off += n;
	}
	(void)close(fd);
	buf[off] = '\0';
	*lenp = off;
	return (buf);
}

/*
 * Take the request body from the file at path, read whole now: a file
 * that cannot be read is bad input, found before any fork. Returns 0, or
 * -1 with *errstr set.
 */
int
config_set_data_file(struct config *c, const char *path, const char **errstr)
{
	char	*buf;
	size_t	 len;

	if ((buf = config_read_file(path, &len, errstr)) == NULL)
		return (-1);
	free(c->data);
	c->data = buf;
	c->datalen = len;
	free(c->data_file);
	c->data_file = xstrdup(path);
	return (0);
}

/* Check that dir is a directory we can write files into; 0 or -1. */
int
config_check_dir(const char *dir, const char **errstr)
{
	struct stat	 sb;

	if (stat(dir, &sb) == -1) {
		*errstr = "directory does not exist";
		return (-1);
	}
	if (!S_ISDIR(sb.st_mode)) {
		*errstr = "not a directory";
		return (-1);
	}
	if (access(dir, W_OK | X_OK) == -1) {
		*errstr = "directory is not writable";
		return (-1);
	}
	return (0);
}

/*
 * Return the regular file that a report for -o path replaces atomically,
 * which the caller frees: path itself when it is a regular file or does
 * not exist, the file a link names when it names one. Returns NULL when
 * the report must be written in place: into a FIFO or device, or through
 * a link to anything else. A link itself is never replaced.
 */
char *
config_output_target(const char *path)
{
	struct stat	 sb;
	char		*real;

	if (lstat(path, &sb) == -1 || S_ISREG(sb.st_mode))
		return (xstrdup(path));
	if (!S_ISLNK(sb.st_mode) || (real = realpath(path, NULL)) == NULL)
		return (NULL);
	if (stat(real, &sb) == 0 && S_ISREG(sb.st_mode))
		return (real);
	free(real);
	return (NULL);
}

/*
 * Check that a report can be written at path: the directory of the file
 * it replaces exists and is writable, or what it is written into in place
 * is writable. Creates nothing. Returns 0 or -1.
 */
int
config_check_output(const char *path, const char **errstr)
{
	struct stat	 sb;
	char		*target, *dir;
	int		 rv;

	if (*path == '\0') {
		*errstr = "empty file name";
		return (-1);
	}
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		*errstr = "is a directory";
		return (-1);
	}
	if ((target = config_output_target(path)) == NULL) {
		if (access(path, W_OK) == -1) {
			*errstr = "not writable";
			return (-1);
		}
		return (0);
	}
	dir = dirname(target);
	rv = config_check_dir(dir, errstr);
	free(target);
	return (rv);
}

/* Return 1 when a header's value must not appear in a report. */
int
config_redacted(const char *header)
{
	static const char *secret[] = {
		"authorization", "cookie", "proxy-authorization"
	};
	size_t	 i, n;

	for (i = 0; i < sizeof(secret) / sizeof(secret[0]); i++) {
		n = strlen(secret[i]);
		if (strncasecmp(header, secret[i], n) == 0 && header[n] == ':')
			return (1);
	}
	return (0);
}
