/* SPDX-License-Identifier: MIT */
/*
 * A program built out of tree against an installed libtdpsim: it writes a small gzip'd binary
 * trace with the writer API, replays it twice and checks the stats, the pinning of an option,
 * the mark, the notice and the digest.  Usage: consumer SCRATCH_DIR.  Exit 0 only if all hold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tdpsim/tdpsim.h>

static int failures;

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			const tdpsim_error *e_ = tdpsim_error_last();                      \
			fprintf(stderr, "consumer.c:%d: check failed: %s%s%s\n", __LINE__, \
				#cond, e_ ? " -- " : "", e_ ? e_->message : "");           \
			failures++;                                                        \
		}                                                                          \
	} while (0)

/* set vcpus=1, a 2M memslot, one read, a 16-page write sweep, a mark, one exec access. */
static int write_trace(const char *path)
{
	tdpsim_trace_writer *w = NULL;
	tdpsim_event ev[6];
	int i;

	memset(ev, 0, sizeof(ev));
	ev[0].cmd = TDPSIM_CMD_SET;
	ev[0].u.set.key = "vcpus";
	ev[0].u.set.value = "1";
	ev[1].cmd = TDPSIM_CMD_MEMSLOT;
	ev[1].u.memslot.size = 2 << 20;
	ev[1].u.memslot.hva = 0x7f0000000000ull;
	ev[2].cmd = TDPSIM_CMD_ACCESS;
	ev[2].u.access.gva = 0x1000;
	ev[2].u.access.op = TDPSIM_OP_READ;
	ev[3].cmd = TDPSIM_CMD_SWEEP;
	ev[3].u.sweep.gva = 0x10000;
	ev[3].u.sweep.len = 64 << 10;
	ev[3].u.sweep.stride = 4096;
	ev[3].u.sweep.repeat = 1;
	ev[3].u.sweep.op = TDPSIM_OP_WRITE;
	ev[4].cmd = TDPSIM_CMD_MARK;
	ev[4].u.mark.label = "after-sweep";
	ev[5].cmd = TDPSIM_CMD_ACCESS;
	ev[5].u.access.vcpu = 1;
	ev[5].u.access.gva = 0x2000;
	ev[5].u.access.op = TDPSIM_OP_EXEC;

	if (tdpsim_trace_writer_new(&w, path) < 0)
		return -1;
	for (i = 0; i < 6; i++)
		if (tdpsim_trace_write(w, &ev[i]) < 0) {
			tdpsim_trace_writer_abort(w);
			return -1;
		}
	return tdpsim_trace_writer_close(w);
}

/* Replay `path` on a machine with 2 vCPUs pinned by the options; 0 digest on failure. */
static uint64_t replay(const char *path)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	tdpsim_sim *sim = NULL;
	tdpsim_trace *t = NULL;
	tdpsim_stats st;
	const char *label = NULL;
	uint64_t digest = 0;
	int64_t n;

	o.vcpus = 2; /* pinned: the trace's `set vcpus=1` is ignored, with a notice */
	CHECK(tdpsim_sim_new(&sim, &o) == 0);
	CHECK(tdpsim_trace_open(&t, path) == 0);
	if (!sim || !t)
		goto out;
	CHECK(tdpsim_trace_encoding(t) == TDPSIM_ENCODING_BINARY);
	CHECK(tdpsim_trace_compressed(t) == 1);
	n = tdpsim_sim_replay(sim, t, NULL, NULL);
	CHECK(n == 6); /* vcpu=1 in the last access needs the pinned vcpus=2 */
	tdpsim_sim_stats(sim, &st);
	CHECK(st.events == 6);
	CHECK(st.accesses == 18);
	CHECK(st.accesses_write == 16);
	CHECK(st.accesses_exec == 1);
	CHECK(st.memslots == 1 && st.memslot_pages == 512);
	CHECK(tdpsim_sim_mark_count(sim) == 1);
	CHECK(tdpsim_sim_mark(sim, 0, &label, &st) == 0 && label &&
	      strcmp(label, "after-sweep") == 0 && st.accesses == 17);
	CHECK(tdpsim_sim_notice_count(sim) == 1 && strstr(tdpsim_sim_notice(sim, 0), "vcpus"));
	digest = tdpsim_sim_digest(sim);
	CHECK(digest != 0);
out:
	tdpsim_trace_free(t);
	tdpsim_sim_free(sim);
	return digest;
}

int main(int argc, char **argv)
{
	char path[4096];
	uint64_t d1, d2;

	if (argc != 2) {
		fprintf(stderr, "usage: consumer SCRATCH_DIR\n");
		return 2;
	}
	/* The installed headers and library must be the same release. */
	CHECK(strcmp(tdpsim_version(), TDPSIM_VERSION) == 0);
	snprintf(path, sizeof(path), "%s/consumer.tdpb.gz", argv[1]);
	CHECK(write_trace(path) == 0);
	d1 = replay(path);
	d2 = replay(path);
	CHECK(d1 == d2); /* deterministic */
	unlink(path);
	if (failures) {
		fprintf(stderr, "consumer: %d check(s) failed\n", failures);
		return 1;
	}
	printf("consumer: libtdpsim %s ok, digest 0x%016llx\n", tdpsim_version(),
	       (unsigned long long)d1);
	return 0;
}
