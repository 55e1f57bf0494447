/*
 * The parent's side of a run: it forks the workers, each with its own pipe,
 * and then only supervises. One poll loop reads the workers' frames and a
 * self-pipe that carries signals; children are reaped with wait4() so their
 * rusage is kept. At the end every ticket is accounted for.
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

#define PARENT_BUFSIZE	(2 * MSG_MAX_LEN)
#define PROGRESS_NS	(250 * NS_PER_MS)

static int			 parent_sigpipe[2] = { -1, -1 };
static int			 parent_interrupts;

/* Runs in signal context: only hand the signal number to the poll loop. */
static void
parent_on_signal(int sig)
{
	unsigned char	 c = (unsigned char)sig;
	int		 saved = errno;

	(void)write(parent_sigpipe[1], &c, 1);
	errno = saved;
}

/* Install the parent's signal handlers, which feed a self-pipe. */
void
parent_signals(void)
{
	struct sigaction	 sa;

	/*
	 * A self-pipe turns SIGCHLD, SIGINT and SIGTERM into poll events,
	 * so all the work happens in the loop and none in signal context.
	 */
	if (pipe2(parent_sigpipe, O_NONBLOCK | O_CLOEXEC) == -1)
		fatal("pipe2");
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = parent_on_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A closed stdout (jq quit early) must not kill the parent. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/*
 * Read what the signal handler wrote; returns how many SIGINT and SIGTERM
 * arrived. Other bytes are SIGCHLD, which only wakes the loop.
 */
static int
parent_take_signals(void)
{
	unsigned char	 sigs[64];
	ssize_t		 n, i;
	int		 stops = 0;

	while ((n = read(parent_sigpipe[0], sigs, sizeof(sigs))) > 0)
		for (i = 0; i < n; i++)
			if (sigs[i] == SIGINT || sigs[i] == SIGTERM)
				stops++;
	parent_interrupts += stops;
	return (stops);
}

/*
 * Return 1 once SIGINT or SIGTERM has asked the run to stop. It looks at
 * the self-pipe itself, so a signal between runs is not missed.
 */
int
parent_interrupted(void)
{
	if (parent_sigpipe[0] != -1)
		(void)parent_take_signals();
	return (parent_interrupts > 0);
}

/*
 * Make room for need descriptors, raising the soft limit up to the hard
 * one; lim says what it was and what it is now. Returns 0, or -1 when the
 * hard limit is too low.
 */
int
parent_raise_nofile(uint64_t need, struct limits *lim, const char **errstr)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		*errstr = "cannot read the open-file limit";
		return (-1);
	}
	lim->nofile_need = need;
	lim->nofile_before = lim->nofile = rl.rlim_cur;
	lim->nofile_hard = rl.rlim_max;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
		return (0);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		*errstr = "concurrency needs more open files than the hard "
		    "limit (ulimit -Hn) allows";
		return (-1);
	}
	rl.rlim_cur = need;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
		*errstr = "cannot raise the open-file limit";
		return (-1);
	}
	lim->nofile = need;
	return (0);
}

static struct worker_info *
parent_find(struct run *r, pid_t pid)
{
	size_t	 i;

	for (i = 0; i < r->nworkers_total; i++)
		if (r->workers[i].pid == pid)
			return (&r->workers[i]);
	return (NULL);
}

/* Close a worker's pipe and free its buffer: nothing more comes from it. */
static void
parent_close(struct worker_info *wi)
{
	if (wi->fd != -1) {
		close(wi->fd);
		wi->fd = -1;
	}
	free(wi->buf);
	wi->buf = NULL;
	wi->buflen = 0;
}

/* Cut off a worker that broke the protocol: kill it and drop its pipe. */
static void
parent_break(struct worker_info *wi, const char *why)
{
	log_warnx("worker %d (pid %ld): %s; killing it", wi->id,
	    (long)wi->pid, why);
	if (!wi->reaped)
		kill(wi->pid, SIGKILL);
	wi->status = WSTATUS_BROKEN;
	parent_close(wi);
}

