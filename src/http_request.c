/*
 * The request every connection slot of the HTTP engine sends, made once
 * from the config: the parsed URLs, the header list, and the options of
 * each slot's easy handle; and the check, before any fork, that libcurl
 * can parse every URL. http.c starts, drives and finishes transfers.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "forkload.h"

/* How the engine parses a URL; http_check_urls() parses it the same way. */
#define HTTP_URL_FLAGS	0
#define HTTP_URL_SHOWN	160	/* the most of a URL that a message shows */

/* The one record the URL-checking child sends back, zeroed first. */
struct http_urlcheck {
	uint32_t	index;		/* first URL refused, or UINT32_MAX */
	char		msg[124];	/* libcurl's reason */
};

/* Set an option or leave; #o puts the refused option in the message. */
#define HTTP_SETOPT(e, o, v)						\
	http_request_check(curl_easy_setopt((e), (o), (v)),		\
	    "curl_easy_setopt " #o)

struct http_request {
	const struct config	 *conf;
	CURLU			**urls;		/* parsed once per target */
	struct curl_slist	**headers;	/* per target with --targets */
	size_t			  nheaders;	/* lists: 1, or the targets */
};

/*
 * An easy handle that refuses an option would send requests other than
 * the ones asked for, and its numbers would mislead: the worker leaves
 * instead, and the parent reports why.
 */
static void
http_request_check(CURLcode result, const char *what)
{
	if (result != CURLE_OK)
		fatalx("%s: %s", what, curl_easy_strerror(result));
}

static size_t
http_request_on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct http_tally	*t = arg;

	(void)p;
	t->body_in += size * nmemb;
	return (size * nmemb);
}

/*
 * curl calls this each time it is about to send the request: once per
 * transfer, plus once per retry on a fresh connection after a reused one
 * died, plus once per redirect followed.
 */
static int
http_request_on_send(void *arg, char *peer, char *local, int pport,
    int lport)
{
	struct http_tally	*t = arg;

	(void)peer;
	(void)local;
	(void)pport;
	(void)lport;
	t->sends++;
	return (CURL_PREREQFUNC_OK);
}

static void
http_request_header(struct curl_slist **list, const char *line)
{
	struct curl_slist	*l;

	if ((l = curl_slist_append(*list, line)) == NULL)
		fatalx("curl_slist_append failed");
	*list = l;
}

/*
 * Build the header list of target i: -H's and its own, then forkload's
 * User-Agent unless one was given, and with a body, "Expect:".
 */
static struct curl_slist *
http_request_headers(const struct config *conf, size_t i)
{
	struct curl_slist	*list = NULL;
	const char		*h;
	size_t			 k, blen;
	int			 ua = 1;

	/*
	 * The User-Agent goes in the preset list: CURLOPT_USERAGENT costs a
	 * formatted allocation per request (bench/RESULTS.md). -H overrides.
	 */
	for (k = 0; (h = config_target_header(conf, i, k)) != NULL; k++) {
		if (strncasecmp(h, "User-Agent:", 11) == 0)
			ua = 0;
		http_request_header(&list, h);
	}
	if (ua)
		http_request_header(&list, "User-Agent: forkload/"
		    FORKLOAD_VERSION);
	/* Send a body at once: waiting for 100-continue costs a trip. */
	if (config_target_body(conf, i, &blen) != NULL)
		http_request_header(&list, "Expect:");
	return (list);
}

/* Parse the URLs and build the header lists; returns what slots share. */
struct http_request *
http_request_new(const struct config *conf)
{
	struct http_request	*req;
	CURLUcode		 rc;
	size_t			 i;

	req = xcalloc(1, sizeof(*req));
	req->conf = conf;
	req->urls = xcalloc(conf->nurls, sizeof(*req->urls));
	for (i = 0; i < conf->nurls; i++) {
		if ((req->urls[i] = curl_url()) == NULL)
			fatalx("curl_url failed");
		/* http_check_urls() found none to refuse before the fork. */
		if ((rc = curl_url_set(req->urls[i], CURLUPART_URL,
		    conf->urls[i], HTTP_URL_FLAGS)) != CURLUE_OK)
			fatalx("%s: libcurl cannot parse this URL: %s",
			    conf->urls[i], curl_url_strerror(rc));
	}
	req->nheaders = conf->tgt != NULL ? conf->nurls : 1;
	req->headers = xcalloc(req->nheaders, sizeof(*req->headers));
	for (i = 0; i < req->nheaders; i++)
		req->headers[i] = http_request_headers(conf, i);
	return (req);
}

