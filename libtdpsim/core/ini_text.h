/* SPDX-License-Identifier: MIT */
/*
 * Internal: reading a model's .ini text (a CPU model, a kernel profile) with libinih.  The
 * text has one section; every error is located by line, and the first one by line is the
 * one reported, whether libinih found it or the model's own key handler did.
 */
#ifndef TDPSIM_CORE_INI_TEXT_H
#define TDPSIM_CORE_INI_TEXT_H

#include <ini.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* The kinds of key every model file has, stored here; a model's own kinds start at INI_OWN. */
enum { INI_NAME, INI_DESCRIPTION, INI_BOOL, INI_OWN };

struct ini_key {
	const char *name;
	int kind;
	size_t off; /* of the field in the record */
};

struct ini_text {
	const char *file;
	const char *section;  /* the one section a file has, e.g. "cpu" */
	const char *what;     /* "CPU model": in messages */
	const char *pos;      /* the reader's place in the text */
	int line;             /* lines handed to libinih so far: the handler's current line */
	int section_line;     /* the section header's line; 0 while none */
	int err_line;         /* the first error found by us (not by libinih); 0 while none */
	char err[1024];
	/* The keys, for ini_text_key. */
	const struct ini_key *keys;
	size_t nkeys;
	int *seen;            /* nkeys lines, each key's (0 while not given) */
	void *rec;            /* the record the keys are stored in */
	size_t name_cap;      /* sizeof its name and description fields */
	size_t desc_cap;
};

/* Keep an error at `line` if it is the first by line (libinih goes on after an error). */
void ini_text_fail(struct ini_text *t, int line, const char *fmt, ...) TDPSIM_PRINTF(3, 4);

/*
 * The steps every key takes: it must be in the section, known and given once (its line goes
 * in t->seen); a name, description or boolean is stored here.  The key's index when it is of
 * the model's own kind (>= INI_OWN) for the caller to store; -1 when stored; -2 on an error.
 */
int ini_text_key(struct ini_text *t, const char *section, const char *key, const char *value);

/* Whether v is a model name: 1 to cap-1 letters, digits, '.', '_', '+', '-'; no ".ini" end. */
bool ini_text_name_ok(const char *v, size_t cap);

/* Run libinih over `text` (t->file, t->section and t->what set), handing each key to
 * handler(user, ...).  0, or a negative TDPSIM_E* code with "file:line: why". */
int ini_text_parse(struct ini_text *t, const char *text, ini_handler handler, void *user);

#endif
