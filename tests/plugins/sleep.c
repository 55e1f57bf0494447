/*
 * Test plugin: task 5 never returns, so only --timeout can end it;
 * every other task succeeds at once.
 */
#include <unistd.h>

#include <forkload/task.h>

FORKLOAD_TASK_PLUGIN;

int
forkload_task_run(struct forkload_task *t)
{
	/* A loop, since a caught signal ends pause(). */
	if (t->seq == 5)
		for (;;)
			pause();
	return (0);
}
