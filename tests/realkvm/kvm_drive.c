/* SPDX-License-Identifier: MIT */
/*
 * kvm_drive: drive a real /dev/kvm with one tiny guest and print KVM's stats.
 *
 * Why: libtdpsim models KVM's x86 MMU, and the model is checked against what a
 * real KVM does.  This program makes a real KVM take a known, simple set of
 * faults, so that KVM's stats (and, when scripts/kvm-in-tcg.sh runs it inside a
 * QEMU TCG machine whose emulated AMD CPU has SVM, its kvm/kvmmmu tracepoints)
 * can be compared with the simulator.
 *
 * Two ways to run it:
 *   - without --scn: touch every 4K page of an N MiB data slot once (--op,
 *     --data-mib), then print every VM and vCPU stat as "name value" lines;
 *   - with --scn FILE: run a scenario of the real-KVM harness (the language of
 *     the shared recordings, see docs/import.md, "Real-KVM harness scenarios")
 *     step by step and write one TSV row of stats per step (--summary), the
 *     same table the harness wrote, so `tdpsim import --from scn --summary`
 *     compares a recording made here with the simulator.
 * The first is the scenario "config mem=<N>M backing=4k gpage=4k; setup;
 * run <op> 0 <N>M".
 *
 * The machine is the harness's, because the shared summaries' numbers depend
 * on it (the importer rebuilds exactly this):
 *   slot 0  GPA 0, 16 MiB, anonymous 4K memory (MADV_NOHUGEPAGE), all written
 *           by us (present in the host), identity-mapped with 4K guest pages
 *           except GPA 0 and 0x12000.  The workload code is at 0x10000 and the
 *           page after it is mapped too: a shadow MMU's fault on the code page
 *           prefetches the rest of the 8-page group 0x10-0x17 and stops at the
 *           first not-present guest PTE, 0x12000; that is the harness's
 *           "pages_4k = 2" after the first run.  GDT, TSS, IDT, exception stubs
 *           and their stack sit in the 0x1000-0x7fff group, which a clean run
 *           never touches.  Guest page tables from 0x200000.
 *   slot 1  GPA 1 GiB, `mem` bytes at a 1 GiB aligned hva (so that every 2M/1G
 *           region can be huge in the host), backed 4k (MADV_NOHUGEPAGE), thp
 *           (MADV_HUGEPAGE), hugetlb (2M) or hugetlb1g, filled by us before the
 *           guest runs (so THP pages exist), identity-mapped with `gpage` guest
 *           pages, guest PTEs U=1 W=1 Accessed=Dirty=1.
 * The vCPU enters 64-bit mode at CPL3 directly (KVM_SET_SREGS: DPL3 CS/SS,
 * RFLAGS.IOPL=3 so that `out` is allowed).  CPL3 matters: on some shadow-MMU
 * backends guest code at CPL0 is interpreted by KVM's emulator and creates no
 * SPTEs, while CPL3 code runs natively and faults into the MMU.  A run's loop
 * reads or writes one 8-byte word (or jumps to and back from the address, for
 * exec) every `stride` of its range, then does an `out` to port 0x10, which
 * ends the run (KVM_EXIT_IO).  Exceptions go through CPL0 stubs that `out`
 * their vector to port 0x11; that is reported as an error, with the vCPU's
 * registers and exception frame.
 *
 * Exit status: 0 ok, 1 error (message on stderr; a scenario's errors name
 * FILE:LINE), 77 no /dev/kvm (so that a test harness can skip).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << MAP_HUGE_SHIFT)
#endif
#ifndef MAP_HUGE_1GB
#define MAP_HUGE_1GB (30 << MAP_HUGE_SHIFT)
#endif

#define SZ_4K ((uint64_t)0x1000)
#define SZ_2M ((uint64_t)2 << 20)
#define SZ_1G ((uint64_t)1 << 30)

/* ---- slot 0: the guest's system memory ---- */
#define SYS_GPA 0x0ULL
#define SYS_SIZE (16ULL << 20)
#define GDT_GPA 0x1000ULL
#define TSS_GPA 0x2000ULL
#define IDT_GPA 0x3000ULL
#define STUBS_GPA 0x4000ULL  /* 256 exception stubs, 16 bytes each */
#define KSTACK_TOP 0x6000ULL /* exception stack: page 0x5000 (TSS.RSP0) */
#define USTACK_TOP 0x8000ULL /* the loop uses no stack; RSP points at page 0x7000 */
#define CODE_GPA 0x10000ULL  /* the CPL3 workload */
#define CODE2_GPA 0x11000ULL /* mapped, present: the prefetched neighbour */
#define HOLE_GPA 0x12000ULL  /* not present in the guest: ends the prefetch */
/* The routines in the code page, one per op (so that no run rewrites code). */
#define CODE_READ 0x00
#define CODE_WRITE 0x40
#define CODE_EXEC 0x80
/* Guest page tables: 0x200000 to the end of the slot. */
#define PT_BASE 0x200000ULL
#define PML4_GPA 0x200000ULL
#define PDPT_GPA 0x201000ULL
#define PD_SYS_GPA 0x202000ULL /* PD for GPA 0 .. 1 GiB */
#define PT_SYS_GPA 0x203000ULL /* 8 PTs for GPA 0 .. 16 MiB */
#define PT_DATA_GPA 0x20b000ULL /* the data slot's PDs, then its PTs */
#define PT_END SYS_SIZE

/* ---- slot 1: the data ---- */
#define DATA_GPA SZ_1G
#define DATA_MAX (64ULL << 30) /* the harness's importer's bound */

/* ---- I/O ports the guest uses to talk to us ---- */
#define PORT_DONE 0x10
#define PORT_EXC 0x11

/* ---- x86 bits ---- */
#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_U (1ULL << 2)
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)
#define PTE_PS (1ULL << 7)
#define CR0_PE (1ULL << 0)
#define CR0_MP (1ULL << 1)
#define CR0_ET (1ULL << 4)
#define CR0_NE (1ULL << 5)
#define CR0_WP (1ULL << 16)
#define CR0_PG (1ULL << 31)
#define CR4_PAE (1ULL << 5)
#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)
#define RFLAGS_FIXED (1ULL << 1)
#define RFLAGS_IOPL3 (3ULL << 12)

/* GDT selectors */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x18 /* RPL 3 when loaded: 0x1b */
#define SEL_UCODE 0x20 /* RPL 3 when loaded: 0x23 */
#define SEL_TSS 0x28   /* 16-byte descriptor: entries 5 and 6 */

/* The data slot's fill: "jmp *%rbx" (ff e3) at every even address, so that an
 * exec run can jump to any even address of the slot and come straight back
 * without a stack (a stack page would be one more page touched). */
#define DATA_FILL 0xe3ffe3ffe3ffe3ffULL

