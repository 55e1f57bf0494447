/*
 * The bundled target server: a small libmicrohttpd daemon with routes that
 * answer fast, slowly, with a chosen status or size, or not at all, and that
 * counts what it served so tests can check what the load driver really sent.
 * Here are the daemon, the dispatch, and the routes that need its state
 * (/delay, /pause, /stats); listen.c makes its socket, stall.c waits, and
 * route.c makes the other answers.
 */

#include <sys/types.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "forkload.h"

/* enum MHD_Result replaced int as the handler's return type in 0.9.71. */
#if MHD_VERSION >= 0x00097002
#define MHD_RESULT	enum MHD_Result
#else
#define MHD_RESULT	int
#endif

#define TARGET_LISTEN		"127.0.0.1:0"
#define TARGET_CONNECTIONS	20000
#define TARGET_STACK		(256 * 1024)
#define TARGET_STATUS_MAX	600
#define TARGET_DELAY_MAX	600000LL	/* ms */
#define TARGET_STATS_SIZE	32768

static const char *const target_route_names[ROUTE_MAX] = {
	"/", "/status", "/delay", "/bytes", "/drop", "/echo", "/redirect",
	"other"
};

struct target {
	struct MHD_Daemon	*daemon;
	struct MHD_Response	*ok;		/* shared by every "ok\n" */
	unsigned int		 port;

	/* /delay and /pause wait here; target_stop wakes them. */
	struct stall		*stall;

	/* Updated with __atomic builtins by the connection threads. */
	uint64_t		 by_route[ROUTE_MAX];
	uint64_t		 by_status[TARGET_STATUS_MAX];
};

/* The request state of every route but /echo, which has nothing to keep. */
static char	target_nostate;

static char	target_errbuf[256];

static void	target_arrived(struct target *, enum route);
static void	target_answered(struct target *, enum route, unsigned int);
static MHD_RESULT target_queue(struct target *, struct MHD_Connection *,
		    enum route, unsigned int, struct MHD_Response *, int);
static MHD_RESULT target_wait(struct target *, struct MHD_Connection *,
		    enum route, const char *);
static int	target_append(char *, size_t, size_t *, const char *, ...)
		    PRINTFLIKE(4, 5);
static char	*target_stats_json(struct target *, size_t *);
static MHD_RESULT target_stats(struct target *, struct MHD_Connection *,
		    const char *);
static MHD_RESULT target_handle(void *, struct MHD_Connection *,
		    const char *, const char *, const char *, const char *,
		    size_t *, void **);
static void	target_completed(void *, struct MHD_Connection *, void **,
		    enum MHD_RequestTerminationCode);

/*
 * Count a request as it arrives, under its route. Counting on arrival,
 * not on answer, keeps a slow answer to a client that gave up (a /delay
 * past its --timeout) from landing in the counts of a later test.
 */
static void
target_arrived(struct target *t, enum route route)
{
	if (route < ROUTE_MAX)
		__atomic_fetch_add(&t->by_route[route], 1, __ATOMIC_RELAXED);
}

/* Count an answer under its status. */
static void
target_answered(struct target *t, enum route route, unsigned int status)
{
	if (route < ROUTE_MAX && status > 0 && status < TARGET_STATUS_MAX)
		__atomic_fetch_add(&t->by_status[status], 1,
		    __ATOMIC_RELAXED);
}

/*
 * Queue a response and count its status. The response is destroyed
 * unless it is shared, which MHD reference-counts. A NULL response is one
 * the route could not build for want of memory: the connection is then
 * closed, with no status counted, as no answer was even tried.
 */
static MHD_RESULT
target_queue(struct target *t, struct MHD_Connection *c, enum route route,
    unsigned int status, struct MHD_Response *resp, int shared)
{
	MHD_RESULT	ret;

	if (resp == NULL)
		return (MHD_NO);
	ret = MHD_queue_response(c, status, resp);
	if (!shared)
		MHD_destroy_response(resp);
	if (ret == MHD_YES)
		target_answered(t, route, status);
	return (ret);
}

/*
 * /delay/MS: answer after MS milliseconds. Each connection has its own
 * thread, so waiting here holds up no other client; the wait ends early
 * when the server stops, and the connection is then closed unanswered.
 * /pause/MS: answer at once, and hold every other answer until MS from
 * now, the server stall of a coordinated-omission test (/pause/0 ends
 * it). A pause counts in no route, so a test's counts stay its load's.
 */
