/* SPDX-License-Identifier: MIT */
/* The table of trace commands and keys (traces/FORMAT.md is its prose form). */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "trace/spec.h"

#define OFF(member) ((uint16_t)offsetof(tdpsim_event, u.member))
#define PRESENT(member) ((int16_t)offsetof(tdpsim_event, u.member))

#define ADDR_MAX ((1ull << 52) - 1) /* MAXPHYADDR is at most 52 bits */
#define SIZE_MAX_BYTES (1ull << 52)
#define VCPU_MAX 4095                /* KVM_MAX_VCPUS is 4096 */
#define SLOT_MAX 32767               /* KVM's user memslot ids are below 32768 */

/* The types stored in uint64_t fields (key_spec.wide 1); the others are uint32_t (0). */
#define WIDE_OF(t) ((t) == KT_U64 || (t) == KT_SIZE || (t) == KT_GVA || (t) == KT_GPA || \
		    (t) == KT_HVA || (t) == KT_DUR)

/* Shorthands: name, type, required, field, default, max. */
#define K(n, t, req, m, d, mx) \
	{ n, t, req, WIDE_OF(t), 0, 0, OFF(m), -1, d, mx, 0, 0, NULL, 0, 0, NULL }
#define KW(n, t, req, m, d, w, base) \
	{ n, t, req, 0, 0, 0, OFF(m), -1, d, UINT32_MAX, 0, base, w, 0, 0, NULL }
#define KHEX(n, req, wide, m, mx) \
	{ n, KT_HEX, req, wide, 0, 0, OFF(m), -1, 0, mx, 0, 0, NULL, 0, 0, NULL }
/* A 64-bit hex value kept in two uint32_t fields (low, high). */
#define KHEX_SPLIT(n, req, lo, hi) \
	{ n, KT_HEX, req, 2, 0, 0, OFF(lo), -1, 0, UINT64_MAX, 0, 0, NULL, OFF(hi), 0, NULL }
/* A key added in format version 2 (name, type, field, default, max). */
#define K2(n, t, m, d, mx) { n, t, 0, WIDE_OF(t), 0, 0, OFF(m), -1, d, mx, 0, 0, NULL, 0, 2, NULL }
/* A key added in format version 3. */
#define K3(n, t, m, d, mx) { n, t, 0, WIDE_OF(t), 0, 0, OFF(m), -1, d, mx, 0, 0, NULL, 0, 3, NULL }
/* A word-valued key added in format version 4 (name, field, default, words). */
#define KW4(n, m, d, w) { n, KT_ENUM, 0, 0, 0, 0, OFF(m), -1, d, UINT32_MAX, 0, 0, w, 0, 4, NULL }
#define KDUR(n, scale, alias) \
	{ n, KT_DUR, 1, 1, 1, alias, OFF(advance.ns), -1, 0, 1ull << 62, scale, 0, NULL, 0, 0, NULL }

static const char *const w_memslot_flags[] = { "dirty_log", "readonly", NULL };
static const char *const w_backing[] = { "4k", "thp", "hugetlb2m", "hugetlb1g", "anon", "shmem",
					 "memory-backend-ram", "memory-backend-memfd",
					 "memory-backend-file", NULL };
/* The format version each backing kind came in. */
static const uint8_t w_backing_since[] = { 1, 1, 1, 1, 4, 4, 4, 4, 4 };
static const char *const w_share[] = { "default", "off", "on", NULL };
static const char *const w_onoff[] = { "off", "on", NULL };
static const char *const w_hpsize[] = { "2M", "1G", NULL };
static const char *const w_fs[] = { "hugetlbfs", "tmpfs", NULL };
static const char *const w_tmpfs_huge[] = { "never", "always", "within_size", "advise", NULL };
static const char *const w_page[] = { "4k", "2m", "1g", NULL };
static const char *const w_op[] = { "r", "w", "x", NULL };
static const char *const w_invept[] = { "single", "global", NULL };
static const char *const w_advice[] = { "dontneed", "pageout", "collapse", "hugepage",
					"nohugepage", NULL };

