/* SPDX-License-Identifier: MIT */
/*
 * kvm_drive: drive a real /dev/kvm with one tiny guest and print KVM's stats.
 *
 * Why: libtdpsim models KVM's x86 MMU, and the model is checked against what a
 * real KVM does.  This program makes a real KVM take a known, simple set of
 * faults (one access per 4K page of a data memslot), so that KVM's kvm/kvmmmu
 * tracepoints can be recorded while it runs and the recording compared with the
 * simulator (scripts/kvm-in-tcg.sh runs it inside a QEMU TCG machine whose
 * emulated AMD CPU has SVM, so that the KVM under test can run with NPT or with
 * its shadow MMU).
 *
 * What: one VM, one vCPU, two memslots backed by anonymous memory with
 * MADV_NOHUGEPAGE (4K host pages):
 *   slot 0  GPA 0, 2 MiB: guest page tables, GDT, TSS, IDT, exception stubs,
 *           the workload code and its stacks;
 *   slot 1  GPA 1 GiB, --data-mib N MiB (default 4): the data the loop touches.
 * The host writes 4-level guest page tables (identity map, 4K guest pages,
 * U=1 W=1 for the data; Accessed/Dirty preset or clear per --guest-ad) and puts
 * the vCPU straight into 64-bit long mode at CPL3 with KVM_SET_SREGS (DPL3
 * CS/SS, RFLAGS.IOPL=3 so that `out` is allowed).  CPL3 matters: on some
 * shadow-MMU backends guest code at CPL0 is interpreted by KVM's emulator and
 * creates no SPTEs, while CPL3 code runs natively and faults into the MMU.
 * The loop does one 8-byte read or write (--op) per 4K page of slot 1, then an
 * `out` to port 0x10, which ends the run (KVM_EXIT_IO).  Exceptions go through
 * CPL0 stubs that `out` their vector to port 0x11; that is reported as an
 * error, with the vCPU's registers and exception frame.
 *
 * Output (stdout): "# vm" then one "name value" line per VM stat, "# vcpu0"
 * then one line per vCPU stat (read with KVM_GET_STATS_FD; a histogram stat
 * is printed as the sum of its buckets).  Exit status: 0 ok, 1 error (message
 * on stderr), 77 no /dev/kvm (so that a test harness can skip).
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
#include <unistd.h>

#include <linux/kvm.h>

/* ---- guest physical layout of the system slot (slot 0) ---- */
#define SYS_GPA 0x0ULL
#define SYS_SIZE (2ULL << 20)
#define PML4_GPA 0x1000ULL
#define PDPT_GPA 0x2000ULL
#define PD_LOW_GPA 0x3000ULL  /* PD for GPA 0 .. 1 GiB */
#define PT_SYS_GPA 0x4000ULL  /* PT for GPA 0 .. 2 MiB (this slot) */
#define PD_DATA_GPA 0x5000ULL /* PD for GPA 1 GiB .. 2 GiB */
#define GDT_GPA 0x7000ULL
#define TSS_GPA 0x8000ULL
#define IDT_GPA 0x9000ULL
#define STUBS_GPA 0xa000ULL /* 256 exception stubs, 16 bytes each */
#define CODE_GPA 0xb000ULL  /* the CPL3 workload */
#define USTACK_TOP 0xd000ULL /* user stack: page 0xc000 */
#define KSTACK_TOP 0xf000ULL /* kernel stack: page 0xe000 (TSS.RSP0) */
#define PT_DATA_GPA 0x100000ULL /* PTs for the data slot: up to 256 pages */
#define PT_DATA_MAX 256

/* ---- data slot (slot 1) ---- */
#define DATA_GPA (1ULL << 30)
#define DATA_MIB_MAX (PT_DATA_MAX * 2)

/* ---- I/O ports the guest uses to talk to us ---- */
#define PORT_DONE 0x10
#define PORT_EXC 0x11

/* ---- x86 bits ---- */
#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_U (1ULL << 2)
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)
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

static volatile sig_atomic_t timed_out;

__attribute__((noreturn, format(printf, 1, 2)))
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("kvm_drive: ", stderr);
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
	      "                 [--timeout SECONDS]\n"
	      "Run one tiny KVM guest that touches every 4K page of an N MiB data memslot\n"
	      "(default 4) at guest physical 1 GiB from CPL3, once, with a write or a read\n"
	      "(default write), its guest PTEs' Accessed/Dirty bits preset or clear (default\n"
	      "preset); then print the VM's and the vCPU's KVM stats as 'name value' lines.\n"
	      "Exit 0 ok, 1 error, 77 no /dev/kvm.  --timeout bounds the guest run (default 300).\n",
	      f);
}

static void *alloc_guest(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);

	if (p == MAP_FAILED)
		die_errno("mmap guest memory");
	/* 4K host pages: KVM then maps the guest with 4K SPTEs/NPTEs only. */
	if (madvise(p, size, MADV_NOHUGEPAGE) != 0)
		die_errno("madvise(MADV_NOHUGEPAGE)");
	return p;
}

