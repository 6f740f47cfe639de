/* SPDX-License-Identifier: MIT */
/*
 * fault_bench - KVM's fault path: faults per second and memory per mapped 4K page.
 *
 * Every measurement builds a new machine with the public API (default settings: mmu=tdp,
 * kvm 6.18, skylake-sp, one vCPU) and feeds it hand-built events with tdpsim_sim_apply.
 * Only the fault part is timed, never the setup (memslots, the host's populate=1, the guest
 * page tables).  Best of --runs, runs interleaved:
 *
 *   4K fault events   a memslot of --size-4k backed by kind=4k populate=1 (host faultin is a
 *                     lookup), then one `fault err=0x6` (WRITE|USER) per 4K page, in gpa
 *                     order: KVM's fault path alone.  pages_4k must equal the faults.
 *   4K .tdpb replay   the same events written once to a binary trace and replayed from it
 *                     (tdpsim_trace_next + tdpsim_sim_apply, as tdpsim_sim_replay does):
 *                     decode included.  The digest must equal the direct run's.
 *   4K sweep          the same memory as the guest sees it: guest-map of the range with 2M
 *                     guest pages (its page tables in a small memslot of their own), then
 *                     one `sweep op=w stride=4K` over it: the guest walk and the EPT check
 *                     of every access, plus the faults.  Then the same sweep again with
 *                     everything mapped (no faults): the walk and EPT checks alone.
 *   2M fault events   a memslot of --size-2m backed by kind=hugetlb2m populate=1, one fault
 *                     per 2M.  pages_2m must equal the faults.
 *
 * Memory: VmRSS (/proc/self/status) before the first 4K run's memslot, after it, after the
 * host's populate and after the faults gives the host's share (its page tables) and KVM's
 * share (its tables and their metadata) per mapped 4K page; VmHWM and ru_maxrss after that
 * run give the peak of the whole process per mapped page.
 *
 * Exit status: 0 if every run mapped exactly the expected leaves with the expected numbers of
 * faults; 1 otherwise; 2 on a usage error.  Nothing about time or memory is ever checked.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tdpsim/tdpsim.h"

#define BENCH_NAME "fault_bench"
#include "bench_util.h"

#define TiB (1ull << 40)

#define DEFAULT_SIZE_4K (16 * GiB) /* 4,194,304 faults */
#define DEFAULT_SIZE_2M (2 * TiB)  /* 1,048,576 faults */
#define DEFAULT_RUNS 3

#define PAGE_4K (4 * KiB)
#define PAGE_2M (2 * MiB)

/* Where things go.  Guest-physical memory starts at 0; the VMM's memory at 16 TiB of its
 * address space (1G-aligned, so guest and host huge frames line up); the guest's mapping of
 * it at 16 TiB of the guest's user half (512G-aligned). */
#define DATA_GPA 0ull
#define DATA_HVA 0x100000000000ull
#define SWEEP_GVA 0x100000000000ull
#define ERR_WRITE_USER (TDPSIM_PFERR_WRITE | TDPSIM_PFERR_USER) /* 0x6 */

/* ---- small helpers ------------------------------------------------------------------- */

/* A "VmXXX:   1234 kB" line of /proc/self/status, in KiB; -1 if it cannot be read. */
static long proc_status_kib(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t klen = strlen(key);
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

static void loadavg(char *buf, size_t n)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double a = 0, b = 0, c = 0;

	if (f && fscanf(f, "%lf %lf %lf", &a, &b, &c) == 3)
		snprintf(buf, n, "%.2f %.2f %.2f", a, b, c);
	else
		snprintf(buf, n, "unknown");
	if (f)
		fclose(f);
}

static struct {
	char dir[PATH_MAX];
	char trace[PATH_MAX];
	int made_dir, made_trace, keep;
} cleanup;

static void cleanup_files(void)
{
	if (!cleanup.keep && cleanup.made_trace)
		unlink(cleanup.trace);
	cleanup.made_trace = 0;
	if (!cleanup.keep && cleanup.made_dir)
		rmdir(cleanup.dir);
	cleanup.made_dir = 0;
}

