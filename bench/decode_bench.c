/* SPDX-License-Identifier: MIT */
/*
 * decode_bench - trace decode throughput, text vs binary vs gzip.
 *
 * Generates one realistic access trace (a header of set/memslot/backing/guest-pt/guest-map
 * lines, then single `access` events sweeping a few regions at a 4K stride from two vCPUs, and
 * a few `mark`s) with the public writer API, writes it as .tdpt, .tdpt.gz, .tdpb and .tdpb.gz,
 * and then times, for every file, best of --runs:
 *
 *   decode   tdpsim_trace_open + tdpsim_trace_next over every event (counted and hashed)
 *   gzread   raw zlib reading of the same file, set up as the reader sets it up (1 MiB
 *            gzbuffer, 1 MiB reads): the floor under the decoder, and the decompressed size
 *   zcat     `zcat FILE > /dev/null` in a child process (.gz files only)
 *
 * It also writes a pure single-access 4K-stride stream in the binary form and reports its
 * steady-state cost per access (the format promises at most 3 bytes).
 *
 * Exit status: 0 if every file decoded to exactly the generated events (same count, same
 * hash) and the 4K-stride stream costs at most 3 bytes/access; 1 otherwise; 2 on a usage
 * error.  Nothing about time is ever checked.
 *
 * Only the public libtdpsim API is used (plus zlib itself for the gzread baseline).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "tdpsim/tdpsim.h"

#define BENCH_NAME "decode_bench"
#include "bench_util.h"

extern char **environ;

#define DEFAULT_EVENTS 50000000ull
#define DEFAULT_RUNS 3
#define MARKS 8                       /* marks spread evenly over the accesses */
#define SINGLE_ACCESSES 1000000ull    /* accesses in the pure 4K-stride stream */
#define RAW_BUF (1u << 20)            /* gzread baseline: as the reader (READ_CHUNK) */


/* ---- small helpers ------------------------------------------------------------------- */

static uint64_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* Registered files and the directory, removed at exit unless --keep. */
static struct {
	char dir[PATH_MAX];
	int made_dir;
	int keep;
	char *files[16];
	unsigned nfiles;
} cleanup;

static void cleanup_files(void)
{
	for (unsigned i = 0; i < cleanup.nfiles; i++) {
		if (!cleanup.keep)
			unlink(cleanup.files[i]);
		free(cleanup.files[i]);
	}
	cleanup.nfiles = 0;
	if (!cleanup.keep && cleanup.made_dir && cleanup.dir[0])
		rmdir(cleanup.dir);
	cleanup.dir[0] = '\0';
}

/* dir + "/" + name into buf, or die. */
static void path_join(char *buf, size_t n, const char *dir, const char *name)
{
	int len = snprintf(buf, n, "%s/%s", dir, name);

	if (len < 0 || (size_t)len >= n)
		die("%s/%s: path too long", dir, name);
}

static void register_file(const char *path)
{
	if (cleanup.nfiles < sizeof(cleanup.files) / sizeof(cleanup.files[0]))
		cleanup.files[cleanup.nfiles++] = strdup(path);
}

/* ---- the event hash: generator and decoder must agree ---------------------------------- */

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0x100000001b3ull;
	return h ^ (h >> 29);
}

static uint64_t mix_str(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = mix(h, (unsigned char)*s);
	return mix(h, 0xff);
}

static uint64_t event_hash(uint64_t h, const tdpsim_event *ev)
{
	switch (ev->cmd) {
	case TDPSIM_CMD_ACCESS:
		return mix(h, ev->u.access.gva ^ ((uint64_t)ev->u.access.op << 56) ^
				      ((uint64_t)ev->u.access.vcpu << 48) ^
				      ((uint64_t)ev->u.access.cpl << 60));
	case TDPSIM_CMD_SET:
		return mix_str(mix_str(mix(h, ev->cmd), ev->u.set.key), ev->u.set.value);
	case TDPSIM_CMD_MARK:
		return mix_str(mix(h, ev->cmd), ev->u.mark.label);
	case TDPSIM_CMD_MEMSLOT:
		return mix(mix(mix(mix(h, ev->cmd), ev->u.memslot.gpa), ev->u.memslot.size),
			   ev->u.memslot.hva);
	case TDPSIM_CMD_GUEST_MAP:
		return mix(mix(mix(mix(h, ev->cmd), ev->u.guest_map.gva), ev->u.guest_map.gpa),
			   ev->u.guest_map.size ^ ev->u.guest_map.prot);
	default:
		return mix(h, ev->cmd);
	}
}