enum backing { B_4K, B_THP, B_HUGETLB, B_HUGETLB1G };
static const char *const backing_names[] = { "4k", "thp", "hugetlb", "hugetlb1g" };
/* as tdpsim's trace format names them */
static const char *const backing_kinds[] = { "4k", "thp", "hugetlb2m", "hugetlb1g" };

enum op { OP_READ, OP_WRITE, OP_EXEC };
enum kind { ST_SETUP, ST_RUN, ST_DIRTY, ST_GETLOG };

struct step {
	enum kind kind;
	enum op op;
	uint64_t start, len, stride;
	int on;		/* dirty on|off */
	unsigned line;	/* in the scenario file; 0 without one */
	char *cmd;	/* the line without its comment, as the summary's cmd */
};

struct config {
	uint64_t mem;
	enum backing backing;
	int gpage;	/* 1 = 4K, 2 = 2M, 3 = 1G */
	int ad_preset;
};

/* The columns of the shared summaries' header that are KVM stats, in its order. */
static const char *const summary_stats[] = {
	"pages_4k", "pages_2m", "pages_1g", "nx_lpage_splits", "mmu_shadow_zapped",
	"mmu_cache_miss", "remote_tlb_flush", "remote_tlb_flush_requests", "mmu_pte_write",
	"mmu_flooded", "mmu_recycled", "mmu_unsync", "pf_taken", "pf_fixed", "pf_fast",
	"pf_spurious", "pf_emulate", "pf_guest", "pf_mmio_spte_created", "exits",
	"insn_emulation", "io_exits", "mmio_exits", "tlb_flush", "invlpg",
};
#define NSUMMARY (sizeof(summary_stats) / sizeof(summary_stats[0]))

/* One KVM binary stats fd: its descriptors, read once, and its values, per read. */
struct stats {
	int fd;
	struct kvm_stats_header h;
	char *descs;
	size_t dsz;
};

struct machine {
	int kvm, vm, vcpu;
	struct kvm_run *run;
	uint8_t *sys, *data;
	struct config c;
	uint32_t slot1_flags;
	struct stats vm_stats, vcpu_stats;
};

static volatile sig_atomic_t timed_out;
/* "FILE:LINE: " of the scenario step being run, for every error message. */
static char where[512];

__attribute__((noreturn, format(printf, 1, 2)))
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kvm_drive: %s", where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

__attribute__((noreturn))
static void die_errno(const char *what)
{
	die("%s: %s", what, strerror(errno));
}

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

