/* SPDX-License-Identifier: MIT */
/* The built-in kernel profiles and CPU models through the public API (tdpsim/models.h). */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "cpu/model.h"
#include "kvm/profile.h"
#include "tdpsim/models.h"

size_t tdpsim_model_count(tdpsim_model_kind kind)
{
	return kind == TDPSIM_MODEL_KERNEL_PROFILE ? kvm_profile_count()
	       : kind == TDPSIM_MODEL_CPU ? cpu_model_count() : 0;
}

const char *tdpsim_model_name(tdpsim_model_kind kind, size_t i)
{
	if (i >= tdpsim_model_count(kind))
		return NULL;
	return kind == TDPSIM_MODEL_CPU ? cpu_model_at(i)->name : kvm_profile_at(i)->name;
}

const char *tdpsim_model_description(tdpsim_model_kind kind, size_t i)
{
	if (i >= tdpsim_model_count(kind))
		return NULL;
	return kind == TDPSIM_MODEL_CPU ? cpu_model_at(i)->description
					: kvm_profile_at(i)->description;
}

size_t tdpsim_model_field_count(tdpsim_model_kind kind)
{
	return kind == TDPSIM_MODEL_KERNEL_PROFILE ? kvm_profile_switch_count()
	       : kind == TDPSIM_MODEL_CPU ? cpu_model_field_count() : 0;
}

const char *tdpsim_model_field_name(tdpsim_model_kind kind, size_t f)
{
	if (f >= tdpsim_model_field_count(kind))
		return NULL;
	return kind == TDPSIM_MODEL_CPU ? cpu_model_field_name(f) : kvm_profile_switch_name(f);
}

int tdpsim_model_field_value(tdpsim_model_kind kind, size_t i, size_t f, char *buf, size_t size)
{
	char tmp[64];
	const char *text;

	if (!buf || size == 0 || i >= tdpsim_model_count(kind) || f >= tdpsim_model_field_count(kind))
		return err_set(TDPSIM_EINVAL, "tdpsim_model_field_value: no model %zu or field %zu "
			       "of kind %d", i, f, (int)kind);
	text = kind == TDPSIM_MODEL_CPU ? cpu_model_field_text(cpu_model_at(i), f, tmp, sizeof(tmp))
					: kvm_profile_switch_text(kvm_profile_at(i), f);
	snprintf(buf, size, "%s", text);
	return (int)strlen(text);
}
