/* SPDX-License-Identifier: MIT */
/*
 * KVM's hugepage decisions on the TDP fault path (mmu.c, tdp_mmu.c; profile 6.18), as a
 * table: one row per combination of
 *
 *   host level at the faulting hva   4K (populated or not), THP, hugetlb 2M, hugetlb 1G
 *   memslot alignment                aligned; a slot 1 MiB past a 2M boundary (fault in its
 *                                    partial head region, its partial tail region, or an
 *                                    interior region); gpa/hva incongruent mod 2M; congruent
 *                                    mod 2M but not mod 1G
 *   dirty logging on the slot        off / on at the time of the fault
 *   fault kind                       read (err=USER), write (WRITE|USER), exec (FETCH|USER)
 *   NX huge pages                    nx_huge_pages=off / force (and force with the VM's
 *                                    KVM_CAP_VM_DISABLE_NX_HUGE_PAGES in a few rows)
 *   a table at the goal level        none; an NX-tagged one from an earlier exec fault in the
 *                                    same 2M region; one from a fault while dirty logging was
 *                                    on, logging then off; an untagged one left by an earlier
 *                                    fault the hugepage-policy hook forced to 4K
 *
 * with what KVM does with the fault: req_level, goal_level, huge_page_disallowed, the result,
 * and the change in pages_4k/2m/1g, nx_lpage_splits and remote_tlb_flush_requests.  Every
 * expectation comes from KVM's rules (the row's `why` names the functions), never from a run.
 *
 * Rows that depend on dirty logging being turned on or off (eager split and write-protection
 * at enable, huge pages recovered in place at disable) run in the "dirty_log_toggle" case,
 * which ctest runs as a test of its own (tests/unit/kvm.cmake).
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "tdpsim/tdpsim.h"
#include "test_util.h"

#define SZ_4K 0x1000ull
#define SZ_1M 0x100000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull

#define G0 SZ_1G                 /* the memslot's gpa (1 GiB) */
#define H0 0x7f0000000000ull     /* the backing's hva, 1G-aligned */
#define SLOT 0
#define MMIO_GPA 0x200000000ull  /* 8 GiB: outside every memslot */

/* An EPT read violation is encoded as USER (vmx.c handle_ept_violation). */
#define ERR_READ TDPSIM_PFERR_USER
#define ERR_WRITE (TDPSIM_PFERR_WRITE | TDPSIM_PFERR_USER)
#define ERR_EXEC (TDPSIM_PFERR_FETCH | TDPSIM_PFERR_USER)

enum host { H4K, H4K_POP, HTHP, HTHP_POP, H2M, H1G };
enum align { AL, HEAD, TAIL, INTR, INC2M, C2M };
enum kind { RD, WR, EX };
enum nx { NX_OFF, NX_ON, NX_DIS };
enum prior { P_NONE, P_NXT, P_LOGT, P_UNT };

#define FIXED TDPSIM_PF_FIXED
#define SPURIOUS TDPSIM_PF_SPURIOUS
#define RETRY TDPSIM_PF_RETRY

/* ---- the machine ---- */

struct run {
	tdpsim_sim *sim;
	int nfaults;
	tdpsim_fault last;
	int nspte;
	uint64_t spte_gfn, spte_new;
	int spte_level;
	uint64_t spte_2m_new; /* the last SPTE written at level 2 */
};

static void on_fault(const tdpsim_fault *f, void *payload)
{
	struct run *r = payload;

	r->nfaults++;
	r->last = *f;
}

static void on_spte_change(uint64_t gfn, int level, uint64_t old_spte, uint64_t new_spte,
			   void *payload)
{
	struct run *r = payload;

	(void)old_spte;
	r->nspte++;
	r->spte_gfn = gfn;
	r->spte_level = level;
	r->spte_new = new_spte;
	if (level == TDPSIM_LEVEL_2M)
		r->spte_2m_new = new_spte;
}

static const char *last_error(void)
{
	const tdpsim_error *e = tdpsim_error_last();

	return e ? e->message : "(no message)";
}

/* A 6.18 machine with --check on and the hooks above. */
static void start(struct run *r, int nx)
{
	tdpsim_options o = TDPSIM_OPTIONS_INIT;
	tdpsim_hooks h = TDPSIM_HOOKS_INIT;

	memset(r, 0, sizeof(*r));
	o.kvm = "6.18";
	o.check = 1;
	ck_assert_int_eq(tdpsim_sim_new(&r->sim, &o), 0);
	ck_assert_int_eq(tdpsim_sim_set(r->sim, "nx_huge_pages", nx == NX_OFF ? "off" : "force"),
			 0);
	if (nx == NX_DIS)
		ck_assert_int_eq(tdpsim_sim_set(r->sim, "disable_nx_huge_pages", "1"), 0);
	h.on_fault = on_fault;
	h.on_spte_change = on_spte_change;
	h.payload = r;
	ck_assert_int_eq(tdpsim_sim_set_hooks(r->sim, &h), 0);
}

static void apply_ok(struct run *r, const tdpsim_event *ev)
{
	int rc = tdpsim_sim_apply(r->sim, ev);

	ck_assert_msg(rc == 0, "%s event failed (%d): %s", tdpsim_cmd_name(ev->cmd), rc,
		      last_error());
}

static void backing(struct run *r, uint64_t hva, uint64_t size, uint32_t kind, int populate)
{
	tdpsim_event ev = { .cmd = TDPSIM_CMD_BACKING };

	ev.u.backing.hva = hva;
	ev.u.backing.size = size;
	ev.u.backing.kind = kind;
	ev.u.backing.populate = (uint32_t)populate;
	apply_ok(r, &ev);
}

static void memslot(struct run *r, uint32_t slot, uint64_t gpa, uint64_t size, uint64_t hva)
{
	tdpsim_event ev = { .cmd = TDPSIM_CMD_MEMSLOT };

	ev.u.memslot.slot = slot;
	ev.u.memslot.gpa = gpa;
	ev.u.memslot.size = size;
	ev.u.memslot.hva = hva;
	apply_ok(r, &ev);
}

static void dirty_log(struct run *r, int on)
{
	tdpsim_event ev = { .cmd = TDPSIM_CMD_DIRTY_LOG };

	ev.u.dirty_log.slot = SLOT;
	ev.u.dirty_log.on = (uint32_t)on;
	apply_ok(r, &ev);
}

/* A `fault` event: straight into kvm_mmu_page_fault.  Returns the handler's result as the
 * on_fault hook saw it (one report per fault). */
static tdpsim_pf_result fault(struct run *r, uint64_t gpa, uint32_t err)
{
	tdpsim_event ev = { .cmd = TDPSIM_CMD_FAULT };
	int before = r->nfaults;

	ev.u.fault.gpa = gpa;
	ev.u.fault.err = err;
	apply_ok(r, &ev);
	ck_assert_msg(r->nfaults == before + 1, "fault at gpa 0x%" PRIx64 " err 0x%x: %d on_fault "
		      "reports, expected 1", gpa, err, r->nfaults - before);
	return r->last.result;
}

static tdpsim_stats stats(const struct run *r)
{
	tdpsim_stats s;

	tdpsim_sim_stats(r->sim, &s);
	return s;
}

#define DELTA(a, b, field) ((int64_t)((b).field - (a).field))

static int force_4k(const tdpsim_fault *f, void *payload)
{
	(void)f;
	(void)payload;
	return TDPSIM_LEVEL_4K;
}

/* ---- the table ---- */

struct row {
	const char *name;
	uint8_t host, align, log, kind, nx, prior;
	int req, goal, hpd;             /* req_level, goal_level, huge_page_disallowed */
	tdpsim_pf_result result;
	int d4k, d2m, d1g, dnx, dflush; /* pages_*, nx_lpage_splits, remote_tlb_flush_requests */
	const char *bug;                /* NULL, or the discrepancy this row shows */
	const char *why;
};

#define ROW(n, h, a, l, k, x, p, rq, gl, hp, rs, d4, d2, d1, dn, df, b, w) \
	{ n, h, a, l, k, x, p, rq, gl, hp, rs, d4, d2, d1, dn, df, b, w }

/* 6.13+ kvm_mmu_slot_apply_flags: turning logging off recovers huge pages in place
 * (kvm_mmu_recover_huge_pages). */
#define BUG_LOG_OFF "logging_off_recovers_huge_pages_in_place"

/*
 * A row: its name (host.alignment.logN.kind.nx.prior); the inputs (host, alignment, dirty
 * logging at the fault, fault kind, NX, the table met at the goal level); then what KVM does:
 * req_level, goal_level, huge_page_disallowed, the result, the change in pages_4k, pages_2m,
 * pages_1g, nx_lpage_splits and remote_tlb_flush_requests; the bug it shows, if any; why.
 *
 * Pruned combinations:
 *  - an NX-tagged table only with nx_huge_pages=force: only an exec fault with the workaround
 *    on tags (tdp_mmu.c kvm_tdp_mmu_map), and turning NX off at runtime zaps every SPTE
 *    (mmu.c set_nx_huge_pages), so an NX=off VM never holds a tagged table;
 *  - the logging-made table only with logging off at the fault: that is how the state is
 *    defined; with logging on, every fault is a 4K logging fault (kvm_mmu_hugepage_adjust),
 *    which the log1 rows cover;
 *  - the untagged (policy-made) table only with logging off, for the same reason;
 *  - 4K hosts only in the aligned slot (plus one head-misaligned block showing it makes no
 *    difference): the host's level caps req_level at 4K whatever lpage_info says
 *    (host_pfn_mapping_level);
 *  - THP only in the aligned slot: its decisions are those of a 2M host; the rows that differ
 *    are the zero-page ones (reads map the huge zero page, a write then breaks its COW).
 * Not pruned: hugetlb 1G under a slot whose hva is not 1G-aligned.  KVM only needs a
 * page-aligned userspace_addr, so a slot may start anywhere inside a 1G hugetlb mapping; the
 * host still maps 1G there and lpage_info alone caps the level (__kvm_mmu_max_mapping_level;
 * x86.c kvm_alloc_memslot_metadata).
 */
