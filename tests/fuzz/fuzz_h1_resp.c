/*
 * A libFuzzer harness for h1_resp.c: arbitrary bytes arrive as a server's
 * response would, in arbitrary pieces, and every verdict must keep the
 * invariants below, whatever the pieces. Built with -DFUZZ_REPLAY it is a
 * plain program that replays files (a corpus) through the same checks.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forkload.h"

/*
 * The input: byte 0 holds flags (the ASCII digits '0' to '3' give each
 * mix); byte 1 & 7 is how many split bytes follow (0: every piece is one
 * byte); each split byte b is a piece of b + 1 bytes, the split bytes
 * taken in turn and cycled. The rest is the response.
 */
#define FUZZ_HEAD	0x01	/* the request was HEAD */
#define FUZZ_EOF	0x02	/* the server closes after the bytes */
#define FUZZ_NSPLIT	7

/*
 * The header bound of this process. Small, so that short inputs reach it
 * (the engine's is H1_MAXHDR, 64 KiB): the code that checks it is the same.
 */
#define FUZZ_MAXHDR	1024


/* What a response came to, as the accessors give it. */
struct seen {
	int		 verdict;
	int		 status;
	unsigned int	 version;
	int		 keepalive;
	int		 error;
	uint64_t	 bytes;
};

int		LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	*fuzz_input = "(fuzzer)";	/* for a report */

/* Say which invariant broke, and on what input; abort for the fuzzer. */
static void
fuzz_fail(int line, const char *what)
{
	fprintf(stderr, "fuzz_h1_resp.c:%d: invariant broken: %s (input %s)\n",
	    line, what, fuzz_input);
	abort();
}

#define CHECK(c) do {							\
	if (!(c))							\
		fuzz_fail(__LINE__, #c);				\
} while (0)

/* The errors a response can end in: reading gives no others. */
static int
fuzz_error_ok(int e)
{
	switch (e) {
	case HTTP_ERR_UNSUPPORTED_PROTOCOL:
	case HTTP_ERR_WEIRD_SERVER_REPLY:
	case HTTP_ERR_PARTIAL_FILE:
	case HTTP_ERR_GOT_NOTHING:
	case HTTP_ERR_RECV_ERROR:
	case HTTP_ERR_TOO_LARGE:
		return (1);
	}
	return (0);
}

/* Take what r says now, after verdict v, checking that it all agrees. */
static struct seen
fuzz_seen(const struct h1_resp *r, int v)
{
	struct seen	 s;

	s.verdict = v;
	s.status = h1_resp_status(r);
	s.version = h1_resp_version(r);
	s.keepalive = h1_resp_keepalive(r);
	s.error = h1_resp_error(r);
	s.bytes = h1_resp_bytes(r);

	CHECK(v == H1_MORE || v == H1_DONE || v == H1_FAIL);
	CHECK(s.status == 0 || (s.status >= 100 && s.status <= 999));
	CHECK(s.keepalive == 0 || s.keepalive == 1);
	CHECK(s.version <= 99);		/* one digit each, in http-parser */
	if (v == H1_DONE) {
		CHECK(s.error == 0);
		CHECK(s.status >= 100 && s.status <= 999);
		/* An interim response is never the final one. */
		CHECK(s.status >= 200 || s.status == 101);
		/* After 101 the connection speaks another protocol. */
		CHECK(s.status != 101 || s.keepalive == 0);
	} else {
		/* Keep-alive only when done. */
		CHECK(s.keepalive == 0);
	}
	if (v == H1_FAIL)
		CHECK(fuzz_error_ok(s.error));
	if (v == H1_MORE)
		CHECK(s.error == 0);
	return (s);
}

/*
 * Whether two readings say the same. Across runs (across set) of the same
 * bytes in other pieces, the bytes a failed response took are where
 * http-parser stopped, which depends on the pieces (it takes some runs of
 * bytes whole), so they do not count.
 */
static int
fuzz_same(const struct seen *a, const struct seen *b, int across)
{
	if (!across || a->verdict != H1_FAIL)
		if (a->bytes != b->bytes)
			return (0);
	return (a->verdict == b->verdict && a->status == b->status &&
	    a->version == b->version && a->keepalive == b->keepalive &&
	    a->error == b->error);
}

/*
 * Feed one piece of len bytes (len > 0: a read of 0 is the end, which
 * h1_resp_eof() takes) to r, whose verdict so far is *v, from a buffer of
 * exactly len bytes, so that ASan catches a read past it. *total counts
 * the bytes taken. Returns what r says after it.
 */
static struct seen
fuzz_feed(struct h1_resp *r, int *v, const uint8_t *p, size_t len,
    uint64_t *total)
{
	struct seen	 before, after;
	char		*buf;
	size_t		 used;
	int		 nv;

	before = fuzz_seen(r, *v);
	buf = malloc(len);
	CHECK(buf != NULL);
	memcpy(buf, p, len);
	used = (size_t)-1;
	nv = h1_resp_feed(r, buf, len, &used);
	free(buf);
	CHECK(used <= len);
	*total += used;
	after = fuzz_seen(r, nv);
	CHECK(after.bytes == *total);
	if (*v != H1_MORE) {
		/* A verdict never changes, and takes no more bytes. */
		CHECK(used == 0);
		CHECK(fuzz_same(&before, &after, 0));
	}
	/* Wanting more, it took all: no byte is lost between reads. */
	if (nv == H1_MORE)
		CHECK(used == len);
	*v = nv;
	return (after);
}

