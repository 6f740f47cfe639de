/* SPDX-License-Identifier: MIT */
/*
 * The real-KVM harness's scenario scripts (*.scn) as traces: the harness that recorded the
 * shared real-KVM scenarios ran each script step by step on a real shadow-MMU KVM and read
 * every stat after each step (*.summary.tsv).  This importer builds the same machine in a
 * trace - the harness's layout, which its README fixes - with a `mark label=stepN` after
 * every step, so that the simulator's stats at each mark stand beside the real ones.
 *
 * The language, a command per line, `#` to the end of a line a comment:
 *   config mem=SIZE backing=4k|thp|hugetlb|hugetlb1g gpage=4k|2m|1g [events=...]
 *   setup                       step 0: the VM, its slots, the guest's tables, the vCPU
 *   run read|write|exec START LEN [stride=S]
 *                               the guest, at CPL3, touches every S (4K) of [START, +LEN) of
 *                               the data slot; LEN 0 runs the loop once and touches nothing
 *   dirty on|off                KVM_MEM_LOG_DIRTY_PAGES on the data slot
 *   getlog                      KVM_GET_DIRTY_LOG of the data slot
 * The layout: slot 0 the guest's system memory, GPA 0-16M over anonymous 4K memory, its code
 * page at 0x10000 (the page after it mapped too) and its page tables from 0x200000; slot 1
 * the data slot at GPA 1G, mapped identity with `gpage` pages, guest PTEs Accessed and Dirty,
 * the host memory filled before the guest runs.  Every run fetches from the code page first
 * (the loop's instructions) and then touches the data.
 *
 * With a summary (`summary` option, the harness's *.summary.tsv) the data slot's hva comes
 * from step 0's info column, each step's command is checked against the summary's, and each
 * step's real stats are written as "# real stepN: name=value ..." comments, which
 * `tdpsim replay --against-real` compares with the simulator's.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/num.h"
#include "trace/import_int.h"

#define SCN_SYS_HVA 0x7f0000000000ull
#define SCN_SYS_SIZE (16ull << 20)
#define SCN_CODE_GVA 0x10000ull
#define SCN_PT_GPA 0x200000ull
#define SCN_DATA_GPA (1ull << 30)
#define SCN_DATA_HVA 0x7f0040000000ull /* 1G-aligned, as the harness's mmap was */
#define SCN_MAX_COLS 96
#define SCN_LINE 4096

struct scn {
	struct imp *im;
	uint64_t mem, hva;
	uint32_t backing, gpage; /* TDPSIM_BACKING_*, level */
	int configured, set_up;
	uint32_t step;
	/* the summary, read a row per step alongside the script */
	FILE *sum;
	const char *sum_path;
	uint64_t sum_line;
	uint32_t ncols;
	char *cols[SCN_MAX_COLS];
	char head[SCN_LINE], row[SCN_LINE];
	char *cells[SCN_MAX_COLS];
};

static int scn_size(struct scn *s, const char *word, uint64_t *out)
{
	if (num_parse_u64(word, strlen(word), 1, out) != NUM_OK)
		return imp_error(s->im, "'%s' is not a size (e.g. 4K, 2M, 0x1000)", word);
	return 0;
}

/* Split `line` at blanks into at most `max` words; the count. */
static unsigned split_words(char *line, char **w, unsigned max)
{
	unsigned n = 0;

	for (char *p = strtok(line, " \t"); p && n < max; p = strtok(NULL, " \t"))
		w[n++] = p;
	return n;
}

/* ---- the summary ---- */

/* Split a TSV row in place into s->cells; the number of cells. */
static uint32_t split_tabs(char *row, char **cells)
{
	uint32_t n = 0;
	char *p = row;

	for (;;) {
		char *tab = strchr(p, '\t');

		if (n < SCN_MAX_COLS)
			cells[n++] = p;
		if (!tab)
			return n;
		*tab = '\0';
		p = tab + 1;
	}
}

static int sum_read(struct scn *s, char *buf)
{
	size_t n;

	if (!fgets(buf, SCN_LINE, s->sum))
		return 0;
	s->sum_line++;
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return 1;
}

