/* SPDX-License-Identifier: MIT */
/* The perf importer of tdpsim import (fuzz_import.h). */
#include "fuzz_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_import(data, size, TDPSIM_IMPORT_PERF, "fuzz-import-perf.out");
}