/* Apply one decoded frame; returns -1 when the worker must be cut off. */
static int
parent_frame(const struct config *conf, struct run *r, struct worker_info *wi,
    const struct msg_hdr *hdr, const void *payload)
{
	struct msg_hello	 hello;
	struct msg_done		 done;
	struct msg_error	 err;
	struct msg_results	 rh;
	struct result		 res;
	const unsigned char	*p = payload;
	uint32_t		 i;

	if (hdr->worker != (uint32_t)wi->id || hdr->pid != (uint32_t)wi->pid)
		return (-1);
	if (wi->done)
		return (-1);
	if (!wi->hello && hdr->type != MSG_HELLO && hdr->type != MSG_ERROR)
		return (-1);
	switch (hdr->type) {
	case MSG_HELLO:
		memcpy(&hello, payload, sizeof(hello));
		if (wi->hello || hello.version != PROTO_VERSION)
			return (-1);
		hello.engine[sizeof(hello.engine) - 1] = '\0';
		strlcpy(r->engine, hello.engine, sizeof(r->engine));
		wi->hello = 1;
		break;
	case MSG_RESULTS:
		memcpy(&rh, p, sizeof(rh));
		/* A batch counts whole or not at all. */
		for (i = 0; i < rh.count; i++) {
			memcpy(&res, p + sizeof(rh) + i * sizeof(res),
			    sizeof(res));
			if (res.status >= STATUS_MAX)
				return (-1);
		}
		for (i = 0; i < rh.count; i++) {
			memcpy(&res, p + sizeof(rh) + i * sizeof(res),
			    sizeof(res));
			stats_add(&r->stats, &res, &conf->expect);
		}
		wi->results += rh.count;
		break;
	case MSG_STARTED:
		break;
	case MSG_DONE:
		memcpy(&done, payload, sizeof(done));
		if (done.results != wi->results)
			return (-1);
		wi->done = 1;
		break;
	case MSG_ERROR:
		memcpy(&err, payload, sizeof(err));
		err.text[sizeof(err.text) - 1] = '\0';
		strlcpy(wi->error, err.text, sizeof(wi->error));
		log_warnx("%s", err.text);
		break;
	}
	return (0);
}

/*
 * Read what a worker wrote and apply every whole frame in it. Returns 1
 * when it read something, 0 when the pipe is empty for now, and -1 once
 * the pipe is closed.
 */
static int
parent_read(const struct config *conf, struct run *r, struct worker_info *wi)
{
	struct msg_hdr	 hdr;
	const void	*payload;
	size_t		 used, off = 0;
	ssize_t		 n;
	int		 rv;

	n = read(wi->fd, wi->buf + wi->buflen, PARENT_BUFSIZE - wi->buflen);
	if (n == -1) {
		if (errno == EINTR || errno == EAGAIN)
			return (0);
		fatal("read from worker %d", wi->id);
	}
	if (n == 0) {
		/* EOF: a trailing partial frame died with the worker. */
		parent_close(wi);
		return (-1);
	}
	wi->buflen += n;
	while ((rv = frame_get(wi->buf + off, wi->buflen - off, &hdr,
	    &payload, &used)) == 1) {
		if (parent_frame(conf, r, wi, &hdr, payload) == -1) {
			parent_break(wi, "sent a bad frame");
			return (-1);
		}
		off += used;
	}
	if (rv == -1) {
		parent_break(wi, "sent a corrupt frame");
		return (-1);
	}
	memmove(wi->buf, wi->buf + off, wi->buflen - off);
	wi->buflen -= off;
	return (1);
}

