/*
 * The ticket counter that the workers of one run share. Claiming a ticket
 * is one atomic add, so a fast worker takes more of the total and -n is met
 * exactly, never overshot. Each worker also owns a slot where it notes what
 * it claimed and runs, and where it batches its results: after a crash the
 * parent takes from there what the worker finished but never sent.
 */
#include <string.h>

#include <sys/mman.h>

#include "forkload.h"

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
		munmap(s, sizeof(*s) + s->nslots * sizeof(s->slot[0]));
}

/* Clear slot i for a new worker (a replacement reuses a dead one's). */
void
shm_slot_reset(struct shm *s, size_t i)
{
	memset(&s->slot[i], 0, sizeof(s->slot[i]));
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

/* Return how many tickets were claimed in all. */
uint64_t
shm_claimed(const struct shm *s)
{
	uint64_t	 n;

	n = __atomic_load_n(&s->next, __ATOMIC_ACQUIRE);
	return (n < s->limit ? n : s->limit);
}
