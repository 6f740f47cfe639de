/* SPDX-License-Identifier: MIT */
#include "core/mem.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"

static const char *const part_names[MEM__COUNT] = {
	[MEM_VCPUS] = "the vCPUs and their TLBs",
	[MEM_SHADOW_PAGES] = "the shadow pages",
	[MEM_RMAPS] = "the rmaps",
	[MEM_MEMSLOTS] = "the memslot metadata",
	[MEM_DIRTY_LOG] = "the dirty bitmaps",
	[MEM_HOST_PT] = "the host page tables",
	[MEM_HOST_MM] = "the host's backings and frames",
	[MEM_GUEST_PT] = "the guest page tables",
	[MEM_MARKS] = "the marks and notices",
};

const char *mem_part_name(enum mem_part p)
{
	return p < MEM__COUNT ? part_names[p] : "memory";
}

const char *mem_size_text(uint64_t bytes, char *buf, size_t size)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, size, "%" PRIu64 " B", bytes);
		return buf;
	}
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, "%.1f %s", v, unit[u]);
	return buf;
}

static int over(const struct mem_meter *m, uint64_t bytes)
{
	return m->limit && (bytes > m->limit || m->used > m->limit - bytes);
}

static int refuse(const struct mem_meter *m, enum mem_part p, uint64_t bytes, const char *what)
{
	char need[24], part[24], total[24], limit[24];
	uint64_t grown = m->part[p] + bytes;

	mem_size_text(bytes, need, sizeof(need));
	mem_size_text(grown < bytes ? UINT64_MAX : grown, part, sizeof(part));
	mem_size_text(m->used + bytes < bytes ? UINT64_MAX : m->used + bytes, total,
		      sizeof(total));
	mem_size_text(m->limit, limit, sizeof(limit));
	if (what)
		return err_set(TDPSIM_ENOMEM, "%s needs %s more for %s (to %s, the machine to %s): "
			       "past the memory budget of %s (--max-memory)", what, need,
			       mem_part_name(p), part, total, limit);
	return err_set(TDPSIM_ENOMEM, "out of memory budget: %s would grow by %s to %s (the machine "
		       "to %s), past the budget of %s (--max-memory)", mem_part_name(p), need, part,
		       total, limit);
}

int mem_charge(struct mem_meter *m, enum mem_part p, uint64_t bytes)
{
	if (!m)
		return 0;
	if (over(m, bytes))
		return refuse(m, p, bytes, NULL);
	m->used += bytes;
	m->part[p] += bytes;
	return 0;
}

void mem_uncharge(struct mem_meter *m, enum mem_part p, uint64_t bytes)
{
	if (!m)
		return;
	/* never below zero: a mismatch would be a bug, and --check's business, not a wrap */
	bytes = bytes < m->part[p] ? bytes : m->part[p];
	m->part[p] -= bytes;
	m->used -= bytes < m->used ? bytes : m->used;
}

int mem_reserve_check(const struct mem_meter *m, enum mem_part p, uint64_t bytes,
		      const char *what)
{
	return m && over(m, bytes) ? refuse(m, p, bytes, what) : 0;
}

static void *failed(struct mem_meter *m, enum mem_part p, uint64_t bytes)
{
	char need[24];

	mem_uncharge(m, p, bytes);
	err_set(TDPSIM_ENOMEM, "out of memory: malloc of %s for %s failed",
		mem_size_text(bytes, need, sizeof(need)), mem_part_name(p));
	return NULL;
}

void *mem_malloc(struct mem_meter *m, enum mem_part p, size_t bytes)
{
	void *ptr;

	if (mem_charge(m, p, bytes) < 0)
		return NULL;
	ptr = malloc(bytes ? bytes : 1);
	return ptr ? ptr : failed(m, p, bytes);
}

void *mem_calloc(struct mem_meter *m, enum mem_part p, size_t n, size_t size)
{
	void *ptr;

	if (size && n > SIZE_MAX / size) {
		err_set(TDPSIM_ENOMEM, "out of memory: %zu x %zu bytes for %s do not fit in an "
			"address space", n, size, mem_part_name(p));
		return NULL;
	}
	if (mem_charge(m, p, (uint64_t)n * size) < 0)
		return NULL;
	ptr = calloc(n ? n : 1, size ? size : 1);
	return ptr ? ptr : failed(m, p, (uint64_t)n * size);
}

void *mem_realloc(struct mem_meter *m, enum mem_part p, void *ptr, size_t old_bytes,
		  size_t new_bytes)
{
	uint64_t grow = new_bytes > old_bytes ? new_bytes - old_bytes : 0;
	void *q;

	if (mem_charge(m, p, grow) < 0)
		return NULL;
	q = realloc(ptr, new_bytes ? new_bytes : 1);
	if (!q)
		return failed(m, p, grow);
	if (new_bytes < old_bytes)
		mem_uncharge(m, p, old_bytes - new_bytes);
	return q;
}

void mem_free(struct mem_meter *m, enum mem_part p, void *ptr, size_t bytes)
{
	if (ptr)
		mem_uncharge(m, p, bytes);
	free(ptr);
}