/* Reap every child that has ended, keeping its status and rusage. */
static void
parent_reap(struct run *r, uint64_t start_ns)
{
	struct worker_info	*wi;
	struct rusage		 ru;
	pid_t			 pid;
	int			 st;

	while ((pid = wait4(-1, &st, WNOHANG, &ru)) > 0) {
		if ((wi = parent_find(r, pid)) == NULL)
			continue;
		wi->reaped = 1;
		wi->ru = ru;
		wi->exit_us = (clock_now_ns() - start_ns) / NS_PER_US;
		if (WIFSIGNALED(st)) {
			wi->signal = WTERMSIG(st);
			wi->core_dumped = WCOREDUMP(st) ? 1 : 0;
			if (wi->status != WSTATUS_BROKEN)
				wi->status = WSTATUS_SIGNALED;
		} else {
			wi->code = WEXITSTATUS(st);
			if (wi->status != WSTATUS_BROKEN)
				wi->status = WSTATUS_EXITED;
		}
	}
	if (pid == -1 && errno != ECHILD && errno != EINTR)
		fatal("wait4");
}

/* Send sig to every worker that is still running. */
static void
parent_kill_all(struct run *r, int sig)
{
	size_t	 i;

	for (i = 0; i < r->nworkers_total; i++)
		if (!r->workers[i].reaped)
			kill(r->workers[i].pid, sig);
}

/*
 * First SIGINT/SIGTERM: workers stop starting work and report what they
 * have. The flag in shared memory tells them; SIGTERM wakes the HTTP and
 * exec engines from their waits. A plugin task gets no signal, so it runs
 * to its end. A second SIGINT/SIGTERM kills every worker.
 */
static void
parent_signal_events(const struct config *conf, struct run *r,
    struct shm *shm, uint64_t start_ns)
{
	if (parent_take_signals() > 0) {
		r->interrupted = 1;
		shm_stop(shm);
		if (parent_interrupts > 1)
			parent_kill_all(r, SIGKILL);
		else if (conf->kind != ENGINE_PLUGIN || conf->engine != NULL)
			parent_kill_all(r, SIGTERM);
	}
	parent_reap(r, start_ns);
}

/*
 * Fork a worker into slot with a share of the concurrency, and add it to
 * the run. Returns its index in r->workers.
 */
static size_t
parent_fork(const struct config *conf, struct run *r, struct shm *shm,
    size_t slot, int share, uint64_t start_ns)
{
	struct worker_info	*wi;
	struct worker		*w;
	sigset_t		 block, old;
	size_t			 i = r->nworkers_total;
	int			 fds[2];
	pid_t			 pid, self = getpid();

	r->workers = xreallocarray(r->workers, i + 1, sizeof(*r->workers));
	wi = &r->workers[i];
	memset(wi, 0, sizeof(*wi));
	r->nworkers_total++;
	shm_slot_reset(shm, slot);

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
	sigprocmask(SIG_BLOCK, &block, &old);
	/* Nothing buffered in stdio may be written twice. */
	fflush(NULL);
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0) {
		close(fds[0]);
		w = xcalloc(1, sizeof(*w));
		w->id = (int)i;
		w->slot = slot;
		w->fd = fds[1];
		/* Not getppid(): the parent may already be gone. */
		w->parent = self;
		w->conf = conf;
		w->concurrency = share;
		w->level = r->concurrency;
		w->shm = shm;
		w->run_start_ns = start_ns;
		w->deadline_ns = conf->duration_us == 0 ? 0 :
		    start_ns + conf->duration_us * NS_PER_US;
		worker_main(w);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(fds[1]);
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl");
	wi->id = (int)i;
	wi->pid = pid;
	wi->fd = fds[0];
	wi->slot = slot;
	wi->share = share;
	wi->task_seq = -1;
	wi->buf = xmalloc(PARENT_BUFSIZE);
	return (i);
}

/*
 * Take from a dead worker's slot the results it finished but never sent:
 * those it emitted beyond what reached us through the pipe. A batch is
 * emptied only after its frame is whole in the pipe, so they are the head
 * of the pending batch; a result past them was stored but never counted
 * as emitted.
 */
static void
parent_salvage(const struct config *conf, struct run *r,
    struct worker_info *wi, struct shm_slot *s)
{
	struct result	 res;
	uint64_t	 emitted, missing, i;
	uint32_t	 count;

