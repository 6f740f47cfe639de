/* SPDX-License-Identifier: MIT */
/*
 * Building the machine the settings describe, at its first use (machine_start): the host,
 * the guest's page tables, KVM with its MMU, the vCPUs; the settings KVM reads, refreshed
 * when one changes; and the machine's side of KVM's requests to every vCPU (flush, kick,
 * reload).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "cpu/model.h"
#include "kvm/mmu.h"
#include "kvm/shadow_mmu.h"
#include "kvm/nx_recovery.h"
#include "sim_internal.h"

/* ---- the machine's parts ---- */

/*
 * X86_BUG_ITLB_MULTIHIT, what nx_huge_pages=auto follows (kernel/cpu/common.c cpu_set_bug_bits):
 * set unless the CPU is on the NO_ITLB_MULTIHIT whitelist (all AMD) or reports
 * IA32_ARCH_CAPABILITIES.PSCHANGE_MC_NO (Ice Lake and later Intel server parts do; Skylake-SP
 * does not).  Each CPU model says (itlb_multihit in models/cpu/<name>.ini).
 */
static bool cpu_has_itlb_multihit(const char *cpu)
{
	const struct cpu_model *m = cpu_model_lookup(cpu);

	return m && m->itlb_multihit;
}

static void host_age_start(tdpsim_sim *sim);

/* The MMU's view of the settings, refreshed whenever one changes; `initial` when the
 * machine starts (the VM is created with the parameters as they are: nothing changes). */
void machine_refresh_config(tdpsim_sim *sim, bool initial)
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
	/* enable_pml needs EPT (vmx.c hardware_setup): never under shadow paging. */
	c->pml = st->s[SET_PML].v != 0 && sim->machine.cpu->pml && sim->machine.kvm.tdp_enabled &&
		 kvm_ad_enabled(&sim->machine.kvm);
	c->initially_set = st->s[SET_MANUAL_DIRTY_LOG_PROTECT].v == 2; /* the word "3" */
	host_mm_set_thp(sim->machine.host, &(struct host_thp_config){
		.enabled = (int)st->s[SET_THP_ENABLED].v,
		.defrag = (int)st->s[SET_THP_DEFRAG].v,
		.use_zero_page = st->s[SET_THP_USE_ZERO_PAGE].v != 0,
		.shmem_enabled = (int)st->s[SET_THP_SHMEM_ENABLED].v,
		.fail_ppm = (uint32_t)st->s[SET_HOST_FRAGMENTATION].v,
		.compact_fail_ppm = (uint32_t)st->s[SET_HOST_COMPACTION_FAIL].v,
		.seed = st->s[SET_SEED].v,
		.khugepaged_pages_to_scan = (uint32_t)st->s[SET_KHUGEPAGED_PAGES_TO_SCAN].v,
		.khugepaged_scan_sleep_ms = (uint32_t)st->s[SET_KHUGEPAGED_SCAN_SLEEP_MS].v,
		.khugepaged_alloc_sleep_ms = (uint32_t)st->s[SET_KHUGEPAGED_ALLOC_SLEEP_MS].v,
		.khugepaged_max_ptes_none = (uint32_t)st->s[SET_KHUGEPAGED_MAX_PTES_NONE].v,
		.khugepaged_defrag = st->s[SET_KHUGEPAGED_DEFRAG].v != 0,
	});
	host_age_start(sim);
	if (st->s[SET_NR_MMU_PAGES].v != kvm->n_requested_mmu_pages)
		kvm_vm_set_nr_mmu_pages(kvm, st->s[SET_NR_MMU_PAGES].v);
	/* set_nx_huge_pages: when the mitigation flips at run time, KVM zaps every mapping of
	 * every VM (kvm_mmu_zap_all_fast), since huge leaves' X bit and the NX tables were
	 * built for the old value (mmu.c set_nx_huge_pages), and wakes the recovery worker. */
	if (initial)
		return;
	if (old.nx_huge_pages != c->nx_huge_pages)
		kvm_mmu_nx_huge_pages_changed(kvm);
	if (old.nx_huge_pages != c->nx_huge_pages ||
	    old.nx_recovery_ratio != c->nx_recovery_ratio ||
	    old.nx_recovery_period_ms != c->nx_recovery_period_ms) {
		kvm_nx_recovery_params_changed(kvm, sim->clock.now);
		clock_advance(&sim->clock, 0); /* a worker woken now runs now */
	}
}

