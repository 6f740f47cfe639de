/* SPDX-License-Identifier: MIT */
/*
 * Internal: kernel version profiles - the behaviour switches that differ between KVM
 * releases (docs/kernel-versions.md).  Each profile is a file models/kvm/<name>.ini; every
 * switch there names the kernel change behind it.  The files are compiled into the library
 * (libtdpsim/CMakeLists.txt) and parsed with libinih once, at first use; a profile file on
 * disk can be loaded too (kvm_profile_lookup).  models/kvm/README.md has the format.
 */
#ifndef TDPSIM_KVM_PROFILE_H
#define TDPSIM_KVM_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

/* How huge pages come back when dirty logging is turned off (x86.c kvm_mmu_slot_apply_flags). */
enum log_off_recovery {
	LOG_OFF_ZAP_LEAVES = 0,        /* <= 5.18: zap collapsible 4K leaves; tables stay */
	LOG_OFF_ZAP_COLLAPSIBLE = 1,   /* 5.19-6.12: zap the tables where a huge page fits */
	LOG_OFF_RECOVER_IN_PLACE = 2,  /* 6.13+: make_huge_spte over the table, no refault */
};

/*
 * What make_spte (spte.c) does when the SPTE it replaces is writable: keep the new one as
 * the old was - no unsync attempt and no Dirty bit - or only skip the unsync attempt.
 */
enum spte_old_writable {
	OLD_WRITABLE_SYNC_KEEPS = 0,   /* <= 5.15: only a sync (!can_unsync) keeps it */
	OLD_WRITABLE_KEEPS = 1,        /* 5.16-6.12.0: any writable old SPTE, a table too */
	OLD_WRITABLE_LEAF_KEEPS = 2,   /* 6.13's fix in 6.6.y/6.12.y: a writable leaf only */
	OLD_WRITABLE_LEAF_NO_UNSYNC = 3, /* 6.13: D always; a writable leaf skips the unsync */
};

/* How kvm_mmu_zap_all_fast zaps the TDP MMU (memslot delete or move, nx_huge_pages set). */
enum tdp_fast_zap {
	TDP_ZAP_IN_PLACE = 0,          /* 5.10: kvm_tdp_mmu_zap_all, the roots stay; a flush */
	TDP_ZAP_INVALIDATE_FLUSH = 1,  /* 5.13-5.17: roots invalidated, zapped, then a flush */
	TDP_ZAP_INVALIDATE = 2,        /* 5.18+: no flush - the roots are unreachable, and a
					* new root's context is flushed when it is loaded */
};

/* How the shadow MMU syncs an unsync page, and which TLBs its syncs and write protections
 * flush (shadow_paging.c, shadow_mmu.c). */
enum shadow_sync {
	SHADOW_SYNC_TLBS_DIRTY = 0, /* 5.10: FNAME(sync_page) counts what stays present (none:
				     * the page is zapped); a dropped SPTE's flush is deferred
				     * through kvm->tlbs_dirty; the current vCPU's TLB is
				     * flushed after a sync and a write protection */
	SHADOW_SYNC_NR_PRESENT = 1, /* 5.15: as 5.10, a dropped SPTE flushed at once */
	SHADOW_SYNC_FLUSH = 2,      /* 5.16+: a sync returns whether to flush (remote), no
				     * local flushes (Lai Jiangshan's series) */
};

