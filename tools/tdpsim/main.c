/* SPDX-License-Identifier: MIT */
/* tdpsim: replay, inspect and convert traces of KVM's MMU. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: tdpsim COMMAND [ARGS]\n"
	"\n"
	"Simulate KVM's x86 MMU (TDP and shadow), its hugepage policies and the TLBs of the\n"
	"emulated core by replaying traces.\n"
	"\n"
	"commands:\n"
	"  replay TRACE    run a trace; print its stats as a table, JSON or CSV\n"
	"  info TRACE      what a trace holds: events by command, time, addresses, kind\n"
	"  convert IN OUT  rewrite a trace in another encoding (.tdpt, .tdpb, +.gz)\n"
	"  compare TRACE --policy NAME:KEY=VALUE...\n"
	"                  replay under several policies side by side: one table, ratios\n"
	"  plot TIMELINE.csv... -o FILE.png\n"
	"                  draw timelines (replay --timeline) with gnuplot\n"
	"  import --from F IN -o OUT  a recording in (ftrace, trace-cmd, perf, lackey)\n"
	"  gen WORKLOAD -o OUT        a synthetic trace: sequential, uniform, zipfian,\n"
	"                  pointer-chase, jit, migration, boot\n"
	"\n"
	"options:\n"
	"  -h, --help      this text; 'tdpsim COMMAND --help' for a command's\n"
	"  --version       the version\n"
	"\n"
	"Exit status: 0 done, 2 bad input or usage, 3 the simulated machine took a machine\n"
	"check, 1 an internal error.  See tdpsim(1) and traces/FORMAT.md.\n";

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	cli_remove_temporaries_on_signals();
	if (!cmd || strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "help") == 0) {
		fputs(usage, cmd ? stdout : stderr);
		return cmd ? EXIT_DONE : EXIT_BAD_INPUT;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("tdpsim %s\n", tdpsim_version());
		return EXIT_DONE;
	}
	if (strcmp(cmd, "replay") == 0)
		return cmd_replay(argc - 1, argv + 1);
	if (strcmp(cmd, "info") == 0)
		return cmd_info(argc - 1, argv + 1);
	if (strcmp(cmd, "convert") == 0)
		return cmd_convert(argc - 1, argv + 1);
	if (strcmp(cmd, "compare") == 0)
		return cmd_compare(argc - 1, argv + 1);
	if (strcmp(cmd, "plot") == 0)
		return cmd_plot(argc - 1, argv + 1);
	if (strcmp(cmd, "import") == 0)
		return cmd_import(argc - 1, argv + 1);
	if (strcmp(cmd, "gen") == 0)
		return cmd_gen(argc - 1, argv + 1);
	if (strcmp(cmd, "grid") == 0)
		return cmd_grid(argc - 1, argv + 1);
	return cli_usage_error("unknown command '%s' (try 'tdpsim --help')", cmd);
}