static MHD_RESULT
target_wait(struct target *t, struct MHD_Connection *c, enum route route,
    const char *arg)
{
	long long	 ms;

	if (arg == NULL || units_decimal(arg, 0, TARGET_DELAY_MAX, &ms) == -1)
		return (target_queue(t, c, route, 400,
		    route_text(route == ROUTE_PAUSE ? "bad pause\n" :
		    "bad delay\n"), 0));
	if (route == ROUTE_PAUSE)
		stall_pause(t->stall, ms);
	else if (stall_sleep(t->stall, ms) == -1)
		return (MHD_NO);
	return (target_queue(t, c, route, 200, t->ok, 1));
}

/* Append formatted text at *off in buf; return 0, or -1 if it is full. */
static int
target_append(char *buf, size_t size, size_t *off, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *off, size - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *off)
		return (-1);
	*off += n;
	return (0);
}

/*
 * Return the counters as JSON in a buffer to free, and its length in
 * *lenp, or NULL. Each counter is read once, and "requests" is the sum of
 * by_route as read, so those two agree even while requests arrive.
 */
static char *
target_stats_json(struct target *t, size_t *lenp)
{
	uint64_t	 routes[ROUTE_MAX], total, n;
	char		*buf;
	size_t		 off, i;
	const char	*sep;
	int		 rc;

	total = 0;
	for (i = 0; i < ROUTE_MAX; i++) {
		routes[i] = __atomic_load_n(&t->by_route[i], __ATOMIC_RELAXED);
		total += routes[i];
	}
	/* 600 statuses of 20 digits each fit; the check is for safety. */
	if ((buf = malloc(TARGET_STATS_SIZE)) == NULL)
		return (NULL);
	off = 0;
	rc = target_append(buf, TARGET_STATS_SIZE, &off,
	    "{\"requests\": %llu, \"by_route\": {", (unsigned long long)total);
	for (i = 0; i < ROUTE_MAX && rc == 0; i++)
		rc = target_append(buf, TARGET_STATS_SIZE, &off,
		    "%s\"%s\": %llu", i == 0 ? "" : ", ", target_route_names[i],
		    (unsigned long long)routes[i]);
	if (rc == 0)
		rc = target_append(buf, TARGET_STATS_SIZE, &off,
		    "}, \"by_status\": {");
	sep = "";
	for (i = 0; i < TARGET_STATUS_MAX && rc == 0; i++) {
		n = __atomic_load_n(&t->by_status[i], __ATOMIC_RELAXED);
		if (n == 0)
			continue;
		rc = target_append(buf, TARGET_STATS_SIZE, &off,
		    "%s\"%zu\": %llu", sep, i, (unsigned long long)n);
		sep = ", ";
	}
	if (rc == 0)
		rc = target_append(buf, TARGET_STATS_SIZE, &off, "}}\n");
	if (rc == -1) {
		free(buf);
		return (NULL);
	}
	*lenp = off;
	return (buf);
}

/* /stats: GET returns the counters as JSON, DELETE zeroes them. */
static MHD_RESULT
target_stats(struct target *t, struct MHD_Connection *c, const char *method)
{
	struct MHD_Response	*resp;
	char			*buf;
	size_t			 len, i;

	if (strcmp(method, MHD_HTTP_METHOD_DELETE) == 0) {
		for (i = 0; i < ROUTE_MAX; i++)
			__atomic_store_n(&t->by_route[i], 0, __ATOMIC_RELAXED);
		for (i = 0; i < TARGET_STATUS_MAX; i++)
			__atomic_store_n(&t->by_status[i], 0,
			    __ATOMIC_RELAXED);
		return (target_queue(t, c, ROUTE_STATS, 200, t->ok, 1));
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return (target_queue(t, c, ROUTE_STATS, 405,
		    route_bad_method("GET, HEAD, DELETE"), 0));

	if ((buf = target_stats_json(t, &len)) == NULL)
		return (MHD_NO);
	resp = MHD_create_response_from_buffer(len, buf,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(buf);
		return (MHD_NO);
	}
	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json");
	return (target_queue(t, c, ROUTE_STATS, 200, resp, 0));
}

/*
 * The access handler. MHD calls it first with the headers only, then once
 * per chunk of body, then with no data left: the answer is queued on that
 * last call, after the body has been read, so keep-alive stays usable.
 */
static MHD_RESULT
target_handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct target		*t = cls;
	struct MHD_Response	*resp;
	struct echo		*e;
	const char		*arg;
	enum route		 route;
	unsigned int		 status;

	(void)version;
	route = route_find(url, &arg);
	if (*con_cls == NULL) {
		target_arrived(t, route);
		/* MHD_NO closes the connection with no answer. */
		if (route == ROUTE_DROP)
			return (MHD_NO);
		if (route == ROUTE_ECHO) {
			if ((e = route_echo_new()) == NULL)
				return (MHD_NO);
			*con_cls = e;
		} else
			*con_cls = &target_nostate;
		return (MHD_YES);
	}
	if (*upload_data_size > 0) {
		if (route == ROUTE_ECHO)
			route_echo_append(*con_cls, upload_data,
			    *upload_data_size);
		*upload_data_size = 0;
		return (MHD_YES);
	}

	/* Under /pause, every answer but /stats waits it out. */
	if (route != ROUTE_STATS && route != ROUTE_PAUSE &&
	    stall_hold(t->stall) == -1)
		return (MHD_NO);
	switch (route) {
	case ROUTE_ROOT:
		return (target_queue(t, c, route, 200, t->ok, 1));
	case ROUTE_PAUSE:
	case ROUTE_DELAY:
		return (target_wait(t, c, route, arg));
	case ROUTE_STATS:
		return (target_stats(t, c, method));
	case ROUTE_STATUS:
		resp = route_status(arg, &status);
		break;
	case ROUTE_BYTES:
		resp = route_bytes(arg, &status);
		break;
	case ROUTE_ECHO:
		resp = route_echo(c, *con_cls, &status);
		break;
	case ROUTE_REDIRECT:
		resp = route_redirect(arg, &status);
		break;
	default:
		route = ROUTE_OTHER;
		status = 404;
		resp = route_text("not found\n");
		break;
	}
	return (target_queue(t, c, route, status, resp, 0));
}

