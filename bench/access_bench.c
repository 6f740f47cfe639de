/* SPDX-License-Identifier: MIT */
/*
 * Access throughput of the emulated core: a binary+gzip trace of single guest accesses is
 * replayed (decode + TLBs + walks + KVM), and the same file is only decoded, in the same run.
 * Three traces: two TLB-hit-heavy ones over a working set of 32 4K pages, which the L1 dTLB
 * holds after one pass - "cyclic" visits the pages in order (a pattern a branch predictor
 * and gzip learn), "random" at random offsets in random order with random reads and writes -
 * and walk-heavy (pages of 1 GiB in a scrambled order, far beyond the TLBs).
 *
 *   access_bench [--accesses N] [--runs R] [--dir D] [--only hit|walk]
 *
 * --only runs the TLB-hit-heavy ones or the walk-heavy one (for a profiler).
 */
#include <string.h>
#include <unistd.h>

#include "tdpsim/tdpsim.h"

#define BENCH_NAME "access_bench"
#include "bench_util.h"

enum trace_kind { HIT_CYCLIC, HIT_RANDOM, WALK, N_TRACES };

static char trace_path[N_TRACES][512];

static void cleanup_files(void)
{
	for (int i = 0; i < N_TRACES; i++)
		if (trace_path[i][0])
			unlink(trace_path[i]);
}

static void write_ev(tdpsim_trace_writer *w, const tdpsim_event *ev)
{
	if (tdpsim_trace_write(w, ev) < 0)
		die_tdpsim("write");
}

/* The VM: 1 GiB of guest memory over populated 4K host pages, mapped by the guest 4K, with
 * the guest page tables in their own slot. */
static void write_setup(tdpsim_trace_writer *w)
{
	static const char *const lines[][2] = { { "nx_huge_pages", "off" } };
	tdpsim_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_SET;
	ev.u.set.key = lines[0][0];
	ev.u.set.value = lines[0][1];
	write_ev(w, &ev);
	ev = ev_memslot(0, 0, 8 * MiB, 0x7e0000000000ull);
	write_ev(w, &ev);
	ev = ev_backing(0x7e0000000000ull, 8 * MiB, TDPSIM_BACKING_4K);
	write_ev(w, &ev);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_GUEST_PT;
	ev.u.guest_pt.gpa = 0;
	ev.u.guest_pt.size = 8 * MiB;
	write_ev(w, &ev);
	ev = ev_memslot(1, GiB, GiB, 0x7f0000000000ull);
	write_ev(w, &ev);
	ev = ev_backing(0x7f0000000000ull, GiB, TDPSIM_BACKING_4K);
	write_ev(w, &ev);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_GUEST_MAP;
	ev.u.guest_map.gva = GiB;
	ev.u.guest_map.gpa = GiB;
	ev.u.guest_map.size = GiB;
	ev.u.guest_map.page_level = 1;
	ev.u.guest_map.prot = 3;
	ev.u.guest_map.user = 1;
	ev.u.guest_map.ad = 1;
	write_ev(w, &ev);
}

static void write_trace(const char *path, uint64_t n, enum trace_kind kind)
{
	tdpsim_trace_writer *w;
	tdpsim_event ev;
	uint64_t rng = 0x9e3779b97f4a7c15ull;

	if (tdpsim_trace_writer_new(&w, path) < 0)
		die_tdpsim(path);
	write_setup(w);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_ACCESS;
	ev.u.access.cpl = 3;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t page, offset = 0, r = rng_next(&rng);

		ev.u.access.op = (uint32_t)(i % 3 == 2 ? TDPSIM_OP_WRITE : TDPSIM_OP_READ);
		if (kind == WALK) { /* an odd multiplier scrambles the 262144 pages */
			page = (i * 40503u) & (262144 - 1);
		} else if (kind == HIT_CYCLIC) {
			page = i & 31; /* 32 pages: the L1 dTLB holds them all */
		} else { /* the same 32 pages in random order, anywhere in them, reads and
			  * writes at random: no pattern for a branch predictor or for gzip */
			page = r & 31;
			offset = (r >> 8) & 0xff8;
			ev.u.access.op = (uint32_t)((r >> 20) % 3 == 2 ? TDPSIM_OP_WRITE
								 : TDPSIM_OP_READ);
		}
		ev.u.access.gva = GiB + page * 4096 + offset;
		write_ev(w, &ev);
	}
	if (tdpsim_trace_writer_close(w) < 0)
		die_tdpsim(path);
}

