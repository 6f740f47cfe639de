/* SPDX-License-Identifier: MIT */
/* The trace decoders, text and binary, plain and gzip (the reader detects which): every
 * input is read to its end or its first error, which must name a place. */
#include "fuzz.h"
#include "tdpsim/tdpsim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = fuzz_memfd(data, size), rc;
	tdpsim_trace *t = NULL;
	tdpsim_event ev;

	if (fd < 0)
		return 0;
	if (tdpsim_trace_open_fd(&t, fd, "fuzz") < 0) {
		if (!tdpsim_error_last() || !tdpsim_error_last()->message[0])
			abort(); /* an error without a message */
		return 0;
	}
	while ((rc = tdpsim_trace_next(t, &ev)) > 0)
		(void)tdpsim_event_accesses(&ev);
	if (rc < 0 && !strstr(tdpsim_error_last()->message, "fuzz"))
		abort(); /* every decoding error names the trace */
	tdpsim_trace_free(t);
	return 0;
}
