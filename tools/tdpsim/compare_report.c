/* SPDX-License-Identifier: MIT */
/*
 * tdpsim compare's outputs: a table for people, JSON (the policies by name) and CSV for
 * programs, and the grouped-bar picture of the ratios.  All in policy order.
 */
#include <inttypes.h>
#include <string.h>

#include "compare.h"
#include "plot.h"

double compare_ratio(const struct compare_args *a, size_t i, size_t stat, int *defined)
{
	uint64_t base = tdpsim_stats_value(&a->policies[0].result.final, stat);
	uint64_t v = tdpsim_stats_value(&a->policies[i].result.final, stat);

	/* no ratio with a counter a kernel profile does not have */
	if (a->policies[0].result.absent[stat] || a->policies[i].result.absent[stat]) {
		*defined = 0;
		return 0.0;
	}
	*defined = base != 0 || v == 0;
	if (base == 0)
		return v == 0 ? 1.0 : 0.0;
	return (double)v / (double)base;
}

static int column_width(const struct compare_args *a)
{
	int w = 14;

	for (size_t i = 0; i < a->npolicies; i++) {
		int n = (int)strlen(a->policies[i].name) * 2 + 1; /* "name/first" */

		if ((int)strlen(a->policies[i].name) + 1 > w)
			w = (int)strlen(a->policies[i].name) + 1;
		if (i && n + (int)strlen(a->policies[0].name) - (int)strlen(a->policies[i].name) > w)
			w = (int)(strlen(a->policies[i].name) + strlen(a->policies[0].name) + 1);
	}
	return w;
}

static void table(FILE *f, const struct compare_args *a)
{
	const struct policy *base = &a->policies[0];
	int w = column_width(a), namew = 26;
	char head[160];

	fprintf(f, "tdpsim %s  compare of %s under %zu polic%s (%" PRIu64 " events)\n",
		tdpsim_version(), a->trace, a->npolicies, a->npolicies == 1 ? "y" : "ies",
		base->result.events);
	for (size_t i = 0; i < a->npolicies; i++) {
		fprintf(f, "%s %s:", i ? "         " : "policies", a->policies[i].name);
		for (size_t k = 0; k < a->policies[i].nsets; k++)
			fprintf(f, " %s", a->policies[i].sets[k]);
		fputs(a->policies[i].nsets ? "\n" : " (the defaults)\n", f);
	}
	fprintf(f, "\n%-*s", namew, "stat");
	for (size_t i = 0; i < a->npolicies; i++) {
		fprintf(f, " %*s", w, a->policies[i].name);
		if (i) {
			snprintf(head, sizeof(head), "%s/%s", a->policies[i].name, base->name);
			fprintf(f, " %*s", w, head);
		}
	}
	fputc('\n', f);
	for (size_t r = 0; r < a->nrows; r++) {
		fprintf(f, "%-*s", namew, tdpsim_stats_name(a->rows[r]));
		for (size_t i = 0; i < a->npolicies; i++) {
			int ok;
			double q = compare_ratio(a, i, a->rows[r], &ok);

			if (a->policies[i].result.absent[a->rows[r]])
				fprintf(f, " %*s", w, "-"); /* not on its kernel profile */
			else
				fprintf(f, " %*" PRIu64, w,
					tdpsim_stats_value(&a->policies[i].result.final, a->rows[r]));
			if (i && ok)
				fprintf(f, " %*.3f", w, q);
			else if (i)
				fprintf(f, " %*s", w, "-");
		}
		fputc('\n', f);
	}
	fputc('\n', f);
	for (size_t i = 0; i < a->npolicies; i++)
		fprintf(f, "digest %-*s 0x%016" PRIx64 "\n", namew - 7, a->policies[i].name,
			a->policies[i].result.digest);
	for (size_t i = 0; i < a->npolicies; i++)
		if (a->policies[i].result.status == EXIT_MACHINE_CHECK)
			fprintf(f, "HALTED: %s: %s\n", a->policies[i].name,
				a->policies[i].result.message);
	fputs("ratio: the policy's value over the first's; '-' where the first's is 0\n", f);
}

