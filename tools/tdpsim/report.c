/* SPDX-License-Identifier: MIT */
/*
 * Reports of a replay: a table for people, JSON and CSV for programs.  The JSON holds no
 * wall-clock figure and no path, so it is byte-identical across runs, machines, encodings.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define TABLE_MAX_MARK_COLUMNS 6

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* A counter the kernel profile does not have is null (tdpsim_sim_stat_present). */
static void json_stats(FILE *f, const tdpsim_sim *sim, const tdpsim_stats *s, const char *indent)
{
	size_t n = tdpsim_stats_count();

	fputs("{\n", f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s  \"%s\": ", indent, tdpsim_stats_name(i));
		if (tdpsim_sim_stat_present(sim, i))
			fprintf(f, "%" PRIu64, tdpsim_stats_value(s, i));
		else
			fputs("null", f);
		fputs(i + 1 < n ? ",\n" : "\n", f);
	}
	fprintf(f, "%s}", indent);
}

static void report_json(FILE *f, const tdpsim_sim *sim)
{
	size_t nset = tdpsim_setting_count(), nmarks = tdpsim_sim_mark_count(sim);
	size_t nnotices = tdpsim_sim_notice_count(sim);
	uint64_t hevent, hgva;
	unsigned hvcpu;
	tdpsim_stats st;

	fputs("{\n  \"settings\": {\n", f);
	for (size_t i = 0; i < nset; i++) {
		fprintf(f, "    \"%s\": ", tdpsim_setting_name(i));
		json_string(f, tdpsim_sim_setting_value(sim, i));
		fputs(i + 1 < nset ? ",\n" : "\n", f);
	}
	/* The same settings as the machine used them: what each `auto` became. */
	fputs("  },\n  \"resolved\": {\n", f);
	for (size_t i = 0; i < nset; i++) {
		fprintf(f, "    \"%s\": ", tdpsim_setting_name(i));
		json_string(f, tdpsim_sim_setting_resolved(sim, i));
		fputs(i + 1 < nset ? ",\n" : "\n", f);
	}
	fputs("  },\n  \"final\": ", f);
	tdpsim_sim_stats(sim, &st);
	json_stats(f, sim, &st, "  ");
	fputs(",\n  \"vcpus\": [", f);
	for (unsigned v = 0; v < tdpsim_sim_vcpu_count(sim); v++) {
		tdpsim_vcpu_stats vs;
		size_t n = tdpsim_vcpu_stats_count();

		tdpsim_sim_vcpu_stats(sim, v, &vs);
		fputs(v ? ", {" : "\n    {", f);
		for (size_t i = 0; i < n; i++) {
			fprintf(f, "\"%s\": ", tdpsim_vcpu_stats_name(i));
			if (tdpsim_sim_vcpu_stat_present(sim, i))
				fprintf(f, "%" PRIu64, tdpsim_vcpu_stats_value(&vs, i));
			else
				fputs("null", f);
			fputs(i + 1 < n ? ", " : "", f);
		}
		fputc('}', f);
	}
	fputs(tdpsim_sim_vcpu_count(sim) ? "\n  ],\n  \"marks\": [" : "],\n  \"marks\": [", f);
	for (size_t i = 0; i < nmarks; i++) {
		const char *label;

		tdpsim_sim_mark(sim, i, &label, &st);
		fputs(i ? ",\n    {\n      \"label\": " : "\n    {\n      \"label\": ", f);
		json_string(f, label);
		/* the settings as they stood at the mark, resolved: a `set` may change them */
		fputs(",\n      \"resolved\": {", f);
		for (size_t k = 0; k < nset; k++) {
			fprintf(f, "%s\"%s\": ", k ? ", " : "", tdpsim_setting_name(k));
			json_string(f, tdpsim_sim_mark_setting(sim, i, k));
		}
		fputs("},\n      \"stats\": ", f);
		json_stats(f, sim, &st, "      ");
		fputs("\n    }", f);
	}
	fputs(nmarks ? "\n  ],\n  \"notices\": [" : "],\n  \"notices\": [", f);
	for (size_t i = 0; i < nnotices; i++) {
		fputs(i ? ", " : "", f);
		json_string(f, tdpsim_sim_notice(sim, i));
	}
	fputs("],\n  \"halted\": ", f);
	if (tdpsim_sim_halted(sim, &hevent, &hvcpu, &hgva))
		fprintf(f, "{\"reason\": \"machine check (iTLB multihit)\", \"event\": %" PRIu64
			", \"vcpu\": %u, \"gva\": \"0x%" PRIx64 "\"}", hevent, hvcpu, hgva);
	else
		fputs("null", f);
	fprintf(f, ",\n  \"digest\": \"0x%016" PRIx64 "\"\n}\n", tdpsim_sim_digest(sim));
}

void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* An absent counter (tdpsim_sim_stat_present) is an empty field; then the settings as they
 * stood at the mark (mark < 0: at the end), resolved. */
