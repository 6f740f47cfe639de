/* SPDX-License-Identifier: MIT */
/*
 * The NX huge page recovery worker (mmu.c kvm_nx_huge_page_recovery_worker,
 * kvm_recover_nx_huge_pages).  Each pass zaps the oldest ceil(n / ratio)
 * tracked tables, so that the regions they cover can be mapped huge again; tables in a
 * dirty-logged slot are only unaccounted (6.2+).  It runs on the simulated clock: it sleeps
 * until last + period, and is woken when its parameters change.
 */
#include "core/clock.h"
#include "kvm/nx_recovery.h"
#include "kvm/mmu.h"
#include "kvm/mmu_internal.h"

#define NS_PER_MS 1000000ull

static bool recovery_enabled(const struct kvm *kvm)
{
	return kvm->config.nx_huge_pages && !kvm->config.nx_hard_disabled &&
	       kvm->config.nx_recovery_ratio != 0;
}

uint64_t kvm_nx_recovery_period_ms(const struct kvm *kvm)
{
	uint64_t ratio = kvm->config.nx_recovery_ratio;

	if (!recovery_enabled(kvm))
		return 0;
	if (!kvm->profile->recovery_period_param)
		return 60000; /* before 5.16: a fixed minute */
	if (kvm->config.nx_recovery_period_ms)
		return kvm->config.nx_recovery_period_ms;
	return 3600000 / (ratio < 3600 ? ratio : 3600); /* each page about once an hour */
}

/* kvm_recover_nx_huge_pages over one list: its oldest `to_zap` tables, then the flush. */
static void recover_list(struct kvm *kvm, struct kvm_possible_nx_huge_pages *l, uint64_t to_zap)
{
	bool flush = false;

	for (; to_zap > 0 && l->head != SP_NONE; to_zap--) {
		struct kvm_mmu_page *sp = sp_by_id(&kvm->pool, l->head);
		const struct kvm_memory_slot *slot = memslots_by_gfn(&kvm->memslots, sp->gfn);

		if (kvm->profile->recovery_skips_dirty_logged && slot &&
		    kvm_slot_dirty_track_enabled(slot)) {
			/* It would only come back as 4K: huge pages return when logging stops. */
			unaccount_nx_huge_page(kvm, sp);
			continue;
		}
		kvm_mmu_zap_possible_nx_huge_page(kvm, sp); /* zaps sp and below, untracks it */
		kvm->stats->nx_recovery_zapped++;
		flush = true;
	}
	kvm_mmu_remote_flush_or_zap(kvm, flush);
}

static uint64_t to_zap(uint64_t pages, uint64_t ratio)
{
	return ratio ? (pages + ratio - 1) / ratio : 0;
}

/*
 * One pass of the worker, oldest first.  From 6.18 each MMU type's list is recovered in turn
 * (shadow MMU, then TDP MMU), ceil(its nr_pages / ratio) of it; before, the one list,
 * ceil(nx_lpage_splits / ratio) (kvm_nx_huge_page_recovery_worker).
 */
static void recover_pass(struct kvm *kvm)
{
	uint64_t ratio = kvm->config.nx_recovery_ratio;

	kvm->stats->nx_recovery_passes++;
	if (!kvm->profile->per_mmu_nx_lists) {
		recover_list(kvm, kvm_nx_list(kvm, KVM_SHADOW_MMU),
			     to_zap(kvm->stats->nx_lpage_splits, ratio));
		return;
	}
	for (int t = KVM_SHADOW_MMU; t < KVM_NR_MMU_TYPES; t++) {
		struct kvm_possible_nx_huge_pages *l = &kvm->possible_nx_huge_pages[t];

		recover_list(kvm, l, to_zap(l->nr_pages, ratio));
	}
}

static void worker_wake(void *ctx, uint64_t now);

/* Sleep until `when`, unless an earlier wake is already due. */
static void worker_sleep_until(struct kvm *kvm, uint64_t when)
{
	if (kvm->nx_wake_pending && kvm->nx_next_wake <= when)
		return;
	kvm->nx_wake_pending = true;
	kvm->nx_next_wake = when;
	clock_schedule(kvm->clock, when, worker_wake, kvm);
}

static void worker_wake(void *ctx, uint64_t now)
{
	struct kvm *kvm = ctx;
	uint64_t deadline;

	if (!kvm->nx_wake_pending || now != kvm->nx_next_wake)
		return; /* a wake that a later schedule superseded */
	kvm->nx_wake_pending = false;
	if (!recovery_enabled(kvm))
		return; /* sleeps until a parameter change wakes it */
	deadline = kvm->nx_last_pass + kvm_nx_recovery_period_ms(kvm) * NS_PER_MS;
	if (deadline > now) {
		worker_sleep_until(kvm, deadline);
		return;
	}
	recover_pass(kvm);
	kvm->nx_last_pass = now;
	worker_sleep_until(kvm, now + kvm_nx_recovery_period_ms(kvm) * NS_PER_MS);
}

void kvm_nx_recovery_start(struct kvm *kvm, uint64_t now)
{
	if (kvm->nx_worker_started || kvm->config.nx_hard_disabled)
		return; /* never: no worker is ever created */
	kvm->nx_worker_started = true;
	kvm->nx_last_pass = now;
	if (recovery_enabled(kvm))
		worker_sleep_until(kvm, now + kvm_nx_recovery_period_ms(kvm) * NS_PER_MS);
}

void kvm_nx_recovery_params_changed(struct kvm *kvm, uint64_t now)
{
	uint64_t deadline;

	if (!kvm->nx_worker_started || !recovery_enabled(kvm))
		return;
	deadline = kvm->nx_last_pass + kvm_nx_recovery_period_ms(kvm) * NS_PER_MS;
	worker_sleep_until(kvm, deadline > now ? deadline : now);
}