static void usage(FILE *f)
{
	fputs("usage: kvm_drive [--data-mib N] [--op write|read] [--guest-ad preset|clear]\n"
	      "                 [--timeout SECONDS] [--layout-out FILE] [--marker FILE]\n"
	      "       kvm_drive --scn FILE.scn --summary OUT.tsv [same options]\n"
	      "       kvm_drive --scn FILE.scn --check\n"
	      "Run one tiny KVM guest in the real-KVM harness's layout (slot 0: 16 MiB of\n"
	      "system memory at GPA 0; slot 1: the data slot at GPA 1 GiB).\n"
	      "Without --scn: touch every 4K page of an N MiB (default 4) 4K-backed data slot\n"
	      "once from CPL3 with a write or a read (default write), then print the VM's and\n"
	      "the vCPU's KVM stats as 'name value' lines.\n"
	      "With --scn: run the scenario (config, setup, run read|write|exec START LEN\n"
	      "[stride=S], dirty on|off, getlog; '#' comments) step by step and write a TSV row\n"
	      "of KVM stats after each step to --summary (the harness's columns); print the\n"
	      "steps and, at the end, every stat as above.\n"
	      "  --guest-ad       the data slot's guest PTEs: Accessed/Dirty preset (default)\n"
	      "                   or clear\n"
	      "  --check          only read and check the scenario (no KVM), exit 0 if good\n"
	      "  --layout-out     write the memslots and backings as tdpsim trace lines\n"
	      "  --marker         a tracefs trace_marker to write each step's start and end to\n"
	      "  --timeout        bounds each guest run (default 300 s)\n"
	      "Exit 0 ok, 1 error, 77 no /dev/kvm.\n",
	      f);
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* ---- the scenario ---- */

/* A size as the harness's scripts write them: decimal or 0x hex, K/M/G/T suffix. */
static int parse_size(const char *s, uint64_t *out)
{
	size_t len = strlen(s);
	unsigned shift = 0, base = 10;
	uint64_t v = 0;
	size_t i = 0;

	if (len && strchr("kKmMgGtT", s[len - 1])) {
		char c = s[len - 1];

		shift = c == 'k' || c == 'K' ? 10 : c == 'm' || c == 'M' ? 20 :
			c == 'g' || c == 'G' ? 30 : 40;
		len--;
	}
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, i = 2;
	if (i >= len)
		return -1;
	for (; i < len; i++) {
		int d;

		if (s[i] >= '0' && s[i] <= '9')
			d = s[i] - '0';
		else if (base == 16 && s[i] >= 'a' && s[i] <= 'f')
			d = s[i] - 'a' + 10;
		else if (base == 16 && s[i] >= 'A' && s[i] <= 'F')
			d = s[i] - 'A' + 10;
		else
			return -1;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -1;
		v = v * base + (uint64_t)d;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

static uint64_t gpage_size(int gpage)
{
	return gpage == 3 ? SZ_1G : gpage == 2 ? SZ_2M : SZ_4K;
}

/* Guest table pages the data slot needs (PDs, and PTs for 4K guest pages). */
static uint64_t data_table_pages(const struct config *c)
{
	uint64_t npd = (c->mem + SZ_1G - 1) / SZ_1G;

	if (c->gpage == 3)
		return 0;
	return npd + (c->gpage == 1 ? (c->mem + SZ_2M - 1) / SZ_2M : 0);
}

__attribute__((noreturn, format(printf, 3, 4)))
static void scn_error(const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kvm_drive: %s:%u: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		die("out of memory");
	return d;
}

static void check_config(const char *file, unsigned line, const struct config *c)
{
	uint64_t align = gpage_size(c->gpage);

	if (c->backing == B_HUGETLB && align < SZ_2M)
		align = SZ_2M;
	if (c->backing == B_HUGETLB1G)
		align = SZ_1G;
	if (!c->mem || c->mem % align || c->mem > DATA_MAX)
		scn_error(file, line, "config: mem=%#" PRIx64 " must be a non-zero multiple of %#"
			  PRIx64 " (the guest page%s), at most 64G", c->mem, align,
			  c->backing >= B_HUGETLB ? " and the hugetlb page" : "");
	if (data_table_pages(c) > (PT_END - PT_DATA_GPA) / SZ_4K)
		scn_error(file, line, "config: mem=%#" PRIx64 " with gpage=4k needs more guest "
			  "page tables than slot 0's 0x200000-0x1000000 holds", c->mem);
}

/* Read and check the whole scenario before touching KVM: a typo on the last line should
 * not cost a VM run.  Returns the steps (setup first); fills *c from its config line. */
static struct step *parse_scn(const char *file, struct config *c, size_t *nsteps)
{
	FILE *f = fopen(file, "r");
	char buf[4096];
	unsigned line = 0;
	int configured = 0, set_up = 0;
	struct step *steps = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		die("%s: %s", file, strerror(errno));
	while (fgets(buf, sizeof(buf), f)) {
		char *hash, *w[8], *p, words[sizeof(buf)];
		unsigned nw = 0;
		struct step s;
		size_t len = strlen(buf);

		line++;
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		else if (len == sizeof(buf) - 1)
			scn_error(file, line, "line longer than %zu bytes", sizeof(buf) - 2);
		if (len && buf[len - 1] == '\r')
			buf[--len] = '\0';
		if ((hash = strchr(buf, '#')) != NULL)
			*hash = '\0';
		/* a tab in cmd would split the summary's row */
		for (p = buf; *p; p++)
			if (*p == '\t')
				*p = ' ';
		memcpy(words, buf, strlen(buf) + 1);
		for (p = strtok(words, " "); p; p = strtok(NULL, " ")) {
			if (nw == 8)
				scn_error(file, line, "too many words");
			w[nw++] = p;
		}
		if (!nw)
			continue;
		memset(&s, 0, sizeof(s));
		s.line = line;
		s.stride = SZ_4K;
		if (!strcmp(w[0], "config")) {
			if (configured || set_up)
				scn_error(file, line, "config comes once, before setup");
			configured = 1;
			for (unsigned i = 1; i < nw; i++) {
				char *eq = strchr(w[i], '=');
				const char *v = eq ? eq + 1 : "";
				size_t klen = eq ? (size_t)(eq - w[i]) : strlen(w[i]);
				unsigned k;

				if (klen == 3 && !strncmp(w[i], "mem", 3)) {
					if (parse_size(v, &c->mem) != 0)
						scn_error(file, line, "mem: '%s' is not a size (e.g. 4M, "
							  "0x400000)", v);
				} else if (klen == 7 && !strncmp(w[i], "backing", 7)) {
					for (k = 0; k < 4 && strcmp(v, backing_names[k]); k++)
						;
					if (k == 4)
						scn_error(file, line, "backing is 4k, thp, hugetlb or "
							  "hugetlb1g, not '%s'", v);
					c->backing = (enum backing)k;
				} else if (klen == 5 && !strncmp(w[i], "gpage", 5)) {
					if (!strcmp(v, "4k"))
						c->gpage = 1;
					else if (!strcmp(v, "2m"))
						c->gpage = 2;
					else if (!strcmp(v, "1g"))
						c->gpage = 3;
					else
						scn_error(file, line, "gpage is 4k, 2m or 1g, not '%s'", v);
				} else if (!(klen == 6 && !strncmp(w[i], "events", 6))) {
					/* events= is what the harness traced; here the recording
					 * script chooses the events */
					scn_error(file, line, "config: '%.*s' is not a key (mem, backing, "
						  "gpage, events)", (int)klen, w[i]);
				}
			}
			continue;
		}
		if (!strcmp(w[0], "setup")) {
			if (set_up || nw != 1)
				scn_error(file, line, "setup comes once, alone on its line");
			if (!configured)
				scn_error(file, line, "setup before config");
			check_config(file, line, c);
			set_up = 1;
			s.kind = ST_SETUP;
		} else if (!strcmp(w[0], "run")) {
			if (nw < 4 || nw > 5)
				scn_error(file, line, "run takes OP START LEN [stride=S]");
			s.kind = ST_RUN;
			if (!strcmp(w[1], "read"))
				s.op = OP_READ;
			else if (!strcmp(w[1], "write"))
				s.op = OP_WRITE;
			else if (!strcmp(w[1], "exec"))
				s.op = OP_EXEC;
			else
				scn_error(file, line, "run: OP is read, write or exec, not '%s'", w[1]);
			if (parse_size(w[2], &s.start) != 0)
				scn_error(file, line, "run: START '%s' is not a size", w[2]);
			if (parse_size(w[3], &s.len) != 0)
				scn_error(file, line, "run: LEN '%s' is not a size", w[3]);
			if (nw == 5 && (strncmp(w[4], "stride=", 7) ||
					parse_size(w[4] + 7, &s.stride) != 0 || !s.stride))
				scn_error(file, line, "run: '%s' is not stride=SIZE (non-zero)", w[4]);
		} else if (!strcmp(w[0], "dirty")) {
			if (nw != 2 || (strcmp(w[1], "on") && strcmp(w[1], "off")))
				scn_error(file, line, "dirty takes on or off");
			s.kind = ST_DIRTY;
			s.on = !strcmp(w[1], "on");
		} else if (!strcmp(w[0], "getlog")) {
			if (nw != 1)
				scn_error(file, line, "getlog takes nothing");
			s.kind = ST_GETLOG;
		} else {
			scn_error(file, line, "'%s' is not a command of the scenario language "
				  "(config, setup, run, dirty, getlog)", w[0]);
		}
		if (s.kind != ST_SETUP && !set_up)
			scn_error(file, line, "'%s' before setup", w[0]);
		if (s.kind == ST_RUN) {
			if (s.start > c->mem || s.len > c->mem - s.start)
				scn_error(file, line, "run: [%#" PRIx64 ", +%#" PRIx64 ") is outside "
					  "the %#" PRIx64 "-byte data slot", s.start, s.len, c->mem);
			/* a word is read or written at each address: it must fit */
			if (s.len && s.op != OP_EXEC &&
			    s.start + (s.len - 1) / s.stride * s.stride + 8 > c->mem)
				scn_error(file, line, "run: the last 8-byte access leaves the data slot");
			if (s.op == OP_EXEC && ((s.start | s.stride) & 1))
				scn_error(file, line, "run exec: START and stride must be even (the "
					  "slot holds a 2-byte 'jmp *%%rbx' at every even address)");
		}
		s.cmd = xstrdup(buf);
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			steps = realloc(steps, cap * sizeof(*steps));
			if (!steps)
				die("out of memory");
		}
		steps[n++] = s;
	}
	if (ferror(f))
		die("%s: read error", file);
	fclose(f);
	if (!set_up)
		scn_error(file, line, "no setup: the scenario makes no machine");
	*nsteps = n;
	return steps;
}

/* ---- memory ---- */

static void *alloc_sys(void)
{
	void *p = mmap(NULL, SYS_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		die_errno("mmap the system slot");
	/* 4K host pages: KVM then maps slot 0 with 4K SPTEs/NPTEs only. */
	if (madvise(p, SYS_SIZE, MADV_NOHUGEPAGE) != 0)
		die_errno("madvise(MADV_NOHUGEPAGE)");
	/* Present in the host (the layout says populate=1): the prefetch after the code
	 * page's fault maps only pages the host has (gfn_to_pfn_memslot_atomic). */
	memset(p, 0, SYS_SIZE);
	return p;
}

/* The data slot: at a 1G-aligned hva (reserve size + 1G, map at the aligned address, give
 * back the rest), so that KVM may map every 2M or 1G region of it huge. */
static uint8_t *alloc_data(const struct config *c)
{
	uint64_t span = c->mem + SZ_1G, i;
	uint8_t *res, *p;
	uintptr_t at;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;

	res = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED)
		die_errno("mmap (reserving the data slot's address range)");
	at = ((uintptr_t)res + SZ_1G - 1) & ~(uintptr_t)(SZ_1G - 1);
	if (c->backing == B_HUGETLB)
		flags |= MAP_HUGETLB | MAP_HUGE_2MB;
	else if (c->backing == B_HUGETLB1G)
		flags |= MAP_HUGETLB | MAP_HUGE_1GB;
	else
		flags |= MAP_NORESERVE;
	p = mmap((void *)at, c->mem, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED) {
		if (c->backing == B_HUGETLB)
			die("mmap(MAP_HUGETLB, 2M) of %#" PRIx64 " bytes: %s (the pool needs %"
			    PRIu64 " free 2M pages: /proc/sys/vm/nr_hugepages)", c->mem,
			    strerror(errno), c->mem / SZ_2M);
		if (c->backing == B_HUGETLB1G)
			die("backing=hugetlb1g is unavailable here: mmap(MAP_HUGETLB|MAP_HUGE_1GB) "
			    "of %#" PRIx64 " bytes: %s (the pool needs %" PRIu64 " free 1G pages: "
			    "/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages, or boot "
			    "with hugepagesz=1G hugepages=N)", c->mem, strerror(errno),
			    c->mem / SZ_1G);
		die_errno("mmap the data slot");
	}
	if (at > (uintptr_t)res && munmap(res, at - (uintptr_t)res) != 0)
		die_errno("munmap");
	if (munmap(p + c->mem, (uintptr_t)res + span - (at + c->mem)) != 0)
		die_errno("munmap");
	if (c->backing == B_4K && madvise(p, c->mem, MADV_NOHUGEPAGE) != 0)
		die_errno("madvise(MADV_NOHUGEPAGE)");
	if (c->backing == B_THP && madvise(p, c->mem, MADV_HUGEPAGE) != 0)
		die_errno("madvise(MADV_HUGEPAGE) (THP not built in?)");
	/* Written before the guest runs, as the harness did: every host page (THP where the
	 * kernel gives one) exists, and KVM maps what it finds. */
	for (i = 0; i < c->mem; i += 8)
		memcpy(p + i, &(uint64_t){ DATA_FILL }, 8);
	return p;
}

/* The AnonHugePages of the data slot's VMA: whether THP really backs it. */
static long thp_kib(const uint8_t *data)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char l[512];
	int in = 0;
	long kib = -1;

	if (!f)
		return -1;
	while (fgets(l, sizeof(l), f)) {
		unsigned long lo, hi;

		if (sscanf(l, "%lx-%lx ", &lo, &hi) == 2 && strchr(l, '-') < strchr(l, ' '))
			in = lo == (unsigned long)(uintptr_t)data;
		else if (in && sscanf(l, "AnonHugePages: %ld kB", &kib) == 1)
			break;
	}
	fclose(f);
	return kib;
}

static void set_slot(struct machine *m, uint32_t slot, uint32_t flags, uint64_t gpa,
		     uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)hva,
	};

	if (ioctl(m->vm, KVM_SET_USER_MEMORY_REGION, &r) != 0)
		die_errno("KVM_SET_USER_MEMORY_REGION");
}

