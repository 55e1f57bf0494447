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
#include <unistd.h>

#include <curl/curl.h>

#include "forkload.h"

#define GRACE_NS	(2 * NS_PER_SEC) /* past --timeout: curl lost it */

/* Set a multi option or leave; #o puts its name in the message. */
#define HTTP_MSETOPT(m, o, v)						\
	http_mcheck(curl_multi_setopt((m), (o), (v)), "curl_multi_setopt " #o)

struct conn {
	CURL		*easy;
	uint64_t	 seq;
	uint64_t	 start_ns;
	struct http_tally tally;	/* counted by curl's callbacks */
	int		 busy;
};

struct http {
	struct worker		*w;
	CURLM			*multi;
	struct http_request	*req;		/* what every slot sends */
	int			 epfd;
	uint64_t		 timer_ns;	/* 0: no curl timer */
	uint64_t		 deadline_ns;	/* --timeout plus GRACE_NS */
	uint64_t		 swept_ns;	/* the last backstop sweep */
	struct conn		*conns;
	int			 nconns;
	int			 active;
};

/*
 * A multi handle that fails, out of memory most likely, cannot be trusted
 * to finish its transfers: the worker exits, and the parent records the
 * crash and salvages what was done.
 */
static void
http_mcheck(CURLMcode mc, const char *what)
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

/* Start the next request on a free slot; returns 1, or 0 when none is left. */
static int
http_start(struct http *h, struct conn *c)
{
	if (!worker_claim(h->w, &c->seq))
		return (0);
	http_request_target(h->req, c->easy, c->seq);
	memset(&c->tally, 0, sizeof(c->tally));
	c->busy = 1;
	c->start_ns = clock_now_ns();
	http_mcheck(curl_multi_add_handle(h->multi, c->easy),
	    "curl_multi_add_handle");
	h->active++;
	return (1);
}

static uint32_t
http_us(curl_off_t v)
{
	if (v <= 0)
		return (0);
	return (v > UINT32_MAX ? UINT32_MAX : (uint32_t)v);
}

/* curl's CURL_HTTP_VERSION_* as the report's major * 10 + minor. */
static unsigned int
http_version_code(long v)
{
	switch (v) {
	case CURL_HTTP_VERSION_1_0:
		return (10);
	case CURL_HTTP_VERSION_1_1:
		return (11);
	case CURL_HTTP_VERSION_2_0:
		return (20);
	case CURL_HTTP_VERSION_3:
		return (30);
	default:
		return (0);
	}
}

/*
 * Return a finished transfer's latency in ns: curl's, from its start on
 * the transfer to the end of the answer. Ours would add the wait for the
 * loop's next pass before curl sends the request, and the wait of a
 * finished transfer for the rest of its batch of events
 * (bench/RESULTS.md). A transfer that we end ourselves, not curl, has no
 * total from curl: our clock counts from http_start().
 */
static uint64_t
http_latency(struct conn *c, uint64_t now, int bycurl)
{
	curl_off_t	 total = 0;

	if (bycurl)
		curl_easy_getinfo(c->easy, CURLINFO_TOTAL_TIME_T, &total);
	if (total > 0 && (uint64_t)total * NS_PER_US <= now - c->start_ns)
		return ((uint64_t)total * NS_PER_US);
	return (now - c->start_ns);
}

/*
 * Turn a finished transfer into a result and hand it to the worker. now
 * is when we saw it end; bycurl says that curl ended it, and not our
 * abort or sweep.
 */
static void
http_finish(struct http *h, struct conn *c, CURLcode code, uint64_t now,
    int bycurl)
{
	struct result	 r;
	long		 status = 0, hdrsize = 0, reqsize = 0, fresh = 0;
	long		 version = 0, redirects = 0;
	curl_off_t	 dns = 0, conn = 0, tls = 0, ttfb = 0, up = 0;

	/* Left in the multi handle, the slot could never start again. */
	http_mcheck(curl_multi_remove_handle(h->multi, c->easy),
	    "curl_multi_remove_handle");
	c->busy = 0;
	h->active--;

	/*
	 * What curl cannot tell stays 0: the request itself still counts.
	 * After redirects, the status is the final answer's; the sizes and
	 * times add up over every hop.
	 */
	curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(c->easy, CURLINFO_HEADER_SIZE, &hdrsize);
	curl_easy_getinfo(c->easy, CURLINFO_REQUEST_SIZE, &reqsize);
	if (h->w->conf->data != NULL)
		curl_easy_getinfo(c->easy, CURLINFO_SIZE_UPLOAD_T, &up);
	/* A reused connection had no lookup, connect or handshake. */
	curl_easy_getinfo(c->easy, CURLINFO_NUM_CONNECTS, &fresh);
	if (fresh > 0) {
		curl_easy_getinfo(c->easy, CURLINFO_NAMELOOKUP_TIME_T, &dns);
		curl_easy_getinfo(c->easy, CURLINFO_CONNECT_TIME_T, &conn);
		curl_easy_getinfo(c->easy, CURLINFO_APPCONNECT_TIME_T, &tls);
	}
	curl_easy_getinfo(c->easy, CURLINFO_STARTTRANSFER_TIME_T, &ttfb);
	curl_easy_getinfo(c->easy, CURLINFO_HTTP_VERSION, &version);
	if (h->w->conf->follow > 0)
		curl_easy_getinfo(c->easy, CURLINFO_REDIRECT_COUNT,
		    &redirects);

	memset(&r, 0, sizeof(r));
	r.seq = c->seq;
	r.start_ns = c->start_ns - h->w->run_start_ns;
	r.sched_ns = r.start_ns;	/* closed loop: sent when scheduled */
	r.latency_ns = http_latency(c, now, bycurl);
	r.status = status > 0 && status < STATUS_MAX ? (uint32_t)status : 0;
	r.error = (int32_t)code;
	r.bytes_in = c->tally.body_in + (hdrsize > 0 ? (uint64_t)hdrsize : 0);
	r.bytes_out = (reqsize > 0 ? (uint64_t)reqsize : 0) +
	    (up > 0 ? (uint64_t)up : 0);
	r.target = (uint32_t)(c->seq % h->w->conf->nurls);
	/* curl's times are cumulative from the start; keep each phase. */
	r.dns_us = http_us(dns);
	r.connect_us = http_us(conn - dns);
	r.tls_us = tls > 0 ? http_us(tls - conn) : 0;
	r.ttfb_us = http_us(ttfb);
	/* A phase counts only where it happened: not on a reused connection. */
	if (fresh > 0 && conn > 0)
		r.flags |= RESULT_DNS | RESULT_CONNECT;
	if (fresh > 0 && tls > 0)
		r.flags |= RESULT_TLS;
	if (ttfb > 0)
		r.flags |= RESULT_TTFB;
	if (r.status != 0)
		r.flags |= RESULT_SET_VERSION(http_version_code(version));
	worker_emit(h->w, &r);
	/*
	 * A send that no redirect explains was a retry, one of the five
	 * that the handle has for life.
	 */
	if (c->tally.sends > 1 + (unsigned long)redirects)
		http_request_reset(h->req, c->easy, c, &c->tally);
}

/* Collect finished transfers and reuse their slots. */
static void
http_reap(struct http *h)
{
	CURLMsg		*m;
	struct conn	*c;
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
		http_finish(h, c, m->data.result, now, 1);
		(void)http_start(h, c);
	}
}

