/* SPDX-License-Identifier: MIT */
/*
 * The VMA a `backing` is: the plain kinds, and QEMU's memory backends as QEMU maps guest RAM
 * (backends/hostmem-ram.c, hostmem-memfd.c, hostmem-file.c; system/physmem.c).
 */
#include <stddef.h>

#include "core/error.h"
#include "host/host.h"
#include "host/host_pt.h"

/*
 * QEMU's ram_block_add (system/physmem.c) madvises MADV_HUGEPAGE over every RAM block it
 * maps, whatever the backend: QEMU's guest RAM is VM_HUGEPAGE unless it is hugetlbfs.
 */
static const struct host_vma qemu_private_anon = { VMA_ANON, VMA_HUGEPAGE, 0, 0 };
static const struct host_vma qemu_shared = { VMA_SHMEM, VMA_HUGEPAGE, 0, SHMEM_MNT_INTERNAL };

static int hugetlb_vma(uint32_t hugetlbsize, struct host_vma *out)
{
	*out = (struct host_vma){ VMA_HUGETLB, 0, hugetlbsize ? PG_LEVEL_1G : PG_LEVEL_2M, 0 };
	return 0;
}

/*
 * A private mapping of a shmem file (memfd or tmpfs with share=off) reads the file's pages
 * and copies them on write into anonymous pages: not modelled.
 */
static int private_file_refused(const char *backend)
{
	return err_set(TDPSIM_EINPUT, "backing kind=%s share=off: a private mapping of a shmem "
		       "file (copy-on-write into anonymous pages) is not modelled; use share=on, "
		       "or memory-backend-ram", backend);
}

/* memory-backend-ram: anonymous memory, private by default; share=on maps it
 * MAP_SHARED|MAP_ANONYMOUS, which is shmem (qemu_anon_ram_alloc, shmem_zero_setup). */
static int qemu_ram(uint32_t share, struct host_vma *out)
{
	*out = share == TDPSIM_SHARE_ON ? qemu_shared : qemu_private_anon;
	return 0;
}

/* memory-backend-memfd: a memfd, share=on by default (hostmem-memfd.c); hugetlb=on makes
 * it MFD_HUGETLB with hugetlbsize's pages. */
static int qemu_memfd(uint32_t share, uint32_t hugetlb, uint32_t hugetlbsize,
		      struct host_vma *out)
{
	if (hugetlb)
		return hugetlb_vma(hugetlbsize, out);
	if (share == TDPSIM_SHARE_OFF)
		return private_file_refused("memory-backend-memfd");
	*out = qemu_shared;
	return 0;
}

/* memory-backend-file: mem-path's file, share=off by default (hostmem-file.c).  On
 * hugetlbfs the mount's page size decides, shared or private; on tmpfs the mount's huge=. */
static int qemu_file(uint32_t share, uint32_t hugetlbsize, uint32_t fs, uint32_t huge,
		     struct host_vma *out)
{
	static const uint8_t mnt_huge[] = {
		[TDPSIM_TMPFS_HUGE_NEVER] = SHMEM_HUGE_NEVER,
		[TDPSIM_TMPFS_HUGE_ALWAYS] = SHMEM_HUGE_ALWAYS,
		[TDPSIM_TMPFS_HUGE_WITHIN_SIZE] = SHMEM_HUGE_WITHIN_SIZE,
		[TDPSIM_TMPFS_HUGE_ADVISE] = SHMEM_HUGE_ADVISE,
	};

	if (fs == TDPSIM_FS_HUGETLBFS)
		return hugetlb_vma(hugetlbsize, out);
	if (share != TDPSIM_SHARE_ON)
		return private_file_refused("memory-backend-file fs=tmpfs");
	if (huge > TDPSIM_TMPFS_HUGE_ADVISE)
		return err_set(TDPSIM_EINPUT, "backing: unknown tmpfs huge= %u", huge);
	*out = (struct host_vma){ VMA_SHMEM, VMA_HUGEPAGE, 0, mnt_huge[huge] };
	return 0;
}

int host_backing_resolve(uint32_t kind, uint32_t share, uint32_t hugetlb,
			 uint32_t hugetlbsize, uint32_t fs, uint32_t huge,
			 struct host_vma *out)
{
	switch (kind) {
	case TDPSIM_BACKING_4K:
		*out = (struct host_vma){ VMA_ANON, VMA_NOHUGEPAGE, 0, 0 };
		return 0;
	case TDPSIM_BACKING_THP:
		*out = (struct host_vma){ VMA_ANON, VMA_HUGEPAGE, 0, 0 };
		return 0;
	case TDPSIM_BACKING_ANON:
		*out = (struct host_vma){ VMA_ANON, 0, 0, 0 };
		return 0;
	case TDPSIM_BACKING_SHMEM:
		*out = (struct host_vma){ VMA_SHMEM, 0, 0, SHMEM_MNT_INTERNAL };
		return 0;
	case TDPSIM_BACKING_HUGETLB2M:
		return hugetlb_vma(0, out);
	case TDPSIM_BACKING_HUGETLB1G:
		return hugetlb_vma(1, out);
	case TDPSIM_BACKING_QEMU_RAM:
		return qemu_ram(share, out);
	case TDPSIM_BACKING_QEMU_MEMFD:
		return qemu_memfd(share, hugetlb, hugetlbsize, out);
	case TDPSIM_BACKING_QEMU_FILE:
		return qemu_file(share, hugetlbsize, fs, huge, out);
	default:
		return err_set(TDPSIM_EINPUT, "backing: unknown kind %u", kind);
	}
}

const char *host_vma_name(const struct host_vma *vma)
{
	static const char *const anon[] = { "anon", "thp", "4k", "?" };
	static const char *const shmem[] = { "shmem", "shmem+hugepage", "shmem+nohugepage", "?" };

	switch (vma->type) {
	case VMA_HUGETLB:
		return vma->level == PG_LEVEL_1G ? "hugetlb1g" : "hugetlb2m";
	case VMA_SHMEM:
		return shmem[vma->flags & 3];
	default:
		return anon[vma->flags & 3];
	}
}
