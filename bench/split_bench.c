/* SPDX-License-Identifier: MIT */
/*
 * Eager page splitting throughput: 4K SPTEs created per second of CPU when dirty logging is
 * enabled on a slot mapped with huge pages (kvm_tdp_mmu_try_split_huge_pages), for 1G and
 * for 2M backing.  Real KVM does about 16 M per CPU-second (bench/RESULTS.md cites it).
 *
 *   split_bench [--size 64G] [--runs 3]
 */
#include <string.h>

#include "tdpsim/tdpsim.h"

#define BENCH_NAME "split_bench"
#include "bench_util.h"

static void cleanup_files(void)
{
}

static void apply(tdpsim_sim *sim, const tdpsim_event *ev)
{
	if (tdpsim_sim_apply(sim, ev) < 0)
		die_tdpsim("apply");
}

/* A slot of `size` over populated `kind` pages, every huge page faulted in; then logging on,
 * timed.  Returns CPU seconds and the 4K SPTEs created. */
static double one_run(uint64_t size, uint32_t kind, uint64_t *created)
{
	uint64_t huge = kind == TDPSIM_BACKING_HUGETLB1G ? GiB : 2 * MiB;
	tdpsim_event ev;
	tdpsim_stats before, after;
	tdpsim_sim *sim;
	double t0, t1;

	if (tdpsim_sim_new(&sim, NULL) < 0)
		die_tdpsim("tdpsim_sim_new");
	ev = ev_memslot(1, 0, size, 0x100000000000ull);
	apply(sim, &ev);
	ev = ev_backing(0x100000000000ull, size, kind);
	apply(sim, &ev);
	for (uint64_t gpa = 0; gpa < size; gpa += huge) {
		memset(&ev, 0, sizeof(ev));
		ev.cmd = TDPSIM_CMD_FAULT;
		ev.u.fault.gpa = gpa;
		ev.u.fault.err = TDPSIM_PFERR_WRITE | TDPSIM_PFERR_USER;
		apply(sim, &ev);
	}
	tdpsim_sim_stats(sim, &before);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_DIRTY_LOG;
	ev.u.dirty_log.slot = 1;
	ev.u.dirty_log.on = 1;
	t0 = cpu_now();
	apply(sim, &ev);
	t1 = cpu_now();
	tdpsim_sim_stats(sim, &after);
	*created = after.pages_4k - before.pages_4k;
	if (after.pages_2m || after.pages_1g || *created != size / (4 * KiB))
		die("split left %llu 2M and %llu 1G leaves, created %llu 4K",
		    (unsigned long long)after.pages_2m, (unsigned long long)after.pages_1g,
		    (unsigned long long)*created);
	tdpsim_sim_free(sim);
	return t1 - t0;
}

int main(int argc, char **argv)
{
	uint64_t size = 64 * GiB;
	unsigned runs = 3;
	static const struct { const char *name; uint32_t kind; } kinds[] = {
		{ "1G -> 2M -> 4K", TDPSIM_BACKING_HUGETLB1G },
		{ "2M -> 4K", TDPSIM_BACKING_HUGETLB2M },
	};

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--size") == 0)
			size = parse_u64(argv[i], argv[i + 1]) * GiB;
		else if (strcmp(argv[i], "--runs") == 0)
			runs = parse_runs(argv[i + 1]);
		else
			die("usage: split_bench [--size GIB] [--runs N]");
	}
	if (size == 0)
		die("--size must be positive");
	printf("eager split at dirty-log enable, %llu GiB slot, best of %u (CPU time)\n",
	       (unsigned long long)(size / GiB), runs);
	printf("%-16s %14s %10s %12s %10s\n", "split", "4K SPTEs", "cpu s", "M SPTEs/s",
	       "x KVM 16M");
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		double best = 1e30;
		uint64_t created = 0;
		char buf[32];

		for (unsigned r = 0; r < runs; r++) {
			double s = one_run(size, kinds[k].kind, &created);

			best = s < best ? s : best;
		}
		printf("%-16s %14s %10.4f %12.1f %10.1f\n", kinds[k].name,
		       commas(created, buf, sizeof(buf)), best, (double)created / best / 1e6,
		       (double)created / best / 16e6);
	}
	return 0;
}