/* ---- the generated trace --------------------------------------------------------------- */

enum region_kind { R_CODE, R_DATA, R_KERNEL };

static const struct region {
	uint64_t gva, gpa, size;
	uint32_t page_level, prot, user;
	unsigned weight; /* percent of the bursts */
	enum region_kind kind;
} regions[] = {
	/* text of a user program */
	{ 0x0000000000400000ull, 0x0001000000ull, 16 * MiB, TDPSIM_LEVEL_4K,
	  TDPSIM_PROT_R | TDPSIM_PROT_X, 1, 15, R_CODE },
	/* a big heap on 2M pages */
	{ 0x00007f1200000000ull, 0x0100000000ull, 1 * GiB, TDPSIM_LEVEL_2M,
	  TDPSIM_PROT_R | TDPSIM_PROT_W, 1, 55, R_DATA },
	/* stacks and small mappings */
	{ 0x00007ffd00000000ull, 0x0040000000ull, 64 * MiB, TDPSIM_LEVEL_4K,
	  TDPSIM_PROT_R | TDPSIM_PROT_W, 1, 15, R_DATA },
	/* the kernel's direct map, 1G pages, touched at cpl 0 */
	{ 0xffff888000000000ull, 0x0000000000ull, 1 * GiB, TDPSIM_LEVEL_1G,
	  TDPSIM_PROT_R | TDPSIM_PROT_W, 0, 15, R_KERNEL },
};
#define NREGIONS (sizeof(regions) / sizeof(regions[0]))

struct gen {
	uint64_t rng;
	const struct region *r;
	uint32_t vcpu;
	uint64_t gva;
	int64_t step;
	uint64_t left;
};

static uint64_t rnd(struct gen *g)
{
	return rng_next(&g->rng);
}

static void new_burst(struct gen *g)
{
	unsigned pick = (unsigned)(rnd(g) % 100), acc = 0;
	uint64_t pages, len, first;

	g->r = &regions[NREGIONS - 1];
	for (size_t i = 0; i < NREGIONS; i++) {
		acc += regions[i].weight;
		if (pick < acc) {
			g->r = &regions[i];
			break;
		}
	}
	pages = g->r->size / (4 * KiB);
	len = 16ull << (rnd(g) % 9); /* 16 .. 4096 pages */
	if (len > pages)
		len = pages;
	first = rnd(g) % (pages - len + 1);
	g->vcpu = (uint32_t)(rnd(g) & 1);
	g->left = len;
	g->step = 4096;
	g->gva = g->r->gva + first * 4096 + (rnd(g) % 64) * 64; /* a cache line in the page */
	if (rnd(g) % 100 < 15) { /* some sweeps go down */
		g->gva += (len - 1) * 4096;
		g->step = -4096;
	}
}

static void next_access(struct gen *g, tdpsim_event *ev)
{
	uint64_t r;

	if (g->left == 0)
		new_burst(g);
	r = rnd(g) % 100;
	memset(ev, 0, sizeof(*ev));
	ev->cmd = TDPSIM_CMD_ACCESS;
	ev->u.access.vcpu = g->vcpu;
	ev->u.access.gva = g->gva;
	switch (g->r->kind) {
	case R_CODE:
		ev->u.access.op = r < 90 ? TDPSIM_OP_EXEC : TDPSIM_OP_READ;
		ev->u.access.cpl = 3;
		break;
	case R_DATA:
		ev->u.access.op = r < 70 ? TDPSIM_OP_READ : TDPSIM_OP_WRITE;
		ev->u.access.cpl = 3;
		break;
	case R_KERNEL:
		ev->u.access.op = r < 50 ? TDPSIM_OP_READ : TDPSIM_OP_WRITE;
		ev->u.access.cpl = 0;
		break;
	}
	g->gva += (uint64_t)g->step;
	g->left--;
}

