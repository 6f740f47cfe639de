/* SPDX-License-Identifier: MIT */
/*
 * Each event on the machine (sim_dispatch), checked before anything changes so that a
 * rejected event leaves the machine as it was, and --check's invariants after it; applying
 * one (tdpsim_sim_apply) and replaying a trace (tdpsim_sim_replay), whose compact accesses
 * go straight to the access path in this file.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "kvm/dirty_log.h"
#include "kvm/mmu.h"
#include "kvm/nested.h"
#include "kvm/nx_recovery.h"
#include "sim_internal.h"
#include "trace/reader.h"

#define PROGRESS_EVERY 65536        /* events between progress callbacks ... */
#define PROGRESS_ACCESSES (1u << 20) /* ... or accesses, whichever comes first */

/* The simulated clock's end (dispatch of advance). */
#define SIM_CLOCK_MAX_NS (1ull << 63)

static int check_vcpu(const tdpsim_sim *sim, uint32_t vcpu)
{
	if (vcpu >= sim->settings.s[SET_VCPUS].v)
		return err_set(TDPSIM_EINPUT, "vcpu %u does not exist (vcpus=%" PRIu64 ")", vcpu,
			       sim->settings.s[SET_VCPUS].v);
	return 0;
}

static int check_aligned(const char *what, uint64_t a, uint64_t b, uint64_t c, uint64_t align)
{
	if ((a | b | c) & (align - 1))
		return err_set(TDPSIM_EINPUT, "%s: addresses and size must be multiples of 0x%" PRIx64,
			       what, align);
	return 0;
}

/* Without a branch on the kind (see entry_permits in cpu/vcpu.c). */
static void count_accesses(tdpsim_sim *sim, uint32_t op, uint64_t n)
{
	sim->stats.accesses += n;
	sim->stats.accesses_read += n * (op == TDPSIM_OP_READ);
	sim->stats.accesses_write += n * (op == TDPSIM_OP_WRITE);
	sim->stats.accesses_exec += n * (op == TDPSIM_OP_EXEC);
}

static void sync_memslot_stats(tdpsim_sim *sim)
{
	sim->stats.memslots = sim->machine.kvm.memslots.n;
	sim->stats.memslot_pages = sim->machine.kvm.memslots.npages;
}

/* `backing`: the VMA its kind and QEMU's properties make; prealloc=on is QEMU's populate. */
static int do_backing(tdpsim_sim *sim, const tdpsim_event *ev)
{
	struct host_vma vma;
	int rc;

	if ((rc = host_backing_resolve(ev->u.backing.kind, ev->u.backing.share,
				       ev->u.backing.hugetlb, ev->u.backing.hugetlbsize,
				       ev->u.backing.fs, ev->u.backing.huge, &vma)) != 0)
		return rc;
	return host_backing_add(sim->machine.host, ev->u.backing.hva, ev->u.backing.size, &vma,
				ev->u.backing.populate || ev->u.backing.prealloc);
}

static int do_memslot(tdpsim_sim *sim, const tdpsim_event *ev)
{
	int rc = kvm_set_memory_region(&sim->machine.kvm, ev->u.memslot.slot, ev->u.memslot.flags,
				       ev->u.memslot.gpa, ev->u.memslot.size, ev->u.memslot.hva);

	sync_memslot_stats(sim);
	return rc;
}

static int slot_for(tdpsim_sim *sim, uint32_t id, const char *what,
		    struct kvm_memory_slot **out)
{
	*out = memslots_by_id(&sim->machine.kvm.memslots, id);
	if (!*out)
		return err_set(TDPSIM_EINPUT, "%s: memslot %u does not exist", what, id);
	return 0;
}

static int do_dirty_log(tdpsim_sim *sim, const tdpsim_event *ev)
{
	struct kvm_memory_slot *slot;
	int rc = slot_for(sim, ev->u.dirty_log.slot, "dirty-log", &slot);
	uint32_t flags;

	if (rc < 0)
		return rc;
	/* KVM_MR_FLAGS_ONLY: the same region with the flag toggled. */
	flags = ev->u.dirty_log.on ? slot->flags | TDPSIM_MEM_LOG_DIRTY_PAGES
				   : slot->flags & ~TDPSIM_MEM_LOG_DIRTY_PAGES;
	return kvm_set_memory_region(&sim->machine.kvm, slot->id, flags,
				     slot->base_gfn << PAGE_SHIFT, slot->npages << PAGE_SHIFT,
				     slot->userspace_addr);
}

