/*
 * The targets of an HTTP run: the URLs on the command line, or the
 * requests of --targets FILE in vegeta's format (a "METHOD URL" line, its
 * header lines, an optional "@path" body, blank lines between; # starts a
 * comment) or as JSON lines (targets_json.c). Each target may have its
 * own method, headers and body; -H headers go to every target first, and
 * --data is the body of a target without one. Which target a ticket goes
 * to is round-robin, or pseudo-random from --seed with --targets-order
 * random, the same in every worker and engine.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "forkload.h"

#define TARGETS_INPUT_MAX	(256 * 1024 * 1024)

/* Read all of standard input into a buffer to free; NULL on error. */
static char *
targets_read_stdin(size_t *lenp, const char **errstr)
{
	char	*buf = NULL;
	size_t	 len = 0, cap = 0;
	ssize_t	 n;

	for (;;) {
		if (cap - len < 65536) {
			cap = cap == 0 ? 65536 : cap * 2;
			buf = xreallocarray(buf, cap + 1, 1);
		}
		n = read(STDIN_FILENO, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*errstr = strerror(errno);
			free(buf);
			return (NULL);
		}
		if (n == 0)
			break;
		len += n;
		if (len > TARGETS_INPUT_MAX) {
			*errstr = "larger than 256 MiB";
			free(buf);
			return (NULL);
		}
	}
	buf[len] = '\0';
	*lenp = len;
	return (buf);
}

/*
 * Add a target: its URL checked as a command-line URL's is, and its
 * method. Returns it, its headers and body to come, or NULL with *errstr.
 */
struct config_target *
targets_add(struct config *c, const char *method, const char *url,
    const char **errstr)
{
	struct config_target	*t;

	if (config_method_ok(method, errstr) == -1 ||
	    config_add_url(c, url, errstr) == -1)
		return (NULL);
	c->tgt = xreallocarray(c->tgt, c->nurls, sizeof(*c->tgt));
	t = &c->tgt[c->nurls - 1];
	memset(t, 0, sizeof(*t));
	t->method = xstrdup(method);
	return (t);
}

/*
 * Is line a request line, "METHOD scheme://..."? Then *urlp is where the
 * URL starts. A header line has a colon right after its name, so the two
 * never look alike.
 */
static int
targets_request_line(char *line, char **urlp)
{
	char	*sp;

	if ((sp = strchr(line, ' ')) == NULL || sp == line)
		return (0);
	if (memchr(line, ':', (size_t)(sp - line)) != NULL ||
	    strstr(sp, "://") == NULL)
		return (0);
	*sp = '\0';
	*urlp = sp + 1 + strspn(sp + 1, " ");
	return (1);
}

/*
 * Take one line of the text format, in place: a request line starts a
 * target, a header or "@path" adds to the current one, and a blank line
 * ends it. Returns 0, or -1 with *errstr set.
 */
static int
targets_text_line(struct config *c, char *line, struct config_target **cur,
    const char **errstr)
{
	struct config_target	*t = *cur;
	char			*url;

	line[strcspn(line, "\r")] = '\0';
	if (line[0] == '#')
		return (0);
	if (line[0] == '\0') {
		*cur = NULL;
		return (0);
	}
	if (targets_request_line(line, &url)) {
		*cur = targets_add(c, line, url, errstr);
		return (*cur == NULL ? -1 : 0);
	}
	if (t == NULL) {
		*errstr = "a target starts with a line 'METHOD URL'";
		return (-1);
	}
	if (line[0] != '@')
		return (config_header_add(&t->headers, &t->nheaders, line,
		    errstr));
	if (t->body != NULL) {
		*errstr = "a target has one body";
		return (-1);
	}
	if ((t->body = config_read_file(line + 1, &t->bodylen,
	    errstr)) == NULL)
		return (-1);
	return (0);
}

/*
 * Load --targets (c->targets_file; "-" is standard input) into c's
 * targets. Returns 0, or -1 with a message naming the file and the line.
 */
int
targets_load(struct config *c, char *err, size_t len)
{
	struct config_target	*cur = NULL;
	const char		*name, *errstr = NULL;
	char			*buf, *line, *next;
	size_t			 n, lineno = 0;
	int			 json, rv = 0;

	name = strcmp(c->targets_file, "-") == 0 ? "stdin" : c->targets_file;
	buf = strcmp(c->targets_file, "-") == 0 ?
	    targets_read_stdin(&n, &errstr) :
	    config_read_file(c->targets_file, &n, &errstr);
	if (buf == NULL) {
		snprintf(err, len, "--targets '%s': %s", name, errstr);
		return (-1);
	}
	if (strlen(buf) != n) {
		snprintf(err, len, "--targets '%s': a NUL byte", name);
		free(buf);
		return (-1);
	}
	/* JSON lines when the first thing in the file is an object. */
	json = buf[strspn(buf, " \t\r\n")] == '{';
	for (line = buf; line != NULL && rv == 0; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		rv = json ? targets_json_line(c, line, &errstr) :
		    targets_text_line(c, line, &cur, &errstr);
	}
	free(buf);
	if (rv == -1)
		snprintf(err, len, "--targets %s:%zu: %s", name, lineno,
		    errstr);
	else if (c->nurls == 0) {
		snprintf(err, len, "--targets '%s': no targets", name);
		rv = -1;
	}
	return (rv);
}

/* Free the targets' own methods, headers and bodies. */
void
targets_free(struct config *c)
{
	size_t	 i, k;

	if (c->tgt == NULL)
		return;
	for (i = 0; i < c->nurls; i++) {
		free(c->tgt[i].method);
		for (k = 0; k < c->tgt[i].nheaders; k++)
			free(c->tgt[i].headers[k]);
		free(c->tgt[i].headers);
		free(c->tgt[i].body);
	}
	free(c->tgt);
	c->tgt = NULL;
}

/* Return the number of targets: 0 in an --exec or --plugin run. */
size_t
config_target_count(const struct config *c)
{
	return (c->nurls);
}

/* Return the method of target i: its own, or -m's. */
const char *
config_target_method(const struct config *c, size_t i)
{
	return (c->tgt != NULL ? c->tgt[i].method : c->method);
}

/* Return the URL of target i. */
const char *
config_target_url(const struct config *c, size_t i)
{
	return (c->urls[i]);
}

/*
 * Return header k of target i, -H's first and then its own, or NULL past
 * the last.
 */
const char *
config_target_header(const struct config *c, size_t i, size_t k)
{
	if (k < c->nheaders)
		return (c->headers[k]);
	k -= c->nheaders;
	if (c->tgt == NULL || k >= c->tgt[i].nheaders)
		return (NULL);
	return (c->tgt[i].headers[k]);
}

/* Return the body of target i and its length: its own, --data's or NULL. */
const char *
config_target_body(const struct config *c, size_t i, size_t *lenp)
{
	if (c->tgt != NULL && c->tgt[i].body != NULL) {
		*lenp = c->tgt[i].bodylen;
		return (c->tgt[i].body);
	}
	*lenp = c->datalen;
	return (c->data);
}

/*
 * Return the target of ticket seq: round-robin, or with --targets-order
 * random a splitmix64 hash of the seed and the ticket, so that every
 * worker and the parent agree without telling each other.
 */
uint32_t
config_target_pick(const struct config *c, uint64_t seq)
{
	uint64_t	 z;

	if (c->nurls <= 1)
		return (0);
	if (!c->targets_random)
		return ((uint32_t)(seq % c->nurls));
	z = seq + c->seed * 0x9e3779b97f4a7c15ULL + 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return ((uint32_t)(z % c->nurls));
}
