/* SPDX-License-Identifier: MIT */
/*
 * Internal: the trace commands and their keys, as one table.  The text reader and writer and
 * the binary codec are all driven by it, so the two encodings cannot drift apart: a key added
 * here exists in both, with one parser, one range check and one default.
 */
#ifndef TDPSIM_TRACE_SPEC_H
#define TDPSIM_TRACE_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "tdpsim/trace.h"

enum key_type {
	KT_U32,   /* decimal or 0x number -> uint32_t */
	KT_U64,   /* number -> uint64_t */
	KT_HEX,   /* number -> uint32_t/uint64_t (by `wide`), written in hex */
	KT_SIZE,  /* byte count -> uint64_t; K/M/G/T suffixes */
	KT_GVA,   /* guest virtual address -> uint64_t; canonical (57-bit sign-extended) */
	KT_GPA,   /* guest physical address -> uint64_t; below 2^52 */
	KT_HVA,   /* host virtual address -> uint64_t; below 2^52 */
	KT_ENUM,  /* one word of `words` -> uint32_t (enum_base + index) */
	KT_FLAGS, /* comma list of `words` -> uint32_t bits (1 << index) */
	KT_PROT,  /* letters from "rwx" -> uint32_t TDPSIM_PROT_*, r among them (x86) */
	KT_EPT_PROT, /* the same for EPT: r, x or both, w only beside r */
	KT_STR,   /* text -> const char * (bare word or "quoted") */
	KT_ONOFF, /* the bare word on|off -> uint32_t 1|0 (dirty-log) */
	KT_DUR,   /* duration in units of `scale` ns -> uint64_t ns; keys of a group share a field */
};

/* Address classes for delta coding in the binary form. */
enum { ADDR_GVA, ADDR_GPA, ADDR_HVA, ADDR__COUNT };

struct key_spec {
	const char *name;
	uint8_t type;
	uint8_t required; /* 1: must be given (for a group: exactly one of it); 2: optional,
			   but writers always write it (a cross-key rule depends on it) */
	uint8_t wide;     /* the field is a uint32_t (0), a uint64_t (1: the 64-bit types, a
			   wide KT_HEX), or two uint32_t halves (2: the low at offset, the
			   high at offset_hi - an ABI kept, see fault.err) */
	uint8_t group;    /* non-zero: alternatives for one field (advance ns=/us=/ms=/s=) */
	uint8_t alias;    /* shares its field with an earlier key of the group */
	uint16_t offset;  /* of the field inside tdpsim_event */
	int16_t present;  /* offset of a uint32_t set to 1 when the key is given, or -1 */
	uint64_t def;     /* value when not given */
	uint64_t max;     /* largest value allowed */
	uint64_t scale;   /* KT_DUR: nanoseconds per unit */
	uint32_t enum_base;
	const char *const *words; /* KT_ENUM, KT_FLAGS: NULL-terminated */
	uint16_t offset_hi;       /* wide 2: the field of the high 32 bits */
	uint8_t since;            /* the format version that added it (0: version 1) */
	const uint8_t *word_since; /* KT_ENUM: the version each word came in (NULL: the key's) */
};

struct cmd_spec {
	const char *name;
	const struct key_spec *keys;
	unsigned nkeys;
	/* Rules across keys; returns a message or NULL.  `given` has bit i for key i. */
	const char *(*check)(const tdpsim_event *ev, uint32_t given);
	uint8_t since; /* the format version that added it (0: version 1) */
};

/* The oldest and newest format versions read; writers write the newest (FORMAT.md 6). */
#define FORMAT_VERSION_MIN 1
#define FORMAT_VERSION 5
#define FORMAT_VERSION_TEXT "5" /* the same, for the text header */

/* Whether a command or a key exists in format `version`: a version-1 trace has none of the
 * later ones, in either encoding (its binary records lack their fields). */
static inline int spec_cmd_in(const struct cmd_spec *c, unsigned version)
{
	return (c->since ? c->since : 1) <= version;
}
static inline int spec_key_in(const struct key_spec *k, unsigned version)
{
	return (k->since ? k->since : 1) <= version;
}

/* What is wrong with the permissions v of a KT_PROT or KT_EPT_PROT key, or NULL. */
const char *spec_prot_problem(const struct key_spec *k, uint64_t v);

#define STR_MAX 4095 /* longest string value (mark label, set key or value) */

/* The spec of command `cmd` (1 .. TDPSIM_CMD__COUNT-1), or NULL. */
const struct cmd_spec *spec_of(tdpsim_cmd cmd);

/* Look a command up by its text name; TDPSIM_CMD_NONE if unknown. */
tdpsim_cmd spec_lookup(const char *name, size_t len);

/* Field access by offset. */
static inline uint32_t *field_u32(tdpsim_event *ev, uint16_t off)
{
	return (uint32_t *)((char *)ev + off);
}
static inline uint64_t *field_u64(tdpsim_event *ev, uint16_t off)
{
	return (uint64_t *)((char *)ev + off);
}
static inline const char **field_str(tdpsim_event *ev, uint16_t off)
{
	return (const char **)((char *)ev + off);
}

/* Whether a key holds a 64-bit value (in one field or two halves). */
static inline int key_is_u64(const struct key_spec *k)
{
	return k->wide != 0;
}

/* A number key's value in the event, whatever its field's width (32, 64 or two halves): the
 * one reader and writer of number fields for every codec. */
static inline uint64_t key_get(const tdpsim_event *ev, const struct key_spec *k)
{
	tdpsim_event *e = (tdpsim_event *)ev;

	if (k->wide == 0)
		return *field_u32(e, k->offset);
	if (k->wide == 1)
		return *field_u64(e, k->offset);
	return (uint64_t)*field_u32(e, k->offset_hi) << 32 | *field_u32(e, k->offset);
}

static inline void key_put(tdpsim_event *ev, const struct key_spec *k, uint64_t v)
{
	if (k->wide == 0) {
		*field_u32(ev, k->offset) = (uint32_t)v;
	} else if (k->wide == 1) {
		*field_u64(ev, k->offset) = v;
	} else {
		*field_u32(ev, k->offset) = (uint32_t)v;
		*field_u32(ev, k->offset_hi) = (uint32_t)(v >> 32);
	}
}
/* The address class of an address key, or -1. */
int key_addr_class(const struct key_spec *k);
/* Whether key i is the first of the keys that share its field (the one the binary encodes). */
int key_is_first_of_field(const struct cmd_spec *c, unsigned i);

/* 57-bit canonical (5-level paging): bits 63..56 all equal. */
static inline int gva_is_canonical(uint64_t gva)
{
	return (uint64_t)((int64_t)(gva << 7) >> 7) == gva;
}

/* Set every key's default in `ev` (cmd already set). */
void spec_defaults(tdpsim_event *ev);

/*
 * Range and cross-key checks of a decoded event.  Returns NULL when it is valid, else a
 * message (in `buf` or static).  `given` has bit i set for each key i that was given.
 */
const char *spec_validate(const tdpsim_event *ev, uint32_t given, char *buf, size_t n);

/* A word of the event newer than format `version` (a backing kind of version 4 in a
 * version-3 trace), as a message in `buf`; NULL when every value exists in `version`. */
const char *spec_version_problem(const tdpsim_event *ev, unsigned version, char *buf, size_t n);

#endif
