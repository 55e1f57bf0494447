/*
 * What the workers of one run share with each other and with the parent,
 * in anonymous shared memory: the ticket counter, the stop flag, and a
 * slot per worker with the task it runs and the batch of results it has
 * not sent yet. Every atomic access is here, so the protocol between a
 * worker's stores and the parent's loads lives in this one file.
 */
#include <sys/mman.h>

#include <string.h>

#include "forkload.h"

/* A batch of results, laid out as the payload of a RESULTS frame. */
struct shm_batch {
	struct msg_results	 hdr;
	struct result		 r[MSG_RESULTS_MAX];	/* right after hdr */
};

struct shm_slot {
	uint64_t		 claimed;	/* tickets this worker took */
	uint64_t		 emitted;	/* results it produced */
	uint64_t		 task_seq;	/* its task + 1; 0: none */
	uint64_t		 task_start_ns;	/* 0: nothing runs */
	struct shm_batch	 batch;		/* results not yet sent */
};

struct shm {
	uint64_t		 next;		/* next ticket */
	uint64_t		 limit;		/* tickets in the run */
	uint32_t		 stop;		/* 1: start nothing new */
	size_t			 nslots;
	struct shm_slot		 slot[];
};

/* Map a shared area for nslots workers and limit tickets; never NULL. */
struct shm *
shm_new(size_t nslots, uint64_t limit)
{
	struct shm	*s;
	size_t		 len;

	len = sizeof(*s) + nslots * sizeof(s->slot[0]);
	/*
	 * MAP_SHARED|MAP_ANONYMOUS survives fork(): every worker sees the
	 * same counter, and the parent can read a dead worker's slot.
	 */
	s = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1, 0);
	if (s == MAP_FAILED)
		fatal("mmap %zu bytes", len);
	s->next = 0;
	s->limit = limit;
	s->stop = 0;
	s->nslots = nslots;
	return (s);
}

/* Unmap the shared area. */
void
shm_free(struct shm *s)
{
	if (s != NULL)
		(void)munmap(s, sizeof(*s) + s->nslots * sizeof(s->slot[0]));
}

/* Clear slot i for a new worker (a replacement reuses a dead one's). */
void
shm_slot_reset(struct shm *s, size_t i)
{
	memset(&s->slot[i], 0, sizeof(s->slot[i]));
}

/* Return the number of tickets in the run; UINT64_MAX when unbounded. */
uint64_t
shm_limit(const struct shm *s)
{
	return (s->limit);
}

/* Return 1 when every ticket has been claimed. */
int
shm_exhausted(const struct shm *s)
{
	return (__atomic_load_n(&s->next, __ATOMIC_ACQUIRE) >= s->limit);
}

/* Tell every worker to start nothing new: the run was interrupted. */
void
shm_stop(struct shm *s)
{
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELEASE);
}

/* Return 1 once the parent has asked the workers to stop. */
int
shm_stopped(const struct shm *s)
{
	return (__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE) != 0);
}

/* Claim the next ticket for slot i; returns 1 with *seq set, 0 when none. */
int
shm_claim(struct shm *s, size_t i, uint64_t *seq)
{
	uint64_t	 t;

	t = __atomic_fetch_add(&s->next, 1, __ATOMIC_RELAXED);
	if (t >= s->limit)
		return (0);
	__atomic_fetch_add(&s->slot[i].claimed, 1, __ATOMIC_RELAXED);
	*seq = t;
	return (1);
}

/*
 * Return the next ticket to be claimed, without claiming it, or
 * UINT64_MAX when none is left.
 */
uint64_t
shm_peek(const struct shm *s)
{
	uint64_t	 n;

	n = __atomic_load_n(&s->next, __ATOMIC_ACQUIRE);
	return (n < s->limit ? n : UINT64_MAX);
}

/* Return how many tickets were claimed in all. */
uint64_t
shm_claimed(const struct shm *s)
{
	uint64_t	 n;

	n = __atomic_load_n(&s->next, __ATOMIC_ACQUIRE);
	return (n < s->limit ? n : s->limit);
}

/*
 * Note in slot i that task seq starts now, or with seq -1 that a plugin's
 * init or fini does: the parent's watch times either, and a crash names
 * the task.
 */