/* nx_huge_pages=never (6.5+): only while no VM exists, and then final (mmu.c set_nx_huge_pages). */
int check_nx_write(const tdpsim_sim *sim, int id, uint64_t v)
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

/* flush_tlb_gva (vmx_flush_tlb_gva: INVLPG's translations of one address). */
static void machine_flush_tlb_gva(void *ctx, unsigned vcpu, uint64_t gva)
{
	struct machine *m = ctx;
	struct vcpu *v = &m->vcpus[vcpu];

	tlb_invlpg(v->tlb, gva, v->vpid, (uint16_t)(v->cr3 & 0xfff));
}

/* flush_tlb_current (vmx_flush_tlb_current): INVEPT single-context of the EPTP of the
 * vCPU's root under EPT (ept_sync_context); its VPID under shadow paging (vpid_sync_context). */
static void machine_flush_tlb_current(void *ctx, unsigned vcpu)
{
	struct machine *m = ctx;
	struct vcpu *v = &m->vcpus[vcpu];

	if (m->kvm.tdp_enabled)
		tlb_flush_ep4ta(v->tlb, vcpu_ep4ta(m->kvm.vcpus[vcpu].arch.mmu->root.hpa));
	else
		tlb_flush_vpid(v->tlb, v->vpid);
}

/* flush_tlb_guest (vmx_flush_tlb_guest): INVVPID single-context of vpid02 or vpid01. */
static void machine_flush_tlb_guest(void *ctx, unsigned vcpu, bool vpid02)
{
	struct machine *m = ctx;
	struct vcpu *v = &m->vcpus[vcpu];

	tlb_flush_vpid(v->tlb, vpid02 ? v->vpid02 : v->vpid01);
}

/* Under shadow paging a guest-map is the guest OS writing its tables: each entry is a guest
 * store (by vCPU 0) that KVM sees where it shadows the table.  Entries outside guest memory
 * (no writable memslot) are only the simulator's. */
static void machine_guest_store(void *ctx, uint64_t gpa, uint64_t value)
{
	struct machine *m = ctx;
	const struct kvm_memory_slot *slot = memslots_by_gfn(&m->kvm.memslots, gpa >> PAGE_SHIFT);

	if (slot && !(slot->flags & TDPSIM_MEM_READONLY))
		vcpu_shadow_gpte_store(m, 0, gpa, value);
}

/* Under EPT the guest's stores to its tables are not KVM's business, unless KVM shadows the
 * table for L2 (one of L1's EPT12 tables): then EPT01 write-protects it and the store is L1's
 * write through EPT, by the first vCPU running L1.  Other stores are only the simulator's. */
