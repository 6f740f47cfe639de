/* SPDX-License-Identifier: MIT */
/*
 * The machine: owns every part, applies events in order, keeps the clock, the marks and the
 * stats, and computes the digest.  Each event is checked before anything changes, so a
 * rejected event leaves the machine as it was.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/digest.h"
#include "core/error.h"
#include "cpu/model.h"
#include "kvm/dirty_log.h"
#include "kvm/nx_recovery.h"
#include "kvm/tdp_mmu.h"
#include "machine.h"
#include "settings.h"
#include "timeline.h"
#include "trace/reader.h"
#include "tdpsim/tdpsim.h"

#define PROGRESS_EVERY 65536        /* events between progress callbacks ... */
#define PROGRESS_ACCESSES (1u << 20) /* ... or accesses, whichever comes first */

struct mark {
	char *label;
	tdpsim_stats stats;
};

struct tdpsim_sim {
	struct settings settings;
	int check;
	int started; /* an event has used the machine: machine settings are fixed now */
	struct clock clock;
	struct machine machine; /* its parts exist once started */
	tdpsim_stats stats;
	struct mark *marks;
	size_t nmarks, cap_marks;
	char **notices;
	size_t nnotices, cap_notices;
	tdpsim_hooks hooks;
	char valbuf[SET__COUNT][24]; /* numeric settings as text */
	tdpsim_hugepage_policy_fn policy;
	void *policy_payload;
	tdpsim_multihit_fn multihit;
	void *multihit_payload;
	/* a machine check halted the machine: where */
	bool halted;
	uint64_t halt_event;
	unsigned halt_vcpu;
	uint64_t halt_gva;
	struct timeline timeline; /* sampling at interval boundaries (timeline.c) */
};

/* ---- small helpers ---- */

static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	void *p;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? 2 * *cap : 8;
	p = realloc(*arr, c * elem);
	if (!p)
		return err_set(TDPSIM_ENOMEM, "out of memory");
	*arr = p;
	*cap = c;
	return 0;
}

static int add_notice(tdpsim_sim *sim, const char *msg)
{
	char *copy = strdup(msg);

	if (!copy || grow((void **)&sim->notices, &sim->cap_notices, sim->nnotices,
			  sizeof(char *)) < 0) {
		free(copy);
		return err_set(TDPSIM_ENOMEM, "out of memory");
	}
	sim->notices[sim->nnotices++] = copy;
	return 0;
}

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

/* ---- the machine's parts ---- */

/*
 * X86_BUG_ITLB_MULTIHIT, what nx_huge_pages=auto follows (reference 3.1; cpu_set_bug_bits):
 * set unless the CPU is on the NO_ITLB_MULTIHIT whitelist (all AMD) or reports
 * IA32_ARCH_CAPABILITIES.PSCHANGE_MC_NO (Ice Lake and later Intel server parts do; Skylake-SP
 * does not).  Each CPU model says (itlb_multihit in models/cpu/<name>.ini).
 */
static bool cpu_has_itlb_multihit(const char *cpu)
{
	const struct cpu_model *m = cpu_model_lookup(cpu);

	return m && m->itlb_multihit;
}

/* The MMU's view of the settings, refreshed whenever one changes. */
static void machine_refresh_config(tdpsim_sim *sim)
{
	struct kvm *kvm = &sim->machine.kvm;
	struct kvm_config *c = &kvm->config, old = *c;
	const struct settings *st = &sim->settings;
	uint64_t nx = st->s[SET_NX_HUGE_PAGES].v;
	char buf[24];

	c->nx_huge_pages = nx == NX_FORCE ||
			   (nx == NX_AUTO &&
			    cpu_has_itlb_multihit(settings_text(st, SET_CPU, buf, sizeof(buf))));
	c->nx_hard_disabled = nx == NX_NEVER;
	c->disable_nx_huge_pages = st->s[SET_DISABLE_NX_HUGE_PAGES].v != 0;
	c->nx_recovery_ratio = st->s[SET_NX_RECOVERY_RATIO].v;
	c->nx_recovery_period_ms = st->s[SET_NX_RECOVERY_PERIOD_MS].v;
	c->eager_page_split = st->s[SET_EAGER_PAGE_SPLIT].v != 0;
	c->manual_protect = st->s[SET_MANUAL_DIRTY_LOG_PROTECT].v != 0;
	c->pml = st->s[SET_PML].v != 0 && sim->machine.cpu->pml;
	c->initially_set = st->s[SET_MANUAL_DIRTY_LOG_PROTECT].v == 2; /* the word "3" */
	/* set_nx_huge_pages: when the mitigation flips at run time, KVM zaps every mapping of
	 * every VM (kvm_mmu_zap_all_fast), since huge leaves' X bit and the NX tables were
	 * built for the old value (reference 3.3), and wakes the recovery worker. */
	if (kvm->root && old.nx_huge_pages != c->nx_huge_pages && kvm_tdp_mmu_zap_all(kvm))
		kvm_flush_remote_tlbs(kvm);
	if (kvm->root && (old.nx_huge_pages != c->nx_huge_pages ||
			  old.nx_recovery_ratio != c->nx_recovery_ratio ||
			  old.nx_recovery_period_ms != c->nx_recovery_period_ms)) {
		kvm_nx_recovery_params_changed(kvm, sim->clock.now);
		clock_advance(&sim->clock, 0); /* a worker woken now runs now */
	}
}

