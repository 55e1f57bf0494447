/*
 * Unit tests of frame.c: every frame type decodes whole, partial frames
 * wait for more bytes at every split point, and each way a frame can lie
 * about its length, type, count or padding makes the stream corrupt.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forkload.h"

#define HDR_LEN		sizeof(struct msg_hdr)
#define RES_LEN(n)	(sizeof(struct msg_results) + \
			    (size_t)(n) * sizeof(struct result))

/* Big enough for a few frames back to back. */
#define STREAM_MAX	(4 * MSG_MAX_LEN)

struct frame {
	unsigned char	 buf[STREAM_MAX];
	size_t		 len;
};

static void	 put_frame(struct frame *, uint32_t, uint32_t, uint32_t,
		    const void *, size_t);
static void	 put_results(struct frame *, uint32_t, uint32_t, uint32_t,
		    uint32_t);
static void	 put_hello(struct frame *);
static int	 get_exact(const void *, size_t, struct msg_hdr *,
		    size_t *, size_t *);
static void	 fill_result(struct result *, uint64_t);
static void	 write_all(int, const unsigned char *, size_t);
static size_t	 feed(const unsigned char *, size_t, const size_t *, size_t,
		    uint32_t *, size_t);
static void	 check_prefixes(const struct frame *);
static void	 check_splits(const struct frame *, size_t, const uint32_t *);
static void	 check_corrupt_header(uint32_t, uint32_t);
static void	 check_results_corrupt(uint32_t, uint32_t, uint32_t, uint32_t);
static void	 read_all(int, unsigned char *, size_t);
static void	 check_invariants(const unsigned char *, size_t);

/*
 * Append one frame whose header claims len bytes in all, followed by
 * plen bytes of payload (which may disagree with len on purpose).
 */
static void
put_frame(struct frame *f, uint32_t type, uint32_t len, uint32_t worker,
    const void *payload, size_t plen)
{
	struct msg_hdr	 hdr;

	assert_true(f->len + HDR_LEN + plen <= sizeof(f->buf));
	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.len = len;
	hdr.worker = worker;
	hdr.pid = 4242;
	memcpy(f->buf + f->len, &hdr, sizeof(hdr));
	f->len += sizeof(hdr);
	if (plen > 0)
		memcpy(f->buf + f->len, payload, plen);
	f->len += plen;
}

/* A result with every field set from seq, so that copies can be told. */
static void
fill_result(struct result *r, uint64_t seq)
{
	memset(r, 0, sizeof(*r));
	r->seq = seq;
	r->sched_ns = 1000 * seq;
	r->start_ns = 1000 * seq + 7;
	r->latency_ns = 250000 + seq;
	r->bytes_in = 512 + seq;
	r->bytes_out = 64;
	r->error = seq % 3 == 0 ? 7 : 0;
	r->status = seq % 3 == 0 ? 0 : 200;
	r->target = (uint32_t)seq % 2;
	r->dns_us = 10;
	r->connect_us = 20;
	r->tls_us = 30;
	r->ttfb_us = 40;
}

/*
 * Append a RESULTS frame carrying n results, whose header says count and
 * claims the payload of claimed results.
 */
static void
put_results(struct frame *f, uint32_t n, uint32_t count, uint32_t claimed,
    uint32_t pad)
{
	unsigned char	*p;
	struct msg_results mr;
	struct result	 r;
	uint32_t	 i;

	p = malloc(RES_LEN(n));
	assert_non_null(p);
	mr.count = count;
	mr.pad = pad;
	memcpy(p, &mr, sizeof(mr));
	for (i = 0; i < n; i++) {
		fill_result(&r, i + 1);
		memcpy(p + sizeof(mr) + i * sizeof(r), &r, sizeof(r));
	}
	put_frame(f, MSG_RESULTS, HDR_LEN + RES_LEN(claimed), 3, p,
	    RES_LEN(n));
	free(p);
}

static void
put_hello(struct frame *f)
{
	struct msg_hello h;

	memset(&h, 0, sizeof(h));
	h.version = PROTO_VERSION;
	strlcpy(h.engine, "libcurl/7.88.1", sizeof(h.engine));
	put_frame(f, MSG_HELLO, HDR_LEN + sizeof(h), 3, &h, sizeof(h));
}

/*
 * Call frame_get on a copy of the first len bytes in a buffer of exactly
 * that size, so that ASan catches any read past what was given. Returns
 * what frame_get did, with the payload as an offset.
 */
