/*
 * Unit tests of shm.c: tickets are claimed exactly up to the limit, the
 * running task reads back as it was noted, and the salvage invariant holds:
 * a batch counts whole or not at all, so that what came through the pipe
 * plus what shm_salvage() takes is every result emitted, once each.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forkload.h"

#define KILL_ROUNDS	40
#define CHILD_RESULTS	2000000		/* a bound, should no kill land */

static struct result
mkresult(uint64_t seq)
{
	struct result	 r;

	memset(&r, 0, sizeof(r));
	r.seq = seq;
	r.status = 200;
	r.latency_ns = 1000 + seq;
	return (r);
}

/* Every ticket once, then none; the count never passes the limit. */
static void
test_claim(void **state)
{
	struct shm		*s;
	struct shm_snapshot	 snap;
	uint64_t		 seq, want = 0;
	size_t			 slot = 0;

	(void)state;
	s = shm_new(2, 10);
	assert_int_equal(shm_limit(s), 10);
	while (shm_claim(s, slot, &seq)) {
		assert_int_equal(seq, want++);
		slot = 1 - slot;
	}
	assert_int_equal(want, 10);
	assert_int_equal(shm_claim(s, 0, &seq), 0);
	assert_int_equal(shm_claimed(s), 10);
	assert_true(shm_exhausted(s));
	shm_slot_snapshot(s, 0, &snap);
	assert_int_equal(snap.claimed, 5);
	shm_slot_snapshot(s, 1, &snap);
	assert_int_equal(snap.claimed, 5);
	assert_false(shm_stopped(s));
	shm_stop(s);
	assert_true(shm_stopped(s));
	shm_free(s);
}

/* The task a slot notes reads back; -1 is a plugin's init or fini. */
static void
test_task(void **state)
{
	struct shm		*s;
	struct shm_snapshot	 snap;

	(void)state;
	s = shm_new(1, UINT64_MAX);
	shm_slot_snapshot(s, 0, &snap);
	assert_int_equal(snap.task_seq, -1);
	assert_int_equal(snap.task_start_ns, 0);
	shm_task_begin(s, 0, 0);
	shm_slot_snapshot(s, 0, &snap);
	assert_int_equal(snap.task_seq, 0);
	assert_true(snap.task_start_ns > 0);
	shm_task_begin(s, 0, 41);
	shm_slot_snapshot(s, 0, &snap);
	assert_int_equal(snap.task_seq, 41);
	shm_task_begin(s, 0, -1);
	shm_slot_snapshot(s, 0, &snap);
	assert_int_equal(snap.task_seq, -1);
	assert_true(snap.task_start_ns > 0);
	shm_task_end(s, 0);
	shm_slot_snapshot(s, 0, &snap);
	assert_int_equal(snap.task_seq, -1);
	assert_int_equal(snap.task_start_ns, 0);
	shm_free(s);
}

/*
 * The states a worker can die in, one by one: before its batch's frame is
 * whole (salvage takes the whole batch), after (it takes nothing), and
 * with a new batch begun (it takes only that one).
 */
