/*
 * Unit tests of h1_resp.c: every kind of response the native engine must
 * read, each fed whole and split at every byte, with the verdict, status,
 * version and keep-alive it must give, and each broken one with the error
 * name that libcurl would give it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "forkload.h"

/* What a response must come to. */
struct want {
	const char	*name;
	const char	*bytes;
	int		 head;		/* the request was HEAD */
	int		 eof;		/* the server closes after the bytes */
	int		 verdict;	/* H1_DONE or H1_FAIL */
	int		 status;
	unsigned int	 version;
	int		 keepalive;
	int		 error;
	size_t		 used;		/* bytes of its own; 0: all */
};

static const struct want cases[] = {
	{ "content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
	    0, 0, H1_DONE, 200, 11, 1, 0, 0 },
	{ "chunked with trailers", "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3;x=y\r\nabc\r\n"
	    "0\r\nX-Trailer: 1\r\n\r\n", 0, 0, H1_DONE, 200, 11, 1, 0, 0 },
	{ "close-delimited HTTP/1.0", "HTTP/1.0 200 OK\r\n\r\nbody until close",
	    0, 1, H1_DONE, 200, 10, 0, 0, 0 },
	{ "Connection: close", "HTTP/1.1 503 No\r\nConnection: close\r\n"
	    "Content-Length: 0\r\n\r\n", 0, 0, H1_DONE, 503, 11, 0, 0, 0 },
	{ "100 Continue first", "HTTP/1.1 100 Continue\r\n\r\n"
	    "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
	    0, 0, H1_DONE, 201, 11, 1, 0, 0 },
	{ "100 Continue that claims a body", "HTTP/1.1 100 Continue\r\n"
	    "Content-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\n"
	    "Content-Length: 0\r\n\r\n", 0, 0, H1_DONE, 200, 11, 1, 0, 0 },
	{ "HEAD has no body", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n",
	    1, 0, H1_DONE, 200, 11, 1, 0, 0 },
	{ "204 has no body", "HTTP/1.1 204 No Content\r\n\r\n",
	    0, 0, H1_DONE, 204, 11, 1, 0, 0 },
	{ "304 has no body", "HTTP/1.1 304 Not Modified\r\n"
	    "Content-Length: 50\r\n\r\n", 0, 0, H1_DONE, 304, 11, 1, 0, 0 },
	{ "101 with a body", "HTTP/1.1 101 Switching Protocols\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Content-Length: 2\r\n\r\nok", 0, 0, H1_DONE, 101, 11, 0, 0,
	    96 },
	{ "101 without Upgrade", "HTTP/1.1 101 Switching Protocols\r\n"
	    "Content-Length: 2\r\n\r\nok", 0, 0, H1_DONE, 101, 11, 0, 0,
	    55 },
	{ "status 999", "HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n",
	    0, 0, H1_DONE, 999, 11, 1, 0, 0 },
	{ "no reason phrase", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n",
	    0, 0, H1_DONE, 200, 11, 1, 0, 0 },
	{ "bytes after the response", "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 2\r\n\r\nokEXTRA", 0, 0, H1_DONE, 200, 11, 1, 0,
	    40 },
	{ "nothing", "", 0, 1, H1_FAIL, 0, 0, 0, HTTP_ERR_GOT_NOTHING, 0 },
	{ "cut in the status line", "HTTP/1.1 20", 0, 1, H1_FAIL, 0, 0, 0,
	    HTTP_ERR_GOT_NOTHING, 0 },
	{ "cut in the headers", "HTTP/1.1 200 OK\r\nContent-Len", 0, 1,
	    H1_FAIL, 200, 11, 0, HTTP_ERR_PARTIAL_FILE, 0 },
	{ "cut in the body", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nab",
	    0, 1, H1_FAIL, 200, 11, 0, HTTP_ERR_PARTIAL_FILE, 0 },
	{ "cut in a chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
	    "\r\n\r\n5\r\nab", 0, 1, H1_FAIL, 200, 11, 0,
	    HTTP_ERR_PARTIAL_FILE, 0 },
	{ "bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
	    "\r\n\r\nzz\r\n", 0, 0, H1_FAIL, 200, 11, 0,
	    HTTP_ERR_RECV_ERROR, 0 },
	{ "garbage", "\x01\x02garbage\r\n\r\n", 0, 0, H1_FAIL, 0, 0, 0,
	    HTTP_ERR_UNSUPPORTED_PROTOCOL, 0 },
	{ "HTTP/1.2", "HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n",
	    0, 0, H1_FAIL, 0, 0, 0, HTTP_ERR_UNSUPPORTED_PROTOCOL, 0 },
	{ "HTTP/0.0", "HTTP/0.0 200 OK\r\nContent-Length: 0\r\n\r\n",
	    0, 0, H1_FAIL, 0, 0, 0, HTTP_ERR_UNSUPPORTED_PROTOCOL, 0 },
	{ "status 099", "HTTP/1.1 099 X\r\nContent-Length: 0\r\n\r\n",
	    0, 0, H1_FAIL, 0, 0, 0, HTTP_ERR_UNSUPPORTED_PROTOCOL, 0 },
	{ "a header without a colon", "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
	    0, 0, H1_FAIL, 200, 11, 0, HTTP_ERR_WEIRD_SERVER_REPLY, 0 },
	{ "a status line, then the close", "HTTP/1.1 200 OK\r\n", 0, 1,
	    H1_FAIL, 200, 11, 0, HTTP_ERR_PARTIAL_FILE, 0 },
};