static const struct key_spec k_set[] = {
	K("key", KT_STR, 1, set.key, 0, STR_MAX),
	K("value", KT_STR, 1, set.value, 0, STR_MAX),
};

static const struct key_spec k_memslot[] = {
	K("slot", KT_U32, 1, memslot.slot, 0, SLOT_MAX),
	K("gpa", KT_GPA, 2, memslot.gpa, 0, ADDR_MAX),
	K("size", KT_SIZE, 1, memslot.size, 0, SIZE_MAX_BYTES),
	K("hva", KT_HVA, 2, memslot.hva, 0, ADDR_MAX),
	KW("flags", KT_FLAGS, 0, memslot.flags, 0, w_memslot_flags, 0),
};

static const struct key_spec k_backing[] = {
	K("hva", KT_HVA, 1, backing.hva, 0, ADDR_MAX),
	K("size", KT_SIZE, 1, backing.size, 0, SIZE_MAX_BYTES),
	{ "kind", KT_ENUM, 1, 0, 0, 0, OFF(backing.kind), -1, 0, UINT32_MAX, 0, 0, w_backing, 0, 0,
	  w_backing_since },
	K("populate", KT_U32, 0, backing.populate, 0, 1),
	/* QEMU's memory-backend-* properties */
	KW4("share", backing.share, TDPSIM_SHARE_DEFAULT, w_share),
	KW4("hugetlb", backing.hugetlb, 0, w_onoff),
	KW4("hugetlbsize", backing.hugetlbsize, 0, w_hpsize),
	KW4("fs", backing.fs, TDPSIM_FS_HUGETLBFS, w_fs),
	KW4("huge", backing.huge, TDPSIM_TMPFS_HUGE_NEVER, w_tmpfs_huge),
	KW4("prealloc", backing.prealloc, 0, w_onoff),
};

static const struct key_spec k_guest_pt[] = {
	K("gpa", KT_GPA, 1, guest_pt.gpa, 0, ADDR_MAX),
	K("size", KT_SIZE, 1, guest_pt.size, 0, SIZE_MAX_BYTES),
	K2("l2", KT_U32, guest_pt.l2, 0, 1),
};

static const struct key_spec k_guest_map[] = {
	K("gva", KT_GVA, 1, guest_map.gva, 0, UINT64_MAX),
	K("gpa", KT_GPA, 1, guest_map.gpa, 0, ADDR_MAX),
	K("size", KT_SIZE, 1, guest_map.size, 0, SIZE_MAX_BYTES),
	KW("page", KT_ENUM, 1, guest_map.page_level, 1, w_page, 1),
	K("prot", KT_PROT, 0, guest_map.prot, 7, 7),
	K("user", KT_U32, 0, guest_map.user, 0, 1),
	K("ad", KT_U32, 0, guest_map.ad, 0, 1),
	K("cr3", KT_U32, 0, guest_map.cr3, 0, UINT32_MAX),
	K2("l2", KT_U32, guest_map.l2, 0, 1),
};

static const struct key_spec k_access[] = {
	K("vcpu", KT_U32, 1, access.vcpu, 0, VCPU_MAX),
	K("gva", KT_GVA, 1, access.gva, 0, UINT64_MAX),
	KW("op", KT_ENUM, 1, access.op, 0, w_op, 0),
	K("cpl", KT_U32, 0, access.cpl, 3, 3),
};

static const struct key_spec k_sweep[] = {
	K("vcpu", KT_U32, 1, sweep.vcpu, 0, VCPU_MAX),
	K("gva", KT_GVA, 1, sweep.gva, 0, UINT64_MAX),
	K("len", KT_SIZE, 1, sweep.len, 0, SIZE_MAX_BYTES),
	K("stride", KT_SIZE, 1, sweep.stride, 0, SIZE_MAX_BYTES),
	KW("op", KT_ENUM, 1, sweep.op, 0, w_op, 0),
	K("repeat", KT_U64, 0, sweep.repeat, 1, 1ull << 32),
	K("cpl", KT_U32, 0, sweep.cpl, 3, 3),
};