/* ---- the guest ---- */

/* A legacy 8-byte code/data descriptor, base 0 limit 4G. */
static uint64_t seg_desc(unsigned type, unsigned dpl, unsigned l, unsigned db)
{
	uint64_t d = 0xffffULL;		/* limit 15:0 */
	d |= (uint64_t)(type & 0xf) << 40;
	d |= 1ULL << 44;		/* S: code/data */
	d |= (uint64_t)(dpl & 3) << 45;
	d |= 1ULL << 47;		/* P */
	d |= 0xfULL << 48;		/* limit 19:16 */
	d |= (uint64_t)(l & 1) << 53;
	d |= (uint64_t)(db & 1) << 54;
	d |= 1ULL << 55;		/* G */
	return d;
}

static struct kvm_segment kseg(uint16_t sel, unsigned type, unsigned dpl, unsigned l, unsigned db)
{
	struct kvm_segment s;

	memset(&s, 0, sizeof(s));
	s.base = 0;
	s.limit = 0xffffffff;
	s.selector = sel;
	s.type = (uint8_t)type;
	s.present = 1;
	s.dpl = (uint8_t)dpl;
	s.db = (uint8_t)db;
	s.s = 1;
	s.l = (uint8_t)l;
	s.g = 1;
	return s;
}

static void put64(uint8_t *mem, uint64_t off, uint64_t v)
{
	memcpy(mem + off, &v, sizeof(v));
}

