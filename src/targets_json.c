/*
 * --targets as JSON lines, vegeta's JSON format: one object a line,
 * {"method": "GET", "url": "...", "header": {"Name": ["value", ...]},
 * "body": "base64"}, method and url required. A header's value may also
 * be a single string. Unknown keys are refused, as a typo would be.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "forkload.h"

/* The value of one base64 character, or -1. */
static int
targets_b64(int ch)
{
	static const char	 set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char		*p;

	if (ch == '\0' || (p = strchr(set, ch)) == NULL)
		return (-1);
	return ((int)(p - set));
}

/*
 * Decode standard base64 (padding optional) into a buffer to free, its
 * length in *lenp; NULL when s is not base64.
 */
static char *
targets_unbase64(const char *s, size_t *lenp)
{
	size_t		 n = strlen(s), i, out = 0;
	unsigned int	 acc = 0;
	int		 v, bits = 0;
	char		*buf;

	while (n > 0 && s[n - 1] == '=')
		n--;
	if (n % 4 == 1 || strlen(s) - n > 2)
		return (NULL);
	buf = xmalloc(n * 3 / 4 + 1);
	for (i = 0; i < n; i++) {
		if ((v = targets_b64((unsigned char)s[i])) == -1) {
			free(buf);
			return (NULL);
		}
		acc = (acc << 6) | (unsigned int)v;
		if ((bits += 6) >= 8) {
			bits -= 8;
			buf[out++] = (char)((acc >> bits) & 0xff);
		}
	}
	buf[out] = '\0';
	*lenp = out;
	return (buf);
}

/* Add "name: value" to target t; 0, or -1 with *errstr set. */
static int
targets_json_header(struct config_target *t, const char *name,
    const char *value, const char **errstr)
{
	char	*h;
	int	 rv;

	if (asprintf(&h, "%s: %s", name, value) == -1)
		fatal("asprintf");
	rv = config_header_add(&t->headers, &t->nheaders, h, errstr);
	free(h);
	return (rv);
}

/* Add the headers of a "header" object to target t; 0 or -1. */
static int
targets_json_headers(struct config_target *t, json_t *hdr,
    const char **errstr)
{
	const char	*name;
	json_t		*v, *e;
	size_t		 i;

	if (!json_is_object(hdr)) {
		*errstr = "'header' is not an object";
		return (-1);
	}
	json_object_foreach(hdr, name, v) {
		if (json_is_string(v)) {
			if (targets_json_header(t, name, json_string_value(v),
			    errstr) == -1)
				return (-1);
			continue;
		}
		if (!json_is_array(v)) {
			*errstr = "a header's value is a string or an array";
			return (-1);
		}
		json_array_foreach(v, i, e) {
			if (!json_is_string(e)) {
				*errstr = "a header's values are strings";
				return (-1);
			}
			if (targets_json_header(t, name, json_string_value(e),
			    errstr) == -1)
				return (-1);
		}
	}
	return (0);
}

/* Check that o has only the keys of a target; 0, or -1 with *errstr. */
static int
targets_json_keys(json_t *o, const char **errstr)
{
	static char	 msg[128];
	const char	*k;
	json_t		*v;

	json_object_foreach(o, k, v) {
		if (strcmp(k, "method") != 0 && strcmp(k, "url") != 0 &&
		    strcmp(k, "header") != 0 && strcmp(k, "body") != 0) {
			snprintf(msg, sizeof(msg), "unknown key '%.64s'", k);
			*errstr = msg;
			return (-1);
		}
	}
	return (0);
}

/*
 * Take one JSON line: a blank one is skipped, anything else is a target.
 * Returns 0, or -1 with *errstr set.
 */
int
targets_json_line(struct config *c, const char *line, const char **errstr)
{
	static char		 msg[192];
	struct config_target	*t;
	json_error_t		 jerr;
	json_t			*o, *m, *u, *b, *h;
	int			 rv = -1;

	if (line[strspn(line, " \t\r")] == '\0')
		return (0);
	if ((o = json_loads(line, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		snprintf(msg, sizeof(msg), "not JSON: %s", jerr.text);
		*errstr = msg;
		return (-1);
	}
	m = json_object_get(o, "method");
	u = json_object_get(o, "url");
	b = json_object_get(o, "body");
	h = json_object_get(o, "header");
	if (!json_is_object(o))
		*errstr = "a target is a JSON object";
	else if (targets_json_keys(o, errstr) == -1)
		;
	else if (!json_is_string(m) || !json_is_string(u))
		*errstr = "'method' and 'url' are required strings";
	else if (b != NULL && !json_is_string(b))
		*errstr = "'body' is a base64 string";
	else if ((t = targets_add(c, json_string_value(m),
	    json_string_value(u), errstr)) == NULL)
		;
	else if (h != NULL && targets_json_headers(t, h, errstr) == -1)
		;
	else if (b != NULL && (t->body = targets_unbase64(
	    json_string_value(b), &t->bodylen)) == NULL)
		*errstr = "'body' is not base64";
	else
		rv = 0;
	json_decref(o);
	return (rv);
}
