/*
 * Test plugin: every task succeeds, except that with an integer ARG N
 * (--plugin ok.so:N) the tasks whose seq ends in 3 return N, so a run
 * counts 10% of them as PLUGIN_N.  It also keeps a per-worker state.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include <forkload/task.h>

FORKLOAD_TASK_PLUGIN;

struct ok_state {
	uint64_t	 tasks;		/* tasks this worker has run */
	int		 code;		/* what a seq ending in 3 returns */
};

/* Parse arg as an int; anything else, NULL included, gives 0. */
static int
ok_code(const char *arg)
{
	char	*end;
	long	 n;

	if (arg == NULL || *arg == '\0')
		return (0);
	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno != 0 || *end != '\0' || n < INT_MIN || n > INT_MAX)
		return (0);
	return ((int)n);
}

int
forkload_task_init(struct forkload_task *t)
{
	struct ok_state	*s;

	if ((s = malloc(sizeof(*s))) == NULL)
		return (1);
	s->tasks = 0;
	s->code = ok_code(t->arg);
	t->state = s;
	return (0);
}

int
forkload_task_run(struct forkload_task *t)
{
	struct ok_state	*s = t->state;
	int		 code;

	/* Parse arg here too, so a loader that skips init still works. */
	if (s != NULL) {
		s->tasks++;
		code = s->code;
	} else
		code = ok_code(t->arg);
	return (t->seq % 10 == 3 ? code : 0);
}

void
forkload_task_fini(struct forkload_task *t)
{
	free(t->state);
	t->state = NULL;
}