static const struct row rows[] = {
	/* ---- 4K host, unpopulated (zero page for reads): host level caps everything at 4K ---- */
	ROW("4k.aligned.log0.read.nxoff.none", H4K, AL, 0, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); goal = req, new 4K leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("4k.aligned.log0.write.nxoff.none", H4K, AL, 0, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); goal = req, new 4K leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("4k.aligned.log0.exec.nxoff.none", H4K, AL, 0, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); goal = req, new 4K leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("4k.aligned.log0.read.nx.none", H4K, AL, 0, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); goal = req, new 4K leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("4k.aligned.log0.write.nx.none", H4K, AL, 0, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); goal = req, new 4K leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("4k.aligned.log0.exec.nx.none", H4K, AL, 0, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); NX exec -> goal 4K; new SPs tagged, none "
	    "tracked (req 4K < link level) (track_possible_nx_huge_page)"),
	ROW("4k.aligned.log1.read.nxoff.none", H4K, AL, 1, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("4k.aligned.log1.write.nxoff.none", H4K, AL, 1, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("4k.aligned.log1.exec.nxoff.none", H4K, AL, 1, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("4k.aligned.log1.read.nx.none", H4K, AL, 1, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("4k.aligned.log1.write.nx.none", H4K, AL, 1, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("4k.aligned.log1.exec.nx.none", H4K, AL, 1, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	/* ---- 4K host, populated ---- */
	ROW("4k-pop.aligned.log0.read.nxoff.none", H4K_POP, AL, 0, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); goal = req, new 4K leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("4k-pop.aligned.log0.write.nxoff.none", H4K_POP, AL, 0, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); goal = req, new 4K leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("4k-pop.aligned.log0.exec.nxoff.none", H4K_POP, AL, 0, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); goal = req, new 4K leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("4k-pop.aligned.log0.read.nx.none", H4K_POP, AL, 0, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); goal = req, new 4K leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("4k-pop.aligned.log0.write.nx.none", H4K_POP, AL, 0, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); goal = req, new 4K leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("4k-pop.aligned.log0.exec.nx.none", H4K_POP, AL, 0, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); NX exec -> goal 4K; new SPs tagged, none "
	    "tracked (req 4K < link level) (track_possible_nx_huge_page)"),
	ROW("4k-pop.aligned.log1.read.nxoff.none", H4K_POP, AL, 1, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("4k-pop.aligned.log1.write.nxoff.none", H4K_POP, AL, 1, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("4k-pop.aligned.log1.exec.nxoff.none", H4K_POP, AL, 1, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("4k-pop.aligned.log1.read.nx.none", H4K_POP, AL, 1, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("4k-pop.aligned.log1.write.nx.none", H4K_POP, AL, 1, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("4k-pop.aligned.log1.exec.nx.none", H4K_POP, AL, 1, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("4k-pop.aligned.log0.read.nx.nx-table", H4K_POP, AL, 0, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); 4K goal: the tagged table is not at a huge "
	    "goal level (disallowed_hugepage_adjust)"),
	ROW("4k-pop.aligned.log0.write.nx.nx-table", H4K_POP, AL, 0, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); 4K goal: the tagged table is not at a huge "
	    "goal level (disallowed_hugepage_adjust)"),
	ROW("4k-pop.aligned.log0.exec.nx.nx-table", H4K_POP, AL, 0, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); NX exec -> 4K through the existing tagged "
	    "tables, no new SP (kvm_tdp_mmu_map, track_possible_nx_huge_page)"),
	ROW("4k-pop.aligned.log1.read.nx.nx-table", H4K_POP, AL, 1, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("4k-pop.aligned.log1.write.nx.nx-table", H4K_POP, AL, 1, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("4k-pop.aligned.log1.exec.nx.nx-table", H4K_POP, AL, 1, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("4k-pop.aligned.log0.read.nxoff.log-table", H4K_POP, AL, 0, RD, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); logging-off recovery skips it (max level 4K, "
	    "kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("4k-pop.aligned.log0.write.nxoff.log-table", H4K_POP, AL, 0, WR, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); logging-off recovery skips it (max level 4K, "
	    "kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("4k-pop.aligned.log0.exec.nxoff.log-table", H4K_POP, AL, 0, EX, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); logging-off recovery skips it (max level 4K, "
	    "kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("4k-pop.aligned.log0.read.nx.log-table", H4K_POP, AL, 0, RD, NX_ON, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); logging-off recovery skips it (max level 4K, "
	    "kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("4k-pop.aligned.log0.write.nx.log-table", H4K_POP, AL, 0, WR, NX_ON, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); logging-off recovery skips it (max level 4K, "
	    "kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("4k-pop.aligned.log0.exec.nx.log-table", H4K_POP, AL, 0, EX, NX_ON, P_LOGT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); logging-off recovery skips it (max level 4K, "
	    "kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("4k-pop.aligned.log0.read.nxoff.untagged-table", H4K_POP, AL, 0, RD, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); 4K leaf under the existing table"),
	ROW("4k-pop.aligned.log0.write.nxoff.untagged-table", H4K_POP, AL, 0, WR, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); 4K leaf under the existing table"),
	ROW("4k-pop.aligned.log0.exec.nxoff.untagged-table", H4K_POP, AL, 0, EX, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); 4K leaf under the existing table"),
	ROW("4k-pop.aligned.log0.read.nx.untagged-table", H4K_POP, AL, 0, RD, NX_ON, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); 4K leaf under the existing table"),
	ROW("4k-pop.aligned.log0.write.nx.untagged-table", H4K_POP, AL, 0, WR, NX_ON, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); 4K leaf under the existing table"),
	ROW("4k-pop.aligned.log0.exec.nx.untagged-table", H4K_POP, AL, 0, EX, NX_ON, P_UNT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); 4K leaf under the existing table"),
	/* ---- 4K host, head-misaligned slot: alignment cannot matter when the host maps 4K ---- */
	ROW("4k-pop.head.log0.read.nxoff.none", H4K_POP, HEAD, 0, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); goal = req, new 4K leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("4k-pop.head.log0.write.nxoff.none", H4K_POP, HEAD, 0, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); goal = req, new 4K leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("4k-pop.head.log0.exec.nxoff.none", H4K_POP, HEAD, 0, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); goal = req, new 4K leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("4k-pop.head.log0.read.nx.none", H4K_POP, HEAD, 0, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); goal = req, new 4K leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("4k-pop.head.log0.write.nx.none", H4K_POP, HEAD, 0, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); goal = req, new 4K leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("4k-pop.head.log0.exec.nx.none", H4K_POP, HEAD, 0, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host maps 4K (host_pfn_mapping_level); NX exec -> goal 4K; new SPs tagged, none "
	    "tracked (req 4K < link level) (track_possible_nx_huge_page)"),
	/* ---- hugetlb 2M, aligned ---- */
	ROW("2m.aligned.log0.read.nxoff.none", H2M, AL, 0, RD, NX_OFF, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("2m.aligned.log0.write.nxoff.none", H2M, AL, 0, WR, NX_OFF, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("2m.aligned.log0.exec.nxoff.none", H2M, AL, 0, EX, NX_OFF, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("2m.aligned.log0.read.nx.none", H2M, AL, 0, RD, NX_ON, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("2m.aligned.log0.write.nx.none", H2M, AL, 0, WR, NX_ON, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("2m.aligned.log0.exec.nx.none", H2M, AL, 0, EX, NX_ON, P_NONE,
	    2, 1, 1, FIXED, 1, 0, 0, 1, 0, NULL,
	    "host 2M (host_pfn_mapping_level); NX exec -> goal 4K; new SPs tagged, the 4K table "
	    "tracked (req 2M >= 2) (track_possible_nx_huge_page)"),
	ROW("2m.aligned.log1.read.nxoff.none", H2M, AL, 1, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.aligned.log1.write.nxoff.none", H2M, AL, 1, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.aligned.log1.exec.nxoff.none", H2M, AL, 1, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.aligned.log1.read.nx.none", H2M, AL, 1, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.aligned.log1.write.nx.none", H2M, AL, 1, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.aligned.log1.exec.nx.none", H2M, AL, 1, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.aligned.log0.read.nx.nx-table", H2M, AL, 0, RD, NX_ON, P_NXT,
	    2, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); tagged child at goal level steps goal down 2M->4K "
	    "(disallowed_hugepage_adjust)"),
	ROW("2m.aligned.log0.write.nx.nx-table", H2M, AL, 0, WR, NX_ON, P_NXT,
	    2, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); tagged child at goal level steps goal down 2M->4K "
	    "(disallowed_hugepage_adjust)"),
	ROW("2m.aligned.log0.exec.nx.nx-table", H2M, AL, 0, EX, NX_ON, P_NXT,
	    2, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); NX exec -> 4K through the existing tagged tables, "
	    "no new SP (kvm_tdp_mmu_map, track_possible_nx_huge_page)"),
	ROW("2m.aligned.log1.read.nx.nx-table", H2M, AL, 1, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("2m.aligned.log1.write.nx.nx-table", H2M, AL, 1, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("2m.aligned.log1.exec.nx.nx-table", H2M, AL, 1, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("2m.aligned.log0.read.nxoff.log-table", H2M, AL, 0, RD, NX_OFF, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 2M (host_pfn_mapping_level); logging off recovered a 2M leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("2m.aligned.log0.write.nxoff.log-table", H2M, AL, 0, WR, NX_OFF, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 2M (host_pfn_mapping_level); logging off recovered a 2M leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("2m.aligned.log0.exec.nxoff.log-table", H2M, AL, 0, EX, NX_OFF, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 2M (host_pfn_mapping_level); logging off recovered a 2M leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("2m.aligned.log0.read.nx.log-table", H2M, AL, 0, RD, NX_ON, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 2M (host_pfn_mapping_level); logging off recovered a 2M leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("2m.aligned.log0.write.nx.log-table", H2M, AL, 0, WR, NX_ON, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 2M (host_pfn_mapping_level); logging off recovered a 2M leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("2m.aligned.log0.exec.nx.log-table", H2M, AL, 0, EX, NX_ON, P_LOGT,
	    2, 1, 1, SPURIOUS, 512, -1, 0, 1, 0, BUG_LOG_OFF,
	    "host 2M (host_pfn_mapping_level); logging off recovered a 2M leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); NX exec splits it: 512 "
	    "exec 4K, tracked (tdp_mmu_split_huge_page, track_possible_nx_huge_page), SPURIOUS "
	    "(tdp_mmu_map_handle_target_level)"),
	ROW("2m.aligned.log0.read.nxoff.untagged-table", H2M, AL, 0, RD, NX_OFF, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "host 2M (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("2m.aligned.log0.write.nxoff.untagged-table", H2M, AL, 0, WR, NX_OFF, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "host 2M (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("2m.aligned.log0.exec.nxoff.untagged-table", H2M, AL, 0, EX, NX_OFF, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "host 2M (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("2m.aligned.log0.read.nx.untagged-table", H2M, AL, 0, RD, NX_ON, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "host 2M (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("2m.aligned.log0.write.nx.untagged-table", H2M, AL, 0, WR, NX_ON, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "host 2M (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("2m.aligned.log0.exec.nx.untagged-table", H2M, AL, 0, EX, NX_ON, P_UNT,
	    2, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); NX exec -> 4K through the untagged tables, no new "
	    "SP (track_possible_nx_huge_page)"),
	/* ---- hugetlb 2M, head ---- */
	ROW("2m.head.log0.read.nxoff.none", H2M, HEAD, 0, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("2m.head.log0.write.nxoff.none", H2M, HEAD, 0, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("2m.head.log0.exec.nxoff.none", H2M, HEAD, 0, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("2m.head.log0.read.nx.none", H2M, HEAD, 0, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("2m.head.log0.write.nx.none", H2M, HEAD, 0, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("2m.head.log0.exec.nx.none", H2M, HEAD, 0, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); NX exec -> goal 4K; "
	    "new SPs tagged, none tracked (req 4K < link level) (track_possible_nx_huge_page)"),
	ROW("2m.head.log1.read.nxoff.none", H2M, HEAD, 1, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.head.log1.write.nxoff.none", H2M, HEAD, 1, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.head.log1.exec.nxoff.none", H2M, HEAD, 1, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.head.log1.read.nx.none", H2M, HEAD, 1, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.head.log1.write.nx.none", H2M, HEAD, 1, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.head.log1.exec.nx.none", H2M, HEAD, 1, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.head.log0.read.nx.nx-table", H2M, HEAD, 0, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); 4K goal: the tagged "
	    "table is not at a huge goal level (disallowed_hugepage_adjust)"),
	ROW("2m.head.log0.write.nx.nx-table", H2M, HEAD, 0, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); 4K goal: the tagged "
	    "table is not at a huge goal level (disallowed_hugepage_adjust)"),
	ROW("2m.head.log0.exec.nx.nx-table", H2M, HEAD, 0, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); NX exec -> 4K through "
	    "the existing tagged tables, no new SP (kvm_tdp_mmu_map, track_possible_nx_huge_page)"),
	ROW("2m.head.log1.read.nx.nx-table", H2M, HEAD, 1, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("2m.head.log1.write.nx.nx-table", H2M, HEAD, 1, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("2m.head.log1.exec.nx.nx-table", H2M, HEAD, 1, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("2m.head.log0.read.nxoff.log-table", H2M, HEAD, 0, RD, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("2m.head.log0.write.nxoff.log-table", H2M, HEAD, 0, WR, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("2m.head.log0.exec.nxoff.log-table", H2M, HEAD, 0, EX, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("2m.head.log0.read.nx.log-table", H2M, HEAD, 0, RD, NX_ON, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("2m.head.log0.write.nx.log-table", H2M, HEAD, 0, WR, NX_ON, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("2m.head.log0.exec.nx.log-table", H2M, HEAD, 0, EX, NX_ON, P_LOGT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("2m.head.log0.read.nxoff.untagged-table", H2M, HEAD, 0, RD, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("2m.head.log0.write.nxoff.untagged-table", H2M, HEAD, 0, WR, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("2m.head.log0.exec.nxoff.untagged-table", H2M, HEAD, 0, EX, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("2m.head.log0.read.nx.untagged-table", H2M, HEAD, 0, RD, NX_ON, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("2m.head.log0.write.nx.untagged-table", H2M, HEAD, 0, WR, NX_ON, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("2m.head.log0.exec.nx.untagged-table", H2M, HEAD, 0, EX, NX_ON, P_UNT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	/* ---- hugetlb 2M, tail ---- */
	ROW("2m.tail.log0.read.nxoff.none", H2M, TAIL, 0, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("2m.tail.log0.write.nxoff.none", H2M, TAIL, 0, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("2m.tail.log0.exec.nxoff.none", H2M, TAIL, 0, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("2m.tail.log0.read.nx.none", H2M, TAIL, 0, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("2m.tail.log0.write.nx.none", H2M, TAIL, 0, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("2m.tail.log0.exec.nx.none", H2M, TAIL, 0, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); NX exec -> goal 4K; "
	    "new SPs tagged, none tracked (req 4K < link level) (track_possible_nx_huge_page)"),
	ROW("2m.tail.log1.read.nxoff.none", H2M, TAIL, 1, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.tail.log1.write.nxoff.none", H2M, TAIL, 1, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.tail.log1.exec.nxoff.none", H2M, TAIL, 1, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.tail.log1.read.nx.none", H2M, TAIL, 1, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.tail.log1.write.nx.none", H2M, TAIL, 1, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.tail.log1.exec.nx.none", H2M, TAIL, 1, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.tail.log0.read.nx.nx-table", H2M, TAIL, 0, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); 4K goal: the tagged "
	    "table is not at a huge goal level (disallowed_hugepage_adjust)"),
	ROW("2m.tail.log0.write.nx.nx-table", H2M, TAIL, 0, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); 4K goal: the tagged "
	    "table is not at a huge goal level (disallowed_hugepage_adjust)"),
	ROW("2m.tail.log0.exec.nx.nx-table", H2M, TAIL, 0, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); NX exec -> 4K through "
	    "the existing tagged tables, no new SP (kvm_tdp_mmu_map, track_possible_nx_huge_page)"),
	ROW("2m.tail.log1.read.nx.nx-table", H2M, TAIL, 1, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("2m.tail.log1.write.nx.nx-table", H2M, TAIL, 1, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("2m.tail.log1.exec.nx.nx-table", H2M, TAIL, 1, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("2m.tail.log0.read.nxoff.log-table", H2M, TAIL, 0, RD, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("2m.tail.log0.write.nxoff.log-table", H2M, TAIL, 0, WR, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("2m.tail.log0.exec.nxoff.log-table", H2M, TAIL, 0, EX, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("2m.tail.log0.read.nx.log-table", H2M, TAIL, 0, RD, NX_ON, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("2m.tail.log0.write.nx.log-table", H2M, TAIL, 0, WR, NX_ON, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("2m.tail.log0.exec.nx.log-table", H2M, TAIL, 0, EX, NX_ON, P_LOGT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("2m.tail.log0.read.nxoff.untagged-table", H2M, TAIL, 0, RD, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("2m.tail.log0.write.nxoff.untagged-table", H2M, TAIL, 0, WR, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("2m.tail.log0.exec.nxoff.untagged-table", H2M, TAIL, 0, EX, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("2m.tail.log0.read.nx.untagged-table", H2M, TAIL, 0, RD, NX_ON, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("2m.tail.log0.write.nx.untagged-table", H2M, TAIL, 0, WR, NX_ON, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("2m.tail.log0.exec.nx.untagged-table", H2M, TAIL, 0, EX, NX_ON, P_UNT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	/* ---- hugetlb 2M, interior ---- */
	ROW("2m.interior.log0.read.nxoff.none", H2M, INTR, 0, RD, NX_OFF, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("2m.interior.log0.write.nxoff.none", H2M, INTR, 0, WR, NX_OFF, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("2m.interior.log0.exec.nxoff.none", H2M, INTR, 0, EX, NX_OFF, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("2m.interior.log0.read.nx.none", H2M, INTR, 0, RD, NX_ON, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("2m.interior.log0.write.nx.none", H2M, INTR, 0, WR, NX_ON, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("2m.interior.log0.exec.nx.none", H2M, INTR, 0, EX, NX_ON, P_NONE,
	    2, 1, 1, FIXED, 1, 0, 0, 1, 0, NULL,
	    "host 2M (host_pfn_mapping_level); NX exec -> goal 4K; new SPs tagged, the 4K table "
	    "tracked (req 2M >= 2) (track_possible_nx_huge_page)"),
	ROW("2m.interior.log1.read.nxoff.none", H2M, INTR, 1, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.interior.log1.write.nxoff.none", H2M, INTR, 1, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.interior.log1.exec.nxoff.none", H2M, INTR, 1, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.interior.log1.read.nx.none", H2M, INTR, 1, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.interior.log1.write.nx.none", H2M, INTR, 1, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.interior.log1.exec.nx.none", H2M, INTR, 1, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.interior.log0.read.nx.nx-table", H2M, INTR, 0, RD, NX_ON, P_NXT,
	    2, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); tagged child at goal level steps goal down 2M->4K "
	    "(disallowed_hugepage_adjust)"),
	ROW("2m.interior.log0.write.nx.nx-table", H2M, INTR, 0, WR, NX_ON, P_NXT,
	    2, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); tagged child at goal level steps goal down 2M->4K "
	    "(disallowed_hugepage_adjust)"),
	ROW("2m.interior.log0.exec.nx.nx-table", H2M, INTR, 0, EX, NX_ON, P_NXT,
	    2, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); NX exec -> 4K through the existing tagged tables, "
	    "no new SP (kvm_tdp_mmu_map, track_possible_nx_huge_page)"),
	ROW("2m.interior.log1.read.nx.nx-table", H2M, INTR, 1, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("2m.interior.log1.write.nx.nx-table", H2M, INTR, 1, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("2m.interior.log1.exec.nx.nx-table", H2M, INTR, 1, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("2m.interior.log0.read.nxoff.log-table", H2M, INTR, 0, RD, NX_OFF, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 2M (host_pfn_mapping_level); logging off recovered a 2M leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("2m.interior.log0.write.nxoff.log-table", H2M, INTR, 0, WR, NX_OFF, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 2M (host_pfn_mapping_level); logging off recovered a 2M leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("2m.interior.log0.exec.nxoff.log-table", H2M, INTR, 0, EX, NX_OFF, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 2M (host_pfn_mapping_level); logging off recovered a 2M leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("2m.interior.log0.read.nx.log-table", H2M, INTR, 0, RD, NX_ON, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 2M (host_pfn_mapping_level); logging off recovered a 2M leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("2m.interior.log0.write.nx.log-table", H2M, INTR, 0, WR, NX_ON, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 2M (host_pfn_mapping_level); logging off recovered a 2M leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("2m.interior.log0.exec.nx.log-table", H2M, INTR, 0, EX, NX_ON, P_LOGT,
	    2, 1, 1, SPURIOUS, 512, -1, 0, 1, 0, BUG_LOG_OFF,
	    "host 2M (host_pfn_mapping_level); logging off recovered a 2M leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); NX exec splits it: 512 "
	    "exec 4K, tracked (tdp_mmu_split_huge_page, track_possible_nx_huge_page), SPURIOUS "
	    "(tdp_mmu_map_handle_target_level)"),
	ROW("2m.interior.log0.read.nxoff.untagged-table", H2M, INTR, 0, RD, NX_OFF, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "host 2M (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("2m.interior.log0.write.nxoff.untagged-table", H2M, INTR, 0, WR, NX_OFF, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "host 2M (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("2m.interior.log0.exec.nxoff.untagged-table", H2M, INTR, 0, EX, NX_OFF, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "host 2M (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("2m.interior.log0.read.nx.untagged-table", H2M, INTR, 0, RD, NX_ON, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "host 2M (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("2m.interior.log0.write.nx.untagged-table", H2M, INTR, 0, WR, NX_ON, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "host 2M (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("2m.interior.log0.exec.nx.untagged-table", H2M, INTR, 0, EX, NX_ON, P_UNT,
	    2, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); NX exec -> 4K through the untagged tables, no new "
	    "SP (track_possible_nx_huge_page)"),
	/* ---- hugetlb 2M, incong2m ---- */
	ROW("2m.incong2m.log0.read.nxoff.none", H2M, INC2M, 0, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); goal = req, "
	    "new 4K leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("2m.incong2m.log0.write.nxoff.none", H2M, INC2M, 0, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); goal = req, "
	    "new 4K leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("2m.incong2m.log0.exec.nxoff.none", H2M, INC2M, 0, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); goal = req, "
	    "new 4K leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("2m.incong2m.log0.read.nx.none", H2M, INC2M, 0, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); goal = req, "
	    "new 4K leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("2m.incong2m.log0.write.nx.none", H2M, INC2M, 0, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); goal = req, "
	    "new 4K leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("2m.incong2m.log0.exec.nx.none", H2M, INC2M, 0, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); NX exec -> "
	    "goal 4K; new SPs tagged, none tracked (req 4K < link level) "
	    "(track_possible_nx_huge_page)"),
	ROW("2m.incong2m.log1.read.nxoff.none", H2M, INC2M, 1, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.incong2m.log1.write.nxoff.none", H2M, INC2M, 1, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.incong2m.log1.exec.nxoff.none", H2M, INC2M, 1, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.incong2m.log1.read.nx.none", H2M, INC2M, 1, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.incong2m.log1.write.nx.none", H2M, INC2M, 1, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.incong2m.log1.exec.nx.none", H2M, INC2M, 1, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.incong2m.log0.read.nx.nx-table", H2M, INC2M, 0, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); 4K goal: the "
	    "tagged table is not at a huge goal level (disallowed_hugepage_adjust)"),
	ROW("2m.incong2m.log0.write.nx.nx-table", H2M, INC2M, 0, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); 4K goal: the "
	    "tagged table is not at a huge goal level (disallowed_hugepage_adjust)"),
	ROW("2m.incong2m.log0.exec.nx.nx-table", H2M, INC2M, 0, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); NX exec -> "
	    "4K through the existing tagged tables, no new SP (kvm_tdp_mmu_map, "
	    "track_possible_nx_huge_page)"),
	ROW("2m.incong2m.log1.read.nx.nx-table", H2M, INC2M, 1, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("2m.incong2m.log1.write.nx.nx-table", H2M, INC2M, 1, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("2m.incong2m.log1.exec.nx.nx-table", H2M, INC2M, 1, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("2m.incong2m.log0.read.nxoff.log-table", H2M, INC2M, 0, RD, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); logging-off "
	    "recovery skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old "
	    "table"),
	ROW("2m.incong2m.log0.write.nxoff.log-table", H2M, INC2M, 0, WR, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); logging-off "
	    "recovery skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old "
	    "table"),
	ROW("2m.incong2m.log0.exec.nxoff.log-table", H2M, INC2M, 0, EX, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); logging-off "
	    "recovery skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old "
	    "table"),
	ROW("2m.incong2m.log0.read.nx.log-table", H2M, INC2M, 0, RD, NX_ON, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); logging-off "
	    "recovery skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old "
	    "table"),
	ROW("2m.incong2m.log0.write.nx.log-table", H2M, INC2M, 0, WR, NX_ON, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); logging-off "
	    "recovery skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old "
	    "table"),
	ROW("2m.incong2m.log0.exec.nx.log-table", H2M, INC2M, 0, EX, NX_ON, P_LOGT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); logging-off "
	    "recovery skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old "
	    "table"),
	ROW("2m.incong2m.log0.read.nxoff.untagged-table", H2M, INC2M, 0, RD, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); 4K leaf "
	    "under the existing table"),
	ROW("2m.incong2m.log0.write.nxoff.untagged-table", H2M, INC2M, 0, WR, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); 4K leaf "
	    "under the existing table"),
	ROW("2m.incong2m.log0.exec.nxoff.untagged-table", H2M, INC2M, 0, EX, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); 4K leaf "
	    "under the existing table"),
	ROW("2m.incong2m.log0.read.nx.untagged-table", H2M, INC2M, 0, RD, NX_ON, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); 4K leaf "
	    "under the existing table"),
	ROW("2m.incong2m.log0.write.nx.untagged-table", H2M, INC2M, 0, WR, NX_ON, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); 4K leaf "
	    "under the existing table"),
	ROW("2m.incong2m.log0.exec.nx.untagged-table", H2M, INC2M, 0, EX, NX_ON, P_UNT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); 4K leaf "
	    "under the existing table"),
	/* ---- hugetlb 2M, cong2m ---- */
	ROW("2m.cong2m.log0.read.nxoff.none", H2M, C2M, 0, RD, NX_OFF, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("2m.cong2m.log0.write.nxoff.none", H2M, C2M, 0, WR, NX_OFF, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("2m.cong2m.log0.exec.nxoff.none", H2M, C2M, 0, EX, NX_OFF, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("2m.cong2m.log0.read.nx.none", H2M, C2M, 0, RD, NX_ON, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("2m.cong2m.log0.write.nx.none", H2M, C2M, 0, WR, NX_ON, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("2m.cong2m.log0.exec.nx.none", H2M, C2M, 0, EX, NX_ON, P_NONE,
	    2, 1, 1, FIXED, 1, 0, 0, 1, 0, NULL,
	    "host 2M (host_pfn_mapping_level); NX exec -> goal 4K; new SPs tagged, the 4K table "
	    "tracked (req 2M >= 2) (track_possible_nx_huge_page)"),
	ROW("2m.cong2m.log1.read.nxoff.none", H2M, C2M, 1, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.cong2m.log1.write.nxoff.none", H2M, C2M, 1, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.cong2m.log1.exec.nxoff.none", H2M, C2M, 1, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.cong2m.log1.read.nx.none", H2M, C2M, 1, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.cong2m.log1.write.nx.none", H2M, C2M, 1, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.cong2m.log1.exec.nx.none", H2M, C2M, 1, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("2m.cong2m.log0.read.nx.nx-table", H2M, C2M, 0, RD, NX_ON, P_NXT,
	    2, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); tagged child at goal level steps goal down 2M->4K "
	    "(disallowed_hugepage_adjust)"),
	ROW("2m.cong2m.log0.write.nx.nx-table", H2M, C2M, 0, WR, NX_ON, P_NXT,
	    2, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); tagged child at goal level steps goal down 2M->4K "
	    "(disallowed_hugepage_adjust)"),
	ROW("2m.cong2m.log0.exec.nx.nx-table", H2M, C2M, 0, EX, NX_ON, P_NXT,
	    2, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); NX exec -> 4K through the existing tagged tables, "
	    "no new SP (kvm_tdp_mmu_map, track_possible_nx_huge_page)"),
	ROW("2m.cong2m.log1.read.nx.nx-table", H2M, C2M, 1, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("2m.cong2m.log1.write.nx.nx-table", H2M, C2M, 1, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("2m.cong2m.log1.exec.nx.nx-table", H2M, C2M, 1, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("2m.cong2m.log0.read.nxoff.log-table", H2M, C2M, 0, RD, NX_OFF, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 2M (host_pfn_mapping_level); logging off recovered a 2M leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("2m.cong2m.log0.write.nxoff.log-table", H2M, C2M, 0, WR, NX_OFF, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 2M (host_pfn_mapping_level); logging off recovered a 2M leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("2m.cong2m.log0.exec.nxoff.log-table", H2M, C2M, 0, EX, NX_OFF, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 2M (host_pfn_mapping_level); logging off recovered a 2M leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("2m.cong2m.log0.read.nx.log-table", H2M, C2M, 0, RD, NX_ON, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 2M (host_pfn_mapping_level); logging off recovered a 2M leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("2m.cong2m.log0.write.nx.log-table", H2M, C2M, 0, WR, NX_ON, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 2M (host_pfn_mapping_level); logging off recovered a 2M leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("2m.cong2m.log0.exec.nx.log-table", H2M, C2M, 0, EX, NX_ON, P_LOGT,
	    2, 1, 1, SPURIOUS, 512, -1, 0, 1, 0, BUG_LOG_OFF,
	    "host 2M (host_pfn_mapping_level); logging off recovered a 2M leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); NX exec splits it: 512 "
	    "exec 4K, tracked (tdp_mmu_split_huge_page, track_possible_nx_huge_page), SPURIOUS "
	    "(tdp_mmu_map_handle_target_level)"),
	ROW("2m.cong2m.log0.read.nxoff.untagged-table", H2M, C2M, 0, RD, NX_OFF, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "host 2M (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("2m.cong2m.log0.write.nxoff.untagged-table", H2M, C2M, 0, WR, NX_OFF, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "host 2M (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("2m.cong2m.log0.exec.nxoff.untagged-table", H2M, C2M, 0, EX, NX_OFF, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "host 2M (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("2m.cong2m.log0.read.nx.untagged-table", H2M, C2M, 0, RD, NX_ON, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "host 2M (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("2m.cong2m.log0.write.nx.untagged-table", H2M, C2M, 0, WR, NX_ON, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "host 2M (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("2m.cong2m.log0.exec.nx.untagged-table", H2M, C2M, 0, EX, NX_ON, P_UNT,
	    2, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); NX exec -> 4K through the untagged tables, no new "
	    "SP (track_possible_nx_huge_page)"),
	/* ---- hugetlb 1G, aligned ---- */
	ROW("1g.aligned.log0.read.nxoff.none", H1G, AL, 0, RD, NX_OFF, P_NONE,
	    3, 3, 0, FIXED, 0, 0, 1, 0, 0, NULL,
	    "host 1G, aligned (host_pfn_mapping_level); goal = req, new 1G leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.aligned.log0.write.nxoff.none", H1G, AL, 0, WR, NX_OFF, P_NONE,
	    3, 3, 0, FIXED, 0, 0, 1, 0, 0, NULL,
	    "host 1G, aligned (host_pfn_mapping_level); goal = req, new 1G leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.aligned.log0.exec.nxoff.none", H1G, AL, 0, EX, NX_OFF, P_NONE,
	    3, 3, 0, FIXED, 0, 0, 1, 0, 0, NULL,
	    "host 1G, aligned (host_pfn_mapping_level); goal = req, new 1G leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.aligned.log0.read.nx.none", H1G, AL, 0, RD, NX_ON, P_NONE,
	    3, 3, 0, FIXED, 0, 0, 1, 0, 0, NULL,
	    "host 1G, aligned (host_pfn_mapping_level); goal = req, new 1G leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.aligned.log0.write.nx.none", H1G, AL, 0, WR, NX_ON, P_NONE,
	    3, 3, 0, FIXED, 0, 0, 1, 0, 0, NULL,
	    "host 1G, aligned (host_pfn_mapping_level); goal = req, new 1G leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.aligned.log0.exec.nx.none", H1G, AL, 0, EX, NX_ON, P_NONE,
	    3, 1, 1, FIXED, 1, 0, 0, 2, 0, NULL,
	    "host 1G, aligned (host_pfn_mapping_level); NX exec -> goal 4K; new SPs tagged, the 2M "
	    "and 4K tables tracked (req 1G >= 3, 2) (track_possible_nx_huge_page)"),
	ROW("1g.aligned.log1.read.nxoff.none", H1G, AL, 1, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.aligned.log1.write.nxoff.none", H1G, AL, 1, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.aligned.log1.exec.nxoff.none", H1G, AL, 1, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.aligned.log1.read.nx.none", H1G, AL, 1, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.aligned.log1.write.nx.none", H1G, AL, 1, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.aligned.log1.exec.nx.none", H1G, AL, 1, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.aligned.log0.read.nx.nx-table", H1G, AL, 0, RD, NX_ON, P_NXT,
	    3, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host 1G, aligned (host_pfn_mapping_level); tagged child at goal level steps goal down "
	    "1G->2M->4K (disallowed_hugepage_adjust)"),
	ROW("1g.aligned.log0.write.nx.nx-table", H1G, AL, 0, WR, NX_ON, P_NXT,
	    3, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host 1G, aligned (host_pfn_mapping_level); tagged child at goal level steps goal down "
	    "1G->2M->4K (disallowed_hugepage_adjust)"),
	ROW("1g.aligned.log0.exec.nx.nx-table", H1G, AL, 0, EX, NX_ON, P_NXT,
	    3, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host 1G, aligned (host_pfn_mapping_level); NX exec -> 4K through the existing tagged "
	    "tables, no new SP (kvm_tdp_mmu_map, track_possible_nx_huge_page)"),
	ROW("1g.aligned.log1.read.nx.nx-table", H1G, AL, 1, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("1g.aligned.log1.write.nx.nx-table", H1G, AL, 1, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("1g.aligned.log1.exec.nx.nx-table", H1G, AL, 1, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("1g.aligned.log0.read.nxoff.log-table", H1G, AL, 0, RD, NX_OFF, P_LOGT,
	    3, 3, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 1G, aligned (host_pfn_mapping_level); logging off recovered a 1G leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("1g.aligned.log0.write.nxoff.log-table", H1G, AL, 0, WR, NX_OFF, P_LOGT,
	    3, 3, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 1G, aligned (host_pfn_mapping_level); logging off recovered a 1G leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("1g.aligned.log0.exec.nxoff.log-table", H1G, AL, 0, EX, NX_OFF, P_LOGT,
	    3, 3, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 1G, aligned (host_pfn_mapping_level); logging off recovered a 1G leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("1g.aligned.log0.read.nx.log-table", H1G, AL, 0, RD, NX_ON, P_LOGT,
	    3, 3, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 1G, aligned (host_pfn_mapping_level); logging off recovered a 1G leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("1g.aligned.log0.write.nx.log-table", H1G, AL, 0, WR, NX_ON, P_LOGT,
	    3, 3, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "host 1G, aligned (host_pfn_mapping_level); logging off recovered a 1G leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); it already allows the "
	    "access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("1g.aligned.log0.exec.nx.log-table", H1G, AL, 0, EX, NX_ON, P_LOGT,
	    3, 1, 1, SPURIOUS, 512, 511, -1, 2, 0, BUG_LOG_OFF,
	    "host 1G, aligned (host_pfn_mapping_level); logging off recovered a 1G leaf in place "
	    "(kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, 6.13+); NX exec splits "
	    "1G->512x2M->512x4K, 2 SPs tracked (tdp_mmu_split_huge_page, "
	    "track_possible_nx_huge_page), SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("1g.aligned.log0.read.nxoff.untagged-table", H1G, AL, 0, RD, NX_OFF, P_UNT,
	    3, 3, 0, FIXED, -1, 0, 1, 0, 1, NULL,
	    "host 1G, aligned (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("1g.aligned.log0.write.nxoff.untagged-table", H1G, AL, 0, WR, NX_OFF, P_UNT,
	    3, 3, 0, FIXED, -1, 0, 1, 0, 1, NULL,
	    "host 1G, aligned (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("1g.aligned.log0.exec.nxoff.untagged-table", H1G, AL, 0, EX, NX_OFF, P_UNT,
	    3, 3, 0, FIXED, -1, 0, 1, 0, 1, NULL,
	    "host 1G, aligned (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("1g.aligned.log0.read.nx.untagged-table", H1G, AL, 0, RD, NX_ON, P_UNT,
	    3, 3, 0, FIXED, -1, 0, 1, 0, 1, NULL,
	    "host 1G, aligned (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("1g.aligned.log0.write.nx.untagged-table", H1G, AL, 0, WR, NX_ON, P_UNT,
	    3, 3, 0, FIXED, -1, 0, 1, 0, 1, NULL,
	    "host 1G, aligned (host_pfn_mapping_level); untagged table does not block (6.1+, "
	    "disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("1g.aligned.log0.exec.nx.untagged-table", H1G, AL, 0, EX, NX_ON, P_UNT,
	    3, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "host 1G, aligned (host_pfn_mapping_level); NX exec -> 4K through the untagged tables, "
	    "no new SP (track_possible_nx_huge_page)"),
	/* ---- hugetlb 1G, head ---- */
	ROW("1g.head.log0.read.nxoff.none", H1G, HEAD, 0, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.head.log0.write.nxoff.none", H1G, HEAD, 0, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.head.log0.exec.nxoff.none", H1G, HEAD, 0, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.head.log0.read.nx.none", H1G, HEAD, 0, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.head.log0.write.nx.none", H1G, HEAD, 0, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.head.log0.exec.nx.none", H1G, HEAD, 0, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); NX exec -> goal 4K; "
	    "new SPs tagged, none tracked (req 4K < link level) (track_possible_nx_huge_page)"),
	ROW("1g.head.log1.read.nxoff.none", H1G, HEAD, 1, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.head.log1.write.nxoff.none", H1G, HEAD, 1, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.head.log1.exec.nxoff.none", H1G, HEAD, 1, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.head.log1.read.nx.none", H1G, HEAD, 1, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.head.log1.write.nx.none", H1G, HEAD, 1, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.head.log1.exec.nx.none", H1G, HEAD, 1, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.head.log0.read.nx.nx-table", H1G, HEAD, 0, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); 4K goal: the tagged "
	    "table is not at a huge goal level (disallowed_hugepage_adjust)"),
	ROW("1g.head.log0.write.nx.nx-table", H1G, HEAD, 0, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); 4K goal: the tagged "
	    "table is not at a huge goal level (disallowed_hugepage_adjust)"),
	ROW("1g.head.log0.exec.nx.nx-table", H1G, HEAD, 0, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); NX exec -> 4K through "
	    "the existing tagged tables, no new SP (kvm_tdp_mmu_map, track_possible_nx_huge_page)"),
	ROW("1g.head.log1.read.nx.nx-table", H1G, HEAD, 1, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("1g.head.log1.write.nx.nx-table", H1G, HEAD, 1, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("1g.head.log1.exec.nx.nx-table", H1G, HEAD, 1, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("1g.head.log0.read.nxoff.log-table", H1G, HEAD, 0, RD, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("1g.head.log0.write.nxoff.log-table", H1G, HEAD, 0, WR, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("1g.head.log0.exec.nxoff.log-table", H1G, HEAD, 0, EX, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("1g.head.log0.read.nx.log-table", H1G, HEAD, 0, RD, NX_ON, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("1g.head.log0.write.nx.log-table", H1G, HEAD, 0, WR, NX_ON, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("1g.head.log0.exec.nx.log-table", H1G, HEAD, 0, EX, NX_ON, P_LOGT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("1g.head.log0.read.nxoff.untagged-table", H1G, HEAD, 0, RD, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("1g.head.log0.write.nxoff.untagged-table", H1G, HEAD, 0, WR, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("1g.head.log0.exec.nxoff.untagged-table", H1G, HEAD, 0, EX, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("1g.head.log0.read.nx.untagged-table", H1G, HEAD, 0, RD, NX_ON, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("1g.head.log0.write.nx.untagged-table", H1G, HEAD, 0, WR, NX_ON, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("1g.head.log0.exec.nx.untagged-table", H1G, HEAD, 0, EX, NX_ON, P_UNT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial head 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	/* ---- hugetlb 1G, tail ---- */
	ROW("1g.tail.log0.read.nxoff.none", H1G, TAIL, 0, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.tail.log0.write.nxoff.none", H1G, TAIL, 0, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.tail.log0.exec.nxoff.none", H1G, TAIL, 0, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.tail.log0.read.nx.none", H1G, TAIL, 0, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.tail.log0.write.nx.none", H1G, TAIL, 0, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); goal = req, new 4K "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.tail.log0.exec.nx.none", H1G, TAIL, 0, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); NX exec -> goal 4K; "
	    "new SPs tagged, none tracked (req 4K < link level) (track_possible_nx_huge_page)"),
	ROW("1g.tail.log1.read.nxoff.none", H1G, TAIL, 1, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.tail.log1.write.nxoff.none", H1G, TAIL, 1, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.tail.log1.exec.nxoff.none", H1G, TAIL, 1, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.tail.log1.read.nx.none", H1G, TAIL, 1, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.tail.log1.write.nx.none", H1G, TAIL, 1, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.tail.log1.exec.nx.none", H1G, TAIL, 1, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.tail.log0.read.nx.nx-table", H1G, TAIL, 0, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); 4K goal: the tagged "
	    "table is not at a huge goal level (disallowed_hugepage_adjust)"),
	ROW("1g.tail.log0.write.nx.nx-table", H1G, TAIL, 0, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); 4K goal: the tagged "
	    "table is not at a huge goal level (disallowed_hugepage_adjust)"),
	ROW("1g.tail.log0.exec.nx.nx-table", H1G, TAIL, 0, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); NX exec -> 4K through "
	    "the existing tagged tables, no new SP (kvm_tdp_mmu_map, track_possible_nx_huge_page)"),
	ROW("1g.tail.log1.read.nx.nx-table", H1G, TAIL, 1, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("1g.tail.log1.write.nx.nx-table", H1G, TAIL, 1, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("1g.tail.log1.exec.nx.nx-table", H1G, TAIL, 1, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("1g.tail.log0.read.nxoff.log-table", H1G, TAIL, 0, RD, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("1g.tail.log0.write.nxoff.log-table", H1G, TAIL, 0, WR, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("1g.tail.log0.exec.nxoff.log-table", H1G, TAIL, 0, EX, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("1g.tail.log0.read.nx.log-table", H1G, TAIL, 0, RD, NX_ON, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("1g.tail.log0.write.nx.log-table", H1G, TAIL, 0, WR, NX_ON, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("1g.tail.log0.exec.nx.log-table", H1G, TAIL, 0, EX, NX_ON, P_LOGT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); logging-off recovery "
	    "skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old table"),
	ROW("1g.tail.log0.read.nxoff.untagged-table", H1G, TAIL, 0, RD, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("1g.tail.log0.write.nxoff.untagged-table", H1G, TAIL, 0, WR, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("1g.tail.log0.exec.nxoff.untagged-table", H1G, TAIL, 0, EX, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("1g.tail.log0.read.nx.untagged-table", H1G, TAIL, 0, RD, NX_ON, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("1g.tail.log0.write.nx.untagged-table", H1G, TAIL, 0, WR, NX_ON, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	ROW("1g.tail.log0.exec.nx.untagged-table", H1G, TAIL, 0, EX, NX_ON, P_UNT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial tail 2M region disallowed (kvm_alloc_memslot_metadata); 4K leaf under the "
	    "existing table"),
	/* ---- hugetlb 1G, interior ---- */
	ROW("1g.interior.log0.read.nxoff.none", H1G, INTR, 0, RD, NX_OFF, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); goal = "
	    "req, new 2M leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.interior.log0.write.nxoff.none", H1G, INTR, 0, WR, NX_OFF, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); goal = "
	    "req, new 2M leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.interior.log0.exec.nxoff.none", H1G, INTR, 0, EX, NX_OFF, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); goal = "
	    "req, new 2M leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.interior.log0.read.nx.none", H1G, INTR, 0, RD, NX_ON, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); goal = "
	    "req, new 2M leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.interior.log0.write.nx.none", H1G, INTR, 0, WR, NX_ON, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); goal = "
	    "req, new 2M leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.interior.log0.exec.nx.none", H1G, INTR, 0, EX, NX_ON, P_NONE,
	    2, 1, 1, FIXED, 1, 0, 0, 1, 0, NULL,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); NX exec -> "
	    "goal 4K; new SPs tagged, the 4K table tracked (req 2M >= 2) "
	    "(track_possible_nx_huge_page)"),
	ROW("1g.interior.log1.read.nxoff.none", H1G, INTR, 1, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.interior.log1.write.nxoff.none", H1G, INTR, 1, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.interior.log1.exec.nxoff.none", H1G, INTR, 1, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.interior.log1.read.nx.none", H1G, INTR, 1, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.interior.log1.write.nx.none", H1G, INTR, 1, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.interior.log1.exec.nx.none", H1G, INTR, 1, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.interior.log0.read.nx.nx-table", H1G, INTR, 0, RD, NX_ON, P_NXT,
	    2, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); tagged "
	    "child at goal level steps goal down 2M->4K (disallowed_hugepage_adjust)"),
	ROW("1g.interior.log0.write.nx.nx-table", H1G, INTR, 0, WR, NX_ON, P_NXT,
	    2, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); tagged "
	    "child at goal level steps goal down 2M->4K (disallowed_hugepage_adjust)"),
	ROW("1g.interior.log0.exec.nx.nx-table", H1G, INTR, 0, EX, NX_ON, P_NXT,
	    2, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); NX exec -> "
	    "4K through the existing tagged tables, no new SP (kvm_tdp_mmu_map, "
	    "track_possible_nx_huge_page)"),
	ROW("1g.interior.log1.read.nx.nx-table", H1G, INTR, 1, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("1g.interior.log1.write.nx.nx-table", H1G, INTR, 1, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("1g.interior.log1.exec.nx.nx-table", H1G, INTR, 1, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("1g.interior.log0.read.nxoff.log-table", H1G, INTR, 0, RD, NX_OFF, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); logging "
	    "off recovered a 2M leaf in place (kvm_mmu_slot_apply_flags, "
	    "kvm_mmu_recover_huge_pages, 6.13+); it already allows the access: SPURIOUS "
	    "(tdp_mmu_map_handle_target_level)"),
	ROW("1g.interior.log0.write.nxoff.log-table", H1G, INTR, 0, WR, NX_OFF, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); logging "
	    "off recovered a 2M leaf in place (kvm_mmu_slot_apply_flags, "
	    "kvm_mmu_recover_huge_pages, 6.13+); it already allows the access: SPURIOUS "
	    "(tdp_mmu_map_handle_target_level)"),
	ROW("1g.interior.log0.exec.nxoff.log-table", H1G, INTR, 0, EX, NX_OFF, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); logging "
	    "off recovered a 2M leaf in place (kvm_mmu_slot_apply_flags, "
	    "kvm_mmu_recover_huge_pages, 6.13+); it already allows the access: SPURIOUS "
	    "(tdp_mmu_map_handle_target_level)"),
	ROW("1g.interior.log0.read.nx.log-table", H1G, INTR, 0, RD, NX_ON, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); logging "
	    "off recovered a 2M leaf in place (kvm_mmu_slot_apply_flags, "
	    "kvm_mmu_recover_huge_pages, 6.13+); it already allows the access: SPURIOUS "
	    "(tdp_mmu_map_handle_target_level)"),
	ROW("1g.interior.log0.write.nx.log-table", H1G, INTR, 0, WR, NX_ON, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); logging "
	    "off recovered a 2M leaf in place (kvm_mmu_slot_apply_flags, "
	    "kvm_mmu_recover_huge_pages, 6.13+); it already allows the access: SPURIOUS "
	    "(tdp_mmu_map_handle_target_level)"),
	ROW("1g.interior.log0.exec.nx.log-table", H1G, INTR, 0, EX, NX_ON, P_LOGT,
	    2, 1, 1, SPURIOUS, 512, -1, 0, 1, 0, BUG_LOG_OFF,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); logging "
	    "off recovered a 2M leaf in place (kvm_mmu_slot_apply_flags, "
	    "kvm_mmu_recover_huge_pages, 6.13+); NX exec splits it: 512 exec 4K, tracked "
	    "(tdp_mmu_split_huge_page, track_possible_nx_huge_page), SPURIOUS "
	    "(tdp_mmu_map_handle_target_level)"),
	ROW("1g.interior.log0.read.nxoff.untagged-table", H1G, INTR, 0, RD, NX_OFF, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); untagged "
	    "table does not block (6.1+, disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("1g.interior.log0.write.nxoff.untagged-table", H1G, INTR, 0, WR, NX_OFF, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); untagged "
	    "table does not block (6.1+, disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("1g.interior.log0.exec.nxoff.untagged-table", H1G, INTR, 0, EX, NX_OFF, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); untagged "
	    "table does not block (6.1+, disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("1g.interior.log0.read.nx.untagged-table", H1G, INTR, 0, RD, NX_ON, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); untagged "
	    "table does not block (6.1+, disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("1g.interior.log0.write.nx.untagged-table", H1G, INTR, 0, WR, NX_ON, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); untagged "
	    "table does not block (6.1+, disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("1g.interior.log0.exec.nx.untagged-table", H1G, INTR, 0, EX, NX_ON, P_UNT,
	    2, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); NX exec -> "
	    "4K through the untagged tables, no new SP (track_possible_nx_huge_page)"),
	/* ---- hugetlb 1G, incong2m ---- */
	ROW("1g.incong2m.log0.read.nxoff.none", H1G, INC2M, 0, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); goal = req, "
	    "new 4K leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.incong2m.log0.write.nxoff.none", H1G, INC2M, 0, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); goal = req, "
	    "new 4K leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.incong2m.log0.exec.nxoff.none", H1G, INC2M, 0, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); goal = req, "
	    "new 4K leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.incong2m.log0.read.nx.none", H1G, INC2M, 0, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); goal = req, "
	    "new 4K leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.incong2m.log0.write.nx.none", H1G, INC2M, 0, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); goal = req, "
	    "new 4K leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.incong2m.log0.exec.nx.none", H1G, INC2M, 0, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); NX exec -> "
	    "goal 4K; new SPs tagged, none tracked (req 4K < link level) "
	    "(track_possible_nx_huge_page)"),
	ROW("1g.incong2m.log1.read.nxoff.none", H1G, INC2M, 1, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.incong2m.log1.write.nxoff.none", H1G, INC2M, 1, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.incong2m.log1.exec.nxoff.none", H1G, INC2M, 1, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.incong2m.log1.read.nx.none", H1G, INC2M, 1, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.incong2m.log1.write.nx.none", H1G, INC2M, 1, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.incong2m.log1.exec.nx.none", H1G, INC2M, 1, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.incong2m.log0.read.nx.nx-table", H1G, INC2M, 0, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); 4K goal: the "
	    "tagged table is not at a huge goal level (disallowed_hugepage_adjust)"),
	ROW("1g.incong2m.log0.write.nx.nx-table", H1G, INC2M, 0, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); 4K goal: the "
	    "tagged table is not at a huge goal level (disallowed_hugepage_adjust)"),
	ROW("1g.incong2m.log0.exec.nx.nx-table", H1G, INC2M, 0, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); NX exec -> "
	    "4K through the existing tagged tables, no new SP (kvm_tdp_mmu_map, "
	    "track_possible_nx_huge_page)"),
	ROW("1g.incong2m.log1.read.nx.nx-table", H1G, INC2M, 1, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("1g.incong2m.log1.write.nx.nx-table", H1G, INC2M, 1, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("1g.incong2m.log1.exec.nx.nx-table", H1G, INC2M, 1, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("1g.incong2m.log0.read.nxoff.log-table", H1G, INC2M, 0, RD, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); logging-off "
	    "recovery skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old "
	    "table"),
	ROW("1g.incong2m.log0.write.nxoff.log-table", H1G, INC2M, 0, WR, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); logging-off "
	    "recovery skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old "
	    "table"),
	ROW("1g.incong2m.log0.exec.nxoff.log-table", H1G, INC2M, 0, EX, NX_OFF, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); logging-off "
	    "recovery skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old "
	    "table"),
	ROW("1g.incong2m.log0.read.nx.log-table", H1G, INC2M, 0, RD, NX_ON, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); logging-off "
	    "recovery skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old "
	    "table"),
	ROW("1g.incong2m.log0.write.nx.log-table", H1G, INC2M, 0, WR, NX_ON, P_LOGT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); logging-off "
	    "recovery skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old "
	    "table"),
	ROW("1g.incong2m.log0.exec.nx.log-table", H1G, INC2M, 0, EX, NX_ON, P_LOGT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); logging-off "
	    "recovery skips it (max level 4K, kvm_mmu_recover_huge_pages); 4K leaf under the old "
	    "table"),
	ROW("1g.incong2m.log0.read.nxoff.untagged-table", H1G, INC2M, 0, RD, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); 4K leaf "
	    "under the existing table"),
	ROW("1g.incong2m.log0.write.nxoff.untagged-table", H1G, INC2M, 0, WR, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); 4K leaf "
	    "under the existing table"),
	ROW("1g.incong2m.log0.exec.nxoff.untagged-table", H1G, INC2M, 0, EX, NX_OFF, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); 4K leaf "
	    "under the existing table"),
	ROW("1g.incong2m.log0.read.nx.untagged-table", H1G, INC2M, 0, RD, NX_ON, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); 4K leaf "
	    "under the existing table"),
	ROW("1g.incong2m.log0.write.nx.untagged-table", H1G, INC2M, 0, WR, NX_ON, P_UNT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); 4K leaf "
	    "under the existing table"),
	ROW("1g.incong2m.log0.exec.nx.untagged-table", H1G, INC2M, 0, EX, NX_ON, P_UNT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 2M: all 2M/1G disallowed (kvm_alloc_memslot_metadata); 4K leaf "
	    "under the existing table"),
	/* ---- hugetlb 1G, cong2m ---- */
	ROW("1g.cong2m.log0.read.nxoff.none", H1G, C2M, 0, RD, NX_OFF, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); goal = req, new 2M "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.cong2m.log0.write.nxoff.none", H1G, C2M, 0, WR, NX_OFF, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); goal = req, new 2M "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.cong2m.log0.exec.nxoff.none", H1G, C2M, 0, EX, NX_OFF, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); goal = req, new 2M "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.cong2m.log0.read.nx.none", H1G, C2M, 0, RD, NX_ON, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); goal = req, new 2M "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.cong2m.log0.write.nx.none", H1G, C2M, 0, WR, NX_ON, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); goal = req, new 2M "
	    "leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("1g.cong2m.log0.exec.nx.none", H1G, C2M, 0, EX, NX_ON, P_NONE,
	    2, 1, 1, FIXED, 1, 0, 0, 1, 0, NULL,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); NX exec -> goal 4K; "
	    "new SPs tagged, the 4K table tracked (req 2M >= 2) (track_possible_nx_huge_page)"),
	ROW("1g.cong2m.log1.read.nxoff.none", H1G, C2M, 1, RD, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.cong2m.log1.write.nxoff.none", H1G, C2M, 1, WR, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.cong2m.log1.exec.nxoff.none", H1G, C2M, 1, EX, NX_OFF, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.cong2m.log1.read.nx.none", H1G, C2M, 1, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.cong2m.log1.write.nx.none", H1G, C2M, 1, WR, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.cong2m.log1.exec.nx.none", H1G, C2M, 1, EX, NX_ON, P_NONE,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("1g.cong2m.log0.read.nx.nx-table", H1G, C2M, 0, RD, NX_ON, P_NXT,
	    2, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); tagged child at "
	    "goal level steps goal down 2M->4K (disallowed_hugepage_adjust)"),
	ROW("1g.cong2m.log0.write.nx.nx-table", H1G, C2M, 0, WR, NX_ON, P_NXT,
	    2, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); tagged child at "
	    "goal level steps goal down 2M->4K (disallowed_hugepage_adjust)"),
	ROW("1g.cong2m.log0.exec.nx.nx-table", H1G, C2M, 0, EX, NX_ON, P_NXT,
	    2, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); NX exec -> 4K "
	    "through the existing tagged tables, no new SP (kvm_tdp_mmu_map, "
	    "track_possible_nx_huge_page)"),
	ROW("1g.cong2m.log1.read.nx.nx-table", H1G, C2M, 1, RD, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("1g.cong2m.log1.write.nx.nx-table", H1G, C2M, 1, WR, NX_ON, P_NXT,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("1g.cong2m.log1.exec.nx.nx-table", H1G, C2M, 1, EX, NX_ON, P_NXT,
	    1, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust); tables exist, "
	    "nothing new to track"),
	ROW("1g.cong2m.log0.read.nxoff.log-table", H1G, C2M, 0, RD, NX_OFF, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); logging off "
	    "recovered a 2M leaf in place (kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, "
	    "6.13+); it already allows the access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("1g.cong2m.log0.write.nxoff.log-table", H1G, C2M, 0, WR, NX_OFF, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); logging off "
	    "recovered a 2M leaf in place (kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, "
	    "6.13+); it already allows the access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("1g.cong2m.log0.exec.nxoff.log-table", H1G, C2M, 0, EX, NX_OFF, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); logging off "
	    "recovered a 2M leaf in place (kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, "
	    "6.13+); it already allows the access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("1g.cong2m.log0.read.nx.log-table", H1G, C2M, 0, RD, NX_ON, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); logging off "
	    "recovered a 2M leaf in place (kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, "
	    "6.13+); it already allows the access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("1g.cong2m.log0.write.nx.log-table", H1G, C2M, 0, WR, NX_ON, P_LOGT,
	    2, 2, 0, SPURIOUS, 0, 0, 0, 0, 0, BUG_LOG_OFF,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); logging off "
	    "recovered a 2M leaf in place (kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, "
	    "6.13+); it already allows the access: SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("1g.cong2m.log0.exec.nx.log-table", H1G, C2M, 0, EX, NX_ON, P_LOGT,
	    2, 1, 1, SPURIOUS, 512, -1, 0, 1, 0, BUG_LOG_OFF,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); logging off "
	    "recovered a 2M leaf in place (kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages, "
	    "6.13+); NX exec splits it: 512 exec 4K, tracked (tdp_mmu_split_huge_page, "
	    "track_possible_nx_huge_page), SPURIOUS (tdp_mmu_map_handle_target_level)"),
	ROW("1g.cong2m.log0.read.nxoff.untagged-table", H1G, C2M, 0, RD, NX_OFF, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); untagged table does "
	    "not block (6.1+, disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("1g.cong2m.log0.write.nxoff.untagged-table", H1G, C2M, 0, WR, NX_OFF, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); untagged table does "
	    "not block (6.1+, disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("1g.cong2m.log0.exec.nxoff.untagged-table", H1G, C2M, 0, EX, NX_OFF, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); untagged table does "
	    "not block (6.1+, disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("1g.cong2m.log0.read.nx.untagged-table", H1G, C2M, 0, RD, NX_ON, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); untagged table does "
	    "not block (6.1+, disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("1g.cong2m.log0.write.nx.untagged-table", H1G, C2M, 0, WR, NX_ON, P_UNT,
	    2, 2, 0, FIXED, -1, 1, 0, 0, 1, NULL,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); untagged table does "
	    "not block (6.1+, disallowed_hugepage_adjust): huge leaf replaces it, flush "
	    "(tdp_mmu_map_handle_target_level, handle_changed_spte)"),
	ROW("1g.cong2m.log0.exec.nx.untagged-table", H1G, C2M, 0, EX, NX_ON, P_UNT,
	    2, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "gpa^hva not 0 mod 1G: 1G disallowed (kvm_alloc_memslot_metadata); NX exec -> 4K "
	    "through the untagged tables, no new SP (track_possible_nx_huge_page)"),
	/* ---- THP, unpopulated (huge zero page for reads) and populated ---- */
	ROW("thp.aligned.log0.read.nxoff.none", HTHP, AL, 0, RD, NX_OFF, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "THP maps 2M: a new 2M page, or the huge zero page for a read/fetch "
	    "(host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("thp.aligned.log0.read.nx.none", HTHP, AL, 0, RD, NX_ON, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "THP maps 2M: a new 2M page, or the huge zero page for a read/fetch "
	    "(host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("thp.aligned.log0.write.nxoff.none", HTHP, AL, 0, WR, NX_OFF, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "THP maps 2M: a new 2M page, or the huge zero page for a read/fetch "
	    "(host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("thp.aligned.log0.write.nx.none", HTHP, AL, 0, WR, NX_ON, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "THP maps 2M: a new 2M page, or the huge zero page for a read/fetch "
	    "(host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("thp.aligned.log0.exec.nxoff.none", HTHP, AL, 0, EX, NX_OFF, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "THP maps 2M: a new 2M page, or the huge zero page for a read/fetch "
	    "(host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("thp.aligned.log0.exec.nx.none", HTHP, AL, 0, EX, NX_ON, P_NONE,
	    2, 1, 1, FIXED, 1, 0, 0, 1, 0, NULL,
	    "THP maps 2M: a new 2M page, or the huge zero page for a read/fetch "
	    "(host_pfn_mapping_level); NX exec -> goal 4K; new SPs tagged, the 4K table tracked "
	    "(req 2M >= 2) (track_possible_nx_huge_page)"),
	ROW("thp.aligned.log1.read.nx.none", HTHP, AL, 1, RD, NX_ON, P_NONE,
	    1, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "logging: hugepage_adjust returns early, 4K (kvm_mmu_hugepage_adjust)"),
	ROW("thp.aligned.log0.read.nx.nx-table", HTHP, AL, 0, RD, NX_ON, P_NXT,
	    2, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "THP maps 2M: a new 2M page, or the huge zero page for a read/fetch "
	    "(host_pfn_mapping_level); tagged child at goal level steps goal down 2M->4K "
	    "(disallowed_hugepage_adjust)"),
	ROW("thp.aligned.log0.write.nx.nx-table", HTHP, AL, 0, WR, NX_ON, P_NXT,
	    1, 1, 0, RETRY, -1, 0, 0, 0, 1, NULL,
	    "write breaks COW of the huge zero page: notifier zap -> stale -> RETRY before "
	    "hugepage_adjust (kvm_mmu_faultin_pfn, is_page_fault_stale, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("thp.aligned.log0.exec.nx.nx-table", HTHP, AL, 0, EX, NX_ON, P_NXT,
	    2, 1, 1, FIXED, 1, 0, 0, 0, 0, NULL,
	    "THP maps 2M: a new 2M page, or the huge zero page for a read/fetch "
	    "(host_pfn_mapping_level); NX exec -> 4K through the existing tagged tables, no new SP "
	    "(kvm_tdp_mmu_map, track_possible_nx_huge_page)"),
	ROW("thp-pop.aligned.log0.read.nx.none", HTHP_POP, AL, 0, RD, NX_ON, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "THP maps 2M (host_pfn_mapping_level); goal = req, new 2M leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("thp-pop.aligned.log0.write.nx.none", HTHP_POP, AL, 0, WR, NX_ON, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "THP maps 2M (host_pfn_mapping_level); goal = req, new 2M leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level)"),
	ROW("thp-pop.aligned.log0.exec.nx.none", HTHP_POP, AL, 0, EX, NX_ON, P_NONE,
	    2, 1, 1, FIXED, 1, 0, 0, 1, 0, NULL,
	    "THP maps 2M (host_pfn_mapping_level); NX exec -> goal 4K; new SPs tagged, the 4K "
	    "table tracked (req 2M >= 2) (track_possible_nx_huge_page)"),
	ROW("thp-pop.aligned.log0.read.nx.nx-table", HTHP_POP, AL, 0, RD, NX_ON, P_NXT,
	    2, 1, 0, FIXED, 1, 0, 0, 0, 0, NULL,
	    "THP maps 2M (host_pfn_mapping_level); tagged child at goal level steps goal down "
	    "2M->4K (disallowed_hugepage_adjust)"),
	/* ---- nx_huge_pages=force with KVM_CAP_VM_DISABLE_NX_HUGE_PAGES ---- */
	ROW("2m.aligned.log0.exec.nxdisabled.none", H2M, AL, 0, EX, NX_DIS, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level); NX disabled for the VM (kvm_vm_ioctl_enable_cap)"),
	ROW("2m.aligned.log0.read.nxdisabled.none", H2M, AL, 0, RD, NX_DIS, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "host 2M (host_pfn_mapping_level); goal = req, new 2M leaf (kvm_mmu_hugepage_adjust, "
	    "tdp_mmu_map_handle_target_level)"),
	ROW("1g.aligned.log0.exec.nxdisabled.none", H1G, AL, 0, EX, NX_DIS, P_NONE,
	    3, 3, 0, FIXED, 0, 0, 1, 0, 0, NULL,
	    "host 1G, aligned (host_pfn_mapping_level); goal = req, new 1G leaf "
	    "(kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level); NX disabled for the VM "
	    "(kvm_vm_ioctl_enable_cap)"),
	ROW("1g.interior.log0.exec.nxdisabled.none", H1G, INTR, 0, EX, NX_DIS, P_NONE,
	    2, 2, 0, FIXED, 0, 1, 0, 0, 0, NULL,
	    "partial 1G head region: 1G disallowed, 2M ok (kvm_alloc_memslot_metadata); goal = "
	    "req, new 2M leaf (kvm_mmu_hugepage_adjust, tdp_mmu_map_handle_target_level); NX "
	    "disabled for the VM (kvm_vm_ioctl_enable_cap)"),
};

#define NROWS ((int)(sizeof(rows) / sizeof(rows[0])))

/* Where each alignment puts the slot (1 GiB) and the faults.  The fault is at page 5 of the
 * 2M region 10 MiB into the first GiB, and the earlier fault (the sibling) at page 1 of the
 * same region; for HEAD both sit in the slot's partial first 2M region [G0 + 1M, G0 + 2M),
 * for TAIL in its partial last one [G0 + 1G, G0 + 1G + 1M). */
static const struct geometry {
	uint64_t slot_gpa, slot_hva, gpa, sibling;
} geometry[] = {
	[AL] = { G0, H0, G0 + 0xa05000, G0 + 0xa01000 },
	[HEAD] = { G0 + SZ_1M, H0 + SZ_1M, G0 + 0x105000, G0 + 0x101000 },
	[TAIL] = { G0 + SZ_1M, H0 + SZ_1M, G0 + SZ_1G + 0x5000, G0 + SZ_1G + 0x1000 },
	[INTR] = { G0 + SZ_1M, H0 + SZ_1M, G0 + 0xa05000, G0 + 0xa01000 },
	[INC2M] = { G0, H0 + SZ_4K, G0 + 0xa05000, G0 + 0xa01000 },
	[C2M] = { G0, H0 + SZ_2M, G0 + 0xa05000, G0 + 0xa01000 },
};

static const uint32_t backing_kind[] = {
	[H4K] = TDPSIM_BACKING_4K, [H4K_POP] = TDPSIM_BACKING_4K,
	[HTHP] = TDPSIM_BACKING_THP, [HTHP_POP] = TDPSIM_BACKING_THP,
	[H2M] = TDPSIM_BACKING_HUGETLB2M, [H1G] = TDPSIM_BACKING_HUGETLB1G,
};

static const uint32_t fault_err[] = { [RD] = ERR_READ, [WR] = ERR_WRITE, [EX] = ERR_EXEC };

static void mismatch(char *buf, size_t n, const char *field, int64_t got, int64_t want)
{
	size_t len = strlen(buf);

	if (got != want)
		snprintf(buf + len, n - len, "\n    %s: got %" PRId64 ", expected %" PRId64, field,
			 got, want);
}

static void check_row(const struct row *w)
{
	const struct geometry *g = &geometry[w->align];
	char bad[1024] = "";
	tdpsim_stats a, b;
	struct run r;
	int64_t want_fixed = w->result == FIXED, want_spurious = w->result == SPURIOUS;

	start(&r, w->nx);
	/* The backing covers the slot's hva range whatever the alignment; 1G pages need 2G. */
	backing(&r, H0, w->host == H1G ? 2 * SZ_1G : SZ_1G + 2 * SZ_2M, backing_kind[w->host],
		w->host == H4K_POP || w->host == HTHP_POP);
	memslot(&r, SLOT, g->slot_gpa, SZ_1G, g->slot_hva);

	switch (w->prior) {
	case P_NXT: /* an exec fault under NX in the same 2M region: tagged tables */
		ck_assert_int_eq(fault(&r, g->sibling, ERR_EXEC), FIXED);
		break;
	case P_LOGT: /* a read while logging: untagged 4K tables; then logging off */
		dirty_log(&r, 1);
		ck_assert_int_eq(fault(&r, g->sibling, ERR_READ), FIXED);
		dirty_log(&r, 0);
		break;
	case P_UNT: /* a read the policy hook forced to 4K: untagged tables, then no policy */
		ck_assert_int_eq(tdpsim_sim_set_hugepage_policy(r.sim, force_4k, NULL), 0);
		ck_assert_int_eq(fault(&r, g->sibling, ERR_READ), FIXED);
		ck_assert_int_eq(tdpsim_sim_set_hugepage_policy(r.sim, NULL, NULL), 0);
		break;
	default:
		break;
	}
	if (w->log)
		dirty_log(&r, 1);

	a = stats(&r);
	fault(&r, g->gpa, fault_err[w->kind]);
	b = stats(&r);

	mismatch(bad, sizeof(bad), "req_level", r.last.req_level, w->req);
	mismatch(bad, sizeof(bad), "goal_level", r.last.goal_level, w->goal);
	mismatch(bad, sizeof(bad), "huge_page_disallowed", r.last.huge_page_disallowed, w->hpd);
	mismatch(bad, sizeof(bad), "result", r.last.result, w->result);
	mismatch(bad, sizeof(bad), "nx_huge_page_workaround_enabled",
		 r.last.nx_huge_page_workaround_enabled, w->nx == NX_ON);
	mismatch(bad, sizeof(bad), "pages_4k delta", DELTA(a, b, pages_4k), w->d4k);
	mismatch(bad, sizeof(bad), "pages_2m delta", DELTA(a, b, pages_2m), w->d2m);
	mismatch(bad, sizeof(bad), "pages_1g delta", DELTA(a, b, pages_1g), w->d1g);
	mismatch(bad, sizeof(bad), "nx_lpage_splits delta", DELTA(a, b, nx_lpage_splits), w->dnx);
	mismatch(bad, sizeof(bad), "remote_tlb_flush_requests delta",
		 DELTA(a, b, remote_tlb_flush_requests), w->dflush);
	/* kvm_mmu_page_fault: every fault here is counted as taken, then by its result. */
	mismatch(bad, sizeof(bad), "pf_taken delta", DELTA(a, b, pf_taken), 1);
	mismatch(bad, sizeof(bad), "pf_fixed delta", DELTA(a, b, pf_fixed), want_fixed);
	mismatch(bad, sizeof(bad), "pf_spurious delta", DELTA(a, b, pf_spurious), want_spurious);
	mismatch(bad, sizeof(bad), "pf_emulate delta", DELTA(a, b, pf_emulate), 0);
	/* None of these faults is present+write: the fast path never runs (fast_page_fault). */
	mismatch(bad, sizeof(bad), "pf_fast delta", DELTA(a, b, pf_fast), 0);
	tdpsim_sim_free(r.sim);
	ck_assert_msg(bad[0] == 0, "row %s%s%s%s:%s\n    why: %s", w->name, w->bug ? " [" : "",
		      w->bug ? w->bug : "", w->bug ? "]" : "", bad, w->why);
}

/* The k-th row with (or, want_bug == 0, without) a bug, and how many there are. */
static int nth_row(int k, int want_bug)
{
	for (int i = 0; i < NROWS; i++)
		if (!rows[i].bug == !want_bug && k-- == 0)
			return i;
	return -1;
}

static int count_rows(int want_bug)
{
	int n = 0;

	for (int i = 0; i < NROWS; i++)
		n += !rows[i].bug == !want_bug;
	return n;
}

/* Every row KVM and the simulator agree on; the loop index counts those rows. */
START_TEST(kvm_hugepage_decision_rows)
{
	check_row(&rows[nth_row(_i, 0)]);
}
END_TEST

/* The rows that show BUG_LOG_OFF (the only bug so far): after logging is turned off KVM 6.13+ has
 * already put the huge leaf back (kvm_mmu_recover_huge_pages), so the fault finds it; the simulator
 * still has the 4K table, and maps the huge page only at this fault (or, for an exec fault under
 * NX, not at all). */
START_TEST(logging_off_recovers_huge_pages_in_place_rows)
{
	const struct row *w = &rows[nth_row(_i, 1)];

	ck_assert_str_eq(w->bug, BUG_LOG_OFF);
	check_row(w);
}
END_TEST

/* ---- single decisions, named ---- */

/* A hugetlb 2M slot, aligned, with nothing mapped yet. */
static void start_2m(struct run *r, int nx)
{
	start(r, nx);
	backing(r, H0, SZ_1G + 2 * SZ_2M, TDPSIM_BACKING_HUGETLB2M, 0);
	memslot(r, SLOT, G0, SZ_1G, H0);
}

/* tdp_mmu_split_huge_page (6.2+), tdp_mmu_map_handle_target_level: the exec fault splits the NX
 * huge leaf in place - 512 executable 4K children, the new table tracked - and finds its 4K child
 * already allowing the fetch: SPURIOUS, and no TLB flush because no translation changed.  A fetch
 * from an EPT entry that grants R is FETCH|PRESENT (vmx.c handle_ept_violation); a present exec
 * fault is never fast (fast_page_fault). */
START_TEST(exec_fault_on_a_2m_leaf_under_nx_splits_it_in_place_without_a_flush)
{
	struct run r;
	tdpsim_stats a, b;

	start_2m(&r, NX_ON);
	ck_assert_int_eq(fault(&r, G0 + 0xa05000, ERR_READ), FIXED);
	a = stats(&r);
	ck_assert_uint_eq(a.pages_2m, 1);
	ck_assert_int_eq(fault(&r, G0 + 0xa06000, TDPSIM_PFERR_FETCH | TDPSIM_PFERR_PRESENT),
			 SPURIOUS);
	b = stats(&r);
	ck_assert_int_eq(r.last.req_level, TDPSIM_LEVEL_2M);
	ck_assert_int_eq(r.last.goal_level, TDPSIM_LEVEL_4K);
	ck_assert_int_eq(r.last.huge_page_disallowed, 1);
	ck_assert_int_eq(r.last.fast, 0);
	ck_assert_int_eq(DELTA(a, b, pages_2m), -1);
	ck_assert_int_eq(DELTA(a, b, pages_4k), 512);
	ck_assert_int_eq(DELTA(a, b, nx_lpage_splits), 1);
	ck_assert_int_eq(DELTA(a, b, tdp_mmu_pages), 1);
	ck_assert_int_eq(DELTA(a, b, remote_tlb_flush_requests), 0);
	ck_assert_int_eq(DELTA(a, b, pf_spurious), 1);
	ck_assert_int_eq(DELTA(a, b, pf_fixed), 0);
	ck_assert_int_eq(DELTA(a, b, pf_fast), 0);
	tdpsim_sim_free(r.sim);
}
END_TEST

/* track_possible_nx_huge_page [D]: in 1G-backed memory with nothing mapped, the exec fault links a
 * 2M table under the 1G entry and a 4K table under the 2M entry; req_level 1G >= 3 and >= 2, so
 * both are tracked (the level-3 table linked at the root is not: 1G < 4). */
START_TEST(exec_fault_in_1g_backed_memory_tracks_two_sps)
{
	struct run r;
	tdpsim_stats a, b;

	start(&r, NX_ON);
	backing(&r, H0, 2 * SZ_1G, TDPSIM_BACKING_HUGETLB1G, 0);
	memslot(&r, SLOT, G0, SZ_1G, H0);
	a = stats(&r);
	ck_assert_int_eq(fault(&r, G0 + 0xa05000, ERR_EXEC), FIXED);
	b = stats(&r);
	ck_assert_int_eq(r.last.req_level, TDPSIM_LEVEL_1G);
	ck_assert_int_eq(r.last.goal_level, TDPSIM_LEVEL_4K);
	ck_assert_int_eq(DELTA(a, b, nx_lpage_splits), 2);
	ck_assert_int_eq(DELTA(a, b, tdp_mmu_pages), 3);
	ck_assert_int_eq(DELTA(a, b, pages_4k), 1);
	ck_assert_int_eq(DELTA(a, b, pages_2m), 0);
	ck_assert_int_eq(DELTA(a, b, pages_1g), 0);
	tdpsim_sim_free(r.sim);
}
END_TEST

/* fast_page_fault, tdp_mmu_map_handle_target_level: after the split every 4K child is present and
 * readable.  A read fault there (USER|PRESENT) is not fast-path material - the fast path takes
 * present faults only when they are writes - so the slow path runs and the target level finds a
 * present leaf that allows the read: SPURIOUS, nothing changes. */
START_TEST(read_after_the_exec_split_is_spurious_on_the_slow_path)
{
	struct run r;
	tdpsim_stats a, b;

	start_2m(&r, NX_ON);
	ck_assert_int_eq(fault(&r, G0 + 0xa05000, ERR_READ), FIXED);
	ck_assert_int_eq(fault(&r, G0 + 0xa06000, ERR_EXEC | TDPSIM_PFERR_PRESENT), SPURIOUS);
	a = stats(&r);
	ck_assert_int_eq(fault(&r, G0 + 0xa07000, ERR_READ | TDPSIM_PFERR_PRESENT), SPURIOUS);
	b = stats(&r);
	ck_assert_int_eq(r.last.fast, 0);
	ck_assert_int_eq(r.last.goal_level, TDPSIM_LEVEL_4K); /* stepped down by the NX table */
	ck_assert_int_eq(DELTA(a, b, pf_fast), 0);
	ck_assert_int_eq(DELTA(a, b, pf_taken), 1);
	ck_assert_int_eq(DELTA(a, b, pf_spurious), 1);
	ck_assert_int_eq(DELTA(a, b, pf_fixed), 0);
	ck_assert_int_eq(DELTA(a, b, pages_4k), 0);
	ck_assert_int_eq(DELTA(a, b, pages_2m), 0);
	ck_assert_int_eq(DELTA(a, b, nx_lpage_splits), 0);
	tdpsim_sim_free(r.sim);
}
END_TEST

/* On 6.2+ the split leaves all 512 children present, readable, writable and
 * executable, so a guest read, write or fetch in that 2M region takes no EPT violation at
 * all.  Through the guest: its page tables live in another 2M region, mapped first. */
START_TEST(access_after_the_exec_split_takes_no_ept_violation)
{
	static const uint32_t ops[] = { TDPSIM_OP_READ, TDPSIM_OP_WRITE, TDPSIM_OP_EXEC };
	const uint64_t gva = 0x40000000;
	struct run r;
	tdpsim_stats a, b;
	tdpsim_event ev = { .cmd = TDPSIM_CMD_GUEST_PT };

	start_2m(&r, NX_ON);
	ev.u.guest_pt.gpa = G0 + 0x20000000;
	ev.u.guest_pt.size = SZ_1M;
	apply_ok(&r, &ev);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_GUEST_MAP;
	ev.u.guest_map.gva = gva;
	ev.u.guest_map.gpa = G0;
	ev.u.guest_map.size = SZ_1G;
	ev.u.guest_map.page_level = TDPSIM_LEVEL_2M;
	ev.u.guest_map.prot = TDPSIM_PROT_R | TDPSIM_PROT_W | TDPSIM_PROT_X;
	ev.u.guest_map.user = 1;
	ev.u.guest_map.ad = 1;
	apply_ok(&r, &ev);
	memset(&ev, 0, sizeof(ev));
	ev.cmd = TDPSIM_CMD_ACCESS;
	ev.u.access.op = TDPSIM_OP_READ;
	ev.u.access.cpl = 3;
	ev.u.access.gva = gva + 0x400000; /* maps the guest page tables and that region */
	apply_ok(&r, &ev);
	ck_assert_int_eq(fault(&r, G0 + 0xa05000, ERR_READ), FIXED);
	ck_assert_int_eq(fault(&r, G0 + 0xa06000, ERR_EXEC | TDPSIM_PFERR_PRESENT), SPURIOUS);
	a = stats(&r);
	for (unsigned i = 0; i < 3; i++) {
		ev.u.access.op = ops[i];
		ev.u.access.gva = gva + 0xa07000 + i * SZ_4K;
		apply_ok(&r, &ev);
	}
	b = stats(&r);
	ck_assert_int_eq(DELTA(a, b, accesses), 3);
	ck_assert_int_eq(DELTA(a, b, pf_taken), 0);
	ck_assert_int_eq(DELTA(a, b, guest_page_faults), 0);
	tdpsim_sim_free(r.sim);
}
END_TEST

/* fast_page_fault, kvm_mmu_faultin_pfn, tdp_mmu_map_handle_target_level [D]: a read of
 * unpopulated anonymous memory maps the zero page read-only, not host-writable.  The write fault
 * (WRITE|PRESENT) on it: the fast path cannot help (the SPTE is not MMU-writable: INVALID, pf_fast
 * unchanged); faultin's GUP with FOLL_WRITE breaks COW, whose MMU-notifier invalidation zaps the
 * SPTE and bumps the sequence: stale, RETRY, nothing counted but pf_taken.  The same fault again
 * maps the new frame writable: FIXED.  A third is then a write the SPTE allows: the fast path's
 * SPURIOUS. */
START_TEST(write_to_a_zero_page_spte_retries_after_cow_then_maps_writable)
{
	const uint64_t gpa = G0 + 0xa05000;
	const uint32_t err = TDPSIM_PFERR_WRITE | TDPSIM_PFERR_PRESENT;
	struct run r;
	tdpsim_stats a, b, c, d;

	start(&r, NX_OFF);
	backing(&r, H0, SZ_1G, TDPSIM_BACKING_4K, 0);
	memslot(&r, SLOT, G0, SZ_1G, H0);
	ck_assert_int_eq(fault(&r, gpa, ERR_READ), FIXED);
	ck_assert_int_eq(r.last.map_writable, 0);
	ck_assert_uint_eq(r.spte_new & 0x2, 0); /* EPT W clear */
	a = stats(&r);

	ck_assert_int_eq(fault(&r, gpa, err), RETRY);
	b = stats(&r);
	ck_assert_int_eq(r.last.fast, 0);
	ck_assert_int_eq(DELTA(a, b, pf_taken), 1);
	ck_assert_int_eq(DELTA(a, b, pf_fast), 0);
	ck_assert_int_eq(DELTA(a, b, pf_fixed), 0);
	ck_assert_int_eq(DELTA(a, b, pf_spurious), 0);
	ck_assert_int_eq(DELTA(a, b, pf_emulate), 0);
	ck_assert_int_eq(DELTA(a, b, pages_4k), -1);                 /* the notifier's zap */
	ck_assert_int_eq(DELTA(a, b, remote_tlb_flush_requests), 1); /* and its flush */

	ck_assert_int_eq(fault(&r, gpa, err), FIXED);
	c = stats(&r);
	ck_assert_int_eq(r.last.map_writable, 1);
	ck_assert_uint_eq(r.spte_gfn, gpa >> 12);
	ck_assert_int_eq(r.spte_level, TDPSIM_LEVEL_4K);
	ck_assert_uint_eq(r.spte_new & 0x2, 0x2); /* EPT W set */
	ck_assert_int_eq(DELTA(b, c, pf_fixed), 1);
	ck_assert_int_eq(DELTA(b, c, pages_4k), 1);

	ck_assert_int_eq(fault(&r, gpa, err), SPURIOUS);
	d = stats(&r);
	ck_assert_int_eq(r.last.fast, 1);
	ck_assert_int_eq(DELTA(c, d, pf_fast), 1);
	ck_assert_int_eq(DELTA(c, d, pf_spurious), 1);
	tdpsim_sim_free(r.sim);
}
END_TEST

/*
 * tdp_mmu_map_handle_target_level over a table: a 4K read the policy hook forced leaves an
 * untagged table at level 2; the next write in the 2M region maps a 2M leaf over it (the
 * table is not NX-tagged, disallowed_hugepage_adjust keeps 2M), and make_spte sees the
 * table, which is writable like every non-leaf SPTE, as its old SPTE.  5.16-6.12.0 skip the
 * Dirty bit over any writable old SPTE ("if (is_writable_pte(old_spte)) goto out"): the
 * 2M leaf is W=1 D=0 on 6.1.  6.13's fix (in 6.6.y) skips only over a writable leaf, and
 * 6.13 sets Dirty always: W=1 D=1 on 6.6 and 6.18.  EPT D is bit 9.
 */
static uint64_t huge_leaf_over_a_table(const char *kvm)
{
	struct run r;
	uint64_t spte;

	start(&r, NX_OFF);
	ck_assert_int_eq(tdpsim_sim_set(r.sim, "kvm", kvm), 0);
	backing(&r, H0, SZ_1G, TDPSIM_BACKING_HUGETLB2M, 0);
	memslot(&r, SLOT, G0, SZ_1G, H0);
	ck_assert_int_eq(tdpsim_sim_set_hugepage_policy(r.sim, force_4k, NULL), 0);
	ck_assert_int_eq(fault(&r, G0 + 0x5000, ERR_READ), FIXED);
	ck_assert_int_eq(tdpsim_sim_set_hugepage_policy(r.sim, NULL, NULL), 0);
	r.spte_2m_new = 0;
	ck_assert_int_eq(fault(&r, G0 + 0x6000, ERR_WRITE), FIXED);
	spte = r.spte_2m_new;
	ck_assert_uint_eq(spte & 0x82, 0x82); /* a writable 2M leaf (PS, W) */
	tdpsim_sim_free(r.sim);
	return spte;
}

START_TEST(a_huge_leaf_over_a_table_is_dirty_except_from_5_16_to_the_6_13_leaf_fix)
{
	ck_assert_uint_eq(huge_leaf_over_a_table("6.1") & (1ull << 9), 0);
	ck_assert_uint_eq(huge_leaf_over_a_table("6.6") & (1ull << 9), 1ull << 9);
	ck_assert_uint_eq(huge_leaf_over_a_table("6.18") & (1ull << 9), 1ull << 9);
}
END_TEST

/* kvm_mmu_page_fault, kvm_mmu_faultin_pfn, tdp_mmu_map_handle_target_level, handle_mmio_page_fault:
 * a fault outside every memslot installs an MMIO SPTE and is emulated (pf_mmio_spte_created,
 * pf_emulate, and pf_taken as any fault).  The next access there is an EPT misconfiguration (RSVD);
 * the MMIO SPTE's generation is current, so it goes straight to the emulator: EMULATE with no
 * pf_taken and no pf_emulate. */
START_TEST(fault_outside_every_memslot_makes_an_mmio_spte_then_rsvd_emulates_uncounted)
{
	struct run r;
	tdpsim_stats a, b, c;

	start(&r, NX_ON);
	backing(&r, H0, SZ_1G, TDPSIM_BACKING_HUGETLB2M, 0);
	memslot(&r, SLOT, G0, SZ_1G, H0);
	a = stats(&r);
	ck_assert_int_eq(fault(&r, MMIO_GPA, ERR_WRITE), TDPSIM_PF_EMULATE);
	b = stats(&r);
	ck_assert_int_eq(r.last.mmio, 1);
	ck_assert_int_eq(r.last.goal_level, TDPSIM_LEVEL_4K);
	ck_assert_int_eq(DELTA(a, b, pf_taken), 1);
	ck_assert_int_eq(DELTA(a, b, pf_mmio_spte_created), 1);
	ck_assert_int_eq(DELTA(a, b, pf_emulate), 1);
	ck_assert_int_eq(DELTA(a, b, pf_fixed), 0);
	ck_assert_int_eq(DELTA(a, b, pages_4k), 0); /* an MMIO SPTE is not a present leaf */

	ck_assert_int_eq(fault(&r, MMIO_GPA, TDPSIM_PFERR_RSVD), TDPSIM_PF_EMULATE);
	c = stats(&r);
	ck_assert_int_eq(DELTA(b, c, pf_taken), 0);
	ck_assert_int_eq(DELTA(b, c, pf_emulate), 0);
	ck_assert_int_eq(DELTA(b, c, pf_mmio_spte_created), 0);
	ck_assert_int_eq(DELTA(b, c, recorded_faults), 1);
	tdpsim_sim_free(r.sim);
}
END_TEST

/* handle_mmio_page_fault: an MMIO SPTE from an older memslot generation is not emulated from the
 * RSVD path: the normal fault path runs (pf_taken) and rebuilds it (pf_mmio_spte_created,
 * pf_emulate).  RSVD where no MMIO SPTE is (a racing zap) is RETRY, counted nowhere. */
START_TEST(rsvd_fault_on_a_stale_mmio_spte_rebuilds_it_and_without_one_retries)
{
	struct run r;
	tdpsim_stats a, b, c;

	start(&r, NX_OFF);
	backing(&r, H0, SZ_1G, TDPSIM_BACKING_HUGETLB2M, 0);
	memslot(&r, SLOT, G0, SZ_1G, H0);
	ck_assert_int_eq(fault(&r, MMIO_GPA, ERR_READ), TDPSIM_PF_EMULATE);
	memslot(&r, 1, 4 * SZ_1G, SZ_2M, H0 + SZ_1G - SZ_2M); /* the generation moves on */
	a = stats(&r);
	ck_assert_int_eq(fault(&r, MMIO_GPA, TDPSIM_PFERR_RSVD), TDPSIM_PF_EMULATE);
	b = stats(&r);
	ck_assert_int_eq(DELTA(a, b, pf_taken), 1);
	ck_assert_int_eq(DELTA(a, b, pf_mmio_spte_created), 1);
	ck_assert_int_eq(DELTA(a, b, pf_emulate), 1);

	ck_assert_int_eq(fault(&r, G0 + 0xa05000, ERR_READ), FIXED);
	b = stats(&r);
	ck_assert_int_eq(fault(&r, G0 + 0xa05000, TDPSIM_PFERR_RSVD), RETRY);
	c = stats(&r);
	ck_assert_int_eq(DELTA(b, c, pf_taken), 0);
	ck_assert_int_eq(DELTA(b, c, pf_fixed) + DELTA(b, c, pf_spurious) +
			 DELTA(b, c, pf_emulate), 0);
	tdpsim_sim_free(r.sim);
}
END_TEST

/* kvm_mmu_slot_apply_flags, kvm_mmu_recover_huge_pages (6.13+): turning logging off runs
 * kvm_mmu_recover_huge_pages: the 4K table a fault made while logging is replaced by a huge leaf
 * built from its present leaf, at once, and the memslot's TLBs are flushed.  A read there is then
 * SPURIOUS. */
START_TEST(logging_off_recovers_huge_pages_in_place)
{
	struct run r;
	tdpsim_stats a, b;

	start_2m(&r, NX_OFF);
	dirty_log(&r, 1);
	ck_assert_int_eq(fault(&r, G0 + 0xa01000, ERR_READ), FIXED);
	a = stats(&r);
	ck_assert_uint_eq(a.pages_4k, 1);
	dirty_log(&r, 0);
	b = stats(&r);
	ck_assert_msg(b.pages_2m == 1 && b.pages_4k == 0 && DELTA(a, b, tdp_mmu_pages) == -1,
		      "after logging off: pages_4k %" PRIu64 " pages_2m %" PRIu64 " tdp_mmu_pages "
		      "delta %" PRId64 "; KVM 6.13+ recovers the 2M leaf in place: 0, 1, -1 "
		      "(kvm_mmu_recover_huge_pages)", b.pages_4k, b.pages_2m, DELTA(a, b, tdp_mmu_pages));
	ck_assert_int_eq(DELTA(a, b, remote_tlb_flush_requests), 1);
	ck_assert_int_eq(fault(&r, G0 + 0xa05000, ERR_READ), SPURIOUS);
	tdpsim_sim_free(r.sim);
}
END_TEST

/* kvm_mmu_slot_apply_flags, kvm_tdp_mmu_try_split_huge_pages: turning logging on
 * (eager_page_split=1, the default; manual protect off) splits the slot's huge leaves to 4K at once
 * - 512 untagged, untracked children - write-protects (or, with PML, cleans) them, and always
 * flushes. */
START_TEST(logging_on_splits_eagerly_and_flushes)
{
	struct run r;
	tdpsim_stats a, b;

	start_2m(&r, NX_ON);
	ck_assert_int_eq(fault(&r, G0 + 0xa05000, ERR_READ), FIXED);
	a = stats(&r);
	dirty_log(&r, 1);
	b = stats(&r);
	ck_assert_msg(DELTA(a, b, pages_2m) == -1 && DELTA(a, b, pages_4k) == 512,
		      "logging on: pages_2m delta %" PRId64 ", pages_4k delta %" PRId64 "; KVM's "
		      "eager split: -1, +512 (kvm_mmu_slot_apply_flags)", DELTA(a, b, pages_2m),
		      DELTA(a, b, pages_4k));
	ck_assert_int_eq(DELTA(a, b, nx_lpage_splits), 0);
	ck_assert_int_eq(DELTA(a, b, remote_tlb_flush_requests), 1);
	tdpsim_sim_free(r.sim);
}
END_TEST

static Suite *kvm_decisions_suite(void)
{
	Suite *s = suite_create("kvm_hugepage_decisions");
	TCase *table = tcase_create("table");
	TCase *single = tcase_create("single");
	TCase *bugs = tcase_create("dirty_log_toggle");

	tcase_set_timeout(table, 120);
	tcase_set_timeout(bugs, 120);
	tcase_set_tags(bugs, "dirty_log_toggle");
	tcase_add_loop_test(table, kvm_hugepage_decision_rows, 0, count_rows(0));
	tcase_add_test(single, exec_fault_on_a_2m_leaf_under_nx_splits_it_in_place_without_a_flush);
	tcase_add_test(single, exec_fault_in_1g_backed_memory_tracks_two_sps);
	tcase_add_test(single, read_after_the_exec_split_is_spurious_on_the_slow_path);
	tcase_add_test(single, access_after_the_exec_split_takes_no_ept_violation);
	tcase_add_test(single, write_to_a_zero_page_spte_retries_after_cow_then_maps_writable);
	tcase_add_test(single,
		       fault_outside_every_memslot_makes_an_mmio_spte_then_rsvd_emulates_uncounted);
	tcase_add_test(single, rsvd_fault_on_a_stale_mmio_spte_rebuilds_it_and_without_one_retries);
	tcase_add_test(single, a_huge_leaf_over_a_table_is_dirty_except_from_5_16_to_the_6_13_leaf_fix);
	tcase_add_loop_test(bugs, logging_off_recovers_huge_pages_in_place_rows, 0,
			    count_rows(1));
	tcase_add_test(bugs, logging_off_recovers_huge_pages_in_place);
	tcase_add_test(bugs, logging_on_splits_eagerly_and_flushes);
	suite_add_tcase(s, table);
	suite_add_tcase(s, single);
	suite_add_tcase(s, bugs);
	return s;
}

CHECK_MAIN(kvm_decisions_suite)