struct kvm_profile {
	char name[32];
	char description[128];
	/* 5.15 "KVM: x86: enable TDP MMU by default" (off again in late 5.15.y); 5.10 off. */
	bool tdp_mmu_default;
	/* 6.2 "split huge pages in place on fault" (tdp_mmu_split_huge_page in
	 * kvm_tdp_mmu_map); before, the huge SPTE was zapped and an empty table linked. */
	bool split_on_fault;
	/* NX rework (6.2 by its pull request; docs/kernel-versions.md):
	 * disallowed_hugepage_adjust needs the child SP to be NX-tagged; before, any present
	 * table at the goal level forced a step down. */
	bool nx_child_must_be_tagged;
	/* 6.10 early SPURIOUS at the target level when the old leaf already allows it. */
	bool target_spurious_early_out;
	/* 5.16 nx_huge_pages_recovery_period_ms (0 = 3600 s / ratio); before, 60 s fixed. */
	bool recovery_period_param;
	/* 6.2 recovery unaccounts (does not zap) tracked SPs in dirty-logged slots. */
	bool recovery_skips_dirty_logged;
	/* 6.13(.y)/6.14 the recovery worker is created at the first KVM_RUN, not with the VM. */
	bool recovery_worker_lazy;
	/* 4.8: how disabling dirty logging gets huge pages back. */
	enum log_off_recovery log_off_recovery;
	/* 5.18 kvm.eager_page_split (TDP MMU): split at logging enable and at CLEAR. */
	bool eager_page_split;
	/* 6.5 (backported to 6.1.y) nx_huge_pages=never. */
	bool nx_never;
	/* 5.19 pf_taken/pf_fixed/pf_emulate/pf_spurious/pf_fast/pf_mmio_spte_created. */
	bool pf_stats;
	/* 6.12 RET_PF_WRITE_PROTECTED (before: EMULATE).  Only write-tracked gfns (shadow paging)
	 * give it: no effect while only the TDP MMU is simulated. */
	bool write_protected_result;
	/* 6.18 possible-NX lists per MMU type, to_zap computed per list (nx_recovery.c).  While
	 * one MMU maps the VM one list is in use either way; both are only with nested
	 * shadow pages beside the TDP MMU. */
	bool per_mmu_nx_lists;
	/* 5.16, 6.13 (and 6.13's fix in 6.6.y/6.12.y): make_spte over a writable SPTE. */
	enum spte_old_writable make_spte_old_writable;
	/* 6.1 "Always flush TLBs when enabling dirty logging" [H]: kvm_mmu_slot_apply_flags
	 * flushes once, always; before, each helper flushed when it changed an SPTE. */
	bool log_enable_flushes_always;
	/* 5.13 and 5.18: kvm_mmu_zap_all_fast in the TDP MMU. */
	enum tdp_fast_zap tdp_fast_zap;
	/* 5.16 "KVM: X86: Don't flush current tlb on shadow page modification" and "Change
	 * kvm_sync_page() to return true when remote flush is needed"; tlbs_dirty gone by 5.15. */
	enum shadow_sync shadow_sync;
	/* Up to 6.3 FNAME(invlpg) zapped an unsync page's SPTE at the address (a remote flush if
	 * it was present) and prefetched it again from the gpte; 6.4 (Lai Jiangshan's series
	 * ending mmu->invlpg) syncs it in place with FNAME(sync_spte). */
	bool invlpg_prefetch;
	/* 6.0 eager splitting of nested MMUs' huge pages too (kvm_shadow_mmu_try_split_huge_pages,
	 * David Matlack's series); before, only the TDP MMU's split eagerly and L2's EPT02 huge
	 * leaves split by faults.  No effect without eager_page_split. */
	bool nested_eager_page_split;
	/* 6.12 "KVM: nVMX: Treat vpid01 as current if L2 is active, but with VPID disabled":
	 * a guest TLB flush while L2 runs without a vmcs12 VPID (under vpid01) flushes vpid01.
	 * Before, it flushed vpid02 - the tag of L2s with VPID - and left L1's entries across
	 * the nested VM entry (vmx.c vmx_get_current_vpid). */
	bool vpid01_current_without_vpid12;
	/* 5.15 [H] "KVM: SVM: Add 5-level page table support for SVM": NPT as deep as a 5-level
	 * host's paging (svm.c get_npt_level).  Before, kvm_amd refused to load on a host
	 * running 5-level paging (has_svm: "KVM doesn't yet support 5-level paging on AMD
	 * SVM"). */
	bool npt_5level;
	/* 6.13 [H] "KVM: x86: Don't emit TLB flushes when aging SPTEs for mmu_notifiers" (x86
	 * selects KVM_ELIDE_TLB_FLUSH_IF_YOUNG): clear_flush_young no longer flushes the VM's
	 * TLBs when it found a young SPTE (kvm_main.c kvm_mmu_notifier_clear_flush_young). */
	bool age_elides_flush;
};

/* The profile called `name` - a built-in one, or one loaded from a file by
 * kvm_profile_lookup - or NULL. */
const struct kvm_profile *kvm_profile_find(const char *name);

/* The built-in profiles (models/kvm/<version>.ini), in version order; none if they failed
 * to parse (kvm_profile_lookup then says why). */
size_t kvm_profile_count(void);
const struct kvm_profile *kvm_profile_at(size_t i);

/*
 * Resolve a value of the `kvm` setting: the name of a built-in profile, or - when `value`
 * contains a '/' or ends in ".ini" - a profile file to load from disk (kept for the life of
 * the process; loading the same file again finds it again).  Sets *id to the profile's
 * number for kvm_profile_by_id.  0, or a negative TDPSIM_E* code with a message:
 * TDPSIM_ENOTFOUND for an unknown name, "file:line: ..." for a bad file.
 */
int kvm_profile_lookup(const char *value, size_t *id);
/* The profile numbered `id` by kvm_profile_lookup (built-in ones are 0..count-1). */
const struct kvm_profile *kvm_profile_by_id(size_t id);

/* Parse a profile from `text`, naming it `file` in errors.  0 or a negative code with a
 * message "file:line: ...". */
int kvm_profile_parse(struct kvm_profile *out, const char *file, const char *text);

/* The switches (the struct's fields after name and description), for listings: the key a
 * profile file uses, and the value of switch `i` in `p` as a file spells it. */
size_t kvm_profile_switch_count(void);
const char *kvm_profile_switch_name(size_t i);
const char *kvm_profile_switch_text(const struct kvm_profile *p, size_t i);

#endif
