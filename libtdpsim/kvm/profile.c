/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "kvm/profile.h"

static const struct kvm_profile profiles[] = {
	{
		.name = "6.18",
		.split_on_fault = true,
		.nx_child_must_be_tagged = true,
		.target_spurious_early_out = true,
	},
};

const struct kvm_profile *kvm_profile_find(const char *name)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}
