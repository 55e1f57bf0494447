/*
 * The subcommands of forkload(1) beside run, each in its own file of
 * cmd/, for cmd/forkload.c to dispatch to.
 */
#ifndef FORKLOAD_CMD_H
#define FORKLOAD_CMD_H

/* forkload-report.c */
int	cmd_report(int, char **);

#endif /* FORKLOAD_CMD_H */
