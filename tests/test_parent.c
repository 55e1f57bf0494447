/*
 * Unit tests of the parent's supervision: fake engines run in real forked
 * workers and misbehave on purpose (bad frames, crashes, silent exits), and
 * the run must record each case and keep its books exact.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "forkload.h"

/*
 * Emit one result per claimed ticket, as a well-behaved engine does,
 * round robin over the run's targets: all ok, but a third target's 500s.
 */
static int
engine_good(struct worker *w)
{
	struct result	 r;
	uint64_t	 seq, ntargets = config_target_count(w->conf);

	worker_hello(w, "fake/1");
	while (worker_claim(w, &seq, NULL)) {
		memset(&r, 0, sizeof(r));
		r.seq = seq;
		r.target = (uint32_t)(seq % ntargets);
		r.status = r.target == 2 ? 500 : 200;
		r.latency_ns = 1000 * (seq % 100 + 1);
		worker_emit(w, &r);
	}
	return (0);
}

/* Worker 0 sends a frame of unknown type after some results. */
static int
engine_badframe(struct worker *w)
{
	struct msg_hdr	 h;

	if (w->id != 0)
		return (engine_good(w));
	worker_hello(w, "fake/1");
	memset(&h, 0, sizeof(h));
	h.type = 77;
	h.len = sizeof(h);
	h.worker = w->id;
	h.pid = getpid();
	(void)write(w->fd, &h, sizeof(h));
	pause();
	return (0);
}

/* Worker 0 delivers 5 results, claims 2 more, then segfaults. */
static int
engine_segv(struct worker *w)
{
	struct result	 r;
	uint64_t	 seq;
	int		 i;

	if (w->id != 0) {
		/* Start late, or this one takes every ticket first. */
		usleep(200 * 1000);
		return (engine_good(w));
	}
	worker_hello(w, "fake/1");
	for (i = 0; i < 7 && worker_claim(w, &seq, NULL); i++) {
		memset(&r, 0, sizeof(r));
		r.seq = seq;
		r.status = 200;
		if (i < 5)
			worker_emit(w, &r);
	}
	worker_tick(w);
	usleep(60 * 1000);
	worker_tick(w);		/* the 5 are flushed after 50 ms */
	raise(SIGSEGV);
	return (0);
}

/* What engine_bad() does: set before each run, inherited by its workers. */
static int	 bad_flush, bad_target;

/*
 * Worker 0 emits 3 good results and a bad one, then dies: the bad one has
 * a status no HTTP server sends, or with bad_target names a target the
 * run does not have. With bad_flush the batch goes through its pipe
 * first, else it is left in shared memory for the parent to salvage.
 */
static int
engine_bad(struct worker *w)
{
	struct result	 r;
	uint64_t	 seq;
	int		 i;

	if (w->id != 0) {
		usleep(200 * 1000);
		return (engine_good(w));
	}
	worker_hello(w, "fake/1");
	for (i = 0; i < 4 && worker_claim(w, &seq, NULL); i++) {
		memset(&r, 0, sizeof(r));
		r.seq = seq;
		r.status = i == 3 && !bad_target ? STATUS_MAX + 7 : 200;
		r.target = i == 3 && bad_target ? 1 : 0;
		worker_emit(w, &r);
	}
	if (bad_flush) {
		worker_flush(w);
		pause();
	}
	raise(SIGKILL);
	return (0);
}

/* Every worker leaves at once, saying nothing after HELLO. */
static int
engine_silent(struct worker *w)
{
	worker_hello(w, "fake/1");
	_exit(0);
}

static void
setup_conf(struct config *c, int (*engine)(struct worker *), uint64_t n)
{
	const char	*errstr;

	config_init(c);
	assert_int_equal(config_add_url(c, "http://127.0.0.1:9/", &errstr), 0);
	engine_override(ENGINE_CURL, engine);
	c->requests = n;
	c->requests_set = 1;
	c->workers = 2;
}

static void
assert_identity(const struct outcome *r)
{
	assert_int_equal(r->issued, r->ok + r->failed + r->lost + r->not_run);
}

static void
test_good(void **state)
{
	struct config	 c;
	struct outcome	 r;

	(void)state;
	setup_conf(&c, engine_good, 1000);
	parent_run(&c, 4, &r);
	assert_int_equal(r.issued, 1000);
	assert_int_equal(r.ok, 1000);
	assert_int_equal(r.lost + r.not_run + r.failed, 0);
	assert_int_equal(r.nworkers_total, 2);
	assert_int_equal(r.workers[0].results + r.workers[1].results, 1000);
	assert_int_equal(outcome_crashes(&r), 0);
	assert_string_equal(r.engine_version, "fake/1");
	assert_int_equal(hist_count(r.stats.latency), 1000);
	outcome_free(&r);
	config_free(&c);
}

