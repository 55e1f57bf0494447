/*
 * forkload: main() and option parsing. Every value is checked here, before
 * anything forks: bad input gets one line on stderr and exit status 2.
 */
#include <sys/stat.h>

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

extern char **environ;

static __dead void
usage_error(const char *fmt, ...) PRINTFLIKE(1, 2);

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

static void
usage(FILE *f)
{
	fprintf(f,
"usage: forkload run [options] URL...\n"
"       forkload run [options] --exec -- PROGRAM [ARG...]\n"
"       forkload run [options] --plugin LIB.so[:ARG]\n"
"\n"
"Work:\n"
"  -n, --requests N         total requests (default 100)\n"
"  -d, --duration D         run for D (500ms, 30s, 2m); with -n, first wins\n"
"  -c, --concurrency N      requests in flight (default 10)\n"
"      --sweep LIST         one run per concurrency level, e.g. 1,5,10\n"
"  -w, --workers N          worker processes (default: min(c, CPUs), and\n"
"                           at most 128 connections per worker)\n"
"Requests:\n"
"  -m, --method M           request method (default GET, POST with a body)\n"
"  -H, --header 'N: v'      add a request header (repeatable)\n"
"      --data STRING        request body\n"
"      --data-file FILE     request body from a file\n"
"      --timeout D          per-task timeout (HTTP default 30s, else none)\n"
"      --connect-timeout D  connect timeout\n"
"      --http2              use HTTP/2 where the server offers it\n"
"  -k, --insecure           do not verify TLS certificates\n"
"      --no-keepalive       a new connection for every request\n"
"Verdict:\n"
"      --expect-status LIST expected statuses, e.g. 200,3xx (default 2xx)\n"
"      --max-errors N|P%%    failed requests allowed (default 0)\n"
"      --allow-crashes N    worker crashes allowed (default 0)\n"
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
"  -q, --quiet              no summary, no progress\n"
"\n"
"Exit: 0 passed, 1 expectation failed, 2 bad input, 3 worker crash,\n"
"4 system failure, 130 interrupted. See forkload(1).\n");
}

enum {
	OPT_SWEEP = 256,
	OPT_DATA,
	OPT_DATA_FILE,
	OPT_TIMEOUT,
	OPT_CONNECT_TIMEOUT,
	OPT_HTTP2,
	OPT_NO_KEEPALIVE,
	OPT_EXPECT_STATUS,
	OPT_MAX_ERRORS,
	OPT_ALLOW_CRASHES,
	OPT_JSON,
	OPT_EXEC,
	OPT_PLUGIN,
	OPT_RESPAWN,
	OPT_MAX_RESPAWNS,
	OPT_RLIMIT_AS,
	OPT_TASK_OUTPUT
};

static const struct option run_options[] = {
	{ "requests",		required_argument, NULL, 'n' },
	{ "duration",		required_argument, NULL, 'd' },
	{ "concurrency",	required_argument, NULL, 'c' },
	{ "sweep",		required_argument, NULL, OPT_SWEEP },
	{ "workers",		required_argument, NULL, 'w' },
	{ "method",		required_argument, NULL, 'm' },
	{ "header",		required_argument, NULL, 'H' },
	{ "data",		required_argument, NULL, OPT_DATA },
	{ "data-file",		required_argument, NULL, OPT_DATA_FILE },
	{ "timeout",		required_argument, NULL, OPT_TIMEOUT },
	{ "connect-timeout",	required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "http2",		no_argument,	   NULL, OPT_HTTP2 },
	{ "insecure",		no_argument,	   NULL, 'k' },
	{ "no-keepalive",	no_argument,	   NULL, OPT_NO_KEEPALIVE },
	{ "expect-status",	required_argument, NULL, OPT_EXPECT_STATUS },
	{ "max-errors",		required_argument, NULL, OPT_MAX_ERRORS },
	{ "allow-crashes",	required_argument, NULL, OPT_ALLOW_CRASHES },
	{ "output",		required_argument, NULL, 'o' },
	{ "json",		no_argument,	   NULL, OPT_JSON },
	{ "exec",		no_argument,	   NULL, OPT_EXEC },
	{ "plugin",		required_argument, NULL, OPT_PLUGIN },
	{ "respawn",		no_argument,	   NULL, OPT_RESPAWN },
	{ "max-respawns",	required_argument, NULL, OPT_MAX_RESPAWNS },
	{ "worker-rlimit-as",	required_argument, NULL, OPT_RLIMIT_AS },
	{ "task-output",	required_argument, NULL, OPT_TASK_OUTPUT },
	{ "quiet",		no_argument,	   NULL, 'q' },
	{ "help",		no_argument,	   NULL, 'h' },
	{ NULL,			0,		   NULL, 0 }
};

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

