/*
 * Encoding and strict decoding of worker-to-parent frames (include/proto.h),
 * and the reassembly of a pipe's bytes into whole frames. Decoding never
 * trusts the sender: a length that disagrees with the type's payload size,
 * or an unknown type, makes the stream corrupt.
 */
#include <sys/uio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forkload.h"

/*
 * Return the payload size that a frame of this type must have, given the
 * start of its payload (RESULTS carries its count up front), or SIZE_MAX
 * when no size can be right. avail is how much of the payload is at hand.
 */
size_t
frame_payload_size(uint32_t type, const void *payload, size_t avail)
{
	struct msg_results	 r;
	struct msg_hello	 h;

	switch (type) {
	case MSG_HELLO:
		/* Zeroed padding is part of the format. */
		if (avail >= sizeof(h)) {
			memcpy(&h, payload, sizeof(h));
			if (h.pad != 0)
				return (SIZE_MAX);
		}
		return (sizeof(struct msg_hello));
	case MSG_STARTED:
		return (sizeof(struct msg_started));
	case MSG_DONE:
		return (sizeof(struct msg_done));
	case MSG_ERROR:
		return (sizeof(struct msg_error));
	case MSG_RESULTS:
		if (avail < sizeof(r))
			return (sizeof(r));
		memcpy(&r, payload, sizeof(r));
		if (r.count == 0 || r.count > MSG_RESULTS_MAX || r.pad != 0)
			return (SIZE_MAX);
		return (sizeof(r) + (size_t)r.count * sizeof(struct result));
	default:
		return (SIZE_MAX);
	}
}

/*
 * Take one frame from the front of buf. Returns 1 with *hdr, *payload and
 * *used set when a whole valid frame is there, 0 when more bytes are
 * needed, and -1 when the stream is corrupt.
 */
int
frame_get(const void *buf, size_t len, struct msg_hdr *hdr,
    const void **payload, size_t *used)
{
	const unsigned char	*p = buf;
	size_t			 plen, have, want;

	if (len < sizeof(*hdr))
		return (0);
	memcpy(hdr, p, sizeof(*hdr));
	if (hdr->type == 0 || hdr->type >= MSG_TYPE_MAX)
		return (-1);
	if (hdr->len < sizeof(*hdr) || hdr->len > MSG_MAX_LEN)
		return (-1);
	plen = hdr->len - sizeof(*hdr);
	have = len - sizeof(*hdr);
	/* Judge the claimed length as soon as the type's rule can be read. */
	want = frame_payload_size(hdr->type, p + sizeof(*hdr),
	    have < plen ? have : plen);
	if (want == SIZE_MAX)
		return (-1);
	if (hdr->type == MSG_RESULTS && plen < sizeof(struct msg_results))
		return (-1);
	if ((hdr->type != MSG_RESULTS ||
	    have >= sizeof(struct msg_results)) && plen != want)
		return (-1);
	if (len < hdr->len)
		return (0);
	*payload = p + sizeof(*hdr);
	*used = hdr->len;
	return (1);
}

/*
 * Write one frame to fd, retrying short writes. Returns 0, or -1 with errno
 * set (EPIPE when the parent is gone).
 */
int
frame_send(int fd, uint32_t type, uint32_t worker, const void *payload,
    size_t len)
{
	struct msg_hdr	 hdr;
	struct iovec	 iov[2];
	size_t		 total, done = 0;
	ssize_t		 n;

	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.len = sizeof(hdr) + len;
	hdr.worker = worker;
	hdr.pid = getpid();
	total = hdr.len;
	while (done < total) {
		if (done < sizeof(hdr)) {
			iov[0].iov_base = (char *)&hdr + done;
			iov[0].iov_len = sizeof(hdr) - done;
			iov[1].iov_base = (void *)(uintptr_t)payload;
			iov[1].iov_len = len;
			n = writev(fd, iov, 2);
		} else
			n = write(fd, (const char *)payload +
			    (done - sizeof(hdr)), total - done);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		done += n;
	}
	return (0);
}

/*
 * Start reassembling the frames that arrive on fd. The buffer holds two of
 * the largest frames: what is left after frame_next() is less than one, so
 * a read always has room for a whole frame more.
 */
void
frame_open(struct framebuf *fb, int fd)
{
	fb->fd = fd;
	fb->buf = xmalloc(FRAMEBUF_SIZE);
	fb->len = 0;
	fb->off = 0;
}

/* Close the descriptor and free the buffer; a partial frame is dropped. */
void
frame_close(struct framebuf *fb)
{
	if (fb->fd != -1)
		(void)close(fb->fd);
	fb->fd = -1;
	free(fb->buf);
	fb->buf = NULL;
	fb->len = fb->off = 0;
}

/*
 * Read what the descriptor has, after the bytes not yet taken as frames.
 * Returns as read(2) does: the bytes read, 0 at end of file, or -1 with
 * errno set (EAGAIN when a non-blocking descriptor has nothing).
 */
ssize_t
frame_read(struct framebuf *fb)
{
	ssize_t	 n;

	/* Frames already taken are done with: keep only the rest. */
	if (fb->off > 0) {
		memmove(fb->buf, fb->buf + fb->off, fb->len - fb->off);
		fb->len -= fb->off;
		fb->off = 0;
	}
	n = read(fb->fd, fb->buf + fb->len, FRAMEBUF_SIZE - fb->len);
	if (n > 0)
		fb->len += n;
	return (n);
}

/*
 * Take the next whole frame from what has been read, as frame_get() does.
 * The payload stays valid until the next frame_read(). Returns 1 with *hdr
 * and *payload set, 0 when more bytes are needed, -1 when corrupt.
 */
int
frame_next(struct framebuf *fb, struct msg_hdr *hdr, const void **payload)
{
	size_t	 used;
	int	 rv;

	rv = frame_get(fb->buf + fb->off, fb->len - fb->off, hdr, payload,
	    &used);
	if (rv == 1)
		fb->off += used;
	return (rv);
}

/* Return how many bytes were read but are not yet part of a whole frame. */
size_t
frame_pending(const struct framebuf *fb)
{
	return (fb->len - fb->off);
}
