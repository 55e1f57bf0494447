/*
 * Test plugin: task 0 forks a child that sleeps for 30 s and writes the
 * child's pid into the file named by ARG. The child inherits the worker's
 * result pipe, so the parent never sees EOF on it until the child ends.
 */
#include <stdio.h>
#include <unistd.h>

#include <forkload/task.h>

FORKLOAD_TASK_PLUGIN;

int
forkload_task_run(struct forkload_task *t)
{
	FILE	*f;
	pid_t	 pid;

	if (t->seq != 0)
		return (0);
	if ((pid = fork()) == -1)
		return (1);
	if (pid == 0) {
		sleep(30);
		_exit(0);
	}
	if (t->arg == NULL || (f = fopen(t->arg, "w")) == NULL)
		return (2);
	fprintf(f, "%ld\n", (long)pid);
	fclose(f);
	return (0);
}
