/* SPDX-License-Identifier: MIT */
/*
 * ftrace text: /sys/kernel/tracing/trace (and trace_pipe), `trace-cmd report`.  Every event
 * line is "TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: BODY" as print_trace_fmt() and
 * trace_print_context() (kernel/trace/trace.c, trace_output.c) print it: TASK may hold spaces
 * and dashes (the PID follows the last dash), "(TGID)" follows it with record-tgid, FLAGS
 * (irqs-off, need-resched, hardirq/softirq, preempt depth: ".....", "d..1.") are absent without
 * irq-info and in `trace-cmd report` without -l, TIMESTAMP is "SECONDS.MICROS" (or nanoseconds
 * with 9 digits, or a raw counter without a dot: trace_clock counter, `trace-cmd report -t`
 * prints 9 digits).  Comment lines start with '#'; `trace-cmd report` starts with "cpus=N"
 * and may print "CPU N is empty" and "CPU:N [LOST N EVENTS]".
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "trace/import_int.h"

/* "SECONDS[.FRACTION]" to nanoseconds; 0 if it is not a timestamp. */
static int parse_ts(const char *s, size_t n, uint64_t *ns)
{
	uint64_t sec = 0, frac = 0;
	size_t i = 0, digits = 0;

	for (; i < n && isdigit((unsigned char)s[i]); i++)
		sec = sec * 10 + (uint64_t)(s[i] - '0');
	if (i == 0)
		return 0;
	if (i == n) {
		*ns = sec; /* a raw counter: taken as nanoseconds */
		return 1;
	}
	if (s[i++] != '.')
		return 0;
	for (; i < n && isdigit((unsigned char)s[i]) && digits < 9; i++, digits++)
		frac = frac * 10 + (uint64_t)(s[i] - '0');
	if (i != n || digits == 0)
		return 0;
	for (; digits < 9; digits++)
		frac *= 10;
	*ns = sec * 1000000000ull + frac;
	return 1;
}

/* The thread id from the text before "[CPU]": "comm-PID", "comm-PID (TGID)", "comm PID",
 * "comm PID/TID". */
static int64_t parse_task(const char *s, const char *end, int perf)
{
	const char *p = end;

	while (p > s && p[-1] == ' ')
		p--;
	if (p > s && p[-1] == ')') { /* "(  TGID)" of record-tgid */
		while (p > s && p[-1] != '(')
			p--;
		if (p > s)
			p--;
		while (p > s && p[-1] == ' ')
			p--;
	}
	end = p;
	while (p > s && isdigit((unsigned char)p[-1]))
		p--;
	if (p == end)
		return -1;
	if (perf && p > s && p[-1] == '/') { /* pid/tid: keep the tid */
		return strtoll(p, NULL, 10);
	}
	if (!perf && (p == s || p[-1] != '-'))
		return -1;
	return strtoll(p, NULL, 10);
}

int imp_text_prefix(struct imp *im, char *line, int perf, struct imp_rec *rec)
{
	char *cpu = line, *p, *tok, *name;
	uint64_t ns = 0;

	(void)im;
	/* the CPU field: " [NNN] " (the first bracketed number) */
	for (;;) {
		cpu = strchr(cpu, '[');
		if (!cpu)
			return 0;
		p = cpu + 1;
		while (isdigit((unsigned char)*p))
			p++;
		if (p > cpu + 1 && *p == ']')
			break;
		cpu++;
	}
	rec->thread = parse_task(line, cpu, perf);
	p++;
	/* then FLAGS (optional) and the timestamp, which ends in ':' */
	for (int i = 0; i < 2; i++) {
		while (*p == ' ')
			p++;
		tok = p;
		while (*p && *p != ' ')
			p++;
		if (p > tok && p[-1] == ':' && parse_ts(tok, (size_t)(p - tok - 1), &ns))
			break;
		if (i == 1)
			return 0;
	}
	rec->ts_ns = ns;
	while (*p == ' ')
		p++;
	/* EVENT ends at ": " or at the end of the line; drop "system:" (perf) */
	name = p;
	p = strstr(name, ": ");
	if (!p) {
		size_t n = strlen(name);

		if (n == 0 || name[n - 1] != ':')
			return 0;
		p = name + n - 1;
		rec->body = p + 1;
	} else {
		rec->body = p + 2;
	}
	rec->name = name;
	for (char *q = name; q < p; q++)
		if (*q == ':')
			rec->name = q + 1;
	rec->name_len = (size_t)(p - rec->name);
	return rec->name_len ? 1 : 0;
}

static int skippable(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	return *line == '\0' || *line == '#' || strncmp(line, "cpus=", 5) == 0 ||
	       (strncmp(line, "CPU ", 4) == 0 && strstr(line, " is empty"));
}

int imp_ftrace_line(struct imp *im, char *line, struct imp_rec *rec)
{
	if (skippable(line))
		return 0;
	if (strstr(line, "[LOST") && strstr(line, "EVENTS]")) {
		if (im->w)
			imp_notice(im, "%s:%llu: the recording lost events (%s)", im->file,
				   (unsigned long long)im->line, line);
		return 0;
	}
	if (imp_text_prefix(im, line, 0, rec) == 1)
		return 1;
	return imp_malformed(im, "not an ftrace event line (TASK-PID [CPU] TIMESTAMP: EVENT: "
			     "...)");
}