/* Free an /echo body when its request ends, answered or not. */
static void
target_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	if (*con_cls != &target_nostate)
		route_echo_free(*con_cls);
	*con_cls = NULL;
}

/*
 * Start the target server on listen ("ADDR:PORT", NULL for 127.0.0.1:0).
 * Return it, or NULL with *errstr set to a message naming the bad value,
 * which stays valid until the next call.
 */
struct target *
target_start(const char *listen_addr, const char **errstr)
{
	struct target		*t;
	unsigned int		 flags;
	int			 fd;

	if (listen_addr == NULL)
		listen_addr = TARGET_LISTEN;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		*errstr = "out of memory";
		return (NULL);
	}
	if ((t->ok = route_text("ok\n")) == NULL) {
		free(t);
		*errstr = "out of memory";
		return (NULL);
	}

	if ((t->stall = stall_new()) == NULL) {
		MHD_destroy_response(t->ok);
		free(t);
		*errstr = "out of memory";
		return (NULL);
	}
	if (listen_socket(listen_addr, &fd, &t->port, errstr) == -1) {
		MHD_destroy_response(t->ok);
		stall_free(t->stall);
		free(t);
		return (NULL);
	}

	/*
	 * A thread per connection, so a slow /delay holds up no one else;
	 * poll() rather than select(), which cannot see descriptors past
	 * FD_SETSIZE, and TARGET_CONNECTIONS clients need many.
	 */
	flags = MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
	if (listen_addr[0] == '[')
		flags |= MHD_USE_IPv6;
	t->daemon = MHD_start_daemon(flags, 0, NULL, NULL, target_handle, t,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)TARGET_CONNECTIONS,
	    MHD_OPTION_THREAD_STACK_SIZE, (size_t)TARGET_STACK,
	    MHD_OPTION_NOTIFY_COMPLETED, target_completed, t,
	    MHD_OPTION_END);
	if (t->daemon == NULL) {
		/*
		 * fd is not closed: MHD closes a given listen socket on some
		 * of its failure paths and not on others, and leaking one
		 * descriptor here is safer than closing a reused number.
		 */
		MHD_destroy_response(t->ok);
		stall_free(t->stall);
		free(t);
		(void)snprintf(target_errbuf, sizeof(target_errbuf),
		    "cannot start server on %s", listen_addr);
		*errstr = target_errbuf;
		return (NULL);
	}
	return (t);
}

/* Return the port the target server listens on. */
unsigned int
target_port(const struct target *t)
{
	return (t->port);
}

/*
 * Stop the target server: wake every /delay and /pause, close all
 * connections, wait for their threads, and free it.
 */
void
target_stop(struct target *t)
{
	if (t == NULL)
		return;
	stall_stop(t->stall);
	MHD_stop_daemon(t->daemon);
	MHD_destroy_response(t->ok);
	stall_free(t->stall);
	free(t);
}
