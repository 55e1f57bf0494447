/*
 * A worker process: it cuts itself loose from the parent's state, runs its
 * share of the work through an engine, and streams results to the parent
 * in batches over its pipe. It leaves with _exit() so that it never flushes
 * stdio buffers it inherited from the parent.
 */
#include <sys/prctl.h>
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "forkload.h"

#define FLUSH_NS	(50 * NS_PER_MS)	/* DESIGN.md section 3 */

static volatile sig_atomic_t	 worker_stop;
static struct worker		*worker_self;

static void
worker_on_term(int sig)
{
	(void)sig;
	worker_stop = 1;
}

/* Send a fatal message to the parent before the worker exits. */
static void
worker_fatal_hook(const char *line)
{
	struct msg_error	 e;

	if (worker_self == NULL)
		return;
	memset(&e, 0, sizeof(e));
	strlcpy(e.text, line, sizeof(e.text));
	(void)frame_send(worker_self->fd, MSG_ERROR, worker_self->id, &e,
	    sizeof(e));
}

/* Write one frame or leave: a worker whose parent is gone must stop. */
static void
worker_send(struct worker *w, uint32_t type, const void *p, size_t len)
{
	if (frame_send(w->fd, type, w->id, p, len) == -1)
		_exit(errno == EPIPE ? EXIT_INTERRUPTED : EXIT_SYSTEM);
}

/*
 * Send the batch now. It lives in shared memory and is emptied only once
 * the write is complete, so a worker killed mid-write leaves it for the
 * parent to take.
 */
void
worker_flush(struct worker *w)
{
	const void	*batch;
	size_t		 len;

	batch = shm_batch_payload(w->shm, w->slot, &len);
	if (len == 0)
		return;
	worker_send(w, MSG_RESULTS, batch, len);
	w->sent += w->pending;
	w->pending = 0;
	shm_batch_clear(w->shm, w->slot);
	w->last_flush_ns = clock_now_ns();
}

/*
 * Put the process in a known state: default signals, no inherited file
 * descriptors but the result pipe (as fd 3), and death with the parent.
 */
static void
worker_setup(struct worker *w)
{
	struct sigaction	 sa;
	sigset_t		 all;
	int			 sig, fd;

	/*
	 * The parent's handlers write to its self-pipe: never run them here.
	 * SIGKILL, SIGSTOP and the C library's own real-time signals refuse
	 * a new action, and need none.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &sa, NULL);
	/*
	 * A dead parent shows up as EPIPE, not a signal. Ctrl-C reaches the
	 * whole process group; the parent decides and sends SIGTERM.
	 */
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1)
		_exit(EXIT_SYSTEM);
	sa.sa_handler = worker_on_term;
	if (sigaction(SIGTERM, &sa, NULL) == -1)
		_exit(EXIT_SYSTEM);
	/*
	 * The parent blocked signals around fork(), so a SIGTERM sent to stop
	 * the run early waits until the handler above is in place.
	 */
	sigemptyset(&all);
	if (sigprocmask(SIG_SETMASK, &all, NULL) == -1)
		_exit(EXIT_SYSTEM);

	/* Only the parent prints: stdin and stdout go to /dev/null. */
	if ((fd = open("/dev/null", O_RDWR)) == -1 ||
	    dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1)
		_exit(EXIT_SYSTEM);
	if (fd > STDERR_FILENO)
		(void)close(fd);
	/*
	 * Keep stderr for sanitizer reports only. Close every other inherited
	 * descriptor, above all the other workers' pipes, or the parent
	 * would never see EOF from a worker that died.
	 */
	if (w->fd != 3) {
		if (dup2(w->fd, 3) == -1)
			_exit(EXIT_SYSTEM);
		w->fd = 3;
	}
	closefrom(4);

	/* Tasks that this worker runs must not inherit the pipe. */
	if (fcntl(w->fd, F_SETFD, FD_CLOEXEC) == -1)
		_exit(EXIT_SYSTEM);

	/* A load generator must not outlive the parent that watches it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		_exit(EXIT_SYSTEM);
	if (getppid() != w->parent)
		_exit(EXIT_SYSTEM);
	/*
	 * On a schedule, wake when a task is due, not up to 50 us after:
	 * the default timer slack would show as lag in every latency.
	 */
	if (sched_open(&w->sched) && prctl(PR_SET_TIMERSLACK, 1UL) == -1)
		_exit(EXIT_SYSTEM);
}

