/*
 * What the native HTTP/1.1 engine sends, prepared in the parent before any
 * fork: each URL parsed (by http-parser's URL parser, the engine's own),
 * its name resolved once, and its whole request, headers and body, built
 * once as bytes. A worker then only writes those bytes, never formats.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <http_parser.h>

#include "forkload.h"

#define H1_PORT		80	/* the default, left out of Host */

/* The parts of an http URL that the engine needs; NUL-ended copies. */
struct h1_url {
	char		 host[256];
	char		 port[8];	/* as digits */
	int		 port_given;	/* other than the default */
	int		 v6;		/* host is an IPv6 literal */
	char		*target;	/* path and query, as requested */
};

/* Copy a field of u out of url into buf; returns 0, or -1 if it is long. */
static int
h1_plan_field(const char *url, const struct http_parser_url *u, int f,
    char *buf, size_t len)
{
	if (u->field_data[f].len >= len)
		return (-1);
	memcpy(buf, url + u->field_data[f].off, u->field_data[f].len);
	buf[u->field_data[f].len] = '\0';
	return (0);
}

/*
 * Parse url as the native engine will run it. Returns 0 with *out filled
 * (the caller frees out->target), or -1 with *errstr saying why this
 * engine cannot run it.
 */
static int
h1_plan_parse(const char *url, struct h1_url *out, const char **errstr)
{
	struct http_parser_url	 u;
	struct in6_addr		 a6;
	char			 scheme[16];
	size_t			 plen, qlen;
	const char		*path;

	memset(out, 0, sizeof(*out));
	http_parser_url_init(&u);
	if (http_parser_parse_url(url, strlen(url), 0, &u) != 0 ||
	    !(u.field_set & (1 << UF_SCHEMA)) ||
	    !(u.field_set & (1 << UF_HOST))) {
		*errstr = "the native engine cannot parse this URL";
		return (-1);
	}
	if (h1_plan_field(url, &u, UF_SCHEMA, scheme, sizeof(scheme)) == -1 ||
	    strcasecmp(scheme, "http") != 0) {
		*errstr = "only http:// runs on the native engine";
		return (-1);
	}
	if (u.field_set & (1 << UF_USERINFO)) {
		*errstr = "credentials in a URL need the curl engine";
		return (-1);
	}
	if (h1_plan_field(url, &u, UF_HOST, out->host, sizeof(out->host)) ==
	    -1 || out->host[0] == '\0') {
		*errstr = "the host name is empty or too long";
		return (-1);
	}
	out->v6 = strchr(out->host, ':') != NULL;
	/* http-parser takes any hex and colons: ask the C library. */
	if (out->v6 && inet_pton(AF_INET6, out->host, &a6) != 1) {
		*errstr = "the native engine cannot parse this URL: bad IPv6 "
		    "address";
		return (-1);
	}
	out->port_given = (u.field_set & (1 << UF_PORT)) && u.port != H1_PORT;
	snprintf(out->port, sizeof(out->port), "%u",
	    (u.field_set & (1 << UF_PORT)) ? u.port : H1_PORT);
	/* The fragment stays with the client, as a browser keeps it. */
	path = (u.field_set & (1 << UF_PATH)) ?
	    url + u.field_data[UF_PATH].off : "/";
	plen = (u.field_set & (1 << UF_PATH)) ? u.field_data[UF_PATH].len : 1;
	qlen = (u.field_set & (1 << UF_QUERY)) ? u.field_data[UF_QUERY].len : 0;
	if (qlen > 0)
		xasprintf(&out->target, "%.*s?%.*s", (int)plen, path,
		    (int)qlen, url + u.field_data[UF_QUERY].off);
	else
		xasprintf(&out->target, "%.*s", (int)plen, path);
	return (0);
}

/*
 * Return 0 when the native engine can run url, with its host name in
 * host, or -1 with *errstr saying what only the curl engine can do.
 */
int
h1_plan_check_url(const char *url, char *host, size_t len,
    const char **errstr)
{
	struct h1_url	 u;

	if (h1_plan_parse(url, &u, errstr) == -1)
		return (-1);
	strlcpy(host, u.host, len);
	free(u.target);
	return (0);
}

/*
 * Return 1 when target i's request has a header named name (a "Name:"
 * prefix, any case), which then replaces forkload's default of that name.
 */
static int
h1_plan_has_header(const struct config *c, size_t i, const char *name)
{
	const char	*h;
	size_t		 k, n = strlen(name);

	for (k = 0; (h = config_target_header(c, i, k)) != NULL; k++)
		if (strncasecmp(h, name, n) == 0 && h[n] == ':')
			return (1);
	return (0);
}

/* Return 1 when a "Name:" header has no value: it removes, sends nothing. */
static int
h1_plan_empty_header(const char *h)
{
	const char	*v = strchr(h, ':') + 1;

	return (v[strspn(v, " \t")] == '\0');
}

/* A text that grows, for building a request once. */
struct h1_text {
	char		*s;
	size_t		 len;
};

/* Append formatted text to t. */
static void
h1_text_add(struct h1_text *t, const char *fmt, ...) PRINTFLIKE(2, 3);