/* The header events, in order; returns how many (at most `max`). */
static size_t header_events(tdpsim_event *evs, size_t max)
{
	static const char *const sets[][2] = {
		{ "mmu", "tdp" }, { "vcpus", "2" }, { "nx_huge_pages", "auto" },
		{ "eager_page_split", "1" },
	};
	size_t n = 0;

	memset(evs, 0, max * sizeof(*evs));
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]) && n < max; i++, n++) {
		evs[n].cmd = TDPSIM_CMD_SET;
		evs[n].u.set.key = sets[i][0];
		evs[n].u.set.value = sets[i][1];
	}
	if (n + 4 + NREGIONS > max)
		return n;
	/* 3G below the PCI hole, 2G above 4G, one host mapping with THP behind both. */
	evs[n].cmd = TDPSIM_CMD_MEMSLOT;
	evs[n].u.memslot.slot = 0;
	evs[n].u.memslot.gpa = 0;
	evs[n].u.memslot.size = 3 * GiB;
	evs[n++].u.memslot.hva = 0x7f0000000000ull;
	evs[n].cmd = TDPSIM_CMD_MEMSLOT;
	evs[n].u.memslot.slot = 1;
	evs[n].u.memslot.gpa = 4 * GiB;
	evs[n].u.memslot.size = 2 * GiB;
	evs[n++].u.memslot.hva = 0x7f0000000000ull + 3 * GiB;
	evs[n].cmd = TDPSIM_CMD_BACKING;
	evs[n].u.backing.hva = 0x7f0000000000ull;
	evs[n].u.backing.size = 5 * GiB;
	evs[n++].u.backing.kind = TDPSIM_BACKING_THP;
	evs[n].cmd = TDPSIM_CMD_GUEST_PT;
	evs[n].u.guest_pt.gpa = 0xb0000000ull;
	evs[n++].u.guest_pt.size = 64 * MiB;
	for (size_t i = 0; i < NREGIONS; i++, n++) {
		evs[n].cmd = TDPSIM_CMD_GUEST_MAP;
		evs[n].u.guest_map.gva = regions[i].gva;
		evs[n].u.guest_map.gpa = regions[i].gpa;
		evs[n].u.guest_map.size = regions[i].size;
		evs[n].u.guest_map.page_level = regions[i].page_level;
		evs[n].u.guest_map.prot = regions[i].prot;
		evs[n].u.guest_map.user = regions[i].user;
		evs[n].u.guest_map.ad = 1;
	}
	return n;
}

/* ---- the files ------------------------------------------------------------------------- */

static const char *const all_suffixes[] = { "tdpt", "tdpt.gz", "tdpb", "tdpb.gz" };
#define NSUFFIXES (sizeof(all_suffixes) / sizeof(all_suffixes[0]))

struct timing {
	double best, worst;
	int ok; /* measured at least once */
};

struct file {
	const char *suffix;
	char path[PATH_MAX];
	int gz;
	uint64_t size;       /* bytes on disk */
	uint64_t raw_bytes;  /* decompressed bytes (from the gzread pass) */
	uint64_t events, accesses, hash;
	long rss_after_kib;
	struct timing decode, gzread, zcat;
	const char *zcat_error;
};

struct expect {
	uint64_t events, accesses, marks, hash;
};

static void timing_add(struct timing *t, double s)
{
	if (!t->ok || s < t->best)
		t->best = s;
	if (!t->ok || s > t->worst)
		t->worst = s;
	t->ok = 1;
}

/* A writer failed: say why, then abort the other writers (removing their temporary files). */
static void writers_fail(tdpsim_trace_writer **w, size_t n, const char *path)
{
	const tdpsim_error *e = tdpsim_error_last();

	if (e)
		fprintf(stderr, "decode_bench: %s\n", e->message);
	else
		fprintf(stderr, "decode_bench: %s: unknown error\n", path);
	for (size_t i = 0; i < n; i++)
		tdpsim_trace_writer_abort(w[i]);
	cleanup_files();
	exit(1);
}