static const struct key_spec k_fault[] = {
	K("vcpu", KT_U32, 1, fault.vcpu, 0, VCPU_MAX),
	K("gpa", KT_GPA, 1, fault.gpa, 0, ADDR_MAX),
	{ "gva", KT_GVA, 0, 1, 0, 0, OFF(fault.gva), PRESENT(fault.has_gva), 0, UINT64_MAX, 0, 0,
	  NULL, 0, 0, NULL },
	KHEX_SPLIT("err", 1, fault.err, fault.err_hi),
};

static const struct key_spec k_dirty_log[] = {
	K("slot", KT_U32, 1, dirty_log.slot, 0, SLOT_MAX),
	K("on", KT_ONOFF, 1, dirty_log.on, 0, 1),
};

static const struct key_spec k_get_dirty_log[] = {
	K("slot", KT_U32, 1, get_dirty_log.slot, 0, SLOT_MAX),
};

static const struct key_spec k_clear_dirty_log[] = {
	K("slot", KT_U32, 1, clear_dirty_log.slot, 0, SLOT_MAX),
	K("first", KT_U64, 1, clear_dirty_log.first, 0, 1ull << 40),
	K("num", KT_U64, 1, clear_dirty_log.num, 0, 1ull << 40),
};

static const struct key_spec k_host_madvise[] = {
	K("hva", KT_HVA, 1, host_madvise.hva, 0, ADDR_MAX),
	K("size", KT_SIZE, 1, host_madvise.size, 0, SIZE_MAX_BYTES),
	KW("advice", KT_ENUM, 1, host_madvise.advice, 0, w_advice, 0),
};

static const struct key_spec k_host_munmap[] = {
	K("hva", KT_HVA, 1, host_munmap.hva, 0, ADDR_MAX),
	K("size", KT_SIZE, 1, host_munmap.size, 0, SIZE_MAX_BYTES),
};

static const char *const w_age_op[] = { "clear", "clear-flush", "test", NULL };

static const struct key_spec k_host_age[] = {
	K("hva", KT_HVA, 1, host_age.hva, 0, ADDR_MAX),
	K("size", KT_SIZE, 1, host_age.size, 0, SIZE_MAX_BYTES),
	KW("op", KT_ENUM, 1, host_age.op, 0, w_age_op, 0),
};

static const struct key_spec k_gpte[] = {
	K("vcpu", KT_U32, 1, gpte.vcpu, 0, VCPU_MAX),
	K("gva", KT_GVA, 1, gpte.gva, 0, UINT64_MAX),
	K("level", KT_U32, 1, gpte.level, 0, 5),
	KHEX("value", 1, 1, gpte.value, UINT64_MAX),
};

static const struct key_spec k_invlpg[] = {
	K("vcpu", KT_U32, 1, invlpg.vcpu, 0, VCPU_MAX),
	K("gva", KT_GVA, 1, invlpg.gva, 0, UINT64_MAX),
};

static const struct key_spec k_cr3[] = {
	K("vcpu", KT_U32, 1, cr3.vcpu, 0, VCPU_MAX),
	K("value", KT_U64, 1, cr3.value, 0, UINT32_MAX),
};

static const struct key_spec k_advance[] = {
	KDUR("ns", 1, 0), KDUR("us", 1000, 1), KDUR("ms", 1000000, 1), KDUR("s", 1000000000, 1),
};

static const struct key_spec k_mark[] = {
	K("label", KT_STR, 1, mark.label, 0, STR_MAX),
};

/* Version 2: nested virtualization. */
static const struct key_spec k_ept12_map[] = {
	K("ept", KT_U32, 1, ept12_map.ept, 0, UINT32_MAX),
	K("l2gpa", KT_GPA, 1, ept12_map.l2gpa, 0, ADDR_MAX),
	K("gpa", KT_GPA, 1, ept12_map.gpa, 0, ADDR_MAX),
	K("size", KT_SIZE, 1, ept12_map.size, 0, SIZE_MAX_BYTES),
	KW("page", KT_ENUM, 1, ept12_map.page_level, 1, w_page, 1),
	K("prot", KT_EPT_PROT, 0, ept12_map.prot, 7, 7),
	K("ad", KT_U32, 0, ept12_map.ad, 0, 1),
};

