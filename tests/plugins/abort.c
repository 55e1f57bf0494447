/*
 * Test plugin: task 3 calls abort(), so its worker dies of SIGABRT;
 * every other task succeeds.
 */
#include <stdlib.h>

#include <forkload/task.h>

FORKLOAD_TASK_PLUGIN;

int
forkload_task_run(struct forkload_task *t)
{
	if (t->seq == 3)
		abort();
	return (0);
}