/*
 * Set target i's method and body on a handle, every option that either
 * sets, so that a handle that sent another target's request forgets it.
 */
static void
http_request_method(const struct http_request *req, CURL *e, size_t i)
{
	const char	*method = config_target_method(req->conf, i), *body;
	size_t		 blen;

	body = config_target_body(req->conf, i, &blen);
	if (req->conf->tgt != NULL) {
		/* Back to a plain GET: no body, no custom method. */
		HTTP_SETOPT(e, CURLOPT_HTTPGET, 1L);
		HTTP_SETOPT(e, CURLOPT_CUSTOMREQUEST, (char *)NULL);
		HTTP_SETOPT(e, CURLOPT_HTTPHEADER, req->headers[i]);
	}
	if (body != NULL) {
		HTTP_SETOPT(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
		HTTP_SETOPT(e, CURLOPT_POSTFIELDS, body);
		if (strcmp(method, "POST") != 0)
			HTTP_SETOPT(e, CURLOPT_CUSTOMREQUEST, method);
	} else if (strcmp(method, "HEAD") == 0)
		HTTP_SETOPT(e, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		HTTP_SETOPT(e, CURLOPT_CUSTOMREQUEST, method);
}

/* Set the options of the run on a slot's easy handle. */
static void
http_request_setopts(const struct http_request *req, CURL *e, void *slot,
    struct http_tally *tally)
{
	const struct config	*conf = req->conf;

	HTTP_SETOPT(e, CURLOPT_PRIVATE, slot);
	/* A parsed URL spares libcurl a parse per request. */
	HTTP_SETOPT(e, CURLOPT_CURLU, req->urls[0]);
	HTTP_SETOPT(e, CURLOPT_NOSIGNAL, 1L);
	HTTP_SETOPT(e, CURLOPT_WRITEFUNCTION, http_request_on_body);
	HTTP_SETOPT(e, CURLOPT_WRITEDATA, tally);
	HTTP_SETOPT(e, CURLOPT_PREREQFUNCTION, http_request_on_send);
	HTTP_SETOPT(e, CURLOPT_PREREQDATA, tally);
	/* Round up: 0 ms would mean no limit at all to libcurl. */
	HTTP_SETOPT(e, CURLOPT_TIMEOUT_MS,
	    (long)((conf->timeout_us + 999) / 1000));
	if (conf->connect_timeout_us != 0)
		HTTP_SETOPT(e, CURLOPT_CONNECTTIMEOUT_MS,
		    (long)((conf->connect_timeout_us + 999) / 1000));
	HTTP_SETOPT(e, CURLOPT_HTTPHEADER, req->headers[0]);
	http_request_method(req, e, 0);
	if (conf->http2)
		HTTP_SETOPT(e, CURLOPT_HTTP_VERSION,
		    (long)CURL_HTTP_VERSION_2_0);
	if (conf->insecure) {
		HTTP_SETOPT(e, CURLOPT_SSL_VERIFYPEER, 0L);
		HTTP_SETOPT(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (conf->no_keepalive) {
		HTTP_SETOPT(e, CURLOPT_FORBID_REUSE, 1L);
		HTTP_SETOPT(e, CURLOPT_FRESH_CONNECT, 1L);
	}
	/* Past the last redirect allowed: TOO_MANY_REDIRECTS. */
	if (conf->follow > 0) {
		HTTP_SETOPT(e, CURLOPT_FOLLOWLOCATION, 1L);
		HTTP_SETOPT(e, CURLOPT_MAXREDIRS, (long)conf->follow);
		HTTP_SETOPT(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	}
}

/* Make a slot's easy handle, its options set for the run; returns it. */
void *
http_request_open(const struct http_request *req, void *slot,
    struct http_tally *tally)
{
	CURL	*e;

	if ((e = curl_easy_init()) == NULL)
		fatalx("curl_easy_init failed");
	http_request_setopts(req, e, slot, tally);
	return (e);
}

/*
 * Make a slot's easy handle as new, its options set again. libcurl 7.88
 * counts the retries after a dead reused connection per handle, never per
 * transfer, and fails the transfer that would retry a sixth time: only
 * curl_easy_reset() sets the count back to 0. A reset costs about 15% of
 * a request (bench/RESULTS.md), so http.c calls this only after a retry.
 */
void
http_request_reset(const struct http_request *req, void *easy, void *slot,
    struct http_tally *tally)
{
	curl_easy_reset(easy);
	http_request_setopts(req, easy, slot, tally);
}

/* Point an easy handle at the target of request number seq. */
void
http_request_target(const struct http_request *req, void *easy,
    uint64_t seq)
{
	uint32_t	 i;

	/* With one target, the handle has pointed at it since it was made. */
	if (req->conf->nurls <= 1)
		return;
	i = config_target_pick(req->conf, seq);
	HTTP_SETOPT(easy, CURLOPT_CURLU, req->urls[i]);
	/* Targets of a file may differ in method, headers and body. */
	if (req->conf->tgt != NULL)
		http_request_method(req, easy, i);
}

/*
 * The checking child: parse each URL as http_request_new() will, and
 * send the first refusal, or none, as one record. It leaves with _exit(),
 * so nothing of the parent's is flushed or freed twice.
 */
static __dead void
http_check_child(const struct config *conf, int fd)
{
	struct http_urlcheck	 rec;
	CURLU			*u;
	CURLUcode		 rc;
	size_t			 i, off = 0;
	ssize_t			 n;

	memset(&rec, 0, sizeof(rec));
	rec.index = UINT32_MAX;
	for (i = 0; i < conf->nurls && rec.index == UINT32_MAX; i++) {
		if ((u = curl_url()) == NULL)
			_exit(EXIT_SYSTEM);
		rc = curl_url_set(u, CURLUPART_URL, conf->urls[i],
		    HTTP_URL_FLAGS);
		if (rc != CURLUE_OK) {
			rec.index = (uint32_t)i;
			strlcpy(rec.msg, curl_url_strerror(rc),
			    sizeof(rec.msg));
		}
		curl_url_cleanup(u);
	}
	while (off < sizeof(rec)) {
		n = write(fd, (char *)&rec + off, sizeof(rec) - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(EXIT_SYSTEM);
		off += (size_t)n;
	}
	_exit(0);
}

/* Read the child's record and reap it; returns 0 when both came whole. */
static int
http_check_reap(pid_t pid, int fd, struct http_urlcheck *rec)
{
	size_t	 off = 0;
	ssize_t	 n;
	int	 status;

	while (off < sizeof(*rec)) {
		n = read(fd, (char *)rec + off, sizeof(*rec) - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	(void)close(fd);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return (-1);
	if (off != sizeof(*rec) || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return (-1);
	rec->msg[sizeof(rec->msg) - 1] = '\0';
	return (0);
}

/*
 * Check, before anything forks, that libcurl parses every URL of the run
 * as the engine will. The parsing runs in a short-lived child: the parent
 * never runs libcurl (DESIGN.md), and none of its state may cross the
 * workers' fork(). Returns 0, or -1 with a message in err naming the URL
 * and libcurl's reason.
 */
int
http_check_urls(const struct config *conf, char *err, size_t len)
{
	struct http_urlcheck	 rec;
	const char		*url;
	pid_t			 pid;
	int			 fds[2];

	if (pipe2(fds, O_CLOEXEC) == -1) {
		snprintf(err, len, "cannot check the URLs: pipe: %s",
		    strerror(errno));
		return (-1);
	}
	/* Nothing buffered in stdio may be written twice. */
	(void)fflush(NULL);
	if ((pid = fork()) == -1) {
		snprintf(err, len, "cannot check the URLs: fork: %s",
		    strerror(errno));
		(void)close(fds[0]);
		(void)close(fds[1]);
		return (-1);
	}
	if (pid == 0) {
		(void)close(fds[0]);
		http_check_child(conf, fds[1]);
	}
	(void)close(fds[1]);
	memset(&rec, 0, sizeof(rec));
	if (http_check_reap(pid, fds[0], &rec) == -1 ||
	    (rec.index != UINT32_MAX && rec.index >= conf->nurls)) {
		strlcpy(err, "cannot check the URLs: the checking process "
		    "failed", len);
		return (-1);
	}
	if (rec.index == UINT32_MAX)
		return (0);
	url = conf->urls[rec.index];
	snprintf(err, len, "URL '%.*s%s': libcurl cannot parse it: %s",
	    HTTP_URL_SHOWN, url, strlen(url) > HTTP_URL_SHOWN ? "..." : "",
	    rec.msg);
	return (-1);
}

/* Free what http_request_new() made, once no easy handle uses it. */
void
http_request_free(struct http_request *req)
{
	size_t	 i;

	for (i = 0; i < req->conf->nurls; i++)
		curl_url_cleanup(req->urls[i]);
	free(req->urls);
	for (i = 0; i < req->nheaders; i++)
		curl_slist_free_all(req->headers[i]);
	free(req->headers);
	free(req);
}
