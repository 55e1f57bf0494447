/*
 * forkload: main(), and the parsing of options into struct config. Every
 * value is checked before anything forks, here or in config_check(): bad
 * input gets one line on stderr and exit status 2, and nothing runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forkload.h"
#include "forkload-cmd.h"

extern char **environ;

static __dead void
usage_error(const char *fmt, ...) PRINTFLIKE(1, 2);

/* Print one line naming the bad input, and exit 2. */
static __dead void
usage_error(const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "forkload: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see forkload --help)\n");
	exit(EXIT_USAGE);
}

/* The help text; forkload(1) says the same at length. */
static void
usage(FILE *f)
{
	fprintf(f,
"usage: forkload run [options] URL...\n"
"       forkload run [options] --exec -- PROGRAM [ARG...]\n"
"       forkload run [options] --plugin LIB.so[:ARG]\n"
"       forkload report REPORT [--format text|json|hgrm] [-o FILE]\n"
"\n"
"Work:\n"
"  -n, --requests N         total requests (default 100)\n"
"  -d, --duration D         run for D (500ms, 30s, 2m); with -n, first wins\n"
"  -c, --concurrency N      requests in flight (default 10); with -R, a cap\n"
"  -R, --rate N[/s|/m]      open loop: N requests a second (or a minute)\n"
"                           in all, on a fixed schedule\n"
"      --stages D:N,...     ramp linearly to N over D, stage by stage: the\n"
"                           rate with -R, else the concurrency\n"
"      --sweep LIST         one run per concurrency level, e.g. 1,5,10\n"
"      --shard I/N|auto     run shard I (from 0) of N: its share of -n, -c\n"
"                           and -R (auto: from Slurm or a Kubernetes job)\n"
"      --shards N           the count for --shard auto in Kubernetes\n"
"      --run-id ID          the run id, shared by a run's shards\n"
"      --start-at T         start at T (RFC 3339, or +5s)\n"
"  -w, --workers N          worker processes (default: min(c, CPUs), and\n"
"                           at most 128 connections per worker)\n"
"Requests:\n"
"  -m, --method M           request method (default GET, POST with a body)\n"
"  -H, --header 'N: v'      add a request header (repeatable)\n"
"      --data STRING        request body\n"
"      --data-file FILE     request body from a file\n"
"      --targets FILE       the requests, in vegeta's format or JSON lines\n"
"                           (- for stdin), instead of URLs\n"
"      --targets-order O    round-robin (default) or random\n"
"      --seed N             the seed of --targets-order random\n"
"      --timeout D          per-task timeout (HTTP default 30s, else none)\n"
"      --connect-timeout D  connect timeout\n"
"      --http2              use HTTP/2 where the server offers it\n"
"      --engine E           HTTP engine: auto (default), native or curl\n"
"  -k, --insecure           do not verify TLS certificates\n"
"      --no-keepalive       a new connection for every request\n"
"      --follow N           follow up to N redirects, 0 to 50 (default 0:\n"
"                           a redirect is the answer, never followed)\n"
"Verdict:\n"
"      --expect-status LIST expected statuses, e.g. 200,3xx (default 2xx)\n"
"      --max-errors N|P%%    failed requests allowed (default 0)\n"
"      --allow-crashes N    worker crashes allowed (default 0)\n"
"      --threshold EXPR     fail a run unless EXPR holds, e.g. p99<250ms,\n"
"                           error_rate<=0.1%%, rps>=1000, p95<1s@2 for\n"
"                           target 2 (repeatable; see forkload(1))\n"
"Tasks and crashes:\n"
"      --exec -- PROG ARG.. run PROG per task (execve, no shell)\n"
"      --plugin LIB[:ARG]   call forkload_task_run() per task\n"
"      --task-output DIR    keep the output of failed --exec tasks\n"
"      --respawn            replace a crashed worker\n"
"      --max-respawns N     at most N replacements (default 100)\n"
"      --worker-rlimit-as B cap each worker's address space (512M, 2G)\n"
"Output:\n"
"  -o, --output FILE        write the JSON report to FILE\n"
"      --json               JSON report on stdout, summary on stderr\n"
"      --stream FILE        each second as a line of JSON while the run\n"
"                           goes (- for stdout, not with --json)\n"
"      --junit FILE         write the verdict to FILE as JUnit XML\n"
"  -q, --quiet              no summary, no progress\n"
"Report (forkload report REPORT):\n"
"      --format F           text: the run's summary (default); json: the\n"
"                           report; hgrm: HdrHistogram percentiles\n"
"  -o, --output FILE        write it to FILE instead of stdout\n"
"\n"
"Exit: 0 passed, 1 expectation failed, 2 bad input, 3 worker crash,\n"
"4 system failure, 130 interrupted. See forkload(1).\n");
}