/* A plugin run forks a worker per task in flight: at most WORKERS_MAX. */
static void
check_plugin_concurrency(const struct config *c)
{
	size_t	 i;

	if (c->concurrency > WORKERS_MAX)
		usage_error("-c %d: a --plugin run forks one worker per task "
		    "in flight, at most %d", c->concurrency, WORKERS_MAX);
	for (i = 0; i < c->nsweep; i++)
		if (c->sweep[i] > WORKERS_MAX)
			usage_error("--sweep level %d: a --plugin run forks "
			    "one worker per task in flight, at most %d",
			    c->sweep[i], WORKERS_MAX);
}

/* Read the whole request body file; bad input when it cannot be read. */
static void
arg_data_file(struct config *c, const char *path)
{
	struct stat	 sb;
	char		*buf;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		usage_error("--data-file '%s': %s", path, strerror(errno));
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode))
		usage_error("--data-file '%s': not a regular file", path);
	if (sb.st_size > 256 * 1024 * 1024)
		usage_error("--data-file '%s': larger than 256 MiB", path);
	buf = xmalloc((size_t)sb.st_size + 1);
	while (off < (size_t)sb.st_size) {
		n = read(fd, buf + off, (size_t)sb.st_size - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			usage_error("--data-file '%s': read failed", path);
		off += n;
	}
	close(fd);
	buf[off] = '\0';
	free(c->data);
	c->data = buf;
	c->datalen = off;
	c->data_file = xstrdup(path);
}