/* Run a worker to the end of its share; never returns. */
void
worker_main(struct worker *w)
{
	struct msg_done	 done;
	struct rlimit	 rl;
	char		 role[32];
	int		 rv;

	worker_setup(w);
	snprintf(role, sizeof(role), "worker %d", w->id);
	log_init(role, 1);
	worker_self = w;
	log_set_fatal_hook(worker_fatal_hook);
	setproctitle("worker %d", w->id);

	if (w->conf->rlimit_as != 0) {
		/* A leaking task then fails in this worker, not the machine. */
		rl.rlim_cur = rl.rlim_max = w->conf->rlimit_as;
		if (setrlimit(RLIMIT_AS, &rl) == -1)
			fatal("setrlimit RLIMIT_AS");
	}
	w->last_flush_ns = clock_now_ns();
	rv = engine_run(w);
	worker_flush(w);
	if (rv == -1)
		_exit(EXIT_SYSTEM);
	memset(&done, 0, sizeof(done));
	done.results = w->sent;
	worker_send(w, MSG_DONE, &done, sizeof(done));
	_exit(0);
}

/* Send HELLO with the protocol version and the engine's version. */
void
worker_hello(struct worker *w, const char *engine)
{
	struct msg_hello	 h;

	memset(&h, 0, sizeof(h));
	h.version = PROTO_VERSION;
	strlcpy(h.engine, engine, sizeof(h.engine));
	worker_send(w, MSG_HELLO, &h, sizeof(h));
}

/* Return 1 when the worker must start nothing new. */
int
worker_stopping(struct worker *w)
{
	if (worker_stop || shm_stopped(w->shm))
		return (1);
	return (w->deadline_ns != 0 && clock_now_ns() >= w->deadline_ns);
}

/* Return 1 when the parent asked the worker to stop now. */
int
worker_interrupted(void)
{
	return (worker_stop != 0);
}

/*
 * Claim the next task for an engine that runs one at a time, waiting
 * for its start time under -R or --stages: returns 1 with *seq and, if
 * asked, *sched_ns (when it was due) set, or 0 when done. The wait is
 * cut in ticks, to send results and see a stop.
 */
int
worker_claim(struct worker *w, uint64_t *seq, uint64_t *sched_ns)
{
	struct timespec	 ts;
	uint64_t	 now, due = 0, at = 0, nap;

	if (worker_stopping(w))
		return (0);
	for (;;) {
		now = clock_now_ns();
		switch (worker_next(w, now, 0, seq, &at, &due)) {
		case WORKER_END:
			return (0);
		case WORKER_GO:
			if (sched_ns != NULL)
				*sched_ns = at;
			return (1);
		}
		worker_tick(w);
		nap = due > now ? due - now : 0;
		if (nap > WORKER_TICK_MS * NS_PER_MS)
			nap = WORKER_TICK_MS * NS_PER_MS;
		ts.tv_sec = (time_t)(nap / NS_PER_SEC);
		ts.tv_nsec = (long)(nap % NS_PER_SEC);
		(void)nanosleep(&ts, NULL);
	}
}

/*
 * Claim the next task as worker_claim() does, with the time now that the
 * engine read already: an engine that reads the clock once per wake-up
 * need not read it again per task.
 */
int
worker_claim_now(struct worker *w, uint64_t now, uint64_t *seq)
{
	if (worker_stop || shm_stopped(w->shm) ||
	    (w->deadline_ns != 0 && now >= w->deadline_ns))
		return (0);
	return (shm_claim(w->shm, w->slot, seq));
}

/*
 * In closed loop with --stages: may another task start with active of
 * this worker's in flight? Its share of the ramp's concurrency now.
 */
static int
worker_room(const struct worker *w, uint64_t now, int active)
{
	int	 level, share;

	level = sched_concurrency(&w->sched, now - w->run_start_ns);
	share = level / w->nworkers + ((int)w->slot < level % w->nworkers);
	return (active < share);
}

