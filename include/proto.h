/*
 * The wire format between a worker and the parent: imsg-shaped frames,
 * a fixed header followed by a payload whose size is fixed per type.
 * Both ends are built from the same tree, so host byte order is used.
 */
#ifndef FORKLOAD_PROTO_H
#define FORKLOAD_PROTO_H

#include <stdint.h>

#define PROTO_VERSION	2

enum msg_type {
	MSG_HELLO = 1,		/* struct msg_hello */
	MSG_RESULTS,		/* struct msg_results + count * struct result */
	MSG_STARTED,		/* struct msg_started */
	MSG_DONE,		/* struct msg_done */
	MSG_ERROR,		/* struct msg_error */
	MSG_TYPE_MAX
};

/* len counts the header too, as in imsg. */
struct msg_hdr {
	uint32_t	type;
	uint32_t	len;
	uint32_t	worker;
	uint32_t	pid;
};

struct msg_hello {
	uint32_t	version;
	uint32_t	pad;
	char		engine[56];	/* engine version, NUL-ended */
};

/* One finished request or task. Times are ns since the run started. */
struct result {
	uint64_t	seq;		/* ticket number within the run */
	uint64_t	sched_ns;	/* when it was meant to start */
	uint64_t	start_ns;	/* when it did start */
	uint64_t	latency_ns;
	uint64_t	bytes_in;
	uint64_t	bytes_out;
	int32_t		error;		/* engine error code, 0 for none */
	uint32_t	status;		/* below STATUS_MAX; 0: none */
	uint32_t	target;		/* index into the URL list */
	uint32_t	dns_us;		/* timing phases */
	uint32_t	connect_us;
	uint32_t	tls_us;
	uint32_t	ttfb_us;
	uint32_t	flags;		/* RESULT_*, and the HTTP version */
};

/* Which phases of a result happened: only those are timed. */
#define RESULT_DNS	0x01	/* a name lookup */
#define RESULT_CONNECT	0x02	/* a new connection */
#define RESULT_TLS	0x04	/* a TLS handshake */
#define RESULT_TTFB	0x08	/* a first byte of response */
/* The response's HTTP version, major * 10 + minor (11, 20); 0: none. */
#define RESULT_VERSION(f)	(((f) >> 8) & 0xff)
#define RESULT_SET_VERSION(v)	((uint32_t)((v) & 0xff) << 8)

#define MSG_RESULTS_MAX	256	/* results in one batch */
#define STATUS_MAX	1000	/* a result's status is below this */

struct msg_results {
	uint32_t	count;
	uint32_t	pad;
	/* followed by count struct result */
};

struct msg_started {
	uint64_t	seq;
};

struct msg_done {
	uint64_t	results;	/* results this worker sent in all */
};

struct msg_error {
	char		text[256];	/* NUL-ended */
};

#define MSG_MAX_LEN	(sizeof(struct msg_hdr) + sizeof(struct msg_results) + \
	MSG_RESULTS_MAX * sizeof(struct result))

#endif
