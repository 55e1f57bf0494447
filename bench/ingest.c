/*
 * Pushes synthetic results through the parent's real path: parent_run()
 * forks writer workers whose engine emits results as fast as it can, and
 * the parent decodes and aggregates them as in any run. Prints results per
 * second of parent CPU time, and the parent's and workers' max RSS. With
 * -t, the results go round robin over that many targets, which the parent
 * then counts apart too (pertarget.c).
 *
 *	bench/ingest [-n results] [-t targets] [-w writers]
 */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forkload.h"

extern char **environ;

/*
 * Emit one result per ticket, with latencies and statuses that vary, each
 * ending about now, as a real one would: the parent's time series puts it
 * in the second it ended in.
 */
static int
ingest_engine(struct worker *w)
{
	struct result	 r;
	uint64_t	 seq, now = 0;
	uint64_t	 x = 88172645463325252ULL + (uint64_t)w->id;
	uint64_t	 ntargets = config_target_count(w->conf);

	worker_hello(w, "synthetic");
	memset(&r, 0, sizeof(r));
	while (worker_claim(w, &seq, NULL)) {
		/* xorshift: cheap, so the writers are not the bottleneck. */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* The clock once in 64 results, for the same reason. */
		if ((seq & 63) == 0)
			now = clock_now_ns() - w->run_start_ns;
		r.seq = seq;
		r.target = (uint32_t)(seq % ntargets);
		r.latency_ns = 20000 + (x % 5000000);
		r.start_ns = now > r.latency_ns ? now - r.latency_ns : 0;
		r.status = (x >> 40) % 100 == 0 ? 503 : 200;
		r.bytes_in = 120;
		r.bytes_out = 80;
		r.ttfb_us = (uint32_t)(r.latency_ns / 1000 / 2);
		worker_emit(w, &r);
	}
	return (0);
}

/*
 * The parent's peak RSS in KiB. Not ru_maxrss: Linux carries that across
 * execve(), so it would show the peak of whatever started us.
 */
static long
ingest_hwm_kb(void)
{
	FILE	*f;
	char	 line[128];
	long	 kb = -1;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return (kb);
}

static double
tv_sec(const struct timeval *tv)
{
	return ((double)tv->tv_sec + (double)tv->tv_usec / 1e6);
}

int
main(int argc, char **argv)
{
	struct config	 c;
	struct outcome	 r;
	struct rusage	 before, after;
	const char	*errstr;
	uint64_t	 t0, t1;
	long long	 n = 1000000, writers = 4, targets = 1;
	double		 cpu;
	long		 wrss = 0;
	char		 url[64];
	size_t		 i;
	int		 ch;

	setproctitle_init(argc, argv, environ);
	while ((ch = getopt(argc, argv, "n:t:w:")) != -1) {
		switch (ch) {
		case 'n':
			if (units_count(optarg, 1, 1000000000000LL, &n,
			    &errstr) == -1)
				fatalx("-n %s: %s", optarg, errstr);
			break;
		case 't':
			if (units_count(optarg, 1, 1000000, &targets,
			    &errstr) == -1)
				fatalx("-t %s: %s", optarg, errstr);
			break;
		case 'w':
			if (units_count(optarg, 1, 64, &writers,
			    &errstr) == -1)
				fatalx("-w %s: %s", optarg, errstr);
			break;
		default:
			fprintf(stderr, "usage: ingest [-n N] [-t T] [-w W]\n");
			return (EXIT_USAGE);
		}
	}
	config_init(&c);
	for (i = 0; i < (size_t)targets; i++) {
		snprintf(url, sizeof(url), "http://127.0.0.1:9/%zu", i);
		if (config_add_url(&c, url, &errstr) == -1)
			fatalx("%s", errstr);
	}
	engine_override(ENGINE_CURL, ingest_engine);
	c.requests = (uint64_t)n;
	c.requests_set = 1;
	c.workers = (int)writers;
	c.quiet = 1;
	selfpipe_init();

	getrusage(RUSAGE_SELF, &before);
	t0 = clock_now_ns();
	parent_run(&c, (int)writers, &r);
	t1 = clock_now_ns();
	getrusage(RUSAGE_SELF, &after);

	cpu = tv_sec(&after.ru_utime) - tv_sec(&before.ru_utime) +
	    tv_sec(&after.ru_stime) - tv_sec(&before.ru_stime);
	for (i = 0; i < r.nworkers_total; i++)
		if (r.workers[i].ru.ru_maxrss > wrss)
			wrss = r.workers[i].ru.ru_maxrss;
	printf("results %llu ok %llu lost %llu writers %lld targets %lld\n",
	    (unsigned long long)r.stats.results, (unsigned long long)r.ok,
	    (unsigned long long)r.lost, writers, targets);
	printf("wall %.3f s, parent cpu %.3f s\n",
	    (double)(t1 - t0) / 1e9, cpu);
	printf("ingest %.0f results/s of parent cpu, %.0f results/s wall\n",
	    cpu > 0 ? (double)r.stats.results / cpu : 0,
	    (double)r.stats.results * 1e9 / (double)(t1 - t0));
	printf("max rss: parent %ld KiB, worker %ld KiB\n", ingest_hwm_kb(),
	    wrss);
	ch = r.stats.results == (uint64_t)n && r.lost == 0 ? 0 : 1;
	outcome_free(&r);
	config_free(&c);
	return (ch);
}
