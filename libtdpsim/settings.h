/* SPDX-License-Identifier: MIT */
/*
 * Internal: the named settings (the trace `set` keys, the CLI `--set` keys, the API's
 * tdpsim_sim_set), their values and the pinning rule of traces/FORMAT.md (`set`).
 */
#ifndef TDPSIM_SETTINGS_H
#define TDPSIM_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

enum setting_id {
	SET_MMU,
	SET_KVM,
	SET_CPU,
	SET_VCPUS,
	SET_NX_HUGE_PAGES,
	SET_NX_RECOVERY_RATIO,
	SET_NX_RECOVERY_PERIOD_MS,
	SET_EAGER_PAGE_SPLIT,
	SET_MANUAL_DIRTY_LOG_PROTECT,
	SET_DISABLE_NX_HUGE_PAGES,
	SET_SEED,
	SET_GUEST_PAGING_LEVELS,
	SET_TDP_MMU,
	SET_MULTIHIT,
	SET_MULTIHIT_RULE,
	SET_PML,
	SET_HOST_KERNEL,
	SET_NR_MMU_PAGES,
	SET_THP_ENABLED,
	SET_THP_DEFRAG,
	SET_THP_USE_ZERO_PAGE,
	SET_THP_SHMEM_ENABLED,
	SET_HOST_FRAGMENTATION,
	SET_HOST_COMPACTION_FAIL,
	SET_KHUGEPAGED_PAGES_TO_SCAN,
	SET_KHUGEPAGED_SCAN_SLEEP_MS,
	SET_KHUGEPAGED_ALLOC_SLEEP_MS,
	SET_KHUGEPAGED_MAX_PTES_NONE,
	SET_KHUGEPAGED_DEFRAG,
	SET_HOST_PAGING_LEVELS,
	SET_GUEST_MAXPHYADDR,
	SET_EPT_AD,
	SET_HOST_AGE_PERIOD_MS,
	SET_HOST_AGE_OP,
	SET__COUNT
};

/* Word values, by index in their setting's list. */
enum { MMU_TDP, MMU_SHADOW };
enum { NX_OFF, NX_FORCE, NX_AUTO, NX_NEVER };
enum { TDP_MMU_AUTO, TDP_MMU_OFF, TDP_MMU_ON };
enum { MULTIHIT_AUTO, MULTIHIT_NONE, MULTIHIT_COUNT, MULTIHIT_MACHINE_CHECK };
enum { MULTIHIT_RULE_BROAD, MULTIHIT_RULE_STRICT };
enum { HOST_LEVELS_AUTO, HOST_LEVELS_4, HOST_LEVELS_5 };

struct setting_value {
	uint64_t v;   /* the number, or the index of the word */
	int pinned;   /* set by the caller: trace `set` lines are ignored */
	int reported; /* an ignored trace `set` was already reported */
};

struct settings {
	struct setting_value s[SET__COUNT];
};

void settings_init(struct settings *st);

/* host_kernel values: 0 is auto (the kernel profile's release), else a Linux release as
 * SETTINGS_VERSION(major, minor). */
#define SETTINGS_VERSION(major, minor) (((uint64_t)(major) << 16) | (uint64_t)(minor))

/* The Linux release a kernel profile's name names: its first MAJOR.MINOR ("6.12", a profile
 * file's "my-6.1"), as SETTINGS_VERSION; 0 if it has none. */
uint64_t settings_version_of(const char *name);

/* Find a setting by name; -1 if unknown. */
int settings_find(const char *name);

/* Parse `value` for setting `id`; 0 or a negative code with a message. */
int settings_parse(int id, const char *value, uint64_t *out);

/* Whether the setting shapes the machine, so it can only change before it starts. */
int settings_is_machine(int id);

/* The value of setting `id` as text (canonical spelling), in a static or caller buffer. */
const char *settings_text(const struct settings *st, int id, char *buf, size_t n);

/* Setting `id` as the machine uses it: what an `auto` becomes on this kernel profile and CPU
 * model (nx_huge_pages, tdp_mmu, multihit, host_kernel); any other value as it is. */
const char *settings_resolved(const struct settings *st, int id, char *buf, size_t n);

/* Every setting name, space-separated, for messages. */
const char *settings_names(void);

#endif