static void generate(struct file *files, size_t nfiles, uint64_t nevents, struct expect *exp)
{
	tdpsim_trace_writer *w[NSUFFIXES];
	tdpsim_event hdr[32], ev;
	size_t nhdr = header_events(hdr, sizeof(hdr) / sizeof(hdr[0]));
	struct gen g = { .rng = 0x9e3779b97f4a7c15ull };
	uint64_t n = 0, naccess, mark_every, next_mark, h = 0xcbf29ce484222325ull;
	unsigned marks = 0;
	char label[32];

	if (nevents < nhdr + 1)
		die("--events must be at least %zu (the header has %zu events)", nhdr + 1, nhdr);
	naccess = nevents - nhdr;
	mark_every = naccess / (MARKS + 1) ? naccess / (MARKS + 1) : 1;
	next_mark = nhdr + mark_every;
	for (size_t f = 0; f < nfiles; f++) {
		if (tdpsim_trace_writer_new(&w[f], files[f].path) < 0)
			writers_fail(w, f, files[f].path);
		register_file(files[f].path);
	}
	exp->accesses = 0;
	while (n < nevents) {
		if (n < nhdr) {
			ev = hdr[n];
		} else if (n == next_mark && marks < MARKS && n + 1 < nevents) {
			memset(&ev, 0, sizeof(ev));
			snprintf(label, sizeof(label), "phase-%u", ++marks);
			ev.cmd = TDPSIM_CMD_MARK;
			ev.u.mark.label = label;
			next_mark += mark_every;
		} else {
			next_access(&g, &ev);
			exp->accesses++;
		}
		h = event_hash(h, &ev);
		for (size_t f = 0; f < nfiles; f++)
			if (tdpsim_trace_write(w[f], &ev) < 0)
				writers_fail(w, nfiles, files[f].path);
		n++;
		if ((n & 0xffff) == 0 && interrupted) {
			for (size_t f = 0; f < nfiles; f++)
				tdpsim_trace_writer_abort(w[f]);
			check_interrupted();
		}
	}
	for (size_t f = 0; f < nfiles; f++) {
		if (tdpsim_trace_writer_close(w[f]) < 0) /* frees the writer in every case */
			writers_fail(w + f + 1, nfiles - f - 1, files[f].path);
		files[f].size = file_size(files[f].path);
	}
	exp->events = n;
	exp->marks = marks;
	exp->hash = h;
}

/* Decode every event of a file; returns the seconds taken. */
static double decode_file(struct file *f)
{
	tdpsim_trace *t;
	tdpsim_event ev;
	uint64_t n = 0, acc = 0, h = 0xcbf29ce484222325ull;
	double t0 = now(), t1;
	int rc;

	if (tdpsim_trace_open(&t, f->path) < 0)
		die_tdpsim("opening the trace");
	while ((rc = tdpsim_trace_next(t, &ev)) > 0) {
		h = event_hash(h, &ev);
		acc += ev.cmd == TDPSIM_CMD_ACCESS;
		if ((++n & 0xfffff) == 0 && interrupted)
			break;
	}
	if (rc < 0)
		die_tdpsim("decoding");
	tdpsim_trace_free(t);
	t1 = now();
	check_interrupted();
	f->events = n;
	f->accesses = acc;
	f->hash = h;
	return t1 - t0;
}

/* Read the file through zlib as the reader does, without decoding; returns seconds. */
static double gzread_file(struct file *f, unsigned char *buf)
{
	double t0 = now(), t1;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	gzFile gz = fd < 0 ? NULL : gzdopen(fd, "rb");
	uint64_t total = 0;
	int n;

	if (!gz)
		die("%s: cannot open: %s", f->path, strerror(errno));
	gzbuffer(gz, RAW_BUF);
	while ((n = gzread(gz, buf, RAW_BUF)) > 0) {
		total += (uint64_t)n;
		if (interrupted)
			break;
	}
	if (n < 0) {
		int zerr;

		die("%s: gzread: %s", f->path, gzerror(gz, &zerr));
	}
	gzclose(gz);
	t1 = now();
	check_interrupted();
	f->raw_bytes = total;
	return t1 - t0;
}

/* `zcat FILE > /dev/null`; returns seconds, or a negative value (f->zcat_error says why). */
static double zcat_file(struct file *f, const char *zcat)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { (char *)zcat, f->path, NULL };
	double t0, t1;
	pid_t pid;
	int status, rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	t0 = now();
	rc = posix_spawnp(&pid, zcat, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		f->zcat_error = "could not be started";
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			f->zcat_error = "wait failed";
			return -1;
		}
	}
	t1 = now();
	check_interrupted();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		f->zcat_error = WIFEXITED(status) && WEXITSTATUS(status) == 127 ? "not found"
										  : "failed";
		return -1;
	}
	return t1 - t0;
}

