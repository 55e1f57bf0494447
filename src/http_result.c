/*
 * A finished transfer of the libcurl engine, made into a result: its
 * status, sizes and phases from curl's getinfo, its latency from curl's own
 * total, and its place in the schedule. http.c drives the transfers.
 */
#include <string.h>

#include <curl/curl.h>

#include "forkload.h"

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
http_latency(struct http_conn *c, uint64_t now, int bycurl)
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
void
http_result(struct http *h, struct http_conn *c, int code, uint64_t now,
    int bycurl)
{
	struct result	 r;
	long		 status = 0, hdrsize = 0, reqsize = 0, fresh = 0;
	long		 version = 0, redirects = 0;
	curl_off_t	 dns = 0, conn = 0, tls = 0, ttfb = 0, up = 0;

	/* Left in the multi handle, the slot could never start again. */
	if (c->busy) {
		http_mcheck(curl_multi_remove_handle(h->multi, c->easy),
		    "curl_multi_remove_handle");
		c->busy = 0;
		h->active--;
	}
	c->held = 0;
	h->busy--;

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
	/* Closed loop: a request is sent when it is meant to be. */
	r.sched_ns = sched_open(&h->w->sched) ?
	    c->sched_ns - h->w->run_start_ns : r.start_ns;
	r.latency_ns = http_latency(c, now, bycurl);
	r.status = status > 0 && status < STATUS_MAX ? (uint32_t)status : 0;
	r.error = (int32_t)code;
	r.bytes_in = c->tally.body_in + (hdrsize > 0 ? (uint64_t)hdrsize : 0);
	r.bytes_out = (reqsize > 0 ? (uint64_t)reqsize : 0) +
	    (up > 0 ? (uint64_t)up : 0);
	r.target = config_target_pick(h->w->conf, c->seq);
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

