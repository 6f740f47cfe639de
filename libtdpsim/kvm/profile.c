/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "kvm/profile.h"

static const struct kvm_profile profiles[] = {
	{
		.name = "6.18",
		.description = "Linux 6.18",
		.tdp_mmu_default = true,
		.split_on_fault = true,
		.nx_child_must_be_tagged = true,
		.target_spurious_early_out = true,
		.recovery_period_param = true,
		.recovery_skips_dirty_logged = true,
		.recovery_worker_lazy = true,
		.log_off_recovery = LOG_OFF_RECOVER_IN_PLACE,
		.eager_page_split = true,
		.nx_never = true,
		.pf_stats = true,
		.write_protected_result = true,
		.per_mmu_nx_lists = true,
	},
};

const struct kvm_profile *kvm_profile_find(const char *name)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

size_t kvm_profile_count(void)
{
	return sizeof(profiles) / sizeof(profiles[0]);
}

const struct kvm_profile *kvm_profile_at(size_t i)
{
	return i < kvm_profile_count() ? &profiles[i] : NULL;
}
