/* SPDX-License-Identifier: MIT */
/*
 * shadow_bench - the shadow MMU (mmu=shadow) beside the TDP MMU: faults per second and
 * accesses per second.
 *
 * Each run builds a machine with the public API (kvm 6.18, skylake-sp, one vCPU): slot 0
 * (16M, 4K host pages) holds the guest's page tables; the data slot of --size at 1 GiB, 4K
 * host pages populate=1, is mapped by the guest with 4K pages, Accessed and Dirty preset,
 * user.  Only the sweeps are timed, never the setup.  Best of --runs, runs interleaved:
 *
 *   faults     one write per 32K (`sweep stride=32K op=w`): under shadow paging every access
 *              is a #PF exit, KVM's walk of the guest's 4 levels, FNAME(fetch) and the
 *              prefetch of the 7 neighbours of its aligned group - the unit the real KVM's
 *              ~9 us per guest 4K write fault is (bench/RESULTS.md).  Under TDP each is an
 *              EPT violation and its map (the TDP MMU does not prefetch).
 *   accesses   then a write to every 4K page (`sweep stride=4K op=w`), everything mapped:
 *              TLB misses and walks (1-D of the shadow tables, or 2-D through EPT).
 *
 * Exit status: 0 if every run mapped and faulted exactly as expected (shadow: pages_4k =
 * pages, faults = pages / 8; TDP: faults = pages / 8, pages_4k = pages / 8 then pages after
 * the second sweep, each plus the guest's table pages); 1 otherwise; 2 on a usage error.
 * Time is never checked.
 */
#define BENCH_NAME "shadow_bench"
static void cleanup_files(void)
{
}
#include "bench_util.h"

#define DATA_GPA (1ull << 30)
#define DATA_HVA 0x7f0040000000ull
#define SYS_HVA 0x7f0000000000ull

static void check_ok(int rc, const char *what)
{
	if (rc < 0) {
		const tdpsim_error *e = tdpsim_error_last();

		fprintf(stderr, BENCH_NAME ": %s: %s\n", what, e ? e->message : "?");
		exit(1);
	}
}

static void apply(tdpsim_sim *sim, tdpsim_event ev)
{
	check_ok(tdpsim_sim_apply(sim, &ev), tdpsim_cmd_name(ev.cmd));
}

static tdpsim_sim *machine(const char *mmu, uint64_t size)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	tdpsim_sim *sim;
	tdpsim_event ev;

	check_ok(tdpsim_sim_new(&sim, &o), "creating the machine");
	check_ok(tdpsim_sim_set(sim, "mmu", mmu), "mmu");
	check_ok(tdpsim_sim_set(sim, "nx_huge_pages", "off"), "nx_huge_pages");
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_MEMSLOT;
	ev.u.memslot.slot = 0, ev.u.memslot.gpa = 0, ev.u.memslot.size = 16 * MiB;
	ev.u.memslot.hva = SYS_HVA;
	apply(sim, ev);
	ev.u.memslot.slot = 1, ev.u.memslot.gpa = DATA_GPA, ev.u.memslot.size = size;
	ev.u.memslot.hva = DATA_HVA;
	apply(sim, ev);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_BACKING;
	ev.u.backing.hva = SYS_HVA, ev.u.backing.size = 16 * MiB, ev.u.backing.populate = 1;
	ev.u.backing.kind = TDPSIM_BACKING_4K;
	apply(sim, ev);
	ev.u.backing.hva = DATA_HVA, ev.u.backing.size = size;
	apply(sim, ev);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_GUEST_PT;
	ev.u.guest_pt.gpa = 2 * MiB, ev.u.guest_pt.size = 14 * MiB;
	apply(sim, ev);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_GUEST_MAP;
	ev.u.guest_map.gva = DATA_GPA, ev.u.guest_map.gpa = DATA_GPA, ev.u.guest_map.size = size;
	ev.u.guest_map.page_level = 1, ev.u.guest_map.prot = TDPSIM_PROT_R | TDPSIM_PROT_W;
	ev.u.guest_map.user = 1, ev.u.guest_map.ad = 1;
	apply(sim, ev);
	return sim;
}

static tdpsim_event sweep(uint64_t size, uint64_t stride)
{
	tdpsim_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_SWEEP;
	ev.u.sweep.gva = DATA_GPA, ev.u.sweep.len = size, ev.u.sweep.stride = stride;
	ev.u.sweep.op = TDPSIM_OP_WRITE, ev.u.sweep.cpl = 3, ev.u.sweep.repeat = 1;
	return ev;
}