/* Long options without a short form, numbered past any character. */
enum {
	OPT_SWEEP = 256,
	OPT_DATA,
	OPT_DATA_FILE,
	OPT_TIMEOUT,
	OPT_CONNECT_TIMEOUT,
	OPT_HTTP2,
	OPT_NO_KEEPALIVE,
	OPT_FOLLOW,
	OPT_EXPECT_STATUS,
	OPT_MAX_ERRORS,
	OPT_ALLOW_CRASHES,
	OPT_JSON,
	OPT_EXEC,
	OPT_PLUGIN,
	OPT_RESPAWN,
	OPT_MAX_RESPAWNS,
	OPT_RLIMIT_AS,
	OPT_TASK_OUTPUT,
	OPT_ENGINE,
	OPT_STAGES,
	OPT_STREAM,
	OPT_TARGETS,
	OPT_TARGETS_ORDER,
	OPT_SEED,
	OPT_THRESHOLD,
	OPT_JUNIT,
	OPT_SHARD,
	OPT_SHARDS,
	OPT_RUN_ID,
	OPT_START_AT
};

static const struct option run_options[] = {
	{ "requests",		required_argument, NULL, 'n' },
	{ "duration",		required_argument, NULL, 'd' },
	{ "concurrency",	required_argument, NULL, 'c' },
	{ "sweep",		required_argument, NULL, OPT_SWEEP },
	{ "rate",		required_argument, NULL, 'R' },
	{ "stages",		required_argument, NULL, OPT_STAGES },
	{ "workers",		required_argument, NULL, 'w' },
	{ "method",		required_argument, NULL, 'm' },
	{ "header",		required_argument, NULL, 'H' },
	{ "data",		required_argument, NULL, OPT_DATA },
	{ "data-file",		required_argument, NULL, OPT_DATA_FILE },
	{ "targets",		required_argument, NULL, OPT_TARGETS },
	{ "targets-order",	required_argument, NULL, OPT_TARGETS_ORDER },
	{ "seed",		required_argument, NULL, OPT_SEED },
	{ "timeout",		required_argument, NULL, OPT_TIMEOUT },
	{ "connect-timeout",	required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "http2",		no_argument,	   NULL, OPT_HTTP2 },
	{ "insecure",		no_argument,	   NULL, 'k' },
	{ "no-keepalive",	no_argument,	   NULL, OPT_NO_KEEPALIVE },
	{ "follow",		required_argument, NULL, OPT_FOLLOW },
	{ "expect-status",	required_argument, NULL, OPT_EXPECT_STATUS },
	{ "max-errors",		required_argument, NULL, OPT_MAX_ERRORS },
	{ "allow-crashes",	required_argument, NULL, OPT_ALLOW_CRASHES },
	{ "output",		required_argument, NULL, 'o' },
	{ "json",		no_argument,	   NULL, OPT_JSON },
	{ "stream",		required_argument, NULL, OPT_STREAM },
	{ "exec",		no_argument,	   NULL, OPT_EXEC },
	{ "plugin",		required_argument, NULL, OPT_PLUGIN },
	{ "respawn",		no_argument,	   NULL, OPT_RESPAWN },
	{ "max-respawns",	required_argument, NULL, OPT_MAX_RESPAWNS },
	{ "worker-rlimit-as",	required_argument, NULL, OPT_RLIMIT_AS },
	{ "task-output",	required_argument, NULL, OPT_TASK_OUTPUT },
	{ "engine",		required_argument, NULL, OPT_ENGINE },
	{ "threshold",		required_argument, NULL, OPT_THRESHOLD },
	{ "junit",		required_argument, NULL, OPT_JUNIT },
	{ "shard",		required_argument, NULL, OPT_SHARD },
	{ "shards",		required_argument, NULL, OPT_SHARDS },
	{ "run-id",		required_argument, NULL, OPT_RUN_ID },
	{ "start-at",		required_argument, NULL, OPT_START_AT },
	{ "quiet",		no_argument,	   NULL, 'q' },
	{ "help",		no_argument,	   NULL, 'h' },
	{ NULL,			0,		   NULL, 0 }
};

