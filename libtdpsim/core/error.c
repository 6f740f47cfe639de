/* SPDX-License-Identifier: MIT */
/* Per-thread last error, as libgit2 keeps it: a code and a message that names the place. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

#define ERR_MSG_MAX 1024

static _Thread_local char err_msg[ERR_MSG_MAX];
static _Thread_local tdpsim_error err_last;
static _Thread_local int err_is_set;

int err_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err_msg, sizeof(err_msg), fmt, ap);
	va_end(ap);
	err_last.code = code;
	err_last.message = err_msg;
	err_is_set = 1;
	return code;
}

void err_prefix(const char *prefix)
{
	size_t plen, mlen;

	if (!err_is_set || !prefix || !*prefix)
		return;
	/* Shift the message right and put "prefix: " in front, cutting the tail if need be. */
	plen = strlen(prefix) + 2;
	if (plen >= ERR_MSG_MAX)
		return;
	mlen = strnlen(err_msg, ERR_MSG_MAX - 1);
	if (plen + mlen >= ERR_MSG_MAX)
		mlen = ERR_MSG_MAX - 1 - plen;
	memmove(err_msg + plen, err_msg, mlen);
	err_msg[plen + mlen] = '\0';
	memcpy(err_msg, prefix, plen - 2);
	memcpy(err_msg + plen - 2, ": ", 2);
}

const tdpsim_error *tdpsim_error_last(void)
{
	return err_is_set ? &err_last : NULL;
}

void tdpsim_error_clear(void)
{
	err_is_set = 0;
	err_msg[0] = '\0';
}

const char *tdpsim_version(void)
{
	return TDPSIM_VERSION;
}
