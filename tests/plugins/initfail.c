/*
 * Test plugin: forkload_task_init() fails, so each worker must stop
 * before its first task; the tasks themselves would succeed.
 */
#include <forkload/task.h>

FORKLOAD_TASK_PLUGIN;

int
forkload_task_init(struct forkload_task *t)
{
	(void)t;
	return (1);
}

int
forkload_task_run(struct forkload_task *t)
{
	(void)t;
	return (0);
}
