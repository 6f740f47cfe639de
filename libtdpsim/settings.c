/* SPDX-License-Identifier: MIT */
/* The settings table: names, accepted values, defaults (KVM's defaults where KVM has one). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/num.h"
#include "cpu/model.h"
#include "kvm/profile.h"
#include "settings.h"
#include "tdpsim/tdpsim.h"

/* PROFILE: a kernel profile (kvm/profile.h), held as its kvm_profile_lookup number.
 * CPU: a CPU model (cpu/model.h), held as its cpu_model_resolve number. */
/* VERSION: auto (0) or a Linux release MAJOR.MINOR (SETTINGS_VERSION). */
/* FRACTION: a share from 0 to 1 ("0.25" or "25%"), held in millionths. */
enum kind { WORDS, UINT, BOOL, PROFILE, CPU, VERSION, FRACTION };

struct setting_spec {
	const char *name;
	enum kind kind;
	const char *const *words; /* WORDS */
	uint64_t min, max;        /* UINT */
	uint64_t def;             /* number, or index into words */
	int machine;              /* only before the machine starts */
};

static const char *const w_mmu[] = { "tdp", "shadow", NULL };
/* The kernel profiles are models/kvm/<version>.ini, built in (kvm/profile.c), or a profile
 * file given by its path; the default is the newest. */
#define KVM_PROFILE_DEFAULT "6.18"
/* The CPU models are models/cpu/<name>.ini, built in (cpu/model.c), or a model file given by
 * its path. */
#define CPU_MODEL_DEFAULT "skylake-sp"
static const char *const w_nx[] = { "off", "force", "auto", "never", NULL };
static const char *const w_manual[] = { "0", "1", "3", NULL };
static const char *const w_tdp_mmu[] = { "auto", "0", "1", NULL };
static const char *const w_multihit[] = { "auto", "none", "count", "machine-check", NULL };
static const char *const w_multihit_rule[] = { "broad", "strict", NULL };
static const char *const w_host_levels[] = { "auto", "4", "5", NULL };
/* In TDPSIM_AGE_* order (clear, clear-flush): a scanner ages, it does not only test. */
static const char *const w_age_op[] = { "clear", "clear-flush", NULL };

/* The host's sysfs words, in host/host.h's THP_*, DEFRAG_* and SHMEM_HUGE_* order. */
static const char *const w_thp_enabled[] = { "always", "madvise", "never", NULL };
static const char *const w_thp_defrag[] = { "always", "defer", "defer+madvise", "madvise",
					    "never", NULL };
static const char *const w_shmem_enabled[] = { "never", "always", "within_size", "advise",
					       "deny", "force", NULL };