static void build_tables(uint8_t *sys, const struct config *c)
{
	uint64_t upper_a = c->ad_preset ? PTE_A : 0;
	uint64_t leaf_ad = c->ad_preset ? (PTE_A | PTE_D) : 0;
	uint64_t upper = PTE_P | PTE_W | PTE_U | upper_a;
	uint64_t i, next = PT_DATA_GPA;

	/* Upper levels: P W U everywhere, so only the leaves decide. */
	put64(sys, PML4_GPA, PDPT_GPA | upper);
	put64(sys, PDPT_GPA, PD_SYS_GPA | upper);
	for (i = 0; i < SYS_SIZE / SZ_2M; i++)
		put64(sys, PD_SYS_GPA + i * 8, (PT_SYS_GPA + i * SZ_4K) | upper);

	/* Slot 0, identity mapped with 4K pages, all Accessed and Dirty (prefetch skips a
	 * gpte without A).  Page 0 is unmapped (a null access faults); 0x12000 is unmapped
	 * (it ends the shadow prefetch after the code page's neighbour).  Supervisor-only
	 * but for the code page and its neighbour. */
	for (i = 1; i < SYS_SIZE / SZ_4K; i++) {
		uint64_t gpa = i * SZ_4K, pte = gpa | PTE_P | PTE_W | PTE_A | PTE_D;

		if (gpa == HOLE_GPA)
			continue;
		if (gpa == CODE_GPA || gpa == CODE2_GPA)
			pte |= PTE_U;
		put64(sys, PT_SYS_GPA + i * 8, pte);
	}

	/* Slot 1: identity mapped with gpage pages, U=1 W=1. */
	if (c->gpage == 3) {
		for (i = 0; i < c->mem / SZ_1G; i++)
			put64(sys, PDPT_GPA + (1 + i) * 8,
			      (DATA_GPA + i * SZ_1G) | PTE_P | PTE_W | PTE_U | PTE_PS | leaf_ad);
		return;
	}
	{
		uint64_t npd = (c->mem + SZ_1G - 1) / SZ_1G, pd0 = next;

		for (i = 0; i < npd; i++)
			put64(sys, PDPT_GPA + (1 + i) * 8, (pd0 + i * SZ_4K) | upper);
		next += npd * SZ_4K;
		for (i = 0; i < c->mem / SZ_2M; i++) {
			uint64_t gpa = DATA_GPA + i * SZ_2M;

			if (c->gpage == 2) {
				put64(sys, pd0 + i * 8, gpa | PTE_P | PTE_W | PTE_U | PTE_PS | leaf_ad);
				continue;
			}
			put64(sys, pd0 + i * 8, next | upper);
			for (uint64_t j = 0; j < 512; j++)
				put64(sys, next + j * 8,
				      (gpa + j * SZ_4K) | PTE_P | PTE_W | PTE_U | leaf_ad);
			next += SZ_4K;
		}
	}
}

/*
 * The CPL3 workloads, one routine per op at CODE_GPA + CODE_<op>.  In: RDI the first
 * address, RSI the stride, RCX the count (0: touch nothing, just `out`).
 *   read/write:  0: test %rcx,%rcx        48 85 c9
 *                3: jz 16                 74 0b
 *                5: mov (%rdi),%rax       48 8b 07   (write: mov %rcx,(%rdi)  48 89 0f)
 *                8: add %rsi,%rdi         48 01 f7
 *               11: dec %rcx              48 ff c9
 *               14: jnz 5                 75 f5
 *               16: out %al,$PORT_DONE    e6 10
 *               18: jmp 16                eb fc
 *   exec:        0: test %rcx,%rcx        48 85 c9
 *                3: jz 22                 74 11
 *                5: lea 2(%rip),%rbx      48 8d 1d 02 00 00 00   (RBX = offset 14)
 *               12: jmp *%rdi             ff e7     (the data holds jmp *%rbx)
 *               14: add %rsi,%rdi         48 01 f7
 *               17: dec %rcx              48 ff c9
 *               20: jnz 12                75 f6
 *               22: out %al,$PORT_DONE    e6 10
 *               24: jmp 22                eb fc
 */
static void build_code(uint8_t *sys)
{
	static const uint8_t rw[] = { 0x48, 0x85, 0xc9, 0x74, 0x0b, 0x48, 0x8b, 0x07,
				      0x48, 0x01, 0xf7, 0x48, 0xff, 0xc9, 0x75, 0xf5,
				      0xe6, PORT_DONE, 0xeb, 0xfc };
	static const uint8_t ex[] = { 0x48, 0x85, 0xc9, 0x74, 0x11,
				      0x48, 0x8d, 0x1d, 0x02, 0x00, 0x00, 0x00,
				      0xff, 0xe7, 0x48, 0x01, 0xf7, 0x48, 0xff, 0xc9,
				      0x75, 0xf6, 0xe6, PORT_DONE, 0xeb, 0xfc };
	uint8_t *c = sys + CODE_GPA;

	memcpy(c + CODE_READ, rw, sizeof(rw));
	memcpy(c + CODE_WRITE, rw, sizeof(rw));
	c[CODE_WRITE + 6] = 0x89; /* mov %rcx,(%rdi) */
	c[CODE_WRITE + 7] = 0x0f;
	memcpy(c + CODE_EXEC, ex, sizeof(ex));
}

/* GDT, TSS, IDT and exception stubs: all in the 0x1000-0x7fff group. */
static void build_system(uint8_t *sys)
{
	uint64_t i;

	put64(sys, GDT_GPA + SEL_KCODE, seg_desc(0xb, 0, 1, 0));
	put64(sys, GDT_GPA + SEL_KDATA, seg_desc(0x3, 0, 0, 1));
	put64(sys, GDT_GPA + SEL_UDATA, seg_desc(0x3, 3, 0, 1));
	put64(sys, GDT_GPA + SEL_UCODE, seg_desc(0xb, 3, 1, 0));
	{
		/* 64-bit TSS descriptor, type 0xb (busy: TR is loaded with it). */
		uint64_t base = TSS_GPA, limit = 0x67;
		uint64_t lo = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0xbULL << 40) |
			      (1ULL << 47) | (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);

		put64(sys, GDT_GPA + SEL_TSS, lo);
		put64(sys, GDT_GPA + SEL_TSS + 8, base >> 32);
	}

	/* TSS: RSP0 at offset 4; no I/O bitmap (IOPL=3 allows the `out`). */
	put64(sys, TSS_GPA + 4, KSTACK_TOP);
	sys[TSS_GPA + 0x66] = 0x68;
	sys[TSS_GPA + 0x67] = 0x00;

	/* IDT: 256 64-bit interrupt gates (DPL0) to 16-byte CPL0 stubs; each stub
	 *   mov $vector, %eax ; out %al, $PORT_EXC ; hlt ; jmp .
	 */
	for (i = 0; i < 256; i++) {
		uint64_t stub = STUBS_GPA + i * 16;
		uint8_t *s = sys + stub;
		uint64_t lo, hi;

		s[0] = 0xb8;
		s[1] = (uint8_t)i;
		s[2] = s[3] = s[4] = 0;
		s[5] = 0xe6;
		s[6] = PORT_EXC;
		s[7] = 0xf4;
		s[8] = 0xeb;
		s[9] = 0xfe;

		lo = (stub & 0xffff) | ((uint64_t)SEL_KCODE << 16) | (0x8eULL << 40) |
		     (((stub >> 16) & 0xffff) << 48);
		hi = stub >> 32;
		put64(sys, IDT_GPA + i * 16, lo);
		put64(sys, IDT_GPA + i * 16 + 8, hi);
	}
}

/* The supported CPUID, set on the vCPU; whether it has Page1GB (1G guest pages). */
static int setup_cpuid(int kvm, int vcpu)
{
	int n = 256, gb = 0;

	for (;;) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + (size_t)n * sizeof(c->entries[0]));

		if (!c)
			die("out of memory");
		c->nent = (uint32_t)n;
		if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c) == 0) {
			for (uint32_t i = 0; i < c->nent; i++)
				if (c->entries[i].function == 0x80000001)
					gb = (c->entries[i].edx >> 26) & 1;
			if (ioctl(vcpu, KVM_SET_CPUID2, c) != 0)
				die_errno("KVM_SET_CPUID2");
			free(c);
			return gb;
		}
		free(c);
		if (errno != E2BIG || n > 65536)
			die_errno("KVM_GET_SUPPORTED_CPUID");
		n *= 2;
	}
}

