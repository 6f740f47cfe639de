/* SPDX-License-Identifier: MIT */
/* Internal: the importers' shared state (libtdpsim/trace/import_*.c). */
#ifndef TDPSIM_TRACE_IMPORT_INT_H
#define TDPSIM_TRACE_IMPORT_INT_H

#include <stdint.h>
#include <stdio.h>

#include "tdpsim/import.h"

#define IMP_MAX_THREADS 4096 /* vCPU threads told apart */
#define IMP_MAX_SLOTS 64     /* memslots of a --layout file */
#define IMP_MAP_CACHE 4096   /* guest pages whose guest-map was written lately */
#define IMP_LINE_MAX 65536

/* A fault or walk under way on one vCPU thread. */
struct imp_walk {
	int active, shadow, has_leaf, level;
	uint64_t err; /* kvm_page_fault's whole error code, or the walk's pferr */
	uint64_t gva, gpa, ts, leaf_pte;
	int leaf_level;
	int64_t vcpu_id; /* the vcpu kvm_page_fault named, or -1 */
	/* after a shadow fault: its kvm_mmu_set_spte lines (the leaf, then the prefetched) */
	int spte_open, have_at0;
	uint64_t fault_gva, fault_gfn, at0;
};

/* A guest page a shadow recording shows mapped: by a walk's leaf gpte, or prefetched. */
struct imp_gpage {
	uint64_t gva, gpte;
	uint32_t level, seq; /* seq: the order seen, so the first one of a page wins */
};

struct imp_slot { uint64_t gpa, size, hva; };

struct imp {
	const tdpsim_import_options *o;
	tdpsim_import_result *r;
	tdpsim_trace_writer *w; /* NULL in the first (scanning) pass */
	const char *file;
	uint64_t line;
	/* what the first pass found */
	uint64_t gpa_min, gpa_max;
	uint64_t faults_seen;
	uint32_t vcpus; /* highest vCPU faulting + 1 */
	/* time of the last record written */
	int have_time;
	uint64_t last_ns;
	uint32_t nthreads;
	int64_t thread_id[IMP_MAX_THREADS];
	struct imp_walk walk[IMP_MAX_THREADS];
	uint32_t nslots;
	struct imp_slot slots[IMP_MAX_SLOTS];
	uint64_t mapped[IMP_MAP_CACHE];
	/* shadow recordings: the guest's mappings, gathered by the first pass and written
	 * before the first fault (24 bytes per guest page) */
	struct imp_gpage *gpages;
	size_t ngpages, cap_gpages;
	uint64_t gpt_size; /* the guest-pt region their tables need */
};

/* One tracepoint event, as a text front end cut it out of its line. */
struct imp_rec {
	int64_t thread; /* pid of the task (-1: unknown) */
	uint64_t ts_ns;
	const char *name; /* without the "system:" prefix */
	size_t name_len;
	const char *body;
};

/* import.c */
int imp_error(struct imp *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int imp_malformed(struct imp *im, const char *what);
void imp_notice(struct imp *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void imp_count_unused(struct imp *im, const char *name, size_t len);
int imp_write(struct imp *im, const tdpsim_event *ev);
int imp_comment(struct imp *im, const char *text);
int imp_progress(struct imp *im, FILE *f, uint64_t total);
/* The next line of f into line (max bytes, the buffer max + 2), its newline and CR cut:
 * 1, 0 at the end, or an error naming the file and line (too long). */
int imp_next_line(struct imp *im, FILE *f, char *line, size_t max);

/* import_kvm.c: the KVM tracepoints' meaning, shared by every kvm front end */
int imp_kvm_event(struct imp *im, const struct imp_rec *rec);
int imp_kvm_finish(struct imp *im);
/* the guest's mappings a shadow recording showed, as guest-maps (after the layout) */
int imp_kvm_write_guest_maps(struct imp *im);
/* what they need: the guest-pt size for their tables (sorts and dedupes them) */
void imp_kvm_plan_guest_maps(struct imp *im);

/* import_ftrace.c / import_perf.c: one text line into a record (1), a line to skip (0) */
int imp_ftrace_line(struct imp *im, char *line, struct imp_rec *rec);
int imp_perf_line(struct imp *im, char *line, struct imp_rec *rec);
/* the prefix parser both use; `perf`: the task is "comm pid" rather than "comm-pid" */
int imp_text_prefix(struct imp *im, char *line, int perf, struct imp_rec *rec);

/* import_tracecmd.c */
int imp_tracecmd_run(struct imp *im, const char *path);

/* import_lackey.c */
int imp_lackey_run(struct imp *im, FILE *f, uint64_t total);

/* import_scn.c */
int imp_scn_run(struct imp *im, FILE *f);

#endif
