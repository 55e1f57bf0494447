/*
 * The exec engine: each task runs a program with execve(), never through a
 * shell. A worker runs up to its share of -c children at once, each in its
 * own process group so that a task over --timeout is killed whole.
 */
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "forkload.h"

#define EXEC_ERR_ABORTED	(EXEC_ERR_TIMEOUT + 1)

extern char **environ;

struct task {
	pid_t		 pid;		/* 0: a free place */
	int		 held;		/* a task taken, to start when due */
	uint64_t	 seq;
	uint64_t	 sched_ns;	/* when it is due */
	uint64_t	 start_ns;
	int		 exec_errno;	/* execve failed with this */
	int		 timed_out;
	int		 aborted;
};

/* Return the report's name of an exec error code, using buf. */
const char *
exec_error_name(int code, char *buf, size_t len)
{
	const char	*s;

	if (code > EXEC_ERR_EXIT && code < EXEC_ERR_EXIT + 256)
		snprintf(buf, len, "EXIT_%d", code - EXEC_ERR_EXIT);
	else if (code > EXEC_ERR_SIGNAL && code < EXEC_ERR_SIGNAL + 128 &&
	    (s = sigabbrev_np(code - EXEC_ERR_SIGNAL)) != NULL)
		snprintf(buf, len, "SIGNAL_%s", s);
	else if (code == EXEC_ERR_TIMEOUT)
		snprintf(buf, len, "TIMEOUT");
	else if (code == EXEC_ERR_ABORTED)
		snprintf(buf, len, "ABORTED");
	else if (code > EXEC_ERR_ERRNO && code < EXEC_ERR_ERRNO + 4096 &&
	    (s = strerrorname_np(code - EXEC_ERR_ERRNO)) != NULL)
		snprintf(buf, len, "EXEC_%s", s);
	else
		snprintf(buf, len, "CODE_%d", code);
	return (buf);
}

/* Each level of a sweep numbers its tasks from 0: name the level too. */
static void
exec_output_path(const struct worker *w, uint64_t seq, char *buf, size_t len)
{
	if (w->conf->nsweep > 0)
		snprintf(buf, len, "%s/c%d-task-%llu.log", w->conf->task_output,
		    w->level, (unsigned long long)seq);
	else
		snprintf(buf, len, "%s/task-%llu.log", w->conf->task_output,
		    (unsigned long long)seq);
}

/* Like execvp(), but never hands a file to /bin/sh. Returns an errno. */
static int
exec_path(char *const argv[])
{
	const char	*path, *p, *end;
	char		 full[PATH_MAX];
	int		 err = ENOENT;

	if (strchr(argv[0], '/') != NULL) {
		execve(argv[0], argv, environ);
		return (errno);
	}
	if ((path = getenv("PATH")) == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = end + 1) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		snprintf(full, sizeof(full), "%.*s/%s", (int)(end - p),
		    end == p ? "." : p, argv[0]);
		execve(full, argv, environ);
		if (errno != ENOENT && errno != ENOTDIR)
			err = errno;	/* EACCES beats a later ENOENT */
		if (*end == '\0')
			break;
	}
	return (err);
}

/*
 * In the child: a step before execve() failed. Its errno goes back on the
 * error pipe as a failed execve's would, so the task fails with its name.
 */
static __dead void
exec_child_fail(int errfd)
{
	int	 err = errno;

	(void)write(errfd, &err, sizeof(err));
	_exit(127);
}

/* In the child: set up the task's process and exec it; never returns. */
static __dead void
exec_child(const struct worker *w, uint64_t seq, int errfd, pid_t worker)
{
	struct sigaction	 sa;
	sigset_t		 none;
	char			 num[32], out[PATH_MAX];
	int			 fd, err;

	/* Its own process group: a timeout kills the task and its children. */
	if (setpgid(0, 0) == -1)
		exec_child_fail(errfd);
	/* A task must die with its worker, as the worker dies with forkload. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		exec_child_fail(errfd);
	if (getppid() != worker)
		_exit(127);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&none);
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGPIPE, &sa, NULL) == -1 ||
	    sigprocmask(SIG_SETMASK, &none, NULL) == -1)
		exec_child_fail(errfd);

	if ((fd = open("/dev/null", O_RDWR)) == -1 ||
	    dup2(fd, STDIN_FILENO) == -1)
		exec_child_fail(errfd);
	if (w->conf->task_output != NULL) {
		exec_output_path(w, seq, out, sizeof(out));
		if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
			exec_child_fail(errfd);
	}
	/* Never the worker's stderr: a task's output is its own business. */
	if (dup2(fd, STDOUT_FILENO) == -1 || dup2(fd, STDERR_FILENO) == -1)
		exec_child_fail(errfd);
	/* Keep only the error pipe, as fd 3, closed by a successful exec. */
	if (errfd != 3 && dup2(errfd, 3) == -1)
		exec_child_fail(errfd);
	if (fcntl(3, F_SETFD, FD_CLOEXEC) == -1)
		exec_child_fail(3);
	closefrom(4);

	snprintf(num, sizeof(num), "%llu", (unsigned long long)seq);
	if (setenv("FORKLOAD_SEQ", num, 1) == -1)
		exec_child_fail(3);
	snprintf(num, sizeof(num), "%d", w->id);
	if (setenv("FORKLOAD_WORKER", num, 1) == -1 ||
	    setenv("FORKLOAD_RUN_ID", w->conf->run_id, 1) == -1)
		exec_child_fail(3);

	err = exec_path(w->conf->exec_argv);
	(void)write(3, &err, sizeof(err));
	_exit(127);
}