static void
test_salvage_states(void **state)
{
	struct shm		*s;
	struct result		 r, got[MSG_RESULTS_MAX];
	const void		*payload;
	struct msg_results	 mr;
	size_t			 len;
	uint32_t		 n, i;

	(void)state;
	s = shm_new(2, UINT64_MAX);
	payload = shm_batch_payload(s, 1, &len);
	assert_int_equal(len, 0);
	for (i = 0; i < 3; i++) {
		r = mkresult(i);
		assert_int_equal(shm_batch_push(s, 1, &r), i + 1);
	}
	payload = shm_batch_payload(s, 1, &len);
	assert_int_equal(len, sizeof(mr) + 3 * sizeof(r));
	memcpy(&mr, payload, sizeof(mr));
	assert_int_equal(mr.count, 3);
	assert_int_equal(mr.pad, 0);

	/* Died before the frame was whole: the parent got none of it. */
	assert_int_equal(shm_salvage(s, 1, 0, got, &n), 0);
	assert_int_equal(n, 3);
	for (i = 0; i < 3; i++) {
		r = mkresult(i);
		assert_memory_equal(&got[i], &r, sizeof(r));
	}
	/* Died after the frame was whole but before the clear: none. */
	assert_int_equal(shm_salvage(s, 1, 3, got, &n), 0);
	assert_int_equal(n, 0);
	/* A new batch after the clear: only it is missing. */
	shm_batch_clear(s, 1);
	for (i = 3; i < 5; i++) {
		r = mkresult(i);
		assert_int_equal(shm_batch_push(s, 1, &r), i - 2);
	}
	assert_int_equal(shm_salvage(s, 1, 3, got, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(got[0].seq, 3);
	assert_int_equal(got[1].seq, 4);
	/* More delivered than emitted: nothing to take. */
	assert_int_equal(shm_salvage(s, 1, 9, got, &n), 0);
	assert_int_equal(n, 0);
	/* Five emitted, none delivered, two in the batch: contradiction. */
	assert_int_equal(shm_salvage(s, 1, 0, got, &n), -1);
	assert_int_equal(n, 0);
	/* The other slot saw none of this; a reset slot is empty. */
	assert_int_equal(shm_salvage(s, 0, 0, got, &n), 0);
	assert_int_equal(n, 0);
	shm_slot_reset(s, 1);
	assert_int_equal(shm_salvage(s, 1, 0, got, &n), 0);
	assert_int_equal(n, 0);
	shm_free(s);
}

/* The child: a real worker's emit and flush path, until it is killed. */
static __dead void
child_emit(struct shm *s, int fd)
{
	struct worker	 w;
	struct result	 r;
	uint64_t	 seq;

	memset(&w, 0, sizeof(w));
	w.fd = fd;
	w.shm = s;
	w.last_flush_ns = clock_now_ns();
	while (shm_claim(s, 0, &seq) && seq < CHILD_RESULTS) {
		r = mkresult(seq);
		worker_emit(&w, &r);
	}
	_exit(0);
}

/* Read the whole frames on fb, noting each result's seq in order. */
static void
take_frames(struct framebuf *fb, uint64_t *next)
{
	struct msg_hdr		 hdr;
	struct msg_results	 mr;
	struct result		 r;
	const void		*payload;
	uint32_t		 i;

	while (frame_next(fb, &hdr, &payload) == 1) {
		assert_int_equal(hdr.type, MSG_RESULTS);
		memcpy(&mr, payload, sizeof(mr));
		for (i = 0; i < mr.count; i++) {
			memcpy(&r, (const unsigned char *)payload +
			    sizeof(mr) + i * sizeof(r), sizeof(r));
			assert_int_equal(r.seq, (*next)++);
		}
	}
}

/* Read what the pipe has, for up to ms, or all of it with ms -1. */
static void
drain(struct framebuf *fb, uint64_t *next, int ms)
{
	struct pollfd	 pfd;
	uint64_t	 end = clock_now_ns() + (uint64_t)(ms < 0 ? 0 : ms) *
			    NS_PER_MS;
	ssize_t		 n;

	pfd.fd = fb->fd;
	pfd.events = POLLIN;
	for (;;) {
		if (ms >= 0 && clock_now_ns() >= end)
			return;
		if (poll(&pfd, 1, ms < 0 ? -1 : 1) <= 0)
			continue;
		if ((n = frame_read(fb)) == 0)
			return;
		if (n == -1 && errno != EAGAIN && errno != EINTR)
			fail_msg("read: %s", strerror(errno));
		take_frames(fb, next);
	}
}

/*
 * Kill a worker at random points, mid-batch, mid-write or between the
 * write and the clear. What the pipe delivered whole plus what salvage
 * takes is every emitted result, once each, in order; at most the one
 * ticket in hand is missing.
 */
static void
test_salvage_killed(void **state)
{
	struct shm		*s;
	struct shm_snapshot	 snap;
	struct framebuf		 fb;
	struct result		 got[MSG_RESULTS_MAX];
	uint64_t		 next;
	uint32_t		 n, i;
	int			 round, fds[2], st;
	pid_t			 pid;

	(void)state;
	for (round = 0; round < KILL_ROUNDS; round++) {
		s = shm_new(1, UINT64_MAX);
		/* The worker's end blocks, as a real worker's does. */
		assert_int_equal(pipe(fds), 0);
		assert_int_equal(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
		if ((pid = fork()) == 0) {
			(void)close(fds[0]);
			child_emit(s, fds[1]);
		}
		assert_true(pid > 0);
		assert_int_equal(close(fds[1]), 0);
		frame_open(&fb, fds[0]);
		next = 0;
		/* Odd rounds leave the pipe full: the kill lands mid-write. */
		if (round % 2 == 0)
			drain(&fb, &next, 1 + round % 7);
		else
			usleep(1000 * (1 + round % 5));
		assert_int_equal(kill(pid, SIGKILL), 0);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		drain(&fb, &next, -1);
		frame_close(&fb);

		assert_int_equal(shm_salvage(s, 0, next, got, &n), 0);
		for (i = 0; i < n; i++)
			assert_int_equal(got[i].seq, next + i);
		shm_slot_snapshot(s, 0, &snap);
		assert_int_equal(next + n, snap.emitted);
		assert_true(snap.claimed - snap.emitted <= 1);
		shm_free(s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_claim),
		cmocka_unit_test(test_task),
		cmocka_unit_test(test_salvage_states),
		cmocka_unit_test(test_salvage_killed),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