	emitted = __atomic_load_n(&s->emitted, __ATOMIC_ACQUIRE);
	count = __atomic_load_n(&s->batch.hdr.count, __ATOMIC_ACQUIRE);
	if (emitted <= wi->results)
		return;
	missing = emitted - wi->results;
	if (count > MSG_RESULTS_MAX || missing > count) {
		log_warnx("worker %d (pid %ld): its shared batch is "
		    "inconsistent; %llu results not recovered", wi->id,
		    (long)wi->pid, (unsigned long long)missing);
		return;
	}
	for (i = 0; i < missing; i++) {
		res = s->batch.r[i];
		if (res.status >= STATUS_MAX)
			continue;
		stats_add(&r->stats, &res, &conf->expect);
		wi->results++;
		wi->salvaged++;
	}
}

/* Return 1 when a crashed worker may be replaced. */
static int
parent_may_respawn(const struct config *conf, const struct run *r,
    const struct shm *shm, uint64_t start_ns)
{
	if (!conf->respawn || r->interrupted ||
	    r->respawns >= conf->max_respawns || shm_exhausted(shm))
		return (0);
	return (conf->duration_us == 0 ||
	    clock_now_ns() - start_ns < conf->duration_us * NS_PER_US);
}

/*
 * Settle every worker that is both reaped and drained: note the task it
 * was running, take what it left in shared memory, and with --respawn put
 * a replacement in its slot.
 */
static void
parent_settle(const struct config *conf, struct run *r, struct shm *shm,
    uint64_t start_ns)
{
	struct worker_info	*wi;
	struct shm_slot		*s;
	uint64_t		 seq;
	size_t			 i, n = r->nworkers_total;

	for (i = 0; i < n; i++) {
		wi = &r->workers[i];
		if (wi->finished || !wi->reaped)
			continue;
		/*
		 * A dead worker wrote all it ever will: read the pipe dry and
		 * close it, even if a child of its own still holds it open.
		 */
		while (wi->fd != -1 && parent_read(conf, r, wi) == 1)
			continue;
		parent_close(wi);
		wi->finished = 1;
		s = &shm->slot[wi->slot];
		seq = __atomic_load_n(&s->task_seq, __ATOMIC_ACQUIRE);
		if (seq != 0 && run_is_crash(wi))
			wi->task_seq = (int64_t)(seq - 1);
		/* A worker that broke the protocol is trusted no further. */
		if (wi->status != WSTATUS_BROKEN && !wi->done)
			parent_salvage(conf, r, wi, s);
		/*
		 * A worker that failed before its first result, saying why,
		 * would fail again: replace only those that were working.
		 */
		if (run_is_crash(wi) && !(wi->error[0] != '\0' &&
		    wi->results == 0) &&
		    parent_may_respawn(conf, r, shm, start_ns)) {
			r->respawns++;
			parent_fork(conf, r, shm, wi->slot, wi->share,
			    start_ns);
			/* r->workers may have moved. */
		}
	}
}

/* Kill a worker whose task has run past --timeout: it hangs. */
static void
parent_watch(const struct config *conf, struct run *r, struct shm *shm)
{
	struct worker_info	*wi;
	struct shm_slot		*s;
	uint64_t		 now, seq, started, limit;
	size_t			 i;

	limit = conf->timeout_us * NS_PER_US;
	now = clock_now_ns();
	for (i = 0; i < r->nworkers_total; i++) {
		wi = &r->workers[i];
		if (wi->reaped || wi->hung)
			continue;
		s = &shm->slot[wi->slot];
		seq = __atomic_load_n(&s->task_seq, __ATOMIC_ACQUIRE);
		started = __atomic_load_n(&s->task_start_ns, __ATOMIC_RELAXED);
		if (started == 0 || now < started || now - started < limit)
			continue;
		if (seq == 0)
			log_warnx("worker %d (pid %ld): the plugin's init or "
			    "fini has run past --timeout; killing the worker",
			    wi->id, (long)wi->pid);
		else
			log_warnx("worker %d (pid %ld): task %llu has run past "
			    "--timeout; killing the worker", wi->id,
			    (long)wi->pid, (unsigned long long)(seq - 1));
		wi->hung = 1;
		kill(wi->pid, SIGKILL);
	}
}