static void
h1_text_add(struct h1_text *t, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("h1_text_add: bad format");
	t->s = xreallocarray(t->s, t->len + n + 1, 1);
	va_start(ap, fmt);
	(void)vsnprintf(t->s + t->len, n + 1, fmt, ap);
	va_end(ap);
	t->len += n;
}

/*
 * Build the bytes of one request to u, as libcurl would send it: the same
 * default headers (Host, User-Agent, Accept, and a form Content-Type with
 * a body), which the user's replace, so that a server sees the same from
 * either engine. A "Name:" header with no value only removes a default.
 * Returns the buffer, body included, and its length in *len.
 */
static char *
h1_plan_request(const struct config *c, size_t i, const struct h1_url *u,
    size_t *len)
{
	struct h1_text	 t = { NULL, 0 };
	const char	*h, *body;
	size_t		 k, blen;

	body = config_target_body(c, i, &blen);
	h1_text_add(&t, "%s %s HTTP/1.1\r\n", config_target_method(c, i),
	    u->target);
	if (!h1_plan_has_header(c, i, "Host"))
		h1_text_add(&t, "Host: %s%s%s%s%s\r\n", u->v6 ? "[" : "",
		    u->host, u->v6 ? "]" : "", u->port_given ? ":" : "",
		    u->port_given ? u->port : "");
	if (!h1_plan_has_header(c, i, "User-Agent"))
		h1_text_add(&t, "User-Agent: forkload/%s\r\n",
		    FORKLOAD_VERSION);
	if (!h1_plan_has_header(c, i, "Accept"))
		h1_text_add(&t, "Accept: */*\r\n");
	if (body != NULL && !h1_plan_has_header(c, i, "Content-Type"))
		h1_text_add(&t, "Content-Type: "
		    "application/x-www-form-urlencoded\r\n");
	for (k = 0; (h = config_target_header(c, i, k)) != NULL; k++)
		if (!h1_plan_empty_header(h))
			h1_text_add(&t, "%s\r\n", h);
	if (body != NULL)
		h1_text_add(&t, "Content-Length: %zu\r\n", blen);
	h1_text_add(&t, "\r\n");
	*len = t.len + (body != NULL ? blen : 0);
	t.s = xreallocarray(t.s, *len > 0 ? *len : 1, 1);
	if (body != NULL)
		memcpy(t.s + t.len, body, blen);
	return (t.s);
}

/*
 * Resolve a target's host once, for every worker: all its addresses, in
 * getaddrinfo()'s order, so a refused connection can try the next (as
 * "localhost" may be ::1 first and the server only on 127.0.0.1). A name
 * that does not resolve is no bad input: each of its requests fails with
 * COULDNT_RESOLVE_HOST, as with the curl engine.
 */
static void
h1_plan_resolve(struct h1_target *t, const struct h1_url *u)
{
	struct addrinfo	 hints, *res, *ai;
	uint64_t	 start = clock_now_ns();

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	t->naddr = 0;
	if (getaddrinfo(u->host, u->port, &hints, &res) != 0)
		return;
	for (ai = res; ai != NULL && t->naddr < H1_ADDRS; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(t->addr[0]))
			continue;
		memcpy(&t->addr[t->naddr], ai->ai_addr, ai->ai_addrlen);
		t->addrlen[t->naddr++] = ai->ai_addrlen;
	}
	freeaddrinfo(res);
	t->dns_us = (uint32_t)((clock_now_ns() - start) / NS_PER_US);
}

/*
 * Return the first target that connects where target i does: a kept
 * connection serves any target of its pool, as libcurl reuses one for
 * any URL of the same host and port.
 */
static uint32_t
h1_plan_pool(const struct h1_plan *p, size_t i)
{
	const struct h1_target	*t = &p->t[i], *o;
	size_t			 j;

	for (j = 0; j < i; j++) {
		o = &p->t[j];
		if (o->naddr > 0 && t->naddr > 0 &&
		    o->addrlen[0] == t->addrlen[0] &&
		    memcmp(&o->addr[0], &t->addr[0], t->addrlen[0]) == 0)
			return (o->pool);
	}
	return ((uint32_t)i);
}

/*
 * Prepare every URL of c for the native engine; the URLs must have passed
 * h1_plan_check_url(). Returns the plan, which h1_plan_free() frees.
 */
struct h1_plan *
h1_plan_new(const struct config *c)
{
	struct h1_plan	*p;
	struct h1_url	 u;
	const char	*errstr;
	size_t		 i;

	p = xcalloc(1, sizeof(*p));
	p->n = c->nurls;
	p->t = xcalloc(p->n, sizeof(*p->t));
	for (i = 0; i < p->n; i++) {
		if (h1_plan_parse(c->urls[i], &u, &errstr) == -1)
			fatalx("%s: %s", c->urls[i], errstr);
		p->t[i].req = h1_plan_request(c, i, &u, &p->t[i].reqlen);
		p->t[i].head = strcasecmp(config_target_method(c, i),
		    "HEAD") == 0;
		h1_plan_resolve(&p->t[i], &u);
		p->t[i].pool = h1_plan_pool(p, i);
		free(u.target);
	}
	return (p);
}

/* Free a plan. */
void
h1_plan_free(struct h1_plan *p)
{
	size_t	 i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		free(p->t[i].req);
	free(p->t);
	free(p);
}
