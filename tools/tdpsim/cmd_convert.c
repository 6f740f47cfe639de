/* SPDX-License-Identifier: MIT */
/* tdpsim convert: the same events in another encoding. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: tdpsim convert IN OUT\n"
	"\n"
	"Rewrite the trace IN as OUT, losslessly.  OUT's name chooses the encoding: .tdpt text,\n"
	".tdpb binary, and a trailing .gz compresses (OUT '-' writes text to stdout).  OUT\n"
	"appears only when the whole trace was converted.\n";

int cmd_convert(int argc, char **argv)
{
	tdpsim_trace *in = NULL;
	tdpsim_trace_writer *w = NULL;
	tdpsim_event ev;
	int rc;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(usage, stdout);
		return EXIT_DONE;
	}
	if (argc != 3)
		return cli_usage_error("convert: expected IN and OUT (try --help)");
	if (outfile_is_input(argv[2], argv[1]))
		return cli_usage_error("convert: %s is IN itself: writing it would destroy it",
				       argv[2]);
	/* OUT first: a bad OUT is refused before IN is read (IN may be a pipe). */
	if (tdpsim_trace_writer_new(&w, argv[2]) < 0)
		return cli_fail();
	if (tdpsim_trace_open(&in, argv[1]) < 0) {
		tdpsim_trace_writer_abort(w);
		return cli_fail();
	}
	while ((rc = tdpsim_trace_next(in, &ev)) > 0)
		if ((rc = tdpsim_trace_write(w, &ev)) < 0)
			break;
	tdpsim_trace_free(in);
	if (rc < 0) {
		tdpsim_trace_writer_abort(w);
		return cli_fail();
	}
	return tdpsim_trace_writer_close(w) < 0 ? cli_fail() : EXIT_DONE;
}
