/* SPDX-License-Identifier: MIT */
/*
 * CPU models.  The built-in ones are models/cpu/<name>.ini, compiled in as text
 * (libtdpsim/CMakeLists.txt generates cpu_models_builtin.c in the build tree) and parsed with
 * libinih once, at first use.  Model files named by the `cpu` setting are loaded from disk and
 * kept for the life of the process; core/model_set.c keeps both.  The format and every rule
 * checked here: models/cpu/README.md.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/ini_text.h"
#include "core/model_set.h"
#include "cpu/model.h"

/* Generated from models/cpu/<name>.ini, in file-name order: each file's name and text. */
extern const size_t cpu_model_builtin_count;
extern const char *const cpu_model_builtin_file[];
extern const char *const cpu_model_builtin_text[];

/* ---- the keys of a model file ---- */

enum key_kind {
	K_NAME = INI_NAME,
	K_DESCRIPTION = INI_DESCRIPTION,
	K_BOOL = INI_BOOL,
	K_VENDOR = INI_OWN,
	K_GEOMETRY,     /* entries/ways, 0/0 = absent */
	K_L1_GEOMETRY,  /* the same, but the array must be present */
	K_REPLACEMENT,
	K_INDEX,        /* linear | xor */
	K_PSC,          /* three entry counts */
	K_CYCLES,
	K_MHZ,
	K_PHYS_BITS,    /* MAXPHYADDR, 36..52 */
};

#define KEY(field, kind) { #field, kind, offsetof(struct cpu_model, field) }

/* In the order of struct cpu_model; the listed fields follow name and description. */
static const struct ini_key keys[] = {
	KEY(name, K_NAME),
	KEY(description, K_DESCRIPTION),
	KEY(vendor, K_VENDOR),
	KEY(itlb_multihit, K_BOOL),
	KEY(pml, K_BOOL),
	KEY(ept_1g, K_BOOL),
	KEY(maxphyaddr, K_PHYS_BITS),
	KEY(la57, K_BOOL),
	KEY(ept_5level, K_BOOL),
	KEY(itlb_4k, K_L1_GEOMETRY),
	KEY(itlb_2m, K_L1_GEOMETRY),
	KEY(itlb_1g, K_GEOMETRY),
	KEY(dtlb_4k, K_L1_GEOMETRY),
	KEY(dtlb_2m, K_L1_GEOMETRY),
	KEY(dtlb_1g, K_GEOMETRY),
	KEY(stlb, K_GEOMETRY),
	KEY(stlb_1g, K_GEOMETRY),
	KEY(stlb_holds_2m, K_BOOL),
	KEY(stlb_index, K_INDEX),
	KEY(replacement, K_REPLACEMENT),
	KEY(psc_guest, K_PSC),
	KEY(psc_ept, K_PSC),
	KEY(cyc_l1_tlb_hit, K_CYCLES),
	KEY(cyc_stlb_hit, K_CYCLES),
	KEY(cyc_walk_ref_cached, K_CYCLES),
	KEY(cyc_walk_ref_memory, K_CYCLES),
	KEY(cyc_vmexit, K_CYCLES),
	KEY(cyc_guest_pf, K_CYCLES),
	KEY(cyc_fast_page_fault, K_CYCLES),
	KEY(cyc_topup, K_CYCLES),
	KEY(cyc_faultin, K_CYCLES),
	KEY(cyc_hugepage_adjust, K_CYCLES),
	KEY(cyc_map_per_level, K_CYCLES),
	KEY(cyc_make_spte, K_CYCLES),
	KEY(cyc_split_per_table, K_CYCLES),
	KEY(cyc_zap_per_spte, K_CYCLES),
	KEY(cyc_flush, K_CYCLES),
	KEY(cyc_ipi, K_CYCLES),
	KEY(cyc_pml_entry, K_CYCLES),
	KEY(cpu_mhz, K_MHZ),
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))
#define FIRST_FIELD 2
#define KEY_INDEX(field) key_index(#field)

static const char *const vendor_words[] = { "intel", "amd" };
/* enum tlb_replacement and enum tlb_index, by value. */
static const char *const replacement_words[] = { "lru" };
static const char *const index_words[] = { "linear", "xor" };

