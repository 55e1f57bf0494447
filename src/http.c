/*
 * The HTTP engine: one worker drives its share of the connections with the
 * libcurl multi interface on epoll (curl_multi_socket_action). Each
 * connection slot keeps one easy handle, made in http_request.c, for the
 * whole run, so keep-alive connections and curl's caches are reused from
 * request to request.
 */
#include <sys/epoll.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "forkload.h"

#define GRACE_NS	(2 * NS_PER_SEC) /* past --timeout: curl lost it */

/* Set a multi option or leave; #o puts its name in the message. */
#define HTTP_MSETOPT(m, o, v)						\
	http_mcheck(curl_multi_setopt((m), (o), (v)), "curl_multi_setopt " #o)

/*
 * A multi handle that fails, out of memory most likely, cannot be trusted
 * to finish its transfers: the worker exits, and the parent records the
 * crash and salvages what was done.
 */
void
http_mcheck(int mc, const char *what)
{
	if (mc != CURLM_OK)
		fatalx("%s: %s", what, curl_multi_strerror(mc));
}

/* Return the version of the libcurl this process runs with. */
const char *
http_version(void)
{
	return (curl_version_info(CURLVERSION_NOW)->version);
}

/* curl asks to watch a socket: mirror it into our epoll set. */
static int
http_on_socket(CURL *e, curl_socket_t s, int what, void *arg, void *sockp)
{
	struct http		*h = arg;
	struct epoll_event	 ev;

	(void)e;
	/*
	 * curl may have closed the socket already (EBADF), which took it out
	 * of the set, or may never have had us add it (ENOENT). The pointer
	 * we assigned goes with curl's own entry, so there is none to clear.
	 */
	if (what == CURL_POLL_REMOVE) {
		if (epoll_ctl(h->epfd, EPOLL_CTL_DEL, s, NULL) == -1 &&
		    errno != ENOENT && errno != EBADF)
			fatal("epoll_ctl del");
		return (0);
	}
	memset(&ev, 0, sizeof(ev));
	ev.data.fd = s;
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		ev.events |= EPOLLIN;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		ev.events |= EPOLLOUT;
	/*
	 * A descriptor number can come back for a new socket before curl
	 * says REMOVE for the old one, so ADD and MOD each fall back on the
	 * other.
	 */
	if (sockp == NULL) {
		if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, s, &ev) == -1 &&
		    (errno != EEXIST ||
		    epoll_ctl(h->epfd, EPOLL_CTL_MOD, s, &ev) == -1))
			fatal("epoll_ctl add");
		http_mcheck(curl_multi_assign(h->multi, s, h),
		    "curl_multi_assign");
	} else if (epoll_ctl(h->epfd, EPOLL_CTL_MOD, s, &ev) == -1 &&
	    (errno != ENOENT ||
	    epoll_ctl(h->epfd, EPOLL_CTL_ADD, s, &ev) == -1))
		fatal("epoll_ctl mod");
	return (0);
}

/* curl asks for a timer: remember when it is due. */
static int
http_on_timer(CURLM *m, long ms, void *arg)
{
	struct http	*h = arg;

	(void)m;
	h->timer_ns = ms < 0 ? 0 : clock_now_ns() + (uint64_t)ms * NS_PER_MS;
	return (0);
}

/* Hand the slot's request, now due, to curl. */
static void
http_launch(struct http *h, struct http_conn *c)
{
	http_request_target(h->req, c->easy, c->seq);
	memset(&c->tally, 0, sizeof(c->tally));
	c->busy = 1;
	c->start_ns = clock_now_ns();
	http_mcheck(curl_multi_add_handle(h->multi, c->easy),
	    "curl_multi_add_handle");
	h->active++;
}

/*
 * Give a free slot its next request. It starts at once when it is due;
 * one due a little later (open loop: another worker took the one due
 * now) is held; with none due yet, the slot waits. Returns 0 when no
 * request is left for the slot.
 */
static int
http_start(struct http *h, struct http_conn *c)
{
	uint64_t	 now = clock_now_ns(), due;
	int		 rv;

	rv = worker_next(h->w, now, h->busy, &c->seq, &c->sched_ns, &due);
	if (rv == WORKER_END)
		return (0);
	if (rv == WORKER_WAIT || c->sched_ns > now) {
		c->waiting = rv == WORKER_WAIT;
		c->held = rv == WORKER_GO;
		if (c->held)
			h->busy++;
		h->waitlist[h->nwaiting++] = (int)(c - h->conns);
		due = c->held ? c->sched_ns : due;
		if (h->wake_ns == 0 || due < h->wake_ns)
			h->wake_ns = due;
		return (1);
	}
	h->busy++;
	http_launch(h, c);
	return (1);
}