/* 17179869184 -> "16G" (the largest exact binary suffix) */
static const char *size_str(uint64_t v, char *buf, size_t n)
{
	static const char suffix[] = "KMGT";
	int s = -1;

	while (s < 3 && v && (v & 1023) == 0) {
		v >>= 10;
		s++;
	}
	if (s < 0)
		snprintf(buf, n, "%" PRIu64, v);
	else
		snprintf(buf, n, "%" PRIu64 "%c", v, suffix[s]);
	return buf;
}

/* ---- the machine ---------------------------------------------------------------------- */

/* --set KEY=VALUE, pinned on every machine (e.g. tdp_mmu=0 for the legacy MMU). */
#define MAX_SETS 16
static const char *sets[MAX_SETS];
static unsigned nsets;

static tdpsim_sim *sim_new(void)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	tdpsim_sim *sim;

	if (tdpsim_sim_new(&sim, &o) < 0)
		die_tdpsim("creating the machine");
	for (unsigned i = 0; i < nsets; i++) {
		char key[64];
		const char *eq = strchr(sets[i], '=');

		snprintf(key, sizeof(key), "%.*s", (int)(eq - sets[i]), sets[i]);
		if (tdpsim_sim_set(sim, key, eq + 1) < 0)
			die_tdpsim("--set");
	}
	return sim;
}

static void apply(tdpsim_sim *sim, const tdpsim_event *ev)
{
	if (tdpsim_sim_apply(sim, ev) < 0)
		die_tdpsim(tdpsim_cmd_name(ev->cmd));
}

static tdpsim_event ev_fault(uint64_t gpa)
{
	tdpsim_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_FAULT;
	ev.u.fault.vcpu = 0;
	ev.u.fault.err = ERR_WRITE_USER;
	ev.u.fault.gpa = gpa;
	return ev;
}

/* One fault per `step` over [DATA_GPA, DATA_GPA + size), applied directly. */
static void apply_faults(tdpsim_sim *sim, uint64_t size, uint64_t step)
{
	tdpsim_event ev = ev_fault(DATA_GPA);
	uint64_t n = size / step;

	for (uint64_t i = 0; i < n; i++) {
		ev.u.fault.gpa = DATA_GPA + i * step;
		if (tdpsim_sim_apply(sim, &ev) < 0)
			die_tdpsim("fault");
		if ((i & 0xffff) == 0)
			check_interrupted();
	}
}

static int setting_index(const char *name)
{
	for (size_t i = 0; i < tdpsim_setting_count(); i++)
		if (strcmp(tdpsim_setting_name(i), name) == 0)
			return (int)i;
	return -1;
}

/* Guest page-table pages a map of [gva, gva + size) with 2M pages uses: the tables of
 * levels 2 (PD) up to the root, each counted over the distinct ranges it covers. */
static uint64_t guest_tables_2m(int levels, uint64_t gva, uint64_t size)
{
	uint64_t n = 0;

	for (int level = 2; level <= levels; level++) {
		unsigned shift = 12 + 9 * (unsigned)level; /* what one table of `level` covers */

		n += ((gva + size - 1) >> shift) - (gva >> shift) + 1;
	}
	return n;
}

/* ---- the measurements ----------------------------------------------------------------- */

struct timing {
	double best, worst, cpu_best; /* wall seconds; CPU seconds of the best run */
	int ok;
};

static void timing_add(struct timing *t, double wall, double cpu)
{
	if (!t->ok || wall < t->best) {
		t->best = wall;
		t->cpu_best = cpu;
	}
	if (!t->ok || wall > t->worst)
		t->worst = wall;
	t->ok = 1;
}

/* A timed section: wall and CPU time. */
struct stopwatch {
	double wall, cpu;
};

static struct stopwatch sw_start(void)
{
	struct stopwatch s = { now(), cpu_now() };

	return s;
}

static void sw_stop(struct stopwatch s, struct timing *t)
{
	double cpu = cpu_now() - s.cpu, wall = now() - s.wall;

	timing_add(t, wall, cpu);
}

