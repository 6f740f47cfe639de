/* SPDX-License-Identifier: MIT */
/* What the importer harnesses share: the input through tdpsim_import in one format. */
#ifndef TDPSIM_FUZZ_IMPORT_H
#define TDPSIM_FUZZ_IMPORT_H

#include <fcntl.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "tdpsim/import.h"
#include "tdpsim/tdpsim.h"

/* Any input becomes a trace or an error with a message; nothing written is kept (the trace
 * goes to `folder`, made where the harness runs, and is discarded). */
static inline int fuzz_import(const uint8_t *data, size_t size, tdpsim_import_format format,
			      const char *folder)
{
	tdpsim_import_options o = TDPSIM_IMPORT_OPTIONS_INIT;
	static tdpsim_import_result r;
	tdpsim_trace_writer *w = NULL;
	char in[64], out[256];
	int fd = fuzz_memfd(data, size);

	if (fd < 0)
		return 0;
	snprintf(in, sizeof(in), "/proc/self/fd/%d", fd);
	mkdir(folder, 0700);
	snprintf(out, sizeof(out), "%s/out.tdpt", folder);
	o.format = format;
	if (tdpsim_trace_writer_new(&w, out) == 0) {
		if (tdpsim_import(in, w, &o, &r) < 0 && !tdpsim_error_last()->message[0])
			abort();
		tdpsim_trace_writer_abort(w);
	}
	close(fd);
	return 0;
}

#endif
