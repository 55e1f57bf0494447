/*
 * The target server's listen socket, made from "ADDR:PORT" or
 * "[ADDR6]:PORT" before libmicrohttpd starts, so that a bad address gets a
 * clear message and port 0 can be read back as the port really bound.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "forkload.h"

#define LISTEN_BACKLOG	4096

static char	listen_errbuf[256];

static int	listen_parse(const char *, char *, size_t, const char **,
		    int *);
static int	listen_open(const struct addrinfo *, int *, unsigned int *);

/*
 * Split addr into its numeric host, copied to host, and its port, which
 * points into addr; *v6p tells whether the host was bracketed.
 */
static int
listen_parse(const char *addr, char *host, size_t hostsize,
    const char **portp, int *v6p)
{
	const char	*colon, *close_br, *start;
	long long	 n;
	size_t		 hostlen;
	int		 bracketed;

	bracketed = addr[0] == '[';
	if (bracketed) {
		if ((close_br = strchr(addr, ']')) == NULL ||
		    close_br[1] != ':')
			return (-1);
		colon = close_br + 1;
		start = addr + 1;
	} else {
		if ((colon = strrchr(addr, ':')) == NULL)
			return (-1);
		start = addr;
	}
	hostlen = (colon - bracketed) - start;
	if (hostlen == 0 || hostlen >= hostsize)
		return (-1);
	memcpy(host, start, hostlen);
	host[hostlen] = '\0';
	/* An IPv6 address needs brackets, or its port would be ambiguous. */
	if (!bracketed && strchr(host, ':') != NULL)
		return (-1);
	if (units_decimal(colon + 1, 0, 65535, &n) == -1)
		return (-1);
	*portp = colon + 1;
	*v6p = bracketed;
	return (0);
}

/*
 * Bind and listen on res, and read back the port bound. On failure the
 * socket is closed and errno is that of the call that failed.
 */
static int
listen_open(const struct addrinfo *res, int *fdp, unsigned int *portp)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	int			 fd, on, flags, saved;

	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return (-1);
	on = 1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		goto fail;
	/* "[::]" means IPv6 only, so that the two families act alike. */
	if (res->ai_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) == -1)
		goto fail;
	if (bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    listen(fd, LISTEN_BACKLOG) == -1)
		goto fail;
	/* MHD does it too, but a blocking accept() could stall its thread. */
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		goto fail;
	sslen = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1)
		goto fail;
	if (ss.ss_family == AF_INET6)
		*portp = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		*portp = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	*fdp = fd;
	return (0);

fail:
	saved = errno;
	close(fd);
	errno = saved;
	return (-1);
}

/*
 * Parse "ADDR:PORT" or "[ADDR6]:PORT" with numeric addresses only, and
 * return 0 with a bound, listening, non-blocking socket in *fdp and its
 * actual port in *portp, or -1 with *errstr set until the next call.
 */
int
listen_socket(const char *addr, int *fdp, unsigned int *portp,
    const char **errstr)
{
	struct addrinfo	 hints, *res;
	char		 host[256];
	const char	*port;
	int		 v6, saved;

	if (listen_parse(addr, host, sizeof(host), &port, &v6) == -1)
		goto bad;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = v6 ? AF_INET6 : AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		goto bad;
	if (listen_open(res, fdp, portp) == -1) {
		saved = errno;
		freeaddrinfo(res);
		(void)snprintf(listen_errbuf, sizeof(listen_errbuf),
		    "cannot listen on %s: %s", addr, strerror(saved));
		*errstr = listen_errbuf;
		return (-1);
	}
	freeaddrinfo(res);
	return (0);

bad:
	(void)snprintf(listen_errbuf, sizeof(listen_errbuf),
	    "bad listen address: %s", addr);
	*errstr = listen_errbuf;
	return (-1);
}
