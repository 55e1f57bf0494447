/*
 * The parent's signals as bytes in a pipe: the handlers only write the
 * signal number, and the parent's poll loop reads it, so that all the work
 * a signal calls for happens in the loop and none in signal context.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "forkload.h"

static int	 selfpipe[2] = { -1, -1 };
static int	 selfpipe_stops;	/* SIGINT and SIGTERM seen so far */

/* Runs in signal context: only hand the signal number to the poll loop. */
static void
selfpipe_on_signal(int sig)
{
	unsigned char	 c = (unsigned char)sig;
	int		 saved = errno;

	/* A full pipe already holds a wake-up: losing this byte is fine. */
	(void)write(selfpipe[1], &c, 1);
	errno = saved;
}

/*
 * Install the parent's handlers for SIGCHLD, SIGINT and SIGTERM, which
 * feed the self-pipe, and ignore SIGPIPE. Fatal on failure.
 */
void
selfpipe_init(void)
{
	struct sigaction	 sa;

	if (pipe2(selfpipe, O_NONBLOCK | O_CLOEXEC) == -1)
		fatal("pipe2");
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = selfpipe_on_signal;
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGCHLD, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1)
		fatal("sigaction");
	/* A closed stdout (jq quit early) must not kill the parent. */
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) == -1)
		fatal("sigaction");
}

/* Return the read end of the self-pipe, for poll(). */
int
selfpipe_fd(void)
{
	return (selfpipe[0]);
}

/*
 * Read what the handlers wrote; returns how many SIGINT and SIGTERM came
 * since the last call. Other bytes are SIGCHLD, which only wakes the loop.
 */
int
selfpipe_take(void)
{
	unsigned char	 sigs[64];
	ssize_t		 n, i;
	int		 stops = 0;

	if (selfpipe[0] == -1)
		return (0);
	while ((n = read(selfpipe[0], sigs, sizeof(sigs))) > 0)
		for (i = 0; i < n; i++)
			if (sigs[i] == SIGINT || sigs[i] == SIGTERM)
				stops++;
	selfpipe_stops += stops;
	return (stops);
}

/*
 * Return how many times SIGINT or SIGTERM has asked the run to stop. It
 * reads the pipe itself, so a signal between two runs is not missed.
 */
int
selfpipe_interrupted(void)
{
	(void)selfpipe_take();
	return (selfpipe_stops);
}