/* A count option's value, or a usage error naming it and its range. */
static long long
arg_count(const char *opt, const char *v, long long min, long long max)
{
	const char	*errstr;
	long long	 n;

	if (units_count(v, min, max, &n, &errstr) == -1)
		usage_error("%s '%s': %s (%lld to %lld)", opt, v, errstr, min,
		    max);
	return (n);
}

/* A duration option's value in microseconds, or a usage error. */
static uint64_t
arg_duration(const char *opt, const char *v)
{
	const char	*errstr;
	uint64_t	 us;

	if (units_duration(v, &us, &errstr) == -1)
		usage_error("%s '%s': %s (use a duration such as 500ms, 30s "
		    "or 2m)", opt, v, errstr);
	return (us);
}

/* Take an HTTP engine's name: auto, native or curl. */
static void
arg_engine(struct config *c, const char *opt, const char *v)
{
	if (engine_parse(v, &c->engine_opt) == -1)
		usage_error("%s '%s': the HTTP engine is auto, native or curl",
		    opt, v);
}

/*
 * Take a --threshold expression: the column of a mistake is part of the
 * message, counted from 1.
 */
static void
arg_threshold(struct config *c, const char *v)
{
	struct threshold	 t;
	const char		*errstr;
	size_t			 col;

	if (threshold_parse(&t, v, &errstr, &col) == -1)
		usage_error("--threshold '%s': column %zu: %s", v, col,
		    errstr);
	c->thresholds = xreallocarray(c->thresholds, c->nthresholds + 1,
	    sizeof(*c->thresholds));
	c->thresholds[c->nthresholds++] = t;
}

/* Take a file to write after the run, -o or --junit, into *path. */
static void
arg_output(char **path, const char *opt, const char *v)
{
	const char	*errstr;

	if (config_check_output(v, &errstr) == -1)
		usage_error("%s '%s': %s", opt, v, errstr);
	free(*path);
	*path = xstrdup(v);
}

/* Take --plugin LIB.so[:ARG] and check the library before any fork. */
static void
arg_plugin(struct config *c, const char *v)
{
	const char	*errstr;
	char		*copy, *colon;

	copy = xstrdup(v);
	if ((colon = strchr(copy, ':')) != NULL) {
		*colon = '\0';
		free(c->plugin_arg);
		c->plugin_arg = xstrdup(colon + 1);
	}
	if (*copy == '\0')
		usage_error("--plugin '%s': no library named", v);
	free(c->plugin_path);
	/* dlopen() searches system paths for a bare name: mean this one. */
	if (strchr(copy, '/') == NULL)
		xasprintf(&c->plugin_path, "./%s", copy);
	else
		c->plugin_path = xstrdup(copy);
	free(copy);
	if (plugin_check(c->plugin_path, &errstr) == -1)
		usage_error("--plugin '%s': %s", v, errstr);
	c->kind = ENGINE_PLUGIN;
}

/* The options that say how much work: -n, -d, -c, --sweep, -w. */
static int
opt_work(struct config *c, int ch)
{
	const char	*errstr;

	switch (ch) {
	case 'n':
		c->requests = arg_count("-n", optarg, 1, 1000000000000LL);
		c->requests_set = 1;
		return (1);
	case 'd':
		c->duration_us = arg_duration("-d", optarg);
		return (1);
	case 'c':
		c->concurrency = arg_count("-c", optarg, 1, CONCURRENCY_MAX);
		c->concurrency_set = 1;
		return (1);
	case OPT_SWEEP:
		free(c->sweep);
		c->sweep = NULL;
		if (units_list(optarg, 1, CONCURRENCY_MAX, &c->sweep,
		    &c->nsweep, &errstr) == -1)
			usage_error("--sweep '%s': %s (a list of concurrency "
			    "levels such as 1,5,10)", optarg, errstr);
		return (1);
	case 'w':
		c->workers = arg_count("-w", optarg, 1, WORKERS_MAX);
		return (1);
	case 'R':
		if (shape_rate(optarg, &c->rate, &errstr) == -1)
			usage_error("-R '%s': %s (requests per second, such as "
			    "500 or 500/s, or per minute: 30000/m)", optarg,
			    errstr);
		free(c->rate_str);
		c->rate_str = xstrdup(optarg);
		return (1);
	case OPT_STAGES:
		/* Rates or concurrencies: config_check() knows once -R is. */
		free(c->stages_str);
		c->stages_str = xstrdup(optarg);
		return (1);
	}
	return (0);
}