static int
get_exact(const void *buf, size_t len, struct msg_hdr *hdr, size_t *off,
    size_t *used)
{
	unsigned char	*copy;
	const void	*payload = NULL;
	int		 rv;

	copy = malloc(len > 0 ? len : 1);
	assert_non_null(copy);
	if (len > 0)
		memcpy(copy, buf, len);
	*used = 0;
	rv = frame_get(copy, len, hdr, &payload, used);
	*off = rv == 1 ? (size_t)((const unsigned char *)payload - copy) : 0;
	free(copy);
	return (rv);
}

/* Write all of len bytes to fd. */
static void
write_all(int fd, const unsigned char *buf, size_t len)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < len) {
		n = write(fd, buf + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		assert_true(n > 0);
		off += n;
	}
}

/*
 * Deliver a stream through a pipe in chunks of the given sizes (the last
 * one repeated), and reassemble it with the parent's own framebuf: after
 * each chunk, frame_read() and then every whole frame from frame_next().
 * Returns the number of frames decoded, their types in types[]; fails the
 * test on a corrupt frame or a byte left over at the end.
 */
static size_t
feed(const unsigned char *stream, size_t len, const size_t *chunks,
    size_t nchunks, uint32_t *types, size_t ntypes)
{
	struct framebuf	 fb;
	struct msg_hdr	 hdr;
	const void	*payload;
	size_t		 pos = 0, n, ci = 0, nframes = 0;
	int		 fds[2], rv;

	assert_int_equal(pipe2(fds, O_NONBLOCK), 0);
	frame_open(&fb, fds[0]);
	while (pos < len) {
		n = chunks[ci < nchunks ? ci : nchunks - 1];
		ci++;
		if (n > len - pos)
			n = len - pos;
		/* The streams here are far smaller than a pipe holds. */
		write_all(fds[1], stream + pos, n);
		pos += n;
		while (frame_read(&fb) > 0)
			continue;
		assert_int_equal(errno, EAGAIN);
		while ((rv = frame_next(&fb, &hdr, &payload)) == 1) {
			assert_true(nframes < ntypes);
			types[nframes++] = hdr.type;
		}
		if (rv == -1)
			fail_msg("corrupt at stream byte %zu", pos);
	}
	assert_int_equal(close(fds[1]), 0);
	/* End of file, with nothing left half a frame. */
	assert_int_equal(frame_read(&fb), 0);
	assert_int_equal(frame_pending(&fb), 0);
	frame_close(&fb);
	assert_int_equal(fb.fd, -1);
	return (nframes);
}

/* Each type decodes whole: 1, used == len, the payload after the header. */
static void
test_whole(void **state)
{
	struct frame	*f;
	struct msg_hdr	 hdr;
	struct msg_started st = { 42 };
	struct msg_done	 dn = { 1234 };
	struct msg_error er;
	size_t		 off, used, i;
	static const uint32_t counts[] = { 1, 3, MSG_RESULTS_MAX };
	int		 t;

	(void)state;
	memset(&er, 0, sizeof(er));
	strlcpy(er.text, "worker 3: out of sockets", sizeof(er.text));
	for (t = MSG_HELLO; t < MSG_TYPE_MAX; t++) {
		f = calloc(1, sizeof(*f));
		assert_non_null(f);
		switch (t) {
		case MSG_HELLO:
			put_hello(f);
			break;
		case MSG_RESULTS:
			put_results(f, 3, 3, 3, 0);
			break;
		case MSG_STARTED:
			put_frame(f, t, HDR_LEN + sizeof(st), 3, &st,
			    sizeof(st));
			break;
		case MSG_DONE:
			put_frame(f, t, HDR_LEN + sizeof(dn), 3, &dn,
			    sizeof(dn));
			break;
		case MSG_ERROR:
			put_frame(f, t, HDR_LEN + sizeof(er), 3, &er,
			    sizeof(er));
			break;
		default:
			fail_msg("type %d has no test", t);
		}
		assert_int_equal(get_exact(f->buf, f->len, &hdr, &off, &used),
		    1);
		assert_int_equal(used, f->len);
		assert_int_equal(off, HDR_LEN);
		assert_int_equal(hdr.type, t);
		assert_int_equal(hdr.len, f->len);
		assert_int_equal(hdr.worker, 3);
		assert_int_equal(hdr.pid, 4242);
		assert_int_equal(frame_payload_size(t, f->buf + HDR_LEN,
		    f->len - HDR_LEN), f->len - HDR_LEN);
		/* Bytes after the frame belong to the next one. */
		f->buf[f->len] = 0xff;
		assert_int_equal(get_exact(f->buf, f->len + 1, &hdr, &off,
		    &used), 1);
		assert_int_equal(used, f->len);
		free(f);
	}
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		f = calloc(1, sizeof(*f));
		assert_non_null(f);
		put_results(f, counts[i], counts[i], counts[i], 0);
		assert_int_equal(get_exact(f->buf, f->len, &hdr, &off, &used),
		    1);
		assert_int_equal(used, HDR_LEN + RES_LEN(counts[i]));
		free(f);
	}
	/* The largest frame there is is exactly MSG_MAX_LEN. */
	assert_int_equal(HDR_LEN + RES_LEN(MSG_RESULTS_MAX), MSG_MAX_LEN);
}

