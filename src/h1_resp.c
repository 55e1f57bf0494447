/*
 * One HTTP/1.1 response as the native engine reads it: bytes in, in any
 * pieces, through http-parser (the parser wrk uses), and out a verdict:
 * more needed, done (with its status, version and whether the connection
 * may be kept), or failed (with the error both engines name the same).
 * It keeps no body: a body is counted and dropped. No sockets here, so a
 * fuzzer can drive it exactly as a server would.
 */
#include <stdlib.h>
#include <string.h>

#include <http_parser.h>

#include "forkload.h"

struct h1_resp {
	http_parser	 p;
	int		 head;		/* no body follows the headers */
	int		 done;		/* the final response is whole */
	int		 error;		/* HTTP_ERR_*, once failed */
	int		 status;	/* of the final response, when known */
	int		 keepalive;	/* the connection may serve again */
	int		 in_body;	/* the final headers are in */
	int		 status_line;	/* the status line is whole */
	unsigned int	 interim;	/* 1xx responses passed over */
	uint64_t	 bytes;		/* taken so far */
	int		 bounded;	/* in status line, headers, trailers */
	uint64_t	 bound_at;	/* where that began */
	int		 paused;	/* H1_PAUSE_*: why the parser stopped */
};

/* Why h1_resp_on_*() paused the parser: h1_resp_feed() then goes on. */
#define H1_PAUSE_INTERIM	1	/* a 1xx ended: headers come anew */
#define H1_PAUSE_TRAILERS	2	/* the last chunk: trailers come */

static uint32_t	 h1_resp_maxhdr = H1_MAXHDR;

static int	h1_resp_on_status(http_parser *, const char *, size_t);
static int	h1_resp_on_headers(http_parser *);
static int	h1_resp_on_chunk(http_parser *);
static int	h1_resp_on_complete(http_parser *);

/* The callbacks: nothing per byte of a body, so a body costs no calls. */
static const http_parser_settings h1_resp_settings = {
	.on_status = h1_resp_on_status,
	.on_headers_complete = h1_resp_on_headers,
	.on_chunk_header = h1_resp_on_chunk,
	.on_message_complete = h1_resp_on_complete,
};

/*
 * Bound the status line and headers (and the trailers) of every response
 * this process reads to maxhdr bytes each; past that a request fails with
 * TOO_LARGE. The bound is enforced here, not by http-parser, which counts
 * a run of header bytes only when the run ends: a read's end then decided
 * between the bound and a fault past it (found by the fuzzer).
 */
void
h1_resp_init(uint32_t maxhdr)
{
	h1_resp_maxhdr = maxhdr;
	http_parser_set_max_header_size(UINT32_MAX >> 1);
}

/* Return the size of a struct h1_resp, to allocate one per connection. */
size_t
h1_resp_size(void)
{
	return (sizeof(struct h1_resp));
}

/*
 * Get r ready for the response to a new request; head says that none of
 * its responses has a body (a HEAD request).
 */
void
h1_resp_start(struct h1_resp *r, int head)
{
	memset(r, 0, sizeof(*r));
	http_parser_init(&r->p, HTTP_RESPONSE);
	r->p.data = r;
	r->head = head;
	r->bounded = 1;
}

/*
 * The status code is whole (http-parser calls this from the reason phrase
 * on, in as many pieces as the bytes came): it counts even if the headers
 * then fail, as libcurl counts it.
 */
static int
h1_resp_on_status(http_parser *p, const char *at, size_t len)
{
	struct h1_resp	*r = p->data;

	(void)at;
	(void)len;
	/* An HTTP/1.1 client reads 1.0 and 1.1 only, as libcurl does. */
	if (p->http_major != 1 || p->http_minor > 1)
		return (-1);
	r->status_line = 1;
	return (0);
}

/*
 * The headers of a response are whole. A status under 100 is no HTTP
 * status: libcurl takes such a reply for HTTP/0.9 and refuses it, and so
 * does this. Returning 1 tells http-parser that no body follows: after
 * HEAD, and for 204, 304 and 101, whatever length they claim
 * (http-parser would wait for a 304's Content-Length bytes; the fuzzer
 * found that a 101's body made the split decide its keep-alive).
 */
