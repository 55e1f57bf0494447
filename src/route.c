/*
 * The routes of the target server: which route a URL names, and the
 * libmicrohttpd response each content route answers with. Queueing and
 * counting the answer are left to target.c, so nothing here needs the
 * server's state.
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "forkload.h"

#define BYTES_MAX	100000000LL
#define BYTES_BLOCK	65536
#define ECHO_MAX	100000000
#define REDIRECT_MAX	100

/* An /echo request's body, collected across calls of the handler. */
struct echo {
	char		*buf;
	size_t		 len;
	size_t		 cap;
	int		 toobig;
	int		 nomem;
};

static struct MHD_Response *route_plain(const char *, const char *);
static ssize_t	route_bytes_read(void *, uint64_t, char *, size_t);

/*
 * Map a path to its route; *argp is what follows "/status/", "/delay/",
 * "/bytes/", "/redirect/" or "/pause/", or NULL when the path has none.
 */
enum route
route_find(const char *url, const char **argp)
{
	static const struct {
		const char	*prefix;
		size_t		 len;
		enum route	 route;
	} args[] = {
		{ "/status", 7, ROUTE_STATUS },
		{ "/delay", 6, ROUTE_DELAY },
		{ "/bytes", 6, ROUTE_BYTES },
		{ "/redirect", 9, ROUTE_REDIRECT },
		{ "/pause", 6, ROUTE_PAUSE },
	};
	size_t	i;

	*argp = NULL;
	if (strcmp(url, "/") == 0)
		return (ROUTE_ROOT);
	if (strcmp(url, "/drop") == 0)
		return (ROUTE_DROP);
	if (strcmp(url, "/echo") == 0)
		return (ROUTE_ECHO);
	if (strcmp(url, "/stats") == 0)
		return (ROUTE_STATS);
	for (i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		if (strncmp(url, args[i].prefix, args[i].len) != 0)
			continue;
		if (url[args[i].len] == '\0')
			return (args[i].route);
		if (url[args[i].len] == '/') {
			*argp = url + args[i].len + 1;
			return (args[i].route);
		}
	}
	return (ROUTE_OTHER);
}

/*
 * A constant text body, with an Allow header first when allow is set:
 * clients see the headers in the order they are added.
 */