static void json_string(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* "settings" (or "resolved"): every setting as the replay used it, from the child's
 * name=value lines. */
static void json_settings(FILE *f, const char *key, const char *lines)
{
	const char *l = lines;
	int first = 1;

	fprintf(f, "      \"%s\": {", key);
	while (*l) {
		const char *eq = strchr(l, '='), *nl = strchr(l, '\n');

		if (!eq || !nl || eq > nl)
			break;
		fputs(first ? "" : ", ", f);
		json_string(f, l, (size_t)(eq - l));
		fputs(": ", f);
		json_string(f, eq + 1, (size_t)(nl - eq - 1));
		first = 0;
		l = nl + 1;
	}
	fputs("},\n", f);
}

static void json_policy(FILE *f, const struct compare_args *a, size_t i)
{
	const struct policy *p = &a->policies[i];

	fputs("    ", f);
	json_string(f, p->name, sizeof(p->name));
	fputs(": {\n      \"set\": {", f);
	for (size_t k = 0; k < p->nsets; k++) {
		const char *eq = strchr(p->sets[k], '=');

		fputs(k ? ", " : "", f);
		json_string(f, p->sets[k], (size_t)(eq - p->sets[k]));
		fputs(": ", f);
		json_string(f, eq + 1, strlen(eq + 1));
	}
	fputs("},\n", f);
	json_settings(f, "settings", p->result.settings);
	json_settings(f, "resolved", p->result.resolved);
	fputs("      \"stats\": {", f);
	for (size_t r = 0; r < a->nrows; r++) {
		fprintf(f, "%s\"%s\": ", r ? ", " : "", tdpsim_stats_name(a->rows[r]));
		if (p->result.absent[a->rows[r]])
			fputs("null", f);
		else
			fprintf(f, "%" PRIu64, tdpsim_stats_value(&p->result.final, a->rows[r]));
	}
	fputs("},\n      \"ratio\": {", f);
	for (size_t r = 0; r < a->nrows; r++) {
		int ok;
		double q = compare_ratio(a, i, a->rows[r], &ok);

		fprintf(f, "%s\"%s\": ", r ? ", " : "", tdpsim_stats_name(a->rows[r]));
		if (ok)
			fprintf(f, "%.6g", q);
		else
			fputs("null", f);
	}
	fprintf(f, "},\n      \"halted\": %s,\n      \"digest\": \"0x%016" PRIx64 "\"\n    }",
		p->result.status == EXIT_MACHINE_CHECK ? "true" : "false", p->result.digest);
}

static void json(FILE *f, const struct compare_args *a)
{
	fputs("{\n  \"baseline\": ", f);
	json_string(f, a->policies[0].name, sizeof(a->policies[0].name));
	fputs(",\n  \"order\": [", f);
	for (size_t i = 0; i < a->npolicies; i++) {
		fputs(i ? ", " : "", f);
		json_string(f, a->policies[i].name, sizeof(a->policies[i].name));
	}
	fputs("],\n  \"policies\": {\n", f);
	for (size_t i = 0; i < a->npolicies; i++) {
		json_policy(f, a, i);
		fputs(i + 1 < a->npolicies ? ",\n" : "\n", f);
	}
	fputs("  }\n}\n", f);
}

static void csv(FILE *f, const struct compare_args *a)
{
	fputs("stat", f);
	for (size_t i = 0; i < a->npolicies; i++)
		fprintf(f, ",%s", a->policies[i].name);
	for (size_t i = 1; i < a->npolicies; i++)
		fprintf(f, ",%s/%s", a->policies[i].name, a->policies[0].name);
	fputc('\n', f);
	for (size_t r = 0; r < a->nrows; r++) {
		fputs(tdpsim_stats_name(a->rows[r]), f);
		for (size_t i = 0; i < a->npolicies; i++)
			if (a->policies[i].result.absent[a->rows[r]])
				fputc(',', f);
			else
				fprintf(f, ",%" PRIu64,
					tdpsim_stats_value(&a->policies[i].result.final, a->rows[r]));
		for (size_t i = 1; i < a->npolicies; i++) {
			int ok;
			double q = compare_ratio(a, i, a->rows[r], &ok);

			if (ok)
				fprintf(f, ",%.6g", q);
			else
				fputc(',', f);
		}
		fputc('\n', f);
	}
}

void compare_report(FILE *f, const struct compare_args *a)
{
	if (a->fmt == REPORT_JSON)
		json(f, a);
	else if (a->fmt == REPORT_CSV)
		csv(f, a);
	else
		table(f, a);
}

/* ---- the picture ---- */

/* The ratio axis: log 2 around 1, wide enough for every defined, non-zero ratio. */
static void ratio_range(const struct compare_args *a, double *lo, double *hi)
{
	*lo = 0.5;
	*hi = 2.0;
	for (size_t r = 0; r < a->nrows; r++)
		for (size_t i = 1; i < a->npolicies; i++) {
			int ok;
			double q = compare_ratio(a, i, a->rows[r], &ok);

			if (ok && q > 0 && q < *lo)
				*lo = q;
			if (ok && q > *hi)
				*hi = q;
		}
	*lo /= 1.6;
	*hi *= 1.6;
}

/* Inline data: a row per stat and policy: the bar's centre, its ratio (lo for 0), its half
 * width, and a label just beyond its end (none where the ratio is 1; "from 0" where the
 * first policy's value is 0). */
static void bar_data(struct plot *p, const struct compare_args *a, double lo)
{
	size_t others = a->npolicies - 1;
	double w = 0.8 / (double)others;

	for (size_t i = 1; i < a->npolicies; i++) {
		plot_cmd(p, "$p%zu << EOD\n", i);
		for (size_t r = 0; r < a->nrows; r++) {
			int ok;
			double q = compare_ratio(a, i, a->rows[r], &ok);
			double x = (double)r - 0.4 + w * ((double)i - 0.5);

			if (ok && q != 1.0)
				plot_cmd(p, "%.6g %.6g %.6g %.6g \"%.3g\"\n", x, q > 0 ? q : lo, w * 0.45,
					 q >= 1 ? q * 1.18 : (q > 0 ? q : lo) / 1.18, q);
			else
				plot_cmd(p, "%.6g %.6g %.6g %.6g \"%s\"\n", x, 1.0, w * 0.45,
					 ok ? 1.0 : 1.18, ok ? "" : "from 0");
		}
		plot_cmd(p, "EOD\n");
	}
}

int compare_plot(const struct compare_args *a)
{
	static const char *const colours[] = { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
					       "#9467bd", "#8c564b", "#e377c2", "#17becf" };
	struct plot p;
	double lo, hi;
	char q[512], title[256];
	int rc;

	ratio_range(a, &lo, &hi);
	if ((rc = plot_open(&p, a->plot, NULL, (int)(220 + 42 * a->nrows), 620)) != 0)
		return rc;
	bar_data(&p, a, lo);
	snprintf(title, sizeof(title), "%s: each stat's ratio to policy %s",
		 a->npolicies == 2 ? a->policies[1].name : "the policies", a->policies[0].name);
	plot_cmd(&p, "set title %s\n", plot_quote(q, sizeof(q), title));
	snprintf(title, sizeof(title), "ratio to %s (log scale; 1: the same)", a->policies[0].name);
	plot_cmd(&p, "set ylabel %s\n", plot_quote(q, sizeof(q), title));
	plot_cmd(&p, "set logscale y 2\nset yrange [%.6g:%.6g]\nset xrange [-0.7:%zu.7]\n"
		     "set border 3 lc rgb '#505050'\nset tics nomirror out\n"
		     "set grid ytics lc rgb '#e4e4e4' lt 1\n"
		     "set key outside below center horizontal\n"
		     "set style fill solid 0.85 noborder\n"
		     "set bmargin 9\nset xtics rotate by 40 right font ',9'\nset xtics (",
		 lo, hi, a->nrows - 1);
	for (size_t r = 0; r < a->nrows; r++)
		plot_cmd(&p, "%s'%s' %zu", r ? ", " : "", tdpsim_stats_name(a->rows[r]), r);
	plot_cmd(&p, ")\nset arrow from graph 0, first 1 to graph 1, first 1 nohead "
		     "lc rgb '#404040' lw 1 front\n");
	plot_cmd(&p, "plot ");
	/* A bar from 1 to the ratio: up where the policy has more, down where less. */
	for (size_t i = 1; i < a->npolicies; i++)
		plot_cmd(&p, "%s$p%zu using 1:(1):($1-$3):($1+$3):(1 < $2 ? 1 : $2):(1 < $2 ? $2 : 1)"
			     " with boxxyerror lc rgb '%s' title %s, \\\n"
			     "     $p%zu using 1:4:5 with labels font ',8' tc rgb '#303030' notitle",
			 i > 1 ? ", \\\n     " : "", i, colours[(i - 1) % 8],
			 plot_quote(q, sizeof(q), a->policies[i].name), i);
	plot_cmd(&p, "\n");
	return plot_close(&p);
}