/* The payload size each type must have, and the sizes no frame can have. */
static void
test_payload_size(void **state)
{
	struct msg_results mr;

	(void)state;
	assert_int_equal(frame_payload_size(MSG_HELLO, NULL, 0),
	    sizeof(struct msg_hello));
	assert_int_equal(frame_payload_size(MSG_STARTED, NULL, 0),
	    sizeof(struct msg_started));
	assert_int_equal(frame_payload_size(MSG_DONE, NULL, 0),
	    sizeof(struct msg_done));
	assert_int_equal(frame_payload_size(MSG_ERROR, NULL, 0),
	    sizeof(struct msg_error));
	/* Until the count is at hand, only its own size is known. */
	mr.count = 3;
	mr.pad = 0;
	assert_int_equal(frame_payload_size(MSG_RESULTS, &mr, 0), sizeof(mr));
	assert_int_equal(frame_payload_size(MSG_RESULTS, &mr, sizeof(mr) - 1),
	    sizeof(mr));
	assert_int_equal(frame_payload_size(MSG_RESULTS, &mr, sizeof(mr)),
	    RES_LEN(3));
	mr.count = MSG_RESULTS_MAX;
	assert_int_equal(frame_payload_size(MSG_RESULTS, &mr, sizeof(mr)),
	    RES_LEN(MSG_RESULTS_MAX));
	mr.count = 0;
	assert_int_equal(frame_payload_size(MSG_RESULTS, &mr, sizeof(mr)),
	    SIZE_MAX);
	mr.count = MSG_RESULTS_MAX + 1;
	assert_int_equal(frame_payload_size(MSG_RESULTS, &mr, sizeof(mr)),
	    SIZE_MAX);
	mr.count = 1;
	mr.pad = 1;
	assert_int_equal(frame_payload_size(MSG_RESULTS, &mr, sizeof(mr)),
	    SIZE_MAX);
	assert_int_equal(frame_payload_size(0, NULL, 0), SIZE_MAX);
	assert_int_equal(frame_payload_size(MSG_TYPE_MAX, NULL, 0), SIZE_MAX);
	assert_int_equal(frame_payload_size(999, NULL, 0), SIZE_MAX);
}

/* Every proper prefix of a valid frame needs more; the whole is ready. */
static void
check_prefixes(const struct frame *f)
{
	struct msg_hdr	 hdr;
	size_t		 k, off, used;

	for (k = 0; k < f->len; k++) {
		if (get_exact(f->buf, k, &hdr, &off, &used) != 0)
			fail_msg("prefix of %zu of %zu bytes is not 0", k,
			    f->len);
		assert_int_equal(used, 0);
	}
	assert_int_equal(get_exact(f->buf, f->len, &hdr, &off, &used), 1);
	assert_int_equal(used, f->len);
}

/* Split into two reads at every point, then one byte at a time. */
static void
check_splits(const struct frame *f, size_t nframes, const uint32_t *want)
{
	uint32_t	 types[8];
	size_t		 chunks[2], one = 1, k, i;

	assert_true(nframes <= 8);
	for (k = 0; k <= f->len; k++) {
		chunks[0] = k > 0 ? k : f->len;
		chunks[1] = f->len;
		memset(types, 0, sizeof(types));
		if (feed(f->buf, f->len, chunks, 2, types, 8) != nframes)
			fail_msg("split at %zu: wrong number of frames", k);
		for (i = 0; i < nframes; i++)
			assert_int_equal(types[i], want[i]);
	}
	memset(types, 0, sizeof(types));
	assert_int_equal(feed(f->buf, f->len, &one, 1, types, 8), nframes);
	for (i = 0; i < nframes; i++)
		assert_int_equal(types[i], want[i]);
}