/* nx_huge_pages=never (6.5+): only while no VM exists, and then final (reference 3.1). */
static int check_nx_write(const tdpsim_sim *sim, int id, uint64_t v)
{
	if (id != SET_NX_HUGE_PAGES && id != SET_NX_RECOVERY_RATIO &&
	    id != SET_NX_RECOVERY_PERIOD_MS)
		return 0;
	if (sim->settings.s[SET_NX_HUGE_PAGES].v == NX_NEVER)
		return err_set(TDPSIM_EINPUT, "nx_huge_pages is 'never' (hard-disabled): KVM "
			       "refuses every later write of %s (EPERM)", tdpsim_setting_name((size_t)id));
	if (id == SET_NX_HUGE_PAGES && v == NX_NEVER && sim->started)
		return err_set(TDPSIM_EINPUT, "nx_huge_pages=never is allowed only while no VM "
			       "exists (KVM: EBUSY)");
	return 0;
}

/* kvm_flush_remote_tlbs: every vCPU flushes its TLBs (INVEPT global) before it runs again,
 * after an IPI kicks it. */
static void machine_flush_tlbs(void *ctx)
{
	struct machine *m = ctx;

	for (unsigned v = 0; v < m->nr_vcpus; v++) {
		tlb_flush_all(m->vcpus[v].tlb);
		m->stats->tlb_flushes++;
		vcpu_charge(m, v, CYC_FLUSH, (uint64_t)m->cpu->cyc_flush + m->cpu->cyc_ipi);
	}
}

/* kvm_arch_sync_dirty_log with PML: every vCPU is kicked (an IPI and a VM exit) and drains
 * its PML buffer on the way out. */
static void machine_kick_vcpus(void *ctx)
{
	struct machine *m = ctx;

	for (unsigned v = 0; v < m->nr_vcpus; v++)
		vcpu_pml_exit(m, v, m->cpu->cyc_ipi);
}

/* The multihit model's settings, refreshed with the others. */
static void machine_refresh_multihit(tdpsim_sim *sim)
{
	struct machine *m = &sim->machine;
	uint64_t mode = sim->settings.s[SET_MULTIHIT].v;

	m->multihit_broad = sim->settings.s[SET_MULTIHIT_RULE].v == MULTIHIT_RULE_BROAD;
	m->multihit_default = mode == MULTIHIT_COUNT ? TDPSIM_MULTIHIT_COUNT
			      : mode == MULTIHIT_MACHINE_CHECK ? TDPSIM_MULTIHIT_MACHINE_CHECK
			      : mode == MULTIHIT_NONE ? TDPSIM_MULTIHIT_IGNORE
			      : m->cpu->itlb_multihit ? TDPSIM_MULTIHIT_MACHINE_CHECK
						      : TDPSIM_MULTIHIT_IGNORE;
	m->multihit_fn = sim->multihit;
	m->multihit_payload = sim->multihit_payload;
}

static void machine_stop(tdpsim_sim *sim)
{
	struct machine *m = &sim->machine;

	if (!sim->started)
		return;
	for (unsigned v = 0; v < m->nr_vcpus; v++)
		tlb_free(m->vcpus[v].tlb);
	kvm_destroy(&m->kvm);
	guest_mm_free(m->guest);
	host_mm_free(m->host);
	free(m->vcpus);
	memset(m, 0, sizeof(*m));
}

