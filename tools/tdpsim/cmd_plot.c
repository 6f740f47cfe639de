/* SPDX-License-Identifier: MIT */
/*
 * tdpsim plot: pictures of timelines (tdpsim replay --timeline), drawn by gnuplot.  This
 * file writes the gnuplot script for each kind; plot.c runs gnuplot.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plot.h"
#include "timeline_csv.h"

static const char usage[] =
	"usage: tdpsim plot TIMELINE.csv... -o FILE.png|FILE.svg [--kind KIND] [options]\n"
	"\n"
	"Draw timelines written by 'tdpsim replay --timeline' with gnuplot (pngcairo for .png,\n"
	"svg for .svg).  Marks are drawn as labelled vertical lines.\n"
	"\n"
	"kinds:\n"
	"  pressure   TLB misses per 1000 accesses over the run: L1 and STLB (the default)\n"
	"  pagesizes  guest memory mapped by EPT in 4K, 2M and 1G pages over the run, stacked\n"
	"  cycles     cycles per interval by category (TLB, walk, exit, KVM, ...), stacked\n"
	"  compare    several timelines overlaid, one line each (e.g. one per policy)\n"
	"  overview   pressure, page sizes and cycles of one timeline, one above the other\n"
	"\n"
	"  -o FILE           the picture: .png or .svg (it appears only when complete)\n"
	"  --kind KIND       the kind of picture (default pressure)\n"
	"  --stat COLUMN     compare: the timeline column overlaid (default stlb_mpka)\n"
	"  --label NAME      a name for the next timeline in the legend (repeatable; default:\n"
	"                    the file's name without .csv)\n"
	"  --title TEXT      the picture's title\n"
	"  --keep-script F   also write the gnuplot script to F, to restyle and rerun\n"
	"  -h, --help        this text\n"
	"\n"
	"Several timelines with pressure, pagesizes or cycles give one panel each.  Needs\n"
	"gnuplot (Debian: apt-get install gnuplot-nox); without it, exit status 2.\n"
	"\n"
	"example:\n"
	"  tdpsim replay run.tdpt --set eager_page_split=0 --timeline lazy.csv --interval 100k\n"
	"  tdpsim replay run.tdpt --set eager_page_split=1 --timeline eager.csv --interval 100k\n"
	"  tdpsim plot lazy.csv eager.csv --kind compare -o pressure.png\n";

static const char *const kind_names[] = { "pressure", "pagesizes", "cycles", "compare",
					  "overview" };

int plot_kind_find(const char *name)
{
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (strcmp(name, kind_names[i]) == 0)
			return (int)i;
	return -1;
}

/* ---- the script's pieces ---- */

struct xaxis {
	double div;
	const char *label;
};

/* The x axis in a readable unit for the farthest end. */
static struct xaxis x_axis(tdpsim_interval_unit unit, uint64_t max)
{
	struct xaxis a = { 1, NULL };

	if (unit == TDPSIM_INTERVAL_NS) {
		a = max >= 10000000000ull ? (struct xaxis){ 1e9, "simulated time (s)" }
		    : max >= 10000000     ? (struct xaxis){ 1e6, "simulated time (ms)" }
		    : max >= 10000        ? (struct xaxis){ 1e3, "simulated time (us)" }
					  : (struct xaxis){ 1, "simulated time (ns)" };
	} else if (unit == TDPSIM_INTERVAL_EVENTS) {
		a = max >= 10000000 ? (struct xaxis){ 1e6, "events applied (millions)" }
		    : max >= 10000  ? (struct xaxis){ 1e3, "events applied (thousands)" }
				    : (struct xaxis){ 1, "events applied" };
	} else {
		a = max >= 10000000 ? (struct xaxis){ 1e6, "guest accesses (millions)" }
		    : max >= 10000  ? (struct xaxis){ 1e3, "guest accesses (thousands)" }
				    : (struct xaxis){ 1, "guest accesses" };
	}
	return a;
}

/* The plot's right edge, leaving room for a legend of `chars` characters at its right. */
static double right_margin(size_t chars)
{
	double m = 1.0 - (double)(chars * 7 + 70) / 1000.0;

	return m < 0.6 ? 0.6 : m > 0.9 ? 0.9 : m;
}