static const struct setting_spec specs[SET__COUNT] = {
	[SET_MMU] = { "mmu", WORDS, w_mmu, 0, 0, MMU_TDP, 1 },
	[SET_KVM] = { "kvm", PROFILE, NULL, 0, 0, 0, 1 },
	[SET_CPU] = { "cpu", CPU, NULL, 0, 0, 0, 1 },
	[SET_VCPUS] = { "vcpus", UINT, NULL, 1, 4096, 1, 1 },
	/* KVM's default is auto: on where the CPU has the iTLB-multihit bug. */
	[SET_NX_HUGE_PAGES] = { "nx_huge_pages", WORDS, w_nx, 0, 0, NX_AUTO, 0 },
	[SET_NX_RECOVERY_RATIO] = { "nx_huge_pages_recovery_ratio", UINT, NULL, 0, UINT32_MAX,
				    60, 0 },
	[SET_NX_RECOVERY_PERIOD_MS] = { "nx_huge_pages_recovery_period_ms", UINT, NULL, 0,
					UINT32_MAX, 0, 0 },
	[SET_EAGER_PAGE_SPLIT] = { "eager_page_split", BOOL, NULL, 0, 1, 1, 0 },
	[SET_MANUAL_DIRTY_LOG_PROTECT] = { "manual_dirty_log_protect", WORDS, w_manual, 0, 0, 0,
					   1 },
	[SET_DISABLE_NX_HUGE_PAGES] = { "disable_nx_huge_pages", BOOL, NULL, 0, 1, 0, 1 },
	[SET_SEED] = { "seed", UINT, NULL, 0, UINT64_MAX, 0, 1 },
	/* The guest's paging mode: 4-level, or 5-level (LA57). */
	[SET_GUEST_PAGING_LEVELS] = { "guest_paging_levels", UINT, NULL, 4, 5, 4, 1 },
	/* kvm.tdp_mmu: auto follows the kernel profile's default. */
	[SET_TDP_MMU] = { "tdp_mmu", WORDS, w_tdp_mmu, 0, 0, TDP_MMU_AUTO, 1 },
	/* What an iTLB multihit does (auto: a machine check where the CPU has the erratum) and
	 * which rule finds one (hw-vuln/multihit.rst). */
	[SET_MULTIHIT] = { "multihit", WORDS, w_multihit, 0, 0, MULTIHIT_AUTO, 0 },
	[SET_MULTIHIT_RULE] = { "multihit_rule", WORDS, w_multihit_rule, 0, 0, MULTIHIT_RULE_BROAD,
				0 },
	/* kvm_intel.pml: KVM uses Page Modification Logging for dirty logging where the CPU
	 * has it (the model's pml), by default. */
	[SET_PML] = { "pml", BOOL, NULL, 0, 1, 1, 1 },
	/* The Linux release the host's mm runs (host/host.h: its behaviour switches); auto is
	 * the kernel profile's release, as KVM is part of the host kernel. */
	[SET_HOST_KERNEL] = { "host_kernel", VERSION, NULL, 0, 0, 0, 1 },
	/* KVM_SET_NR_MMU_PAGES: the shadow-page budget (n_max_mmu_pages) the VMM asks for; 0,
	 * the default, is KVM's own (memslot pages / 50, at least 64).  KVM refuses fewer than
	 * 64 (KVM_MIN_ALLOC_MMU_PAGES). */
	[SET_NR_MMU_PAGES] = { "nr_mmu_pages", UINT, NULL, 64, UINT32_MAX, 0, 0 },
	/* /sys/kernel/mm/transparent_hugepage/{enabled,defrag,use_zero_page,shmem_enabled}:
	 * Linux's defaults with CONFIG_TRANSPARENT_HUGEPAGE_MADVISE (these machines' kernel);
	 * they may be written at any time, as the files can. */
	[SET_THP_ENABLED] = { "thp_enabled", WORDS, w_thp_enabled, 0, 0, 1, 0 },
	[SET_THP_DEFRAG] = { "thp_defrag", WORDS, w_thp_defrag, 0, 0, 3, 0 },
	[SET_THP_USE_ZERO_PAGE] = { "thp_use_zero_page", BOOL, NULL, 0, 1, 1, 0 },
	[SET_THP_SHMEM_ENABLED] = { "thp_shmem_enabled", WORDS, w_shmem_enabled, 0, 0, 0, 0 },
	/* The host's fragmentation: the share of 2M allocations that find no free 2M block
	 * without compaction, and of direct compactions that cannot make one (host/thp.c),
	 * drawn from `seed`. */
	[SET_HOST_FRAGMENTATION] = { "host_fragmentation", FRACTION, NULL, 0, 1000000, 0, 0 },
	[SET_HOST_COMPACTION_FAIL] = { "host_compaction_fail", FRACTION, NULL, 0, 1000000, 0,
				       0 },
	/* transparent_hugepage/khugepaged/ (host/khugepaged.c), Linux's defaults: 8 2M ranges
	 * every 10 s, a minute's pause after a failed allocation, collapse with up to 511 of
	 * 512 PTEs empty, direct compaction on. */
	[SET_KHUGEPAGED_PAGES_TO_SCAN] = { "khugepaged_pages_to_scan", UINT, NULL, 1, UINT32_MAX,
					   4096, 0 },
	[SET_KHUGEPAGED_SCAN_SLEEP_MS] = { "khugepaged_scan_sleep_millisecs", UINT, NULL, 1,
					   UINT32_MAX, 10000, 0 },
	[SET_KHUGEPAGED_ALLOC_SLEEP_MS] = { "khugepaged_alloc_sleep_millisecs", UINT, NULL, 1,
					    UINT32_MAX, 60000, 0 },
	[SET_KHUGEPAGED_MAX_PTES_NONE] = { "khugepaged_max_ptes_none", UINT, NULL, 0, 511, 511, 0 },
	[SET_KHUGEPAGED_DEFRAG] = { "khugepaged_defrag", BOOL, NULL, 0, 1, 1, 0 },
	/* The host kernel's paging: auto is 5-level where the CPU has LA57, as a kernel built
	 * with CONFIG_X86_5LEVEL (Debian's, and most distributions') boots; 4 is `no5lvl`. */
	[SET_HOST_PAGING_LEVELS] = { "host_paging_levels", WORDS, w_host_levels, 0, 0,
				     HOST_LEVELS_AUTO, 1 },
	/* The guest's MAXPHYADDR (CPUID 0x80000008 EAX[7:0], QEMU's phys-bits); 0 is the
	 * CPU's, as QEMU's `-cpu host` (host-phys-bits) gives it.  KVM picks 5-level EPT only
	 * for a guest whose MAXPHYADDR is above 48 (mmu.c kvm_mmu_get_tdp_level). */
	[SET_GUEST_MAXPHYADDR] = { "guest_maxphyaddr", UINT, NULL, 0, 52, 0, 1 },
	/* kvm_intel.ept_ad (enable_ept_ad_bits): EPT's accessed and dirty bits, on where the
	 * CPU has them (every modelled Intel part).  Off, KVM ages its SPTEs by access tracking
	 * and cannot use PML.  AMD's NPT always has them. */
	[SET_EPT_AD] = { "ept_ad", BOOL, NULL, 0, 1, 1, 1 },
	/* A host aging scanner on the simulated clock - a working-set estimator, MGLRU's
	 * aging, a proactive-reclaim daemon: every period it runs host-age over all of the
	 * VMM's memory with host_age_op.  0, the default, runs none. */
	[SET_HOST_AGE_PERIOD_MS] = { "host_age_period_ms", UINT, NULL, 0, UINT32_MAX, 0, 0 },
	[SET_HOST_AGE_OP] = { "host_age_op", WORDS, w_age_op, 0, 0, 0, 0 },
};

