/*
 * The public plugin API of forkload: a shared library that exports
 * forkload_task_run() can be the task of a run (forkload run --plugin).
 * See forkload-plugin(3).
 */
#ifndef FORKLOAD_TASK_H
#define FORKLOAD_TASK_H

#include <stdint.h>

#define FORKLOAD_TASK_API	1

#ifdef __cplusplus
extern "C" {
#endif

/* What a plugin exports must stay visible under -fvisibility=hidden. */
#define FORKLOAD_TASK_EXPORT \
	__attribute__((__visibility__("default")))

/* One task, as forkload hands it to the plugin. */
struct forkload_task {
	uint64_t	 seq;		/* 0-based task index in the run */
	unsigned	 worker;	/* the worker's id in the report */
	const char	*arg;		/* ARG in --plugin LIB:ARG, or NULL */
	void		*state;		/* the plugin's own, per worker */
};

/*
 * Every plugin states the API it was built for, once, at file scope:
 *	FORKLOAD_TASK_PLUGIN;
 */
FORKLOAD_TASK_EXPORT extern const unsigned int forkload_task_api;
#define FORKLOAD_TASK_PLUGIN \
	const unsigned int forkload_task_api = FORKLOAD_TASK_API

/* Run one task; return 0 for ok, anything else is counted as PLUGIN_<n>. */
FORKLOAD_TASK_EXPORT int	forkload_task_run(struct forkload_task *);
/* Optional: once per worker before its first task; non-zero stops it. */
FORKLOAD_TASK_EXPORT int	forkload_task_init(struct forkload_task *);
/* Optional: once per worker after its last task. */
FORKLOAD_TASK_EXPORT void	forkload_task_fini(struct forkload_task *);

#ifdef __cplusplus
}
#endif

#endif