struct result {
	const char *name;
	struct timing t;
	uint64_t accesses, faults;   /* per run: guest accesses, faults KVM fixed */
	uint64_t leaves;             /* the leaves the run is about (pages_4k or pages_2m) */
	const char *leaf_name;
	tdpsim_stats st;             /* of the last run */
	uint64_t digest;
	int checked, failed;
};

/* The memory figures of the first 4K fault run. */
struct mem {
	long base_kib, slot_kib, populated_kib, faulted_kib; /* VmRSS at the four points */
	long hwm_kib, maxrss_kib;                            /* peaks right after the faults */
	uint64_t pages, tdp_mmu_pages, host_pages_4k;
	int ok;
};

static int expect(struct result *r, const char *what, uint64_t got, uint64_t want)
{
	char a[32], b[32];

	if (got == want)
		return 1;
	fprintf(stderr, "FAIL: %s: %s is %s, expected %s\n", r->name, what,
		commas(got, a, sizeof(a)), commas(want, b, sizeof(b)));
	r->failed = 1;
	return 0;
}

/* 4K fault events, applied directly. */
static void run_fault_4k(struct result *r, uint64_t size, struct mem *m, double *populate_s)
{
	uint64_t pages = size / PAGE_4K;
	tdpsim_sim *sim = sim_new();
	tdpsim_event ev;
	struct stopwatch s;
	double t0;

	if (m && !m->ok)
		m->base_kib = proc_status_kib("VmRSS");
	ev = ev_memslot(0, DATA_GPA, size, DATA_HVA);
	apply(sim, &ev);
	if (m && !m->ok)
		m->slot_kib = proc_status_kib("VmRSS");
	ev = ev_backing(DATA_HVA, size, TDPSIM_BACKING_4K);
	t0 = now();
	apply(sim, &ev);
	*populate_s = now() - t0;
	if (m && !m->ok)
		m->populated_kib = proc_status_kib("VmRSS");

	s = sw_start();
	apply_faults(sim, size, PAGE_4K);
	sw_stop(s, &r->t);

	tdpsim_sim_stats(sim, &r->st);
	r->digest = tdpsim_sim_digest(sim);
	if (m && !m->ok) {
		m->faulted_kib = proc_status_kib("VmRSS");
		m->hwm_kib = proc_status_kib("VmHWM");
		m->maxrss_kib = maxrss_kib();
		m->pages = r->st.pages_4k;
		m->tdp_mmu_pages = r->st.tdp_mmu_pages;
		m->host_pages_4k = r->st.host_pages_4k;
		m->ok = 1;
	}
	r->accesses = 0;
	r->faults = r->st.pf_fixed;
	r->leaves = r->st.pages_4k;
	r->leaf_name = "pages_4k";
	expect(r, "recorded_faults", r->st.recorded_faults, pages);
	expect(r, "pf_fixed", r->st.pf_fixed, pages);
	expect(r, "pages_4k", r->st.pages_4k, pages);
	expect(r, "pages_2m", r->st.pages_2m, 0);
	expect(r, "host_pages_4k", r->st.host_pages_4k, pages);
	r->checked = 1;
	tdpsim_sim_free(sim);
}

/* The same events written to a binary trace, once. */
static void write_trace(const char *path, uint64_t size)
{
	tdpsim_trace_writer *w;
	tdpsim_event ev;
	uint64_t pages = size / PAGE_4K;

	if (tdpsim_trace_writer_new(&w, path) < 0)
		die_tdpsim(path);
	cleanup.made_trace = 1;
	ev = ev_memslot(0, DATA_GPA, size, DATA_HVA);
	if (tdpsim_trace_write(w, &ev) < 0)
		goto fail;
	ev = ev_backing(DATA_HVA, size, TDPSIM_BACKING_4K);
	if (tdpsim_trace_write(w, &ev) < 0)
		goto fail;
	ev = ev_fault(DATA_GPA);
	for (uint64_t i = 0; i < pages; i++) {
		ev.u.fault.gpa = DATA_GPA + i * PAGE_4K;
		if (tdpsim_trace_write(w, &ev) < 0)
			goto fail;
	}
	if (tdpsim_trace_writer_close(w) < 0)
		die_tdpsim(path);
	return;
fail:
	{
		const tdpsim_error *e = tdpsim_error_last();
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", e ? e->message : "unknown error");
		tdpsim_trace_writer_abort(w);
		die("%s: %s", path, msg);
	}
}