static void
test_badframe(void **state)
{
	struct config	 c;
	struct outcome	 r;

	(void)state;
	setup_conf(&c, engine_badframe, 500);
	parent_run(&c, 2, &r);
	assert_int_equal(r.workers[0].end, WEND_BROKEN);
	assert_int_equal(r.workers[0].signal, SIGKILL);
	assert_int_equal(r.workers[1].end, WEND_CLEAN);
	assert_int_equal(outcome_crashes(&r), 1);
	/* The good worker ran everything: nothing lost, nothing left. */
	assert_int_equal(r.ok, 500);
	assert_identity(&r);
	outcome_free(&r);
	config_free(&c);
}

static void
test_segv(void **state)
{
	struct config	 c;
	struct outcome	 r;
	struct verdict	 v;

	(void)state;
	setup_conf(&c, engine_segv, 300);
	parent_run(&c, 2, &r);
	assert_int_equal(r.workers[0].end, WEND_SIGNAL);
	assert_int_equal(r.workers[0].signal, SIGSEGV);
	assert_int_equal(r.workers[0].results, 5);
	assert_int_equal(r.lost, 2);
	assert_int_equal(r.ok, 298);
	assert_int_equal(r.issued, 300);
	assert_identity(&r);
	verdict_eval(&v, &c, &r, 1, 0);
	assert_int_equal(v.exit_code, EXIT_CRASHED);
	verdict_free(&v);
	c.allow_crashes = 1;
	verdict_eval(&v, &c, &r, 1, 0);
	assert_int_equal(v.exit_code, EXIT_PASSED);
	verdict_free(&v);
	outcome_free(&r);
	config_free(&c);
}

static void
test_silent(void **state)
{
	struct config	 c;
	struct outcome	 r;

	(void)state;
	setup_conf(&c, engine_silent, 50);
	parent_run(&c, 2, &r);
	assert_int_equal(outcome_crashes(&r), 2);
	assert_int_equal(r.workers[0].end, WEND_EXIT);
	assert_int_equal(r.not_run, 50);
	assert_int_equal(r.issued, 50);
	assert_identity(&r);
	outcome_free(&r);
	config_free(&c);
}

/*
 * A bad result rejects its whole batch and marks the worker broken, on
 * either path it takes to the parent: none of the batch is counted, so
 * all 4 results are lost and the good worker runs the rest.
 */
static void
check_bad(int flush, int target)
{
	struct config	 c;
	struct outcome	 r;

	bad_flush = flush;
	bad_target = target;
	setup_conf(&c, engine_bad, 300);
	parent_run(&c, 2, &r);
	assert_int_equal(r.workers[0].end, WEND_BROKEN);
	assert_int_equal(r.workers[0].results, 0);
	assert_int_equal(r.workers[0].salvaged, 0);
	assert_int_equal(r.lost, 4);
	assert_int_equal(r.ok, 296);
	assert_int_equal(r.stats.status[200], 296);
	assert_identity(&r);
	outcome_free(&r);
	config_free(&c);
}

static void
test_badstatus_pipe(void **state)
{
	(void)state;
	check_bad(1, 0);
}

static void
test_badstatus_shm(void **state)
{
	(void)state;
	check_bad(0, 0);
}

static void
test_badtarget_pipe(void **state)
{
	(void)state;
	check_bad(1, 1);
}

static void
test_badtarget_shm(void **state)
{
	(void)state;
	check_bad(0, 1);
}

/*
 * Results over three targets are counted by target as they come, and
 * the targets add up to the run exactly.
 */
static void
test_targets(void **state)
{
	struct config		 c;
	struct outcome		 r;
	const struct pertarget	*t;
	const char		*errstr;
	size_t			 i;

	(void)state;
	setup_conf(&c, engine_good, 300);
	assert_int_equal(config_add_url(&c, "http://127.0.0.1:9/b", &errstr),
	    0);
	assert_int_equal(config_add_url(&c, "http://127.0.0.1:9/c", &errstr),
	    0);
	parent_run(&c, 4, &r);
	assert_int_equal(r.targets.n, 3);
	assert_non_null(r.targets.t);
	for (i = 0; i < 3; i++) {
		t = &r.targets.t[i];
		assert_int_equal(t->ok + t->failed, 100);
		assert_int_equal(t->nstatus, 1);
		assert_int_equal(t->status[0].count, 100);
		assert_int_equal(hist_count(t->latency), 100);
		assert_int_equal(hist_max(t->latency), 100);
	}
	assert_int_equal(r.targets.t[0].ok, 100);
	assert_int_equal(r.targets.t[2].failed, 100);
	assert_int_equal(r.targets.t[2].errors[0].code, 500);
	assert_int_equal(r.ok, 200);
	assert_int_equal(r.failed, 100);
	assert_identity(&r);
	outcome_free(&r);
	config_free(&c);
}

extern char **environ;

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_badframe),
		cmocka_unit_test(test_segv),
		cmocka_unit_test(test_silent),
		cmocka_unit_test(test_badstatus_pipe),
		cmocka_unit_test(test_badstatus_shm),
		cmocka_unit_test(test_badtarget_pipe),
		cmocka_unit_test(test_badtarget_shm),
		cmocka_unit_test(test_targets),
	};

	setproctitle_init(argc, argv, environ);
	selfpipe_init();
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