static double decode(const char *path, uint64_t *events)
{
	tdpsim_trace *t;
	tdpsim_event ev;
	double t0 = cpu_now();
	int rc;

	*events = 0;
	if (tdpsim_trace_open(&t, path) < 0)
		die_tdpsim(path);
	while ((rc = tdpsim_trace_next(t, &ev)) > 0)
		(*events)++;
	if (rc < 0)
		die_tdpsim(path);
	tdpsim_trace_free(t);
	return cpu_now() - t0;
}

static double replay(const char *path, tdpsim_stats *st)
{
	tdpsim_trace *t;
	tdpsim_sim *sim;
	double t0 = cpu_now();

	if (tdpsim_sim_new(&sim, NULL) < 0 || tdpsim_trace_open(&t, path) < 0)
		die_tdpsim(path);
	if (tdpsim_sim_replay(sim, t, NULL, NULL) < 0)
		die_tdpsim(path);
	tdpsim_sim_stats(sim, st);
	tdpsim_trace_free(t);
	tdpsim_sim_free(sim);
	return cpu_now() - t0;
}

int main(int argc, char **argv)
{
	uint64_t n = 20000000;
	unsigned runs = 3;
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	static const char *const names[N_TRACES] = { "hit, cyclic", "hit, random", "walk-heavy" };
	int first = HIT_CYCLIC, last = WALK;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--accesses") == 0)
			n = parse_u64(argv[i], argv[i + 1]);
		else if (strcmp(argv[i], "--runs") == 0)
			runs = parse_runs(argv[i + 1]);
		else if (strcmp(argv[i], "--dir") == 0)
			dir = argv[i + 1];
		else if (strcmp(argv[i], "--only") == 0 && strcmp(argv[i + 1], "hit") == 0)
			last = HIT_RANDOM;
		else if (strcmp(argv[i], "--only") == 0 && strcmp(argv[i + 1], "walk") == 0)
			first = WALK;
		else
			die("usage: access_bench [--accesses N] [--runs R] [--dir D] "
			    "[--only hit|walk]");
	}
	if (n == 0)
		die("--accesses must be positive");
	printf("%llu single accesses per trace, binary+gzip, best of %u (CPU time)\n",
	       (unsigned long long)n, runs);
	printf("%-14s %10s %12s %10s %12s %8s %10s %10s\n", "trace", "replay s", "M acc/s",
	       "decode s", "M events/s", "ratio", "tlb hits", "walk refs");
	for (int k = first; k <= last; k++) {
		double best_r = 1e30, best_d = 1e30;
		uint64_t events = 0;
		tdpsim_stats st;
		char buf[32], buf2[32];

		snprintf(trace_path[k], sizeof(trace_path[k]), "%s/access_bench_%d_%ld.tdpb.gz", dir,
			 k, (long)getpid());
		write_trace(trace_path[k], n, (enum trace_kind)k);
		for (unsigned r = 0; r < runs; r++) {
			double d = decode(trace_path[k], &events), t = replay(trace_path[k], &st);

			best_d = d < best_d ? d : best_d;
			best_r = t < best_r ? t : best_r;
			check_interrupted();
		}
		if (st.accesses != n)
			die("%s: replayed %llu accesses, wrote %llu", names[k],
			    (unsigned long long)st.accesses, (unsigned long long)n);
		printf("%-14s %10.3f %12.1f %10.3f %12.1f %7.2fx %10s %10s\n", names[k], best_r,
		       (double)n / best_r / 1e6, best_d, (double)events / best_d / 1e6,
		       best_r / best_d,
		       commas(st.dtlb_hits_4k + st.itlb_hits_4k, buf, sizeof(buf)),
		       commas(st.walk_refs, buf2, sizeof(buf2)));
		unlink(trace_path[k]);
		trace_path[k][0] = '\0';
	}
	return 0;
}
