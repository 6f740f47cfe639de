/* SPDX-License-Identifier: MIT */
/*
 * `perf script` text of tracepoint events: "COMM PID [CPU] TIMESTAMP: SYSTEM:EVENT: BODY"
 * (tools/perf/builtin-script.c, perf_sample__fprintf_start() then the event name and the
 * tracepoint's own TP_printk text), with -F tid as "PID/TID".  The body is the same text as
 * ftrace's, so the records go to the same kvm reader.
 */
#include <string.h>

#include "trace/import_int.h"

int imp_perf_line(struct imp *im, char *line, struct imp_rec *rec)
{
	const char *p = line;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	if (imp_text_prefix(im, line, 1, rec) == 1)
		return 1;
	return imp_malformed(im, "not a perf script event line (COMM PID [CPU] TIMESTAMP: "
			     "SYSTEM:EVENT: ...)");
}
