/* SPDX-License-Identifier: MIT */
/*
 * tdpsim_import: the driver shared by the importers - options, errors naming file and line,
 * the --layout file, the inferred layout, and the two streaming passes of the kvm importers
 * (the first finds the faulted range and the vCPUs, the second writes).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "trace/import_int.h"

/* The bytes of tdpsim_import_options a caller of `version` has: version 1 ends at payload. */
static size_t import_options_size(unsigned version)
{
	return version >= 2 ? sizeof(tdpsim_import_options)
			    : offsetof(tdpsim_import_options, summary);
}

int tdpsim_import_options_init(tdpsim_import_options *o, unsigned int version)
{
	tdpsim_import_options def = TDPSIM_IMPORT_OPTIONS_INIT;

	if (!o || version == 0 || version > TDPSIM_IMPORT_OPTIONS_VERSION)
		return err_set(TDPSIM_EINVAL, "tdpsim_import_options_init: version %u, this "
			       "library knows 1 to %u", version, TDPSIM_IMPORT_OPTIONS_VERSION);
	def.version = version;
	memcpy(o, &def, import_options_size(version));
	return 0;
}

int imp_error(struct imp *im, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(TDPSIM_EPARSE, "%s:%" PRIu64 ": %s", im->file, im->line, msg);
}

/* A line that is not what the format says: an error, or under `lenient` counted and skipped. */
int imp_malformed(struct imp *im, const char *what)
{
	if (!im->o->lenient)
		return imp_error(im, "%s", what);
	if (!im->w)
		return 0; /* counted once, in the writing pass */
	if (im->r->malformed++ == 0)
		imp_notice(im, "%s:%" PRIu64 ": %s (skipped: --lenient; later ones are counted)",
			   im->file, im->line, what);
	return 0;
}

void imp_notice(struct imp *im, const char *fmt, ...)
{
	tdpsim_import_result *r = im->r;
	va_list ap;

	if (r->notice_count == TDPSIM_IMPORT_MAX_NOTICES)
		return;
	va_start(ap, fmt);
	vsnprintf(r->notices[r->notice_count++], sizeof(r->notices[0]), fmt, ap);
	va_end(ap);
}

void imp_count_unused(struct imp *im, const char *name, size_t len)
{
	tdpsim_import_result *r = im->r;

	if (!im->w)
		return;
	if (len >= sizeof(r->unused[0].name))
		len = sizeof(r->unused[0].name) - 1;
	for (size_t i = 0; i < r->unused_count; i++)
		if (strncmp(r->unused[i].name, name, len) == 0 && r->unused[i].name[len] == '\0') {
			r->unused[i].count++;
			return;
		}
	if (r->unused_count == TDPSIM_IMPORT_MAX_NAMES) {
		r->unused_other++;
		return;
	}
	memcpy(r->unused[r->unused_count].name, name, len);
	r->unused[r->unused_count].name[len] = '\0';
	r->unused[r->unused_count++].count = 1;
}

int imp_write(struct imp *im, const tdpsim_event *ev)
{
	int rc;

	if (!im->w)
		return 0;
	rc = tdpsim_trace_write(im->w, ev);
	if (rc < 0)
		err_prefix(im->file);
	return rc;
}

int imp_comment(struct imp *im, const char *text)
{
	return im->w ? tdpsim_trace_write_comment(im->w, text) : 0;
}

int imp_progress(struct imp *im, FILE *f, uint64_t total)
{
	long pos;

	if (!im->o->progress || !im->w)
		return 0;
	pos = ftell(f);
	if (im->o->progress(pos < 0 ? 0 : (uint64_t)pos, total, im->o->payload))
		return err_set(TDPSIM_ECANCELED, "%s: import canceled", im->file);
	return 0;
}

int imp_next_line(struct imp *im, FILE *f, char *line, size_t max)
{
	size_t n;

	if (!fgets(line, (int)max + 2, f))
		return 0;
	n = strlen(line);
	im->line++;
	if (n && line[n - 1] == '\n')
		line[--n] = '\0';
	else if (n > max)
		return imp_error(im, "line longer than %zu bytes", max);
	if (n && line[n - 1] == '\r')
		line[--n] = '\0';
	return 1;
}

static int open_input(struct imp *im, const char *path, FILE **f, uint64_t *size)
{
	struct stat st;

	*f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!*f)
		return err_set(TDPSIM_EIO, "%s: cannot open: %s", path, strerror(errno));
	*size = fstat(fileno(*f), &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	im->line = 0;
	return 0;
}

/* ---- the layout: given (--layout) or inferred ---- */

