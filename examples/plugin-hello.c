/*
 * An example forkload plugin, to copy and adapt: each task reads a file
 * and checks that its contents have not changed since the worker started,
 * which puts open/read/close and a little hashing under load.
 */

/*
 * Build it against the installed header, which pkg-config finds (or
 * with -Iinclude in the source tree), and run 1000 tasks in 4 workers on
 * a file of your choice:
 *
 *	cc $(pkg-config --cflags forkload) -shared -fPIC \
 *	    -o plugin-hello.so plugin-hello.c
 *	forkload run -n 1000 -c 4 --plugin ./plugin-hello.so:/etc/services
 *
 * The ARG after the colon is the file to read.  A task returns 0 when
 * the file is unchanged, and otherwise one of the HELLO_ codes below,
 * which the report counts as errors["PLUGIN_1"], ["PLUGIN_2"] and so on.
 * Try it by editing the file during a long run (-d 30s).
 *
 * Remember how forkload runs a plugin (see forkload-plugin(3)):
 * - each worker is a process of its own, which runs one task at a time,
 *   so nothing here needs a lock;
 * - forkload_task_init() runs once per worker, before its first task,
 *   and forkload_task_fini() once after its last; per-worker data goes
 *   in t->state, not in globals set up by a constructor, because the
 *   library is also loaded once in the parent, to check it;
 * - t->seq numbers the tasks of the whole run, so no two tasks, even in
 *   different workers, see the same one; no task should care which
 *   worker runs it;
 * - a worker's stdout is /dev/null: write messages to stderr, a whole
 *   line at a time, since the workers share it;
 * - if a task crashes, only its worker dies; the report says which task.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <forkload/task.h>

/* Say which API this plugin was built for; forkload checks it. */
FORKLOAD_TASK_PLUGIN;

/* A task's results, as counted in the report: PLUGIN_<code>. */
enum {
	HELLO_OK = 0,
	HELLO_EOPEN = 1,	/* the file could not be opened */
	HELLO_EREAD = 2,	/* reading it failed */
	HELLO_ESIZE = 3,	/* its size changed */
	HELLO_ECHANGED = 4	/* same size, other contents */
};

/* The larger files are refused, to keep the scratch buffer small. */
#define HELLO_MAXSIZE	(16 * 1024 * 1024)

/* What one worker keeps from task to task, in t->state. */
struct hello {
	const char	*path;		/* the file, from t->arg */
	unsigned char	*buf;		/* scratch: one read of the file */
	size_t		 bufsize;	/* the file's size, plus one */
	size_t		 size;		/* the file's size at init */
	uint64_t	 hash;		/* its hash at init */
	uint64_t	 tasks;		/* tasks run by this worker */
	uint64_t	 failed;	/* of which returned non-zero */
};

/* Hash len bytes of buf with 64-bit FNV-1a; return the hash. */
static uint64_t
hello_hash(const unsigned char *buf, size_t len)
{
	uint64_t	 h = UINT64_C(14695981039346656037);
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= buf[i];
		h *= UINT64_C(1099511628211);
	}
	return (h);
}

/*
 * Read the file into h->buf, at most h->bufsize bytes; return the number
 * of bytes read and 0, or a HELLO_ code.  Reading one byte more than the
 * file had at init is how a file that grew is caught.
 */
static int
hello_read(struct hello *h, size_t *lenp)
{
	ssize_t	 n;
	size_t	 len = 0;
	int	 fd, code = HELLO_OK;

	if ((fd = open(h->path, O_RDONLY)) == -1)
		return (HELLO_EOPEN);
	while (len < h->bufsize) {
		n = read(fd, h->buf + len, h->bufsize - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			code = HELLO_EREAD;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	*lenp = len;
	return (code);
}

/*
 * Once per worker: check the argument, allocate the state and take the
 * file's reference hash.  Return 0, or non-zero to stop this worker,
 * after saying why on stderr.
 */
int
forkload_task_init(struct forkload_task *t)
{
	struct hello	*h;
	struct stat	 st;
	size_t		 len;

	if (t->arg == NULL || *t->arg == '\0') {
		fprintf(stderr, "plugin-hello: no file: use "
		    "--plugin plugin-hello.so:FILE\n");
		return (1);
	}
	if (stat(t->arg, &st) == -1) {
		fprintf(stderr, "plugin-hello: %s: %s\n", t->arg,
		    strerror(errno));
		return (1);
	}
	if (!S_ISREG(st.st_mode) || st.st_size > HELLO_MAXSIZE) {
		fprintf(stderr, "plugin-hello: %s: not a regular file of at "
		    "most %d bytes\n", t->arg, HELLO_MAXSIZE);
		return (1);
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		goto fail;
	h->path = t->arg;
	h->size = (size_t)st.st_size;
	h->bufsize = h->size + 1;
	if ((h->buf = malloc(h->bufsize)) == NULL)
		goto fail;
	if (hello_read(h, &len) != HELLO_OK || len != h->size) {
		fprintf(stderr, "plugin-hello: %s: cannot read it whole\n",
		    t->arg);
		free(h->buf);
		free(h);
		return (1);
	}
	h->hash = hello_hash(h->buf, len);
	t->state = h;
	return (0);

fail:
	fprintf(stderr, "plugin-hello: out of memory\n");
	if (h != NULL)
		free(h->buf);
	free(h);
	return (1);
}

/*
 * One task: read the file again and compare it with what init saw.
 * Return 0 if it is the same, else the HELLO_ code of the difference.
 */
int
forkload_task_run(struct forkload_task *t)
{
	struct hello	*h = t->state;
	size_t		 len;
	int		 code;

	h->tasks++;
	if ((code = hello_read(h, &len)) == HELLO_OK) {
		if (len != h->size)
			code = HELLO_ESIZE;
		else if (hello_hash(h->buf, len) != h->hash)
			code = HELLO_ECHANGED;
	}
	if (code != HELLO_OK)
		h->failed++;
	return (code);
}

/*
 * Once per worker, after its last task: report and free the state.  It
 * is not called for a worker that crashed or was killed.
 */
void
forkload_task_fini(struct forkload_task *t)
{
	struct hello	*h = t->state;

	if (h == NULL)
		return;
	fprintf(stderr, "plugin-hello: worker %u: %" PRIu64 " tasks, %"
	    PRIu64 " failed\n", t->worker, h->tasks, h->failed);
	free(h->buf);
	free(h);
	t->state = NULL;
}
