/*
 * Time sources: a monotonic clock for measuring, shared by the parent and
 * the workers (CLOCK_MONOTONIC is system-wide), and wall time for reports.
 */
#include <stdio.h>
#include <time.h>

#include "forkload.h"

/* Return monotonic time in nanoseconds. */
uint64_t
clock_now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec);
}

/* Write the current UTC time in RFC 3339 form, with microseconds. */
void
clock_rfc3339(char *buf, size_t len)
{
	struct timespec	 ts;
	struct tm	 tm;
	char		 base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%06ldZ", base, ts.tv_nsec / 1000);
}
