/*
 * The plugin engine: each task calls forkload_task_run() in a shared
 * library (include/forkload/task.h). A worker runs one task at a time and
 * notes it in shared memory, so the parent can name the task that crashed
 * or hung its worker.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "forkload.h"
#include "forkload/task.h"

/* Return the report's name of a plugin's error code, using buf. */
const char *
plugin_error_name(int code, char *buf, size_t len)
{
	if (code < 0)
		snprintf(buf, len, "PLUGIN_NEG%lld", -(long long)code);
	else
		snprintf(buf, len, "PLUGIN_%d", code);
	return (buf);
}

/*
 * Check, before anything forks, that path is a plugin this forkload can
 * run: it loads, states our API version and exports forkload_task_run.
 * Returns 0, or -1 with *errstr set.
 */
int
plugin_check(const char *path, const char **errstr)
{
	static char		 msg[512];
	const unsigned int	*api;
	void			*h;

	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		strlcpy(msg, dlerror(), sizeof(msg));
		*errstr = msg;
		return (-1);
	}
	if ((api = dlsym(h, "forkload_task_api")) == NULL) {
		*errstr = "no forkload_task_api: build it with "
		    "FORKLOAD_TASK_PLUGIN from <forkload/task.h>";
		dlclose(h);
		return (-1);
	}
	if (*api != FORKLOAD_TASK_API) {
		snprintf(msg, sizeof(msg), "built for plugin API %u, this "
		    "forkload runs API %u", *api, FORKLOAD_TASK_API);
		*errstr = msg;
		dlclose(h);
		return (-1);
	}
	if (dlsym(h, "forkload_task_run") == NULL) {
		*errstr = "does not export forkload_task_run";
		dlclose(h);
		return (-1);
	}
	dlclose(h);
	return (0);
}

/* Run a worker's share of plugin tasks, one at a time. */
int
plugin_run(struct worker *w)
{
	struct forkload_task	 t;
	struct result		 r;
	int			(*run)(struct forkload_task *);
	int			(*init)(struct forkload_task *);
	void			(*fini)(struct forkload_task *);
	uint64_t		 seq, start, sched;
	void			*h;
	int			 rc;

	worker_hello(w, "plugin");
	if ((h = dlopen(w->conf->plugin_path, RTLD_NOW | RTLD_LOCAL)) == NULL)
		fatalx("%s", dlerror());
	/* POSIX lets dlsym()'s void * stand for a function pointer. */
	*(void **)&run = dlsym(h, "forkload_task_run");
	*(void **)&init = dlsym(h, "forkload_task_init");
	*(void **)&fini = dlsym(h, "forkload_task_fini");
	if (run == NULL)
		fatalx("%s: no forkload_task_run", w->conf->plugin_path);

	memset(&t, 0, sizeof(t));
	t.worker = (unsigned)w->id;
	t.arg = w->conf->plugin_arg;
	/*
	 * No signal stops a task: an interrupted run sets a flag in shared
	 * memory, checked between tasks, so the task in flight runs to its
	 * end without an EINTR. --timeout watches init and fini too.
	 */
	if (init != NULL) {
		worker_hook_begin(w);
		if ((rc = init(&t)) != 0)
			fatalx("forkload_task_init returned %d", rc);
		worker_task_end(w);
	}
	while (worker_claim(w, &seq, &sched)) {
		t.seq = seq;
		worker_task_begin(w, seq);
		start = clock_now_ns();
		rc = run(&t);
		memset(&r, 0, sizeof(r));
		r.seq = seq;
		r.start_ns = start - w->run_start_ns;
		r.sched_ns = sched_open(&w->sched) ? sched - w->run_start_ns :
		    r.start_ns;
		r.latency_ns = clock_now_ns() - start;
		r.error = rc;
		worker_task_end(w);
		worker_emit(w, &r);
		/* After a slow task send at once, for the parent's progress. */
		if (r.latency_ns >= NS_PER_MS)
			worker_flush(w);
		else
			worker_tick(w);
	}
	if (fini != NULL) {
		worker_hook_begin(w);
		fini(&t);
		worker_task_end(w);
	}
	/* No dlclose(): the worker is about to _exit() anyway. */
	return (0);
}