/*
 * Feed w's bytes in pieces of at most step bytes (0: whole), then the end
 * of file if w says so, and check the verdict and what it found.
 */
static void
check(const struct want *w, size_t step)
{
	struct h1_resp	*r = malloc(h1_resp_size());
	size_t		 len = strlen(w->bytes), off = 0, n, used, took = 0;
	int		 rv = H1_MORE;

	assert_non_null(r);
	h1_resp_start(r, w->head);
	while (off < len && rv == H1_MORE) {
		n = step == 0 || len - off < step ? len - off : step;
		rv = h1_resp_feed(r, w->bytes + off, n, &used);
		took += used;
		off += n;
	}
	if (rv == H1_MORE && w->eof)
		rv = h1_resp_eof(r);
	if (rv != w->verdict)
		fail_msg("%s, by %zu: verdict %d, want %d (error %d)",
		    w->name, step, rv, w->verdict, h1_resp_error(r));
	if (h1_resp_status(r) != w->status ||
	    (int)h1_resp_version(r) != (int)w->version ||
	    h1_resp_keepalive(r) != w->keepalive ||
	    h1_resp_error(r) != w->error)
		fail_msg("%s, by %zu: status %d version %u keepalive %d "
		    "error %d", w->name, step, h1_resp_status(r),
		    h1_resp_version(r), h1_resp_keepalive(r),
		    h1_resp_error(r));
	if (rv == H1_DONE)
		assert_int_equal(took, w->used != 0 ? w->used : len);
	/* A verdict stands: more bytes change nothing. */
	assert_int_equal(h1_resp_feed(r, "x", 1, &used), rv);
	assert_int_equal(used, 0);
	free(r);
}

static void
test_whole(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check(&cases[i], 0);
}

/* Every split into pieces of 1 to 9 bytes reads the same. */
static void
test_split(void **state)
{
	size_t	 i, step;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (step = 1; step < 10; step++)
			check(&cases[i], step);
}

/* Headers over the bound fail TOO_LARGE; under it, they pass. */
static void
test_large_headers(void **state)
{
	struct h1_resp	*r = malloc(h1_resp_size());
	char		*buf;
	size_t		 used, i, off;
	int		 rv = H1_MORE;

	(void)state;
	assert_non_null(r);
	h1_resp_init(2048);
	buf = malloc(8192);
	assert_non_null(buf);
	off = (size_t)snprintf(buf, 8192, "HTTP/1.1 200 OK\r\n");
	for (i = 0; i < 60; i++)
		off += (size_t)snprintf(buf + off, 8192 - off,
		    "X-Header-%02zu: %040zu\r\n", i, i);
	off += (size_t)snprintf(buf + off, 8192 - off, "\r\n");
	h1_resp_start(r, 0);
	rv = h1_resp_feed(r, buf, off, &used);
	assert_int_equal(rv, H1_FAIL);
	assert_int_equal(h1_resp_error(r), HTTP_ERR_TOO_LARGE);
	h1_resp_init(H1_MAXHDR);
	h1_resp_start(r, 0);
	rv = h1_resp_feed(r, buf, off, &used);
	/* No length and not chunked: the body runs to the close. */
	assert_int_equal(rv, H1_MORE);
	assert_int_equal(h1_resp_eof(r), H1_DONE);
	assert_int_equal(h1_resp_status(r), 200);
	free(buf);
	free(r);
}

/*
 * Headers over the bound with a fault past it: TOO_LARGE however the
 * bytes come, as the bound came first (the fuzzer's find: http-parser
 * alone said the fault in one read and the bound in pieces).
 */
static void
test_bound_then_fault(void **state)
{
	struct want	 w;
	char		*buf;

	(void)state;
	buf = malloc(2048);
	assert_non_null(buf);
	snprintf(buf, 2048, "HTTP/1.1 200 OK\r\nX-Pad: %01100d%c\r\n\r\n",
	    0, 1);
	memset(&w, 0, sizeof(w));
	w.name = "bound, then a fault";
	w.bytes = buf;
	w.verdict = H1_FAIL;
	w.status = 200;
	w.version = 11;
	w.error = HTTP_ERR_TOO_LARGE;
	h1_resp_init(1024);
	check(&w, 0);
	check(&w, 1);
	check(&w, 100);
	h1_resp_init(H1_MAXHDR);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_large_headers),
		cmocka_unit_test(test_bound_then_fault),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