/* Build the machine the settings describe, at its first use. */
static int machine_start(tdpsim_sim *sim)
{
	struct machine *m = &sim->machine;
	char buf[24];
	const struct kvm_profile *profile =
		kvm_profile_find(settings_text(&sim->settings, SET_KVM, buf, sizeof(buf)));
	const struct cpu_model *cpu;
	int rc;

	if (sim->settings.s[SET_MMU].v != MMU_TDP)
		return err_set(TDPSIM_EINPUT, "mmu=shadow: the shadow MMU is not simulated yet "
			       "(only mmu=tdp)");
	if (!profile)
		return err_set(TDPSIM_ENOTFOUND, "kvm=%s: no such kernel profile",
			       settings_text(&sim->settings, SET_KVM, buf, sizeof(buf)));
	if (sim->settings.s[SET_TDP_MMU].v == TDP_MMU_OFF ||
	    (sim->settings.s[SET_TDP_MMU].v == TDP_MMU_AUTO && !profile->tdp_mmu_default))
		return err_set(TDPSIM_EINPUT, "kvm=%s runs the legacy MMU for TDP (tdp_mmu=0), "
			       "which is not simulated yet: set tdp_mmu=1", profile->name);
	if (sim->settings.s[SET_NX_HUGE_PAGES].v == NX_NEVER && !profile->nx_never)
		return err_set(TDPSIM_EINPUT, "nx_huge_pages=never does not exist in kvm=%s",
			       profile->name);
	cpu = cpu_model_lookup(settings_text(&sim->settings, SET_CPU, buf, sizeof(buf)));
	if (!cpu)
		return TDPSIM_ENOTFOUND;
	memset(m, 0, sizeof(*m));
	m->stats = &sim->stats;
	vcpu_counters_init(m);
	m->cpu = cpu;
	m->nr_vcpus = (unsigned)sim->settings.s[SET_VCPUS].v;
	m->vcpus = calloc(m->nr_vcpus, sizeof(*m->vcpus));
	if (!m->vcpus)
		return err_set(TDPSIM_ENOMEM, "out of memory for the vCPUs");
	for (unsigned v = 0; v < m->nr_vcpus; v++) {
		m->vcpus[v].vpid = (uint16_t)(v + 1);
		if ((rc = tlb_new(&m->vcpus[v].tlb, cpu)) < 0) {
			while (v-- > 0)
				tlb_free(m->vcpus[v].tlb);
			free(m->vcpus);
			memset(m, 0, sizeof(*m));
			return rc;
		}
	}
	if ((rc = host_mm_new(&m->host)) < 0 ||
	    (rc = guest_mm_new(&m->guest, (int)sim->settings.s[SET_GUEST_PAGING_LEVELS].v)) < 0 ||
	    (rc = kvm_init(&m->kvm, m->host, &sim->stats, m->nr_vcpus, profile)) < 0) {
		guest_mm_free(m->guest);
		host_mm_free(m->host);
		for (unsigned v = 0; v < m->nr_vcpus; v++)
			tlb_free(m->vcpus[v].tlb);
		free(m->vcpus);
		memset(m, 0, sizeof(*m));
		return rc;
	}
	m->kvm.flush_tlbs = machine_flush_tlbs;
	m->kvm.kick_vcpus = machine_kick_vcpus;
	m->kvm.flush_ctx = m;
	m->kvm.hooks = &sim->hooks;
	m->kvm.policy = sim->policy;
	m->kvm.policy_payload = sim->policy_payload;
	m->kvm.clock = &sim->clock;
	sim->started = 1;
	machine_refresh_config(sim);
	machine_refresh_multihit(sim);
	/* The recovery worker: with the VM (<= 6.12), else at the first KVM_RUN. */
	if (!profile->recovery_worker_lazy)
		kvm_nx_recovery_start(&m->kvm, sim->clock.now);
	return 0;
}

/* ---- settings ---- */


