/*
 * What comes from a worker into the run's totals: the frames on its pipe,
 * and after its death what it left in shared memory. Both paths go through
 * ingest_results(), so a result is judged the same way whichever path it
 * took, and a worker that sends a bad one is cut off.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>

#include "forkload.h"

/* Cut off a worker that broke the protocol: kill it and drop its pipe. */
static void
ingest_break(struct worker_info *wi, const char *why)
{
	log_warnx("worker %d (pid %ld): %s; killing it", wi->id,
	    (long)wi->pid, why);
	parent_kill(wi, SIGKILL);
	wi->state = WS_BROKEN;
	frame_close(&wi->pipe);
}

/*
 * Count n results from a worker, in the run's totals and by target, whole
 * or not at all: one bad result (a status out of range, a target the run
 * does not have) rejects the batch. raw may sit at any alignment in a
 * read buffer, so each result is copied out, a fixed-size copy the
 * compiler inlines.
 * Returns 0, or -1 when the batch is bad.
 */
static int
ingest_results(struct parent *p, struct worker_info *wi,
    const unsigned char *raw, uint32_t n)
{
	struct pertargets	*pt = &p->out->targets;
	struct result		 r;
	uint32_t		 i, status, target;
	size_t			 ntargets;
	int			 failed;

	/* An exec or plugin run has no targets: its results name 0. */
	ntargets = pt->n > 0 ? pt->n : 1;
	/* Judge first, so that a bad batch counts nothing: two fields do. */
	for (i = 0; i < n; i++) {
		memcpy(&status, raw + i * sizeof(r) +
		    offsetof(struct result, status), sizeof(status));
		memcpy(&target, raw + i * sizeof(r) +
		    offsetof(struct result, target), sizeof(target));
		if (status >= STATUS_MAX || target >= ntargets)
			return (-1);
	}
	/* One target's figures are the run's: nothing to count apart. */
	for (i = 0; i < n; i++) {
		memcpy(&r, raw + i * sizeof(r), sizeof(r));
		failed = stats_count(&p->out->stats, &r, &p->conf->expect);
		if (pt->n > 1)
			pertarget_add(pt, &r, failed);
	}
	/* Second by second; the latencies, for the stats too (series.c). */
	series_batch(p->out->series, raw, n);
	wi->results += n;
	return (0);
}

/* Apply a RESULTS payload: its count, then that many results. */
static int
ingest_batch(struct parent *p, struct worker_info *wi, const void *payload)
{
	struct msg_results	 rh;

	/* frame_get() has checked that count results follow. */
	memcpy(&rh, payload, sizeof(rh));
	return (ingest_results(p, wi, (const unsigned char *)payload +
	    sizeof(rh), rh.count));
}

/*
 * Return 1 when a worker in its state may send a frame of this type:
 * HELLO first and once, nothing after DONE. A hung worker still speaks
 * until the parent's SIGKILL lands.
 */
static int
ingest_admits(const struct worker_info *wi, uint32_t type)
{
	switch (wi->state) {
	case WS_STARTING:
		return (type == MSG_HELLO || type == MSG_ERROR);
	case WS_RUNNING:
	case WS_HUNG:
		return (type != MSG_HELLO);
	default:
		return (0);
	}
}

/* Apply one decoded frame; returns -1 when the worker must be cut off. */
static int
ingest_frame(struct parent *p, struct worker_info *wi,
    const struct msg_hdr *hdr, const void *payload)
{
	struct msg_hello	 hello;
	struct msg_done		 done;
	struct msg_error	 err;

	if (hdr->worker != (uint32_t)wi->id || hdr->pid != (uint32_t)wi->pid)
		return (-1);
	if (!ingest_admits(wi, hdr->type))
		return (-1);
	switch (hdr->type) {
	case MSG_HELLO:
		memcpy(&hello, payload, sizeof(hello));
		if (hello.version != PROTO_VERSION)
			return (-1);
		hello.engine[sizeof(hello.engine) - 1] = '\0';
		strlcpy(p->out->engine_version, hello.engine,
		    sizeof(p->out->engine_version));
		wi->state = WS_RUNNING;
		break;
	case MSG_RESULTS:
		return (ingest_batch(p, wi, payload));
	case MSG_STARTED:
		break;
	case MSG_DONE:
		memcpy(&done, payload, sizeof(done));
		if (done.results != wi->results)
			return (-1);
		/* Hung stays hung: the kill is on its way. */
		if (wi->state == WS_RUNNING)
			wi->state = WS_DONE;
		break;
	case MSG_ERROR:
		memcpy(&err, payload, sizeof(err));
		err.text[sizeof(err.text) - 1] = '\0';
		strlcpy(wi->error, err.text, sizeof(wi->error));
		log_warnx("%s", err.text);
		break;
	}
	return (0);
}

/*
 * Read what a worker wrote and apply every whole frame in it. Returns 1
 * when it read something, 0 when the pipe is empty for now, and -1 once
 * the pipe is closed.
 */
int
ingest_read(struct parent *p, struct worker_info *wi)
{
	struct msg_hdr	 hdr;
	const void	*payload;
	ssize_t		 n;
	int		 rv;

	if (wi->pipe.fd == -1)
		return (-1);
	if ((n = frame_read(&wi->pipe)) == -1) {
		if (errno == EINTR || errno == EAGAIN)
			return (0);
		fatal("read from worker %d", wi->id);
	}
	if (n == 0) {
		/* EOF: a trailing partial frame died with the worker. */
		frame_close(&wi->pipe);
		return (-1);
	}
	while ((rv = frame_next(&wi->pipe, &hdr, &payload)) == 1) {
		if (ingest_frame(p, wi, &hdr, payload) == -1) {
			ingest_break(wi, "sent a bad frame");
			return (-1);
		}
	}
	if (rv == -1) {
		ingest_break(wi, "sent a corrupt frame");
		return (-1);
	}
	return (1);
}

/*
 * Take from a dead worker's slot the results it finished but never sent
 * (shm_salvage() says which), judged as a batch from its pipe would be.
 * A slot that fails the judgement marks the worker broken, as a bad frame
 * would; it is dead already, so there is nothing to kill.
 */
void
ingest_salvage(struct parent *p, struct worker_info *wi)
{
	struct result	 res[MSG_RESULTS_MAX];
	const char	*why = NULL;
	uint32_t	 n;

	if (shm_salvage(p->shm, wi->slot, wi->results, res, &n) == -1)
		why = "its shared batch is inconsistent";
	else if (n > 0 && ingest_results(p, wi, (const unsigned char *)res,
	    n) == -1)
		why = "its shared batch has a bad result";
	else
		wi->salvaged += n;
	if (why == NULL)
		return;
	log_warnx("worker %d (pid %ld): %s; no result there is counted",
	    wi->id, (long)wi->pid, why);
	wi->state = WS_BROKEN;
}
