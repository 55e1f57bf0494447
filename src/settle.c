/*
 * Closing the books on a worker that has died: its pipe read dry, its
 * leftovers taken from shared memory, how it ended and the task it was
 * running noted, and whether a replacement should take its slot. The
 * parent calls this while the dead worker is still a zombie, so that no
 * kill on the way can reach a process that reused its pid.
 */
#include <string.h>

#include "forkload.h"

/* How a worker ended, from its last state and its exit status. */
static enum wend
settle_end(const struct worker_info *wi)
{
	if (wi->state == WS_BROKEN)
		return (WEND_BROKEN);
	if (wi->state == WS_HUNG)
		return (WEND_HUNG);
	if (wi->signal != 0)
		return (WEND_SIGNAL);
	if (wi->code == 0 && wi->state == WS_DONE)
		return (WEND_CLEAN);
	return (WEND_EXIT);
}

/* Return 1 when the run may still replace a crashed worker. */
static int
settle_may_respawn(const struct parent *p)
{
	const struct config	*conf = p->conf;

	if (!conf->respawn || p->out->interrupted ||
	    p->out->respawns >= conf->max_respawns || shm_exhausted(p->shm))
		return (0);
	return (conf->duration_us == 0 || clock_now_ns() - p->start_ns <
	    conf->duration_us * NS_PER_US);
}

/*
 * Settle a worker that has died, whose exit (code, signal, core_dumped,
 * exit_us) the caller has filled in: it ends in WS_ENDED. Returns 1 when
 * a replacement should take its slot.
 */
int
settle_worker(struct parent *p, struct worker_info *wi)
{
	struct shm_snapshot	 snap;

	/*
	 * A dead worker wrote all it ever will: read the pipe dry and close
	 * it, even if a child of its own still holds it open.
	 */
	while (ingest_read(p, wi) == 1)
		continue;
	frame_close(&wi->pipe);
	/* A worker that broke the protocol is trusted no further. */
	if (wi->state == WS_STARTING || wi->state == WS_RUNNING ||
	    wi->state == WS_HUNG)
		ingest_salvage(p, wi);
	wi->end = settle_end(wi);
	wi->state = WS_ENDED;
	if (wi->end == WEND_CLEAN)
		return (0);
	shm_slot_snapshot(p->shm, wi->slot, &snap);
	wi->task_seq = snap.task_seq;
	/*
	 * A worker that failed before its first result, saying why, would
	 * fail again: replace only those that were working.
	 */
	if (wi->error[0] != '\0' && wi->results == 0)
		return (0);
	if (!settle_may_respawn(p))
		return (0);
	p->out->respawns++;
	return (1);
}