static const struct key_spec k_l2_enter[] = {
	K("vcpu", KT_U32, 1, l2_enter.vcpu, 0, VCPU_MAX),
	K("ept", KT_U32, 1, l2_enter.ept, 0, UINT32_MAX),
	K("cr3", KT_U32, 0, l2_enter.cr3, 0, UINT32_MAX),
	K("ad", KT_U32, 0, l2_enter.ad, 1, 1),
	/* vmcs12's VPID: 0 when L1 does not enable VPID for L2 (VM entry refuses "enable
	 * VPID" with VPID 0, so 0 can only mean off) */
	K3("vpid", KT_U32, l2_enter.vpid, 1, 65535),
};

static const struct key_spec k_l2_exit[] = {
	K("vcpu", KT_U32, 1, l2_exit.vcpu, 0, VCPU_MAX),
};

static const struct key_spec k_invept[] = {
	K("vcpu", KT_U32, 1, invept.vcpu, 0, VCPU_MAX),
	KW("type", KT_ENUM, 1, invept.type, TDPSIM_INVEPT_SINGLE, w_invept, TDPSIM_INVEPT_SINGLE),
	K("ept", KT_U32, 0, invept.ept, 0, UINT32_MAX),
};

static const char *check_memslot(const tdpsim_event *ev, uint32_t given)
{
	/* Deleting needs only the slot; creating or moving needs both addresses. */
	if (ev->u.memslot.size != 0 && (given & 0xa) != 0xa)
		return "a non-zero size needs gpa= and hva=";
	return NULL;
}

/* QEMU's properties exist only on the backends that have them (hostmem-memfd.c: hugetlb,
 * hugetlbsize; hostmem-file.c: mem-path, here the filesystem it is on; tmpfs's huge=). */
static const char *check_backing(const tdpsim_event *ev, uint32_t given)
{
	uint32_t kind = ev->u.backing.kind;
	int qemu = kind >= TDPSIM_BACKING_QEMU_RAM;
	int file = kind == TDPSIM_BACKING_QEMU_FILE;

	(void)given;
	if (!qemu && (ev->u.backing.share || ev->u.backing.prealloc))
		return "share= and prealloc= are properties of QEMU's memory-backend-* kinds";
	if (kind != TDPSIM_BACKING_QEMU_MEMFD && ev->u.backing.hugetlb)
		return "hugetlb= is a property of memory-backend-memfd";
	if (kind == TDPSIM_BACKING_QEMU_MEMFD && ev->u.backing.hugetlbsize && !ev->u.backing.hugetlb)
		return "hugetlbsize= needs hugetlb=on";
	if (!file && (ev->u.backing.fs || ev->u.backing.huge))
		return "fs= and huge= describe memory-backend-file's mem-path";
	if (file && ev->u.backing.fs == TDPSIM_FS_TMPFS && ev->u.backing.hugetlbsize)
		return "hugetlbsize= is the page size of a hugetlbfs mount, not of tmpfs";
	if (file && ev->u.backing.fs == TDPSIM_FS_HUGETLBFS && ev->u.backing.huge)
		return "huge= is a tmpfs mount option";
	if (!file && kind != TDPSIM_BACKING_QEMU_MEMFD && ev->u.backing.hugetlbsize)
		return "hugetlbsize= is for memory-backend-memfd and memory-backend-file";
	return NULL;
}

static const char *check_cpl(uint32_t cpl)
{
	return cpl == 0 || cpl == 3 ? NULL : "cpl must be 0 or 3";
}

static const char *check_access(const tdpsim_event *ev, uint32_t given)
{
	(void)given;
	return check_cpl(ev->u.access.cpl);
}

