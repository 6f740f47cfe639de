/* SPDX-License-Identifier: MIT */
/*
 * Kernel version profiles.  The built-in ones are models/kvm/<version>.ini, compiled in as
 * text (libtdpsim/CMakeLists.txt generates kvm_profiles_builtin.c in the build tree) and
 * parsed with libinih once, at first use.  Profile files named by the `kvm` setting are
 * loaded from disk and kept for the life of the process; core/model_set.c keeps both.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/ini_text.h"
#include "core/model_set.h"
#include "kvm/profile.h"

/* Generated from models/kvm/<version>.ini, in version order: each file's name and text. */
extern const size_t kvm_profile_builtin_count;
extern const char *const kvm_profile_builtin_file[];
extern const char *const kvm_profile_builtin_text[];

/* ---- the keys of a profile file ---- */

enum key_kind {
	K_NAME = INI_NAME,
	K_DESCRIPTION = INI_DESCRIPTION,
	K_BOOL = INI_BOOL,
	K_LOG_OFF = INI_OWN,
	K_OLD_WRITABLE,
	K_TDP_FAST_ZAP,
	K_SHADOW_SYNC,
};

#define KEY(field, kind) { #field, kind, offsetof(struct kvm_profile, field) }

/* In the order of struct kvm_profile; the switches follow name and description. */
static const struct ini_key keys[] = {
	KEY(name, K_NAME),
	KEY(description, K_DESCRIPTION),
	KEY(tdp_mmu_default, K_BOOL),
	KEY(split_on_fault, K_BOOL),
	KEY(nx_child_must_be_tagged, K_BOOL),
	KEY(target_spurious_early_out, K_BOOL),
	KEY(recovery_period_param, K_BOOL),
	KEY(recovery_skips_dirty_logged, K_BOOL),
	KEY(recovery_worker_lazy, K_BOOL),
	KEY(log_off_recovery, K_LOG_OFF),
	KEY(eager_page_split, K_BOOL),
	KEY(nx_never, K_BOOL),
	KEY(pf_stats, K_BOOL),
	KEY(write_protected_result, K_BOOL),
	KEY(per_mmu_nx_lists, K_BOOL),
	KEY(make_spte_old_writable, K_OLD_WRITABLE),
	KEY(log_enable_flushes_always, K_BOOL),
	KEY(tdp_fast_zap, K_TDP_FAST_ZAP),
	KEY(shadow_sync, K_SHADOW_SYNC),
	KEY(invlpg_prefetch, K_BOOL),
	KEY(nested_eager_page_split, K_BOOL),
	KEY(vpid01_current_without_vpid12, K_BOOL),
	KEY(npt_5level, K_BOOL),
	KEY(age_elides_flush, K_BOOL),
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))
#define FIRST_SWITCH 2

/* enum log_off_recovery, spte_old_writable and tdp_fast_zap, by value. */
static const char *const log_off_words[] = { "zap-leaves", "zap-collapsible",
					     "recover-in-place", NULL };
static const char *const old_writable_words[] = { "sync-keeps", "keeps", "leaf-keeps",
						  "leaf-skips-unsync", NULL };
static const char *const tdp_fast_zap_words[] = { "in-place", "invalidate-flush", "invalidate",
						  NULL };
static const char *const shadow_sync_words[] = { "tlbs-dirty", "nr-present", "flush", NULL };

/* The words of an enum kind (NULL-terminated), or NULL for the other kinds. */
static const char *const *kind_words(int kind)
{
	return kind == K_LOG_OFF	    ? log_off_words
	       : kind == K_OLD_WRITABLE ? old_writable_words
	       : kind == K_TDP_FAST_ZAP ? tdp_fast_zap_words
	       : kind == K_SHADOW_SYNC	? shadow_sync_words
					: NULL;
}

static size_t count_words(const char *const *words)
{
	size_t n = 0;

	while (words[n])
		n++;
	return n;
}

/* A word list "a|b|c" for messages. */
static void join(char *buf, size_t n, const char *const *words, size_t count)
{
	buf[0] = '\0';
	for (size_t i = 0; i < count; i++) {
		strncat(buf, i ? "|" : "", n - strlen(buf) - 1);
		strncat(buf, words[i], n - strlen(buf) - 1);
	}
}

/* ---- parsing one profile ---- */

struct parse {
	struct ini_text t;
	int seen[NKEYS];    /* the line each key was given on */
	struct kvm_profile *out;
};

static void fail(struct parse *p, const char *fmt, ...) TDPSIM_PRINTF(2, 3);

/* An error at the line being handled (the first by line is kept). */
static void fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;
	char msg[sizeof(p->t.err)];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ini_text_fail(&p->t, p->t.line, "%s", msg);
}