void settings_init(struct settings *st)
{
	size_t id = 0;

	memset(st, 0, sizeof(*st));
	for (int i = 0; i < SET__COUNT; i++)
		st->s[i].v = specs[i].def;
	/* Built-in profiles that fail to parse are reported by the first kvm setting. */
	if (kvm_profile_lookup(KVM_PROFILE_DEFAULT, &id) == 0)
		st->s[SET_KVM].v = id;
	/* Likewise the built-in CPU models, by the first cpu setting. */
	if (cpu_model_resolve(CPU_MODEL_DEFAULT, &id) == 0)
		st->s[SET_CPU].v = id;
}

int settings_find(const char *name)
{
	for (int i = 0; i < SET__COUNT; i++)
		if (strcmp(specs[i].name, name) == 0)
			return i;
	return -1;
}

int settings_is_machine(int id)
{
	return specs[id].machine;
}

static int parse_bool(const char *v, uint64_t *out)
{
	/* The spellings the kernel's kstrtobool() takes for a module parameter. */
	static const char *const yes[] = { "1", "y", "Y", "true", "on", NULL };
	static const char *const no[] = { "0", "n", "N", "false", "off", NULL };

	for (int i = 0; yes[i]; i++) {
		if (strcmp(v, yes[i]) == 0)
			return *out = 1, 0;
		if (strcmp(v, no[i]) == 0)
			return *out = 0, 0;
	}
	return -1;
}

static int words_list(const char *const *w, char *buf, size_t n)
{
	buf[0] = '\0';
	for (int i = 0; w[i]; i++) {
		strncat(buf, i ? "|" : "", n - strlen(buf) - 1);
		strncat(buf, w[i], n - strlen(buf) - 1);
	}
	return 0;
}

/* A model-file setting's kind of model: the kernel profiles or the CPU models. */
struct model_kind {
	int (*resolve)(const char *value, size_t *id);
	size_t (*count)(void);
	const char *(*name_at)(size_t i);
	const char *file_what; /* "a profile file", "a CPU model file" */
};

static const char *profile_name_at(size_t i)
{
	return kvm_profile_at(i)->name;
}

static const char *cpu_name_at(size_t i)
{
	return cpu_model_at(i)->name;
}

static const struct model_kind profile_kind = { kvm_profile_lookup, kvm_profile_count,
						profile_name_at, "a profile file" };
static const struct model_kind cpu_kind = { cpu_model_resolve, cpu_model_count, cpu_name_at,
					    "a CPU model file" };

/* A built-in model's name, or a model file's path: its number; else the error, naming the
 * built-in ones (a model file's own error is located in the file). */