static int apply_setting(tdpsim_sim *sim, const char *key, const char *value, int pin)
{
	int id = settings_find(key);
	struct setting_value *sv;
	uint64_t v;
	int rc;

	if (id < 0)
		return err_set(TDPSIM_ENOTFOUND, "unknown setting '%s' (settings: %s)", key,
			       settings_names());
	sv = &sim->settings.s[id];
	if ((rc = settings_parse(id, value, &v)) < 0)
		return rc;
	if (sv->pinned && !pin) {
		char msg[256], cur[24];

		if (!sv->reported) {
			snprintf(msg, sizeof(msg), "the trace sets %s=%s; ignored: pinned to %s", key,
				 value, settings_text(&sim->settings, id, cur, sizeof(cur)));
			if ((rc = add_notice(sim, msg)) < 0)
				return rc;
			sv->reported = 1;
		}
		return 0;
	}
	if (settings_is_machine(id) && sim->started && v != sv->v)
		return err_set(TDPSIM_EINPUT,
			       "%s can only be set before the machine starts "
			       "(before the first memslot, access or other machine event)", key);
	if ((rc = check_nx_write(sim, id, v)) < 0)
		return rc;
	sv->v = v;
	sv->pinned |= pin;
	if (sim->started) {
		machine_refresh_config(sim);
		machine_refresh_multihit(sim);
	}
	return 0;
}

int tdpsim_sim_set(tdpsim_sim *sim, const char *key, const char *value)
{
	if (!sim || !key || !value)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_set: bad argument");
	return apply_setting(sim, key, value, 1);
}

const char *tdpsim_sim_setting_value(const tdpsim_sim *sim, size_t i)
{
	if (!sim || i >= SET__COUNT)
		return NULL;
	return settings_text(&sim->settings, (int)i, ((tdpsim_sim *)sim)->valbuf[i],
			     sizeof(sim->valbuf[i]));
}

int tdpsim_sim_setting_pinned(const tdpsim_sim *sim, size_t i)
{
	return sim && i < SET__COUNT ? sim->settings.s[i].pinned : 0;
}

/* ---- lifecycle ---- */

int tdpsim_sim_new(tdpsim_sim **out, const tdpsim_options *opts)
{
	tdpsim_sim *sim;
	int rc = 0;

	if (!out)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_new: out is NULL");
	*out = NULL;
	if (opts && opts->version != TDPSIM_OPTIONS_VERSION)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_new: options version %u, expected %u "
			       "(use TDPSIM_OPTIONS_INIT)", opts->version, TDPSIM_OPTIONS_VERSION);
	sim = calloc(1, sizeof(*sim));
	if (!sim)
		return err_set(TDPSIM_ENOMEM, "tdpsim_sim_new: out of memory");
	settings_init(&sim->settings);
	timeline_init(&sim->timeline);
	if (clock_init(&sim->clock) < 0) {
		free(sim);
		return TDPSIM_ENOMEM;
	}
	if (opts) {
		char num[24];

		sim->check = opts->check;
		if (opts->mmu && rc == 0)
			rc = apply_setting(sim, "mmu", opts->mmu, 1);
		if (opts->kvm && rc == 0)
			rc = apply_setting(sim, "kvm", opts->kvm, 1);
		if (opts->cpu && rc == 0)
			rc = apply_setting(sim, "cpu", opts->cpu, 1);
		snprintf(num, sizeof(num), "%u", opts->vcpus);
		if (opts->vcpus && rc == 0)
			rc = apply_setting(sim, "vcpus", num, 1);
	}
	if (rc < 0) {
		tdpsim_sim_free(sim);
		return rc;
	}
	*out = sim;
	return 0;
}

void tdpsim_sim_free(tdpsim_sim *sim)
{
	if (!sim)
		return;
	for (size_t i = 0; i < sim->nmarks; i++)
		free(sim->marks[i].label);
	for (size_t i = 0; i < sim->nnotices; i++)
		free(sim->notices[i]);
	free(sim->marks);
	free(sim->notices);
	machine_stop(sim);
	clock_free(&sim->clock);
	free(sim);
}

int tdpsim_sim_set_hooks(tdpsim_sim *sim, const tdpsim_hooks *hooks)
{
	if (!sim)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_set_hooks: sim is NULL");
	if (hooks && hooks->version != TDPSIM_HOOKS_VERSION)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_set_hooks: hooks version %u, expected %u",
			       hooks->version, TDPSIM_HOOKS_VERSION);
	if (hooks)
		sim->hooks = *hooks;
	else
		memset(&sim->hooks, 0, sizeof(sim->hooks));
	return 0;
}