static const char *check_sweep(const tdpsim_event *ev, uint32_t given)
{
	(void)given;
	if (ev->u.sweep.stride == 0)
		return "stride must be positive";
	if (ev->u.sweep.repeat == 0)
		return "repeat must be positive";
	if (ev->u.sweep.len == 0)
		return "len must be positive";
	/* Bound the loop so that counters cannot overflow: 2^40 accesses is days of replay. */
	if ((ev->u.sweep.len + ev->u.sweep.stride - 1) / ev->u.sweep.stride >
	    (1ull << 40) / ev->u.sweep.repeat)
		return "more than 2^40 accesses";
	if (ev->u.sweep.len - 1 > UINT64_MAX - ev->u.sweep.gva)
		return "gva + len passes 2^64 (addresses do not wrap)";
	return check_cpl(ev->u.sweep.cpl);
}

/* A recorded fault carries what the hardware reported, as KVM's tracepoint kvm_page_fault
 * prints it: KVM's handlers (npf_interception, kvm_handle_page_fault) WARN on and drop the
 * synthetic flags, and the simulator models no private (guest_memfd) memory. */
static const char *check_fault(const tdpsim_event *ev, uint32_t given)
{
	uint64_t err = TDPSIM_FAULT_ERR(ev);

	(void)given;
	if (err & TDPSIM_PFERR_IMPLICIT_ACCESS)
		return "err has PFERR_IMPLICIT_ACCESS (bit 48): KVM sets that flag itself for "
		       "emulated implicit accesses, no fault carries it";
	if (err & TDPSIM_PFERR_PRIVATE_ACCESS)
		return "err has PFERR_PRIVATE_ACCESS (bit 49): faults on private (guest_memfd) "
		       "memory are not modelled";
	if (err & ~TDPSIM_PFERR_RECORDABLE)
		return "err has bits KVM does not name (PFERR_*: bits 0-6, 15 and 31-36)";
	return NULL;
}

static const char *check_guest_map(const tdpsim_event *ev, uint32_t given)
{
	(void)given;
	if (ev->u.guest_map.size && ev->u.guest_map.size - 1 > UINT64_MAX - ev->u.guest_map.gva)
		return "gva + size passes 2^64 (addresses do not wrap)";
	return NULL;
}

static const char *check_gpte(const tdpsim_event *ev, uint32_t given)
{
	(void)given;
	return ev->u.gpte.level >= 1 ? NULL : "level must be 1..5";
}

static const char *check_ept12_map(const tdpsim_event *ev, uint32_t given)
{
	(void)given;
	if (ev->u.ept12_map.size &&
	    ev->u.ept12_map.size - 1 > ADDR_MAX - ev->u.ept12_map.l2gpa)
		return "l2gpa + size passes 2^52";
	return NULL;
}

static const char *check_invept(const tdpsim_event *ev, uint32_t given)
{
	/* A global INVEPT names no EPTP (key 2 is ept=). */
	if (ev->u.invept.type == TDPSIM_INVEPT_GLOBAL && (given & 4) && ev->u.invept.ept)
		return "type=global invalidates every EPT context: it takes no ept=";
	return NULL;
}

#define CMD(n, k, chk) { n, k, sizeof(k) / sizeof(k[0]), chk, 0 }
#define CMD2(n, k, chk) { n, k, sizeof(k) / sizeof(k[0]), chk, 2 }
#define CMD5(n, k, chk) { n, k, sizeof(k) / sizeof(k[0]), chk, 5 }