static void style(struct plot *p, const struct xaxis *ax, double xmax, size_t legend_chars)
{
	plot_cmd(p, "set datafile separator ','\n"
		    "set border 3 lc rgb '#505050'\n"
		    "set tics nomirror out\n"
		    "set grid ytics lc rgb '#e4e4e4' lt 1\n"
		    "set key outside right top vertical Left reverse samplen 2 spacing 1.3\n"
		    "set lmargin at screen 0.08\nset rmargin at screen %.3f\n"
		    "set style textbox opaque noborder\n"
		    "set xlabel '%s'\n"
		    "set xrange [0:%.9g]\n"
		    "set yrange [0:*]\n", right_margin(legend_chars), ax->label,
		 xmax / ax->div > 0 ? xmax / ax->div : 1);
}

/* Marks as dashed vertical lines, each labelled at the top, just left of its line. */
static void marks(struct plot *p, const struct timeline_file *t, const struct xaxis *ax)
{
	char q[512];

	plot_cmd(p, "unset arrow\nunset label\n");
	for (size_t i = 0; i < t->nmarks; i++) {
		double x = (double)t->marks[i].at / ax->div;

		plot_cmd(p, "set arrow %zu from %.9g, graph 0 to %.9g, graph 1 nohead "
			    "lc rgb '#707070' dt 2 lw 1 front\n", i + 1, x, x);
		plot_cmd(p, "set label %zu %s at %.9g, graph 0.98 rotate by 90 right "
			    "offset character -0.4,0 font ',9' tc rgb '#303030' boxed front\n",
			 i + 1, plot_quote(q, sizeof(q), t->marks[i].label), x);
	}
}

/* gnuplot's `using` for column `name` of `t` over the x axis: "($E/div):($C)". */
static size_t col(const struct timeline_file *t, const char *name)
{
	return timeline_file_column(t, name);
}

static int need_columns(const struct timeline_file *t, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!col(t, names[i]))
			return cli_usage_error("%s: no column %s (not a timeline of this tdpsim?)",
					       t->path, names[i]);
	return 0;
}

static int panel_pressure(struct plot *p, const struct timeline_file *t, const struct xaxis *ax,
			  const char *title)
{
	static const char *const need[] = { "l1_mpka", "stlb_mpka" };
	char q[4096], tq[512];
	int rc = need_columns(t, need, 2);

	if (rc)
		return rc;
	plot_quote(q, sizeof(q), t->path);
	plot_cmd(p, "set title %s\nset ylabel 'misses per 1000 accesses'\n",
		 plot_quote(tq, sizeof(tq), title));
	marks(p, t, ax);
	/* L1 wide and pale under the STLB: where every L1 miss walks, the two coincide. */
	plot_cmd(p, "plot %s skip 1 using ($%zu/%g):%zu with lines lw 5 lc rgb '#9ecae1' "
		    "title 'L1 TLB misses', \\\n"
		    "     %s skip 1 using ($%zu/%g):%zu with lines lw 2 lc rgb '#d62728' "
		    "title 'STLB misses (walks)'\n",
		 q, col(t, "end"), ax->div, col(t, "l1_mpka"), q, col(t, "end"), ax->div,
		 col(t, "stlb_mpka"));
	return 0;
}

