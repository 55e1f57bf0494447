/*
 * Test plugin: the task whose seq ends in 37 (mod 100) dies of SIGSEGV,
 * so a run of N tasks crashes about N / 100 workers; every other task
 * succeeds.
 */
#include <sys/mman.h>

#include <stddef.h>

#include <forkload/task.h>

FORKLOAD_TASK_PLUGIN;

int
forkload_task_run(struct forkload_task *t)
{
	volatile int	*p;

	if (t->seq % 100 != 37)
		return (0);
	/*
	 * A real fault, on a page no access is allowed to: unlike a store
	 * through NULL, no sanitizer stops it first and no compiler drops it.
	 */
	p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return (1);
	*p = 1;
	return (0);
}