static struct MHD_Response *
route_plain(const char *text, const char *allow)
{
	struct MHD_Response	*resp;

	resp = MHD_create_response_from_buffer(strlen(text), (void *)text,
	    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return (NULL);
	if (allow != NULL)
		(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
		    allow);
	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain");
	return (resp);
}

/* Return a text/plain response of a constant text, or NULL. */
struct MHD_Response *
route_text(const char *text)
{
	return (route_plain(text, NULL));
}

/*
 * Return the answer to a method the route refuses, with an Allow header
 * listing those it takes, or NULL.
 */
struct MHD_Response *
route_bad_method(const char *allow)
{
	return (route_plain("bad method\n", allow));
}

/*
 * /status/N: return a response with a body naming N and set *statusp to
 * N, or to 400 when arg is not a status; NULL when out of memory.
 */
struct MHD_Response *
route_status(const char *arg, unsigned int *statusp)
{
	struct MHD_Response	*resp;
	char			 body[32];
	long long		 n;
	int			 len;

	if (arg == NULL || units_decimal(arg, 100, 599, &n) == -1) {
		*statusp = 400;
		return (route_text("bad status\n"));
	}
	/* These statuses never carry a body. */
	if (n < 200 || n == 204 || n == 304)
		len = 0;
	else
		len = snprintf(body, sizeof(body), "status %lld\n", n);
	if (len == 0)
		body[0] = '\0';
	*statusp = (unsigned int)n;
	resp = MHD_create_response_from_buffer(len, body,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return (NULL);
	if (len > 0)
		(void)MHD_add_response_header(resp,
		    MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
	return (resp);
}

/* Fill the body of /bytes/N; MHD asks for no more than the total size. */
static ssize_t
route_bytes_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	uint64_t	total = (uint64_t)(uintptr_t)cls;

	if (pos >= total)
		return (MHD_CONTENT_READER_END_OF_STREAM);
	if (max > total - pos)
		max = total - pos;
	memset(buf, 'x', max);
	return ((ssize_t)max);
}

/*
 * /bytes/N: return a response of N bytes of 'x' and set *statusp, to 400
 * when arg is not a size; NULL when out of memory. The body is made by a
 * callback in blocks, so that a large one costs a block and not N bytes.
 */
struct MHD_Response *
route_bytes(const char *arg, unsigned int *statusp)
{
	struct MHD_Response	*resp;
	long long		 n;
	size_t			 block;

	if (arg == NULL || units_decimal(arg, 0, BYTES_MAX, &n) == -1) {
		*statusp = 400;
		return (route_text("bad size\n"));
	}
	*statusp = 200;
	if (n == 0)
		resp = MHD_create_response_from_buffer(0, (void *)"",
		    MHD_RESPMEM_PERSISTENT);
	else {
		block = n < BYTES_BLOCK ? (size_t)n : BYTES_BLOCK;
		resp = MHD_create_response_from_callback(n, block,
		    route_bytes_read, (void *)(uintptr_t)n, NULL);
	}
	if (resp == NULL)
		return (NULL);
	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/octet-stream");
	return (resp);
}

/*
 * /redirect/N: a 302 to /redirect/N-1, and at 0 the "ok" of "/"; set
 * *statusp, to 400 when arg is not a count; NULL when out of memory.
 */
struct MHD_Response *
route_redirect(const char *arg, unsigned int *statusp)
{
	struct MHD_Response	*resp;
	char			 to[32];
	long long		 n;

	if (arg == NULL || units_decimal(arg, 0, REDIRECT_MAX, &n) == -1) {
		*statusp = 400;
		return (route_text("bad count\n"));
	}
	if (n == 0) {
		*statusp = 200;
		return (route_text("ok\n"));
	}
	*statusp = 302;
	if ((resp = route_text("redirect\n")) == NULL)
		return (NULL);
	/* A relative reference: the client resolves it (RFC 9110, 10.2.2). */
	snprintf(to, sizeof(to), "/redirect/%lld", n - 1);
	if (MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, to) ==
	    MHD_NO) {
		MHD_destroy_response(resp);
		return (NULL);
	}
	return (resp);
}

/* Return a new, empty /echo body, or NULL when out of memory. */
struct echo *
route_echo_new(void)
{
	return (calloc(1, sizeof(struct echo)));
}

/*
 * Add a chunk to an /echo body. A body over the limit, or one that does
 * not fit in memory, is still read to its end, and then refused.
 */
void
route_echo_append(struct echo *e, const char *data, size_t len)
{
	size_t	 cap;
	char	*buf;

	if (e->toobig || e->nomem)
		return;
	if (len > ECHO_MAX - e->len) {
		e->toobig = 1;
		return;
	}
	if (e->len + len > e->cap) {
		cap = e->cap == 0 ? 4096 : e->cap;
		while (cap < e->len + len)
			cap *= 2;
		if ((buf = realloc(e->buf, cap)) == NULL) {
			e->nomem = 1;
			return;
		}
		e->buf = buf;
		e->cap = cap;
	}
	memcpy(e->buf + e->len, data, len);
	e->len += len;
}

/*
 * /echo: return a response of the request body with its Content-Type and
 * set *statusp, to 413 or 500 for a body refused; NULL when out of memory.
 */
struct MHD_Response *
route_echo(struct MHD_Connection *c, struct echo *e, unsigned int *statusp)
{
	struct MHD_Response	*resp;
	const char		*type;

	if (e->toobig) {
		*statusp = 413;
		return (route_text("body too large\n"));
	}
	if (e->nomem) {
		*statusp = 500;
		return (route_text("out of memory\n"));
	}
	*statusp = 200;
	if (e->len == 0)
		resp = MHD_create_response_from_buffer(0, (void *)"",
		    MHD_RESPMEM_PERSISTENT);
	else {
		resp = MHD_create_response_from_buffer(e->len, e->buf,
		    MHD_RESPMEM_MUST_FREE);
		if (resp != NULL)
			e->buf = NULL;	/* MHD frees it now */
	}
	if (resp == NULL)
		return (NULL);
	type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    type != NULL ? type : "application/octet-stream");
	return (resp);
}

/* Free an /echo body, whether or not MHD has taken its buffer. */
void
route_echo_free(struct echo *e)
{
	if (e == NULL)
		return;
	free(e->buf);
	free(e);
}