/* Replay the trace: the setup untimed, then every fault event decoded and applied. */
static void run_replay_4k(struct result *r, const char *path, uint64_t size)
{
	uint64_t pages = size / PAGE_4K, n = 0;
	tdpsim_sim *sim = sim_new();
	tdpsim_trace *t;
	tdpsim_event ev;
	struct stopwatch s = { 0, 0 };
	int rc, timing = 0;

	if (tdpsim_trace_open(&t, path) < 0)
		die_tdpsim(path);
	while ((rc = tdpsim_trace_next(t, &ev)) > 0) {
		if (!timing && ev.cmd == TDPSIM_CMD_FAULT) {
			s = sw_start();
			timing = 1;
		}
		if (tdpsim_sim_apply(sim, &ev) < 0)
			die("%s: %s", tdpsim_trace_where(t), tdpsim_error_last()->message);
		if ((++n & 0xffff) == 0)
			check_interrupted();
	}
	if (rc < 0)
		die_tdpsim(path);
	if (timing)
		sw_stop(s, &r->t);
	tdpsim_trace_free(t);

	tdpsim_sim_stats(sim, &r->st);
	r->digest = tdpsim_sim_digest(sim);
	r->accesses = 0;
	r->faults = r->st.pf_fixed;
	r->leaves = r->st.pages_4k;
	r->leaf_name = "pages_4k";
	expect(r, "recorded_faults", r->st.recorded_faults, pages);
	expect(r, "pf_fixed", r->st.pf_fixed, pages);
	expect(r, "pages_4k", r->st.pages_4k, pages);
	r->checked = 1;
	tdpsim_sim_free(sim);
}

/* The guest's view: one write sweep at a 4K stride over memory mapped with 2M guest pages,
 * first touch (faults) into `first`, then again with everything mapped into `again`. */