static void machine_l1_store(void *ctx, uint64_t gpa, uint64_t value)
{
	struct machine *m = ctx;

	if (!kvm_gfn_has_shadow_pages(&m->kvm, gpa >> PAGE_SHIFT))
		return;
	for (unsigned v = 0; v < m->nr_vcpus; v++)
		if (!m->vcpus[v].in_l2) {
			if (vcpu_l1_table_store(m, v, gpa, value) < 0)
				m->store_failed = true;
			return;
		}
	m->store_failed = true; /* every vCPU runs L2: dispatch refuses the command first */
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
void machine_refresh_multihit(tdpsim_sim *sim)
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

void machine_stop(tdpsim_sim *sim)
{
	struct machine *m = &sim->machine;

	if (!sim->started)
		return;
	for (unsigned v = 0; v < m->nr_vcpus; v++)
		tlb_free(m->vcpus[v].tlb);
	kvm_destroy(&m->kvm);
	guest_mm_free(m->guest);
	guest_mm_free(m->l2_guest);
	host_mm_free(m->host);
	free(m->vcpus);
	memset(m, 0, sizeof(*m));
}

int machine_l2_guest(struct machine *m, struct guest_mm **out)
{
	int rc;

	if (!m->l2_guest && (rc = guest_mm_new(&m->l2_guest, 4, m->mem)) < 0)
		return rc;
	*out = m->l2_guest;
	return 0;
}

/* tdp_mmu: the module parameter, its default the profile's (5.10 ran the legacy MMU). */
static bool tdp_mmu_enabled(const tdpsim_sim *sim, const struct kvm_profile *profile)
{
	uint64_t v = sim->settings.s[SET_TDP_MMU].v;

	return v == TDP_MMU_ON || (v == TDP_MMU_AUTO && profile->tdp_mmu_default);
}

/* KVM_REQ_MMU_FREE_OBSOLETE_ROOTS: every vCPU drops a zapped root, loads a fresh one and
 * runs on it from its next entry. */
static void machine_reload_vcpus(void *ctx)
{
	struct machine *m = ctx;

	for (unsigned v = 0; v < m->nr_vcpus; v++) {
		kvm_mmu_free_obsolete_roots(&m->kvm.vcpus[v]);
		/* A shadow root needs the guest's CR3: it is loaded at the next entry. */
		if (m->kvm.tdp_enabled && kvm_mmu_load(&m->kvm.vcpus[v]) == 0)
			vcpu_enter(m, v);
	}
}

/*
 * host_kernel: the Linux release the host's mm runs - given, or (auto) the kernel profile's,
 * since KVM is built into the host kernel it runs under.  The release's KVM-visible mm
 * behaviours become the host's switches (host/host.h).
 */
static int host_behaviour_resolve(const tdpsim_sim *sim, const struct kvm_profile *profile,
				  struct host_behaviour *hb)
{
	uint64_t v = sim->settings.s[SET_HOST_KERNEL].v;

	if (v == 0)
		v = settings_version_of(profile->name);
	if (v == 0)
		return err_set(TDPSIM_EINPUT, "host_kernel=auto: kernel profile '%s' does not name "
			       "a Linux release MAJOR.MINOR; set host_kernel", profile->name);
	/* 6.13 "mm: Allocate THP on hugezeropage wp-fault" (do_huge_zero_wp_pmd). */
	hb->huge_zero_wp_allocates_thp = v >= SETTINGS_VERSION(6, 13);
	return 0;
}

/*
 * khugepaged's thread: a pass, then sleep for what the pass says.  It starts sleeping when
 * the machine starts (the VMM's mm enters khugepaged's list as it maps guest RAM); a new
 * scan_sleep_millisecs applies from the next sleep.
 */
static void khugepaged_wake(void *ctx, uint64_t now)
{
	tdpsim_sim *sim = ctx;
	int64_t ms = host_khugepaged_pass(sim->machine.host);

	if (ms > 0) {
		sim->machine.khugepaged_wake = now + (uint64_t)ms * 1000000;
		clock_schedule(&sim->clock, sim->machine.khugepaged_wake, khugepaged_wake, sim);
	}
}

/*
 * The aging scanner (settings host_age_period_ms, host_age_op): every period a host-age of
 * each backing, whole.  It stops when the period is set to 0 and starts again, a period
 * later, when it is set anew (machine_refresh_config).
 */
static void host_age_wake(void *ctx, uint64_t now)
{
	tdpsim_sim *sim = ctx;
	uint64_t period = sim->settings.s[SET_HOST_AGE_PERIOD_MS].v * 1000000;

	sim->machine.age_pending = false;
	if (!period)
		return;
	host_age_scan(sim->machine.host, (int)sim->settings.s[SET_HOST_AGE_OP].v);
	sim->machine.age_wake = now + period;
	sim->machine.age_pending = true;
	clock_schedule(&sim->clock, sim->machine.age_wake, host_age_wake, sim);
}

static void host_age_start(tdpsim_sim *sim)
{
	uint64_t period = sim->settings.s[SET_HOST_AGE_PERIOD_MS].v * 1000000;

	if (!period || sim->machine.age_pending)
		return;
	sim->machine.age_wake = sim->clock.now + period;
	sim->machine.age_pending = true;
	clock_schedule(&sim->clock, sim->machine.age_wake, host_age_wake, sim);
}

/*
 * The three page tables' depths and the address widths, each chosen where Linux, KVM and
 * QEMU choose it: the host kernel's paging (5-level where the CPU has LA57, unless
 * no5lvl), the guest's (its own choice; KVM offers LA57 from the hardware bit, cpuid.c
 * kvm_set_cpu_caps), the guest's MAXPHYADDR (QEMU's phys-bits), and the TDP levels of
 * kvm_configure_mmu: Intel offers 5-level EPT where the CPU walks it (vmx.c
 * vmx_get_max_ept_level) and kvm_mmu_get_tdp_level uses it only for a guest MAXPHYADDR
 * above 48; AMD forces NPT to the host's depth (svm.c get_npt_level).
 */
static int paging_resolve(const tdpsim_sim *sim, const struct kvm_profile *profile,
			  const struct cpu_model *cpu, int *host_levels,
			  struct kvm_mmu_setup *setup)
{
	uint64_t hl = sim->settings.s[SET_HOST_PAGING_LEVELS].v;
	uint64_t phys = sim->settings.s[SET_GUEST_MAXPHYADDR].v;
	bool amd = strcmp(cpu->vendor, "amd") == 0;

	*host_levels = hl == HOST_LEVELS_5 || (hl == HOST_LEVELS_AUTO && cpu->la57) ? 5 : 4;
	if (*host_levels == 5 && !cpu->la57)
		return err_set(TDPSIM_EINPUT, "host_paging_levels=5: cpu=%s has no 5-level paging "
			       "(la57 = false in its model)", cpu->name);
	if (sim->settings.s[SET_GUEST_PAGING_LEVELS].v == 5 && !cpu->la57)
		return err_set(TDPSIM_EINPUT, "guest_paging_levels=5: cpu=%s has no LA57, and KVM "
			       "offers guests 5-level paging only where the hardware has it",
			       cpu->name);
	if (phys == 0)
		phys = cpu->maxphyaddr;
	if (phys < CPU_MAXPHYADDR_MIN || phys > cpu->maxphyaddr)
		return err_set(TDPSIM_EINPUT, "guest_maxphyaddr=%" PRIu64 ": not from %u to cpu=%s's "
			       "MAXPHYADDR, %u (a guest MAXPHYADDR above the host's is not modelled)",
			       phys, CPU_MAXPHYADDR_MIN, cpu->name, cpu->maxphyaddr);
	if (amd && *host_levels == 5 && !profile->npt_5level &&
	    sim->settings.s[SET_MMU].v == MMU_TDP)
		return err_set(TDPSIM_EINPUT, "kvm=%s on cpu=%s: kvm_amd does not load on a host "
			       "with 5-level paging before 5.15 (has_svm); set host_paging_levels=4 "
			       "(the kernel's no5lvl)", profile->name, cpu->name);
	setup->tdp_forced_root_level = amd ? *host_levels : 0;
	setup->tdp_max_root_level = amd ? *host_levels : cpu->ept_5level ? 5 : 4;
	setup->host_maxphyaddr = cpu->maxphyaddr;
	setup->guest_maxphyaddr = (unsigned)phys;
	if (amd && !sim->settings.s[SET_EPT_AD].v)
		return err_set(TDPSIM_EINPUT, "ept_ad=0: cpu=%s is AMD, whose NPT always has "
			       "accessed and dirty bits (kvm_intel.ept_ad is Intel's)", cpu->name);
	setup->ad_enabled = sim->settings.s[SET_EPT_AD].v != 0;
	return 0;
}

/* Build the machine the settings describe, at its first use. */
int machine_start(tdpsim_sim *sim)
{
	struct machine *m = &sim->machine;
	char buf[24];
	const struct kvm_profile *profile =
		kvm_profile_find(settings_text(&sim->settings, SET_KVM, buf, sizeof(buf)));
	const struct cpu_model *cpu;
	struct host_behaviour hb;
	struct kvm_mmu_setup setup;
	int rc, host_levels;

	if (!profile)
		return err_set(TDPSIM_ENOTFOUND, "kvm=%s: no such kernel profile",
			       settings_text(&sim->settings, SET_KVM, buf, sizeof(buf)));
	if (sim->settings.s[SET_NX_HUGE_PAGES].v == NX_NEVER && !profile->nx_never)
		return err_set(TDPSIM_EINPUT, "nx_huge_pages=never does not exist in kvm=%s",
			       profile->name);
	if ((rc = host_behaviour_resolve(sim, profile, &hb)) != 0)
		return rc;
	cpu = cpu_model_lookup(settings_text(&sim->settings, SET_CPU, buf, sizeof(buf)));
	if (!cpu)
		return TDPSIM_ENOTFOUND;
	if ((rc = paging_resolve(sim, profile, cpu, &host_levels, &setup)) != 0)
		return rc;
	setup.tdp_enabled = sim->settings.s[SET_MMU].v == MMU_TDP;
	setup.tdp_mmu = tdp_mmu_enabled(sim, profile);
	memset(m, 0, sizeof(*m));
	m->stats = &sim->stats;
	m->mem = &sim->mem;
	vcpu_counters_init(m);
	m->cpu = cpu;
	m->nr_vcpus = (unsigned)sim->settings.s[SET_VCPUS].v;
	m->vcpus = mem_calloc(&sim->mem, MEM_VCPUS, m->nr_vcpus, sizeof(*m->vcpus));
	if (!m->vcpus)
		return TDPSIM_ENOMEM;
	for (unsigned v = 0; v < m->nr_vcpus; v++) {
		m->vcpus[v].vpid = (uint16_t)(v + 1);
		m->vcpus[v].vpid01 = (uint16_t)(v + 1);
		/* vmx->nested.vpid02: L2's own tag, allocated apart from every vpid01 */
		m->vcpus[v].vpid02 = (uint16_t)(m->nr_vcpus + v + 1);
		m->vcpus[v].pml_index = PML_HEAD_INDEX; /* vmx_vcpu_reset: an empty buffer */
		if ((rc = tlb_new(&m->vcpus[v].tlb, cpu, &sim->mem)) < 0) {
			while (v-- > 0)
				tlb_free(m->vcpus[v].tlb);
			free(m->vcpus);
			memset(m, 0, sizeof(*m));
			return rc;
		}
	}
	if ((rc = host_mm_new(&m->host, host_levels, &sim->mem)) < 0 ||
	    (rc = guest_mm_new(&m->guest, (int)sim->settings.s[SET_GUEST_PAGING_LEVELS].v,
			       &sim->mem)) < 0 ||
	    (rc = kvm_init(&m->kvm, m->host, m->guest, &sim->stats, m->nr_vcpus, profile,
			   &setup, &sim->mem)) < 0) {
		guest_mm_free(m->guest);
		host_mm_free(m->host);
		for (unsigned v = 0; v < m->nr_vcpus; v++)
			tlb_free(m->vcpus[v].tlb);
		free(m->vcpus);
		memset(m, 0, sizeof(*m));
		return rc;
	}
	host_mm_set_behaviour(m->host, &hb);
	for (unsigned v = 0; v < m->nr_vcpus; v++)
		vcpu_attach(m, v); /* each runs on the root KVM loaded for it */
	m->kvm.flush_tlbs = machine_flush_tlbs;
	m->kvm.flush_tlb_gva = machine_flush_tlb_gva;
	m->kvm.flush_tlb_current = machine_flush_tlb_current;
	m->kvm.flush_tlb_guest = machine_flush_tlb_guest;
	m->kvm.kick_vcpus = machine_kick_vcpus;
	m->kvm.reload_vcpus = machine_reload_vcpus;
	m->kvm.flush_ctx = m;
	guest_set_store_hook(m->guest, m->kvm.tdp_enabled ? machine_l1_store : machine_guest_store,
			     m);
	m->kvm.hooks = &sim->hooks;
	m->kvm.policy = sim->policy;
	m->kvm.policy_payload = sim->policy_payload;
	m->kvm.clock = &sim->clock;
	sim->started = 1;
	machine_refresh_config(sim, true);
	machine_refresh_multihit(sim);
	m->khugepaged_wake = sim->clock.now +
			     sim->settings.s[SET_KHUGEPAGED_SCAN_SLEEP_MS].v * 1000000;
	clock_schedule(&sim->clock, m->khugepaged_wake, khugepaged_wake, sim);
	/* The recovery worker: with the VM (<= 6.12), else at the first KVM_RUN. */
	if (!profile->recovery_worker_lazy)
		kvm_nx_recovery_start(&m->kvm, sim->clock.now);
	return 0;
}