static int do_get_dirty_log(tdpsim_sim *sim, const tdpsim_event *ev)
{
	struct kvm_memory_slot *slot;
	int rc = slot_for(sim, ev->u.get_dirty_log.slot, "get-dirty-log", &slot);

	int64_t n;

	if (rc < 0)
		return rc;
	if ((n = kvm_get_dirty_log(&sim->machine.kvm, slot)) < 0)
		return (int)n;
	sim->stats.dirty_pages = (uint64_t)n;
	return 0;
}

static int do_clear_dirty_log(tdpsim_sim *sim, const tdpsim_event *ev)
{
	uint64_t first = ev->u.clear_dirty_log.first, num = ev->u.clear_dirty_log.num;
	struct kvm_memory_slot *slot;
	int rc = slot_for(sim, ev->u.clear_dirty_log.slot, "clear-dirty-log", &slot);

	if (rc < 0)
		return rc;
	rc = (int)kvm_clear_dirty_log(&sim->machine.kvm, slot, first, num);
	return rc < 0 ? rc : 0;
}

/* The first KVM_RUN: where a 6.13+ kernel creates the NX recovery worker. */
static void vcpu_run(tdpsim_sim *sim)
{
	if (!sim->machine.kvm.nx_worker_started)
		kvm_nx_recovery_start(&sim->machine.kvm, sim->clock.now);
}

static int do_access(tdpsim_sim *sim, uint32_t vcpu, uint64_t gva, uint32_t op, uint32_t cpl)
{
	vcpu_run(sim);
	int rc = vcpu_access(&sim->machine, vcpu, gva, (int)op, (int)cpl);

	if (rc < 0)
		return rc;
	count_accesses(sim, op, 1);
	if (sim->stats.accesses >= sim->timeline.next_access)
		timeline_cross(&sim->timeline, sim);
	if (rc == VCPU_MACHINE_CHECK) { /* MCACOD 0x150: the VM is gone */
		sim->halted = true;
		sim->halt_event = sim->stats.events;
		sim->halt_vcpu = vcpu;
		sim->halt_gva = gva;
		sim->stats.machine_checks = 1;
	}
	return 0;
}

/* An access event, from tdpsim_sim_apply or straight from a compact binary record. */
static int apply_access(tdpsim_sim *sim, uint32_t vcpu, uint64_t gva, uint32_t op, uint32_t cpl)
{
	int rc = check_vcpu(sim, vcpu);

	return rc < 0 ? rc : do_access(sim, vcpu, gva, op, cpl);
}

/* Inside a sweep under tdpsim_sim_replay: the progress callback every PROGRESS_ACCESSES
 * accesses, so that one event standing for 2^40 accesses still reports (and can be stopped:
 * the sweep then ends where it is, the events before it applied). */
static int sweep_progress(tdpsim_sim *sim)
{
	if (!sim->progress.cb ||
	    !sim->progress.cb(sim->progress.events, tdpsim_trace_bytes_read(sim->progress.trace),
			      tdpsim_trace_size(sim->progress.trace), sim->progress.payload))
		return 0;
	return err_set(TDPSIM_ECANCELED, "sweep: replay stopped by the caller, %" PRIu64
		       " accesses in", sim->stats.accesses);
}

static int do_sweep(tdpsim_sim *sim, const tdpsim_event *ev)
{
	const typeof(ev->u.sweep) *sw = &ev->u.sweep;
	uint64_t done = 0;

	for (uint64_t r = 0; r < sw->repeat; r++)
		for (uint64_t off = 0; off < sw->len; off += sw->stride) {
			int rc = do_access(sim, sw->vcpu, sw->gva + off, sw->op, sw->cpl);

			if (rc < 0)
				return rc;
			if (sim->halted)
				return 0;
			if (++done % PROGRESS_ACCESSES == 0 && (rc = sweep_progress(sim)) < 0)
				return rc;
		}
	return 0;
}

/* A recorded fault is an EPT violation the vCPU took: its exit and KVM's work are the
 * vCPU's cycles, as for one met on the access path. */
/*
 * An L1 guest-physical range the guest itself names (its page tables, its PTEs' targets, a
 * recorded EPT violation): it lies below 2^MAXPHYADDR of the guest's CPUID.  Above, the
 * guest's own PTEs would set reserved bits (a #PF(RSVD) where the processor checks them);
 * a guest OS makes no such mapping, and what the hardware does with one under EPT (the
 * host's wider MAXPHYADDR: allow_smaller_maxphyaddr's territory) is not modelled.
 */
