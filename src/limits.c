/*
 * The system limits a run needs, checked and raised before anything
 * forks: today the open-file limit, since each connection is a socket.
 * The report says what was needed and what was raised.
 */
#include <sys/resource.h>

#include "forkload.h"

/*
 * Make room for need descriptors, raising the soft limit up to the hard
 * one; lim says what it was and what it is now. Returns 0, or -1 with
 * *errstr set when the hard limit is too low or cannot be read.
 */
int
limits_raise_nofile(uint64_t need, struct limits *lim, const char **errstr)
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