/* The pure stream: n single reads at a 4K stride from one vCPU.  Returns the file size. */
static uint64_t write_single_stream(const char *path, uint64_t n)
{
	tdpsim_trace_writer *w;
	tdpsim_event ev;

	if (tdpsim_trace_writer_new(&w, path) < 0)
		die_tdpsim("creating the 4K-stride stream");
	register_file(path);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_ACCESS;
	ev.u.access.op = TDPSIM_OP_READ;
	ev.u.access.cpl = 3;
	for (uint64_t i = 0; i < n; i++) {
		ev.u.access.gva = regions[1].gva + i * 4096;
		if (tdpsim_trace_write(w, &ev) < 0)
			die_tdpsim(path);
	}
	if (tdpsim_trace_writer_close(w) < 0)
		die_tdpsim(path);
	return file_size(path);
}

/* ---- the report ------------------------------------------------------------------------ */

static double mb(uint64_t bytes)
{
	return (double)bytes / 1e6;
}

static void print_row(const char *name, const char *method, const struct timing *t,
		      uint64_t events, uint64_t file_bytes, uint64_t data_bytes, double vs)
{
	char evs[32] = "", ratio[32] = "";

	if (events)
		snprintf(evs, sizeof(evs), "%8.2f", (double)events / t->best / 1e6);
	if (vs > 0)
		snprintf(ratio, sizeof(ratio), "%7.2fx", t->best / vs);
	printf("%-18s %-16s %8.3f %8.3f %8s %10.1f %10.1f %8s\n", name, method, t->best, t->worst,
	       evs, mb(file_bytes) / t->best, mb(data_bytes) / t->best, ratio);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: decode_bench [options]\n"
		"  --events N     events in the generated trace (default %llu)\n"
		"  --runs N       timed runs per measurement; the best is reported (default %d)\n"
		"  --dir DIR      where to write the traces (default: a new directory under\n"
		"                 $TMPDIR or /tmp)\n"
		"  --keep         keep the trace files (default: remove them at the end)\n"
		"  --enc LIST     comma list of tdpt,tdpt.gz,tdpb,tdpb.gz (default: all)\n"
		"  --zcat PROG    the zcat to compare with (default: zcat); 'none' skips it\n"
		"  --help\n",
		(unsigned long long)DEFAULT_EVENTS, DEFAULT_RUNS);
}

