/* SPDX-License-Identifier: MIT */
/* The results: stats now and per vCPU, marks, notices, the digest, the machine check. */
#include <stddef.h>
#include <string.h>

#include "core/digest.h"
#include "core/error.h"
#include "kvm/profile.h"
#include "sim_internal.h"

/* The host's vmstat counters, which the host keeps. */
static void host_stats_now(const struct host_vmstat *v, tdpsim_stats *out)
{
	out->thp_fault_alloc = v->thp_fault_alloc;
	out->thp_fault_fallback = v->thp_fault_fallback;
	out->thp_file_alloc = v->thp_file_alloc;
	out->thp_file_fallback = v->thp_file_fallback;
	out->thp_file_mapped = v->thp_file_mapped;
	out->thp_split_pmd = v->thp_split_pmd;
	out->compact_stall = v->compact_stall;
	out->compact_fail = v->compact_fail;
	out->compact_success = v->compact_success;
	out->thp_collapse_alloc = v->thp_collapse_alloc;
	out->thp_collapse_alloc_failed = v->thp_collapse_alloc_failed;
	out->khugepaged_pages_collapsed = v->khugepaged_pages_collapsed;
	out->khugepaged_full_scans = v->khugepaged_full_scans;
	out->age_young_pages = v->age_young_pages;
	out->age_old_pages = v->age_old_pages;
	out->age_scans = v->age_scans;
}

/*
 * The stats as of now.  Some counters are kept off the per-event path and filled in here:
 * the host's 4K frames in use (the host keeps that count), and the cycles of KVM's work that
 * no vCPU fault consumed - work done by the VMM's ioctls or a worker thread, which is left
 * in kvm.work (the sum is the same whenever it is taken: kvm_work_cycles is linear).
 */
void sim_stats_now(const tdpsim_sim *sim, tdpsim_stats *out)
{
	*out = sim->stats;
	if (!sim->started)
		return;
	out->host_pages_4k = host_frames_4k(sim->machine.host);
	host_stats_now(host_mm_vmstat(sim->machine.host), out);
	out->shadow_mmu_pages = sim->machine.kvm.n_used_mmu_pages;
	out->mmu_root_level = sim->machine.kvm.vcpus[0].arch.root_mmu.root_role.level;
	out->cycles_background += kvm_work_cycles(sim->machine.cpu, &sim->machine.kvm.work);
}

/* ---- reading the machine ---- */

void tdpsim_sim_stats_sized(const tdpsim_sim *sim, tdpsim_stats *out, size_t size)
{
	tdpsim_stats now;

	if (!sim || !out)
		return;
	sim_stats_now(sim, &now);
	memcpy(out, &now, size < sizeof(now) ? size : sizeof(now));
}

void (tdpsim_sim_stats)(const tdpsim_sim *sim, tdpsim_stats *out)
{
	tdpsim_sim_stats_sized(sim, out, STATS_SIZE_0_1);
}

unsigned tdpsim_sim_vcpu_count(const tdpsim_sim *sim)
{
	return sim && sim->started ? sim->machine.nr_vcpus : 0;
}

int tdpsim_sim_vcpu_stats_sized(const tdpsim_sim *sim, unsigned vcpu, tdpsim_vcpu_stats *out,
				size_t size)
{
	if (!sim || !out || vcpu >= tdpsim_sim_vcpu_count(sim))
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_vcpu_stats: no vcpu %u", vcpu);
	memcpy(out, &sim->machine.kvm.vcpus[vcpu].stat,
	       size < sizeof(*out) ? size : sizeof(*out));
	return 0;
}

/* The counters of 0.2: those before the first one added since. */
#define VCPU_STATS_SIZE_0_2 offsetof(tdpsim_vcpu_stats, pf_guest)

int (tdpsim_sim_vcpu_stats)(const tdpsim_sim *sim, unsigned vcpu, tdpsim_vcpu_stats *out)
{
	return tdpsim_sim_vcpu_stats_sized(sim, vcpu, out, VCPU_STATS_SIZE_0_2);
}

size_t tdpsim_sim_mark_count(const tdpsim_sim *sim)
{
	return sim ? sim->nmarks : 0;
}

int tdpsim_sim_mark_sized(const tdpsim_sim *sim, size_t i, const char **label,
			  tdpsim_stats *out, size_t size)
{
	if (!sim || i >= sim->nmarks)
		return err_set(TDPSIM_EINVAL, "tdpsim_sim_mark: no mark %zu", i);
	if (label)
		*label = sim->marks[i].label;
	if (out)
		memcpy(out, &sim->marks[i].stats,
		       size < sizeof(tdpsim_stats) ? size : sizeof(tdpsim_stats));
	return 0;
}

int (tdpsim_sim_mark)(const tdpsim_sim *sim, size_t i, const char **label, tdpsim_stats *out)
{
	return tdpsim_sim_mark_sized(sim, i, label, out, STATS_SIZE_0_1);
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
	sim_stats_now(sim, &now);
	h = digest_stats(h, &now);
	for (unsigned v = 0; v < tdpsim_sim_vcpu_count(sim); v++) {
		const tdpsim_vcpu_stats *vs = &sim->machine.kvm.vcpus[v].stat;

		h = digest_str(h, "[vcpu]\n");
		for (size_t i = 0; i < tdpsim_vcpu_stats_count(); i++)
			h = digest_kv_u64(h, tdpsim_vcpu_stats_name(i), tdpsim_vcpu_stats_value(vs, i));
	}
	return h;
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

/* ---- which counters the kernel profile has ---- */

/*
 * KVM before 5.19 counts pf_fixed but has none of pf_taken, pf_fast, pf_spurious, pf_emulate,
 * pf_mmio_spte_created ("KVM: x86: Add stats for page faults"; the profile's pf_stats): there
 * the simulator leaves them 0, and a report should say they are absent, not 0.
 */
static int needs_pf_stats(const char *name)
{
	static const char *const names[] = { "pf_taken", "pf_fast", "pf_spurious", "pf_emulate",
					     "pf_mmio_spte_created" };

	for (size_t i = 0; name && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

static int present(const tdpsim_sim *sim, const char *name)
{
	const struct kvm_profile *p;

	if (!sim || !name)
		return 0;
	if (!needs_pf_stats(name))
		return 1;
	p = sim->started ? sim->machine.kvm.profile
			 : kvm_profile_by_id((size_t)sim->settings.s[SET_KVM].v);
	return p ? p->pf_stats : 1;
}

int tdpsim_sim_stat_present(const tdpsim_sim *sim, size_t i)
{
	return present(sim, tdpsim_stats_name(i));
}

int tdpsim_sim_vcpu_stat_present(const tdpsim_sim *sim, size_t i)
{
	return present(sim, tdpsim_vcpu_stats_name(i));
}