/*
 * The earliest ticket is due: held slots whose time has come start, and
 * waiting slots look for a ticket again. Those still early stay listed.
 */
static void
http_wake(struct http *h, uint64_t now)
{
	struct http_conn	*c;
	int			 i, n = h->nwaiting;

	if (h->wake_ns == 0 || now < h->wake_ns)
		return;
	memcpy(h->woken, h->waitlist, (size_t)n * sizeof(*h->woken));
	h->nwaiting = 0;
	h->wake_ns = 0;
	for (i = 0; i < n; i++) {
		c = &h->conns[h->woken[i]];
		if (c->held && c->sched_ns <= now) {
			c->held = 0;
			http_launch(h, c);
		} else if (c->held) {
			h->waitlist[h->nwaiting++] = h->woken[i];
			if (h->wake_ns == 0 || c->sched_ns < h->wake_ns)
				h->wake_ns = c->sched_ns;
		} else {
			c->waiting = 0;
			(void)http_start(h, c);
		}
	}
}

/* Collect finished transfers and reuse their slots. */
static void
http_reap(struct http *h)
{
	CURLMsg		*m;
	struct http_conn	*c;
	CURLcode	 result;
	int		 left;
	uint64_t	 now;

	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		now = clock_now_ns();
		/* Without its slot, the transfer could never be finished. */
		result = curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
		    (char **)&c);
		if (result != CURLE_OK)
			fatalx("curl_easy_getinfo CURLINFO_PRIVATE: %s",
			    curl_easy_strerror(result));
		http_result(h, c, m->data.result, now, 1);
		(void)http_start(h, c);
	}
}

/* Stop now: every transfer in flight becomes an aborted result. */
static void
http_abort(struct http *h)
{
	int	 i;
	uint64_t now = clock_now_ns();

	for (i = 0; i < h->nconns; i++) {
		if (h->conns[i].busy)
			http_result(h, &h->conns[i], CURLE_ABORTED_BY_CALLBACK,
			    now, 0);
		/* A held ticket was taken: it counts, as aborted. */
		if (h->conns[i].held) {
			h->conns[i].start_ns = now;
			http_result(h, &h->conns[i], CURLE_ABORTED_BY_CALLBACK,
			    now, 0);
		}
	}
	h->nwaiting = 0;
}

/* Drive curl on one socket, or on its timer. */
static void
http_action(struct http *h, curl_socket_t s, int flags)
{
	int	 running;

	http_mcheck(curl_multi_socket_action(h->multi, s, flags, &running),
	    "curl_multi_socket_action");
}

/*
 * The backstop, once a second: a transfer that has run well past
 * --timeout has been lost by curl, so it fails as timed out and its slot
 * moves on. Every request loop stays bounded in time.
 */
static void
http_sweep(struct http *h, uint64_t now)
{
	struct http_conn	*c;
	int		 i;

	if (now - h->swept_ns < NS_PER_SEC)
		return;
	h->swept_ns = now;
	for (i = 0; i < h->nconns; i++) {
		c = &h->conns[i];
		if (c->busy && now > c->start_ns &&
		    now - c->start_ns > h->deadline_ns) {
			http_result(h, c, CURLE_OPERATION_TIMEDOUT, now, 0);
			(void)http_start(h, c);
		}
	}
}

/*
 * How long epoll may wait: until the batch is due, curl's timer, or the
 * next ticket, and never over an engine's tick; in ns, for epoll_pwait2(),
 * so that a fast schedule is kept to the microsecond.
 */
static void
http_wait(struct http *h, struct timespec *ts)
{
	uint64_t	 now = clock_now_ns(), until, when;

	until = now + WORKER_TICK_MS * NS_PER_MS;
	if ((when = worker_flush_due(h->w)) < until)
		until = when;
	if (h->timer_ns != 0 && h->timer_ns < until)
		until = h->timer_ns;
	if (h->wake_ns != 0 && h->wake_ns < until)
		until = h->wake_ns;
	until = until > now ? until - now : 0;
	ts->tv_sec = (time_t)(until / NS_PER_SEC);
	ts->tv_nsec = (long)(until % NS_PER_SEC);
}

