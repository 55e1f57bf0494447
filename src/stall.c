/*
 * The target server's waits: /delay/MS, which holds one answer, and
 * /pause/MS, which holds every answer until MS from now, the stall that
 * shows coordinated omission. Both wait on one condition variable on the
 * monotonic clock, so that stopping the server wakes them all at once.
 */

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "forkload.h"

struct stall {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	int		 stopping;
	uint64_t	 until_ns;	/* monotonic; read unlocked, atomic */
};

/* Return a new stall with no pause, or NULL for want of memory. */
struct stall *
stall_new(void)
{
	struct stall		*s;
	pthread_condattr_t	 ca;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (NULL);
	/* A monotonic clock, so that a wait ignores changes of the time. */
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &ca);
	pthread_condattr_destroy(&ca);
	return (s);
}

/*
 * Wait until the monotonic time until_ns, or, with watch, until *watch
 * no longer holds until_ns (a new pause); return 0, or -1 if the server
 * stops first.
 */
static int
stall_until(struct stall *s, uint64_t until_ns, const uint64_t *watch)
{
	struct timespec	 ts;
	int		 rc = 0, stopping;

	ts.tv_sec = (time_t)(until_ns / NS_PER_SEC);
	ts.tv_nsec = (long)(until_ns % NS_PER_SEC);
	pthread_mutex_lock(&s->lock);
	while (!s->stopping && rc != ETIMEDOUT && (watch == NULL ||
	    __atomic_load_n(watch, __ATOMIC_RELAXED) == until_ns))
		rc = pthread_cond_timedwait(&s->cond, &s->lock, &ts);
	stopping = s->stopping;
	pthread_mutex_unlock(&s->lock);
	return (stopping ? -1 : 0);
}

/* Wait ms milliseconds; return 0, or -1 if the server stops first. */
int
stall_sleep(struct stall *s, long long ms)
{
	if (ms <= 0)
		return (0);
	return (stall_until(s, clock_now_ns() + (uint64_t)ms * NS_PER_MS,
	    NULL));
}

/*
 * Hold every answer until ms from now (0 ends a pause). A pause replaces
 * the one before it, so two overlapping pauses do not add up.
 */
void
stall_pause(struct stall *s, long long ms)
{
	__atomic_store_n(&s->until_ns, ms > 0 ? clock_now_ns() +
	    (uint64_t)ms * NS_PER_MS : 0, __ATOMIC_RELAXED);
	/* Wake the held answers, so that a shorter pause ends them early. */
	pthread_mutex_lock(&s->lock);
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/*
 * Wait out the pause, if one is on: return 0, or -1 if the server stops
 * first. Outside a pause it costs one atomic load.
 */
int
stall_hold(struct stall *s)
{
	uint64_t	 until;

	while ((until = __atomic_load_n(&s->until_ns, __ATOMIC_RELAXED)) != 0 &&
	    clock_now_ns() < until)
		if (stall_until(s, until, &s->until_ns) == -1)
			return (-1);
	return (0);
}

/* Wake every wait, which then ends with -1, and refuse any new one. */
void
stall_stop(struct stall *s)
{
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/* Free a stopped stall. */
void
stall_free(struct stall *s)
{
	if (s == NULL)
		return;
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