static void
test_partial_results(void **state)
{
	struct frame	*f;
	static const uint32_t want[] = { MSG_RESULTS };

	(void)state;
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	put_results(f, 3, 3, 3, 0);
	check_prefixes(f);
	check_splits(f, 1, want);
	free(f);
}

static void
test_partial_hello(void **state)
{
	struct frame	*f;
	static const uint32_t want[] = { MSG_HELLO };

	(void)state;
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	put_hello(f);
	check_prefixes(f);
	check_splits(f, 1, want);
	free(f);
}

/* Frames back to back: each comes out whole, the next starts at used. */
static void
test_back_to_back(void **state)
{
	struct frame	*f;
	struct msg_hdr	 hdr;
	struct msg_done	 dn = { 3 };
	const void	*payload;
	size_t		 used, first, second;
	static const uint32_t want[] = { MSG_HELLO, MSG_RESULTS, MSG_DONE };

	(void)state;
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	put_hello(f);
	first = f->len;
	put_results(f, 3, 3, 3, 0);
	second = f->len;
	put_frame(f, MSG_DONE, HDR_LEN + sizeof(dn), 3, &dn, sizeof(dn));

	assert_int_equal(frame_get(f->buf, f->len, &hdr, &payload, &used), 1);
	assert_int_equal(hdr.type, MSG_HELLO);
	assert_int_equal(used, first);
	assert_int_equal(frame_get(f->buf + first, f->len - first, &hdr,
	    &payload, &used), 1);
	assert_int_equal(hdr.type, MSG_RESULTS);
	assert_int_equal(used, second - first);
	assert_ptr_equal(payload, f->buf + first + HDR_LEN);
	assert_int_equal(frame_get(f->buf + second, f->len - second, &hdr,
	    &payload, &used), 1);
	assert_int_equal(hdr.type, MSG_DONE);
	assert_int_equal(used, f->len - second);
	assert_memory_equal(payload, &dn, sizeof(dn));
	/* Part of the second frame after the first: the first, then 0. */
	assert_int_equal(frame_get(f->buf, first + 5, &hdr, &payload, &used),
	    1);
	assert_int_equal(frame_get(f->buf + first, 5, &hdr, &payload, &used),
	    0);

	check_splits(f, 3, want);
	free(f);
}

/* A header alone is enough to find a corrupt length or type. */
static void
check_corrupt_header(uint32_t type, uint32_t len)
{
	struct frame	*f;
	struct msg_hdr	 hdr;
	size_t		 off, used;
	unsigned char	 zero[64];

	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	memset(zero, 0, sizeof(zero));
	put_frame(f, type, len, 1, zero, sizeof(zero));
	if (get_exact(f->buf, HDR_LEN, &hdr, &off, &used) != -1)
		fail_msg("type %u len %u: header alone not -1", type, len);
	if (get_exact(f->buf, f->len, &hdr, &off, &used) != -1)
		fail_msg("type %u len %u: whole not -1", type, len);
	free(f);
}

static void
test_bad_length(void **state)
{
	struct frame	*f;
	struct msg_hdr	 hdr;
	size_t		 off, used, k;
	struct msg_hello h;
	int		 t;

	(void)state;
	for (t = MSG_HELLO; t < MSG_TYPE_MAX; t++) {
		check_corrupt_header(t, 0);
		check_corrupt_header(t, HDR_LEN - 1);
		check_corrupt_header(t, MSG_MAX_LEN + 1);
		check_corrupt_header(t, UINT32_MAX);
	}
	check_corrupt_header(MSG_HELLO, HDR_LEN);
	check_corrupt_header(MSG_HELLO, HDR_LEN + sizeof(h) - 1);
	check_corrupt_header(MSG_HELLO, HDR_LEN + sizeof(h) + 1);
	check_corrupt_header(MSG_STARTED, HDR_LEN + sizeof(struct msg_started) +
	    1);
	check_corrupt_header(MSG_DONE, HDR_LEN + sizeof(struct msg_done) - 1);
	check_corrupt_header(MSG_ERROR, HDR_LEN + sizeof(struct msg_error) - 1);
	/* RESULTS too short to hold its own count. */
	check_corrupt_header(MSG_RESULTS, HDR_LEN);
	check_corrupt_header(MSG_RESULTS, HDR_LEN +
	    sizeof(struct msg_results) - 1);

	/* HELLO one byte short, with the bytes it claims all there. */
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	memset(&h, 0, sizeof(h));
	put_frame(f, MSG_HELLO, HDR_LEN + sizeof(h) - 1, 1, &h,
	    sizeof(h) - 1);
	for (k = HDR_LEN; k <= f->len; k++)
		assert_int_equal(get_exact(f->buf, k, &hdr, &off, &used), -1);
	free(f);
}

