/* SPDX-License-Identifier: MIT */
/* The kernel-profile parser (models/kvm/NAME.ini): any text is a profile or an error naming the
 * file and line. */
#include "fuzz.h"
#include "kvm/profile.h"
#include "tdpsim/tdpsim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvm_profile p;
	char *text = fuzz_text(data, size);

	if (text && kvm_profile_parse(&p, "fuzz.ini", text) < 0 &&
	    !strstr(tdpsim_error_last()->message, "fuzz.ini"))
		abort();
	free(text);
	return 0;
}
