/*
 * The set of HTTP status codes a run accepts (--expect-status): exact codes
 * and whole classes such as "2xx", kept as a bitmap indexed by code.
 */

#include <string.h>

#include "forkload.h"

static void
status_add(struct statusset *set, unsigned int code)
{
	set->bits[code / 8] |= 1U << (code % 8);
}

static int
isdigitc(char ch)
{
	return (ch >= '0' && ch <= '9');
}

static int
isxc(char ch)
{
	return (ch == 'x' || ch == 'X');
}

/*
 * Parses a comma-separated list of codes 100..599 and classes 1xx..5xx
 * into a cleared set; returns 0, or -1 with *errstr set and the set empty.
 */
int
status_parse(struct statusset *set, const char *s, const char **errstr)
{
	const char	*p, *end, *reason;
	unsigned int	 code, i;
	size_t		 len;

	memset(set, 0, sizeof(*set));
	for (p = s;; p = end + 1) {
		end = strchr(p, ',');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		if (len == 0) {
			reason = "empty item";
			goto bad;
		}
		/* Every form is exactly three characters: "200" or "2xx". */
		if (len != 3 || !isdigitc(p[0])) {
			reason = "invalid";
			goto bad;
		}
		if (isdigitc(p[1]) && isdigitc(p[2])) {
			code = (p[0] - '0') * 100 + (p[1] - '0') * 10 +
			    (p[2] - '0');
			if (code < 100 || code > 599) {
				reason = "out of range";
				goto bad;
			}
			status_add(set, code);
		} else if (isxc(p[1]) && isxc(p[2])) {
			code = (p[0] - '0') * 100;
			if (code < 100 || code > 500) {
				reason = "out of range";
				goto bad;
			}
			for (i = 0; i < 100; i++)
				status_add(set, code + i);
		} else {
			reason = "invalid";
			goto bad;
		}
		if (end == NULL)
			break;
	}
	if (errstr != NULL)
		*errstr = NULL;
	return (0);

bad:
	/* Leave no half-parsed list behind. */
	memset(set, 0, sizeof(*set));
	if (errstr != NULL)
		*errstr = reason;
	return (-1);
}

/* Returns 1 when the code is in the set, 0 when it is not. */
int
status_match(const struct statusset *set, unsigned int code)
{
	if (code >= sizeof(set->bits) * 8)
		return (0);
	return ((set->bits[code / 8] >> (code % 8)) & 1);
}
