/*
 * The parent's side of a run: it forks the workers, each with its own pipe,
 * and then only supervises. One poll loop reads the workers' frames
 * (ingest.c) and the signal self-pipe (selfpipe.c); a dead worker is
 * settled while it is still a zombie (settle.c), then reaped with wait4()
 * so that its rusage is kept. At the end every ticket is accounted for.
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forkload.h"

/* Send sig to a worker that has not been reaped; a reaped pid is reused. */
void
parent_kill(struct worker_info *wi, int sig)
{
	if (wi->state == WS_ENDED)
		return;
	if (kill(wi->pid, sig) == -1 && errno != ESRCH)
		log_warn("kill worker %d (pid %ld)", wi->id, (long)wi->pid);
}

/* Send sig to every worker that is still running. */
static void
parent_kill_all(struct parent *p, int sig)
{
	size_t	 i;

	for (i = 0; i < p->nworkers; i++)
		parent_kill(&p->workers[i], sig);
}

static struct worker_info *
parent_find(struct parent *p, pid_t pid)
{
	size_t	 i;

	for (i = 0; i < p->nworkers; i++)
		if (p->workers[i].pid == pid)
			return (&p->workers[i]);
	return (NULL);
}

/*
 * Return the part of the concurrency that the worker in slot runs: of the
 * peak that --stages may ramp to, which its connections are sized for.
 */
static int
parent_share(const struct parent *p, size_t slot)
{
	int	 level = p->peak, nw = p->out->nworkers;

	return (level / nw + ((int)slot < level % nw));
}

/* In the child: become worker id in slot and run; never returns. */
static __dead void
parent_child(struct parent *p, size_t id, size_t slot, int fd, pid_t self)
{
	struct worker	*w;

	w = xcalloc(1, sizeof(*w));
	w->id = (int)id;
	w->slot = slot;
	w->fd = fd;
	/* Not getppid(): the parent may already be gone. */
	w->parent = self;
	w->conf = p->conf;
	w->concurrency = parent_share(p, slot);
	w->level = p->out->concurrency;
	w->nworkers = p->out->nworkers;
	sched_init(&w->sched, p->conf, w->level);
	w->shm = p->shm;
	w->run_start_ns = p->start_ns;
	w->deadline_ns = p->conf->duration_us == 0 ? 0 :
	    p->start_ns + p->conf->duration_us * NS_PER_US;
	worker_main(w);
}

/* Fork a worker into slot, and add it to the worker table. */
static void
parent_fork(struct parent *p, size_t slot)
{
	struct worker_info	*wi;
	sigset_t		 block, old;
	size_t			 id = p->nworkers;
	int			 fds[2];
	pid_t			 pid, self = getpid();

	p->workers = xreallocarray(p->workers, id + 1, sizeof(*p->workers));
	wi = &p->workers[id];
	memset(wi, 0, sizeof(*wi));
	p->nworkers++;
	shm_slot_reset(p->shm, slot);

	/* One pipe per worker: a dead worker is an EOF on its own pipe. */
	if (pipe2(fds, O_CLOEXEC) == -1)
		fatal("pipe2");
	/*
	 * Hold signals while forking: the child must install its own
	 * handlers before a SIGTERM from us can reach it, and the parent's
	 * handlers must never run in a child.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &block, &old) == -1)
		fatal("sigprocmask");
	/*
	 * Nothing buffered in stdio may be written twice. What fails to
	 * flush here would fail in the parent alike: nothing to add.
	 */
	(void)fflush(NULL);
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0) {
		(void)close(fds[0]);
		parent_child(p, id, slot, fds[1], self);
	}
	if (sigprocmask(SIG_SETMASK, &old, NULL) == -1)
		fatal("sigprocmask");
	(void)close(fds[1]);
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl");
	wi->id = (int)id;
	wi->pid = pid;
	wi->slot = slot;
	wi->share = parent_share(p, slot);
	wi->task_seq = -1;
	wi->state = WS_STARTING;
	frame_open(&wi->pipe, fds[0]);
}

/*
 * Settle and reap every worker that has died. waitid(WNOWAIT) finds one
 * without reaping it, so it stays a zombie while settle_worker() reads its
 * pipe and may kill it; wait4() then reaps it with its rusage. Workers due
 * a replacement are forked after the last one is reaped, so the table is
 * never reallocated while a worker in it is in hand.
 */