static void setup_sregs(int vcpu)
{
	struct kvm_sregs sr;
	struct kvm_segment ds;

	if (ioctl(vcpu, KVM_GET_SREGS, &sr) != 0)
		die_errno("KVM_GET_SREGS");

	sr.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	sr.cr3 = PML4_GPA;
	sr.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	sr.efer = EFER_LME | EFER_LMA | EFER_NXE;

	/* Start at CPL3 directly: CS and SS with DPL3 (SVM takes the CPL from SS). */
	sr.cs = kseg(SEL_UCODE | 3, 0xb, 3, 1, 0);
	ds = kseg(SEL_UDATA | 3, 0x3, 3, 0, 1);
	sr.ss = ds;
	sr.ds = ds;
	sr.es = ds;
	sr.fs = ds;
	sr.gs = ds;

	memset(&sr.tr, 0, sizeof(sr.tr));
	sr.tr.base = TSS_GPA;
	sr.tr.limit = 0x67;
	sr.tr.selector = SEL_TSS;
	sr.tr.type = 0xb; /* 64-bit TSS, busy */
	sr.tr.present = 1;

	memset(&sr.ldt, 0, sizeof(sr.ldt));
	sr.ldt.type = 0x2;
	sr.ldt.unusable = 1;

	sr.gdt.base = GDT_GPA;
	sr.gdt.limit = 7 * 8 - 1;
	sr.idt.base = IDT_GPA;
	sr.idt.limit = 256 * 16 - 1;

	if (ioctl(vcpu, KVM_SET_SREGS, &sr) != 0)
		die_errno("KVM_SET_SREGS");
}

/* An exception stub reported a vector: say what the guest was doing. */
__attribute__((noreturn))
static void report_exception(int vcpu, uint8_t vector, const uint8_t *sys)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	int has_err = vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 ||
		      vector == 21 || vector == 29 || vector == 30;

	if (ioctl(vcpu, KVM_GET_REGS, &r) != 0 || ioctl(vcpu, KVM_GET_SREGS, &s) != 0)
		die("guest exception %u (and KVM_GET_REGS/SREGS failed: %s)", vector, strerror(errno));
	fprintf(stderr, "kvm_drive: %sguest exception vector %u; cr2 %#llx rsp %#llx rdi %#llx "
		"rcx %#llx\n", where, vector, (unsigned long long)s.cr2,
		(unsigned long long)r.rsp, (unsigned long long)r.rdi, (unsigned long long)r.rcx);
	if (r.rsp >= KSTACK_TOP - 0x100 && r.rsp < KSTACK_TOP) {
		uint64_t f[6] = { 0 }, off = r.rsp;
		int i;

		for (i = 0; i < 6 && off + 8 <= KSTACK_TOP; i++, off += 8)
			memcpy(&f[i], sys + off, 8);
		if (has_err)
			fprintf(stderr, "kvm_drive: frame: error %#" PRIx64 " rip %#" PRIx64 " cs %#" PRIx64
				" rflags %#" PRIx64 " rsp %#" PRIx64 " ss %#" PRIx64 "\n",
				f[0], f[1], f[2], f[3], f[4], f[5]);
		else
			fprintf(stderr, "kvm_drive: frame: rip %#" PRIx64 " cs %#" PRIx64 " rflags %#" PRIx64
				" rsp %#" PRIx64 " ss %#" PRIx64 "\n",
				f[0], f[1], f[2], f[3], f[4]);
	}
	exit(1);
}

/* KVM_RUN until the loop's `out` to PORT_DONE; the number of userspace exits. */
static unsigned long run_guest(struct machine *m)
{
	struct kvm_run *run = m->run;
	unsigned long nexits = 0;

	for (;;) {
		if (timed_out)
			die("timed out waiting for the guest (after %lu userspace exits)", nexits);
		if (ioctl(m->vcpu, KVM_RUN, 0) != 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die_errno("KVM_RUN");
		}
		nexits++;
		switch (run->exit_reason) {
		case KVM_EXIT_IO: {
			const uint8_t *data = (const uint8_t *)run + run->io.data_offset;

			if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port == PORT_DONE)
				return nexits;
			if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port == PORT_EXC)
				report_exception(m->vcpu, data[0], m->sys);
			die("unexpected I/O exit: port %#x direction %u size %u",
			    run->io.port, run->io.direction, run->io.size);
		}
		case KVM_EXIT_INTR:
			continue;
		case KVM_EXIT_SHUTDOWN:
			die("guest shut down (triple fault)");
		case KVM_EXIT_FAIL_ENTRY:
			die("KVM_EXIT_FAIL_ENTRY: hardware_entry_failure_reason %#llx",
			    (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		case KVM_EXIT_INTERNAL_ERROR:
			die("KVM_EXIT_INTERNAL_ERROR: suberror %u", run->internal.suberror);
		default:
			die("unexpected exit reason %u", run->exit_reason);
		}
	}
}

/* ---- stats ---- */

static void stats_open(struct stats *s, int owner, const char *title)
{
	s->fd = ioctl(owner, KVM_GET_STATS_FD, NULL);
	if (s->fd < 0)
		die_errno("KVM_GET_STATS_FD");
	if (pread(s->fd, &s->h, sizeof(s->h), 0) != (ssize_t)sizeof(s->h))
		die("%s stats: short read of the header", title);
	s->dsz = sizeof(struct kvm_stats_desc) + s->h.name_size;
	s->descs = calloc(s->h.num_desc, s->dsz);
	if (!s->descs)
		die("out of memory");
	if (pread(s->fd, s->descs, s->dsz * s->h.num_desc, s->h.desc_offset) !=
	    (ssize_t)(s->dsz * s->h.num_desc))
		die("%s stats: short read of the descriptors", title);
}

static const struct kvm_stats_desc *stats_desc(const struct stats *s, uint32_t i)
{
	return (const void *)(s->descs + (size_t)i * s->dsz);
}

/* Stat i's value now; a histogram is the sum of its buckets. */
static uint64_t stats_value(const struct stats *s, uint32_t i)
{
	const struct kvm_stats_desc *d = stats_desc(s, i);
	size_t n = d->size ? d->size : 1, k;
	uint64_t *vals = calloc(n, sizeof(*vals)), sum = 0;

	if (!vals)
		die("out of memory");
	if (pread(s->fd, vals, n * sizeof(*vals), (off_t)s->h.data_offset + d->offset) !=
	    (ssize_t)(n * sizeof(*vals)))
		die("stats: short read of %.*s", (int)s->h.name_size, d->name);
	for (k = 0; k < n; k++)
		sum += vals[k];
	free(vals);
	return sum;
}