static const struct cmd_spec cmds[TDPSIM_CMD__COUNT] = {
	[TDPSIM_CMD_SET] = CMD("set", k_set, NULL),
	[TDPSIM_CMD_MEMSLOT] = CMD("memslot", k_memslot, check_memslot),
	[TDPSIM_CMD_BACKING] = CMD("backing", k_backing, check_backing),
	[TDPSIM_CMD_GUEST_PT] = CMD("guest-pt", k_guest_pt, NULL),
	[TDPSIM_CMD_GUEST_MAP] = CMD("guest-map", k_guest_map, check_guest_map),
	[TDPSIM_CMD_ACCESS] = CMD("access", k_access, check_access),
	[TDPSIM_CMD_SWEEP] = CMD("sweep", k_sweep, check_sweep),
	[TDPSIM_CMD_FAULT] = CMD("fault", k_fault, check_fault),
	[TDPSIM_CMD_DIRTY_LOG] = CMD("dirty-log", k_dirty_log, NULL),
	[TDPSIM_CMD_GET_DIRTY_LOG] = CMD("get-dirty-log", k_get_dirty_log, NULL),
	[TDPSIM_CMD_CLEAR_DIRTY_LOG] = CMD("clear-dirty-log", k_clear_dirty_log, NULL),
	[TDPSIM_CMD_HOST_MADVISE] = CMD("host-madvise", k_host_madvise, NULL),
	[TDPSIM_CMD_HOST_MUNMAP] = CMD("host-munmap", k_host_munmap, NULL),
	[TDPSIM_CMD_GPTE] = CMD("gpte", k_gpte, check_gpte),
	[TDPSIM_CMD_INVLPG] = CMD("invlpg", k_invlpg, NULL),
	[TDPSIM_CMD_CR3] = CMD("cr3", k_cr3, NULL),
	[TDPSIM_CMD_ADVANCE] = CMD("advance", k_advance, NULL),
	[TDPSIM_CMD_MARK] = CMD("mark", k_mark, NULL),
	[TDPSIM_CMD_EPT12_MAP] = CMD2("ept12-map", k_ept12_map, check_ept12_map),
	[TDPSIM_CMD_L2_ENTER] = CMD2("l2-enter", k_l2_enter, NULL),
	[TDPSIM_CMD_L2_EXIT] = CMD2("l2-exit", k_l2_exit, NULL),
	[TDPSIM_CMD_INVEPT] = CMD2("invept", k_invept, check_invept),
	[TDPSIM_CMD_HOST_AGE] = CMD5("host-age", k_host_age, NULL),
};

/* What is wrong with permissions v of key k, or NULL: an x86 page is readable once present;
 * an EPT entry needs one of R and X, and W only beside R (W alone is a misconfiguration,
 * mmu.c __is_bad_mt_xwr; X alone is execute-only, which the modelled processors support). */
const char *spec_prot_problem(const struct key_spec *k, uint64_t v)
{
	if (k->type == KT_PROT && !(v & TDPSIM_PROT_R))
		return "must include r: a present x86 page is always readable";
	if (k->type == KT_EPT_PROT && !(v & (TDPSIM_PROT_R | TDPSIM_PROT_X)))
		return "must include r or x: an EPT entry without them is not present";
	if (k->type == KT_EPT_PROT && (v & TDPSIM_PROT_W) && !(v & TDPSIM_PROT_R))
		return "has w without r: an EPT misconfiguration";
	return NULL;
}

const struct cmd_spec *spec_of(tdpsim_cmd cmd)
{
	if (cmd <= TDPSIM_CMD_NONE || cmd >= TDPSIM_CMD__COUNT)
		return NULL;
	return &cmds[cmd];
}

tdpsim_cmd spec_lookup(const char *name, size_t len)
{
	for (int c = 1; c < TDPSIM_CMD__COUNT; c++)
		if (strlen(cmds[c].name) == len && memcmp(cmds[c].name, name, len) == 0)
			return (tdpsim_cmd)c;
	return TDPSIM_CMD_NONE;
}

const char *tdpsim_cmd_name(tdpsim_cmd cmd)
{
	const struct cmd_spec *c = spec_of(cmd);

	return c ? c->name : NULL;
}

int key_addr_class(const struct key_spec *k)
{
	switch (k->type) {
	case KT_GVA: return ADDR_GVA;
	case KT_GPA: return ADDR_GPA;
	case KT_HVA: return ADDR_HVA;
	default: return -1;
	}
}

int key_is_first_of_field(const struct cmd_spec *c, unsigned i)
{
	return !c->keys[i].alias;
}