/* Stop now: every transfer in flight becomes an aborted result. */
static void
http_abort(struct http *h)
{
	int	 i;
	uint64_t now = clock_now_ns();

	for (i = 0; i < h->nconns; i++)
		if (h->conns[i].busy)
			http_finish(h, &h->conns[i], CURLE_ABORTED_BY_CALLBACK,
			    now, 0);
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
	struct conn	*c;
	int		 i;

	if (now - h->swept_ns < NS_PER_SEC)
		return;
	h->swept_ns = now;
	for (i = 0; i < h->nconns; i++) {
		c = &h->conns[i];
		if (c->busy && now > c->start_ns &&
		    now - c->start_ns > h->deadline_ns) {
			http_finish(h, c, CURLE_OPERATION_TIMEDOUT, now, 0);
			(void)http_start(h, c);
		}
	}
}

static void
http_loop(struct http *h)
{
	struct epoll_event	 ev[64];
	uint64_t		 now;
	int			 i, n, timeout, flags;

	while (h->active > 0) {
		if (worker_interrupted()) {
			http_abort(h);
			break;
		}
		now = clock_now_ns();
		timeout = worker_sleep_ms(h->w, WORKER_TICK_MS);
		if (h->timer_ns != 0) {
			if (h->timer_ns <= now)
				timeout = 0;
			else if ((h->timer_ns - now) / NS_PER_MS <
			    (uint64_t)timeout)
				timeout = (h->timer_ns - now + NS_PER_MS - 1) /
				    NS_PER_MS;
		}
		n = epoll_wait(h->epfd, ev, 64, timeout);
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
	struct conn	*c;
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
	free(h.conns);
	close(h.epfd);
	curl_global_cleanup();
	return (0);
}