/* ---- the events ---- */

/*
 * The stats as of now.  Two counters are kept off the per-event path and filled in here:
 * the host's 4K frames in use (the host keeps that count), and the cycles of KVM's work that
 * no vCPU fault consumed - work done by the VMM's ioctls or a worker thread, which is left
 * in kvm.work (the sum is the same whenever it is taken: kvm_work_cycles is linear).
 */
static void stats_now(const tdpsim_sim *sim, tdpsim_stats *out)
{
	static const struct kvm_work none;

	*out = sim->stats;
	if (!sim->started)
		return;
	out->host_pages_4k = host_frames_4k(sim->machine.host);
	out->cycles_background += kvm_work_cycles(sim->machine.cpu, &sim->machine.kvm.work,
						  &none);
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

	if (rc < 0)
		return rc;
	if (!(slot->flags & TDPSIM_MEM_LOG_DIRTY_PAGES)) /* KVM: ENOENT, no dirty bitmap */
		return err_set(TDPSIM_EINPUT, "get-dirty-log: memslot %u is not dirty-logged",
			       slot->id);
	sim->stats.dirty_pages = (uint64_t)kvm_get_dirty_log(&sim->machine.kvm, slot);
	return 0;
}

static int do_clear_dirty_log(tdpsim_sim *sim, const tdpsim_event *ev)
{
	uint64_t first = ev->u.clear_dirty_log.first, num = ev->u.clear_dirty_log.num;
	struct kvm_memory_slot *slot;
	int rc = slot_for(sim, ev->u.clear_dirty_log.slot, "clear-dirty-log", &slot);

	if (rc < 0)
		return rc;
	if (!sim->machine.kvm.config.manual_protect) /* KVM: EINVAL */
		return err_set(TDPSIM_EINPUT, "clear-dirty-log needs manual_dirty_log_protect=1 or 3 "
			       "(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2)");
	if (!(slot->flags & TDPSIM_MEM_LOG_DIRTY_PAGES))
		return err_set(TDPSIM_EINPUT, "clear-dirty-log: memslot %u is not dirty-logged",
			       slot->id);
	/* KVM's rules (kvm_clear_dirty_log_protect): 64-page aligned start, whole 64-page
	 * chunks unless the range runs to the end of the slot, and inside the slot. */
	if ((first & 63) || first >= slot->npages || num > slot->npages - first ||
	    (num < slot->npages - first && (num & 63)))
		return err_set(TDPSIM_EINPUT,
			       "clear-dirty-log: pages [%" PRIu64 ", +%" PRIu64 ") do not fit memslot "
			       "%u of %" PRIu64 " pages in 64-page chunks", first, num, slot->id,
			       slot->npages);
	kvm_clear_dirty_log(&sim->machine.kvm, slot, first, num);
	return 0;
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

static int do_sweep(tdpsim_sim *sim, const tdpsim_event *ev)
{
	const typeof(ev->u.sweep) *sw = &ev->u.sweep;

	for (uint64_t r = 0; r < sw->repeat; r++)
		for (uint64_t off = 0; off < sw->len; off += sw->stride) {
			int rc = do_access(sim, sw->vcpu, sw->gva + off, sw->op, sw->cpl);

			if (rc < 0)
				return rc;
			if (sim->halted)
				return 0;
		}
	return 0;
}

/* A recorded fault is an EPT violation the vCPU took: its exit and KVM's work are the
 * vCPU's cycles, as for one met on the access path. */
static int do_fault(tdpsim_sim *sim, const tdpsim_event *ev)
{
	vcpu_run(sim);
	int rc = vcpu_ept_fault(&sim->machine, ev->u.fault.vcpu, ev->u.fault.gpa,
				ev->u.fault.err);

	if (rc >= 0)
		sim->stats.recorded_faults++;
	return rc < 0 ? rc : 0;
}

static int do_cr3(tdpsim_sim *sim, const tdpsim_event *ev)
{
	uint64_t root;
	int rc = guest_root(sim->machine.guest, (uint32_t)ev->u.cr3.value, &root);

	if (rc == 0) { /* MOV CR3 without NOFLUSH: the new PCID's non-global entries go */
		struct vcpu *v = &sim->machine.vcpus[ev->u.cr3.vcpu];

		v->cr3 = (uint32_t)ev->u.cr3.value;
		tlb_flush_pcid_nonglobal(v->tlb, v->vpid, (uint16_t)(v->cr3 & 0xfff));
	}
	return rc;
}

static int do_mark(tdpsim_sim *sim, const tdpsim_event *ev)
{
	char *label = strdup(ev->u.mark.label ? ev->u.mark.label : "");
	struct mark *m;

	if (!label || grow((void **)&sim->marks, &sim->cap_marks, sim->nmarks,
			   sizeof(*sim->marks)) < 0) {
		free(label);
		return err_set(TDPSIM_ENOMEM, "mark: out of memory");
	}
	m = &sim->marks[sim->nmarks++];
	m->label = label;
	stats_now(sim, &m->stats);
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
		return apply_setting(sim, ev->u.set.key, ev->u.set.value, 0);
	case TDPSIM_CMD_MARK:
		return do_mark(sim, ev);
	case TDPSIM_CMD_ADVANCE:
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
		return host_backing_add(sim->machine.host, ev->u.backing.hva, ev->u.backing.size,
					ev->u.backing.kind, (int)ev->u.backing.populate);
	case TDPSIM_CMD_GUEST_PT:
		return guest_pt_add(sim->machine.guest, ev->u.guest_pt.gpa, ev->u.guest_pt.size);
	case TDPSIM_CMD_GUEST_MAP:
		if ((rc = check_aligned("guest-map", ev->u.guest_map.gva, ev->u.guest_map.gpa,
					ev->u.guest_map.size,
					level_size((int)ev->u.guest_map.page_level))) < 0)
			return rc;
		return guest_map(sim->machine.guest, ev->u.guest_map.cr3, ev->u.guest_map.gva,
				 ev->u.guest_map.gpa, ev->u.guest_map.size,
				 (int)ev->u.guest_map.page_level, ev->u.guest_map.prot,
				 (int)ev->u.guest_map.user, (int)ev->u.guest_map.ad);
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
	case TDPSIM_CMD_GPTE:
		if ((rc = check_vcpu(sim, ev->u.gpte.vcpu)) < 0)
			return rc;
		return guest_write_pte(sim->machine.guest, sim->machine.vcpus[ev->u.gpte.vcpu].cr3,
				       ev->u.gpte.gva, (int)ev->u.gpte.level, ev->u.gpte.value);
	case TDPSIM_CMD_INVLPG: { /* not intercepted with EPT: the TLB acts alone (7.3) */
		struct vcpu *v;

		if ((rc = check_vcpu(sim, ev->u.invlpg.vcpu)) < 0)
			return rc;
		v = &sim->machine.vcpus[ev->u.invlpg.vcpu];
		tlb_invlpg(v->tlb, ev->u.invlpg.gva, v->vpid, (uint16_t)(v->cr3 & 0xfff));
		return 0;
	}
	case TDPSIM_CMD_CR3:
		if ((rc = check_vcpu(sim, ev->u.cr3.vcpu)) < 0)
			return rc;
		return do_cr3(sim, ev);
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

int64_t tdpsim_sim_replay(tdpsim_sim *sim, tdpsim_trace *trace, tdpsim_progress_cb cb,
			  void *payload)
{
	uint64_t reported_accesses = 0;
	tdpsim_event ev;
	int64_t n = 0;
	int rc;

	if (!sim || !trace)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_replay: bad argument");
	for (;;) {
		struct trace_access a;

		/* A compact access record goes straight to the access path, without an event:
		 * what tdpsim_sim_apply would do for it, when nothing needs the event (no
		 * on_event hook, no --check) and the machine runs. */
		if (sim->started && !sim->halted && !sim->check && !sim->hooks.on_event &&
		    trace_next_access(trace, &a)) {
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
		n++;
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

int tdpsim_sim_set_multihit_model(tdpsim_sim *sim, tdpsim_multihit_fn fn, void *payload)
{
	if (!sim)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_set_multihit_model: sim is NULL");
	sim->multihit = fn;
	sim->multihit_payload = payload;
	if (sim->started)
		machine_refresh_multihit(sim);
	return 0;
}

int tdpsim_sim_halted(const tdpsim_sim *sim, uint64_t *event, unsigned *vcpu, uint64_t *gva)
{
	if (!sim || !sim->halted)
		return 0;
	if (event)
		*event = sim->halt_event;
	if (vcpu)
		*vcpu = sim->halt_vcpu;
	if (gva)
		*gva = sim->halt_gva;
	return 1;
}

int tdpsim_sim_set_hugepage_policy(tdpsim_sim *sim, tdpsim_hugepage_policy_fn fn, void *payload)
{
	if (!sim)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_set_hugepage_policy: sim is NULL");
	sim->policy = fn;
	sim->policy_payload = payload;
	if (sim->started) {
		sim->machine.kvm.policy = fn;
		sim->machine.kvm.policy_payload = payload;
	}
	return 0;
}

int tdpsim_sim_set_sampling(tdpsim_sim *sim, const tdpsim_sampling *s)
{
	if (!sim)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_set_sampling: sim is NULL");
	return timeline_configure(&sim->timeline, sim, s);
}

/* ---- results ---- */

void tdpsim_sim_stats(const tdpsim_sim *sim, tdpsim_stats *out)
{
	if (sim && out)
		stats_now(sim, out);
}

unsigned tdpsim_sim_vcpu_count(const tdpsim_sim *sim)
{
	return sim && sim->started ? sim->machine.nr_vcpus : 0;
}

int tdpsim_sim_vcpu_stats(const tdpsim_sim *sim, unsigned vcpu, tdpsim_vcpu_stats *out)
{
	if (!sim || !out || vcpu >= tdpsim_sim_vcpu_count(sim))
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_vcpu_stats: no vcpu %u", vcpu);
	*out = sim->machine.kvm.vcpu_stat[vcpu];
	return 0;
}

size_t tdpsim_sim_mark_count(const tdpsim_sim *sim)
{
	return sim ? sim->nmarks : 0;
}

int tdpsim_sim_mark(const tdpsim_sim *sim, size_t i, const char **label, tdpsim_stats *out)
{
	if (!sim || i >= sim->nmarks)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_mark: no mark %zu", i);
	if (label)
		*label = sim->marks[i].label;
	if (out)
		*out = sim->marks[i].stats;
	return 0;
}

size_t tdpsim_sim_notice_count(const tdpsim_sim *sim)
{
	return sim ? sim->nnotices : 0;
}

const char *tdpsim_sim_notice(const tdpsim_sim *sim, size_t i)
{
	return sim && i < sim->nnotices ? sim->notices[i] : NULL;
}

static uint64_t digest_stats(uint64_t h, const tdpsim_stats *s)
{
	for (size_t i = 0; i < tdpsim_stats_count(); i++)
		h = digest_kv_u64(h, tdpsim_stats_name(i), tdpsim_stats_value(s, i));
	return h;
}

/* docs/digest.md: FNV-1a 64 over "tdpsim-digest 1\n", "[settings]\n" and name=value lines,
 * then "[mark]\n", "label=...\n" and the stats per mark, then "[final]\n" and the stats,
 * then "[vcpu]\n" and the counters of each vCPU in order. */
uint64_t tdpsim_sim_digest(const tdpsim_sim *sim)
{
	uint64_t h = DIGEST_INIT;
	tdpsim_stats now;

	if (!sim)
		return 0;
	h = digest_str(h, "tdpsim-digest 1\n[settings]\n");
	for (size_t i = 0; i < SET__COUNT; i++)
		h = digest_kv_str(h, tdpsim_setting_name(i), tdpsim_sim_setting_value(sim, i));
	for (size_t i = 0; i < sim->nmarks; i++) {
		h = digest_str(h, "[mark]\n");
		h = digest_kv_str(h, "label", sim->marks[i].label);
		h = digest_stats(h, &sim->marks[i].stats);
	}
	h = digest_str(h, "[final]\n");
	stats_now(sim, &now);
	h = digest_stats(h, &now);
	for (unsigned v = 0; v < tdpsim_sim_vcpu_count(sim); v++) {
		const tdpsim_vcpu_stats *vs = &sim->machine.kvm.vcpu_stat[v];

		h = digest_str(h, "[vcpu]\n");
		for (size_t i = 0; i < tdpsim_vcpu_stats_count(); i++)
			h = digest_kv_u64(h, tdpsim_vcpu_stats_name(i), tdpsim_vcpu_stats_value(vs, i));
	}
	return h;
}
