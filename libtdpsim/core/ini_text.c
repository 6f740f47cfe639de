/* SPDX-License-Identifier: MIT */
/* Reading a model's .ini text with libinih, errors located by line.  See ini_text.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/ini_text.h"

void ini_text_fail(struct ini_text *t, int line, const char *fmt, ...)
{
	va_list ap;

	if (t->err_line && t->err_line <= line)
		return;
	va_start(ap, fmt);
	vsnprintf(t->err, sizeof(t->err), fmt, ap);
	va_end(ap);
	t->err_line = line;
}

/* Section headers, which libinih does not report: only ours, once. */
static void note_section(struct ini_text *t, const char *line)
{
	const char *s = line, *end;
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '[')
		return;
	end = strchr(s, ']');
	if (!end)
		return; /* libinih reports it */
	n = (size_t)(end - s - 1);
	if (n != strlen(t->section) || strncmp(s + 1, t->section, n) != 0)
		ini_text_fail(t, t->line, "unknown section [%.*s] (a %s has one section, [%s])",
			      (int)n, s + 1, t->what, t->section);
	else if (t->section_line)
		ini_text_fail(t, t->line, "a second [%s] section (the first is on line %d)",
			      t->section, t->section_line);
	else
		t->section_line = t->line;
}

/*
 * libinih's reader (fgets-like), over the text: it counts lines, so errors found in the
 * handler have their line, and it cuts a line too long for libinih's buffer (`num` bytes),
 * which libinih would otherwise read as two lines.  What it hands over always ends in its
 * newline, if the line has one, so libinih never takes it for a cut line.
 */
static char *reader(char *str, int num, void *stream)
{
	struct ini_text *t = stream;
	size_t n = 0, limit = num > 2 ? (size_t)num - 2 : 0; /* characters before the newline */

	if (!*t->pos || limit == 0)
		return NULL;
	t->line++;
	while (*t->pos && *t->pos != '\n' && n < limit)
		str[n++] = *t->pos++;
	if (*t->pos && *t->pos != '\n') {
		ini_text_fail(t, t->line, "line longer than %zu characters (libinih's limit)", limit);
		while (*t->pos && *t->pos != '\n')
			t->pos++;
	}
	if (*t->pos == '\n')
		str[n++] = *t->pos++;
	str[n] = '\0';
	note_section(t, str);
	return str;
}

static bool in_section(struct ini_text *t, const char *section, const char *key)
{
	if (strcmp(section, t->section) == 0)
		return true;
	if (!*section)
		ini_text_fail(t, t->line, "'%s' comes before the [%s] section", key, t->section);
	else
		ini_text_fail(t, t->line, "'%s' is in section [%s], not [%s]", key, section,
			      t->section);
	return false;
}

bool ini_text_name_ok(const char *v, size_t cap)
{
	size_t n = strlen(v);

	if (n == 0 || n >= cap)
		return false;
	for (const char *c = v; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr("._+-", *c)))
			return false;
	return !(n >= 4 && strcmp(v + n - 4, ".ini") == 0);
}

/* The index of key, or -1 with the error listing every key. */
static int find_key(struct ini_text *t, const char *key)
{
	char list[768] = "";

	for (size_t i = 0; i < t->nkeys; i++)
		if (strcmp(t->keys[i].name, key) == 0)
			return (int)i;
	for (size_t i = 0; i < t->nkeys; i++) {
		strncat(list, i ? " " : "", sizeof(list) - strlen(list) - 1);
		strncat(list, t->keys[i].name, sizeof(list) - strlen(list) - 1);
	}
	ini_text_fail(t, t->line, "unknown key '%s' (keys: %s)", key, list);
	return -1;
}

/* Store a name, description or boolean: -1, or -2 on an error. */
static int store_common(struct ini_text *t, const struct ini_key *k, const char *value)
{
	char *field = (char *)t->rec + k->off;
	size_t n = strlen(value);

	switch (k->kind) {
	case INI_NAME:
		if (ini_text_name_ok(value, t->name_cap))
			break;
		ini_text_fail(t, t->line, "name = '%s': not a %s name (1 to %zu letters, digits, "
			      "'.', '_', '+', '-'; not ending in .ini)", value, t->what,
			      t->name_cap - 1);
		return -2;
	case INI_DESCRIPTION:
		if (n && n < t->desc_cap)
			break;
		ini_text_fail(t, t->line, "description: 1 to %zu characters, not %zu",
			      t->desc_cap - 1, n);
		return -2;
	default: /* INI_BOOL */
		if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0) {
			*(bool *)field = value[0] == 't';
			return -1;
		}
		ini_text_fail(t, t->line, "%s = '%s': not a boolean (true|false)", k->name, value);
		return -2;
	}
	memcpy(field, value, n + 1);
	return -1;
}

int ini_text_key(struct ini_text *t, const char *section, const char *key, const char *value)
{
	int k;

	if (!in_section(t, section, key) || (k = find_key(t, key)) < 0)
		return -2;
	if (t->seen[k]) {
		ini_text_fail(t, t->line, "'%s' given twice (first on line %d; a line that starts "
			      "with a blank continues the one before)", key, t->seen[k]);
		return -2;
	}
	t->seen[k] = t->line;
	return t->keys[k].kind >= INI_OWN ? k : store_common(t, &t->keys[k], value);
}

int ini_text_parse(struct ini_text *t, const char *text, ini_handler handler, void *user)
{
	int rc;

	t->pos = text;
	t->line = t->section_line = t->err_line = 0;
	rc = ini_parse_stream(reader, t, handler, user);
	if (rc < 0)
		return err_set(TDPSIM_ENOMEM, "%s: libinih could not parse (out of memory)", t->file);
	/* libinih reports the first line it rejected; ours may come earlier or be the same. */
	if (rc > 0 && (!t->err_line || rc < t->err_line))
		return err_set(TDPSIM_EINPUT, "%s:%d: not a 'key = value' line, a [section] header "
			       "or a comment", t->file, rc);
	if (t->err_line)
		return err_set(TDPSIM_EINPUT, "%s:%d: %s", t->file, t->err_line, t->err);
	if (!t->section_line)
		return err_set(TDPSIM_EINPUT, "%s:1: no [%s] section", t->file, t->section);
	return 0;
}