static int sum_open(struct scn *s, const char *path)
{
	s->sum_path = path;
	s->sum = fopen(path, "r");
	if (!s->sum)
		return err_set(TDPSIM_EIO, "%s: cannot open the summary", path);
	if (!sum_read(s, s->head))
		return err_set(TDPSIM_EPARSE, "%s: empty summary", path);
	s->ncols = split_tabs(s->head, s->cols);
	if (s->ncols < 4 || strcmp(s->cols[0], "step") || strcmp(s->cols[1], "cmd"))
		return err_set(TDPSIM_EPARSE, "%s:1: not a harness summary (its columns start "
			       "step, cmd, ...)", path);
	return 0;
}

/* Collapse runs of blanks and trim: the summary keeps a command's trailing blanks. */
static void squeeze(const char *in, char *out, size_t cap)
{
	size_t n = 0;

	for (; *in && n + 1 < cap; in++) {
		if (isspace((unsigned char)*in)) {
			if (n && out[n - 1] != ' ')
				out[n++] = ' ';
		} else {
			out[n++] = *in;
		}
	}
	if (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* The summary's row for this step: its command must be the script's. */
static int sum_row(struct scn *s, const char *cmd)
{
	char want[256], got[256];
	uint32_t n;

	if (!sum_read(s, s->row))
		return err_set(TDPSIM_EPARSE, "%s: no row for step %u ('%s')", s->sum_path,
			       s->step, cmd);
	if ((n = split_tabs(s->row, s->cells)) != s->ncols)
		return err_set(TDPSIM_EPARSE, "%s:%" PRIu64 ": %u columns, the header has %u",
			       s->sum_path, s->sum_line, n, s->ncols);
	squeeze(cmd, want, sizeof(want));
	squeeze(s->cells[1], got, sizeof(got));
	if (strtoul(s->cells[0], NULL, 10) != s->step || strcmp(want, got))
		return err_set(TDPSIM_EPARSE, "%s:%" PRIu64 ": step %s is '%s', the scenario's "
			       "step %u is '%s'", s->sum_path, s->sum_line, s->cells[0], got,
			       s->step, want);
	return 0;
}

/* A column the harness computed itself, not a KVM stat: not written as a real stat. */
static int harness_column(const char *name)
{
	static const char *const own[] = { "step", "cmd", "ms", "info", "trace_lost" };

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (strcmp(name, own[i]) == 0)
			return 1;
	/* ev_*: events the harness counted in the step's trace; req_lN / set_lN: spte
	 * requests and writes by level, also from the trace */
	return strncmp(name, "ev_", 3) == 0 || strncmp(name, "req_l", 5) == 0 ||
	       strncmp(name, "set_l", 5) == 0;
}

/* "# real stepN: name=value ..." for the row just read. */
static int sum_comment(struct scn *s)
{
	char text[SCN_LINE];
	size_t n = (size_t)snprintf(text, sizeof(text), "real step%u:", s->step);

	for (uint32_t c = 0; c < s->ncols && n < sizeof(text); c++) {
		uint64_t v;

		if (harness_column(s->cols[c]))
			continue;
		if (num_parse_u64(s->cells[c], strlen(s->cells[c]), 0, &v) != NUM_OK)
			return err_set(TDPSIM_EPARSE, "%s:%" PRIu64 ": column %s: '%s' is not a "
				       "count", s->sum_path, s->sum_line, s->cols[c], s->cells[c]);
		n += (size_t)snprintf(text + n, sizeof(text) - n, " %s=%" PRIu64, s->cols[c], v);
	}
	if (n >= sizeof(text))
		return err_set(TDPSIM_EPARSE, "%s:%" PRIu64 ": row too long", s->sum_path,
			       s->sum_line);
	return imp_comment(s->im, text);
}

/* Step 0's info ("data gpa=0x40000000 hva=0x7f5e80000000 size=0x400000 backing=4k
 * gpage=1 vcpus=1"): the data slot's hva, checked against the script's config. */
static int sum_info(struct scn *s)
{
	const char *info = NULL, *p;
	uint64_t v;

	for (uint32_t c = 0; c < s->ncols; c++)
		if (strcmp(s->cols[c], "info") == 0)
			info = s->cells[c];
	if (!info)
		return 0;
	if ((p = strstr(info, "hva=")) != NULL)
		s->hva = strtoull(p + 4, NULL, 0);
	if ((p = strstr(info, "size=")) != NULL && (v = strtoull(p + 5, NULL, 0)) != s->mem)
		return err_set(TDPSIM_EPARSE, "%s:%" PRIu64 ": the data slot is %#" PRIx64
			       " bytes, the scenario's mem= %#" PRIx64, s->sum_path, s->sum_line,
			       v, s->mem);
	if ((p = strstr(info, "gpage=")) != NULL && strtoul(p + 6, NULL, 10) != s->gpage)
		return err_set(TDPSIM_EPARSE, "%s:%" PRIu64 ": guest page level %s, the "
			       "scenario's gpage= gives %u", s->sum_path, s->sum_line, p + 6,
			       s->gpage);
	if ((p = strstr(info, "vcpus=")) != NULL && strtoul(p + 6, NULL, 10) != 1)
		return err_set(TDPSIM_EPARSE, "%s:%" PRIu64 ": %s vCPUs: the scenario language "
			       "runs one", s->sum_path, s->sum_line, p + 6);
	if (s->hva & ((2ull << 20) - 1))
		return err_set(TDPSIM_EPARSE, "%s:%" PRIu64 ": hva %#" PRIx64 " is not 2M-aligned",
			       s->sum_path, s->sum_line, s->hva);
	return 0;
}

/* A step's end: its mark, then the real stats after it. */
static int write_mark(struct scn *s)
{
	char label[32];
	tdpsim_event ev;
	int rc;

	snprintf(label, sizeof(label), "step%u", s->step);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_MARK;
	ev.u.mark.label = label;
	if ((rc = imp_write(s->im, &ev)) < 0 || !s->sum)
		return rc;
	return sum_comment(s);
}

/* ---- the script ---- */

static int write_ev(struct scn *s, tdpsim_event *ev)
{
	return imp_write(s->im, ev);
}

/* The harness's machine (step 0): header, slots, backings, the guest's tables and maps. */
static int write_setup(struct scn *s)
{
	tdpsim_event ev;
	int rc;

	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_SET;
	/* The real KVM the harness ran is 6.18's shadow MMU, NX huge pages off (its module
	 * parameter is N and read-only there). */
	ev.u.set.key = "mmu", ev.u.set.value = "shadow";
	if ((rc = write_ev(s, &ev)) < 0)
		return rc;
	ev.u.set.key = "kvm", ev.u.set.value = "6.18";
	if ((rc = write_ev(s, &ev)) < 0)
		return rc;
	ev.u.set.key = "nx_huge_pages", ev.u.set.value = "off";
	if ((rc = write_ev(s, &ev)) < 0)
		return rc;
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_MEMSLOT;
	ev.u.memslot.slot = 0, ev.u.memslot.size = SCN_SYS_SIZE, ev.u.memslot.hva = SCN_SYS_HVA;
	if ((rc = write_ev(s, &ev)) < 0)
		return rc;
	ev.u.memslot.slot = 1, ev.u.memslot.gpa = SCN_DATA_GPA, ev.u.memslot.size = s->mem;
	ev.u.memslot.hva = s->hva;
	if ((rc = write_ev(s, &ev)) < 0)
		return rc;
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_BACKING;
	ev.u.backing.hva = SCN_SYS_HVA, ev.u.backing.size = SCN_SYS_SIZE;
	ev.u.backing.kind = TDPSIM_BACKING_4K, ev.u.backing.populate = 1;
	if ((rc = write_ev(s, &ev)) < 0)
		return rc;
	ev.u.backing.hva = s->hva, ev.u.backing.size = s->mem, ev.u.backing.kind = s->backing;
	if ((rc = write_ev(s, &ev)) < 0)
		return rc;
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_GUEST_PT;
	ev.u.guest_pt.gpa = SCN_PT_GPA, ev.u.guest_pt.size = SCN_SYS_SIZE - SCN_PT_GPA;
	if ((rc = write_ev(s, &ev)) < 0)
		return rc;
	/* The code page and the page after it (the first fetch maps both: the fault and one
	 * prefetched neighbour, the harness's pages_4k = 2 baseline); the gpte after them is
	 * not present, which ends the prefetch. */
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_GUEST_MAP;
	ev.u.guest_map.gva = ev.u.guest_map.gpa = SCN_CODE_GVA, ev.u.guest_map.size = 8192;
	ev.u.guest_map.page_level = TDPSIM_LEVEL_4K, ev.u.guest_map.user = 1, ev.u.guest_map.ad = 1;
	ev.u.guest_map.prot = TDPSIM_PROT_R | TDPSIM_PROT_W | TDPSIM_PROT_X;
	if ((rc = write_ev(s, &ev)) < 0)
		return rc;
	ev.u.guest_map.gva = ev.u.guest_map.gpa = SCN_DATA_GPA, ev.u.guest_map.size = s->mem;
	ev.u.guest_map.page_level = s->gpage;
	return write_ev(s, &ev);
}

/* run OP START LEN [stride=S]: the loop's fetch, then its accesses. */
static int do_run(struct scn *s, char **w, unsigned n)
{
	uint64_t start, len, stride = 4096;
	tdpsim_event ev;
	uint32_t op;
	int rc;

	if (n < 4 || n > 5)
		return imp_error(s->im, "run takes OP START LEN [stride=S]");
	if (strcmp(w[1], "read") == 0)
		op = TDPSIM_OP_READ;
	else if (strcmp(w[1], "write") == 0)
		op = TDPSIM_OP_WRITE;
	else if (strcmp(w[1], "exec") == 0)
		op = TDPSIM_OP_EXEC;
	else
		return imp_error(s->im, "run: OP is read, write or exec, not '%s'", w[1]);
	if ((rc = scn_size(s, w[2], &start)) < 0 || (rc = scn_size(s, w[3], &len)) < 0)
		return rc;
	if (n == 5 && (strncmp(w[4], "stride=", 7) ||
		       num_parse_u64(w[4] + 7, strlen(w[4] + 7), 1, &stride) != NUM_OK || !stride))
		return imp_error(s->im, "run: '%s' is not stride=SIZE", w[4]);
	if (start > s->mem || len > s->mem - start)
		return imp_error(s->im, "run: [%#" PRIx64 ", +%#" PRIx64 ") is outside the %#"
				 PRIx64 "-byte data slot", start, len, s->mem);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_ACCESS;
	ev.u.access.gva = SCN_CODE_GVA, ev.u.access.op = TDPSIM_OP_EXEC, ev.u.access.cpl = 3;
	if ((rc = write_ev(s, &ev)) < 0 || !len)
		return rc;
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_SWEEP;
	ev.u.sweep.gva = SCN_DATA_GPA + start, ev.u.sweep.len = len, ev.u.sweep.op = op;
	ev.u.sweep.stride = stride, ev.u.sweep.cpl = 3, ev.u.sweep.repeat = 1;
	return write_ev(s, &ev);
}

static int do_dirty(struct scn *s, char **w, unsigned n)
{
	tdpsim_event ev;

	memset(&ev, 0, sizeof(ev));
	if (strcmp(w[0], "getlog") == 0) {
		if (n != 1)
			return imp_error(s->im, "getlog takes nothing");
		ev.cmd = TDPSIM_CMD_GET_DIRTY_LOG;
		ev.u.get_dirty_log.slot = 1;
		return write_ev(s, &ev);
	}
	if (n != 2 || (strcmp(w[1], "on") && strcmp(w[1], "off")))
		return imp_error(s->im, "dirty takes on or off");
	ev.cmd = TDPSIM_CMD_DIRTY_LOG;
	ev.u.dirty_log.slot = 1, ev.u.dirty_log.on = strcmp(w[1], "on") == 0;
	return write_ev(s, &ev);
}

static int do_config(struct scn *s, char **w, unsigned n)
{
	static const char *const backings[] = { "4k", "thp", "hugetlb", "hugetlb1g" };
	static const char *const gpages[] = { "4k", "2m", "1g" };
	int rc;

	if (s->set_up || s->configured)
		return imp_error(s->im, "config comes once, before setup");
	s->configured = 1;
	for (unsigned i = 1; i < n; i++) {
		char *eq = strchr(w[i], '=');
		const char *v = eq ? eq + 1 : "";
		size_t k, klen = eq ? (size_t)(eq - w[i]) : strlen(w[i]);

		if (klen == 3 && strncmp(w[i], "mem", 3) == 0) {
			if ((rc = scn_size(s, v, &s->mem)) < 0)
				return rc;
		} else if (klen == 7 && strncmp(w[i], "backing", 7) == 0) {
			for (k = 0; k < 4 && strcmp(v, backings[k]); k++)
				;
			if (k == 4)
				return imp_error(s->im, "backing is 4k, thp, hugetlb or hugetlb1g, "
						 "not '%s'", v);
			/* in tdpsim_backing_kind's order */
			s->backing = (uint32_t)k;
		} else if (klen == 5 && strncmp(w[i], "gpage", 5) == 0) {
			for (k = 0; k < 3 && strcmp(v, gpages[k]); k++)
				;
			if (k == 3)
				return imp_error(s->im, "gpage is 4k, 2m or 1g, not '%s'", v);
			s->gpage = (uint32_t)k + 1;
		} else if (!(klen == 6 && strncmp(w[i], "events", 6) == 0)) {
			/* events= is what the harness traced: nothing the machine has */
			return imp_error(s->im, "config: '%.*s' is not a key (mem, backing, gpage, "
					 "events)", (int)klen, w[i]);
		}
	}
	return 0;
}

static int check_config(struct scn *s)
{
	uint64_t align = s->gpage == TDPSIM_LEVEL_1G ? 1ull << 30
			 : s->gpage == TDPSIM_LEVEL_2M ? 2ull << 20 : 4096;

	if (!s->configured)
		return imp_error(s->im, "setup before config");
	if (!s->mem || s->mem % align || s->mem > (64ull << 30))
		return imp_error(s->im, "config: mem=%#" PRIx64 " must be a multiple of the guest "
				 "page, at most 64G", s->mem);
	if (s->gpage == TDPSIM_LEVEL_1G)
		imp_notice(s->im, "gpage=1g: the shared real machines' guest CPUID lacks Page1GB "
			   "(a 1G guest PTE is a reserved-bit #PF there); the simulator's CPU maps "
			   "it");
	return 0;
}

/* One script line: 0 a comment or blank, else the step it made (or an error). */
static int scn_line(struct scn *s, char *line)
{
	char *w[8], cmd[SCN_LINE + 2], *hash = strchr(line, '#');
	unsigned n;
	int rc;

	if (hash)
		*hash = '\0';
	snprintf(cmd, sizeof(cmd), "%s", line);
	n = split_words(line, w, 8);
	if (!n)
		return 0;
	if (strcmp(w[0], "config") == 0)
		return do_config(s, w, n);
	if (strcmp(w[0], "setup") == 0) {
		if (s->set_up || n != 1)
			return imp_error(s->im, "setup comes once, alone on its line");
		if ((rc = check_config(s)) < 0 ||
		    (s->sum && ((rc = sum_row(s, cmd)) < 0 || (rc = sum_info(s)) < 0)) ||
		    (rc = write_setup(s)) < 0)
			return rc;
		s->set_up = 1;
		return write_mark(s);
	}
	if (strcmp(w[0], "run") && strcmp(w[0], "dirty") && strcmp(w[0], "getlog"))
		return imp_error(s->im, "'%s' is not a command of the scenario language (config, "
				 "setup, run, dirty, getlog)", w[0]);
	if (!s->set_up)
		return imp_error(s->im, "'%s' before setup", w[0]);
	s->step++;
	if (s->sum && (rc = sum_row(s, cmd)) < 0)
		return rc;
	rc = w[0][0] == 'r' ? do_run(s, w, n) : do_dirty(s, w, n);
	return rc < 0 ? rc : write_mark(s);
}

int imp_scn_run(struct imp *im, FILE *f)
{
	static char line[SCN_LINE + 2];
	struct scn *s = calloc(1, sizeof(*s));
	int rc = 0;

	if (!s)
		return err_set(TDPSIM_ENOMEM, "scenario import: out of memory");
	s->im = im;
	s->hva = SCN_DATA_HVA;
	s->backing = TDPSIM_BACKING_4K;
	s->gpage = TDPSIM_LEVEL_4K;
	if (im->o->version >= 2 && im->o->summary)
		rc = sum_open(s, im->o->summary);
	if (rc >= 0)
		rc = imp_comment(im, "imported by tdpsim import from a real-KVM harness scenario; "
				 "marks stepN follow its steps");
	while (rc >= 0 && (rc = imp_next_line(im, f, line, SCN_LINE)) > 0) {
		im->r->lines++;
		rc = scn_line(s, line);
	}
	if (rc >= 0 && !s->set_up)
		rc = err_set(TDPSIM_EPARSE, "%s: no setup: the scenario makes no machine", im->file);
	if (rc >= 0 && s->sum && sum_read(s, s->row))
		rc = err_set(TDPSIM_EPARSE, "%s:%" PRIu64 ": a row past the scenario's last step "
			     "(%u)", s->sum_path, s->sum_line, s->step);
	im->r->events = s->step;
	if (s->sum)
		fclose(s->sum);
	free(s);
	return rc < 0 ? rc : 0;
}
