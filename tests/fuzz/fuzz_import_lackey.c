/* SPDX-License-Identifier: MIT */
/* The lackey importer of tdpsim import (fuzz_import.h). */
#include "fuzz_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_import(data, size, TDPSIM_IMPORT_LACKEY, "fuzz-import-lackey.out");
}
