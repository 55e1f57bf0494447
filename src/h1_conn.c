/*
 * One connection of the native engine, through each request it serves:
 * open (trying each address of the target), send the prepared bytes, read
 * the response into the parser, hand on the result, and take the next
 * request, on the same socket when the response lets it be kept. h1.c runs
 * the loop that drives these.
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "forkload.h"

static void	h1_conn_open(struct h1 *, struct h1conn *);

/* Close a connection's socket; epoll forgets it with its last fd. */
void
h1_conn_close(struct h1conn *c)
{
	if (c->fd != -1)
		(void)close(c->fd);
	c->fd = -1;
}

/*
 * Hand the request's result to the worker: error 0 for a whole response.
 * The socket is kept for the next request only when the response says it
 * may be and nothing went wrong. The connection is then CONN_FREE: ready
 * for the next request.
 */
void
h1_conn_result(struct h1 *h, struct h1conn *c, int error)
{
	const struct h1_target	*t = &h->plan->t[c->target];
	struct result		 r;
	unsigned int		 v;

	memset(&r, 0, sizeof(r));
	r.seq = c->seq;
	r.start_ns = (c->start_ns != 0 ? c->start_ns : c->begin_ns) -
	    h->w->run_start_ns;
	/* Closed loop: a request is sent when it is meant to be. */
	r.sched_ns = sched_open(&h->w->sched) ?
	    c->sched_ns - h->w->run_start_ns : r.start_ns;
	/* From the first byte written to the last byte read. */
	r.latency_ns = c->start_ns != 0 ? h->now - c->start_ns : 0;
	r.error = error;
	r.status = (uint32_t)h1_resp_status(c->resp);
	if (r.status >= STATUS_MAX)
		r.status = 0;
	r.bytes_in = h1_resp_bytes(c->resp);
	r.bytes_out = c->bytes_out;
	r.target = c->target;
	r.connect_us = c->connect_us;
	r.ttfb_us = c->ttfb_us;
	r.flags = c->flags;
	if ((v = h1_resp_version(c->resp)) != 0 && r.status != 0)
		r.flags |= RESULT_SET_VERSION(v);
	/* The lookup was once, before the run: worker 0 tells it, once. */
	if (h->w->id == 0 && !h->dns_told[c->target] && t->naddr > 0) {
		h->dns_told[c->target] = 1;
		r.dns_us = t->dns_us;
		r.flags |= RESULT_DNS;
	}
	worker_emit(h->w, &r);
	h->busy--;
	timer_clear(&h->timers, c->id);
	if (error != 0 || !h->keepalive || !h1_resp_keepalive(c->resp))
		h1_conn_close(c);
	c->state = CONN_FREE;
}

/*
 * Fail the request in hand with error. A request that went out on a kept
 * connection which the server had already closed (nothing of a response
 * came back) is retried once on a new connection, as libcurl does: HTTP
 * lets a server close an idle connection at any time.
 */
static void
h1_conn_fail(struct h1 *h, struct h1conn *c, int error)
{
	if (c->reused && !c->retried && h1_resp_bytes(c->resp) == 0 &&
	    error != HTTP_ERR_OPERATION_TIMEDOUT &&
	    error != HTTP_ERR_ABORTED) {
		h1_conn_close(c);
		c->retried = 1;
		c->reused = 0;
		c->sent = 0;
		c->ai = 0;
		c->pool = h->plan->t[c->target].pool;
		/* The dead connection's end was no answer of its own. */
		h1_resp_start(c->resp, h->plan->t[c->target].head);
		h1_conn_open(h, c);
		return;
	}
	h1_conn_result(h, c, error);
}