static void
parent_reap(struct parent *p)
{
	struct worker_info	*wi;
	struct rusage		 ru;
	siginfo_t		 si;
	pid_t			 pid;
	int			 st;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == -1) {
			if (errno == EINTR)
				continue;
			if (errno != ECHILD)
				fatal("waitid");
			break;
		}
		if (si.si_pid == 0)
			break;
		if ((wi = parent_find(p, si.si_pid)) != NULL) {
			wi->exit_us = (clock_now_ns() - p->start_ns) /
			    NS_PER_US;
			if (si.si_code == CLD_EXITED)
				wi->code = si.si_status;
			else {
				wi->signal = si.si_status;
				wi->core_dumped = si.si_code == CLD_DUMPED;
			}
			if (settle_worker(p, wi))
				p->refill[p->nrefill++] = wi->slot;
		}
		while ((pid = wait4(si.si_pid, &st, 0, &ru)) == -1 &&
		    errno == EINTR)
			continue;
		if (pid == -1)
			fatal("wait4");
		if (wi != NULL)
			wi->ru = ru;
	}
	while (p->nrefill > 0)
		parent_fork(p, p->refill[--p->nrefill]);
}

/*
 * First SIGINT/SIGTERM: workers stop starting work and report what they
 * have. The flag in shared memory tells them; SIGTERM wakes the engines
 * that wait on sockets or children. A task that runs in the worker itself
 * (a plugin) gets no signal, so it runs to its end. A second SIGINT or
 * SIGTERM kills every worker.
 */
static void
parent_signals(struct parent *p)
{
	if (selfpipe_take() == 0)
		return;
	p->out->interrupted = 1;
	shm_stop(p->shm);
	if (selfpipe_interrupted() > 1)
		parent_kill_all(p, SIGKILL);
	else if (!engine_in_worker(p->conf->kind))
		parent_kill_all(p, SIGTERM);
}

/* Kill a worker whose task has run past --timeout: it hangs. */
static void
parent_watch(struct parent *p)
{
	struct worker_info	*wi;
	struct shm_snapshot	 snap;
	uint64_t		 now, limit;
	size_t			 i;

	limit = p->conf->timeout_us * NS_PER_US;
	now = clock_now_ns();
	for (i = 0; i < p->nworkers; i++) {
		wi = &p->workers[i];
		/* Before HELLO is read, nothing it runs is timed yet. */
		if (wi->state != WS_RUNNING)
			continue;
		shm_slot_snapshot(p->shm, wi->slot, &snap);
		if (snap.task_start_ns == 0 || now < snap.task_start_ns ||
		    now - snap.task_start_ns < limit)
			continue;
		if (snap.task_seq < 0)
			log_warnx("worker %d (pid %ld): the plugin's init or "
			    "fini has run past --timeout; killing the worker",
			    wi->id, (long)wi->pid);
		else
			log_warnx("worker %d (pid %ld): task %lld has run past "
			    "--timeout; killing the worker", wi->id,
			    (long)wi->pid, (long long)snap.task_seq);
		wi->state = WS_HUNG;
		parent_kill(wi, SIGKILL);
	}
}

/* Close the books: every ticket is ok, failed, lost or not run. */
static void
parent_account(struct parent *p, uint64_t end_ns)
{
	struct outcome	*o = p->out;
	uint64_t	 claimed, delivered, due;
	int		 deadline_hit;

	claimed = shm_claimed(p->shm);
	delivered = o->stats.results;
	/*
	 * On a schedule, the workers stop at the first ticket due after the
	 * duration, which may come before the duration's end.
	 */
	deadline_hit = p->conf->duration_us != 0 &&
	    (end_ns - p->start_ns >= p->conf->duration_us * NS_PER_US ||
	    (sched_open(&p->sched) && sched_due(&p->sched, claimed) >=
	    p->conf->duration_us * NS_PER_US));
	o->ok = o->stats.ok;
	o->failed = o->stats.failed;
	o->lost = claimed > delivered ? claimed - delivered : 0;
	o->not_run = 0;
	if (p->limit != UINT64_MAX && !o->interrupted && !deadline_hit)
		o->not_run = p->limit - claimed;
	o->issued = o->ok + o->failed + o->lost + o->not_run;
	o->duration_us = (end_ns - p->start_ns) / NS_PER_US;
	/* Tickets due before -d's end that never started: a -c too small. */
	o->missed = 0;
	if (sched_open(&p->sched) && deadline_hit && !o->interrupted) {
		due = sched_due_before(&p->sched,
		    p->conf->duration_us * NS_PER_US);
		if (due > p->limit)
			due = p->limit;
		o->missed = due > claimed ? due - claimed : 0;
	}
}

