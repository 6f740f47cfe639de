/* SPDX-License-Identifier: MIT */
/*
 * Internal: a set of named models read from .ini text — the CPU models and the kernel
 * profiles.  The built-in ones are compiled in as text and parsed once, at first use; files
 * named by a setting are loaded from disk and kept, append-only, for the life of the process,
 * so a setting can hold a model as a number (its id) and a model never moves once handed out.
 * Ids 0..count-1 are the built-ins, then the files in load order.
 */
#ifndef TDPSIM_CORE_MODEL_SET_H
#define TDPSIM_CORE_MODEL_SET_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct model_set {
	/* Given by the owner.  Every record begins with its NUL-terminated name. */
	const char *what;                 /* "CPU model": in messages */
	const char *dir;                  /* "models/cpu": where the built-in files live */
	size_t size;                      /* of one record */
	const size_t *builtin_count;      /* the generated tables of built-in files */
	const char *const *builtin_file;
	const char *const *builtin_text;
	/* Parse text into *out (size bytes), telling the line of `name`. */
	int (*parse)(void *out, const char *file, const char *text, int *name_line);
	/* Whether two records with the same name say the same thing. */
	bool (*same)(const void *a, const void *b);

	/* The set's own state; start it as MODEL_SET_STATE. */
	pthread_mutex_t lock;
	bool tried;                       /* the built-ins were parsed, or failed */
	char *builtin;                    /* nbuiltin records, or NULL if they failed */
	size_t nbuiltin;
	char builtin_err[1280];           /* why they failed, if they did */
	char **files;                     /* loaded so far; never freed */
	size_t nfiles, files_cap;
};

#define MODEL_SET_STATE .lock = PTHREAD_MUTEX_INITIALIZER

/* 0, or TDPSIM_EINTERNAL with the reason the built-in models are missing. */
int model_set_ready(struct model_set *s);

/* The number of built-in models; 0 if they failed to parse. */
size_t model_set_count(struct model_set *s);

/* The model with this id, or NULL. */
const void *model_set_by_id(struct model_set *s, size_t id);

/* A name or a path (has a '/' or ends in .ini) to its id: a path is loaded (once per name;
 * the same name again must say the same thing), a name is a built-in's. */
int model_set_resolve(struct model_set *s, const char *value, size_t *id);

/* The built-in or loaded model of this name, or NULL (no error is raised). */
const void *model_set_find(struct model_set *s, const char *name);

/* Whether a setting's value names a file rather than a built-in. */
bool model_set_is_path(const char *value);

#endif