static void run_sweep_4k(struct result *first, struct result *again, uint64_t size)
{
	uint64_t pages = size / PAGE_4K;
	int li = setting_index("guest_paging_levels");
	tdpsim_sim *sim = sim_new();
	int levels;
	uint64_t tables, pt_size, pt_gpa, pt_hva;
	tdpsim_event ev;
	tdpsim_stats before;
	struct stopwatch s;

	levels = li >= 0 ? atoi(tdpsim_sim_setting_value(sim, (size_t)li)) : 4;
	tables = guest_tables_2m(levels, SWEEP_GVA, size);
	/* The guest's page tables get a memslot of their own, right above the data, so that
	 * their EPT faults are easy to tell apart: one per table page touched. */
	pt_size = ((tables + 16) * PAGE_4K + PAGE_2M - 1) & ~(PAGE_2M - 1);
	pt_gpa = DATA_GPA + size;
	pt_hva = DATA_HVA + size;

	ev = ev_memslot(0, DATA_GPA, size, DATA_HVA);
	apply(sim, &ev);
	ev = ev_memslot(1, pt_gpa, pt_size, pt_hva);
	apply(sim, &ev);
	ev = ev_backing(DATA_HVA, size, TDPSIM_BACKING_4K);
	apply(sim, &ev);
	ev = ev_backing(pt_hva, pt_size, TDPSIM_BACKING_4K);
	apply(sim, &ev);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_GUEST_PT;
	ev.u.guest_pt.gpa = pt_gpa;
	ev.u.guest_pt.size = pt_size;
	apply(sim, &ev);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_GUEST_MAP;
	ev.u.guest_map.gva = SWEEP_GVA;
	ev.u.guest_map.gpa = DATA_GPA;
	ev.u.guest_map.size = size;
	ev.u.guest_map.page_level = TDPSIM_LEVEL_2M;
	ev.u.guest_map.prot = TDPSIM_PROT_R | TDPSIM_PROT_W;
	ev.u.guest_map.user = 1;
	ev.u.guest_map.ad = 1;
	apply(sim, &ev);

	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_SWEEP;
	ev.u.sweep.vcpu = 0;
	ev.u.sweep.op = TDPSIM_OP_WRITE;
	ev.u.sweep.cpl = 3;
	ev.u.sweep.gva = SWEEP_GVA;
	ev.u.sweep.len = size;
	ev.u.sweep.stride = PAGE_4K;
	ev.u.sweep.repeat = 1;

	tdpsim_sim_stats(sim, &before);
	s = sw_start();
	apply(sim, &ev);
	sw_stop(s, &first->t);
	check_interrupted();
	tdpsim_sim_stats(sim, &first->st);
	first->accesses = first->st.accesses - before.accesses;
	first->faults = first->st.pf_fixed - before.pf_fixed;
	first->leaves = first->st.pages_4k;
	first->leaf_name = "pages_4k";
	expect(first, "accesses", first->accesses, pages);
	expect(first, "guest_page_faults", first->st.guest_page_faults, 0);
	/* One fault per data page and one per guest page-table page. */
	expect(first, "pf_fixed", first->faults, pages + tables);
	expect(first, "pf_taken", first->st.pf_taken - before.pf_taken, pages + tables);
	expect(first, "pages_4k", first->st.pages_4k, pages + tables);
	expect(first, "pages_2m", first->st.pages_2m, 0);
	first->checked = 1;

	before = first->st;
	s = sw_start();
	apply(sim, &ev);
	sw_stop(s, &again->t);
	check_interrupted();
	tdpsim_sim_stats(sim, &again->st);
	again->accesses = again->st.accesses - before.accesses;
	again->faults = again->st.pf_fixed - before.pf_fixed;
	again->leaves = again->st.pages_4k;
	again->leaf_name = "pages_4k";
	expect(again, "accesses", again->accesses, pages);
	expect(again, "pf_taken", again->st.pf_taken - before.pf_taken, 0);
	expect(again, "pages_4k", again->st.pages_4k, pages + tables);
	again->checked = 1;
	tdpsim_sim_free(sim);
}

/* 2M fault events over a hugetlb2m backing. */
static void run_fault_2m(struct result *r, uint64_t size, double *populate_s)
{
	uint64_t n = size / PAGE_2M;
	tdpsim_sim *sim = sim_new();
	tdpsim_event ev;
	struct stopwatch s;
	double t0;

	ev = ev_memslot(0, DATA_GPA, size, DATA_HVA);
	apply(sim, &ev);
	ev = ev_backing(DATA_HVA, size, TDPSIM_BACKING_HUGETLB2M);
	t0 = now();
	apply(sim, &ev);
	*populate_s = now() - t0;

	s = sw_start();
	apply_faults(sim, size, PAGE_2M);
	sw_stop(s, &r->t);

	tdpsim_sim_stats(sim, &r->st);
	r->accesses = 0;
	r->faults = r->st.pf_fixed;
	r->leaves = r->st.pages_2m;
	r->leaf_name = "pages_2m";
	expect(r, "recorded_faults", r->st.recorded_faults, n);
	expect(r, "pf_fixed", r->st.pf_fixed, n);
	expect(r, "pages_2m", r->st.pages_2m, n);
	expect(r, "pages_4k", r->st.pages_4k, 0);
	r->checked = 1;
	tdpsim_sim_free(sim);
}

/* ---- the report ------------------------------------------------------------------------ */