static int stats_find(const struct stats *s, const char *name)
{
	for (uint32_t i = 0; i < s->h.num_desc; i++)
		/* names are NUL-padded to name_size */
		if (strlen(name) < s->h.name_size &&
		    !strncmp(stats_desc(s, i)->name, name, s->h.name_size))
			return (int)i;
	return -1;
}

static void stats_print(const struct stats *s, const char *title)
{
	printf("# %s\n", title);
	for (uint32_t i = 0; i < s->h.num_desc; i++)
		printf("%.*s %" PRIu64 "\n", (int)s->h.name_size, stats_desc(s, i)->name,
		       stats_value(s, i));
}

/* Where each summary column's stat lives: the VM's (0) or the vCPU's (1) fd, and its
 * index; absent from this kernel: -1. */
struct column {
	const char *name;
	int fd_vcpu, index;
};

static size_t summary_columns(const struct machine *m, struct column *cols)
{
	size_t n = 0;

	for (size_t i = 0; i < NSUMMARY; i++) {
		int k = stats_find(&m->vm_stats, summary_stats[i]), v = 0;

		if (k < 0)
			k = stats_find(&m->vcpu_stats, summary_stats[i]), v = 1;
		if (k < 0)
			continue;
		cols[n].name = summary_stats[i];
		cols[n].fd_vcpu = v;
		cols[n].index = k;
		n++;
	}
	return n;
}

/* ---- the steps ---- */

static void do_setup(struct machine *m)
{
	long mmap_size;

	/* The memory first: KVM_CREATE_VM registers an MMU notifier on this process, and
	 * alloc_data's MAP_FIXED and munmaps would then show up in the trace as
	 * kvm_unmap_hva_range over the data slot's hvas, which an importer (that cannot see
	 * when the memslots were made) would take for the host dropping the slot's memory. */
	m->sys = alloc_sys();
	build_tables(m->sys, &m->c);
	build_code(m->sys);
	build_system(m->sys);
	m->data = alloc_data(&m->c);
	m->vm = ioctl(m->kvm, KVM_CREATE_VM, 0);
	if (m->vm < 0)
		die_errno("KVM_CREATE_VM");
	set_slot(m, 0, 0, SYS_GPA, SYS_SIZE, m->sys);
	set_slot(m, 1, 0, DATA_GPA, m->c.mem, m->data);

	m->vcpu = ioctl(m->vm, KVM_CREATE_VCPU, 0);
	if (m->vcpu < 0)
		die_errno("KVM_CREATE_VCPU");
	mmap_size = ioctl(m->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (long)sizeof(*m->run))
		die_errno("KVM_GET_VCPU_MMAP_SIZE");
	m->run = mmap(NULL, (size_t)mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, m->vcpu, 0);
	if (m->run == MAP_FAILED)
		die_errno("mmap kvm_run");
	if (!setup_cpuid(m->kvm, m->vcpu) && m->c.gpage == 3)
		die("gpage=1g: this KVM's supported CPUID lacks Page1GB (a 1G guest page would "
		    "be a reserved-bit #PF)");
	setup_sregs(m->vcpu);
	stats_open(&m->vm_stats, m->vm, "vm");
	stats_open(&m->vcpu_stats, m->vcpu, "vcpu0");
}

static unsigned long do_run(struct machine *m, const struct step *s)
{
	static const uint64_t entry[] = { CODE_READ, CODE_WRITE, CODE_EXEC };
	struct kvm_regs regs;

	memset(&regs, 0, sizeof(regs));
	regs.rflags = RFLAGS_FIXED | RFLAGS_IOPL3;
	regs.rip = CODE_GPA + entry[s->op];
	regs.rsp = USTACK_TOP;
	regs.rdi = DATA_GPA + s->start;
	regs.rsi = s->stride;
	regs.rcx = s->len ? (s->len + s->stride - 1) / s->stride : 0;
	if (ioctl(m->vcpu, KVM_SET_REGS, &regs) != 0)
		die_errno("KVM_SET_REGS");
	return run_guest(m);
}

static uint64_t do_getlog(struct machine *m)
{
	uint64_t npages = m->c.mem / SZ_4K, words = (npages + 63) / 64, n = 0;
	uint64_t *bitmap = calloc(words, 8);
	struct kvm_dirty_log log;

	if (!bitmap)
		die("out of memory");
	memset(&log, 0, sizeof(log));
	log.slot = 1;
	log.dirty_bitmap = bitmap;
	if (ioctl(m->vm, KVM_GET_DIRTY_LOG, &log) != 0)
		die_errno("KVM_GET_DIRTY_LOG (is dirty logging on?)");
	for (uint64_t i = 0; i < words; i++)
		n += (uint64_t)__builtin_popcountll(bitmap[i]);
	free(bitmap);
	return n;
}

static void write_layout(const struct machine *m, const char *path)
{
	FILE *f = fopen(path, "w");
	uintptr_t sh = (uintptr_t)m->sys, dh = (uintptr_t)m->data;

	if (!f)
		die("%s: %s", path, strerror(errno));
	fprintf(f, "tdpsim-trace 5\n"
		"# kvm_drive's memory, which the tracepoints do not record (the real hvas)\n"
		"memslot slot=0 gpa=0x0 size=16M hva=%#lx\n"
		"backing hva=%#lx size=16M kind=4k populate=1\n"
		"memslot slot=1 gpa=%#llx size=%#" PRIx64 " hva=%#lx\n"
		"backing hva=%#lx size=%#" PRIx64 " kind=%s populate=1\n"
		"guest-pt gpa=%#llx size=%lluM\n",
		(unsigned long)sh, (unsigned long)sh, (unsigned long long)DATA_GPA, m->c.mem,
		(unsigned long)dh, (unsigned long)dh, m->c.mem, backing_kinds[m->c.backing],
		(unsigned long long)PT_BASE, (unsigned long long)((PT_END - PT_BASE) >> 20));
	if (fclose(f) != 0)
		die("%s: %s", path, strerror(errno));
}

static void marker(int fd, const char *fmt, unsigned step, const char *cmd)
{
	char buf[600];
	int n;

	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), fmt, step, cmd);
	if (n > 0 && write(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1) < 0)
		die("writing the trace marker: %s", strerror(errno));
}

