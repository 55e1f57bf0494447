/*
 * Shards: one run split over N processes, usually on N machines, each
 * running its exact share of the totals. Shard I of N gets total / N, plus
 * one when I < total mod N, of -n, -c and each --sweep level, so that the
 * shares add up to the total; under -R it takes the global schedule's
 * tickets I, I + N, I + 2N, ... (sched.c), so that the union is even. Here
 * are --shard I/N and auto (Slurm's or a Kubernetes Indexed Job's
 * environment), --run-id, and --start-at. Pure apart from getenv(),
 * gethostname() and the clock: errors come back as messages.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "forkload.h"

#define SHARDS_MAX	100000
#define START_AT_MAX	(24 * 3600)	/* seconds ahead, at most */

/* Return shard I's share of total: total / N, one more for I < rest. */
uint64_t
shard_share(const struct config *c, uint64_t total)
{
	if (c->shard_count <= 1)
		return (total);
	return (total / (uint64_t)c->shard_count +
	    ((uint64_t)c->shard_index < total % (uint64_t)c->shard_count));
}

/* Parse "I/N" (I from 0) into c; 0, or -1 with *errstr set. */
int
shard_parse(struct config *c, const char *s, const char **errstr)
{
	long long	 i, n;
	const char	*slash;
	char		 buf[32];

	if (strcmp(s, "auto") == 0) {
		c->shard_auto = 1;
		return (0);
	}
	if ((slash = strchr(s, '/')) == NULL ||
	    (size_t)(slash - s) >= sizeof(buf)) {
		*errstr = "a shard is I/N, from 0/N to N-1/N, or auto";
		return (-1);
	}
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (units_decimal(slash + 1, 1, SHARDS_MAX, &n) == -1) {
		*errstr = "the shard count N is from 1 to 100000";
		return (-1);
	}
	if (units_decimal(buf, 0, n - 1, &i) == -1) {
		*errstr = "the shard index I is from 0 to N-1";
		return (-1);
	}
	c->shard_index = (int)i;
	c->shard_count = (int)n;
	return (0);
}

/* Check a --run-id: 1 to 128 of letters, digits and ._:- ; 0 or -1. */
int
shard_run_id_ok(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || n > 128)
		return (-1);
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) &&
		    strchr("._:-", s[i]) == NULL)
			return (-1);
	return (0);
}

/*
 * The name of the Kubernetes Job a pod belongs to, from HOSTNAME: an
 * Indexed Job's pod has the host name JOB-INDEX (and the pod name
 * JOB-INDEX-xxxxx, also taken). 0, or -1 when HOSTNAME has neither form.
 */
static int
shard_k8s_job(const char *index, char *job, size_t len)
{
	const char	*h = getenv("HOSTNAME"), *end, *p;
	char		 tail[64];
	size_t		 t;

	if (h == NULL)
		return (-1);
	t = (size_t)snprintf(tail, sizeof(tail), "-%s", index);
	end = h + strlen(h);
	/* JOB-INDEX-xxxxx: drop the pod's random suffix first. */
	if ((size_t)(end - h) <= t || strcmp(end - t, tail) != 0) {
		if ((p = strrchr(h, '-')) == NULL)
			return (-1);
		end = p;
	}
	if ((size_t)(end - h) <= t || strncmp(end - t, tail, t) != 0)
		return (-1);
	snprintf(job, len, "k8s-%.*s", (int)(end - t - h), h);
	return (shard_run_id_ok(job));
}

/*
 * --shard auto: I and N from Slurm (SLURM_PROCID of SLURM_NTASKS), or a
 * Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with --shards N or
 * FORKLOAD_SHARDS), and the run id from the job where none was given.
 */
static int
shard_from_env(struct config *c, char *err, size_t len)
{
	const char	*idx, *cnt, *jobid, *errstr = NULL;
	char		 spec[64], job[160];

	if ((idx = getenv("SLURM_PROCID")) != NULL) {
		if ((cnt = getenv("SLURM_NTASKS")) == NULL)
			cnt = "";
		jobid = getenv("SLURM_JOB_ID");
		snprintf(job, sizeof(job), "slurm-%s", jobid ? jobid : "");
	} else if ((idx = getenv("JOB_COMPLETION_INDEX")) != NULL) {
		cnt = c->shards_str != NULL ? c->shards_str :
		    getenv("FORKLOAD_SHARDS");
		if (cnt == NULL) {
			snprintf(err, len, "--shard auto: JOB_COMPLETION_INDEX "
			    "is set, but not the count: give --shards N or "
			    "FORKLOAD_SHARDS");
			return (-1);
		}
		jobid = shard_k8s_job(idx, job, sizeof(job)) == 0 ? job : NULL;
	} else {
		snprintf(err, len, "--shard auto: neither SLURM_PROCID nor "
		    "JOB_COMPLETION_INDEX is set");
		return (-1);
	}
	snprintf(spec, sizeof(spec), "%.24s/%.24s", idx, cnt);
	c->shard_auto = 0;
	if (shard_parse(c, spec, &errstr) == -1 || c->shard_auto) {
		snprintf(err, len, "--shard auto: '%s' from the environment: "
		    "%s", spec, errstr != NULL ? errstr : "not I/N");
		return (-1);
	}
	if (c->run_id_set || jobid == NULL || shard_run_id_ok(job) == -1)
		return (0);
	strlcpy(c->run_id, job, sizeof(c->run_id));
	c->run_id_set = 1;
	return (0);
}

