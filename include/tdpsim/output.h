/* SPDX-License-Identifier: MIT */
/*
 * tdpsim/output.h - output files that never destroy anything.
 *
 * Every file tdpsim writes (traces, reports, timelines, pictures) is opened this way:
 *  - a regular file, or a name not yet taken, is written to a temporary beside it and renamed
 *    over it at commit, so it appears whole or not at all;
 *  - a symlink's target is the file written (the link stays);
 *  - a device or a FIFO (/dev/null, /dev/stdout, a pipe) is written through, never replaced;
 *  - a folder, or a name in a folder that does not exist, is refused at open.
 * A temporary is named PATH.tdpsim-tmp.HOST.PID.XXXXXX.  The first output a process opens in a
 * folder removes the temporaries there that processes of this host no longer running left
 * (after a SIGKILL, say); and
 * tdpsim_output_remove_temporaries() - async-signal-safe - removes those of this process, for
 * a program's SIGINT/SIGTERM handler.
 */
#ifndef TDPSIM_OUTPUT_H
#define TDPSIM_OUTPUT_H

#include "tdpsim/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tdpsim_output tdpsim_output;

/* Open `path` for writing as above.  0, or a negative code (TDPSIM_EIO: the message names
 * the path and why). */
TDPSIM_EXTERN int tdpsim_output_open(tdpsim_output **out, const char *path);

/* The descriptor to write to.  The caller closes it (before commit or discard). */
TDPSIM_EXTERN int tdpsim_output_fd(const tdpsim_output *o);

/* The name the data goes to now (the temporary, or the device written through), and the
 * name it ends at (a symlink resolved). */
TDPSIM_EXTERN const char *tdpsim_output_writing_path(const tdpsim_output *o);
TDPSIM_EXTERN const char *tdpsim_output_path(const tdpsim_output *o);

/* Move the temporary into place and free `o`; 0 or TDPSIM_EIO (the temporary is removed). */
TDPSIM_EXTERN int tdpsim_output_commit(tdpsim_output *o);

/* Remove the temporary and free `o`. */
TDPSIM_EXTERN void tdpsim_output_discard(tdpsim_output *o);

/* Remove every temporary this process has open.  Async-signal-safe: for a signal handler. */
TDPSIM_EXTERN void tdpsim_output_remove_temporaries(void);

#ifdef __cplusplus
}
#endif

#endif