int main(int argc, char **argv)
{
	uint64_t nevents = DEFAULT_EVENTS;
	unsigned runs = DEFAULT_RUNS;
	const char *dir = NULL, *zcat = "zcat";
	int want[NSUFFIXES] = { 1, 1, 1, 1 };
	struct file files[NSUFFIXES];
	size_t nfiles = 0;
	struct expect exp;
	char single[PATH_MAX], single2[PATH_MAX], c1[32], c2[32];
	uint64_t s1, s2;
	double gen_s, single_bpa, single_whole_bpa;
	long rss_gen;
	unsigned char *buf;
	int failed = 0;
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
		}
		if (!v) {
			usage(stderr);
			return 2;
		}
		i++;
		if (strcmp(a, "--events") == 0) {
			nevents = parse_u64(a, v);
		} else if (strcmp(a, "--runs") == 0) {
			runs = parse_runs(v);
		} else if (strcmp(a, "--dir") == 0) {
			dir = v;
		} else if (strcmp(a, "--zcat") == 0) {
			zcat = strcmp(v, "none") == 0 ? NULL : v;
		} else if (strcmp(a, "--enc") == 0) {
			char *list = strdup(v), *save = NULL;

			memset(want, 0, sizeof(want));
			for (char *tok = strtok_r(list, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				size_t k;

				for (k = 0; k < NSUFFIXES; k++)
					if (strcmp(tok, all_suffixes[k]) == 0)
						break;
				if (k == NSUFFIXES) {
					fprintf(stderr, "decode_bench: unknown encoding '%s'\n",
						tok);
					free(list);
					return 2;
				}
				want[k] = 1;
			}
			free(list);
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

	if (dir) {
		if (mkdir(dir, 0755) == 0)
			cleanup.made_dir = 1;
		else if (errno != EEXIST)
			die("%s: cannot create: %s", dir, strerror(errno));
		if (strlen(dir) >= sizeof(cleanup.dir))
			die("%s: path too long", dir);
		memcpy(cleanup.dir, dir, strlen(dir) + 1);
	} else {
		const char *tmp = getenv("TMPDIR");

		path_join(cleanup.dir, sizeof(cleanup.dir), tmp && *tmp ? tmp : "/tmp",
			  "tdpsim-bench.XXXXXX");
		if (!mkdtemp(cleanup.dir))
			die("cannot create a directory under %s: %s", tmp && *tmp ? tmp : "/tmp",
			    strerror(errno));
		cleanup.made_dir = 1;
	}

	memset(files, 0, sizeof(files));
	for (size_t k = 0; k < NSUFFIXES; k++) {
		if (!want[k])
			continue;
		files[nfiles].suffix = all_suffixes[k];
		files[nfiles].gz = strstr(all_suffixes[k], ".gz") != NULL;
		snprintf(c1, sizeof(c1), "trace.%s", all_suffixes[k]);
		path_join(files[nfiles].path, sizeof(files[nfiles].path), cleanup.dir, c1);
		nfiles++;
	}
	if (nfiles == 0)
		die("--enc selected no encoding");

	printf("decode_bench: libtdpsim %s, %s events, best of %u run%s, directory %s\n",
	       tdpsim_version(), commas(nevents, c1, sizeof(c1)), runs, runs == 1 ? "" : "s",
	       cleanup.dir);
	fflush(stdout);

	/* 1. Generate. */
	gen_s = now();
	generate(files, nfiles, nevents, &exp);
	gen_s = now() - gen_s;
	rss_gen = maxrss_kib();
	printf("generated %s events (%s accesses, %" PRIu64 " marks) into %zu files in %.1f s\n\n",
	       commas(exp.events, c1, sizeof(c1)), commas(exp.accesses, c2, sizeof(c2)),
	       exp.marks, nfiles, gen_s);
	fflush(stdout);

	/* 2. Measure, runs interleaved so that drift on a shared machine hits all alike. */
	buf = malloc(RAW_BUF);
	if (!buf)
		die("out of memory");
	for (unsigned r = 0; r < runs; r++) {
		for (size_t f = 0; f < nfiles; f++) {
			timing_add(&files[f].decode, decode_file(&files[f]));
			files[f].rss_after_kib = maxrss_kib();
			timing_add(&files[f].gzread, gzread_file(&files[f], buf));
			if (files[f].gz && zcat && !files[f].zcat_error) {
				double s = zcat_file(&files[f], zcat);

				if (s >= 0)
					timing_add(&files[f].zcat, s);
			}
		}
	}
	free(buf);

	/* 3. The 4K-stride single-access stream: steady-state bytes per access is the size
	 * difference of streams of n and 2n accesses over n (the header, the first absolute
	 * address and the end record cancel out: the record counts 10^6 and 2*10^6 are both
	 * 3-byte varints). */
	path_join(single, sizeof(single), cleanup.dir, "single-4k.tdpb");
	path_join(single2, sizeof(single2), cleanup.dir, "single-4k-2x.tdpb");
	s1 = write_single_stream(single, SINGLE_ACCESSES);
	s2 = write_single_stream(single2, 2 * SINGLE_ACCESSES);
	single_bpa = (double)(s2 - s1) / (double)SINGLE_ACCESSES;
	single_whole_bpa = (double)s1 / (double)SINGLE_ACCESSES;

	/* 4. Report. */
	printf("File sizes (%s events, %s of them single accesses)\n",
	       commas(exp.events, c1, sizeof(c1)), commas(exp.accesses, c2, sizeof(c2)));
	printf("%-18s %15s %10s %10s %10s %12s\n", "file", "bytes", "MB", "B/event",
	       "B/access", "decompressed");
	for (size_t f = 0; f < nfiles; f++)
		printf("%-18s %15s %10.1f %10.3f %10.3f %12.1f\n", files[f].suffix,
		       commas(files[f].size, c1, sizeof(c1)), mb(files[f].size),
		       (double)files[f].size / (double)exp.events,
		       exp.accesses ? (double)files[f].size / (double)exp.accesses : 0.0,
		       mb(files[f].raw_bytes));
	printf("\nDecode (wall seconds, best and worst of %u; MB = 10^6 bytes; 'file MB/s' counts\n"
	       "bytes on disk, 'data MB/s' decompressed bytes; the last column is the time\n"
	       "relative to tdpsim decode of the same file)\n", runs);
	printf("%-18s %-16s %8s %8s %8s %10s %10s %8s\n", "file", "method", "best s", "worst s",
	       "Mev/s", "file MB/s", "data MB/s", "t/decode");
	for (size_t f = 0; f < nfiles; f++) {
		struct file *x = &files[f];

		print_row(x->suffix, "tdpsim decode", &x->decode, x->events, x->size, x->raw_bytes,
			  0);
		print_row("", "zlib gzread only", &x->gzread, 0, x->size, x->raw_bytes,
			  x->decode.best);
		if (x->gz && zcat && x->zcat.ok)
			print_row("", "zcat >/dev/null", &x->zcat, 0, x->size, x->raw_bytes,
				  x->decode.best);
		else if (x->gz && zcat)
			printf("%-18s %-16s (%s %s)\n", "", "zcat >/dev/null", zcat,
			       x->zcat_error ? x->zcat_error : "not measured");
	}
	printf("\n");
	for (size_t f = 0; f < nfiles; f++)
		if (files[f].gz && zcat && files[f].zcat.ok)
			printf("%s: tdpsim decode takes %.2fx the time of zcat, %.2fx that of zlib"
			       " gzread\n", files[f].suffix, files[f].decode.best / files[f].zcat.best,
			       files[f].decode.best / files[f].gzread.best);
	printf("ns per event (tdpsim decode, best):");
	for (size_t f = 0; f < nfiles; f++)
		printf("  %s %.1f", files[f].suffix,
		       files[f].decode.best * 1e9 / (double)(files[f].events ? files[f].events : 1));
	printf("\n\nPure single-access stream, vCPU 0, 4K stride, binary (.tdpb):\n"
	       "  steady state %.3f bytes/access (limit 3); whole file of %s accesses %.5f "
	       "bytes/access\n",
	       single_bpa, commas(SINGLE_ACCESSES, c1, sizeof(c1)), single_whole_bpa);
	printf("\nPeak RSS (ru_maxrss): %.1f MiB after generating, %.1f MiB after decoding"
	       " everything\n", (double)rss_gen / 1024.0, (double)maxrss_kib() / 1024.0);
	for (size_t f = 0; f < nfiles; f++)
		printf("  after the first decode of %-8s %.1f MiB (file %.1f MB)\n",
		       files[f].suffix, (double)files[f].rss_after_kib / 1024.0,
		       mb(files[f].size));

	/* 5. Checks: correctness only, never time. */
	for (size_t f = 0; f < nfiles; f++) {
		if (files[f].events != exp.events || files[f].accesses != exp.accesses ||
		    files[f].hash != exp.hash) {
			fprintf(stderr, "FAIL: %s decoded %" PRIu64 " events (%" PRIu64
				" accesses, hash %016" PRIx64 "), generated %" PRIu64 " (%" PRIu64
				", hash %016" PRIx64 ")\n", files[f].suffix, files[f].events,
				files[f].accesses, files[f].hash, exp.events, exp.accesses, exp.hash);
			failed = 1;
		}
		if (files[f].gz && files[f].raw_bytes <= files[f].size / 2) {
			fprintf(stderr, "FAIL: %s does not look compressed\n", files[f].suffix);
			failed = 1;
		}
	}
	if (single_bpa > 3.0) {
		fprintf(stderr, "FAIL: the 4K-stride access stream costs %.3f bytes/access (> 3)\n",
			single_bpa);
		failed = 1;
	}
	if (failed)
		printf("\nFAILED (see above)\n");
	else
		printf("\nOK: every file decoded to the same %s events (hash %016" PRIx64 ")%s\n",
		       commas(exp.events, c1, sizeof(c1)), exp.hash,
		       cleanup.keep ? "; files kept" : "");
	cleanup_files();
	return failed;
}
