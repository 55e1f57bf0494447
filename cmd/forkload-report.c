/*
 * forkload report REPORT [--format text|json|hgrm] [-o FILE]: a saved
 * report read back (report_read.c) and shown again, as the summary the
 * run printed, as the JSON itself, or as an HdrHistogram distribution.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forkload.h"
#include "forkload-cmd.h"

enum report_format { RF_TEXT, RF_JSON, RF_HGRM };

/* One line on stderr about bad usage of report, and the usage status. */
static int
report_usage(const char *what, const char *value)
{
	fprintf(stderr, "forkload report: %s%s%s%s (see forkload --help)\n",
	    what, value != NULL ? " '" : "", value != NULL ? value : "",
	    value != NULL ? "'" : "");
	return (EXIT_USAGE);
}

/* The text of the report in the format asked, which the caller frees. */
static char *
report_render(const struct report_in *in, enum report_format fmt)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 len = 0;
	int	 bad;

	if (fmt == RF_JSON)
		return (report_in_dump(in));
	/* In memory first: -o must get all of it, or nothing. */
	if ((f = open_memstream(&buf, &len)) == NULL)
		return (NULL);
	if (fmt == RF_TEXT)
		summary_print(f, &in->rep);
	else
		(void)report_hgrm(f, &in->rep);
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		free(buf);
		return (NULL);
	}
	return (buf);
}

/* Run `forkload report`; returns the exit status. */
int
cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format",	required_argument, NULL, 'f' },
		{ "output",	required_argument, NULL, 'o' },
		{ NULL,		0,		   NULL, 0 }
	};
	struct report_in	 in;
	enum report_format	 fmt = RF_TEXT;
	const char		*out = NULL;
	char			 err[512], *text;
	int			 ch, rv;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:f:o:", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'f':
			if (strcmp(optarg, "text") == 0)
				fmt = RF_TEXT;
			else if (strcmp(optarg, "json") == 0)
				fmt = RF_JSON;
			else if (strcmp(optarg, "hgrm") == 0)
				fmt = RF_HGRM;
			else
				return (report_usage("--format is text, json "
				    "or hgrm, not", optarg));
			break;
		case 'o':
			out = optarg;
			break;
		case ':':
			return (report_usage("an option needs a value:",
			    argv[optind - 1]));
		default:
			return (report_usage("unknown option",
			    argv[optind - 1]));
		}
	}
	if (optind >= argc)
		return (report_usage("which report? give a REPORT file",
		    NULL));
	if (argc - optind > 1)
		return (report_usage("one report only, not also",
		    argv[optind + 1]));
	if (report_read(argv[optind], &in, err, sizeof(err)) == -1) {
		fprintf(stderr, "forkload report: %s\n", err);
		report_in_free(&in);
		return (EXIT_USAGE);
	}
	text = report_render(&in, fmt);
	report_in_free(&in);
	if (text == NULL) {
		fprintf(stderr, "forkload report: out of memory\n");
		return (EXIT_SYSTEM);
	}
	rv = EXIT_PASSED;
	if (out != NULL && report_write_text(text, out) == -1) {
		log_warn("report: %s", out);
		rv = EXIT_SYSTEM;
	} else if (out == NULL && (fputs(text, stdout) == EOF ||
	    fflush(stdout) != 0)) {
		log_warn("report: stdout");
		rv = EXIT_SYSTEM;
	}
	free(text);
	return (rv);
}
