/*
 * Test plugin: each task allocates 8 MiB, fills it and never frees it,
 * so a worker grows until --worker-rlimit-as stops it.  When malloc()
 * fails the task writes through NULL, so the worker dies of SIGSEGV
 * alone, without taking the machine's memory from anyone else.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <forkload/task.h>

FORKLOAD_TASK_PLUGIN;

#define LEAK_SIZE	(8 * 1024 * 1024)

/*
 * The blocks are chained from here, so they stay reachable and the
 * compiler cannot drop the malloc() and memset() of a block nobody uses.
 */
static void *volatile	 leak_head;

int
forkload_task_run(struct forkload_task *t)
{
	volatile int *volatile	 null = NULL;
	void			*p;

	(void)t;
	if ((p = malloc(LEAK_SIZE)) == NULL) {
		*null = 1;
		return (1);
	}
	/* Not 0: the compiler may turn that into calloc(), pages untouched. */
	memset(p, 0xa5, LEAK_SIZE);
	*(void **)p = leak_head;
	leak_head = p;
	return (0);
}