static int
h1_resp_on_headers(http_parser *p)
{
	struct h1_resp	*r = p->data;

	if (p->status_code < 100)
		return (-1);
	r->status_line = 1;
	r->in_body = 1;
	r->bounded = 0;
	/*
	 * After a 101 the bytes are another protocol's, and a 1xx has no
	 * body whatever it claims (libcurl reads past a 100's length too).
	 */
	return (r->head || p->status_code == 204 || p->status_code == 304 ||
	    p->status_code < 200);
}

/*
 * A chunk's size line is read: a size of 0 is the last chunk, and the
 * trailers, bounded as headers are, follow. Pause, so that h1_resp_feed()
 * knows where they start.
 */
static int
h1_resp_on_chunk(http_parser *p)
{
	struct h1_resp	*r = p->data;

	if (p->content_length == 0) {
		r->paused = H1_PAUSE_TRAILERS;
		http_parser_pause(p, 1);
	}
	return (0);
}

/*
 * A response is whole. An interim one (1xx, but 101 which switches the
 * protocol) is passed over: the final one follows on the same bytes. Each
 * pauses the parser, so h1_resp_feed() knows where it ended: an interim
 * one to bound the headers of the next, the final one so that what
 * follows it is not taken.
 */
static int
h1_resp_on_complete(http_parser *p)
{
	struct h1_resp	*r = p->data;

	if (p->status_code >= 100 && p->status_code < 200 &&
	    p->status_code != 101) {
		r->interim++;
		r->in_body = 0;
		r->status_line = 0;
		r->paused = H1_PAUSE_INTERIM;
		http_parser_pause(p, 1);
		return (0);
	}
	r->done = 1;
	r->bounded = 0;
	r->status = p->status_code;
	/* A switched connection speaks HTTP/1.1 no more. */
	r->keepalive = http_should_keep_alive(p) && p->status_code != 101;
	http_parser_pause(p, 1);
	return (0);
}

/*
 * libcurl's name for what http-parser found wrong. Before a status line
 * is read, the reply is no HTTP/1.x at all: libcurl refuses it as HTTP/0.9
 * (UNSUPPORTED_PROTOCOL). Headers over the bound are TOO_LARGE (curl 8.6's
 * name; libcurl 7.88 says RECV_ERROR), a broken body RECV_ERROR, as
 * libcurl has it, and anything else in the headers a weird reply.
 */
static int
h1_resp_errno(const struct h1_resp *r, enum http_errno e)
{
	if (r->p.status_code == 0 || e == HPE_CB_headers_complete ||
	    e == HPE_CB_status)
		return (HTTP_ERR_UNSUPPORTED_PROTOCOL);
	if (r->in_body || e == HPE_INVALID_CHUNK_SIZE ||
	    e == HPE_INVALID_CONTENT_LENGTH ||
	    e == HPE_UNEXPECTED_CONTENT_LENGTH)
		return (HTTP_ERR_RECV_ERROR);
	return (HTTP_ERR_WEIRD_SERVER_REPLY);
}

/*
 * How many of len bytes the parser may have now: in a bounded part (status
 * line, headers, trailers), no more than the bound leaves, so that it
 * never sees a byte past the bound, however the bytes were split.
 */
static size_t
h1_resp_room(const struct h1_resp *r, size_t len)
{
	uint64_t	 taken;

	if (!r->bounded)
		return (len);
	taken = r->bytes - r->bound_at;
	if (taken >= h1_resp_maxhdr)
		return (0);
	return (h1_resp_maxhdr - taken < len ? h1_resp_maxhdr - taken : len);
}

/*
 * Take len bytes of the response. Returns H1_MORE when it needs more,
 * H1_DONE when the final response is whole (*used then says how many
 * bytes it took; more are not its own), or H1_FAIL with the error set.
 */