static int check_guest_gpa(const tdpsim_sim *sim, const char *what, uint64_t gpa,
			   uint64_t size)
{
	unsigned bits = sim->machine.kvm.guest_maxphyaddr;
	uint64_t top = 1ull << bits;

	if (gpa >= top || size > top - gpa)
		return err_set(TDPSIM_EINPUT, "%s: gpa 0x%" PRIx64 "..0x%" PRIx64 " reaches above "
			       "the guest's MAXPHYADDR (%u bits, guest_maxphyaddr): its own page "
			       "tables could not map it", what, gpa, gpa + size, bits);
	return 0;
}

static int do_fault(tdpsim_sim *sim, const tdpsim_event *ev)
{
	vcpu_run(sim);
	if (!sim->machine.kvm.tdp_enabled && !ev->u.fault.has_gva)
		return err_set(TDPSIM_EINPUT, "fault: under mmu=shadow a fault is a #PF at a gva: "
			       "give gva=");
	/* kvm_handle_page_fault: "legacy #PF exceptions only have a 32-bit error code" (KVM
	 * WARNs and drops the rest); bits 32 and up belong to EPT violations and #NPF. */
	if (!sim->machine.kvm.tdp_enabled && ev->u.fault.err_hi)
		return err_set(TDPSIM_EINPUT, "fault: err=0x%" PRIx64 " has bits above 31, but under "
			       "mmu=shadow a fault is a #PF, whose error code has 32 bits",
			       TDPSIM_FAULT_ERR(ev));
	if (sim->machine.kvm.tdp_enabled && !sim->machine.vcpus[ev->u.fault.vcpu].in_l2) {
		int rc = check_guest_gpa(sim, "fault", ev->u.fault.gpa, PAGE_SIZE);

		if (rc < 0)
			return rc;
	}
	int rc = vcpu_ept_fault(&sim->machine, ev->u.fault.vcpu,
				sim->machine.kvm.tdp_enabled ? ev->u.fault.gpa : ev->u.fault.gva,
				TDPSIM_FAULT_ERR(ev));

	if (rc >= 0)
		sim->stats.recorded_faults++;
	return rc < 0 ? rc : 0;
}

/* ---- nested virtualization (trace format version 2) ---- */

/* L1's hypervisor runs L2 on EPT: here L1 itself runs on EPT (mmu=tdp). */
static int check_nested(const tdpsim_sim *sim, const char *what)
{
	if (!sim->machine.kvm.tdp_enabled)
		return err_set(TDPSIM_EINPUT, "%s: nested virtualization is modelled with EPT "
			       "(mmu=tdp): L2 on shadow EPT over L1's EPT, not under mmu=shadow",
			       what);
	return 0;
}

/* A store of L1 to its own memory - its tables, its EPT12 - is made by a vCPU running L1. */
static int check_l1_runs(const tdpsim_sim *sim, const char *what)
{
	for (unsigned v = 0; v < sim->machine.nr_vcpus; v++)
		if (!sim->machine.vcpus[v].in_l2)
			return 0;
	return err_set(TDPSIM_EINPUT, "%s: every vCPU runs L2, and this is L1's store to its "
		       "memory (l2-exit a vCPU first)", what);
}

static int check_level(const tdpsim_sim *sim, uint32_t vcpu, bool l2, const char *what)
{
	int rc = check_vcpu(sim, vcpu);

	if (rc < 0)
		return rc;
	if (sim->machine.vcpus[vcpu].in_l2 != l2)
		return err_set(TDPSIM_EINPUT, "%s: vcpu %u runs %s", what, vcpu,
			       l2 ? "L1, not L2 (l2-enter it first)" : "L2, not L1 (l2-exit it first)");
	return 0;
}

/* The guest memory a guest-pt or guest-map of `l2` goes to: L1's, or L2's own. */
static int guest_of(tdpsim_sim *sim, uint32_t l2, const char *what, struct guest_mm **g)
{
	int rc;

	*g = sim->machine.guest;
	if (!l2)
		return 0;
	if ((rc = check_nested(sim, what)) < 0)
		return rc;
	return machine_l2_guest(&sim->machine, g);
}

/* Stores that reach KVM through the guest-store hook (an EPT12 table KVM shadows) report a
 * failure by store_failed, with its error set. */