static void
test_bad_type(void **state)
{
	static const uint32_t bad[] = { 0, MSG_TYPE_MAX, 999, UINT32_MAX };
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		check_corrupt_header(bad[i], HDR_LEN);
		check_corrupt_header(bad[i], HDR_LEN + 8);
		check_corrupt_header(bad[i], HDR_LEN +
		    sizeof(struct msg_hello));
	}
}

/*
 * A RESULTS frame whose length disagrees with its count: 0 while the
 * count is not yet at hand, -1 from the moment it is.
 */
static void
check_results_corrupt(uint32_t n, uint32_t count, uint32_t claimed,
    uint32_t pad)
{
	struct frame	*f;
	struct msg_hdr	 hdr;
	size_t		 k, off, used;
	int		 rv, want;

	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	put_results(f, n, count, claimed, pad);
	for (k = 0; k <= f->len; k++) {
		want = k < HDR_LEN + sizeof(struct msg_results) ? 0 : -1;
		rv = get_exact(f->buf, k, &hdr, &off, &used);
		if (rv != want)
			fail_msg("count %u claimed %u pad %u: %zu bytes gave "
			    "%d, want %d", count, claimed, pad, k, rv, want);
	}
	free(f);
}

static void
test_short_payload(void **state)
{
	(void)state;
	/* Count 3, length for 2 (the bytes for 2 follow). */
	check_results_corrupt(2, 3, 2, 0);
	/* Count 2, length for 3. */
	check_results_corrupt(3, 2, 3, 0);
	/* Count 1, length for MSG_RESULTS_MAX. */
	check_results_corrupt(1, 1, MSG_RESULTS_MAX, 0);
}

static void
test_bad_count(void **state)
{
	(void)state;
	check_results_corrupt(0, 0, 0, 0);
	check_results_corrupt(1, 0, 1, 0);
	check_results_corrupt(1, MSG_RESULTS_MAX + 1, 1, 0);
	check_results_corrupt(1, UINT32_MAX, 1, 0);
}

static void
test_bad_pad(void **state)
{
	(void)state;
	check_results_corrupt(3, 3, 3, 1);
	check_results_corrupt(3, 3, 3, 0x80000000U);
}

/* Whatever the bytes, frame_get stays in bounds and keeps its contract. */
static void
check_invariants(const unsigned char *buf, size_t len)
{
	struct msg_hdr	 hdr;
	size_t		 off, used, want;
	int		 rv;

	rv = get_exact(buf, len, &hdr, &off, &used);
	assert_true(rv >= -1 && rv <= 1);
	if (rv != 1)
		return;
	assert_int_equal(used, hdr.len);
	assert_true(used <= len);
	assert_int_equal(off, HDR_LEN);
	want = frame_payload_size(hdr.type, buf + HDR_LEN, used - HDR_LEN);
	assert_int_equal(want, used - HDR_LEN);
}

/*
 * Flip every bit of a valid stream in turn, and decode each prefix: a
 * damaged frame may be corrupt or incomplete, never read out of bounds.
 */
static void
test_damaged(void **state)
{
	struct frame	*f;
	struct msg_done	 dn = { 3 };
	size_t		 i, k;
	int		 bit;

	(void)state;
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	put_hello(f);
	put_results(f, 2, 2, 2, 0);
	put_frame(f, MSG_DONE, HDR_LEN + sizeof(dn), 3, &dn, sizeof(dn));
	for (i = 0; i < f->len; i++) {
		for (bit = 0; bit < 8; bit++) {
			f->buf[i] ^= 1U << bit;
			for (k = i + 1; k <= f->len; k += 13)
				check_invariants(f->buf, k);
			check_invariants(f->buf, f->len);
			f->buf[i] ^= 1U << bit;
		}
	}
	free(f);
}

