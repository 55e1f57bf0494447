/*
 * Test plugin: every task sleeps ARG milliseconds (default 100), so that a
 * run keeps all its workers busy for as long as a test needs.
 */
#include <stdlib.h>
#include <time.h>

#include <forkload/task.h>

FORKLOAD_TASK_PLUGIN;

int
forkload_task_run(struct forkload_task *t)
{
	struct timespec	 ts;
	long		 ms = 100;

	if (t->arg != NULL)
		ms = strtol(t->arg, NULL, 10);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
	return (0);
}