static int l1_stores_done(tdpsim_sim *sim, int rc)
{
	if (rc >= 0 && sim->machine.store_failed)
		rc = tdpsim_error_last()->code;
	sim->machine.store_failed = false;
	return rc;
}

static int do_guest_map(tdpsim_sim *sim, const tdpsim_event *ev)
{
	const typeof(ev->u.guest_map) *gm = &ev->u.guest_map;
	struct guest_mm *g;
	int rc = check_aligned("guest-map", gm->gva, gm->gpa, gm->size,
			       level_size((int)gm->page_level));

	if (rc < 0 || (rc = guest_of(sim, gm->l2, "guest-map", &g)) < 0)
		return rc;
	if (!gm->l2 && sim->machine.l2_guest && (rc = check_l1_runs(sim, "guest-map")) < 0)
		return rc;
	if (!gm->l2 && (rc = check_guest_gpa(sim, "guest-map", gm->gpa, gm->size)) < 0)
		return rc;
	rc = guest_map(g, gm->cr3, gm->gva, gm->gpa, gm->size, (int)gm->page_level, gm->prot,
		       (int)gm->user, (int)gm->ad);
	return l1_stores_done(sim, rc);
}

static int do_guest_pt(tdpsim_sim *sim, const tdpsim_event *ev)
{
	struct guest_mm *g;
	int rc = guest_of(sim, ev->u.guest_pt.l2, "guest-pt", &g);

	if (rc == 0 && !ev->u.guest_pt.l2)
		rc = check_guest_gpa(sim, "guest-pt", ev->u.guest_pt.gpa, ev->u.guest_pt.size);
	return rc < 0 ? rc : guest_pt_add(g, ev->u.guest_pt.gpa, ev->u.guest_pt.size);
}

static int do_ept12_map(tdpsim_sim *sim, const tdpsim_event *ev)
{
	const typeof(ev->u.ept12_map) *em = &ev->u.ept12_map;
	int rc;

	if ((rc = check_nested(sim, "ept12-map")) < 0 ||
	    (rc = check_aligned("ept12-map", em->l2gpa, em->gpa, em->size,
				level_size((int)em->page_level))) < 0 ||
	    (rc = check_l1_runs(sim, "ept12-map")) < 0)
		return rc;
	rc = guest_ept12_map(sim->machine.guest, em->ept, em->l2gpa, em->gpa, em->size,
			     (int)em->page_level, em->prot, (int)em->ad);
	return l1_stores_done(sim, rc);
}

/* vmcs12's EPTP for EPT12 number `ept`: its root, write-back, 4 levels, A/D if `ad`
 * (what nested_vmx_check_eptp accepts). */
static uint64_t eptp_of(uint64_t root_gpa, uint32_t ad)
{
	return root_gpa | VMX_EPTP_MT_WB | VMX_EPTP_PWL_4 | (ad ? VMX_EPTP_AD_ENABLE_BIT : 0);
}

static int do_l2_enter(tdpsim_sim *sim, const tdpsim_event *ev)
{
	const typeof(ev->u.l2_enter) *le = &ev->u.l2_enter;
	struct guest_mm *l2;
	uint64_t root;
	int rc;

	if ((rc = check_nested(sim, "l2-enter")) < 0 ||
	    (rc = check_level(sim, le->vcpu, false, "l2-enter")) < 0)
		return rc;
	if (!guest_ept_root_find(sim->machine.guest, le->ept, &root))
		return err_set(TDPSIM_EINPUT, "l2-enter: EPT12 ept=%u has no tables (ept12-map "
			       "builds them)", le->ept);
	/* Without EPT A/D KVM offers L1 none (nested_vmx_setup_ctls_msrs), and an EPTP that
	 * enables them fails vmcs12's checks (nested_vmx_check_eptp). */
	if (le->ad && !kvm_ad_enabled(&sim->machine.kvm))
		return err_set(TDPSIM_EINPUT, "l2-enter: ad=1, but with ept_ad=0 KVM offers L1 no "
			       "EPT A/D bits: the VM entry fails nested_vmx_check_eptp");
	if ((rc = machine_l2_guest(&sim->machine, &l2)) < 0)
		return rc;
	vcpu_run(sim);
	return vcpu_l2_enter(&sim->machine, le->vcpu, eptp_of(root, le->ad), le->cr3,
			     (uint16_t)le->vpid);
}