/*
 * Say what a free slot of an engine may do at now, with active of this
 * worker's tasks in flight besides it. WORKER_GO: start task *seq, which
 * was due at *sched_ns (in open loop it may lie a few intervals ahead,
 * when another worker took the ticket due now: the engine waits for it).
 * WORKER_WAIT: nothing is due before *due_ns. WORKER_END: none is left.
 * Times are absolute, as clock_now_ns() gives them.
 */
int
worker_next(struct worker *w, uint64_t now, int active, uint64_t *seq,
    uint64_t *sched_ns, uint64_t *due_ns)
{
	uint64_t	 due, next;

	if (worker_stop || shm_stopped(w->shm) ||
	    (w->deadline_ns != 0 && now >= w->deadline_ns))
		return (WORKER_END);
	if (!sched_open(&w->sched)) {
		if (w->sched.nstages > 0 && !worker_room(w, now, active)) {
			/* A ramp changes slowly: look again in 10 ms. */
			*due_ns = now + 10 * NS_PER_MS;
			return (WORKER_WAIT);
		}
		if (!worker_claim_now(w, now, seq))
			return (WORKER_END);
		*sched_ns = now;
		return (WORKER_GO);
	}
	/* Look before claiming: a ticket not yet due stays for anyone. */
	if ((next = shm_peek(w->shm)) == UINT64_MAX)
		return (WORKER_END);
	due = sched_due(&w->sched, next);
	if (due == UINT64_MAX)
		return (WORKER_END);
	due += w->run_start_ns;
	if (w->deadline_ns != 0 && due >= w->deadline_ns)
		return (WORKER_END);
	if (due > now) {
		*due_ns = due;
		return (WORKER_WAIT);
	}
	if (!worker_claim_now(w, now, seq))
		return (WORKER_END);
	due = sched_due(&w->sched, *seq);
	/* The parent's ticket limit keeps to the schedule; be safe anyway. */
	*sched_ns = due == UINT64_MAX ? now : w->run_start_ns + due;
	return (WORKER_GO);
}

/* Note in shared memory which task runs now, for the parent's watch. */
void
worker_task_begin(struct worker *w, uint64_t seq)
{
	shm_task_begin(w->shm, w->slot, (int64_t)seq);
}

/*
 * Note that a plugin's init or fini runs: the parent's watch times it as
 * it would a task, with no task to name.
 */
void
worker_hook_begin(struct worker *w)
{
	shm_task_begin(w->shm, w->slot, -1);
}

/* Note that no task runs. */
void
worker_task_end(struct worker *w)
{
	shm_task_end(w->shm, w->slot);
}

/* Queue a result; a full batch goes to the parent at once. */
void
worker_emit(struct worker *w, const struct result *r)
{
	w->pending = shm_batch_push(w->shm, w->slot, r);
	if (w->pending == MSG_RESULTS_MAX)
		worker_flush(w);
}

/*
 * Return how long an engine may sleep, at most max ms, before the pending
 * batch is due: results never wait more than 50 ms for the parent.
 */
int
worker_sleep_ms(struct worker *w, int max)
{
	uint64_t	 due, now;

	if (w->pending == 0)
		return (max);
	due = w->last_flush_ns + FLUSH_NS;
	now = clock_now_ns();
	if (due <= now)
		return (0);
	if ((due - now) / NS_PER_MS >= (uint64_t)max)
		return (max);
	return ((int)((due - now + NS_PER_MS - 1) / NS_PER_MS));
}

/*
 * Return when the pending batch is due to go to the parent (absolute ns),
 * or UINT64_MAX when there is none: for an engine that sleeps in ns.
 */
uint64_t
worker_flush_due(const struct worker *w)
{
	return (w->pending == 0 ? UINT64_MAX : w->last_flush_ns + FLUSH_NS);
}

/* Flush a batch that has waited 50 ms; engines call this from their loop. */
void
worker_tick(struct worker *w)
{
	if (w->pending > 0 &&
	    clock_now_ns() - w->last_flush_ns >= FLUSH_NS)
		worker_flush(w);
}