static void
parse_run(struct config *c, int argc, char **argv)
{
	const char	*errstr, *name;
	char		 shortopt[3];
	int		 ch, method_set = 0, exec = 0, i, n, after = -1;

	/* getopt moves operands around: count those after "--" first. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			after = argc - i - 1;
			break;
		}
	}
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":n:d:c:w:m:H:ko:qh",
	    run_options, NULL)) != -1) {
		switch (ch) {
		case 'n':
			c->requests = arg_count("-n", optarg, 1,
			    1000000000000LL);
			c->requests_set = 1;
			break;
		case 'd':
			c->duration_us = arg_duration("-d", optarg);
			break;
		case 'c':
			c->concurrency = arg_count("-c", optarg, 1,
			    CONCURRENCY_MAX);
			c->concurrency_set = 1;
			break;
		case OPT_SWEEP:
			free(c->sweep);
			c->sweep = NULL;
			if (units_list(optarg, 1, CONCURRENCY_MAX, &c->sweep,
			    &c->nsweep, &errstr) == -1)
				usage_error("--sweep '%s': %s (a list of "
				    "concurrency levels such as 1,5,10)",
				    optarg, errstr);
			break;
		case 'w':
			c->workers = arg_count("-w", optarg, 1, WORKERS_MAX);
			break;
		case 'm':
			if (config_set_method(c, optarg, &errstr) == -1)
				usage_error("-m '%s': %s", optarg, errstr);
			method_set = 1;
			break;
		case 'H':
			if (config_add_header(c, optarg, &errstr) == -1)
				usage_error("-H '%s': %s", optarg, errstr);
			break;
		case OPT_DATA:
			if (c->data_file != NULL)
				usage_error("--data and --data-file cannot "
				    "be used together");
			free(c->data);
			c->data = xstrdup(optarg);
			c->datalen = strlen(optarg);
			break;
		case OPT_DATA_FILE:
			if (c->data != NULL && c->data_file == NULL)
				usage_error("--data and --data-file cannot "
				    "be used together");
			arg_data_file(c, optarg);
			break;
		case OPT_TIMEOUT:
			c->timeout_us = arg_duration("--timeout", optarg);
			c->timeout_set = 1;
			break;
		case OPT_CONNECT_TIMEOUT:
			c->connect_timeout_us = arg_duration(
			    "--connect-timeout", optarg);
			break;
		case OPT_HTTP2:
			c->http2 = 1;
			break;
		case 'k':
			c->insecure = 1;
			break;
		case OPT_NO_KEEPALIVE:
			c->no_keepalive = 1;
			break;
		case OPT_EXPECT_STATUS:
			if (status_parse(&c->expect, optarg, &errstr) == -1)
				usage_error("--expect-status '%s': %s (codes "
				    "100-599 or classes such as 2xx)", optarg,
				    errstr);
			free(c->expect_str);
			c->expect_str = xstrdup(optarg);
			break;
		case OPT_MAX_ERRORS:
			if (units_limit(optarg, &c->max_errors,
			    &c->max_errors_pct, &errstr) == -1)
				usage_error("--max-errors '%s': %s (a count "
				    "or a percentage such as 1%%)", optarg,
				    errstr);
			free(c->max_errors_str);
			c->max_errors_str = xstrdup(optarg);
			break;
		case OPT_ALLOW_CRASHES:
			c->allow_crashes = arg_count("--allow-crashes",
			    optarg, 0, INT_MAX);
			break;
		case 'o':
			if (config_check_output(optarg, &errstr) == -1)
				usage_error("-o '%s': %s", optarg, errstr);
			free(c->output);
			c->output = xstrdup(optarg);
			break;
		case OPT_JSON:
			c->json = 1;
			break;
		case OPT_EXEC:
			exec = 1;
			break;
		case OPT_PLUGIN:
			arg_plugin(c, optarg);
			break;
		case OPT_RESPAWN:
			c->respawn = 1;
			break;
		case OPT_MAX_RESPAWNS:
			c->max_respawns = arg_count("--max-respawns", optarg,
			    0, 1000000);
			break;
		case OPT_RLIMIT_AS:
			if (units_bytes(optarg, 16ULL << 20, &c->rlimit_as,
			    &errstr) == -1)
				usage_error("--worker-rlimit-as '%s': %s "
				    "(bytes, at least 16M; K, M, G or T may "
				    "follow)", optarg, errstr);
			break;
		case OPT_TASK_OUTPUT:
			if (config_check_dir(optarg, &errstr) == -1)
				usage_error("--task-output '%s': %s", optarg,
				    errstr);
			free(c->task_output);
			c->task_output = xstrdup(optarg);
			break;
		case 'q':
			c->quiet = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case ':':
			name = argv[optind - 1];
			usage_error("option '%s' needs a value", name);
		default:
			if (optopt != 0 && optopt < 256) {
				snprintf(shortopt, sizeof(shortopt), "-%c",
				    optopt);
				name = shortopt;
			} else
				name = argv[optind - 1];
			usage_error("unknown option '%s'", name);
		}
	}
	if (exec && c->kind == ENGINE_PLUGIN)
		usage_error("--exec and --plugin cannot be used together");
	if (exec) {
		/* The command follows "--", so its options stay its own. */
		if (optind == 0 || strcmp(argv[optind - 1], "--") != 0 ||
		    optind >= argc)
			usage_error("--exec needs a command after --, as in "
			    "--exec -- /bin/true");
		n = argc - optind;
		if (n > after)
			usage_error("'%s' before --: with --exec, only the "
			    "command follows --", argv[optind]);
		c->kind = ENGINE_EXEC;
		c->exec_argv = xcalloc(n + 1, sizeof(*c->exec_argv));
		for (i = 0; i < n; i++)
			c->exec_argv[i] = xstrdup(argv[optind + i]);
		if (*c->exec_argv[0] == '\0')
			usage_error("--exec: empty program name");
	} else if (c->kind == ENGINE_PLUGIN) {
		if (optind < argc)
			usage_error("'%s': a --plugin run takes no URL",
			    argv[optind]);
	} else {
		for (i = optind; i < argc; i++)
			if (config_add_url(c, argv[i], &errstr) == -1)
				usage_error("URL '%s': %s", argv[i], errstr);
		if (c->nurls == 0)
			usage_error("no URL given");
	}
	if (c->kind == ENGINE_PLUGIN && c->workers != 0)
		usage_error("-w: a --plugin worker runs one task at a time, "
		    "so -c sets the workers");
	if (c->kind == ENGINE_PLUGIN)
		check_plugin_concurrency(c);
	if (c->task_output != NULL && c->kind != ENGINE_EXEC)
		usage_error("--task-output is for --exec runs");
	if (c->nsweep > 0 && c->concurrency_set)
		usage_error("-c and --sweep cannot be used together");
	if (c->data != NULL && !method_set) {
		free(c->method);
		c->method = xstrdup("POST");
	}
}