static int do_l2_exit(tdpsim_sim *sim, const tdpsim_event *ev)
{
	int rc = check_level(sim, ev->u.l2_exit.vcpu, true, "l2-exit");

	if (rc < 0)
		return rc;
	return vcpu_l2_exit(&sim->machine, ev->u.l2_exit.vcpu);
}

static int do_invept(tdpsim_sim *sim, const tdpsim_event *ev)
{
	const typeof(ev->u.invept) *iv = &ev->u.invept;
	uint64_t root = 0;
	int type = iv->type == TDPSIM_INVEPT_GLOBAL ? VMX_EPT_EXTENT_GLOBAL : VMX_EPT_EXTENT_CONTEXT;
	int rc;

	if ((rc = check_nested(sim, "invept")) < 0 ||
	    (rc = check_level(sim, iv->vcpu, false, "invept")) < 0)
		return rc;
	/* A single-context INVEPT of an EPTP never built matches no root. */
	if (type == VMX_EPT_EXTENT_CONTEXT &&
	    !guest_ept_root_find(sim->machine.guest, iv->ept, &root))
		type = VMX_EPT_EXTENT_NONE;
	return vcpu_invept(&sim->machine, iv->vcpu, type, eptp_of(root, 1));
}

static int do_mark(tdpsim_sim *sim, const tdpsim_event *ev)
{
	const char *text = ev->u.mark.label ? ev->u.mark.label : "";
	size_t len = strlen(text) + 1;
	char *label = mem_malloc(&sim->mem, MEM_MARKS, len);
	struct mark *m;

	if (!label)
		return tdpsim_error_last()->code;
	memcpy(label, text, len);
	if (sim_grow(sim, (void **)&sim->marks, &sim->cap_marks, sim->nmarks,
		     sizeof(*sim->marks)) < 0) {
		mem_free(&sim->mem, MEM_MARKS, label, len);
		return tdpsim_error_last()->code;
	}
	m = &sim->marks[sim->nmarks++];
	m->label = label;
	m->settings = sim->settings;
	sim_stats_now(sim, &m->stats);
	m->stats.events++; /* the mark counts itself, as the final stats will */
	return 0;
}

