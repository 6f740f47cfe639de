/* SPDX-License-Identifier: MIT */
/* The CPU-model parser (models/cpu/NAME.ini): any text is a model or an error naming the file. */
#include "fuzz.h"
#include "cpu/model.h"
#include "tdpsim/tdpsim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpu_model m;
	char *text = fuzz_text(data, size);

	if (text && cpu_model_parse(&m, "fuzz.ini", text) < 0 &&
	    !strstr(tdpsim_error_last()->message, "fuzz.ini"))
		abort();
	free(text);
	return 0;
}