/* The words of an enum-valued kind, and how many. */
static const char *const *enum_words(int kind, size_t *n)
{
	if (kind == K_INDEX) {
		*n = sizeof(index_words) / sizeof(index_words[0]);
		return index_words;
	}
	*n = sizeof(replacement_words) / sizeof(replacement_words[0]);
	return replacement_words;
}

static size_t key_index(const char *name)
{
	for (size_t k = 0; k < NKEYS; k++)
		if (strcmp(keys[k].name, name) == 0)
			return k;
	return NKEYS;
}

/* ---- parsing one model ---- */

struct parse {
	struct ini_text t;
	int seen[NKEYS];    /* the line each key was given on */
	struct cpu_model *out;
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

/* A decimal number (digits only) up to UINT32_MAX at *s; advances *s.  -1 if there is none. */
static int scan_u32(const char **s, uint32_t *out)
{
	uint64_t v = 0;
	const char *c = *s;

	if (*c < '0' || *c > '9')
		return -1;
	for (; *c >= '0' && *c <= '9'; c++) {
		v = v * 10 + (uint64_t)(*c - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	*s = c;
	*out = (uint32_t)v;
	return 0;
}

/* The whole of `v` as one number. */
static int parse_u32(const char *v, uint32_t *out)
{
	return scan_u32(&v, out) == 0 && *v == '\0' ? 0 : -1;
}

static int is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* entries/ways, checked: 1 and the geometry in *g, or 0 after reporting the error. */
static int parse_geometry(struct parse *p, const char *key, const char *v, int required,
			  struct tlb_geometry *g)
{
	const char *s = v;
	uint32_t e, w;

	if (scan_u32(&s, &e) < 0 || *s++ != '/' || scan_u32(&s, &w) < 0 || *s) {
		fail(p, "%s = '%s': not ENTRIES/WAYS (e.g. 128/8; 0/0 for no array)", key,
		     v);
		return 0;
	}
	if (e > CPU_TLB_MAX_ENTRIES) {
		fail(p, "%s = %s: more than %u entries (absurd)", key, v,
		     CPU_TLB_MAX_ENTRIES);
		return 0;
	}
	if (w > CPU_TLB_MAX_WAYS) {
		fail(p, "%s = %s: more than %u ways (absurd)", key, v, CPU_TLB_MAX_WAYS);
		return 0;
	}
	if (e == 0 && w == 0 && required) {
		fail(p, "%s = 0/0: the L1 TLBs for 4K and 2M pages (itlb_4k, itlb_2m, "
		     "dtlb_4k, dtlb_2m) cannot be absent", key);
		return 0;
	}
	if (e && !w) {
		fail(p, "%s = %s: %u entries in 0 ways (0/0 for no array)", key, v, e);
		return 0;
	}
	if (!e && w) {
		fail(p, "%s = %s: %u ways but no entries (0/0 for no array)", key, v, w);
		return 0;
	}
	if (e && e % w) {
		fail(p, "%s = %s: %u entries are not a whole number of %u-way sets", key,
		     v, e, w);
		return 0;
	}
	if (e && !is_pow2(e / w)) {
		fail(p, "%s = %s: %u sets, not a power of two (a set is chosen by the "
		     "low bits of the page number)", key, v, e / w);
		return 0;
	}
	g->entries = e;
	g->ways = w;
	return 1;
}

/* A word of `words` (n of them): its index, or -1 after reporting the error. */
static int parse_word(struct parse *p, const char *key, const char *v, const char *const *words,
		      size_t n)
{
	char list[128] = "";

	for (size_t w = 0; w < n; w++)
		if (strcmp(v, words[w]) == 0)
			return (int)w;
	for (size_t w = 0; w < n; w++) {
		strncat(list, w ? "|" : "", sizeof(list) - strlen(list) - 1);
		strncat(list, words[w], sizeof(list) - strlen(list) - 1);
	}
	fail(p, "%s = '%s': not one of %s", key, v, list);
	return -1;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	char *field;
	int k;
	uint32_t u;

	k = ini_text_key(&p->t, section, name, value);
	if (k < 0)
		return k == -1;
	field = (char *)p->out + keys[k].off;
	switch (keys[k].kind) {
	case K_VENDOR: {
		int w = parse_word(p, name, value, vendor_words,
				   sizeof(vendor_words) / sizeof(vendor_words[0]));

		if (w < 0)
			return 0;
		memcpy(field, vendor_words[w], strlen(vendor_words[w]) + 1);
		return 1;
	}
	case K_GEOMETRY:
	case K_L1_GEOMETRY:
		return parse_geometry(p, name, value, keys[k].kind == K_L1_GEOMETRY,
				      (struct tlb_geometry *)field);
	case K_REPLACEMENT:
	case K_INDEX: { /* both enums are stored as int-sized enum values */
		size_t nw;
		const char *const *words = enum_words(keys[k].kind, &nw);
		int w = parse_word(p, name, value, words, nw);

		if (w < 0)
			return 0;
		if (keys[k].kind == K_INDEX)
			*(enum tlb_index *)field = (enum tlb_index)w;
		else
			*(enum tlb_replacement *)field = (enum tlb_replacement)w;
		return 1;
	}
	case K_PSC: {
		uint32_t v[3];
		const char *s = value;
		int i;

		for (i = 0; i < 3; i++) {
			while (i && (*s == ' ' || *s == '\t'))
				s++;
			if ((i && s[-1] != ' ' && s[-1] != '\t') || scan_u32(&s, &v[i]) < 0)
				break;
		}
		if (i < 3 || *s) {
			fail(p, "%s = '%s': not three entry counts (PML4E PDPTE PDE, e.g. "
			     "4 8 32)", name, value);
			return 0;
		}
		for (i = 0; i < 3; i++)
			if (v[i] > CPU_PSC_MAX_ENTRIES) {
				fail(p, "%s = %s: %u entries, more than %u (absurd)", name,
				     value, v[i], CPU_PSC_MAX_ENTRIES);
				return 0;
			}
		memcpy(field, v, sizeof(v));
		return 1;
	}
	case K_CYCLES:
		if (parse_u32(value, &u) < 0) {
			fail(p, "%s = '%s': not a number of cycles (decimal digits)", name,
			     value);
			return 0;
		}
		if (u > CPU_MAX_CYCLES) {
			fail(p, "%s = %s: more than %u cycles (absurd)", name, value,
			     CPU_MAX_CYCLES);
			return 0;
		}
		*(uint32_t *)field = u;
		return 1;
	case K_MHZ:
		if (parse_u32(value, &u) < 0) {
			fail(p, "%s = '%s': not a number of MHz (decimal digits)", name,
			     value);
			return 0;
		}
		if (u < CPU_MHZ_MIN || u > CPU_MHZ_MAX) {
			fail(p, "%s = %s: not from %u to %u MHz", name, value, CPU_MHZ_MIN,
			     CPU_MHZ_MAX);
			return 0;
		}
		*(uint32_t *)field = u;
		return 1;
	case K_PHYS_BITS:
		if (parse_u32(value, &u) < 0 || u < CPU_MAXPHYADDR_MIN || u > CPU_MAXPHYADDR_MAX) {
			fail(p, "%s = '%s': not a physical-address width from %u to %u bits", name,
			     value, CPU_MAXPHYADDR_MIN, CPU_MAXPHYADDR_MAX);
			return 0;
		}
		*(uint32_t *)field = u;
		return 1;
	}
	return 0;
}

/* cpu_model_parse, also telling the line of `name` (for messages about it). */
static int parse_text(struct cpu_model *out, const char *file, const char *text, int *name_line)
{
	struct parse p;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	p.t.file = file;
	p.t.section = "cpu";
	p.t.what = "CPU model";
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
			return err_set(TDPSIM_EINPUT, "%s:%d: [cpu] has no '%s' (every key must be "
				       "given; see models/cpu/README.md)", file, p.t.section_line,
				       keys[k].name);
	/* Checks across keys, reported at the later key's line. */
	if (out->stlb_holds_2m && !out->stlb.entries) {
		size_t a = KEY_INDEX(stlb), b = KEY_INDEX(stlb_holds_2m);
		int line = p.seen[a] > p.seen[b] ? p.seen[a] : p.seen[b];

		return err_set(TDPSIM_EINPUT, "%s:%d: stlb_holds_2m = true but there is no stlb "
			       "(0/0)", file, line);
	}
	/* AMD's nested paging uses the host's paging mode (its nCR3 tables are as deep as the
	 * host's, svm.c get_npt_level): no separate 5-level capability. */
	if (!strcmp(out->vendor, "amd") && out->ept_5level != out->la57) {
		size_t a = KEY_INDEX(la57), b = KEY_INDEX(ept_5level);
		int line = p.seen[a] > p.seen[b] ? p.seen[a] : p.seen[b];

		return err_set(TDPSIM_EINPUT, "%s:%d: vendor = amd: ept_5level must equal la57 (NPT "
			       "walks as deep as the host's paging)", file, line);
	}
	if (name_line)
		*name_line = p.seen[0];
	return 0;
}

int cpu_model_parse(struct cpu_model *out, const char *file, const char *text)
{
	return parse_text(out, file, text, NULL);
}

/* ---- the set: built-ins and files ---- */

static int parse_any(void *out, const char *file, const char *text, int *name_line)
{
	return parse_text(out, file, text, name_line);
}

/* Two models of one name say the same thing: every field and the description. */
static bool same_model(const void *pa, const void *pb)
{
	const struct cpu_model *a = pa, *b = pb;
	char ba[64], bb[64];

	for (size_t i = 0; i < cpu_model_field_count(); i++)
		if (strcmp(cpu_model_field_text(a, i, ba, sizeof(ba)),
			   cpu_model_field_text(b, i, bb, sizeof(bb))) != 0)
			return false;
	return strcmp(a->description, b->description) == 0;
}

static struct model_set models = {
	.what = "CPU model",
	.dir = "models/cpu",
	.size = sizeof(struct cpu_model),
	.builtin_count = &cpu_model_builtin_count,
	.builtin_file = cpu_model_builtin_file,
	.builtin_text = cpu_model_builtin_text,
	.parse = parse_any,
	.same = same_model,
	MODEL_SET_STATE,
};

size_t cpu_model_count(void)
{
	return model_set_count(&models);
}

const struct cpu_model *cpu_model_at(size_t i)
{
	return i < cpu_model_count() ? model_set_by_id(&models, i) : NULL;
}

int cpu_model_resolve(const char *value, size_t *id)
{
	return model_set_resolve(&models, value, id);
}

const struct cpu_model *cpu_model_by_id(size_t id)
{
	return model_set_by_id(&models, id);
}

const struct cpu_model *cpu_model_lookup(const char *name)
{
	const struct cpu_model *m;
	size_t id;

	if (!name) {
		err_set(TDPSIM_EINVAL, "cpu_model_lookup: no name");
		return NULL;
	}
	if (model_set_is_path(name))
		return cpu_model_resolve(name, &id) == 0 ? cpu_model_by_id(id) : NULL;
	if (model_set_ready(&models) < 0)
		return NULL;
	m = model_set_find(&models, name);
	if (!m)
		err_set(TDPSIM_ENOTFOUND, "no CPU model '%s'", name);
	return m;
}

/* ---- listings ---- */

size_t cpu_model_field_count(void)
{
	return NKEYS - FIRST_FIELD;
}

const char *cpu_model_field_name(size_t i)
{
	return i < cpu_model_field_count() ? keys[FIRST_FIELD + i].name : NULL;
}

const char *cpu_model_field_text(const struct cpu_model *m, size_t i, char *buf, size_t n)
{
	const struct ini_key *k;
	const char *field;

	if (!m || i >= cpu_model_field_count() || !buf || !n)
		return NULL;
	k = &keys[FIRST_FIELD + i];
	field = (const char *)m + k->off;
	switch (k->kind) {
	case K_NAME:
	case K_DESCRIPTION:
	case K_VENDOR:
		return field;
	case K_BOOL:
		return *(const bool *)field ? "true" : "false";
	case K_GEOMETRY:
	case K_L1_GEOMETRY: {
		const struct tlb_geometry *g = (const struct tlb_geometry *)field;

		snprintf(buf, n, "%u/%u", g->entries, g->ways);
		return buf;
	}
	case K_REPLACEMENT:
	case K_INDEX: {
		size_t nw, w = k->kind == K_INDEX ? (size_t)*(const enum tlb_index *)field
						  : (size_t)*(const enum tlb_replacement *)field;
		const char *const *words = enum_words(k->kind, &nw);

		return w < nw ? words[w] : "?";
	}
	case K_PSC: {
		const uint32_t *v = (const uint32_t *)field;

		snprintf(buf, n, "%u %u %u", v[0], v[1], v[2]);
		return buf;
	}
	case K_CYCLES:
	case K_MHZ:
	case K_PHYS_BITS:
		snprintf(buf, n, "%u", *(const uint32_t *)field);
		return buf;
	}
	return NULL;
}