/* Validate and apply the event; machine-shape settings are fixed after the first of these. */
static int dispatch(tdpsim_sim *sim, const tdpsim_event *ev)
{
	int rc = 0;

	switch (ev->cmd) {
	case TDPSIM_CMD_SET:
		if (!ev->u.set.key || !ev->u.set.value)
			return err_set(TDPSIM_EINVAL, "set: key or value is NULL");
		return sim_apply_setting(sim, ev->u.set.key, ev->u.set.value, 0);
	case TDPSIM_CMD_MARK:
		return do_mark(sim, ev);
	case TDPSIM_CMD_ADVANCE:
		/* The clock never wraps: it stops short of 2^63 ns (292 years), which leaves every
		 * worker's next wake-up (now + a period of at most 2^32 ms) representable. */
		if (ev->u.advance.ns > SIM_CLOCK_MAX_NS - sim->clock.now)
			return err_set(TDPSIM_EINPUT, "advance: the simulated clock would pass 2^63 ns "
				       "(it is at %" PRIu64 " ns; a trace's advances add up to 2^63 ns "
				       "at most)", sim->clock.now);
		timeline_advance(&sim->timeline, sim, &sim->clock, ev->u.advance.ns,
				 &sim->stats.sim_ns);
		sim->stats.sim_ns = sim->clock.now;
		return 0;
	default:
		break;
	}
	if (!sim->started && (rc = machine_start(sim)) < 0)
		return rc;
	switch (ev->cmd) {
	case TDPSIM_CMD_MEMSLOT:
		return do_memslot(sim, ev);
	case TDPSIM_CMD_BACKING:
		return do_backing(sim, ev);
	case TDPSIM_CMD_GUEST_PT:
		return do_guest_pt(sim, ev);
	case TDPSIM_CMD_GUEST_MAP:
		return do_guest_map(sim, ev);
	case TDPSIM_CMD_ACCESS:
		return apply_access(sim, ev->u.access.vcpu, ev->u.access.gva, ev->u.access.op,
				    ev->u.access.cpl);
	case TDPSIM_CMD_SWEEP:
		if ((rc = check_vcpu(sim, ev->u.sweep.vcpu)) < 0)
			return rc;
		return do_sweep(sim, ev);
	case TDPSIM_CMD_FAULT:
		if ((rc = check_vcpu(sim, ev->u.fault.vcpu)) < 0)
			return rc;
		return do_fault(sim, ev);
	case TDPSIM_CMD_DIRTY_LOG:
		return do_dirty_log(sim, ev);
	case TDPSIM_CMD_GET_DIRTY_LOG:
		return do_get_dirty_log(sim, ev);
	case TDPSIM_CMD_CLEAR_DIRTY_LOG:
		return do_clear_dirty_log(sim, ev);
	case TDPSIM_CMD_HOST_MADVISE: /* the host mm changes; KVM hears of it by the notifier */
		return host_madvise(sim->machine.host, ev->u.host_madvise.hva,
				    ev->u.host_madvise.size, ev->u.host_madvise.advice);
	case TDPSIM_CMD_HOST_MUNMAP:
		return host_munmap(sim->machine.host, ev->u.host_munmap.hva, ev->u.host_munmap.size);
	case TDPSIM_CMD_HOST_AGE: {
		struct host_age_result r;

		return host_age(sim->machine.host, ev->u.host_age.hva, ev->u.host_age.size,
				(int)ev->u.host_age.op, &r);
	}
	case TDPSIM_CMD_GPTE: { /* a guest store: EPT (and so dirty logging) sees it first */
		struct guest_mm *g;
		uint32_t cr3;
		uint64_t gpa;

		if ((rc = check_vcpu(sim, ev->u.gpte.vcpu)) < 0)
			return rc;
		/* the tables of the level the vCPU runs: L2's own (L2 gpas) while it runs L2 */
		g = sim->machine.vcpus[ev->u.gpte.vcpu].guest;
		cr3 = sim->machine.vcpus[ev->u.gpte.vcpu].cr3;
		if ((rc = guest_pte_gpa(g, cr3, ev->u.gpte.gva, (int)ev->u.gpte.level, &gpa)) < 0)
			return rc;
		if (sim->machine.kvm.tdp_enabled)
			rc = vcpu_store_gpa(&sim->machine, ev->u.gpte.vcpu, gpa,
					    ev->u.gpte.value);
		else
			rc = vcpu_shadow_gpte_store(&sim->machine, ev->u.gpte.vcpu, gpa,
						    ev->u.gpte.value);
		if (rc != 0) /* an error, or L2's store reflected to L1 (not done) */
			return rc < 0 ? rc : 0;
		return guest_write_pte(g, cr3, ev->u.gpte.gva, (int)ev->u.gpte.level,
				       ev->u.gpte.value);
	}
	case TDPSIM_CMD_INVLPG:
		if ((rc = check_vcpu(sim, ev->u.invlpg.vcpu)) < 0)
			return rc;
		vcpu_invlpg(&sim->machine, ev->u.invlpg.vcpu, ev->u.invlpg.gva);
		return 0;
	case TDPSIM_CMD_CR3:
		if ((rc = check_vcpu(sim, ev->u.cr3.vcpu)) < 0)
			return rc;
		return vcpu_load_cr3(&sim->machine, ev->u.cr3.vcpu, (uint32_t)ev->u.cr3.value);
	case TDPSIM_CMD_EPT12_MAP:
		return do_ept12_map(sim, ev);
	case TDPSIM_CMD_L2_ENTER:
		return do_l2_enter(sim, ev);
	case TDPSIM_CMD_L2_EXIT:
		return do_l2_exit(sim, ev);
	case TDPSIM_CMD_INVEPT:
		return do_invept(sim, ev);
	default:
		return err_set(TDPSIM_EINVAL, "unknown command %d", (int)ev->cmd);
	}
}

/* --check: what must hold after every event. */
static int check_invariants(const tdpsim_sim *sim)
{
	const tdpsim_stats *s = &sim->stats;
	const struct kvm_memslots *ms = &sim->machine.kvm.memslots;
	const char *msg = sim->started ? memslots_check(ms) : NULL;
	int rc;

	if (msg)
		return err_set(TDPSIM_EINTERNAL, "check: %s", msg);
	if (sim->started && (s->memslots != ms->n || s->memslot_pages != ms->npages))
		return err_set(TDPSIM_EINTERNAL, "check: memslot stats differ from a recount");
	if (sim->started && (rc = kvm_mmu_check(&sim->machine.kvm)) < 0)
		return rc;
	if (sim->started && (rc = vcpu_check_tlbs(&sim->machine)) < 0)
		return rc;
	if (s->accesses != s->accesses_read + s->accesses_write + s->accesses_exec)
		return err_set(TDPSIM_EINTERNAL, "check: accesses differ from their sum by kind");
	if (s->sim_ns != sim->clock.now)
		return err_set(TDPSIM_EINTERNAL, "check: sim_ns differs from the clock");
	return 0;
}