/* Make sure each process has the descriptors that its share needs. */
static void
check_limits(const struct config *c, struct limits *lim)
{
	const char	*errstr;
	uint64_t	 need, most = 0;
	size_t		 i, n;
	int		 level, w, share;

	n = c->nsweep > 0 ? c->nsweep : 1;
	for (i = 0; i < n; i++) {
		level = c->nsweep > 0 ? c->sweep[i] : c->concurrency;
		w = config_workers(c, level);
		share = (level + w - 1) / w;
		/* A socket per connection, plus curl's and our own. */
		need = (uint64_t)share + 64;
		if (need < (uint64_t)w + 64)
			need = (uint64_t)w + 64;
		if (need > most)
			most = need;
	}
	if (parent_raise_nofile(most, lim, &errstr) == -1)
		usage_error("concurrency %s: %s", c->nsweep > 0 ? "(--sweep)" :
		    "(-c)", errstr);
}

static int
cmd_run(int argc, char **argv)
{
	struct config	 conf;
	struct report	 rep;
	struct verdict	 v;
	struct run	*runs;
	size_t		 nlevels, i, nruns = 0;
	int		 level, interrupted;
	FILE		*sf;

	config_init(&conf);
	parse_run(&conf, argc, argv);
	memset(&rep, 0, sizeof(rep));
	check_limits(&conf, &rep.limits);

	rep.conf = &conf;
	rep.version = FORKLOAD_VERSION;
	nlevels = conf.nsweep > 0 ? conf.nsweep : 1;
	runs = xcalloc(nlevels, sizeof(*runs));
	parent_signals();
	clock_rfc3339(rep.started_at, sizeof(rep.started_at));
	for (i = 0; i < nlevels; i++) {
		level = conf.nsweep > 0 ? conf.sweep[i] : conf.concurrency;
		parent_run(&conf, level, &runs[nruns++]);
		if (parent_interrupted())
			break;
	}
	clock_rfc3339(rep.finished_at, sizeof(rep.finished_at));
	interrupted = parent_interrupted();

	verdict_eval(&v, &conf, runs, nruns, interrupted);
	rep.runs = runs;
	rep.nruns = nruns;
	rep.verdict = &v;
	rep.interrupted = interrupted;
	rep.libcurl = runs[0].engine;

	if (conf.output != NULL && report_write(&rep, conf.output) == -1) {
		log_warn("cannot write report to %s", conf.output);
		/* A missing report outranks any verdict but an interrupt. */
		if (v.exit_code != EXIT_INTERRUPTED)
			v.exit_code = EXIT_SYSTEM;
	}
	if (conf.json) {
		char	*text = report_dump(&rep);

		fputs(text, stdout);
		fflush(stdout);
		free(text);
	}
	if (!conf.quiet) {
		sf = conf.json ? stderr : stdout;
		summary_print(sf, &rep);
	}
	level = v.exit_code;
	for (i = 0; i < nruns; i++)
		run_free(&runs[i]);
	free(runs);
	verdict_free(&v);
	config_free(&conf);
	return (level);
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
	close(fd);
}

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