static int parse_model(const struct setting_spec *s, const char *value, uint64_t *out,
		       const struct model_kind *k)
{
	char list[256] = "";
	size_t idx;
	int rc = k->resolve(value, &idx);

	if (rc == 0)
		return *out = idx, 0;
	if (rc != TDPSIM_ENOTFOUND)
		return rc; /* a file's error, located; or broken built-ins */
	for (size_t i = 0; i < k->count(); i++) {
		strncat(list, i ? "|" : "", sizeof(list) - strlen(list) - 1);
		strncat(list, k->name_at(i), sizeof(list) - strlen(list) - 1);
	}
	return err_set(TDPSIM_ENOTFOUND, "%s='%s' is not one of %s (or %s: a path with a '/' or "
		       "ending in .ini)", s->name, value, list, k->file_what);
}

/* "MAJOR.MINOR" at the start of s (each 1-3 digits) into *out; the length read, or 0. */
static size_t version_prefix(const char *s, uint64_t *out)
{
	uint64_t part[2] = { 0, 0 };
	size_t n = 0;

	for (int i = 0; i < 2; i++) {
		size_t digits = 0;

		if (i == 1 && s[n++] != '.')
			return 0;
		while (s[n] >= '0' && s[n] <= '9' && digits < 4) {
			part[i] = part[i] * 10 + (uint64_t)(s[n++] - '0');
			digits++;
		}
		if (digits == 0 || digits > 3)
			return 0;
	}
	*out = SETTINGS_VERSION(part[0], part[1]);
	return n;
}

uint64_t settings_version_of(const char *name)
{
	uint64_t v = 0;

	for (size_t i = 0; name[i]; i++) {
		int starts = name[i] >= '0' && name[i] <= '9' &&
			     (i == 0 || name[i - 1] < '0' || name[i - 1] > '9');

		if (starts && version_prefix(name + i, &v))
			return v;
	}
	return 0;
}

static int parse_version(const struct setting_spec *s, const char *value, uint64_t *out)
{
	size_t n;

	if (strcmp(value, "auto") == 0)
		return *out = 0, 0;
	n = version_prefix(value, out);
	if (n == 0 || value[n] != '\0' || *out < SETTINGS_VERSION(3, 0))
		return err_set(TDPSIM_EINPUT, "%s='%s' is not auto or a Linux release MAJOR.MINOR "
			       "(3.0 or later, e.g. 6.12)", s->name, value);
	return 0;
}

/* "0.25", "1", "25%": a share from 0 to 1 in millionths (at most 6 decimals, 4 with %). */
static int parse_fraction(const struct setting_spec *s, const char *value, uint64_t *out)
{
	uint64_t whole = 0, frac = 0, scale = 1000000;
	const char *p = value;
	int digits = 0;

	while (*p >= '0' && *p <= '9' && digits < 8)
		whole = whole * 10 + (uint64_t)(*p++ - '0'), digits++;
	if (*p == '.' && digits)
		for (p++; *p >= '0' && *p <= '9' && scale > 1; p++) {
			scale /= 10;
			frac += (uint64_t)(*p - '0') * scale;
		}
	if (digits && *p == '%' && p[1] == '\0' && (whole * 1000000 + frac) % 100 == 0)
		*out = (whole * 1000000 + frac) / 100;
	else if (digits && *p == '\0')
		*out = whole * 1000000 + frac;
	else
		*out = UINT64_MAX;
	if (*out > 1000000)
		return err_set(TDPSIM_EINPUT, "%s='%s' is not a share from 0 to 1 (e.g. 0.25 or "
			       "25%%, to a millionth)", s->name, value);
	return 0;
}

int settings_parse(int id, const char *value, uint64_t *out)
{
	const struct setting_spec *s = &specs[id];
	char list[256];

	switch (s->kind) {
	case WORDS:
		for (int i = 0; s->words[i]; i++)
			if (strcmp(value, s->words[i]) == 0)
				return *out = (uint64_t)i, 0;
		/* nx_huge_pages also takes a boolean, as KVM's parameter does: y = force. */
		if (id == SET_NX_HUGE_PAGES && parse_bool(value, out) == 0) {
			*out = *out ? NX_FORCE : NX_OFF;
			return 0;
		}
		words_list(s->words, list, sizeof(list));
		return err_set(id == SET_KVM || id == SET_CPU ? TDPSIM_ENOTFOUND : TDPSIM_EINPUT,
			       "%s='%s' is not one of %s", s->name, value, list);
	case BOOL:
		if (parse_bool(value, out) == 0)
			return 0;
		return err_set(TDPSIM_EINPUT, "%s='%s' is not a boolean (0|1|y|n)", s->name, value);
	case PROFILE:
		return parse_model(s, value, out, &profile_kind);
	case CPU:
		return parse_model(s, value, out, &cpu_kind);
	case VERSION:
		return parse_version(s, value, out);
	case FRACTION:
		return parse_fraction(s, value, out);
	case UINT:
		if (num_parse_u64(value, strlen(value), 0, out) != NUM_OK || *out < s->min ||
		    *out > s->max)
			return err_set(TDPSIM_EINPUT,
				       "%s='%s' is not a number from %" PRIu64 " to %" PRIu64,
				       s->name, value, s->min, s->max);
		return 0;
	}
	return err_set(TDPSIM_EINTERNAL, "settings: bad kind");
}

