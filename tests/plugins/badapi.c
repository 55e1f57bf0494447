/*
 * Test plugin: it claims API version 999, which no forkload has, so
 * forkload must refuse it before anything runs, though it has a
 * forkload_task_run().
 */
#include <forkload/task.h>

const unsigned int forkload_task_api = 999;

int
forkload_task_run(struct forkload_task *t)
{
	(void)t;
	return (0);
}