/* Write what is left of the request; on to reading once it is all out. */
static void
h1_conn_send(struct h1 *h, struct h1conn *c)
{
	const struct h1_target	*t = &h->plan->t[c->target];
	ssize_t			 n;

	if (c->start_ns == 0)
		c->start_ns = h->now;
	while (c->sent < t->reqlen) {
		n = write(c->fd, t->req + c->sent, t->reqlen - c->sent);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n == -1) {
			h1_conn_fail(h, c, HTTP_ERR_SEND_ERROR);
			return;
		}
		c->sent += n;
		c->bytes_out += n;
	}
	c->state = CONN_RECEIVING;
}

/*
 * Open a new connection for the request in hand, trying the target's
 * addresses from c->ai on. It is then CONN_CONNECTING, or CONN_FREE when no
 * address would take a connection (its result is then out).
 */
static void
h1_conn_open(struct h1 *h, struct h1conn *c)
{
	const struct h1_target	*t = &h->plan->t[c->target];
	struct epoll_event	 ev;
	const struct sockaddr	*sa;
	int			 on = 1;

	for (; c->ai < t->naddr; c->ai++) {
		sa = (const struct sockaddr *)&t->addr[c->ai];
		c->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (c->fd == -1)
			break;
		/* A request is one write: Nagle could only hold it back. */
		(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &on,
		    sizeof(on));
		c->open_ns = h->now;
		if (connect(c->fd, sa, t->addrlen[c->ai]) == -1 &&
		    errno != EINPROGRESS) {
			h1_conn_close(c);
			continue;
		}
		/* Registered once, for all the requests the socket serves. */
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
		ev.data.ptr = c;
		if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, c->fd, &ev) == -1)
			fatal("epoll_ctl add");
		c->state = CONN_CONNECTING;
		if (h->connect_timeout_ns != 0 && (h->timeout_ns == 0 ||
		    c->open_ns + h->connect_timeout_ns <
		    c->begin_ns + h->timeout_ns))
			timer_set(&h->timers, c->id,
			    c->open_ns + h->connect_timeout_ns);
		return;
	}
	h1_conn_result(h, c, t->naddr == 0 ? HTTP_ERR_COULDNT_RESOLVE_HOST :
	    HTTP_ERR_COULDNT_CONNECT);
}

/* Begin the request in hand: on the kept socket, else a new one. */
static void
h1_conn_start(struct h1 *h, struct h1conn *c)
{
	c->sent = 0;
	c->start_ns = 0;
	c->ttfb_us = 0;
	h1_resp_start(c->resp, h->plan->t[c->target].head);
	if (h->timeout_ns != 0)
		timer_set(&h->timers, c->id, c->begin_ns + h->timeout_ns);
	/* A kept socket serves only the targets at its own address. */
	if (c->fd != -1 && c->pool != h->plan->t[c->target].pool)
		h1_conn_close(c);
	if (c->fd == -1) {
		c->ai = 0;
		c->pool = h->plan->t[c->target].pool;
		h1_conn_open(h, c);
		return;
	}
	c->reused = 1;
	c->state = CONN_SENDING;
	h1_conn_send(h, c);
}

/*
 * Give a free connection its next request, and begin it; requests that
 * fail at once are counted and passed over. With none left, the
 * connection closes and is CONN_IDLE for good.
 */
void
h1_conn_next(struct h1 *h, struct h1conn *c)
{
	uint64_t	 due;

	while (c->state == CONN_FREE) {
		switch (worker_next(h->w, h->now, (int)h->busy, &c->seq,
		    &c->sched_ns, &due)) {
		case WORKER_END:
			h1_conn_close(c);
			c->state = CONN_IDLE;
			h->active--;
			return;
		case WORKER_WAIT:
			/* Kept, with its socket, for the next ticket due. */
			c->state = CONN_WAIT;
			h->waiting[h->nwaiting++] = c->id;
			if (h->wake_ns == 0 || due < h->wake_ns)
				h->wake_ns = due;
			return;
		}
		h->busy++;
		c->target = config_target_pick(h->w->conf, c->seq);
		c->begin_ns = h->now;
		c->flags = 0;
		c->connect_us = 0;
		c->bytes_out = 0;
		c->reused = 0;
		c->retried = 0;
		if (c->sched_ns > h->now) {
			/* Another worker took the ticket due now: wait. */
			c->state = CONN_HOLD;
			timer_set(&h->timers, c->id, c->sched_ns);
			return;
		}
		h1_conn_start(h, c);
	}
}

