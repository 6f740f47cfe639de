/* SPDX-License-Identifier: MIT */
/* tdpsim replay --against-real (replay_real.c): the real KVM's stats per step beside ours. */
#ifndef TDPSIM_CLI_REPLAY_REAL_H
#define TDPSIM_CLI_REPLAY_REAL_H

#include <stdio.h>

#include "tdpsim/tdpsim.h"

/* After the replay of `trace`: compare each "# real stepN:" line with mark stepN and print
 * the agreement to stderr.  0, or EXIT_BAD_INPUT (the trace has no such lines, or is not
 * uncompressed text). */
int replay_against_real(const tdpsim_sim *sim, const char *trace);

/* Open `path` to read its comments (for `option`): an uncompressed text trace, not "-".
 * 0 with *out open, or EXIT_BAD_INPUT with a message. */
int replay_open_text_trace(const char *path, const char *option, FILE **out);

#endif