const char *settings_text(const struct settings *st, int id, char *buf, size_t n)
{
	const struct setting_spec *s = &specs[id];

	if (s->kind == WORDS)
		return s->words[st->s[id].v];
	if (s->kind == PROFILE) {
		const struct kvm_profile *p = kvm_profile_by_id((size_t)st->s[id].v);

		return p ? p->name : "?";
	}
	if (s->kind == CPU) {
		const struct cpu_model *m = cpu_model_by_id((size_t)st->s[id].v);

		return m ? m->name : "?";
	}
	if (s->kind == VERSION) {
		if (st->s[id].v == 0)
			return "auto";
		snprintf(buf, n, "%" PRIu64 ".%" PRIu64, st->s[id].v >> 16, st->s[id].v & 0xffff);
		return buf;
	}
	if (s->kind == FRACTION) { /* the shortest decimal: 0, 1, 0.25, 0.000001 */
		size_t len;

		snprintf(buf, n, "%" PRIu64 ".%06" PRIu64, st->s[id].v / 1000000,
			 st->s[id].v % 1000000);
		len = strlen(buf);
		while (len && buf[len - 1] == '0')
			buf[--len] = '\0';
		if (len && buf[len - 1] == '.')
			buf[--len] = '\0';
		return buf;
	}
	snprintf(buf, n, "%" PRIu64, st->s[id].v);
	return buf;
}

const char *settings_resolved(const struct settings *st, int id, char *buf, size_t n)
{
	const struct kvm_profile *p = kvm_profile_by_id((size_t)st->s[SET_KVM].v);
	const struct cpu_model *m = cpu_model_by_id((size_t)st->s[SET_CPU].v);
	uint64_t v = st->s[id].v, release;

	/* kvm/mmu.c get_nx_auto_mode: on where the CPU has X86_BUG_ITLB_MULTIHIT. */
	if (id == SET_NX_HUGE_PAGES && v == NX_AUTO && m)
		return m->itlb_multihit ? "force" : "off";
	if (id == SET_TDP_MMU && v == TDP_MMU_AUTO && p) /* the profile's tdp_mmu default */
		return p->tdp_mmu_default ? "1" : "0";
	if (id == SET_MULTIHIT && v == MULTIHIT_AUTO && m) /* a machine check on affected CPUs */
		return m->itlb_multihit ? "machine-check" : "none";
	/* enable_pml needs the CPU's PML, EPT and EPT A/D bits (vmx.c hardware_setup). */
	if (id == SET_PML && v && m &&
	    (!m->pml || st->s[SET_MMU].v == MMU_SHADOW || !st->s[SET_EPT_AD].v))
		return "0";
	if (id == SET_HOST_PAGING_LEVELS && v == HOST_LEVELS_AUTO && m)
		return m->la57 ? "5" : "4";
	if (id == SET_GUEST_MAXPHYADDR && v == 0 && m) {
		snprintf(buf, n, "%u", m->maxphyaddr);
		return buf;
	}
	if (id == SET_HOST_KERNEL && v == 0 && p && (release = settings_version_of(p->name))) {
		snprintf(buf, n, "%" PRIu64 ".%" PRIu64, release >> 16, release & 0xffff);
		return buf;
	}
	return settings_text(st, id, buf, n);
}

const char *settings_names(void)
{
	static char names[1024];

	if (!names[0])
		for (int i = 0; i < SET__COUNT; i++) {
			strcat(names, i ? " " : "");
			strcat(names, specs[i].name);
		}
	return names;
}

size_t tdpsim_setting_count(void)
{
	return SET__COUNT;
}

const char *tdpsim_setting_name(size_t i)
{
	return i < SET__COUNT ? specs[i].name : NULL;
}
