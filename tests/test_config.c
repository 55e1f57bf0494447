/*
 * Unit tests of config.c: each rule of config_check() that ties options
 * together, with the message that names the values at fault; the defaults
 * it settles; the open-file limit it raises or refuses; and the request
 * body read from a file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/resource.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forkload.h"

#define URL	"http://127.0.0.1:9/"

/* A configuration that passes: one URL, the defaults. */
static void
good(struct config *c)
{
	const char	*errstr;

	config_init(c);
	assert_int_equal(config_add_url(c, URL, &errstr), 0);
}

/* config_check must refuse c with a message that contains want. */
static void
refused(struct config *c, const char *want)
{
	struct limits	 lim;
	char		 err[256];

	err[0] = '\0';
	if (config_check(c, &lim, err, sizeof(err)) != -1)
		fail_msg("accepted, want \"%s\"", want);
	if (strstr(err, want) == NULL)
		fail_msg("said \"%s\", want \"%s\"", err, want);
	config_free(c);
}

/* Make c a plugin run; no library is loaded, only the kind is set. */
static void
plugin(struct config *c)
{
	config_init(c);
	c->kind = ENGINE_PLUGIN;
	c->plugin_path = xstrdup("./p.so");
}

static void
test_good(void **state)
{
	struct config	 c;
	struct limits	 lim;
	char		 err[256];

	(void)state;
	good(&c);
	assert_int_equal(config_check(&c, &lim, err, sizeof(err)), 0);
	assert_string_equal(c.method, "GET");
	assert_true(lim.nofile >= lim.nofile_need);
	config_free(&c);
}

static void
test_exec_and_plugin(void **state)
{
	struct config	 c;

	(void)state;
	plugin(&c);
	c.exec = 1;
	refused(&c, "--exec and --plugin cannot be used together");
}

static void
test_no_url(void **state)
{
	struct config	 c;
	struct limits	 lim;
	char		 err[256];

	(void)state;
	config_init(&c);
	refused(&c, "no URL given");
	/* An exec run needs none, and may keep its tasks' output. */
	config_init(&c);
	c.kind = ENGINE_EXEC;
	c.exec = 1;
	c.task_output = xstrdup("/tmp");
	assert_int_equal(config_check(&c, &lim, err, sizeof(err)), 0);
	config_free(&c);
}

static void
test_task_output(void **state)
{
	struct config	 c;

	(void)state;
	good(&c);
	c.task_output = xstrdup("/tmp");
	refused(&c, "--task-output is for --exec runs");
}

static void
test_sweep_and_c(void **state)
{
	struct config	 c;
	const char	*errstr;

	(void)state;
	good(&c);
	assert_int_equal(units_list("1,2", 1, CONCURRENCY_MAX, &c.sweep,
	    &c.nsweep, &errstr), 0);
	c.concurrency_set = 1;
	refused(&c, "-c and --sweep cannot be used together");
}

static void
test_data_and_file(void **state)
{
	struct config	 c;

	(void)state;
	good(&c);
	c.data = xstrdup("x");
	c.datalen = 1;
	c.data_inline = 1;
	c.data_file = xstrdup("/etc/hostname");
	refused(&c, "--data and --data-file cannot be used together");
}

static void
test_plugin_url(void **state)
{
	struct config	 c;
	const char	*errstr;

	(void)state;
	plugin(&c);
	assert_int_equal(config_add_url(&c, URL, &errstr), 0);
	refused(&c, "'" URL "': a --plugin run takes no URL");
}

static void
test_plugin_workers(void **state)
{
	struct config	 c;

	(void)state;
	plugin(&c);
	c.workers = 2;
	refused(&c, "-w: a --plugin worker runs one task at a time");
}

static void
test_plugin_concurrency(void **state)
{
	struct config	 c;
	const char	*errstr;

	(void)state;
	plugin(&c);
	c.concurrency = WORKERS_MAX + 1;
	refused(&c, "-c 1025: a --plugin run forks one worker per task");
	plugin(&c);
	assert_int_equal(units_list("2,2000", 1, CONCURRENCY_MAX, &c.sweep,
	    &c.nsweep, &errstr), 0);
	refused(&c, "--sweep level 2000: a --plugin run forks");
}

/*
 * A URL that passes config_add_url() but not libcurl's parser is refused
 * before the run, named with libcurl's reason; the checking child is
 * reaped; a long URL is shortened in the message.
 */
static void
test_url_libcurl(void **state)
{
	struct config	 c;
	const char	*errstr;
	char		 url[400];
	int		 st;

	(void)state;
	good(&c);
	assert_int_equal(config_add_url(&c, "http://[::1/", &errstr), 0);
	refused(&c, "URL 'http://[::1/': libcurl cannot parse it: Bad IPv6 "
	    "address");
	assert_int_equal(waitpid(-1, &st, WNOHANG), -1);
	good(&c);
	snprintf(url, sizeof(url), "http://127.0.0.1:%0300d/", 65536);
	assert_int_equal(config_add_url(&c, url, &errstr), 0);
	refused(&c, "0000...': libcurl cannot parse it: Port number");
}

