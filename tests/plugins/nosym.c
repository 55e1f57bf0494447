/*
 * Test plugin: it states the API but exports no forkload_task_run(),
 * only a function of a near-miss name, so forkload must refuse it before
 * anything runs.
 */
#include <forkload/task.h>

FORKLOAD_TASK_PLUGIN;

int	forkload_task_main(struct forkload_task *);

int
forkload_task_main(struct forkload_task *t)
{
	(void)t;
	return (0);
}
