/*
 * Measures the two ways a worker can tell the parent which task it runs:
 * a STARTED frame, one write(2) per task into a pipe that another process
 * drains, or a store into its shared-memory slot. Prints ns per task.
 */
#include <sys/wait.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "forkload.h"

#define TASKS	2000000

int
main(void)
{
	struct msg_hdr		 hdr;
	struct msg_started	 st;
	struct shm		*shm;
	unsigned char		 buf[65536];
	uint64_t		 t0, t1, t2, i;
	pid_t			 pid;
	int			 p[2];

	if (pipe(p) == -1)
		fatal("pipe");
	if ((pid = fork()) == 0) {
		close(p[1]);
		while (read(p[0], buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	close(p[0]);
	memset(&hdr, 0, sizeof(hdr));
	t0 = clock_now_ns();
	for (i = 0; i < TASKS; i++) {
		st.seq = i;
		if (frame_send(p[1], MSG_STARTED, 0, &st, sizeof(st)) == -1)
			fatal("frame_send");
	}
	t1 = clock_now_ns();
	close(p[1]);
	waitpid(pid, NULL, 0);

	shm = shm_new(1, UINT64_MAX);
	t2 = clock_now_ns();
	for (i = 0; i < TASKS; i++)
		shm_task_begin(shm, 0, (int64_t)i);
	printf("STARTED frame (write(2)):  %6.1f ns per task\n",
	    (double)(t1 - t0) / TASKS);
	printf("shared-memory slot:        %6.1f ns per task\n",
	    (double)(clock_now_ns() - t2) / TASKS);
	shm_free(shm);
	return (0);
}