/* Close the books: every ticket is ok, failed, lost or not run. */
static void
parent_account(const struct config *conf, struct run *r, struct shm *shm,
    uint64_t start_ns, uint64_t end_ns)
{
	uint64_t	 claimed, delivered;
	int		 deadline_hit;

	claimed = shm_claimed(shm);
	delivered = r->stats.results;
	deadline_hit = conf->duration_us != 0 &&
	    end_ns - start_ns >= conf->duration_us * NS_PER_US;
	r->ok = r->stats.ok;
	r->failed = r->stats.failed;
	r->lost = claimed > delivered ? claimed - delivered : 0;
	r->not_run = 0;
	if (shm->limit != UINT64_MAX && !r->interrupted && !deadline_hit)
		r->not_run = shm->limit - claimed;
	r->issued = r->ok + r->failed + r->lost + r->not_run;
	r->duration_us = (end_ns - start_ns) / NS_PER_US;
}

/*
 * Run the configured work at one concurrency level and fill in r. Returns
 * 0; system failures are fatal.
 */
int
parent_run(const struct config *conf, int concurrency, struct run *r)
{
	struct pollfd		*pfd = NULL;
	struct worker_info	*wi, **pwi = NULL;
	struct shm		*shm;
	uint64_t		 start_ns, now, last_progress = 0, limit;
	size_t			 i, npfd, live, cap = 0;
	int			 nw, progress, watch;

	run_init(r, concurrency);
	nw = config_workers(conf, concurrency);
	r->nworkers = nw;
	limit = conf->duration_us != 0 && !conf->requests_set ?
	    UINT64_MAX : conf->requests;
	shm = shm_new(nw, limit);
	progress = !conf->quiet && isatty(STDERR_FILENO);
	/* A plugin task runs in the worker: only the parent can stop it. */
	watch = conf->timeout_set && (conf->kind == ENGINE_PLUGIN ||
	    conf->engine != NULL);

	start_ns = clock_now_ns();
	for (i = 0; i < (size_t)nw; i++)
		parent_fork(conf, r, shm, i, concurrency / nw +
		    ((int)i < concurrency % nw), start_ns);

	for (;;) {
		if (cap < r->nworkers_total + 1) {
			cap = r->nworkers_total + 1;
			pfd = xreallocarray(pfd, cap, sizeof(*pfd));
			pwi = xreallocarray(pwi, cap, sizeof(*pwi));
		}
		npfd = 0;
		pfd[npfd].fd = parent_sigpipe[0];
		pfd[npfd++].events = POLLIN;
		live = 0;
		for (i = 0; i < r->nworkers_total; i++) {
			wi = &r->workers[i];
			if (wi->fd != -1) {
				pwi[npfd] = wi;
				pfd[npfd].fd = wi->fd;
				pfd[npfd++].events = POLLIN;
			}
			live += !wi->finished;
		}
		if (live == 0)
			break;
		if (poll(pfd, npfd, progress || watch ? 100 : 1000) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (pfd[0].revents & POLLIN)
			parent_signal_events(conf, r, shm, start_ns);
		for (i = 1; i < npfd; i++) {
			if ((pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    pwi[i]->fd != -1)
				(void)parent_read(conf, r, pwi[i]);
		}
		/* A SIGCHLD may have been taken by an earlier run's wait. */
		parent_reap(r, start_ns);
		parent_settle(conf, r, shm, start_ns);
		if (watch)
			parent_watch(conf, r, shm);
		now = clock_now_ns();
		if (progress && now - last_progress >= PROGRESS_NS) {
			summary_progress(r, limit, (now - start_ns) / NS_PER_US,
			    0);
			last_progress = now;
		}
	}
	if (progress)
		summary_progress(r, limit, 0, 1);
	free(pfd);
	free(pwi);
	parent_account(conf, r, shm, start_ns, clock_now_ns());
	shm_free(shm);
	return (0);
}