static void set_slot(int vm, uint32_t slot, uint64_t gpa, uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.flags = 0,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)hva,
	};

	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r) != 0)
		die_errno("KVM_SET_USER_MEMORY_REGION");
}

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

/* Build page tables, GDT, TSS, IDT, stubs and code in the system slot. */
static void build_guest(uint8_t *sys, uint64_t data_size, int op_write, int ad_preset)
{
	uint64_t upper_a = ad_preset ? PTE_A : 0;
	uint64_t leaf_ad = ad_preset ? (PTE_A | PTE_D) : 0;
	uint64_t npages = data_size >> 12, i;

	/* Upper levels: P W U everywhere, so only the leaves decide. */
	put64(sys, PML4_GPA, PDPT_GPA | PTE_P | PTE_W | PTE_U | upper_a);
	put64(sys, PDPT_GPA + 0 * 8, PD_LOW_GPA | PTE_P | PTE_W | PTE_U | upper_a);
	put64(sys, PDPT_GPA + 1 * 8, PD_DATA_GPA | PTE_P | PTE_W | PTE_U | upper_a);
	put64(sys, PD_LOW_GPA, PT_SYS_GPA | PTE_P | PTE_W | PTE_U | upper_a);

	/* The system slot, identity mapped with 4K pages; page 0 is left unmapped
	 * (a null-pointer access faults).  Everything is supervisor-only except
	 * the user code and user stack pages. */
	for (i = 1; i < (SYS_SIZE >> 12); i++) {
		uint64_t gpa = i << 12;
		uint64_t pte = gpa | PTE_P | PTE_W | PTE_A | PTE_D;

		if (gpa == CODE_GPA || gpa == USTACK_TOP - 0x1000)
			pte |= PTE_U;
		put64(sys, PT_SYS_GPA + i * 8, pte);
	}

	/* The data slot: identity mapped with 4K pages, U=1 W=1. */
	for (i = 0; i < npages; i++) {
		uint64_t gpa = DATA_GPA + (i << 12);
		uint64_t pt = PT_DATA_GPA + (i / 512) * 0x1000;

		if (i % 512 == 0)
			put64(sys, PD_DATA_GPA + (i / 512) * 8, pt | PTE_P | PTE_W | PTE_U | upper_a);
		put64(sys, pt + (i % 512) * 8, gpa | PTE_P | PTE_W | PTE_U | leaf_ad);
	}

	/* GDT */
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

	/* The CPL3 workload; RDI = first data page, RCX = page count (from regs).
	 *  0: mov %rcx,(%rdi)  or  mov (%rdi),%rax     (3 bytes)
	 *  3: add $0x1000,%rdi                         (7)
	 * 10: dec %ecx                                 (2)
	 * 12: jnz 0                                    (2)
	 * 14: out %al,$PORT_DONE                       (2)
	 * 16: jmp 14                                   (2)
	 */
	{
		static const uint8_t wr[] = { 0x48, 0x89, 0x0f };
		static const uint8_t rd[] = { 0x48, 0x8b, 0x07 };
		static const uint8_t rest[] = { 0x48, 0x81, 0xc7, 0x00, 0x10, 0x00, 0x00,
						0xff, 0xc9,
						0x75, 0xf2,
						0xe6, PORT_DONE,
						0xeb, 0xfc };
		uint8_t *c = sys + CODE_GPA;

		memcpy(c, op_write ? wr : rd, 3);
		memcpy(c + 3, rest, sizeof(rest));
	}
}

static void setup_cpuid(int kvm, int vcpu)
{
	int n = 256;

	for (;;) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + (size_t)n * sizeof(c->entries[0]));

		if (!c)
			die("out of memory");
		c->nent = (uint32_t)n;
		if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c) == 0) {
			if (ioctl(vcpu, KVM_SET_CPUID2, c) != 0)
				die_errno("KVM_SET_CPUID2");
			free(c);
			return;
		}
		free(c);
		if (errno != E2BIG || n > 65536)
			die_errno("KVM_GET_SUPPORTED_CPUID");
		n *= 2;
	}
}

static void setup_vcpu(int vcpu, uint64_t npages)
{
	struct kvm_sregs sr;
	struct kvm_regs regs;
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

	memset(&regs, 0, sizeof(regs));
	regs.rflags = RFLAGS_FIXED | RFLAGS_IOPL3;
	regs.rip = CODE_GPA;
	regs.rsp = USTACK_TOP;
	regs.rdi = DATA_GPA;
	regs.rcx = npages;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) != 0)
		die_errno("KVM_SET_REGS");
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
	fprintf(stderr, "kvm_drive: guest exception vector %u; cr2 %#llx rsp %#llx rdi %#llx rcx %#llx\n",
		vector, (unsigned long long)s.cr2, (unsigned long long)r.rsp,
		(unsigned long long)r.rdi, (unsigned long long)r.rcx);
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