static int layout_copy(struct imp *im)
{
	tdpsim_trace *t = NULL;
	tdpsim_event ev;
	int rc = tdpsim_trace_open(&t, im->o->layout);

	while (rc >= 0 && (rc = tdpsim_trace_next(t, &ev)) == 1) {
		if (ev.cmd != TDPSIM_CMD_SET && ev.cmd != TDPSIM_CMD_MEMSLOT &&
		    ev.cmd != TDPSIM_CMD_BACKING && ev.cmd != TDPSIM_CMD_GUEST_PT) {
			rc = err_set(TDPSIM_EINPUT, "%s: a layout holds set, memslot, backing and "
				     "guest-pt lines, not %s", tdpsim_trace_where(t),
				     tdpsim_cmd_name(ev.cmd));
			break;
		}
		if (ev.cmd == TDPSIM_CMD_MEMSLOT && im->nslots < IMP_MAX_SLOTS) {
			struct imp_slot *s = &im->slots[im->nslots++];

			s->gpa = ev.u.memslot.gpa;
			s->size = ev.u.memslot.size;
			s->hva = ev.u.memslot.hva;
		}
		if (im->w && (rc = tdpsim_trace_write(im->w, &ev)) < 0)
			break;
	}
	tdpsim_trace_free(t);
	return rc < 0 ? rc : 0;
}

#define MB2 (2ull << 20)
#define INFER_HVA 0x7f0000000000ull /* 1G-aligned: hva and gpa agree modulo 1G */

/* One slot over the faulted range in 2M units, then 2M for the guest's page tables. */
static int layout_infer(struct imp *im)
{
	uint64_t base = im->gpa_min & ~(MB2 - 1);
	uint64_t end = (im->gpa_max | (MB2 - 1)) + 1;
	uint64_t gpt = im->gpt_size > MB2 ? im->gpt_size : MB2; /* the guest's tables */
	tdpsim_event ev;
	int rc;

	if (!im->faults_seen)
		base = 0, end = MB2;
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_MEMSLOT;
	ev.u.memslot.gpa = base;
	ev.u.memslot.size = end + gpt - base;
	ev.u.memslot.hva = INFER_HVA + base;
	if ((rc = imp_write(im, &ev)) < 0)
		return rc;
	im->nslots = 1;
	im->slots[0] = (struct imp_slot){ base, end + gpt - base, INFER_HVA + base };
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_BACKING;
	ev.u.backing.hva = INFER_HVA + base;
	ev.u.backing.size = end + gpt - base;
	ev.u.backing.kind = TDPSIM_BACKING_THP;
	ev.u.backing.populate = 1;
	if ((rc = imp_write(im, &ev)) < 0)
		return rc;
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_GUEST_PT;
	ev.u.guest_pt.gpa = end;
	ev.u.guest_pt.size = gpt;
	if ((rc = imp_write(im, &ev)) < 0)
		return rc;
	imp_notice(im, "no --layout: inferred one memslot gpa 0x%" PRIx64 "-0x%" PRIx64
		   " backed by THP (populated), covering the faulted range", base, (uint64_t)(end + gpt));
	return 0;
}

static int write_head(struct imp *im)
{
	char buf[64];
	tdpsim_event ev;
	int rc;

	rc = imp_comment(im, "imported by tdpsim import from a recording of KVM's tracepoints");
	if (rc < 0)
		return rc;
	if (im->r->shadow) {
		imp_notice(im, "recorded on a shadow-MMU host: the trace replays under mmu=shadow, "
			   "the guest's mappings rebuilt from its walks' PTEs and KVM's prefetches");
		if ((rc = imp_comment(im, "recorded on a shadow-MMU host: mmu=shadow, the guest's "
				      "mappings rebuilt from kvm_mmu_paging_element and "
				      "kvm_mmu_set_spte")) < 0)
			return rc;
		memset(&ev, 0, sizeof(ev));
		ev.cmd = TDPSIM_CMD_SET;
		ev.u.set.key = "mmu";
		ev.u.set.value = "shadow";
		if ((rc = imp_write(im, &ev)) < 0)
			return rc;
	}
	if (im->r->vcpus > 1) {
		snprintf(buf, sizeof(buf), "%" PRIu32, im->r->vcpus);
		memset(&ev, 0, sizeof(ev));
		ev.cmd = TDPSIM_CMD_SET;
		ev.u.set.key = "vcpus";
		ev.u.set.value = buf;
		if ((rc = imp_write(im, &ev)) < 0)
			return rc;
	}
	im->nslots = 0;
	if ((rc = im->o->layout ? layout_copy(im) : layout_infer(im)) < 0)
		return rc;
	return imp_kvm_write_guest_maps(im); /* a shadow recording's, before any fault */
}