int main(int argc, char **argv)
{
	unsigned long data_mib = 4, timeout_s = 300;
	int op_write = 1, i, api, marker_fd = -1, check_only = 0;
	const char *scn = NULL, *summary = NULL, *layout_out = NULL, *marker_path = NULL;
	struct machine m;
	struct step *steps, legacy[2];
	struct column cols[NSUMMARY];
	size_t nsteps, ncols = 0;
	FILE *sum = NULL;
	struct sigaction sa;

	memset(&m, 0, sizeof(m));
	m.c.ad_preset = 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(a, "--check")) {
			check_only = 1;
			continue;
		}
		if (!v) {
			usage(stderr);
			die("%s needs a value", a);
		}
		i++;
		if (!strcmp(a, "--data-mib")) {
			errno = 0;
			data_mib = strtoul(v, &end, 10);
			if (errno || *end || data_mib < 1 || data_mib > 4096)
				die("--data-mib: expected 1..4096, got '%s'", v);
		} else if (!strcmp(a, "--op")) {
			if (!strcmp(v, "write"))
				op_write = 1;
			else if (!strcmp(v, "read"))
				op_write = 0;
			else
				die("--op: expected write or read, got '%s'", v);
		} else if (!strcmp(a, "--guest-ad")) {
			if (!strcmp(v, "preset"))
				m.c.ad_preset = 1;
			else if (!strcmp(v, "clear"))
				m.c.ad_preset = 0;
			else
				die("--guest-ad: expected preset or clear, got '%s'", v);
		} else if (!strcmp(a, "--timeout")) {
			errno = 0;
			timeout_s = strtoul(v, &end, 10);
			if (errno || *end || timeout_s < 1)
				die("--timeout: expected seconds, got '%s'", v);
		} else if (!strcmp(a, "--scn")) {
			scn = v;
		} else if (!strcmp(a, "--summary")) {
			summary = v;
		} else if (!strcmp(a, "--layout-out")) {
			layout_out = v;
		} else if (!strcmp(a, "--marker")) {
			marker_path = v;
		} else {
			usage(stderr);
			die("unknown option '%s'", a);
		}
	}
	if ((summary || check_only) && !scn)
		die("%s needs --scn", summary ? "--summary" : "--check");

	if (scn) {
		steps = parse_scn(scn, &m.c, &nsteps);
		if (check_only)
			return 0;
	} else {
		/* config mem=<N>M backing=4k gpage=4k; setup; run <op> 0 <N>M */
		m.c.mem = (uint64_t)data_mib << 20;
		m.c.backing = B_4K;
		m.c.gpage = 1;
		memset(legacy, 0, sizeof(legacy));
		legacy[0].kind = ST_SETUP;
		legacy[0].cmd = "setup";
		legacy[1].kind = ST_RUN;
		legacy[1].op = op_write ? OP_WRITE : OP_READ;
		legacy[1].len = m.c.mem;
		legacy[1].stride = SZ_4K;
		legacy[1].cmd = "run";
		steps = legacy;
		nsteps = 2;
	}

	m.kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (m.kvm < 0) {
		fprintf(stderr, "kvm_drive: cannot open /dev/kvm: %s (skipping)\n", strerror(errno));
		return 77;
	}
	api = ioctl(m.kvm, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION)
		die("KVM_GET_API_VERSION is %d, expected %d", api, KVM_API_VERSION);
	if (ioctl(m.kvm, KVM_CHECK_EXTENSION, KVM_CAP_BINARY_STATS_FD) <= 0)
		die("this KVM has no KVM_CAP_BINARY_STATS_FD");
	if (summary && !(sum = fopen(summary, "w")))
		die("%s: %s", summary, strerror(errno));
	if (marker_path && (marker_fd = open(marker_path, O_WRONLY | O_CLOEXEC)) < 0)
		die("%s: %s", marker_path, strerror(errno));

	/* A bound on each run: SIGALRM interrupts KVM_RUN (EINTR), then we stop. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) != 0)
		die_errno("sigaction");

	for (size_t k = 0; k < nsteps; k++) {
		const struct step *s = &steps[k];
		char info[256] = "";
		double t0;

		if (scn)
			snprintf(where, sizeof(where), "%s:%u: ", scn, s->line);
		marker(marker_fd, "kvm_drive: step %u begin: %s\n", (unsigned)k, s->cmd);
		t0 = now_ms();
		switch (s->kind) {
		case ST_SETUP:
			do_setup(&m);
			snprintf(info, sizeof(info), "data gpa=%#llx hva=%#lx size=%#" PRIx64
				 " backing=%s gpage=%d vcpus=1", (unsigned long long)DATA_GPA,
				 (unsigned long)(uintptr_t)m.data, m.c.mem,
				 backing_names[m.c.backing], m.c.gpage);
			if (scn)
				printf("# step %zu %s: %s\n", k, s->cmd, info);
			if (scn && m.c.backing == B_THP)
				printf("# step %zu: AnonHugePages of the data slot: %ld kB of %" PRIu64
				       "\n", k, thp_kib(m.data), m.c.mem >> 10);
			if (layout_out)
				write_layout(&m, layout_out);
			break;
		case ST_RUN: {
			unsigned long nexits;

			timed_out = 0;
			alarm((unsigned)timeout_s);
			nexits = do_run(&m, s);
			alarm(0);
			if (scn)
				printf("# step %zu %s: ok, %lu userspace exit(s)\n", k, s->cmd, nexits);
			break;
		}
		case ST_DIRTY:
			m.slot1_flags = s->on ? KVM_MEM_LOG_DIRTY_PAGES : 0;
			set_slot(&m, 1, m.slot1_flags, DATA_GPA, m.c.mem, m.data);
			if (scn)
				printf("# step %zu %s: ok\n", k, s->cmd);
			break;
		case ST_GETLOG:
			printf("# step %zu %s: dirty_pages=%" PRIu64 "\n", k, s->cmd, do_getlog(&m));
			break;
		}
		marker(marker_fd, "kvm_drive: step %u end: %s\n", (unsigned)k, s->cmd);
		if (!sum)
			continue;
		if (k == 0) {
			ncols = summary_columns(&m, cols);
			fputs("step\tcmd\tms", sum);
			for (size_t c = 0; c < ncols; c++)
				fprintf(sum, "\t%s", cols[c].name);
			fputs("\tinfo\n", sum);
		}
		fprintf(sum, "%zu\t%s\t%.1f", k, s->cmd, now_ms() - t0);
		for (size_t c = 0; c < ncols; c++)
			fprintf(sum, "\t%" PRIu64,
				stats_value(cols[c].fd_vcpu ? &m.vcpu_stats : &m.vm_stats,
					    (uint32_t)cols[c].index));
		fprintf(sum, "\t%s\n", info);
		if (fflush(sum) != 0)
			die("%s: %s", summary, strerror(errno));
	}
	where[0] = '\0';
	if (sum && fclose(sum) != 0)
		die("%s: %s", summary, strerror(errno));

	stats_print(&m.vm_stats, "vm");
	stats_print(&m.vcpu_stats, "vcpu0");
	if (fflush(stdout) != 0)
		die_errno("writing the stats");
	return 0;
}