void spec_defaults(tdpsim_event *ev)
{
	const struct cmd_spec *c = spec_of(ev->cmd);
	tdpsim_cmd cmd = ev->cmd;

	memset(ev, 0, sizeof(*ev));
	ev->cmd = cmd;
	for (unsigned i = 0; c && i < c->nkeys; i++) {
		const struct key_spec *k = &c->keys[i];

		if (k->type == KT_STR)
			*field_str(ev, k->offset) = "";
		else
			key_put(ev, k, k->def);
	}
}

static unsigned word_count(const char *const *words)
{
	unsigned n = 0;

	while (words[n])
		n++;
	return n;
}

/* The checks a word, flags or prot value needs beyond its maximum; message or NULL. */
static const char *validate_word(const struct key_spec *k, uint64_t v, char *buf, size_t n)
{
	unsigned nwords = k->words ? word_count(k->words) : 0;

	if (k->type == KT_ENUM && (v < k->enum_base || v - k->enum_base >= nwords)) {
		snprintf(buf, n, "%s=%" PRIu64 " is not one of its %u words", k->name, v, nwords);
		return buf;
	}
	if (k->type == KT_FLAGS && (v >> nwords) != 0) {
		snprintf(buf, n, "%s=%" PRIu64 " has bits without a name", k->name, v);
		return buf;
	}
	if ((k->type == KT_PROT || k->type == KT_EPT_PROT) && spec_prot_problem(k, v)) {
		snprintf(buf, n, "%s=%" PRIu64 " %s", k->name, v, spec_prot_problem(k, v));
		return buf;
	}
	return NULL;
}

static const char *validate_set(const tdpsim_event *ev)
{
	const char *key = ev->u.set.key;

	if (!key || !ev->u.set.value || !*key)
		return "set needs a key and a value";
	for (const char *p = key; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return "setting name may use only a-z, 0-9 and _";
	return NULL;
}

const char *spec_version_problem(const tdpsim_event *ev, unsigned version, char *buf, size_t n)
{
	const struct cmd_spec *c = spec_of(ev->cmd);

	for (unsigned i = 0; c && i < c->nkeys; i++) {
		const struct key_spec *k = &c->keys[i];
		uint64_t w;

		if (!k->word_since)
			continue;
		w = key_get(ev, k) - k->enum_base;
		if (k->word_since[w] > version) {
			snprintf(buf, n, "%s=%s is new in trace format version %u, but the trace says "
				 "version %u", k->name, k->words[w], k->word_since[w], version);
			return buf;
		}
	}
	return NULL;
}

const char *spec_validate(const tdpsim_event *ev, uint32_t given, char *buf, size_t n)
{
	const struct cmd_spec *c = spec_of(ev->cmd);

	if (!c)
		return "unknown command";
	if (ev->cmd == TDPSIM_CMD_SET)
		return validate_set(ev);
	for (unsigned i = 0; i < c->nkeys; i++) {
		const struct key_spec *k = &c->keys[i];
		uint64_t v;

		if (k->type == KT_STR || !key_is_first_of_field(c, i))
			continue;
		v = key_get(ev, k);
		if (k->type == KT_GVA && !gva_is_canonical(v)) {
			snprintf(buf, n, "%s=0x%" PRIx64 " is not a canonical address", k->name, v);
			return buf;
		}
		if (v > k->max) {
			snprintf(buf, n, "%s=%" PRIu64 " is out of range (at most %" PRIu64 ")",
				 k->name, v, k->max);
			return buf;
		}
		if (validate_word(k, v, buf, n))
			return buf;
	}
	return c->check ? c->check(ev, given) : NULL;
}

uint64_t tdpsim_event_accesses(const tdpsim_event *ev)
{
	if (ev->cmd == TDPSIM_CMD_ACCESS)
		return 1;
	if (ev->cmd == TDPSIM_CMD_SWEEP && ev->u.sweep.stride)
		return (ev->u.sweep.len + ev->u.sweep.stride - 1) / ev->u.sweep.stride *
		       ev->u.sweep.repeat;
	return 0;
}