/* The options that shape each request: method, headers, body, timeouts. */
static int
opt_request(struct config *c, int ch)
{
	const char	*errstr;

	switch (ch) {
	case 'm':
		if (config_set_method(c, optarg, &errstr) == -1)
			usage_error("-m '%s': %s", optarg, errstr);
		return (1);
	case 'H':
		if (config_add_header(c, optarg, &errstr) == -1)
			usage_error("-H '%s': %s", optarg, errstr);
		return (1);
	case OPT_DATA:
		free(c->data);
		c->data = xstrdup(optarg);
		c->datalen = strlen(optarg);
		c->data_inline = 1;
		return (1);
	case OPT_DATA_FILE:
		if (config_set_data_file(c, optarg, &errstr) == -1)
			usage_error("--data-file '%s': %s", optarg, errstr);
		return (1);
	case OPT_TARGETS:
		free(c->targets_file);
		c->targets_file = xstrdup(optarg);
		return (1);
	case OPT_TARGETS_ORDER:
		if (strcmp(optarg, "round-robin") != 0 &&
		    strcmp(optarg, "random") != 0)
			usage_error("--targets-order '%s': round-robin or "
			    "random", optarg);
		c->targets_random = strcmp(optarg, "random") == 0;
		return (1);
	case OPT_SEED:
		c->seed = (uint64_t)arg_count("--seed", optarg, 0, LLONG_MAX);
		c->seed_set = 1;
		return (1);
	case OPT_TIMEOUT:
		c->timeout_us = arg_duration("--timeout", optarg);
		c->timeout_set = 1;
		return (1);
	case OPT_CONNECT_TIMEOUT:
		c->connect_timeout_us = arg_duration("--connect-timeout",
		    optarg);
		return (1);
	case OPT_HTTP2:
		c->http2 = 1;
		return (1);
	case OPT_ENGINE:
		arg_engine(c, "--engine", optarg);
		c->engine_set = 1;
		return (1);
	case 'k':
		c->insecure = 1;
		return (1);
	case OPT_NO_KEEPALIVE:
		c->no_keepalive = 1;
		return (1);
	case OPT_FOLLOW:
		c->follow = arg_count("--follow", optarg, 0, FOLLOW_MAX);
		return (1);
	}
	return (0);
}

/* The options of the verdict, and of where the report goes. */
static int
opt_verdict(struct config *c, int ch)
{
	const char	*errstr;

	switch (ch) {
	case OPT_EXPECT_STATUS:
		if (status_parse(&c->expect, optarg, &errstr) == -1)
			usage_error("--expect-status '%s': %s (codes 100-599 "
			    "or classes such as 2xx)", optarg, errstr);
		free(c->expect_str);
		c->expect_str = xstrdup(optarg);
		return (1);
	case OPT_MAX_ERRORS:
		if (units_limit(optarg, &c->max_errors, &c->max_errors_pct,
		    &errstr) == -1)
			usage_error("--max-errors '%s': %s (a count or a "
			    "percentage such as 1%%)", optarg, errstr);
		free(c->max_errors_str);
		c->max_errors_str = xstrdup(optarg);
		return (1);
	case OPT_ALLOW_CRASHES:
		c->allow_crashes = arg_count("--allow-crashes", optarg, 0,
		    INT_MAX);
		return (1);
	case OPT_THRESHOLD:
		arg_threshold(c, optarg);
		return (1);
	case OPT_JUNIT:
		arg_output(&c->junit, "--junit", optarg);
		return (1);
	case OPT_SHARD:
		if (shard_parse(c, optarg, &errstr) == -1)
			usage_error("--shard '%s': %s", optarg, errstr);
		return (1);
	case OPT_SHARDS:
		(void)arg_count("--shards", optarg, 1, 100000);
		free(c->shards_str);
		c->shards_str = xstrdup(optarg);
		return (1);
	case OPT_RUN_ID:
		if (shard_run_id_ok(optarg) == -1)
			usage_error("--run-id '%s': 1 to 128 letters, digits "
			    "and ._:-", optarg);
		strlcpy(c->run_id, optarg, sizeof(c->run_id));
		c->run_id_set = 1;
		return (1);
	case OPT_START_AT:
		if (shard_start_at(optarg, &c->start_at, &errstr) == -1)
			usage_error("--start-at '%s': %s", optarg, errstr);
		free(c->start_at_str);
		c->start_at_str = xstrdup(optarg);
		return (1);
	case 'o':
		arg_output(&c->output, "-o", optarg);
		return (1);
	case OPT_JSON:
		c->json = 1;
		return (1);
	case OPT_STREAM:
		if (stream_check(optarg, &errstr) == -1)
			usage_error("--stream '%s': %s", optarg, errstr);
		free(c->stream);
		c->stream = xstrdup(optarg);
		return (1);
	case 'q':
		c->quiet = 1;
		return (1);
	}
	return (0);
}