static void print_row(const struct result *r)
{
	char acc[32] = "", f[32], lv[48], maccs[16] = "", mfs[16] = "", nsf[16] = "", nsa[16] = "";
	double cpu = r->t.best > 0 ? 100.0 * r->t.cpu_best / r->t.best : 0;

	if (!r->t.ok)
		return;
	if (r->accesses) {
		commas(r->accesses, acc, sizeof(acc));
		snprintf(maccs, sizeof(maccs), "%.2f", (double)r->accesses / r->t.best / 1e6);
		snprintf(nsa, sizeof(nsa), "%.1f", r->t.best * 1e9 / (double)r->accesses);
	}
	if (r->faults) {
		snprintf(mfs, sizeof(mfs), "%.2f", (double)r->faults / r->t.best / 1e6);
		snprintf(nsf, sizeof(nsf), "%.1f", r->t.best * 1e9 / (double)r->faults);
	}
	commas(r->faults, f, sizeof(f));
	snprintf(lv, sizeof(lv), "%s=", r->leaf_name);
	commas(r->leaves, lv + strlen(lv), sizeof(lv) - strlen(lv));
	printf("%-24s %11s %11s %7.3f %7.3f %8s %8s %8s %8s %4.0f%%  %s\n", r->name, acc, f,
	       r->t.best, r->t.worst, mfs, nsf, maccs, nsa, cpu, lv);
}

static double per_page(long kib, uint64_t pages)
{
	return pages ? (double)kib * 1024.0 / (double)pages : 0.0;
}

static void print_memory(const struct mem *m)
{
	char c1[32], c2[32];
	long host = m->populated_kib - m->slot_kib, kvm = m->faulted_kib - m->populated_kib;
	long slot = m->slot_kib - m->base_kib, total = m->faulted_kib - m->base_kib;
	/* What the tables themselves take: KVM's are tdp_mmu_pages (+ the root) 4K pages; the
	 * host's 4-level tables for a populated range are one PTE page per 2M and more above. */
	double kvm_tables = (double)(m->tdp_mmu_pages + 1) * 4096.0 / (double)m->pages;

	printf("\nMemory, first 4K fault run (%s pages mapped; VmRSS from /proc/self/status):\n",
	       commas(m->pages, c1, sizeof(c1)));
	printf("  %-44s %10s %12s\n", "", "RSS MiB", "B/4K page");
	printf("  %-44s %10.1f\n", "before the memslot (the process itself)",
	       (double)m->base_kib / 1024.0);
	printf("  %-44s %10.1f %12.2f\n", "+ memslot (KVM: lpage_info)", (double)slot / 1024.0,
	       per_page(slot, m->pages));
	printf("  %-44s %10.1f %12.2f\n", "+ backing populate=1 (host: page tables)",
	       (double)host / 1024.0, per_page(host, m->pages));
	printf("  %-44s %10.1f %12.2f\n", "+ the faults (KVM: SPTE tables, SP metadata)",
	       (double)kvm / 1024.0, per_page(kvm, m->pages));
	printf("  %-44s %10.1f %12.2f\n", "= growth, memslot to last fault", (double)total / 1024.0,
	       per_page(total, m->pages));
	printf("  %-44s %10.1f %12.2f\n", "peak RSS of the process (VmHWM)",
	       (double)m->hwm_kib / 1024.0, per_page(m->hwm_kib, m->pages));
	printf("  %-44s %10.1f %12.2f\n", "peak RSS of the process (ru_maxrss)",
	       (double)m->maxrss_kib / 1024.0, per_page(m->maxrss_kib, m->pages));
	printf("  KVM table pages: tdp_mmu_pages %s + the root = %.2f B/4K page of tables alone;\n"
	       "  host frames in use: %s (simulated, not memory of this process)\n",
	       commas(m->tdp_mmu_pages, c2, sizeof(c2)), kvm_tables,
	       commas(m->host_pages_4k, c1, sizeof(c1)));
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: fault_bench [options]\n"
		"  --size-4k S   memslot of the 4K runs; one fault per 4K (default 16G: 4,194,304)\n"
		"  --size-2m S   memslot of the 2M run; one fault per 2M (default 2T: 1,048,576)\n"
		"                (sizes take a K/M/G/T suffix and are multiples of 2M)\n"
		"  --runs N      timed runs of each measurement; the best is reported (default %d)\n"
		"  --no-sweep    skip the guest-access sweep\n"
		"  --no-trace    skip the binary-trace replay\n"
		"  --dir DIR     where to write the trace (default: a new directory under $TMPDIR\n"
		"                or /tmp, removed at the end)\n"
		"  --keep        keep the trace file\n"
		"  --set K=V     a setting for every machine, pinned (repeatable; e.g. tdp_mmu=0)\n"
		"  --help\n",
		DEFAULT_RUNS);
}