/* A body makes the method POST, unless -m said otherwise. */
static void
test_body_method(void **state)
{
	struct config	 c;
	struct limits	 lim;
	const char	*errstr;
	char		 err[256];

	(void)state;
	good(&c);
	c.data = xstrdup("{}");
	c.datalen = 2;
	c.data_inline = 1;
	assert_int_equal(config_check(&c, &lim, err, sizeof(err)), 0);
	assert_string_equal(c.method, "POST");
	config_free(&c);
	good(&c);
	assert_int_equal(config_set_method(&c, "PUT", &errstr), 0);
	c.data = xstrdup("{}");
	c.datalen = 2;
	c.data_inline = 1;
	assert_int_equal(config_check(&c, &lim, err, sizeof(err)), 0);
	assert_string_equal(c.method, "PUT");
	config_free(&c);
}

/*
 * Run fn in a child, so that the open-file limits it sets stay its own (a
 * lowered hard limit cannot be raised again), and assert it returned 0.
 */
static void
in_child(int (*fn)(void))
{
	int	 st;
	pid_t	 pid;

	if ((pid = fork()) == 0)
		_exit(fn());
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* The soft limit is raised for the run; the figures say from what. */
static int
nofile_raised(void)
{
	struct config	 c;
	struct limits	 lim;
	struct rlimit	 rl;
	char		 err[256];

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return (10);
	rl.rlim_cur = 256;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		return (11);
	good(&c);
	c.concurrency = 500;
	c.workers = 1;
	if (config_check(&c, &lim, err, sizeof(err)) == -1)
		return (12);
	if (lim.nofile_before != 256 || lim.nofile_need != 564 ||
	    lim.nofile != 564)
		return (13);
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur != 564)
		return (14);
	return (0);
}

static void
test_nofile_raised(void **state)
{
	struct rlimit	 rl;

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 1000)
		skip();
	in_child(nofile_raised);
}

/* Above the hard limit: refused, naming -c or the sweep level at fault. */
static int
nofile_refused(void)
{
	struct config	 c;
	struct limits	 lim;
	struct rlimit	 rl;
	const char	*errstr;
	char		 err[256];

	rl.rlim_cur = rl.rlim_max = 200;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		return (10);
	good(&c);
	c.concurrency = 5000;
	c.workers = 1;
	if (config_check(&c, &lim, err, sizeof(err)) != -1 ||
	    strstr(err, "-c 5000: ") != err ||
	    strstr(err, "ulimit -Hn") == NULL)
		return (11);
	config_free(&c);
	good(&c);
	c.workers = 1;
	if (units_list("10,3000,20", 1, CONCURRENCY_MAX, &c.sweep,
	    &c.nsweep, &errstr) == -1)
		return (12);
	if (config_check(&c, &lim, err, sizeof(err)) != -1 ||
	    strstr(err, "--sweep level 3000: ") != err)
		return (13);
	return (0);
}

static void
test_nofile_refused(void **state)
{
	(void)state;
	in_child(nofile_refused);
}

/* --data-file: read whole; a missing file or a directory is refused. */
static void
test_data_file(void **state)
{
	struct config	 c;
	const char	*errstr;
	char		 path[] = "/tmp/test_config.XXXXXX";
	int		 fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "a\0b\n", 4), 4);
	assert_int_equal(close(fd), 0);
	config_init(&c);
	assert_int_equal(config_set_data_file(&c, path, &errstr), 0);
	assert_int_equal(c.datalen, 4);
	assert_memory_equal(c.data, "a\0b\n", 4);
	assert_string_equal(c.data_file, path);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(config_set_data_file(&c, path, &errstr), -1);
	assert_string_equal(errstr, "No such file or directory");
	assert_int_equal(config_set_data_file(&c, "/tmp", &errstr), -1);
	assert_string_equal(errstr, "not a regular file");
	/* The failures left the body read before alone. */
	assert_int_equal(c.datalen, 4);
	config_free(&c);
}

/* How many workers a level gets: -w, a plugin's one per task, or CPUs. */
static void
test_workers(void **state)
{
	struct config	 c;
	long		 ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	(void)state;
	good(&c);
	c.workers = 4;
	assert_int_equal(config_workers(&c, 10), 4);
	assert_int_equal(config_workers(&c, 3), 3);
	c.workers = 0;
	assert_int_equal(config_workers(&c, 1), 1);
	assert_int_equal(config_workers(&c, 10000), 10000 / CONNS_PER_WORKER +
	    1 > ncpu ? 10000 / CONNS_PER_WORKER + 1 : ncpu);
	/* The native engine keeps one worker per CPU, whatever -c. */
	c.kind = ENGINE_NATIVE;
	assert_int_equal(config_workers(&c, 10000), ncpu);
	c.kind = ENGINE_PLUGIN;
	assert_int_equal(config_workers(&c, 7), 7);
	config_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_exec_and_plugin),
		cmocka_unit_test(test_no_url),
		cmocka_unit_test(test_task_output),
		cmocka_unit_test(test_sweep_and_c),
		cmocka_unit_test(test_data_and_file),
		cmocka_unit_test(test_plugin_url),
		cmocka_unit_test(test_plugin_workers),
		cmocka_unit_test(test_plugin_concurrency),
		cmocka_unit_test(test_url_libcurl),
		cmocka_unit_test(test_body_method),
		cmocka_unit_test(test_nofile_raised),
		cmocka_unit_test(test_nofile_refused),
		cmocka_unit_test(test_data_file),
		cmocka_unit_test(test_workers),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