/* The options of tasks other than HTTP, and of crashed workers. */
static int
opt_task(struct config *c, int ch)
{
	const char	*errstr;

	switch (ch) {
	case OPT_EXEC:
		c->exec = 1;
		return (1);
	case OPT_PLUGIN:
		arg_plugin(c, optarg);
		return (1);
	case OPT_RESPAWN:
		c->respawn = 1;
		return (1);
	case OPT_MAX_RESPAWNS:
		c->max_respawns = arg_count("--max-respawns", optarg, 0,
		    1000000);
		return (1);
	case OPT_RLIMIT_AS:
		if (units_bytes(optarg, 16ULL << 20, &c->rlimit_as,
		    &errstr) == -1)
			usage_error("--worker-rlimit-as '%s': %s (bytes, at "
			    "least 16M; K, M, G or T may follow)", optarg,
			    errstr);
		return (1);
	case OPT_TASK_OUTPUT:
		if (config_check_dir(optarg, &errstr) == -1)
			usage_error("--task-output '%s': %s", optarg, errstr);
		free(c->task_output);
		c->task_output = xstrdup(optarg);
		return (1);
	}
	return (0);
}

/* getopt's verdict on a word it could not take, as a usage error. */
static __dead void
opt_unknown(int ch, char **argv)
{
	char	 shortopt[3];

	if (ch == ':')
		usage_error("option '%s' needs a value", argv[optind - 1]);
	if (optopt != 0 && optopt < 256) {
		snprintf(shortopt, sizeof(shortopt), "-%c", optopt);
		usage_error("unknown option '%s'", shortopt);
	}
	usage_error("unknown option '%s'", argv[optind - 1]);
}

/*
 * The words after the options: the command after "--" with --exec, the
 * URLs otherwise. after is how many words followed "--" on the command
 * line, before getopt moved them around.
 */
static void
parse_operands(struct config *c, int argc, char **argv, int after)
{
	const char	*errstr;
	int		 i, n;

	/* With --plugin too, config_check() names the conflict. */
	if (c->exec && c->kind == ENGINE_PLUGIN)
		return;
	if (!c->exec) {
		for (i = optind; i < argc; i++)
			if (config_add_url(c, argv[i], &errstr) == -1)
				usage_error("URL '%s': %s", argv[i], errstr);
		return;
	}
	/* The command follows "--", so its options stay its own. */
	if (optind == 0 || strcmp(argv[optind - 1], "--") != 0 ||
	    optind >= argc)
		usage_error("--exec needs a command after --, as in "
		    "--exec -- /bin/true");
	n = argc - optind;
	if (n > after)
		usage_error("'%s' before --: with --exec, only the command "
		    "follows --", argv[optind]);
	c->kind = ENGINE_EXEC;
	c->exec_argv = xcalloc(n + 1, sizeof(*c->exec_argv));
	for (i = 0; i < n; i++)
		c->exec_argv[i] = xstrdup(argv[optind + i]);
	if (*c->exec_argv[0] == '\0')
		usage_error("--exec: empty program name");
}