/*
 * Kill a task's process group. An empty group (ESRCH) has nothing left to
 * kill; anything else means the worker lost track of its tasks.
 */
static void
exec_kill_group(pid_t pid)
{
	if (kill(-pid, SIGKILL) == -1 && errno != ESRCH)
		fatal("kill process group %ld", (long)pid);
}

/* Start one task in a free place; fatal only when fork itself fails. */
static void
exec_spawn(struct worker *w, struct task *t)
{
	ssize_t		 n;
	uint64_t	 seq = t->seq, sched = t->sched_ns;
	pid_t		 me = getpid();
	int		 p[2], err = 0;

	memset(t, 0, sizeof(*t));
	t->seq = seq;
	t->sched_ns = sched;
	/* The pipe carries errno back if execve fails; exec closes it. */
	if (pipe2(p, O_CLOEXEC) == -1)
		fatal("pipe2");
	t->start_ns = clock_now_ns();
	worker_task_begin(w, seq);
	if ((t->pid = fork()) == -1)
		fatal("fork");
	if (t->pid == 0)
		exec_child(w, seq, p[1], me);
	/*
	 * Both sides set the group, so a kill(-pid) can never miss it. Here
	 * it fails harmlessly once the child has done it and run execve()
	 * (EACCES), or has already died (ESRCH).
	 */
	if (setpgid(t->pid, t->pid) == -1 && errno != EACCES &&
	    errno != ESRCH)
		fatal("setpgid");
	(void)close(p[1]);
	do
		n = read(p[0], &err, sizeof(err));
	while (n == -1 && errno == EINTR);
	(void)close(p[0]);
	if (n == sizeof(err))
		t->exec_errno = err;
}

/* Turn a reaped task into a result. */
static void
exec_finish(struct worker *w, struct task *t, int status, uint64_t now)
{
	struct result	 r;
	char		 out[PATH_MAX];

	memset(&r, 0, sizeof(r));
	r.seq = t->seq;
	r.start_ns = t->start_ns - w->run_start_ns;
	/* Closed loop: a task starts when it is meant to. */
	r.sched_ns = sched_open(&w->sched) ? t->sched_ns - w->run_start_ns :
	    r.start_ns;
	r.latency_ns = now - t->start_ns;
	if (t->exec_errno != 0)
		r.error = EXEC_ERR_ERRNO + t->exec_errno;
	else if (t->aborted)
		r.error = EXEC_ERR_ABORTED;
	else if (t->timed_out)
		r.error = EXEC_ERR_TIMEOUT;
	else if (WIFSIGNALED(status))
		r.error = EXEC_ERR_SIGNAL + WTERMSIG(status);
	else if (WEXITSTATUS(status) != 0)
		r.error = EXEC_ERR_EXIT + WEXITSTATUS(status);
	/* Keep the output of failed tasks only. */
	if (w->conf->task_output != NULL && r.error == 0) {
		exec_output_path(w, t->seq, out, sizeof(out));
		if (unlink(out) == -1 && errno != ENOENT)
			log_warn("%s", out);
	}
	t->pid = 0;
	worker_emit(w, &r);
	worker_flush(w);
}

/*
 * Reap one ended task, and first kill whatever it left running in its
 * process group: a task's background children end with it. The task is
 * still a zombie at the kill, so its pid, which names the group, cannot
 * have been reused. Returns the pid, or 0 when no task has ended.
 */
static pid_t
exec_reap(int *status)
{
	siginfo_t	 si;
	pid_t		 pid;

	memset(&si, 0, sizeof(si));
	if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == -1 ||
	    si.si_pid == 0)
		return (0);
	exec_kill_group(si.si_pid);
	while ((pid = waitpid(si.si_pid, status, 0)) == -1 && errno == EINTR)
		continue;
	return (pid == -1 ? 0 : pid);
}