static int panel_pagesizes(struct plot *p, const struct timeline_file *t,
			   const struct xaxis *ax, const char *title)
{
	static const char *const need[] = { "pages_4k", "pages_2m", "pages_1g" };
	int gib = t->max_mapped >= 2.0 * 1073741824.0;
	double unit = gib ? 1073741824.0 : 1048576.0;
	char q[4096], tq[512], a4[64], a2[64], a1[64];
	size_t e = col(t, "end");
	int rc = need_columns(t, need, 3);

	if (rc)
		return rc;
	plot_quote(q, sizeof(q), t->path);
	snprintf(a4, sizeof(a4), "$%zu*4096.0", col(t, "pages_4k"));
	snprintf(a2, sizeof(a2), "$%zu*2097152.0", col(t, "pages_2m"));
	snprintf(a1, sizeof(a1), "$%zu*1073741824.0", col(t, "pages_1g"));
	plot_cmd(p, "set title %s\nset ylabel 'guest memory mapped by EPT (%s)'\n"
		    "set style fill solid 0.8 noborder\n",
		 plot_quote(tq, sizeof(tq), title), gib ? "GiB" : "MiB");
	marks(p, t, ax);
	/* Stacked: each band is drawn from the axis up to its running sum, largest first. */
	plot_cmd(p, "plot %s skip 1 using ($%zu/%g):((%s+%s+%s)/%.1f) with filledcurves x1 "
		    "lc rgb '#2ca02c' title '1G pages', \\\n"
		    "     %s skip 1 using ($%zu/%g):((%s+%s)/%.1f) with filledcurves x1 "
		    "lc rgb '#1f77b4' title '2M pages', \\\n"
		    "     %s skip 1 using ($%zu/%g):((%s)/%.1f) with filledcurves x1 "
		    "lc rgb '#ff7f0e' title '4K pages'\n",
		 q, e, ax->div, a4, a2, a1, unit, q, e, ax->div, a4, a2, unit, q, e, ax->div, a4,
		 unit);
	return 0;
}

static const struct { const char *col, *title, *colour; } cycle_cats[] = {
	{ "cycles_tlb", "TLB hits", "#7f7f7f" },
	{ "cycles_walk", "page walks", "#d62728" },
	{ "cycles_exit", "VM exits", "#9467bd" },
	{ "cycles_kvm", "KVM fault path", "#1f77b4" },
	{ "cycles_flush", "TLB flushes", "#ff7f0e" },
	{ "cycles_guest_pf", "guest #PF", "#8c564b" },
	{ "cycles_background", "KVM background work", "#2ca02c" },
};
#define NCATS (sizeof(cycle_cats) / sizeof(cycle_cats[0]))

static int panel_cycles(struct plot *p, const struct timeline_file *t, const struct xaxis *ax,
			const char *title)
{
	char q[4096], tq[512], sum[512] = "";
	size_t e = col(t, "end");

	for (size_t i = 0; i < NCATS; i++)
		if (!col(t, cycle_cats[i].col))
			return cli_usage_error("%s: no column %s", t->path, cycle_cats[i].col);
	plot_quote(q, sizeof(q), t->path);
	plot_cmd(p, "set title %s\nset ylabel 'cycles per interval'\nset format y '%%.1s%%c'\n"
		    "set style fill solid 0.8 noborder\n", plot_quote(tq, sizeof(tq), title));
	marks(p, t, ax);
	plot_cmd(p, "plot ");
	/* Largest running sum first, so that each category shows as its own band. */
	for (size_t k = NCATS; k > 0; k--) {
		size_t o = 0;

		for (size_t i = 0; i < k; i++)
			o += (size_t)snprintf(sum + o, sizeof(sum) - o, "%s$%zu", i ? "+" : "",
					      col(t, cycle_cats[i].col));
		plot_cmd(p, "%s%s skip 1 using ($%zu/%g):(%s) with filledcurves x1 lc rgb '%s' "
			    "title '%s'", k < NCATS ? ", \\\n     " : "", q, e, ax->div, sum,
			 cycle_cats[k - 1].colour, cycle_cats[k - 1].title);
	}
	plot_cmd(p, "\nset format y '%%g'\n");
	return 0;
}

static const char *stat_label(const char *stat)
{
	static const struct { const char *col, *label; } known[] = {
		{ "l1_mpka", "L1 TLB misses per 1000 accesses" },
		{ "stlb_mpka", "STLB misses (page walks) per 1000 accesses" },
		{ "itlb_walk_mpka", "walks for fetches per 1000 accesses" },
		{ "dtlb_walk_mpka", "walks for data per 1000 accesses" },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(stat, known[i].col) == 0)
			return known[i].label;
	return stat;
}

