/*
 * Test plugin: with ARG "init", forkload_task_init never returns; with
 * "fini", forkload_task_fini never returns. Tasks succeed at once.
 */
#include <string.h>
#include <unistd.h>

#include <forkload/task.h>

FORKLOAD_TASK_PLUGIN;

static void
hang_if(const struct forkload_task *t, const char *when)
{
	/* A loop, since a caught signal ends pause(). */
	if (t->arg != NULL && strcmp(t->arg, when) == 0)
		for (;;)
			pause();
}

int
forkload_task_init(struct forkload_task *t)
{
	hang_if(t, "init");
	return (0);
}

int
forkload_task_run(struct forkload_task *t)
{
	(void)t;
	return (0);
}

void
forkload_task_fini(struct forkload_task *t)
{
	hang_if(t, "fini");
}