/*
 * How long to wait for a task to end: until the batch is due, the nearest
 * --timeout deadline or 50 ms, whichever comes first.
 */
static int
exec_sleep_ms(struct worker *w, const struct task *tasks, int n,
    uint64_t timeout_ns)
{
	uint64_t	 now, due;
	int		 i, ms = worker_sleep_ms(w, WORKER_TICK_MS);

	if (timeout_ns == 0)
		return (ms);
	now = clock_now_ns();
	for (i = 0; i < n; i++) {
		if (tasks[i].pid == 0 || tasks[i].timed_out)
			continue;
		due = tasks[i].start_ns + timeout_ns;
		if (due <= now)
			return (0);
		if ((due - now + NS_PER_MS - 1) / NS_PER_MS < (uint64_t)ms)
			ms = (int)((due - now + NS_PER_MS - 1) / NS_PER_MS);
	}
	return (ms);
}

/*
 * Start a task in every free place whose next task is due; a place takes
 * a task due a little later and holds it (open loop). Returns the
 * earliest time that a place waits for, UINT64_MAX for none, and in
 * *live the places running or holding a task or waiting for one.
 */
static uint64_t
exec_fill(struct worker *w, struct task *tasks, int n, int *live)
{
	struct task	*t;
	uint64_t	 now = clock_now_ns(), wake = UINT64_MAX, due;
	int		 i, busy = 0, rv;

	for (i = 0; i < n; i++)
		busy += tasks[i].pid != 0 || tasks[i].held;
	*live = 0;
	for (i = 0; i < n; i++) {
		t = &tasks[i];
		if (t->pid == 0 && !t->held && !worker_interrupted()) {
			rv = worker_next(w, now, busy, &t->seq, &t->sched_ns,
			    &due);
			if (rv == WORKER_WAIT) {
				wake = due < wake ? due : wake;
				(*live)++;
			}
			t->held = rv == WORKER_GO;
			busy += t->held;
		}
		if (t->held && t->sched_ns <= now)
			exec_spawn(w, t);
		else if (t->held && t->sched_ns < wake)
			wake = t->sched_ns;
		*live += t->pid != 0 || t->held;
	}
	return (wake);
}

/* Run a worker's share of tasks as child processes. */
int
exec_run(struct worker *w)
{
	struct task	*tasks;
	struct timespec	 ts;
	sigset_t	 chld;
	uint64_t	 now, timeout_ns, wake, sleep_ns;
	pid_t		 pid;
	int		 i, n = w->concurrency, live, st;

	worker_hello(w, "exec");
	/* SIGCHLD stays blocked: the loop takes it with sigtimedwait(). */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, NULL) == -1)
		fatal("sigprocmask");
	tasks = xcalloc(n, sizeof(*tasks));
	timeout_ns = w->conf->timeout_set ? w->conf->timeout_us * NS_PER_US : 0;

	for (;;) {
		wake = exec_fill(w, tasks, n, &live);
		if (live == 0)
			break;

		/* sigtimedwait() sleeps in ns: a schedule keeps its time. */
		sleep_ns = (uint64_t)exec_sleep_ms(w, tasks, n, timeout_ns) *
		    NS_PER_MS;
		now = clock_now_ns();
		if (wake != UINT64_MAX && (wake <= now ||
		    wake - now < sleep_ns))
			sleep_ns = wake > now ? wake - now : 0;
		ts.tv_sec = (time_t)(sleep_ns / NS_PER_SEC);
		ts.tv_nsec = (long)(sleep_ns % NS_PER_SEC);
		(void)sigtimedwait(&chld, NULL, &ts);

		while ((pid = exec_reap(&st)) > 0) {
			now = clock_now_ns();
			for (i = 0; i < n; i++)
				if (tasks[i].pid == pid)
					exec_finish(w, &tasks[i], st, now);
		}
		now = clock_now_ns();
		for (i = 0; i < n; i++) {
			if (tasks[i].pid == 0)
				continue;
			if (worker_interrupted() && !tasks[i].aborted) {
				tasks[i].aborted = 1;
				exec_kill_group(tasks[i].pid);
			} else if (timeout_ns != 0 && !tasks[i].timed_out &&
			    now - tasks[i].start_ns >= timeout_ns) {
				tasks[i].timed_out = 1;
				exec_kill_group(tasks[i].pid);
			}
		}
		worker_tick(w);
	}
	worker_task_end(w);
	free(tasks);
	return (0);
}
