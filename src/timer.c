/*
 * Deadlines for a fixed set of owners (a worker's connections), in a
 * binary min-heap: setting, moving or clearing an owner's deadline is
 * O(log n), and the earliest is at hand in O(1). An engine never scans
 * every connection to find what is due.
 */
#include <stdlib.h>
#include <string.h>

#include "forkload.h"

#define TIMER_NONE	UINT32_MAX	/* an owner with no deadline */

/* Prepare timers for owners 0 to n - 1, none of them with a deadline. */
void
timer_init(struct timers *t, uint32_t n)
{
	uint32_t	 i;

	memset(t, 0, sizeof(*t));
	t->when = xcalloc(n > 0 ? n : 1, sizeof(*t->when));
	t->who = xcalloc(n > 0 ? n : 1, sizeof(*t->who));
	t->pos = xcalloc(n > 0 ? n : 1, sizeof(*t->pos));
	for (i = 0; i < n; i++)
		t->pos[i] = TIMER_NONE;
	t->owners = n;
}

/* Free the timers. */
void
timer_free(struct timers *t)
{
	free(t->when);
	free(t->who);
	free(t->pos);
	memset(t, 0, sizeof(*t));
}

/* Put heap entries i and j in each other's place. */
static void
timer_swap(struct timers *t, uint32_t i, uint32_t j)
{
	uint64_t	 w = t->when[i];
	uint32_t	 o = t->who[i];

	t->when[i] = t->when[j];
	t->who[i] = t->who[j];
	t->when[j] = w;
	t->who[j] = o;
	t->pos[t->who[i]] = i;
	t->pos[t->who[j]] = j;
}

/* Move entry i up or down until the heap is in order again. */
static void
timer_fix(struct timers *t, uint32_t i)
{
	uint32_t	 l, r, m;

	while (i > 0 && t->when[(i - 1) / 2] > t->when[i]) {
		timer_swap(t, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < t->n && t->when[l] < t->when[m])
			m = l;
		if (r < t->n && t->when[r] < t->when[m])
			m = r;
		if (m == i)
			return;
		timer_swap(t, i, m);
		i = m;
	}
}

/* Give owner a deadline at when, in place of any it had. */
void
timer_set(struct timers *t, uint32_t owner, uint64_t when)
{
	uint32_t	 i = t->pos[owner];

	if (i == TIMER_NONE) {
		i = t->n++;
		t->who[i] = owner;
		t->pos[owner] = i;
	}
	t->when[i] = when;
	timer_fix(t, i);
}

/* Take away owner's deadline, if it has one. */
void
timer_clear(struct timers *t, uint32_t owner)
{
	uint32_t	 i = t->pos[owner];

	if (i == TIMER_NONE)
		return;
	t->n--;
	if (i != t->n) {
		timer_swap(t, i, t->n);
		timer_fix(t, i);
	}
	t->pos[owner] = TIMER_NONE;
}

/*
 * Find the earliest deadline. Returns 1 with *when and *owner set, or 0
 * when no owner has one.
 */
int
timer_next(const struct timers *t, uint64_t *when, uint32_t *owner)
{
	if (t->n == 0)
		return (0);
	*when = t->when[0];
	*owner = t->who[0];
	return (1);
}