/* The event loop, until no slot has a request left. */
static void
http_loop(struct http *h)
{
	struct epoll_event	 ev[64];
	struct timespec		 ts;
	uint64_t		 now;
	int			 i, n, flags;

	while (h->active > 0 || h->nwaiting > 0) {
		if (worker_interrupted()) {
			http_abort(h);
			break;
		}
		http_wait(h, &ts);
		n = epoll_pwait2(h->epfd, ev, 64, &ts, NULL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fatal("epoll_wait");
		}
		for (i = 0; i < n; i++) {
			/*
			 * An error or hang-up reads as readable too, as in
			 * curl's own poll (Curl_socket_check): then curl's
			 * recv() finds the reset of a dead reused connection
			 * and retries the request. CURL_CSELECT_ERR alone
			 * fails the transfer at once with SEND_ERROR.
			 */
			flags = 0;
			if (ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
				flags |= CURL_CSELECT_IN;
			if (ev[i].events & EPOLLOUT)
				flags |= CURL_CSELECT_OUT;
			if (ev[i].events & (EPOLLERR | EPOLLHUP))
				flags |= CURL_CSELECT_ERR;
			http_action(h, ev[i].data.fd, flags);
		}
		/*
		 * curl's timer is due, or nothing happened and curl set none:
		 * either way, let it look at its transfers.
		 */
		now = clock_now_ns();
		if ((h->timer_ns != 0 && now >= h->timer_ns) ||
		    (n == 0 && h->timer_ns == 0)) {
			h->timer_ns = 0;
			http_action(h, CURL_SOCKET_TIMEOUT, 0);
		}
		http_reap(h);
		http_wake(h, clock_now_ns());
		http_sweep(h, clock_now_ns());
		worker_tick(h->w);
	}
}

/* Make the multi handle, and have it report sockets and timers to us. */
static void
http_setup_multi(struct http *h)
{
	if ((h->multi = curl_multi_init()) == NULL)
		fatalx("curl_multi_init failed");
	HTTP_MSETOPT(h->multi, CURLMOPT_SOCKETFUNCTION, http_on_socket);
	HTTP_MSETOPT(h->multi, CURLMOPT_SOCKETDATA, h);
	HTTP_MSETOPT(h->multi, CURLMOPT_TIMERFUNCTION, http_on_timer);
	HTTP_MSETOPT(h->multi, CURLMOPT_TIMERDATA, h);
	HTTP_MSETOPT(h->multi, CURLMOPT_MAXCONNECTS, (long)h->w->concurrency);
}

/* Run a worker's share of HTTP requests; returns 0, or -1 on failure. */
int
http_run(struct worker *w)
{
	struct http	 h;
	struct http_conn	*c;
	int		 i;

	/* Only workers initialise libcurl: its state must not cross fork(). */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatalx("curl_global_init failed");
	worker_hello(w, http_version());

	memset(&h, 0, sizeof(h));
	h.w = w;
	h.deadline_ns = w->conf->timeout_us * NS_PER_US + GRACE_NS;
	h.swept_ns = clock_now_ns();
	h.req = http_request_new(w->conf);
	if ((h.epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("epoll_create1");
	http_setup_multi(&h);

	h.nconns = w->concurrency;
	h.conns = xcalloc(h.nconns, sizeof(*h.conns));
	h.waitlist = xcalloc(h.nconns, sizeof(*h.waitlist));
	h.woken = xcalloc(h.nconns, sizeof(*h.woken));
	for (i = 0; i < h.nconns; i++) {
		c = &h.conns[i];
		c->easy = http_request_open(h.req, c, &c->tally);
	}
	for (i = 0; i < h.nconns; i++)
		if (!http_start(&h, &h.conns[i]))
			break;
	http_loop(&h);

	/* The easy handles go first: they point at the request's lists. */
	for (i = 0; i < h.nconns; i++)
		curl_easy_cleanup(h.conns[i].easy);
	curl_multi_cleanup(h.multi);
	http_request_free(h.req);
	free(h.waitlist);
	free(h.woken);
	free(h.conns);
	close(h.epfd);
	curl_global_cleanup();
	return (0);
}
