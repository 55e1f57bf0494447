/*
 * forkload-target: run the bundled target server until SIGINT or SIGTERM.
 * It prints its port alone on one line, so that scripts can read it.
 */

#include <sys/types.h>
#include <sys/resource.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forkload.h"

#define PROGNAME	"forkload-target"

static void	usage(FILE *);
static void	raise_nofile(void);
static int	block_signals(sigset_t *);

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: %s [--listen addr:port] [-h | --help] "
	    "[-V | --version]\n", PROGNAME);
}

/* Many concurrent clients need many descriptors: take all we may. */
static void
raise_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/*
 * Block the stop signals before the server starts, so that its threads
 * inherit the mask and sigwait() in main is the only place they are taken.
 * SIGPIPE is ignored: a client that goes away is normal.
 */
static int
block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, set, NULL) == -1)
		return (-1);
	signal(SIGPIPE, SIG_IGN);
	return (0);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "listen",	required_argument,	NULL,	'l' },
		{ "help",	no_argument,		NULL,	'h' },
		{ "version",	no_argument,		NULL,	'V' },
		{ NULL,		0,			NULL,	0 }
	};
	struct target	*t;
	const char	*listen_addr = NULL, *errstr;
	sigset_t	 set;
	int		 ch, sig;

	/* Our own messages: one line, naming the bad value. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			listen_addr = optarg;
			break;
		case 'h':
			usage(stdout);
			return (0);
		case 'V':
			printf("%s %s\n", PROGNAME, FORKLOAD_VERSION);
			return (0);
		case ':':
			fprintf(stderr, "%s: option needs a value: %s\n",
			    PROGNAME, argv[optind - 1]);
			return (EXIT_USAGE);
		default:
			/* A long option names itself; a short one, optopt. */
			if (strncmp(argv[optind - 1], "--", 2) == 0)
				fprintf(stderr, "%s: bad option: %s\n",
				    PROGNAME, argv[optind - 1]);
			else
				fprintf(stderr, "%s: bad option: -%c\n",
				    PROGNAME, optopt);
			return (EXIT_USAGE);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument: %s\n", PROGNAME,
		    argv[optind]);
		return (EXIT_USAGE);
	}

	if (block_signals(&set) == -1) {
		perror(PROGNAME ": sigprocmask");
		return (EXIT_SYSTEM);
	}
	raise_nofile();

	if ((t = target_start(listen_addr, &errstr)) == NULL) {
		fprintf(stderr, "%s: %s\n", PROGNAME, errstr);
		return (EXIT_USAGE);
	}
	printf("%u\n", target_port(t));
	if (fflush(stdout) == EOF) {
		perror(PROGNAME ": stdout");
		target_stop(t);
		return (EXIT_SYSTEM);
	}

	do {
		if (sigwait(&set, &sig) != 0)
			sig = 0;
	} while (sig != SIGINT && sig != SIGTERM);
	target_stop(t);
	return (0);
}
