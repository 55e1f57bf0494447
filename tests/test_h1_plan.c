/*
 * Unit tests of h1_plan.c: which URLs the native engine takes, and the
 * exact bytes of the requests it builds for them before any fork.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "forkload.h"

#define UA	"User-Agent: forkload/" FORKLOAD_VERSION "\r\n"

/* The request the plan holds for url under c, NUL-ended, and its plan. */
static char *
request(struct config *c, const char *url, struct h1_plan **pp)
{
	struct h1_plan	*p;
	const char	*errstr;
	char		*s;

	assert_int_equal(config_add_url(c, url, &errstr), 0);
	p = h1_plan_new(c);
	s = malloc(p->t[c->nurls - 1].reqlen + 1);
	assert_non_null(s);
	memcpy(s, p->t[c->nurls - 1].req, p->t[c->nurls - 1].reqlen);
	s[p->t[c->nurls - 1].reqlen] = '\0';
	if (pp != NULL)
		*pp = p;
	else
		h1_plan_free(p);
	return (s);
}

static void
test_get(void **state)
{
	struct config	 c;
	struct h1_plan	*p;
	char		*s;

	(void)state;
	config_init(&c);
	s = request(&c, "http://127.0.0.1:8080/a/b?x=1&y=2#frag", &p);
	assert_string_equal(s, "GET /a/b?x=1&y=2 HTTP/1.1\r\n"
	    "Host: 127.0.0.1:8080\r\n" UA "Accept: */*\r\n\r\n");
	assert_int_equal(p->t[0].naddr, 1);
	assert_int_equal(p->t[0].addr[0].ss_family, AF_INET);
	assert_int_equal(p->t[0].head, 0);
	free(s);
	h1_plan_free(p);
	config_free(&c);
}

/* The default port stays out of Host, an IPv6 literal is bracketed. */
static void
test_host(void **state)
{
	struct config	 c;
	struct h1_plan	*p;
	char		*s;

	(void)state;
	config_init(&c);
	s = request(&c, "http://127.0.0.1:80", NULL);
	assert_string_equal(s, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" UA
	    "Accept: */*\r\n\r\n");
	free(s);
	s = request(&c, "http://[::1]:9/v6", &p);
	assert_string_equal(s, "GET /v6 HTTP/1.1\r\nHost: [::1]:9\r\n" UA
	    "Accept: */*\r\n\r\n");
	assert_int_equal(p->t[1].addr[0].ss_family, AF_INET6);
	/* Two URLs at two addresses: two pools. */
	assert_int_equal(p->t[0].pool, 0);
	assert_int_equal(p->t[1].pool, 1);
	free(s);
	h1_plan_free(p);
	config_free(&c);
}

/* A body, the user's headers, a default removed, one replaced. */
static void
test_post(void **state)
{
	struct config	 c;
	const char	*errstr;
	char		*s;

	(void)state;
	config_init(&c);
	assert_int_equal(config_add_header(&c, "Accept:", &errstr), 0);
	assert_int_equal(config_add_header(&c, "User-Agent: me", &errstr), 0);
	assert_int_equal(config_add_header(&c, "X-A: 1", &errstr), 0);
	assert_int_equal(config_set_method(&c, "POST", &errstr), 0);
	c.data = xstrdup("a=1&b=2");
	c.datalen = 7;
	s = request(&c, "http://127.0.0.1:1/f", NULL);
	assert_string_equal(s, "POST /f HTTP/1.1\r\nHost: 127.0.0.1:1\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "User-Agent: me\r\nX-A: 1\r\nContent-Length: 7\r\n\r\na=1&b=2");
	free(s);
	config_free(&c);
}

/* HEAD: the plan knows that no body comes back; same-address pooling. */
static void
test_head(void **state)
{
	struct config	 c;
	struct h1_plan	*p;
	const char	*errstr;
	char		*s;

	(void)state;
	config_init(&c);
	assert_int_equal(config_set_method(&c, "HEAD", &errstr), 0);
	s = request(&c, "http://127.0.0.1:7/a", NULL);
	free(s);
	s = request(&c, "http://127.0.0.1:7/b", &p);
	assert_int_equal(p->t[0].head, 1);
	assert_int_equal(p->t[1].pool, 0);
	free(s);
	h1_plan_free(p);
	config_free(&c);
}

/* What the native engine cannot run, and why. */
static void
test_check(void **state)
{
	static const struct {
		const char	*url;
		const char	*why;
	} bad[] = {
		{ "https://127.0.0.1/", "only http:// runs" },
		{ "http://u:p@127.0.0.1/", "credentials" },
		{ "http://127.0.0.1:99999/", "cannot parse" },
		{ "http://[::1/", "cannot parse" },
		{ "http://[1:2:3:x]/", "cannot parse" },
		{ "http:///path", "cannot parse" },
	};
	const char	*errstr;
	char		 host[256];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errstr = NULL;
		if (h1_plan_check_url(bad[i].url, host, sizeof(host),
		    &errstr) != -1)
			fail_msg("%s was taken", bad[i].url);
		if (strstr(errstr, bad[i].why) == NULL)
			fail_msg("%s: \"%s\", want \"%s\"", bad[i].url,
			    errstr, bad[i].why);
	}
	assert_int_equal(h1_plan_check_url("HTTP://LocalHost:81/x", host,
	    sizeof(host), &errstr), 0);
	assert_string_equal(host, "LocalHost");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_post),
		cmocka_unit_test(test_head),
		cmocka_unit_test(test_check),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
