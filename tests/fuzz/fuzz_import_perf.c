/* SPDX-License-Identifier: MIT */
/* The perf importer: any input becomes a trace or an error; nothing it writes is kept. */
#include <fcntl.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "tdpsim/tdpsim.h"
#include "tdpsim/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tdpsim_import_options o = TDPSIM_IMPORT_OPTIONS_INIT;
	static tdpsim_import_result r;
	tdpsim_trace_writer *w = NULL;
	char in[64], out[96];
	int fd = fuzz_memfd(data, size);

	if (fd < 0)
		return 0;
	snprintf(in, sizeof(in), "/proc/self/fd/%d", fd);
	/* A folder of its own, where it runs: an output's open looks through its folder for
	 * temporaries, and /tmp can hold many files. */
	mkdir("fuzz-import-perf.out", 0700);
	snprintf(out, sizeof(out), "fuzz-import-perf.out/out.tdpt");
	o.format = TDPSIM_IMPORT_PERF;
	if (tdpsim_trace_writer_new(&w, out) == 0) {
		if (tdpsim_import(in, w, &o, &r) < 0 && !tdpsim_error_last()->message[0])
			abort();
		tdpsim_trace_writer_abort(w);
	}
	close(fd);
	return 0;
}
