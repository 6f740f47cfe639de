/* SPDX-License-Identifier: MIT */
/* A set of named models: built-ins parsed once, files kept for the process.  See model_set.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/model_set.h"

/* Record i of a flat array of records of s->size bytes. */
static char *record(const struct model_set *s, char *base, size_t i)
{
	return base + i * s->size;
}

/* Parse every built-in file; a failure is kept in builtin_err (it is our bug, not input). */
static void load_builtin(struct model_set *s)
{
	size_t n = *s->builtin_count;
	char *t = calloc(n ? n : 1, s->size);

	if (!t) {
		snprintf(s->builtin_err, sizeof(s->builtin_err), "out of memory for the %ss",
			 s->what);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *file = s->builtin_file[i], *name = record(s, t, i);
		size_t stem = strlen(file) - strlen(".ini");

		if (s->parse(record(s, t, i), file, s->builtin_text[i], NULL) < 0) {
			snprintf(s->builtin_err, sizeof(s->builtin_err), "built-in %s %s/%s",
				 s->what, s->dir, tdpsim_error_last()->message);
			free(t);
			return;
		}
		if (strlen(name) != stem || strncmp(name, file, stem) != 0) {
			snprintf(s->builtin_err, sizeof(s->builtin_err), "built-in %s %s/%s: name = "
				 "%s, not the file's name", s->what, s->dir, file, name);
			free(t);
			return;
		}
	}
	s->builtin = t;
	s->nbuiltin = n;
}

int model_set_ready(struct model_set *s)
{
	bool ok;

	pthread_mutex_lock(&s->lock);
	if (!s->tried) {
		s->tried = true;
		load_builtin(s);
	}
	ok = s->builtin != NULL;
	pthread_mutex_unlock(&s->lock);
	return ok ? 0 : err_set(TDPSIM_EINTERNAL, "%s", s->builtin_err);
}

size_t model_set_count(struct model_set *s)
{
	return model_set_ready(s) == 0 ? s->nbuiltin : 0;
}

const void *model_set_by_id(struct model_set *s, size_t id)
{
	const void *m = NULL;

	if (model_set_ready(s) < 0)
		return NULL;
	if (id < s->nbuiltin)
		return record(s, s->builtin, id);
	pthread_mutex_lock(&s->lock);
	if (id - s->nbuiltin < s->nfiles)
		m = s->files[id - s->nbuiltin];
	pthread_mutex_unlock(&s->lock);
	return m;
}

static const void *find_builtin(const struct model_set *s, const char *name)
{
	for (size_t i = 0; i < s->nbuiltin; i++)
		if (strcmp(record(s, s->builtin, i), name) == 0)
			return record(s, s->builtin, i);
	return NULL;
}

/* The whole file as a string (models are small: at most 1 MiB). */
static int read_text(const struct model_set *s, const char *path, char **out)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 20, n;
	char *buf;

	if (!f)
		return err_set(TDPSIM_EINPUT, "%s: cannot open: %s", path, strerror(errno));
	buf = malloc(cap + 1);
	if (!buf) {
		fclose(f);
		return err_set(TDPSIM_ENOMEM, "%s: out of memory", path);
	}
	n = fread(buf, 1, cap + 1, f);
	if (ferror(f) || n > cap || memchr(buf, '\0', n)) {
		bool big = n > cap;

		fclose(f);
		free(buf);
		if (big)
			return err_set(TDPSIM_EINPUT, "%s: larger than 1 MiB: not a %s", path,
				       s->what);
		return err_set(TDPSIM_EINPUT, "%s: cannot read it as text", path);
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	return 0;
}

/* Keep a copy of a newly parsed record as file number nfiles; s->lock is held. */
static int keep_file(struct model_set *s, const char *path, const void *rec, size_t *id)
{
	char *keep;

	if (s->nfiles == s->files_cap) {
		size_t cap = s->files_cap ? 2 * s->files_cap : 8;
		char **grown = realloc(s->files, cap * sizeof(*s->files));

		if (!grown)
			return err_set(TDPSIM_ENOMEM, "%s: out of memory", path);
		s->files = grown;
		s->files_cap = cap;
	}
	keep = malloc(s->size);
	if (!keep)
		return err_set(TDPSIM_ENOMEM, "%s: out of memory", path);
	memcpy(keep, rec, s->size);
	s->files[s->nfiles] = keep;
	*id = s->nbuiltin + s->nfiles++;
	return 0;
}

/* The id of a file already loaded under this name, or keep the new one. */
static int add_file(struct model_set *s, const char *path, const void *rec, size_t *id)
{
	const char *name = rec;

	for (size_t i = 0; i < s->nfiles; i++)
		if (strcmp(s->files[i], name) == 0) {
			if (!s->same(s->files[i], rec))
				return err_set(TDPSIM_EINPUT, "%s: a different %s named '%s' was "
					       "loaded before; %s names must be unique", path,
					       s->what, name, s->what);
			*id = s->nbuiltin + i;
			return 0;
		}
	return keep_file(s, path, rec, id);
}

static int load_file(struct model_set *s, const char *path, size_t *id)
{
	char *text = NULL, *rec;
	int rc, name_line = 0;

	if ((rc = read_text(s, path, &text)) < 0)
		return rc;
	rec = calloc(1, s->size);
	if (!rec) {
		free(text);
		return err_set(TDPSIM_ENOMEM, "%s: out of memory", path);
	}
	rc = s->parse(rec, path, text, &name_line);
	free(text);
	if (rc == 0 && find_builtin(s, rec))
		rc = err_set(TDPSIM_EINPUT, "%s:%d: name = %s is a built-in %s's; give the file's "
			     "%s a name of its own", path, name_line, rec, s->what, s->what);
	if (rc == 0) {
		pthread_mutex_lock(&s->lock);
		rc = add_file(s, path, rec, id);
		pthread_mutex_unlock(&s->lock);
	}
	free(rec);
	return rc;
}

bool model_set_is_path(const char *value)
{
	size_t n = strlen(value);

	return strchr(value, '/') || (n >= 4 && strcmp(value + n - 4, ".ini") == 0);
}

int model_set_resolve(struct model_set *s, const char *value, size_t *id)
{
	int rc;

	if ((rc = model_set_ready(s)) < 0)
		return rc;
	if (model_set_is_path(value))
		return load_file(s, value, id);
	for (size_t i = 0; i < s->nbuiltin; i++)
		if (strcmp(record(s, s->builtin, i), value) == 0) {
			*id = i;
			return 0;
		}
	return err_set(TDPSIM_ENOTFOUND, "no %s '%s'", s->what, value);
}

const void *model_set_find(struct model_set *s, const char *name)
{
	const void *m;

	if (model_set_ready(s) < 0)
		return NULL;
	if ((m = find_builtin(s, name)))
		return m;
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->nfiles && !m; i++)
		if (strcmp(s->files[i], name) == 0)
			m = s->files[i];
	pthread_mutex_unlock(&s->lock);
	return m;
}