/* Parse the arguments of "forkload run" into c; bad input exits 2. */
static void
parse_run(struct config *c, int argc, char **argv)
{
	const char	*env;
	int		 ch, i, after = -1;

	/* getopt moves operands around: count those after "--" first. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			after = argc - i - 1;
			break;
		}
	}
	/* The environment's default comes first: an option overrides it. */
	if ((env = getenv("FORKLOAD_ENGINE")) != NULL && *env != '\0')
		arg_engine(c, "FORKLOAD_ENGINE", env);
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":n:d:c:w:m:H:ko:qhR:",
	    run_options, NULL)) != -1) {
		if (ch == 'h') {
			usage(stdout);
			exit(0);
		}
		if (!opt_work(c, ch) && !opt_request(c, ch) &&
		    !opt_verdict(c, ch) && !opt_task(c, ch))
			opt_unknown(ch, argv);
	}
	parse_operands(c, argc, argv, after);
}

/*
 * forkload run: check all input, run each level in turn, judge and write
 * the report. Returns the exit status.
 */
static int
cmd_run(int argc, char **argv)
{
	struct config	 conf;
	struct report	 rep;
	struct verdict	 v;
	struct outcome	*runs;
	char		 err[256];
	size_t		 nlevels, i, nruns = 0;
	int		 level, code;

	config_init(&conf);
	parse_run(&conf, argc, argv);
	memset(&rep, 0, sizeof(rep));
	if (config_check(&conf, &rep.limits, err, sizeof(err)) == -1)
		usage_error("%s", err);

	/*
	 * The stream opens before any fork and before the signal handlers:
	 * a FIFO waits here for its reader, and SIGINT still ends the wait.
	 */
	if (conf.stream != NULL && stream_open(conf.stream) == -1)
		usage_error("--stream '%s': %s", conf.stream, strerror(errno));

	/* Every shard of a run starts at the same time on the clock. */
	if (conf.start_at_str != NULL)
		shard_wait(&conf.start_at);

	/* Nothing forks before this point: all input is known good. */
	nlevels = conf.nsweep > 0 ? conf.nsweep : 1;
	runs = xcalloc(nlevels, sizeof(*runs));
	selfpipe_init();
	clock_rfc3339(rep.started_at, sizeof(rep.started_at));
	for (i = 0; i < nlevels; i++) {
		level = conf.nsweep > 0 ? conf.sweep[i] : conf.concurrency;
		/* A shard runs its share of each level (shard.c). */
		level = (int)shard_share(&conf, (uint64_t)level);
		parent_run(&conf, level, &runs[nruns++]);
		if (selfpipe_interrupted())
			break;
	}
	clock_rfc3339(rep.finished_at, sizeof(rep.finished_at));
	rep.interrupted = selfpipe_interrupted() > 0;

	verdict_eval(&v, &conf, runs, nruns, rep.interrupted);
	rep.conf = &conf;
	rep.version = FORKLOAD_VERSION;
	rep.runs = runs;
	rep.nruns = nruns;
	rep.verdict = &v;
	rep.libcurl = runs[0].engine_version;
	code = report_emit(&rep, v.exit_code);
	/* A stream that stopped is a report not written, as for -o. */
	if (stream_close() == -1 && code != EXIT_INTERRUPTED)
		code = EXIT_SYSTEM;

	for (i = 0; i < nruns; i++)
		outcome_free(&runs[i]);
	free(runs);
	verdict_free(&v);
	config_free(&conf);
	return (code);
}

/*
 * Make sure descriptors 0, 1 and 2 are open, on /dev/null if need be, so
 * that no pipe or report of ours is ever taken for stdin, stdout or stderr.
 */
static void
open_std_fds(void)
{
	int	 fd;

	while ((fd = open("/dev/null", O_RDWR)) != -1 && fd <= STDERR_FILENO)
		continue;
	if (fd == -1)
		exit(EXIT_SYSTEM);
	(void)close(fd);
}

/* Dispatch to a subcommand; returns the exit status. */
int
main(int argc, char **argv)
{
	open_std_fds();
	setproctitle_init(argc, argv, environ);
	log_init("forkload", 0);
	if (argc < 2) {
		usage(stderr);
		return (EXIT_USAGE);
	}
	if (strcmp(argv[1], "run") == 0)
		return (cmd_run(argc - 1, argv + 1));
	if (strcmp(argv[1], "report") == 0)
		return (cmd_report(argc - 1, argv + 1));
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return (0);
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("forkload %s\n", FORKLOAD_VERSION);
		return (0);
	}
	fprintf(stderr, "forkload: unknown command '%s' (see forkload "
	    "--help)\n", argv[1]);
	return (EXIT_USAGE);
}