static int panel_compare(struct plot *p, const struct timeline_file *t, const char *const *labels,
			 size_t n, const struct xaxis *ax, const char *stat, const char *title)
{
	static const char *const colours[] = { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
					       "#9467bd", "#8c564b", "#e377c2", "#17becf" };
	char q[4096], tq[512], lq[512];

	for (size_t i = 0; i < n; i++)
		if (!col(&t[i], stat))
			return cli_usage_error("%s: no column %s (the columns: docs/timeline.md)",
					       t[i].path, stat);
	plot_cmd(p, "set title %s\nset ylabel %s\n", plot_quote(tq, sizeof(tq), title),
		 plot_quote(lq, sizeof(lq), stat_label(stat)));
	marks(p, &t[0], ax);
	plot_cmd(p, "plot ");
	for (size_t i = 0; i < n; i++)
		plot_cmd(p, "%s%s skip 1 using ($%zu/%g):%zu with lines lw 2 lc rgb '%s' title %s",
			 i ? ", \\\n     " : "", plot_quote(q, sizeof(q), t[i].path),
			 col(&t[i], "end"), ax->div, col(&t[i], stat), colours[i % 8],
			 plot_quote(lq, sizeof(lq), labels[i]));
	plot_cmd(p, "\n");
	return 0;
}

/* ---- the pictures ---- */

/* The default legend name of a timeline: its file name without directories and .csv. */
static char *label_of(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *s = strdup(base);
	size_t n = s ? strlen(s) : 0;

	if (n > 4 && strcmp(s + n - 4, ".csv") == 0)
		s[n - 4] = '\0';
	return s;
}

typedef int (*panel_fn)(struct plot *, const struct timeline_file *, const struct xaxis *,
			const char *);

static int draw_panels(struct plot *p, const struct plot_request *r,
		       const struct timeline_file *t, const char *const *labels,
		       const struct xaxis *ax)
{
	static const panel_fn panels[] = { panel_pressure, panel_pagesizes, panel_cycles };
	static const char *const what[] = { "TLB pressure", "Page sizes mapped by EPT",
					    "Cycles by category" };
	char title[512], mq[512];
	int rc = 0;

	if (r->kind == PLOT_COMPARE)
		return panel_compare(p, t, labels, r->n, ax, r->stat ? r->stat : "stlb_mpka",
				     r->title ? r->title : "TLB pressure by policy");
	if (r->kind == PLOT_OVERVIEW) {
		plot_cmd(p, "set multiplot layout 3,1 title %s font ',13'\n",
			 plot_quote(mq, sizeof(mq), r->title ? r->title : labels[0]));
		for (size_t k = 0; k < 3 && rc == 0; k++)
			rc = panels[k](p, &t[0], ax, what[k]);
		plot_cmd(p, "unset multiplot\n");
		return rc;
	}
	if (r->n > 1)
		plot_cmd(p, "set multiplot layout %zu,1 title %s font ',13'\n", r->n,
			 plot_quote(mq, sizeof(mq), r->title ? r->title : what[r->kind]));
	for (size_t i = 0; i < r->n && rc == 0; i++) {
		snprintf(title, sizeof(title), "%s%s%s", r->n > 1 || !r->title ? what[r->kind] : "",
			 r->n > 1 || !r->title ? ": " : "", r->n > 1 || !r->title ? labels[i]
										   : r->title);
		rc = panels[r->kind](p, &t[i], ax, title);
	}
	if (r->n > 1)
		plot_cmd(p, "unset multiplot\n");
	return rc;
}

/* The longest legend entry of the picture. */
static size_t legend_chars(const struct plot_request *r, const char *const *labels)
{
	size_t n = r->kind == PLOT_PRESSURE ? 19 : r->kind == PLOT_PAGESIZES ? 8 : 19;

	if (r->kind != PLOT_COMPARE)
		return n;
	n = 4;
	for (size_t i = 0; i < r->n; i++)
		if (strlen(labels[i]) > n)
			n = strlen(labels[i]);
	return n;
}

static int draw(const struct plot_request *r, const struct timeline_file *t,
		const char *const *labels)
{
	size_t panels = r->kind == PLOT_OVERVIEW ? 3 : r->kind == PLOT_COMPARE ? 1 : r->n;
	uint64_t xmax = 0;
	struct xaxis ax;
	struct plot p;
	int rc;

	for (size_t i = 0; i < r->n; i++) {
		if (t[i].unit != t[0].unit)
			return cli_usage_error("plot: %s counts intervals in %s, %s in %s: timelines "
					       "drawn together need the same unit", t[0].path,
					       timeline_unit_name(t[0].unit), t[i].path,
					       timeline_unit_name(t[i].unit));
		if (t[i].max_end > xmax)
			xmax = t[i].max_end;
	}
	ax = x_axis(t[0].unit, xmax);
	if ((rc = plot_open(&p, r->out, r->keep_script, 1000,
			    panels == 1 ? 560 : (int)(380 * panels + 40))) != 0)
		return rc;
	style(&p, &ax, (double)xmax, legend_chars(r, labels));
	if ((rc = draw_panels(&p, r, t, labels, &ax)) != 0) {
		plot_abort(&p);
		return rc;
	}
	return plot_close(&p);
}