/* The enums are stored as the int their word list numbers them by. */
_Static_assert(sizeof(enum log_off_recovery) == sizeof(int), "an enum switch is an int");
_Static_assert(sizeof(enum spte_old_writable) == sizeof(int), "an enum switch is an int");
_Static_assert(sizeof(enum tdp_fast_zap) == sizeof(int), "an enum switch is an int");
_Static_assert(sizeof(enum shadow_sync) == sizeof(int), "an enum switch is an int");

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	const char *const *words;
	char list[128];
	int k;

	k = ini_text_key(&p->t, section, name, value);
	if (k < 0)
		return k == -1;
	words = kind_words(keys[k].kind);
	for (size_t w = 0; words && words[w]; w++)
		if (strcmp(value, words[w]) == 0) {
			*(int *)((char *)p->out + keys[k].off) = (int)w;
			return 1;
		}
	if (words) {
		join(list, sizeof(list), words, count_words(words));
		fail(p, "%s = '%s': not one of %s", name, value, list);
	}
	return 0;
}

/* kvm_profile_parse, also telling the line of `name` (for messages about it). */
static int parse_text(struct kvm_profile *out, const char *file, const char *text,
		      int *name_line)
{
	struct parse p;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	p.t.file = file;
	p.t.section = "profile";
	p.t.what = "kernel profile";
	p.t.keys = keys;
	p.t.nkeys = NKEYS;
	p.t.seen = p.seen;
	p.t.rec = out;
	p.t.name_cap = sizeof(out->name);
	p.t.desc_cap = sizeof(out->description);
	p.out = out;
	if ((rc = ini_text_parse(&p.t, text, handler, &p)) < 0)
		return rc;
	for (size_t k = 0; k < NKEYS; k++)
		if (!p.seen[k])
			return err_set(TDPSIM_EINPUT, "%s:%d: [profile] has no '%s' (every key must "
				       "be given; see models/kvm/README.md)", file, p.t.section_line,
				       keys[k].name);
	if (name_line)
		*name_line = p.seen[0];
	return 0;
}

int kvm_profile_parse(struct kvm_profile *out, const char *file, const char *text)
{
	return parse_text(out, file, text, NULL);
}

/* ---- the set: built-ins and files ---- */

static int parse_any(void *out, const char *file, const char *text, int *name_line)
{
	return parse_text(out, file, text, name_line);
}

/* Two profiles of one name say the same thing: every switch and the description. */
static bool same_switches(const void *pa, const void *pb)
{
	const struct kvm_profile *a = pa, *b = pb;

	for (size_t k = FIRST_SWITCH; k < NKEYS; k++)
		if (strcmp(kvm_profile_switch_text(a, k - FIRST_SWITCH),
			   kvm_profile_switch_text(b, k - FIRST_SWITCH)) != 0)
			return false;
	return strcmp(a->description, b->description) == 0;
}

static struct model_set profiles = {
	.what = "kernel profile",
	.dir = "models/kvm",
	.size = sizeof(struct kvm_profile),
	.builtin_count = &kvm_profile_builtin_count,
	.builtin_file = kvm_profile_builtin_file,
	.builtin_text = kvm_profile_builtin_text,
	.parse = parse_any,
	.same = same_switches,
	MODEL_SET_STATE,
};

size_t kvm_profile_count(void)
{
	return model_set_count(&profiles);
}

const struct kvm_profile *kvm_profile_at(size_t i)
{
	return i < kvm_profile_count() ? model_set_by_id(&profiles, i) : NULL;
}

int kvm_profile_lookup(const char *value, size_t *id)
{
	return model_set_resolve(&profiles, value, id);
}

const struct kvm_profile *kvm_profile_by_id(size_t id)
{
	return model_set_by_id(&profiles, id);
}

const struct kvm_profile *kvm_profile_find(const char *name)
{
	return model_set_find(&profiles, name);
}

/* ---- listings ---- */

size_t kvm_profile_switch_count(void)
{
	return NKEYS - FIRST_SWITCH;
}

const char *kvm_profile_switch_name(size_t i)
{
	return i < kvm_profile_switch_count() ? keys[FIRST_SWITCH + i].name : NULL;
}

const char *kvm_profile_switch_text(const struct kvm_profile *p, size_t i)
{
	const struct ini_key *k;
	const char *field;

	if (!p || i >= kvm_profile_switch_count())
		return NULL;
	k = &keys[FIRST_SWITCH + i];
	field = (const char *)p + k->off;
	if (k->kind == K_BOOL)
		return *(const bool *)field ? "true" : "false";
	if (kind_words(k->kind)) {
		const char *const *words = kind_words(k->kind);
		int v = *(const int *)field;

		return v >= 0 && (size_t)v < count_words(words) ? words[v] : "?";
	}
	return NULL;
}