/* Read exactly len bytes from fd. */
static void
read_all(int fd, unsigned char *buf, size_t len)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < len) {
		n = read(fd, buf + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		assert_true(n > 0);
		off += n;
	}
}

/* What frame_send writes, frame_get reads back the same. */
static void
test_send_round_trip(void **state)
{
	struct msg_hello h;
	struct msg_hdr	 hdr;
	unsigned char	*buf, *pay;
	const void	*payload;
	struct msg_results mr;
	struct result	 r;
	size_t		 used, plen, off = 0, i;
	int		 fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	buf = malloc(3 * MSG_MAX_LEN);
	pay = malloc(RES_LEN(MSG_RESULTS_MAX));
	assert_non_null(buf);
	assert_non_null(pay);

	memset(&h, 0, sizeof(h));
	h.version = PROTO_VERSION;
	strlcpy(h.engine, "7.88.1", sizeof(h.engine));
	assert_int_equal(frame_send(fds[1], MSG_HELLO, 7, &h, sizeof(h)), 0);
	/* The largest frame: more than PIPE_BUF, less than a pipe holds. */
	mr.count = MSG_RESULTS_MAX;
	mr.pad = 0;
	memcpy(pay, &mr, sizeof(mr));
	for (i = 0; i < MSG_RESULTS_MAX; i++) {
		fill_result(&r, i);
		memcpy(pay + sizeof(mr) + i * sizeof(r), &r, sizeof(r));
	}
	plen = RES_LEN(MSG_RESULTS_MAX);
	assert_int_equal(frame_send(fds[1], MSG_RESULTS, 7, pay, plen), 0);
	assert_int_equal(close(fds[1]), 0);
	read_all(fds[0], buf, HDR_LEN + sizeof(h) + HDR_LEN + plen);
	assert_int_equal(read(fds[0], buf, 1), 0);
	assert_int_equal(close(fds[0]), 0);

	assert_int_equal(frame_get(buf, HDR_LEN + sizeof(h) + HDR_LEN + plen,
	    &hdr, &payload, &used), 1);
	assert_int_equal(hdr.type, MSG_HELLO);
	assert_int_equal(hdr.len, HDR_LEN + sizeof(h));
	assert_int_equal(hdr.worker, 7);
	assert_int_equal(hdr.pid, getpid());
	assert_int_equal(used, hdr.len);
	assert_memory_equal(payload, &h, sizeof(h));
	off = used;
	assert_int_equal(frame_get(buf + off, HDR_LEN + plen, &hdr, &payload,
	    &used), 1);
	assert_int_equal(hdr.type, MSG_RESULTS);
	assert_int_equal(hdr.len, HDR_LEN + plen);
	assert_int_equal(hdr.worker, 7);
	assert_int_equal(hdr.pid, getpid());
	assert_int_equal(used, HDR_LEN + plen);
	assert_memory_equal(payload, pay, plen);
	free(pay);
	free(buf);
}

/* A frame with no payload is a header; writing to a closed pipe fails. */
static void
test_send_errors(void **state)
{
	struct msg_hdr	 hdr;
	unsigned char	 buf[HDR_LEN];
	void		(*old)(int);
	int		 fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(frame_send(fds[1], MSG_DONE, 2, NULL, 0), 0);
	read_all(fds[0], buf, sizeof(buf));
	memcpy(&hdr, buf, sizeof(hdr));
	assert_int_equal(hdr.type, MSG_DONE);
	assert_int_equal(hdr.len, HDR_LEN);
	assert_int_equal(hdr.worker, 2);

	/* The parent is gone: EPIPE, once SIGPIPE no longer kills us. */
	assert_int_equal(close(fds[0]), 0);
	old = signal(SIGPIPE, SIG_IGN);
	errno = 0;
	assert_int_equal(frame_send(fds[1], MSG_DONE, 2, NULL, 0), -1);
	assert_int_equal(errno, EPIPE);
	signal(SIGPIPE, old);
	assert_int_equal(close(fds[1]), 0);
}

/*
 * Many of the largest frames from another process, more than a pipe
 * holds: framebuf always has room for the next whole frame, and every
 * result arrives intact and in order.
 */
