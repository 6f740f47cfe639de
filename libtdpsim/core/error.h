/* SPDX-License-Identifier: MIT */
/* Internal: raising errors.  The message names the place; the library never prints. */
#ifndef TDPSIM_CORE_ERROR_H
#define TDPSIM_CORE_ERROR_H

#include "tdpsim/common.h"

#if defined(__GNUC__)
#define TDPSIM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TDPSIM_PRINTF(a, b)
#endif

/* Record an error for this thread and return `code`, so callers can `return err_set(...)`. */
int err_set(int code, const char *fmt, ...) TDPSIM_PRINTF(2, 3);

/* Put "prefix: " in front of the current message (adds the trace position, for instance). */
void err_prefix(const char *prefix);

#endif