/* The server closed: the end of r, whose verdict so far is *v. */
static struct seen
fuzz_eof(struct h1_resp *r, int *v)
{
	struct seen	 before, after, again;
	int		 nv;

	before = fuzz_seen(r, *v);
	nv = h1_resp_eof(r);
	after = fuzz_seen(r, nv);
	CHECK(nv != H1_MORE);
	CHECK(after.bytes == before.bytes);
	if (*v != H1_MORE)
		CHECK(fuzz_same(&before, &after, 0));
	else if (before.bytes == 0)
		CHECK(nv == H1_FAIL && after.error == HTTP_ERR_GOT_NOTHING);
	/* Nothing more comes after the close, and the end is the end. */
	if (nv == H1_DONE)
		CHECK(after.keepalive == 0 || *v == H1_DONE);
	again = fuzz_seen(r, h1_resp_eof(r));
	CHECK(fuzz_same(&after, &again, 0));
	*v = nv;
	return (after);
}

/*
 * Run the bytes of one input: whole in one read, then in the pieces it
 * names, then followed by themselves (a second response pipelined), and
 * hold each run to the invariants and the others. Returns 0, as libFuzzer
 * wants; a broken invariant aborts.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 inited;
	struct h1_resp	*r;
	struct seen	 whole, whole_end, split, split_end, piped;
	const uint8_t	*split_by, *body;
	uint8_t		*twice;
	size_t		 nsplit, blen, off, piece, i;
	uint64_t	 total;
	int		 flags, v;

	if (!inited) {
		/* Process-wide, as in a worker. */
		h1_resp_init(FUZZ_MAXHDR);
		inited = 1;
	}
	if (size < 2)
		return (0);
	flags = data[0];
	nsplit = data[1] & FUZZ_NSPLIT;
	if (size < 2 + nsplit)
		return (0);
	split_by = data + 2;
	body = data + 2 + nsplit;
	blen = size - 2 - nsplit;
	r = malloc(h1_resp_size());
	CHECK(r != NULL);

	/* Whole: one read, then the same again (it takes none of it). */
	h1_resp_start(r, flags & FUZZ_HEAD);
	v = H1_MORE;
	total = 0;
	whole = fuzz_seen(r, v);
	CHECK(whole.status == 0 && whole.version == 0 && whole.bytes == 0);
	if (blen > 0) {
		whole = fuzz_feed(r, &v, body, blen, &total);
		if (v != H1_MORE)
			(void)fuzz_feed(r, &v, body, blen, &total);
	}
	whole_end = whole;
	if (flags & FUZZ_EOF)
		whole_end = fuzz_eof(r, &v);

	/* In pieces, fed on after a verdict as a careless caller would. */
	h1_resp_start(r, flags & FUZZ_HEAD);
	v = H1_MORE;
	total = 0;
	split = fuzz_seen(r, v);
	for (off = 0, i = 0; off < blen; off += piece, i++) {
		piece = nsplit == 0 ? 1 : (size_t)split_by[i % nsplit] + 1;
		if (piece > blen - off)
			piece = blen - off;
		split = fuzz_feed(r, &v, body + off, piece, &total);
	}
	split_end = split;
	if (flags & FUZZ_EOF)
		split_end = fuzz_eof(r, &v);

	/* The split must not matter: this is the invariant that counts. */
	CHECK(fuzz_same(&whole, &split, 1));
	CHECK(fuzz_same(&whole_end, &split_end, 1));

	/*
	 * A verdict reached within the bytes does not depend on what comes
	 * after them: followed by another response (themselves again), the
	 * first takes the same bytes and says the same.
	 */
	if (whole.verdict != H1_MORE) {
		twice = malloc(2 * blen);
		CHECK(twice != NULL);
		memcpy(twice, body, blen);
		memcpy(twice + blen, body, blen);
		h1_resp_start(r, flags & FUZZ_HEAD);
		v = H1_MORE;
		total = 0;
		piped = fuzz_feed(r, &v, twice, 2 * blen, &total);
		CHECK(fuzz_same(&whole, &piped, 1));
		free(twice);
	}
	free(r);
	return (0);
}

#ifdef FUZZ_REPLAY
/* Replay one file; returns 0, or -1 when it cannot be read. */
static int
fuzz_replay_file(const char *path)
{
	FILE		*f;
	uint8_t		*buf;
	long		 len;
	int		 rv = -1;

	if ((f = fopen(path, "rb")) == NULL)
		return (-1);
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		/* An exact buffer, as libFuzzer gives, for ASan's sake. */
		buf = malloc(len == 0 ? 1 : (size_t)len);
		if (buf != NULL && fread(buf, 1, (size_t)len, f) ==
		    (size_t)len) {
			fuzz_input = path;
			(void)LLVMFuzzerTestOneInput(buf, (size_t)len);
			rv = 0;
		}
		free(buf);
	}
	fclose(f);
	return (rv);
}

/* Replay every regular file in a directory; returns how many, or -1. */
static long
fuzz_replay_dir(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		 path[4096];
	long		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path) || stat(path, &sb) == -1 ||
		    !S_ISREG(sb.st_mode))
			continue;
		if (fuzz_replay_file(path) == -1) {
			n = -1;
			break;
		}
		n++;
	}
	closedir(d);
	return (n);
}

/*
 * Replay each file or directory given: prints "replayed N inputs" and
 * exits 0 when every invariant held; a broken one aborts, naming the
 * input; exits 1 when an argument cannot be read.
 */
int
main(int argc, char *argv[])
{
	struct stat	 sb;
	long		 n, total = 0;
	int		 i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return (2);
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			n = fuzz_replay_dir(argv[i]);
		else
			n = fuzz_replay_file(argv[i]) == 0 ? 1 : -1;
		if (n == -1) {
			fprintf(stderr, "%s: cannot read %s\n", argv[0],
			    argv[i]);
			return (1);
		}
		total += n;
	}
	printf("replayed %ld inputs\n", total);
	return (0);
}
#endif /* FUZZ_REPLAY */