int plot_timelines(const struct plot_request *r)
{
	struct timeline_file *t = calloc(r->n, sizeof(*t));
	char **own = calloc(r->n, sizeof(*own));
	const char **labels = calloc(r->n, sizeof(*labels));
	int rc = 0;
	size_t read = 0;

	if (!t || !own || !labels)
		rc = cli_usage_error("out of memory");
	if (rc == 0 && r->kind == PLOT_OVERVIEW && r->n != 1)
		rc = cli_usage_error("plot: --kind overview draws exactly one timeline");
	for (; rc == 0 && read < r->n; read++) {
		rc = timeline_file_read(&t[read], r->paths[read]);
		if (rc == 0 && r->labels && r->labels[read])
			labels[read] = r->labels[read];
		else if (rc == 0 && !(labels[read] = own[read] = label_of(r->paths[read])))
			rc = cli_usage_error("out of memory");
	}
	if (rc == 0)
		rc = draw(r, t, labels);
	for (size_t i = 0; i < read && t; i++)
		timeline_file_free(&t[i]);
	for (size_t i = 0; i < r->n && own; i++)
		free(own[i]);
	free(t);
	free(own);
	free(labels);
	return rc;
}

/* ---- the command ---- */

enum { OPT_KIND = 256, OPT_STAT, OPT_LABEL, OPT_TITLE, OPT_KEEP };

static const struct option options[] = {
	{ "kind", required_argument, NULL, OPT_KIND },
	{ "stat", required_argument, NULL, OPT_STAT },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "keep-script", required_argument, NULL, OPT_KEEP },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

#define MAX_TIMELINES 64

int cmd_plot(int argc, char **argv)
{
	struct plot_request r = { PLOT_PRESSURE, NULL, NULL, 0, NULL, NULL, NULL, NULL };
	const char *labels[MAX_TIMELINES] = { NULL };
	size_t nlabels = 0;
	int c, k, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return EXIT_DONE;
		case 'o': r.out = optarg; break;
		case OPT_KIND:
			if ((k = plot_kind_find(optarg)) < 0)
				return cli_usage_error("plot: unknown --kind '%s' (kinds: pressure, "
						       "pagesizes, cycles, compare, overview)", optarg);
			r.kind = (enum plot_kind)k;
			break;
		case OPT_STAT: r.stat = optarg; break;
		case OPT_TITLE: r.title = optarg; break;
		case OPT_KEEP: r.keep_script = optarg; break;
		case OPT_LABEL:
			if (nlabels == MAX_TIMELINES)
				return cli_usage_error("plot: at most %d --label", MAX_TIMELINES);
			labels[nlabels++] = optarg;
			break;
		default:
			return cli_option_error("plot", c, argv);
		}
	}
	r.paths = (const char *const *)argv + optind;
	r.n = (size_t)(argc - optind);
	r.labels = labels;
	if (r.n == 0)
		return cli_usage_error("plot: expected one or more TIMELINE.csv (try --help)");
	if (r.n > MAX_TIMELINES)
		return cli_usage_error("plot: at most %d timelines", MAX_TIMELINES);
	if (nlabels > r.n)
		return cli_usage_error("plot: %zu --label for %zu timelines", nlabels, r.n);
	if (!r.out)
		return cli_usage_error("plot: -o FILE.png or FILE.svg is needed");
	if ((rc = plot_check_output("-o", r.out)) != 0)
		return rc;
	if (r.stat && r.kind != PLOT_COMPARE)
		return cli_usage_error("plot: --stat is for --kind compare");
	if ((rc = plot_need_gnuplot()) != 0)
		return rc;
	return plot_timelines(&r);
}