/* ---- the kvm importers' passes ---- */

typedef int (*line_fn)(struct imp *im, char *line, struct imp_rec *rec);

static int text_pass(struct imp *im, const char *path, line_fn fn)
{
	static char line[IMP_LINE_MAX + 2];
	struct imp_rec rec;
	uint64_t total;
	FILE *f;
	int rc = open_input(im, path, &f, &total);

	while (rc >= 0 && (rc = imp_next_line(im, f, line, IMP_LINE_MAX)) > 0) {
		if (im->w)
			im->r->lines++;
		rc = fn(im, line, &rec);
		if (rc == 1)
			rc = imp_kvm_event(im, &rec);
		if (rc >= 0 && (im->line & 0xffff) == 0)
			rc = imp_progress(im, f, total);
	}
	if (rc >= 0 && ferror(f))
		rc = err_set(TDPSIM_EIO, "%s: read failed", path);
	if (f != stdin)
		fclose(f);
	return rc < 0 ? rc : imp_kvm_finish(im);
}

static void reset_pass(struct imp *im)
{
	im->have_time = 0;
	im->nthreads = 0;
	memset(im->walk, 0, sizeof(im->walk));
	memset(im->mapped, 0, sizeof(im->mapped));
}

static int kvm_import(struct imp *im, const char *path, tdpsim_trace_writer *w)
{
	line_fn fn = im->o->format == TDPSIM_IMPORT_PERF ? imp_perf_line : imp_ftrace_line;
	int tracecmd = im->o->format == TDPSIM_IMPORT_TRACECMD;
	int rc;

	if (!tracecmd && strcmp(path, "-") == 0 && !im->o->layout)
		return err_set(TDPSIM_EINVAL, "standard input: inferring the layout reads the "
			       "recording twice; give a file or --layout");
	im->gpa_min = UINT64_MAX;
	rc = tracecmd ? imp_tracecmd_run(im, path) : text_pass(im, path, fn);
	if (rc < 0)
		return rc;
	im->r->vcpus = im->vcpus;
	imp_kvm_plan_guest_maps(im);
	reset_pass(im);
	im->w = w;
	if ((rc = write_head(im)) < 0)
		return rc;
	return tracecmd ? imp_tracecmd_run(im, path) : text_pass(im, path, fn);
}

/* lackey and scn: one pass, straight to the writer. */
static int one_pass_import(struct imp *im, const char *path, tdpsim_trace_writer *w)
{
	uint64_t total;
	FILE *f;
	int rc = open_input(im, path, &f, &total);

	if (rc < 0)
		return rc;
	im->w = w;
	rc = im->o->format == TDPSIM_IMPORT_SCN ? imp_scn_run(im, f) : imp_lackey_run(im, f, total);
	if (rc >= 0 && ferror(f))
		rc = err_set(TDPSIM_EIO, "%s: read failed", path);
	if (f != stdin)
		fclose(f);
	return rc;
}

int tdpsim_import(const char *in, tdpsim_trace_writer *w, const tdpsim_import_options *opts,
		  tdpsim_import_result *result)
{
	struct imp *im;
	int rc;

	if (!in || !w || !opts || !result || opts->version == 0 ||
	    opts->version > TDPSIM_IMPORT_OPTIONS_VERSION ||
	    (unsigned)opts->format > (opts->version >= 2 ? TDPSIM_IMPORT_SCN : TDPSIM_IMPORT_LACKEY))
		return err_set(TDPSIM_EINVAL, "tdpsim_import: bad argument or options version");
	if (opts->format == TDPSIM_IMPORT_TRACECMD && !tdpsim_import_have_tracecmd())
		return err_set(TDPSIM_ENOTFOUND, "this tdpsim was built without libtracecmd, so it "
			       "cannot read trace.dat (install libtracecmd-dev and "
			       "libtraceevent-dev and rebuild), or convert it with "
			       "'trace-cmd report' and use --from ftrace");
	im = calloc(1, sizeof(*im));
	if (!im)
		return err_set(TDPSIM_ENOMEM, "tdpsim_import: out of memory");
	memset(result, 0, sizeof(*result));
	im->o = opts;
	im->r = result;
	im->file = strcmp(in, "-") == 0 ? "(stdin)" : in;
	rc = opts->format >= TDPSIM_IMPORT_LACKEY ? one_pass_import(im, in, w)
						  : kvm_import(im, in, w);
	free(im->gpages);
	free(im);
	return rc;
}