/*
 * A held request's time has come (its timer fired): send it, and go on
 * with the next if it failed at once.
 */
void
h1_conn_release(struct h1 *h, struct h1conn *c)
{
	c->begin_ns = h->now;
	h1_conn_start(h, c);
	if (c->state == CONN_FREE)
		h1_conn_next(h, c);
}

/*
 * A new connection is up, or refused: SO_ERROR says which. A refused one
 * tries the target's next address; a good one sends the request.
 */
static void
h1_conn_connected(struct h1 *h, struct h1conn *c)
{
	socklen_t	 len = sizeof(int);
	int		 err = 0;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		h1_conn_close(c);
		c->ai++;
		h1_conn_open(h, c);
		return;
	}
	c->connect_us = (uint32_t)((h->now - c->open_ns) / NS_PER_US);
	c->flags |= RESULT_CONNECT;
	/* Up: only the request's own deadline is left. */
	if (h->timeout_ns != 0)
		timer_set(&h->timers, c->id, c->begin_ns + h->timeout_ns);
	else
		timer_clear(&h->timers, c->id);
	c->state = CONN_SENDING;
	h1_conn_send(h, c);
}

/*
 * The response is whole. With trailing set (bytes after it, which would
 * be no request's, or a server that closed) the socket is not kept.
 */
static void
h1_conn_done(struct h1 *h, struct h1conn *c, int trailing)
{
	h1_conn_result(h, c, 0);
	if (trailing)
		h1_conn_close(c);
}

/*
 * Read what the socket has and give it to the response. With an edge
 * trigger the socket must be drained; a short read has drained it, unless
 * the server also closed, whose end of file a further read must see.
 */
static void
h1_conn_receive(struct h1 *h, struct h1conn *c, uint32_t events)
{
	size_t	 used;
	ssize_t	 n;
	int	 rv;

	for (;;) {
		n = read(c->fd, h->rbuf, H1_RBUF);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n == -1) {
			h1_conn_fail(h, c, HTTP_ERR_RECV_ERROR);
			return;
		}
		if (n == 0) {
			if (h1_resp_eof(c->resp) == H1_DONE)
				h1_conn_done(h, c, 1);
			else
				h1_conn_fail(h, c, h1_resp_error(c->resp));
			return;
		}
		if (!(c->flags & RESULT_TTFB)) {
			c->ttfb_us = (uint32_t)((h->now - c->start_ns) /
			    NS_PER_US);
			c->flags |= RESULT_TTFB;
		}
		rv = h1_resp_feed(c->resp, h->rbuf, (size_t)n, &used);
		if (rv == H1_FAIL) {
			h1_conn_fail(h, c, h1_resp_error(c->resp));
			return;
		}
		if (rv == H1_DONE) {
			h1_conn_done(h, c, used < (size_t)n ||
			    (events & (EPOLLRDHUP | EPOLLHUP)));
			return;
		}
		if (n < H1_RBUF && !(events & (EPOLLRDHUP | EPOLLHUP |
		    EPOLLERR)))
			return;
	}
}

/* What epoll says of a connection, by the state it is in. */
void
h1_conn_event(struct h1 *h, struct h1conn *c, uint32_t events)
{
	if (c->state == CONN_CONNECTING)
		h1_conn_connected(h, c);
	if (c->state == CONN_SENDING)
		h1_conn_send(h, c);
	/* A server may answer, or close, before the request is all out. */
	if ((c->state == CONN_RECEIVING || c->state == CONN_SENDING) &&
	    (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
		h1_conn_receive(h, c, events);
	if (c->state == CONN_FREE)
		h1_conn_next(h, c);
}