int tdpsim_sim_apply(tdpsim_sim *sim, const tdpsim_event *ev)
{
	int rc;

	if (!sim || !ev)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_apply: bad argument");
	if (sim->halted)
		return err_set(TDPSIM_EHALTED, "the machine is halted by a machine check (event %llu, "
			       "vcpu %u, gva 0x%llx): no further events run",
			       (unsigned long long)sim->halt_event, sim->halt_vcpu,
			       (unsigned long long)sim->halt_gva);
	if ((rc = sim_budget_check(sim, ev)) < 0)
		return rc;
	rc = dispatch(sim, ev);
	if (rc < 0)
		return rc;
	sim->stats.events++;
	if (sim->check && (rc = check_invariants(sim)) < 0)
		return rc;
	if (sim->hooks.on_event)
		sim->hooks.on_event(sim->stats.events - 1, ev, sim->hooks.payload);
	if (ev->cmd == TDPSIM_CMD_MARK && sim->hooks.on_mark) {
		const struct mark *m = &sim->marks[sim->nmarks - 1];

		sim->hooks.on_mark(m->label, &m->stats, sim->hooks.payload);
	}
	if (sim->stats.events >= sim->timeline.next_event)
		timeline_cross(&sim->timeline, sim);
	return 0;
}

static int64_t replay_events(tdpsim_sim *sim, tdpsim_trace *trace, tdpsim_progress_cb cb,
			     void *payload)
{
	uint64_t reported_accesses = 0;
	tdpsim_event ev;
	int64_t n = 0;
	int rc;

	for (;;) {
		struct trace_access a;

		/* A compact access record goes straight to the access path, without an event:
		 * what tdpsim_sim_apply would do for it, when nothing needs the event (no
		 * on_event hook, no --check) and the machine runs. */
		if (sim->started && !sim->halted && !sim->check && !sim->hooks.on_event &&
		    trace_next_access(trace, &a)) {
			rc = sim_budget_access(sim);
			if (rc >= 0)
				rc = apply_access(sim, a.vcpu, a.gva, a.op, a.cpl);
			if (rc >= 0 && ++sim->stats.events >= sim->timeline.next_event)
				timeline_cross(&sim->timeline, sim);
		} else {
			rc = tdpsim_trace_next(trace, &ev);
			if (rc <= 0)
				break;
			rc = tdpsim_sim_apply(sim, &ev);
		}
		if (rc < 0) {
			err_prefix(tdpsim_trace_where(trace));
			return rc;
		}
		sim->progress.events = (uint64_t)++n;
		if (sim->halted)
			break; /* a machine check: later events do not run */
		/* Report every so many events, or after a sweep of many accesses: a few events
		 * can stand for millions of accesses. */
		if (cb && (n % PROGRESS_EVERY == 0 ||
			   sim->stats.accesses - reported_accesses >= PROGRESS_ACCESSES)) {
			reported_accesses = sim->stats.accesses;
			if (cb((uint64_t)n, tdpsim_trace_bytes_read(trace), tdpsim_trace_size(trace),
			       payload))
				return err_set(TDPSIM_ECANCELED, "%s: replay stopped by the caller",
					       tdpsim_trace_where(trace));
		}
	}
	if (rc < 0)
		return rc;
	if (cb)
		cb((uint64_t)n, tdpsim_trace_bytes_read(trace), tdpsim_trace_size(trace), payload);
	return n;
}

int64_t tdpsim_sim_replay(tdpsim_sim *sim, tdpsim_trace *trace, tdpsim_progress_cb cb,
			  void *payload)
{
	int64_t n;

	if (!sim || !trace)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_replay: bad argument");
	sim_set_trace_dir(sim, trace->name); /* where its `set kvm=PATH` may read */
	sim->progress.cb = cb;                /* for the accesses inside a sweep */
	sim->progress.payload = payload;
	sim->progress.trace = trace;
	sim->progress.events = 0;
	n = replay_events(sim, trace, cb, payload);
	sim->progress.cb = NULL;
	return n;
}