static void csv_row(FILE *f, const tdpsim_sim *sim, const char *label, const tdpsim_stats *st,
		    long mark)
{
	csv_field(f, label);
	for (size_t i = 0; i < tdpsim_stats_count(); i++)
		if (tdpsim_sim_stat_present(sim, i))
			fprintf(f, ",%" PRIu64, tdpsim_stats_value(st, i));
		else
			fputc(',', f);
	for (size_t i = 0; i < tdpsim_setting_count(); i++) {
		fputc(',', f);
		csv_field(f, mark < 0 ? tdpsim_sim_setting_resolved(sim, i)
				      : tdpsim_sim_mark_setting(sim, (size_t)mark, i));
	}
	fputc('\n', f);
}

/* One row per mark, then a row labelled "final" with the stats at the end. */
static void report_csv(FILE *f, const tdpsim_sim *sim)
{
	tdpsim_stats st;

	fputs("label", f);
	for (size_t i = 0; i < tdpsim_stats_count(); i++)
		fprintf(f, ",%s", tdpsim_stats_name(i));
	for (size_t i = 0; i < tdpsim_setting_count(); i++)
		fprintf(f, ",%s", tdpsim_setting_name(i));
	fputc('\n', f);
	for (size_t i = 0; i < tdpsim_sim_mark_count(sim); i++) {
		const char *label;

		tdpsim_sim_mark(sim, i, &label, &st);
		csv_row(f, sim, label, &st, (long)i);
	}
	tdpsim_sim_stats(sim, &st);
	csv_row(f, sim, "final", &st, -1);
}

static void report_table(FILE *f, const tdpsim_sim *sim, const struct report_info *info)
{
	size_t nmarks = tdpsim_sim_mark_count(sim);
	size_t first = nmarks > TABLE_MAX_MARK_COLUMNS ? nmarks - TABLE_MAX_MARK_COLUMNS : 0;
	tdpsim_stats cols[TABLE_MAX_MARK_COLUMNS + 1];
	const char *labels[TABLE_MAX_MARK_COLUMNS + 1];
	size_t ncols = 0;
	uint64_t hevent, hgva;
	unsigned hvcpu;
	int name_width = 20; /* the longest stat name, so every column lines up */

	for (size_t i = 0; i < tdpsim_stats_count(); i++)
		if ((int)strlen(tdpsim_stats_name(i)) > name_width)
			name_width = (int)strlen(tdpsim_stats_name(i));
	fprintf(f, "tdpsim %s  replay of %s (%s, %" PRIu64 " events)\n", tdpsim_version(),
		info->trace_path, info->encoding, info->events);
	fputs("settings:", f);
	for (size_t i = 0; i < tdpsim_setting_count(); i++) {
		char value[32];
		const char *resolved;

		/* an auto says what it became: nx_huge_pages=auto(force) */
		snprintf(value, sizeof(value), "%s", tdpsim_sim_setting_value(sim, i));
		resolved = tdpsim_sim_setting_resolved(sim, i);
		fprintf(f, "%s%s=%s", i % 4 == 0 && i ? "\n         " : " ", tdpsim_setting_name(i),
			value);
		if (strcmp(value, resolved) != 0)
			fprintf(f, "(%s)", resolved);
	}
	fputs("\n\n", f);
	for (size_t i = first; i < nmarks; i++, ncols++)
		tdpsim_sim_mark(sim, i, &labels[ncols], &cols[ncols]);
	labels[ncols] = "final";
	tdpsim_sim_stats(sim, &cols[ncols++]);
	if (first)
		fprintf(f, "(the last %d of %zu marks; --csv or --json has them all)\n",
			TABLE_MAX_MARK_COLUMNS, nmarks);
	fprintf(f, "%-*s", name_width, "stat");
	for (size_t c = 0; c < ncols; c++)
		fprintf(f, " %16.16s", labels[c]);
	fputc('\n', f);
	for (size_t i = 0; i < tdpsim_stats_count(); i++) {
		fprintf(f, "%-*s", name_width, tdpsim_stats_name(i));
		for (size_t c = 0; c < ncols; c++)
			if (tdpsim_sim_stat_present(sim, i))
				fprintf(f, " %16" PRIu64, tdpsim_stats_value(&cols[c], i));
			else
				fprintf(f, " %16s", "-"); /* the kernel profile has no such counter */
		fputc('\n', f);
	}
	for (size_t i = 0; i < tdpsim_sim_notice_count(sim); i++)
		fprintf(f, "note: %s\n", tdpsim_sim_notice(sim, i));
	if (tdpsim_sim_halted(sim, &hevent, &hvcpu, &hgva))
		fprintf(f, "\nHALTED: machine check (iTLB multihit) at event %" PRIu64 ", vcpu %u, "
			"gva 0x%" PRIx64 "; later events did not run\n", hevent, hvcpu, hgva);
	fprintf(f, "\ndigest 0x%016" PRIx64 "\n", tdpsim_sim_digest(sim));
}

void report_write(FILE *f, const tdpsim_sim *sim, enum report_format fmt,
		  const struct report_info *info)
{
	switch (fmt) {
	case REPORT_JSON:
		report_json(f, sim);
		break;
	case REPORT_CSV:
		report_csv(f, sim);
		break;
	default:
		report_table(f, sim, info);
		break;
	}
}