struct best {
	double faults_s, access_s;
	int failed;
};

static void run(const char *mmu, uint64_t size, struct best *b)
{
	tdpsim_sim *sim = machine(mmu, size);
	uint64_t pages = size / 4096, shadow = strcmp(mmu, "shadow") == 0;
	/* Under TDP the guest's walks also fault in its table pages (PML4, PDPT, PD and a PT
	 * per 2M) through EPT; under shadow paging KVM reads them in software. */
	uint64_t tables = shadow ? 0 : 3 + size / (2 * MiB);
	tdpsim_stats st;
	double t0, t1, t2;

	t0 = now();
	apply(sim, sweep(size, 32 * KiB));
	t1 = now();
	tdpsim_sim_stats(sim, &st);
	/* Shadow: every fault maps its group of 8; TDP: the faulting page alone. */
	if (st.pages_4k != (shadow ? pages : pages / 8) + tables ||
	    st.pf_fixed != pages / 8 + tables) {
		fprintf(stderr, BENCH_NAME ": %s: the first sweep mapped %" PRIu64 " leaves with %"
			PRIu64 " faults\n", mmu, st.pages_4k, st.pf_fixed);
		b->failed = 1;
	}
	apply(sim, sweep(size, 4 * KiB));
	t2 = now();
	tdpsim_sim_stats(sim, &st);
	if (st.pages_4k != pages + tables || st.pf_fixed != (shadow ? pages / 8 : pages) + tables) {
		fprintf(stderr, BENCH_NAME ": %s: after the second sweep %" PRIu64 " leaves, %"
			PRIu64 " faults\n", mmu, st.pages_4k, st.pf_fixed);
		b->failed = 1;
	}
	if (!b->faults_s || t1 - t0 < b->faults_s)
		b->faults_s = t1 - t0;
	if (!b->access_s || t2 - t1 < b->access_s)
		b->access_s = t2 - t1;
	tdpsim_sim_free(sim);
}

int main(int argc, char **argv)
{
	uint64_t size = 1 * GiB;
	unsigned runs = 3;
	struct best sh = { 0, 0, 0 }, tdp = { 0, 0, 0 };

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--size-mib") == 0 && i + 1 < argc)
			size = parse_u64("--size-mib", argv[++i]) * MiB;
		else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			runs = parse_runs(argv[++i]);
		else {
			fprintf(stderr, "usage: " BENCH_NAME " [--size-mib N] [--runs N]\n");
			return 2;
		}
	}
	if (size < 2 * MiB || size > 14 * GiB || size % (2 * MiB)) {
		fprintf(stderr, BENCH_NAME ": --size-mib must be a multiple of 2, 2 to 14336\n");
		return 2;
	}
	for (unsigned r = 0; r < runs; r++) {
		run("shadow", size, &sh);
		run("tdp", size, &tdp);
	}
	{
		double pages = (double)(size / 4096), faults = pages / 8;

		printf(BENCH_NAME ": libtdpsim %s, %.0f MiB of 4K guest pages over 4K host pages, "
		       "best of %u\n", tdpsim_version(), (double)size / MiB, runs);
		printf("mmu     faults  fault s   ns/fault  Mfaults/s | accesses  access s  "
		       "ns/access  Maccess/s\n");
		printf("shadow %7.0f %8.3f %10.1f %10.2f | %8.0f %9.3f %10.1f %10.2f\n", faults,
		       sh.faults_s, sh.faults_s / faults * 1e9, faults / sh.faults_s / 1e6, pages,
		       sh.access_s, sh.access_s / pages * 1e9, pages / sh.access_s / 1e6);
		printf("tdp    %7.0f %8.3f %10.1f %10.2f | %8.0f %9.3f %10.1f %10.2f\n", faults,
		       tdp.faults_s, tdp.faults_s / faults * 1e9, faults / tdp.faults_s / 1e6, pages,
		       tdp.access_s, tdp.access_s / pages * 1e9, pages / tdp.access_s / 1e6);
		printf("shadow write fault with its prefetch: %.1f ns; the real KVM here: ~9000 ns "
		       "(%.0fx)\n", sh.faults_s / faults * 1e9, 9000.0 / (sh.faults_s / faults * 1e9));
	}
	if (sh.failed || tdp.failed) {
		fprintf(stderr, BENCH_NAME ": a run did not map or fault as expected\n");
		return 1;
	}
	return 0;
}