int
h1_resp_feed(struct h1_resp *r, const char *buf, size_t len, size_t *used)
{
	size_t		 n, room;
	enum http_errno	 e;

	*used = 0;
	if (r->done)
		return (H1_DONE);
	if (r->error != 0)
		return (H1_FAIL);
	while (*used < len) {
		/* A bounded part that fills the bound is over it. */
		if ((room = h1_resp_room(r, len - *used)) == 0) {
			r->error = HTTP_ERR_TOO_LARGE;
			return (H1_FAIL);
		}
		n = http_parser_execute(&r->p, &h1_resp_settings,
		    buf + *used, room);
		r->bytes += n;
		*used += n;
		if (r->done)
			return (H1_DONE);
		e = HTTP_PARSER_ERRNO(&r->p);
		if (e == HPE_PAUSED && r->paused != 0) {
			/* A bounded part starts here: count it from here. */
			http_parser_pause(&r->p, 0);
			r->paused = 0;
			r->bounded = 1;
			r->bound_at = r->bytes;
			continue;
		}
		if (e != HPE_OK) {
			r->error = h1_resp_errno(r, e);
			return (H1_FAIL);
		}
		if (r->p.upgrade) {
			/* An Upgrade: what follows is no longer HTTP/1.1. */
			r->done = 1;
			r->status = r->p.status_code;
			r->keepalive = 0;
			return (H1_DONE);
		}
	}
	/* Exactly the bound, and not yet whole: more would be over it. */
	if (h1_resp_room(r, 1) == 0) {
		r->error = HTTP_ERR_TOO_LARGE;
		return (H1_FAIL);
	}
	return (H1_MORE);
}

/*
 * The server closed the connection. A body that runs to the close ends
 * there (H1_DONE); otherwise it is H1_FAIL: nothing at all came
 * (GOT_NOTHING), or the response stopped short (PARTIAL_FILE, or
 * GOT_NOTHING within the headers, as libcurl says).
 */
int
h1_resp_eof(struct h1_resp *r)
{
	if (r->done)
		return (H1_DONE);
	if (r->error != 0)
		return (H1_FAIL);
	if (r->bytes == 0) {
		r->error = HTTP_ERR_GOT_NOTHING;
		return (H1_FAIL);
	}
	(void)http_parser_execute(&r->p, &h1_resp_settings, NULL, 0);
	if (r->done) {
		r->keepalive = 0;
		return (H1_DONE);
	}
	/*
	 * Cut short in the body is PARTIAL_FILE, as libcurl has it, and so
	 * is a cut after the status line (where libcurl takes the cut header
	 * for the end of the headers, and calls it a success). A cut status
	 * line is GOT_NOTHING, as libcurl has it.
	 */
	r->error = r->in_body || h1_resp_status(r) != 0 ?
	    HTTP_ERR_PARTIAL_FILE : HTTP_ERR_GOT_NOTHING;
	return (H1_FAIL);
}

/* Return the status of the final response, or 0 before its status line. */
int
h1_resp_status(const struct h1_resp *r)
{
	if (r->status != 0)
		return (r->status);
	/* A status under 100 is no status: the reply was refused. */
	if (!r->status_line || r->p.status_code < 100)
		return (0);
	return ((int)r->p.status_code);
}

/* Return the HTTP version of the response, major * 10 + minor; 0: none. */
unsigned int
h1_resp_version(const struct h1_resp *r)
{
	if (h1_resp_status(r) == 0)
		return (0);
	return (r->p.http_major * 10 + r->p.http_minor);
}

/* Return 1 when the connection may carry another request. */
int
h1_resp_keepalive(const struct h1_resp *r)
{
	return (r->done && r->keepalive);
}

/* Return the error of a failed response (HTTP_ERR_*), or 0. */
int
h1_resp_error(const struct h1_resp *r)
{
	return (r->error);
}

/* Return the bytes taken so far, interim responses included. */
uint64_t
h1_resp_bytes(const struct h1_resp *r)
{
	return (r->bytes);
}