void
shm_task_begin(struct shm *s, size_t i, int64_t seq)
{
	struct shm_slot	*sl = &s->slot[i];

	if (seq < 0) {
		__atomic_store_n(&sl->task_seq, 0, __ATOMIC_RELEASE);
		__atomic_store_n(&sl->task_start_ns, clock_now_ns(),
		    __ATOMIC_RELEASE);
		return;
	}
	__atomic_store_n(&sl->task_start_ns, clock_now_ns(), __ATOMIC_RELAXED);
	__atomic_store_n(&sl->task_seq, (uint64_t)seq + 1, __ATOMIC_RELEASE);
}

/* Note in slot i that nothing runs. */
void
shm_task_end(struct shm *s, size_t i)
{
	__atomic_store_n(&s->slot[i].task_seq, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&s->slot[i].task_start_ns, 0, __ATOMIC_RELEASE);
}

/* Copy what the parent may read of slot i at any time into *snap. */
void
shm_slot_snapshot(const struct shm *s, size_t i, struct shm_snapshot *snap)
{
	const struct shm_slot	*sl = &s->slot[i];
	uint64_t		 seq;

	snap->claimed = __atomic_load_n(&sl->claimed, __ATOMIC_ACQUIRE);
	snap->emitted = __atomic_load_n(&sl->emitted, __ATOMIC_ACQUIRE);
	seq = __atomic_load_n(&sl->task_seq, __ATOMIC_ACQUIRE);
	snap->task_seq = seq == 0 ? -1 : (int64_t)(seq - 1);
	snap->task_start_ns = __atomic_load_n(&sl->task_start_ns,
	    __ATOMIC_RELAXED);
}

/*
 * Add a result to slot i's batch; returns the results now in it. The
 * result is stored before the count and the count before emitted, so the
 * parent never reads a torn result, and never counts one as emitted that
 * is not in the batch. The batch must not be full.
 */
uint32_t
shm_batch_push(struct shm *s, size_t i, const struct result *r)
{
	struct shm_slot	*sl = &s->slot[i];
	uint32_t	 n = sl->batch.hdr.count;

	sl->batch.r[n] = *r;
	__atomic_store_n(&sl->batch.hdr.count, n + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&sl->emitted, sl->emitted + 1, __ATOMIC_RELEASE);
	return (n + 1);
}

/*
 * Return slot i's batch as the payload of a RESULTS frame, its size in
 * *len; *len is 0 when the batch is empty.
 */
const void *
shm_batch_payload(const struct shm *s, size_t i, size_t *len)
{
	const struct shm_batch	*b = &s->slot[i].batch;

	*len = b->hdr.count == 0 ? 0 :
	    sizeof(b->hdr) + b->hdr.count * sizeof(b->r[0]);
	return (b);
}

/*
 * Empty slot i's batch. The worker calls this only once the batch's frame
 * is whole in the pipe: until then the batch stays for shm_salvage().
 */
void
shm_batch_clear(struct shm *s, size_t i)
{
	__atomic_store_n(&s->slot[i].batch.hdr.count, 0, __ATOMIC_RELEASE);
}

/*
 * After the worker in slot i has died, having delivered results through
 * its pipe, copy into out (room for MSG_RESULTS_MAX) those it emitted but
 * never sent, and their number into *n. They are the head of the pending
 * batch: a batch is emptied only after its frame is whole in the pipe, so
 * either the parent got the whole frame (and nothing is missing) or none
 * of it (and the whole batch is). A result past the head was stored but
 * never counted as emitted. Returns 0, or -1 when the slot contradicts
 * itself.
 */
int
shm_salvage(const struct shm *s, size_t i, uint64_t delivered,
    struct result *out, uint32_t *n)
{
	const struct shm_slot	*sl = &s->slot[i];
	uint64_t		 emitted, missing;
	uint32_t		 count;

	*n = 0;
	emitted = __atomic_load_n(&sl->emitted, __ATOMIC_ACQUIRE);
	count = __atomic_load_n(&sl->batch.hdr.count, __ATOMIC_ACQUIRE);
	if (emitted <= delivered)
		return (0);
	missing = emitted - delivered;
	if (count > MSG_RESULTS_MAX || missing > count)
		return (-1);
	memcpy(out, sl->batch.r, missing * sizeof(*out));
	*n = (uint32_t)missing;
	return (0);
}
