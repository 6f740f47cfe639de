/* SPDX-License-Identifier: MIT */
/*
 * tdpsim/common.h - what every public header needs: symbol visibility, version, error codes.
 */
#ifndef TDPSIM_COMMON_H
#define TDPSIM_COMMON_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define TDPSIM_EXTERN __attribute__((visibility("default")))
#else
#define TDPSIM_EXTERN
#endif

#define TDPSIM_VERSION_MAJOR 0
#define TDPSIM_VERSION_MINOR 1
#define TDPSIM_VERSION_PATCH 0
#define TDPSIM_VERSION "0.1.0"

/*
 * Error codes.  Every function that can fail returns 0 (or a non-negative count) on success
 * and one of these, negative, on failure; tdpsim_error_last() then says what and where.
 */
enum {
	TDPSIM_OK = 0,
	TDPSIM_EINVAL = -1,   /* a bad argument from the caller (API misuse) */
	TDPSIM_EPARSE = -2,   /* malformed trace: syntax, unknown command or key, bad number */
	TDPSIM_EINPUT = -3,   /* well-formed but impossible input: overlapping memslots, ... */
	TDPSIM_EIO = -4,      /* a file could not be opened, read or written */
	TDPSIM_ENOMEM = -5,   /* out of memory */
	TDPSIM_ENOTFOUND = -6, /* unknown setting, profile or model name */
	TDPSIM_ECANCELED = -7, /* a progress callback asked to stop */
	TDPSIM_EHALTED = -8,  /* the simulated machine is halted (machine check) */
	TDPSIM_EINTERNAL = -9, /* a broken invariant inside the simulator: a bug */
	TDPSIM_ELIMIT = -10   /* the input needs more work than the budget allows (max_work) */
};

/* The simulated machine (tdpsim.h); declared here so that every header can name it. */
typedef struct tdpsim_sim tdpsim_sim;

typedef struct tdpsim_error {
	int code;            /* the TDPSIM_E* code */
	const char *message; /* names the place: "trace.tdpt:12: unknown key 'foo' ..." */
} tdpsim_error;

/*
 * The last error raised on this thread, or NULL if none.  Valid until the next failing call on
 * the same thread.
 */
TDPSIM_EXTERN const tdpsim_error *tdpsim_error_last(void);

/* Forget the last error of this thread. */
TDPSIM_EXTERN void tdpsim_error_clear(void);

/* The library's version, which may differ from the header's TDPSIM_VERSION. */
TDPSIM_EXTERN const char *tdpsim_version(void);

#ifdef __cplusplus
}
#endif

#endif