static void run_guest(int vcpu, struct kvm_run *run, const uint8_t *sys)
{
	unsigned long nexits = 0;

	for (;;) {
		if (timed_out)
			die("timed out waiting for the guest (after %lu userspace exits)", nexits);
		if (ioctl(vcpu, KVM_RUN, 0) != 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die_errno("KVM_RUN");
		}
		nexits++;
		switch (run->exit_reason) {
		case KVM_EXIT_IO: {
			const uint8_t *data = (const uint8_t *)run + run->io.data_offset;

			if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port == PORT_DONE)
				return;
			if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port == PORT_EXC)
				report_exception(vcpu, data[0], sys);
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

/* Print every stat of a KVM binary stats fd as "name value". */
static void print_stats(int owner, const char *title)
{
	struct kvm_stats_header h;
	size_t dsz;
	char *descs;
	uint32_t i;
	int fd = ioctl(owner, KVM_GET_STATS_FD, NULL);

	if (fd < 0)
		die_errno("KVM_GET_STATS_FD");
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
		die("%s stats: short read of the header", title);
	dsz = sizeof(struct kvm_stats_desc) + h.name_size;
	descs = calloc(h.num_desc, dsz);
	if (!descs)
		die("out of memory");
	if (pread(fd, descs, dsz * h.num_desc, h.desc_offset) != (ssize_t)(dsz * h.num_desc))
		die("%s stats: short read of the descriptors", title);

	printf("# %s\n", title);
	for (i = 0; i < h.num_desc; i++) {
		const struct kvm_stats_desc *d = (const void *)(descs + (size_t)i * dsz);
		uint64_t *vals, sum = 0;
		size_t n = d->size ? d->size : 1, k;

		vals = calloc(n, sizeof(*vals));
		if (!vals)
			die("out of memory");
		if (pread(fd, vals, n * sizeof(*vals), (off_t)h.data_offset + d->offset) !=
		    (ssize_t)(n * sizeof(*vals)))
			die("%s stats: short read of %.*s", title, (int)h.name_size, d->name);
		for (k = 0; k < n; k++)
			sum += vals[k];
		printf("%.*s %" PRIu64 "\n", (int)h.name_size, d->name, sum);
		free(vals);
	}
	free(descs);
	close(fd);
}

int main(int argc, char **argv)
{
	unsigned long data_mib = 4, timeout_s = 300;
	int op_write = 1, ad_preset = 1, kvm, vm, vcpu, i, api;
	long mmap_size;
	uint64_t data_size;
	uint8_t *sys, *data;
	struct kvm_run *run;
	struct sigaction sa;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		}
		if (!v) {
			usage(stderr);
			die("%s needs a value", a);
		}
		i++;
		if (!strcmp(a, "--data-mib")) {
			errno = 0;
			data_mib = strtoul(v, &end, 10);
			if (errno || *end || data_mib < 1 || data_mib > DATA_MIB_MAX)
				die("--data-mib: expected 1..%d, got '%s'", DATA_MIB_MAX, v);
		} else if (!strcmp(a, "--op")) {
			if (!strcmp(v, "write"))
				op_write = 1;
			else if (!strcmp(v, "read"))
				op_write = 0;
			else
				die("--op: expected write or read, got '%s'", v);
		} else if (!strcmp(a, "--guest-ad")) {
			if (!strcmp(v, "preset"))
				ad_preset = 1;
			else if (!strcmp(v, "clear"))
				ad_preset = 0;
			else
				die("--guest-ad: expected preset or clear, got '%s'", v);
		} else if (!strcmp(a, "--timeout")) {
			errno = 0;
			timeout_s = strtoul(v, &end, 10);
			if (errno || *end || timeout_s < 1)
				die("--timeout: expected seconds, got '%s'", v);
		} else {
			usage(stderr);
			die("unknown option '%s'", a);
		}
	}
	data_size = (uint64_t)data_mib << 20;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		fprintf(stderr, "kvm_drive: cannot open /dev/kvm: %s (skipping)\n", strerror(errno));
		return 77;
	}
	api = ioctl(kvm, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION)
		die("KVM_GET_API_VERSION is %d, expected %d", api, KVM_API_VERSION);
	if (ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_BINARY_STATS_FD) <= 0)
		die("this KVM has no KVM_CAP_BINARY_STATS_FD");

	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die_errno("KVM_CREATE_VM");

	sys = alloc_guest(SYS_SIZE);
	data = alloc_guest(data_size);
	build_guest(sys, data_size, op_write, ad_preset);
	set_slot(vm, 0, SYS_GPA, SYS_SIZE, sys);
	set_slot(vm, 1, DATA_GPA, data_size, data);

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die_errno("KVM_CREATE_VCPU");
	mmap_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (long)sizeof(*run))
		die_errno("KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, (size_t)mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die_errno("mmap kvm_run");

	setup_cpuid(kvm, vcpu);
	setup_vcpu(vcpu, data_size >> 12);

	/* A bound on the run: SIGALRM interrupts KVM_RUN (EINTR), then we stop. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) != 0)
		die_errno("sigaction");
	alarm((unsigned)timeout_s);
	run_guest(vcpu, run, sys);
	alarm(0);

	print_stats(vm, "vm");
	print_stats(vcpu, "vcpu0");
	if (fflush(stdout) != 0)
		die_errno("writing the stats");
	return 0;
}