static void
test_framebuf_stream(void **state)
{
	struct framebuf	 fb;
	struct msg_hdr	 hdr;
	struct msg_results mr;
	struct result	 r, want;
	unsigned char	*pay;
	const void	*payload;
	size_t		 plen = RES_LEN(MSG_RESULTS_MAX), frames = 0, i;
	ssize_t		 n;
	int		 fds[2], rv, st;
	pid_t		 pid;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		(void)close(fds[0]);
		pay = malloc(plen);
		if (pay == NULL)
			_exit(1);
		mr.count = MSG_RESULTS_MAX;
		mr.pad = 0;
		memcpy(pay, &mr, sizeof(mr));
		for (n = 0; n < 20; n++) {
			for (i = 0; i < MSG_RESULTS_MAX; i++) {
				fill_result(&r, n * MSG_RESULTS_MAX + i);
				memcpy(pay + sizeof(mr) + i * sizeof(r), &r,
				    sizeof(r));
			}
			if (frame_send(fds[1], MSG_RESULTS, 1, pay, plen) == -1)
				_exit(1);
		}
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(close(fds[1]), 0);
	frame_open(&fb, fds[0]);
	while ((n = frame_read(&fb)) != 0) {
		assert_true(n > 0);
		while ((rv = frame_next(&fb, &hdr, &payload)) == 1) {
			assert_int_equal(hdr.type, MSG_RESULTS);
			assert_int_equal(hdr.len, HDR_LEN + plen);
			for (i = 0; i < MSG_RESULTS_MAX; i++) {
				memcpy(&r, (const unsigned char *)payload +
				    sizeof(mr) + i * sizeof(r), sizeof(r));
				fill_result(&want,
				    frames * MSG_RESULTS_MAX + i);
				assert_memory_equal(&r, &want, sizeof(r));
			}
			frames++;
		}
		assert_int_equal(rv, 0);
	}
	assert_int_equal(frames, 20);
	assert_int_equal(frame_pending(&fb), 0);
	frame_close(&fb);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* A frame cut short by the end of the pipe stays pending, never decoded. */
static void
test_framebuf_partial(void **state)
{
	struct framebuf	 fb;
	struct frame	*f;
	struct msg_hdr	 hdr;
	const void	*payload;
	size_t		 hello_len;
	int		 fds[2];

	(void)state;
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	put_hello(f);
	put_results(f, 3, 3, 3, 0);
	assert_int_equal(pipe(fds), 0);
	write_all(fds[1], f->buf, f->len - 1);
	assert_int_equal(close(fds[1]), 0);
	frame_open(&fb, fds[0]);
	assert_int_equal(frame_read(&fb), (ssize_t)(f->len - 1));
	assert_int_equal(frame_next(&fb, &hdr, &payload), 1);
	assert_int_equal(hdr.type, MSG_HELLO);
	hello_len = hdr.len;
	assert_int_equal(frame_next(&fb, &hdr, &payload), 0);
	assert_int_equal(frame_read(&fb), 0);
	assert_int_equal(frame_pending(&fb), f->len - 1 - hello_len);
	assert_int_equal(frame_next(&fb, &hdr, &payload), 0);
	frame_close(&fb);
	free(f);
}

/* A corrupt frame in the stream is -1 from frame_next, at once. */
static void
test_framebuf_corrupt(void **state)
{
	struct framebuf	 fb;
	struct frame	*f;
	struct msg_hdr	 hdr;
	const void	*payload;
	int		 fds[2];

	(void)state;
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	put_hello(f);
	put_frame(f, 77, HDR_LEN, 3, NULL, 0);
	assert_int_equal(pipe(fds), 0);
	write_all(fds[1], f->buf, f->len);
	frame_open(&fb, fds[0]);
	assert_int_equal(frame_read(&fb), (ssize_t)f->len);
	assert_int_equal(frame_next(&fb, &hdr, &payload), 1);
	assert_int_equal(frame_next(&fb, &hdr, &payload), -1);
	frame_close(&fb);
	assert_int_equal(close(fds[1]), 0);
	free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_payload_size),
		cmocka_unit_test(test_partial_results),
		cmocka_unit_test(test_partial_hello),
		cmocka_unit_test(test_back_to_back),
		cmocka_unit_test(test_bad_length),
		cmocka_unit_test(test_bad_type),
		cmocka_unit_test(test_short_payload),
		cmocka_unit_test(test_bad_count),
		cmocka_unit_test(test_bad_pad),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_send_round_trip),
		cmocka_unit_test(test_send_errors),
		cmocka_unit_test(test_framebuf_stream),
		cmocka_unit_test(test_framebuf_partial),
		cmocka_unit_test(test_framebuf_corrupt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