/*
 * Settle the shard once every option is known: resolve auto, and check
 * that each share of -n, -c and the --sweep levels is at least 1, and
 * that a sharded run has a run id its shards share. 0, or -1 with err.
 */
int
shard_check(struct config *c, char *err, size_t len)
{
	size_t	 i;

	if (c->shards_str != NULL && !c->shard_auto) {
		snprintf(err, len, "--shards is for --shard auto");
		return (-1);
	}
	if (c->shard_auto && shard_from_env(c, err, len) == -1)
		return (-1);
	if (c->shard_count <= 1)
		return (0);
	if (!c->run_id_set) {
		snprintf(err, len, "--shard %d/%d: a sharded run needs "
		    "--run-id, shared by its shards", c->shard_index,
		    c->shard_count);
		return (-1);
	}
	if (c->requests_set && c->requests < (uint64_t)c->shard_count) {
		snprintf(err, len, "-n %llu cannot be split over %d shards",
		    (unsigned long long)c->requests, c->shard_count);
		return (-1);
	}
	for (i = 0; i < (c->nsweep > 0 ? c->nsweep : 1); i++) {
		if ((c->nsweep > 0 ? c->sweep[i] : c->concurrency) >=
		    c->shard_count)
			continue;
		snprintf(err, len, "%s %d cannot be split over %d shards",
		    c->nsweep > 0 ? "--sweep level" : "-c",
		    c->nsweep > 0 ? c->sweep[i] : c->concurrency,
		    c->shard_count);
		return (-1);
	}
	return (0);
}

/*
 * Parse --start-at: an RFC 3339 time (2026-12-04T18:00:00Z, or with an
 * offset such as +01:00) or +DURATION from now, into *when (the realtime
 * clock). It must lie ahead, by at most a day. 0, or -1 with *errstr.
 */
int
shard_start_at(const char *s, struct timespec *when, const char **errstr)
{
	struct timespec	 now;
	struct tm	 tm;
	uint64_t	 us;
	const char	*rest;
	time_t		 t;
	int		 sign, oh, om, n;

	clock_gettime(CLOCK_REALTIME, &now);
	if (s[0] == '+') {
		if (units_duration(s + 1, &us, errstr) == -1)
			return (-1);
		when->tv_sec = now.tv_sec + (time_t)(us / US_PER_SEC);
		when->tv_nsec = now.tv_nsec + (long)(us % US_PER_SEC) * 1000;
		if (when->tv_nsec >= (long)NS_PER_SEC) {
			when->tv_sec++;
			when->tv_nsec -= NS_PER_SEC;
		}
		t = when->tv_sec;
	} else {
		memset(&tm, 0, sizeof(tm));
		if ((rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL) {
			*errstr = "not a time: RFC 3339, as "
			    "2026-12-04T18:00:00Z, or +DURATION";
			return (-1);
		}
		t = timegm(&tm);
		if (rest[0] == 'Z' && rest[1] == '\0')
			;
		else if ((rest[0] == '+' || rest[0] == '-') &&
		    sscanf(rest + 1, "%2d:%2d%n", &oh, &om, &n) == 2 &&
		    rest[1 + n] == '\0' && oh < 24 && om < 60) {
			sign = rest[0] == '+' ? 1 : -1;
			t -= sign * (oh * 3600 + om * 60);
		} else {
			*errstr = "the time needs Z or an offset such as "
			    "+01:00";
			return (-1);
		}
		when->tv_sec = t;
		when->tv_nsec = 0;
	}
	if (t < now.tv_sec) {
		*errstr = "the time has passed";
		return (-1);
	}
	if (t > now.tv_sec + START_AT_MAX) {
		*errstr = "the time is over a day ahead";
		return (-1);
	}
	return (0);
}

/* Sleep until when on the realtime clock, as every shard does. */
void
shard_wait(const struct timespec *when)
{
	while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, when,
	    NULL) == EINTR)
		continue;
}