static uint64_t parse_size(const char *opt, const char *s)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!errno && end != s && s[0] != '-') {
		switch (*end) {
		case 'k': case 'K': shift = 10; end++; break;
		case 'm': case 'M': shift = 20; end++; break;
		case 'g': case 'G': shift = 30; end++; break;
		case 't': case 'T': shift = 40; end++; break;
		default: break;
		}
	}
	if (errno || end == s || *end || s[0] == '-' || v == 0 || v > (UINT64_MAX >> shift) ||
	    ((v << shift) & (PAGE_2M - 1)) || (v << shift) > 64 * TiB) {
		fprintf(stderr, "fault_bench: %s wants a size that is a multiple of 2M, at most "
			"64T, like 16G; got '%s'\n", opt, s);
		exit(2);
	}
	return (uint64_t)v << shift;
}

int main(int argc, char **argv)
{
	uint64_t size_4k = DEFAULT_SIZE_4K, size_2m = DEFAULT_SIZE_2M;
	unsigned runs = DEFAULT_RUNS;
	int do_sweep = 1, do_trace = 1, failed = 0;
	const char *dir = NULL;
	struct result fault4k = { .name = "4K fault events" };
	struct result replay4k = { .name = "4K fault .tdpb replay" };
	struct result sweep4k = { .name = "4K sweep, first touch" };
	struct result again4k = { .name = "4K sweep, all mapped" };
	struct result fault2m = { .name = "2M fault events" };
	struct result *all[] = { &fault4k, &replay4k, &sweep4k, &again4k, &fault2m };
	struct mem mem = { 0 };
	double pop4k_s = 0, pop2m_s = 0, p, gen_s = 0;
	uint64_t trace_bytes = 0;
	char c1[32], c2[32], c3[32], c4[32], la0[64], la1[64];
	struct sigaction sa;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--keep") == 0) {
			cleanup.keep = 1;
			continue;
		} else if (strcmp(a, "--no-sweep") == 0) {
			do_sweep = 0;
			continue;
		} else if (strcmp(a, "--no-trace") == 0) {
			do_trace = 0;
			continue;
		}
		if (!v) {
			usage(stderr);
			return 2;
		}
		i++;
		if (strcmp(a, "--size-4k") == 0) {
			size_4k = parse_size(a, v);
		} else if (strcmp(a, "--size-2m") == 0) {
			size_2m = parse_size(a, v);
		} else if (strcmp(a, "--runs") == 0) {
			runs = parse_runs(v);
		} else if (strcmp(a, "--dir") == 0) {
			dir = v;
		} else if (strcmp(a, "--set") == 0 && strchr(v, '=') && nsets < MAX_SETS) {
			sets[nsets++] = v;
		} else {
			usage(stderr);
			return 2;
		}
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	loadavg(la0, sizeof(la0));
	printf("fault_bench: libtdpsim %s, best of %u run%s; 4K: %s memslot (%s faults), "
	       "2M: %s memslot (%s faults)\n", tdpsim_version(), runs, runs == 1 ? "" : "s",
	       size_str(size_4k, c1, sizeof(c1)), commas(size_4k / PAGE_4K, c2, sizeof(c2)),
	       size_str(size_2m, c3, sizeof(c3)), commas(size_2m / PAGE_2M, c4, sizeof(c4)));
	printf("load average at the start: %s (%ld CPUs online)\n", la0,
	       sysconf(_SC_NPROCESSORS_ONLN));
	fflush(stdout);

	if (do_trace) {
		int len;

		if (dir) {
			len = snprintf(cleanup.dir, sizeof(cleanup.dir), "%s", dir);
			if (len < 0 || (size_t)len >= sizeof(cleanup.dir))
				die("%s: path too long", dir);
			if (mkdir(dir, 0755) == 0)
				cleanup.made_dir = 1;
			else if (errno != EEXIST)
				die("%s: cannot create: %s", dir, strerror(errno));
		} else {
			const char *tmp = getenv("TMPDIR");

			len = snprintf(cleanup.dir, sizeof(cleanup.dir), "%s/tdpsim-fbench.XXXXXX",
				       tmp && *tmp ? tmp : "/tmp");
			if (len < 0 || (size_t)len >= sizeof(cleanup.dir))
				die("TMPDIR: path too long");
			if (!mkdtemp(cleanup.dir))
				die("cannot create %s: %s", cleanup.dir, strerror(errno));
			cleanup.made_dir = 1;
		}
		len = snprintf(cleanup.trace, sizeof(cleanup.trace), "%s/faults-4k.tdpb",
			       cleanup.dir);
		if (len < 0 || (size_t)len >= sizeof(cleanup.trace))
			die("%s: path too long", cleanup.dir);
	}

	/* Runs interleaved, so that drift on a shared machine hits every measurement alike.
	 * The first 4K fault run comes first of all: its memory figures are of a fresh process. */
	for (unsigned r = 0; r < runs; r++) {
		run_fault_4k(&fault4k, size_4k, &mem, &p);
		if (r == 0 || p < pop4k_s)
			pop4k_s = p;
		if (do_trace) {
			if (r == 0) {
				double t0 = now();

				struct stat st;

				write_trace(cleanup.trace, size_4k);
				gen_s = now() - t0;
				if (stat(cleanup.trace, &st) == 0)
					trace_bytes = (uint64_t)st.st_size;
			}
			run_replay_4k(&replay4k, cleanup.trace, size_4k);
		}
		if (do_sweep)
			run_sweep_4k(&sweep4k, &again4k, size_4k);
		run_fault_2m(&fault2m, size_2m, &p);
		if (r == 0 || p < pop2m_s)
			pop2m_s = p;
		check_interrupted();
	}
	loadavg(la1, sizeof(la1));

	printf("\nFault path (wall seconds of the timed part only, best and worst of %u; cpu%% ="
	       " CPU/wall of the best run)\n", runs);
	printf("%-24s %11s %11s %7s %7s %8s %8s %8s %8s %5s  %s\n", "test", "accesses", "faults",
	       "best s", "worst s", "Mfault/s", "ns/fault", "Macc/s", "ns/acc", "cpu", "leaves");
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		print_row(all[i]);
	printf("\nuntimed setup, best: populate=1 of %s kind=4k %.3f s, of %s kind=hugetlb2m"
	       " %.3f s", size_str(size_4k, c1, sizeof(c1)), pop4k_s,
	       size_str(size_2m, c2, sizeof(c2)), pop2m_s);
	if (do_trace)
		printf("; writing the trace (%s bytes, %.2f B/fault) %.2f s",
		       commas(trace_bytes, c1, sizeof(c1)),
		       (double)trace_bytes / (double)(size_4k / PAGE_4K), gen_s);
	printf("\n");
	if (sweep4k.t.ok && again4k.t.ok && sweep4k.faults)
		printf("sweep: first touch minus all mapped = %.1f ns per fault on top of the walk\n",
		       (sweep4k.t.best - again4k.t.best) * 1e9 / (double)sweep4k.faults);
	if (replay4k.t.ok && fault4k.t.ok && fault4k.faults)
		printf("replay: decode adds %.1f ns per fault event\n",
		       (replay4k.t.best - fault4k.t.best) * 1e9 / (double)fault4k.faults);
	printf("load average at the end: %s\n", la1);
	if (mem.ok)
		print_memory(&mem);

	/* Checks: counts only, never time or memory. */
	if (do_trace && replay4k.checked && replay4k.digest != fault4k.digest) {
		fprintf(stderr, "FAIL: the replayed trace gives digest %016" PRIx64 ", the direct"
			" events %016" PRIx64 "\n", replay4k.digest, fault4k.digest);
		failed = 1;
	}
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		failed |= all[i]->failed;
	if (failed)
		printf("\nFAILED (see above)\n");
	else
		printf("\nOK: every run mapped the expected leaves with the expected faults\n");
	cleanup_files();
	return failed;
}
