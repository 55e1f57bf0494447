/*
 * The native HTTP/1.1 engine: a worker drives its share of connections on
 * one edge-triggered epoll. Each socket is registered once for its life,
 * each request is bytes built before the run (h1_plan.c) and goes out in
 * one write, and each response is read through http-parser (h1_resp.c)
 * and dropped. No allocation, formatting or epoll_ctl per request, and one
 * clock read per wake-up; deadlines live in a heap (timer.c).
 */
#include <sys/epoll.h>

#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include "forkload.h"

#define H1_EVENTS	256

/* Fail every request whose deadline has passed, and go on. */
static void
h1_expire(struct h1 *h)
{
	struct h1conn	*c;
	uint64_t	 when;
	uint32_t	 id;

	while (timer_next(&h->timers, &when, &id) && when <= h->now) {
		c = &h->conns[id];
		if (c->state == CONN_HOLD) {
			timer_clear(&h->timers, id);
			h1_conn_release(h, c);
			continue;
		}
		h1_conn_result(h, c, HTTP_ERR_OPERATION_TIMEDOUT);
		h1_conn_next(h, c);
	}
}

/*
 * A ticket is due (open loop), or the ramp may have room (closed loop):
 * the waiting connections try again; those that find nothing wait on.
 */
static void
h1_wake(struct h1 *h)
{
	uint32_t	 i, n = h->nwaiting;

	if (h->wake_ns == 0 || h->now < h->wake_ns)
		return;
	/* Those that wait again go back on the list, from its start. */
	memcpy(h->woken, h->waiting, n * sizeof(*h->waiting));
	h->nwaiting = 0;
	h->wake_ns = 0;
	for (i = 0; i < n; i++) {
		h->conns[h->woken[i]].state = CONN_FREE;
		h1_conn_next(h, &h->conns[h->woken[i]]);
	}
}

/* Stop now: every request in flight becomes an aborted result. */
static void
h1_abort(struct h1 *h)
{
	uint32_t	 i;

	for (i = 0; i < h->nconns; i++) {
		if (h->conns[i].state == CONN_IDLE ||
		    h->conns[i].state == CONN_FREE ||
		    h->conns[i].state == CONN_WAIT)
			continue;
		h1_conn_result(h, &h->conns[i], HTTP_ERR_ABORTED);
		h1_conn_close(&h->conns[i]);
	}
}

/*
 * How long epoll may wait: until the batch is due, a deadline, or the next
 * ticket, and never over an engine's tick. In ns, for epoll_pwait2(): a
 * schedule of 10,000 a second could not keep to millisecond sleeps.
 */
static void
h1_wait(struct h1 *h, struct timespec *ts)
{
	uint64_t	 until, when;
	uint32_t	 id;

	until = h->now + WORKER_TICK_MS * NS_PER_MS;
	if ((when = worker_flush_due(h->w)) < until)
		until = when;
	if (timer_next(&h->timers, &when, &id) && when < until)
		until = when;
	if (h->wake_ns != 0 && h->wake_ns < until)
		until = h->wake_ns;
	/* The time spent since the wake-up counts against the wait. */
	when = clock_now_ns();
	until = until > when ? until - when : 0;
	ts->tv_sec = (time_t)(until / NS_PER_SEC);
	ts->tv_nsec = (long)(until % NS_PER_SEC);
}

/* The event loop, until no connection has a request left. */
static void
h1_loop(struct h1 *h)
{
	struct epoll_event	 ev[H1_EVENTS];
	struct timespec		 ts;
	int			 i, n;

	while (h->active > 0) {
		if (worker_interrupted()) {
			h1_abort(h);
			return;
		}
		h1_wait(h, &ts);
		n = epoll_pwait2(h->epfd, ev, H1_EVENTS, &ts, NULL);
		if (n == -1 && errno != EINTR)
			fatal("epoll_wait");
		/* One clock read for everything this wake-up brought. */
		h->now = clock_now_ns();
		for (i = 0; i < n; i++)
			h1_conn_event(h, ev[i].data.ptr, ev[i].events);
		h1_expire(h);
		h1_wake(h);
		worker_tick(h->w);
	}
}

/* Run a worker's share of HTTP/1.1 requests; returns 0. */
int
h1_run(struct worker *w)
{
	struct h1	 h;
	char		*resps;
	uint32_t	 i;

	worker_hello(w, "native");
	h1_resp_init(H1_MAXHDR);
	memset(&h, 0, sizeof(h));
	h.w = w;
	h.plan = w->conf->plan;
	/* 0 means no deadline, as for libcurl. */
	h.timeout_ns = w->conf->timeout_us * NS_PER_US;
	h.connect_timeout_ns = w->conf->connect_timeout_us * NS_PER_US;
	h.keepalive = !w->conf->no_keepalive;
	if ((h.epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("epoll_create1");
	h.nconns = (uint32_t)w->concurrency;
	h.conns = xcalloc(h.nconns, sizeof(*h.conns));
	resps = xcalloc(h.nconns, h1_resp_size());
	h.rbuf = xmalloc(H1_RBUF);
	h.waiting = xcalloc(h.nconns, sizeof(*h.waiting));
	h.woken = xcalloc(h.nconns, sizeof(*h.woken));
	h.dns_told = xcalloc(h.plan->n, 1);
	timer_init(&h.timers, h.nconns);
	h.now = clock_now_ns();
	for (i = 0; i < h.nconns; i++) {
		h.conns[i].fd = -1;
		h.conns[i].id = i;
		h.conns[i].resp = (struct h1_resp *)(void *)(resps +
		    (size_t)i * h1_resp_size());
		h.conns[i].state = CONN_FREE;
		h.active++;
		h1_conn_next(&h, &h.conns[i]);
	}
	h1_loop(&h);
	for (i = 0; i < h.nconns; i++)
		h1_conn_close(&h.conns[i]);
	timer_free(&h.timers);
	free(h.dns_told);
	free(h.rbuf);
	free(h.waiting);
	free(h.woken);
	free(resps);
	free(h.conns);
	(void)close(h.epfd);
	return (0);
}