/*
 * Wait for something to happen, up to ms: a signal, or a worker's pipe
 * that has data or has closed. Then read what came.
 */
static void
parent_poll(struct parent *p, struct pollfd **pfd, size_t **idx, int ms)
{
	size_t	 i, n = 0;

	*pfd = xreallocarray(*pfd, p->nworkers + 1, sizeof(**pfd));
	*idx = xreallocarray(*idx, p->nworkers + 1, sizeof(**idx));
	(*pfd)[n].fd = p->sigfd;
	(*pfd)[n++].events = POLLIN;
	for (i = 0; i < p->nworkers; i++) {
		if (p->workers[i].pipe.fd == -1)
			continue;
		(*idx)[n] = i;
		(*pfd)[n].fd = p->workers[i].pipe.fd;
		(*pfd)[n++].events = POLLIN;
	}
	if (poll(*pfd, n, ms) == -1) {
		if (errno == EINTR)
			return;
		fatal("poll");
	}
	if ((*pfd)[0].revents & POLLIN)
		parent_signals(p);
	for (i = 1; i < n; i++)
		if ((*pfd)[i].revents & (POLLIN | POLLHUP | POLLERR))
			(void)ingest_read(p, &p->workers[(*idx)[i]]);
}

/* Return 1 while a worker of the run has not been settled. */
static int
parent_live(const struct parent *p)
{
	size_t	 i;

	for (i = 0; i < p->nworkers; i++)
		if (p->workers[i].state != WS_ENDED)
			return (1);
	return (0);
}

/* Supervise the run until every worker has been settled. */
static void
parent_loop(struct parent *p)
{
	struct pollfd	*pfd = NULL;
	size_t		*idx = NULL;

	while (parent_live(p)) {
		parent_poll(p, &pfd, &idx,
		    live_wait_ms(p, p->progress || p->watch ? 100 : 1000));
		/* A SIGCHLD may have been taken by an earlier run's wait. */
		parent_reap(p);
		if (p->watch)
			parent_watch(p);
		live_tick(p, clock_now_ns());
	}
	free(pfd);
	free(idx);
}

/*
 * Run the configured work at one concurrency level and fill in out.
 * Returns 0; system failures are fatal.
 */
int
parent_run(const struct config *conf, int concurrency, struct outcome *out)
{
	struct parent	 p;
	uint64_t	 end;
	size_t		 i;

	outcome_init(out, concurrency);
	pertarget_init(&out->targets, config_target_count(conf));
	memset(&p, 0, sizeof(p));
	p.conf = conf;
	p.out = out;
	p.sigfd = selfpipe_fd();
	p.peak = sched_peak(conf, concurrency);
	out->nworkers = config_workers(conf, p.peak);
	p.limit = conf->duration_us != 0 && !conf->requests_set ?
	    UINT64_MAX : shard_share(conf, conf->requests);
	/* A ramp of the rate has so many tickets, and no more. */
	sched_init(&p.sched, conf, concurrency);
	if (sched_tickets(&p.sched) < p.limit)
		p.limit = sched_tickets(&p.sched);
	p.shm = shm_new(out->nworkers, p.limit);
	p.refill = xcalloc(out->nworkers, sizeof(*p.refill));
	/* A task that runs in the worker can be stopped by the parent only. */
	p.watch = conf->timeout_set && engine_in_worker(conf->kind);

	p.start_ns = clock_now_ns();
	live_begin(&p);
	for (i = 0; i < (size_t)out->nworkers; i++)
		parent_fork(&p, i);
	parent_loop(&p);
	end = clock_now_ns();
	parent_account(&p, end);
	live_end(&p, end);
	/* After live_end(): the series merges the run's latencies. */
	pertarget_finish(&out->targets, &out->stats);
	sched_free(&p.sched);
	out->workers = p.workers;
	out->nworkers_total = p.nworkers;
	free(p.refill);
	shm_free(p.shm);
	return (0);
}
