/* SPDX-License-Identifier: MIT */
/*
 * tdpsim/trace.h - the trace format: events, readers and writers.
 *
 * One format, two encodings (text .tdpt, binary .tdpb), either optionally gzip'd (.gz).
 * Readers detect the encoding and compression from the first bytes; writers choose them from
 * the file name.  traces/FORMAT.md is the full specification.
 */
#ifndef TDPSIM_TRACE_H
#define TDPSIM_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "tdpsim/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The commands of the trace format, in the order FORMAT.md lists them (and the binary
 * encoding numbers them); those of version 2 follow those of version 1. */
typedef enum tdpsim_cmd {
	TDPSIM_CMD_NONE = 0,
	TDPSIM_CMD_SET,             /* set KEY=VALUE */
	TDPSIM_CMD_MEMSLOT,         /* KVM_SET_USER_MEMORY_REGION */
	TDPSIM_CMD_BACKING,         /* how the VMM's memory is backed on the host */
	TDPSIM_CMD_GUEST_PT,        /* guest memory reserved for guest page-table pages */
	TDPSIM_CMD_GUEST_MAP,       /* the guest OS maps a range */
	TDPSIM_CMD_ACCESS,          /* one guest memory access */
	TDPSIM_CMD_SWEEP,           /* a loop of accesses */
	TDPSIM_CMD_FAULT,           /* a recorded fault, straight into KVM's fault handler */
	TDPSIM_CMD_DIRTY_LOG,       /* KVM_MEM_LOG_DIRTY_PAGES on/off */
	TDPSIM_CMD_GET_DIRTY_LOG,   /* KVM_GET_DIRTY_LOG */
	TDPSIM_CMD_CLEAR_DIRTY_LOG, /* KVM_CLEAR_DIRTY_LOG */
	TDPSIM_CMD_HOST_MADVISE,    /* host madvise() on the VMM's memory */
	TDPSIM_CMD_HOST_MUNMAP,     /* host munmap() of the VMM's memory */
	TDPSIM_CMD_GPTE,            /* the guest writes one of its page-table entries */
	TDPSIM_CMD_INVLPG,          /* guest INVLPG */
	TDPSIM_CMD_CR3,             /* guest CR3 load */
	TDPSIM_CMD_ADVANCE,         /* simulated time passes */
	TDPSIM_CMD_MARK,            /* a phase boundary */
	/* version 2: nested virtualization (L1's hypervisor runs an L2 guest on EPT12) */
	TDPSIM_CMD_EPT12_MAP,       /* L1 maps L2 memory in one of its EPT12 tables */
	TDPSIM_CMD_L2_ENTER,        /* L1's VMLAUNCH/VMRESUME into L2 */
	TDPSIM_CMD_L2_EXIT,         /* a nested VM exit from L2 to L1 */
	TDPSIM_CMD_INVEPT,          /* L1's INVEPT */
	/* version 5 */
	TDPSIM_CMD_HOST_AGE,        /* the host ages the VMM's memory (the young notifiers) */
	TDPSIM_CMD__COUNT
} tdpsim_cmd;

/* host-age ops: the MMU notifier each Linux caller uses - clear_young (idle page tracking,
 * MGLRU's walks), clear_flush_young (reclaim's folio_referenced), test_young. */
typedef enum tdpsim_age_op {
	TDPSIM_AGE_CLEAR = 0,
	TDPSIM_AGE_CLEAR_FLUSH = 1,
	TDPSIM_AGE_TEST = 2
} tdpsim_age_op;

/* Access kinds (access, sweep). */
typedef enum tdpsim_op { TDPSIM_OP_READ = 0, TDPSIM_OP_WRITE = 1, TDPSIM_OP_EXEC = 2 } tdpsim_op;

/* memslot flags, as KVM's uapi numbers them. */
#define TDPSIM_MEM_LOG_DIRTY_PAGES 0x1u
#define TDPSIM_MEM_READONLY 0x2u

/* guest-map prot bits. */
#define TDPSIM_PROT_R 0x1u
#define TDPSIM_PROT_W 0x2u
#define TDPSIM_PROT_X 0x4u

/* Page-fault error code bits (fault err=), KVM's 64-bit PFERR_* (arch/x86/include/asm/
 * kvm_host.h): the #PF error code in bits 0..31, then what EPT violations (VMX) and #NPF
 * (SVM) add above it. */
#define TDPSIM_PFERR_PRESENT 0x1u
#define TDPSIM_PFERR_WRITE 0x2u
#define TDPSIM_PFERR_USER 0x4u
#define TDPSIM_PFERR_RSVD 0x8u
#define TDPSIM_PFERR_FETCH 0x10u
#define TDPSIM_PFERR_PK 0x20u                    /* protection keys */
#define TDPSIM_PFERR_SS 0x40u                    /* shadow-stack access */
#define TDPSIM_PFERR_SGX 0x8000u                 /* SGX EPCM fault */
#define TDPSIM_PFERR_GUEST_RMP 0x80000000u       /* #NPF: RMP violation (SEV-SNP) */
#define TDPSIM_PFERR_GUEST_FINAL (1ull << 32)    /* the guest's final translation */
#define TDPSIM_PFERR_GUEST_PAGE (1ull << 33)     /* the guest's paging structures */
#define TDPSIM_PFERR_GUEST_ENC (1ull << 34)      /* #NPF: encrypted access */
#define TDPSIM_PFERR_GUEST_SIZEM (1ull << 35)    /* #NPF: page-size mismatch */
#define TDPSIM_PFERR_GUEST_VMPL (1ull << 36)     /* #NPF: VMPL violation */
/* Flags only KVM itself sets (PFERR_SYNTHETIC_MASK); never in a fault the hardware took. */
#define TDPSIM_PFERR_IMPLICIT_ACCESS (1ull << 48)
#define TDPSIM_PFERR_PRIVATE_ACCESS (1ull << 49)
/* Every bit a recorded fault may carry: the hardware's bits KVM names. */
#define TDPSIM_PFERR_RECORDABLE                                                              \
	(0x7full | TDPSIM_PFERR_SGX | TDPSIM_PFERR_GUEST_RMP | TDPSIM_PFERR_GUEST_FINAL |       \
	 TDPSIM_PFERR_GUEST_PAGE | TDPSIM_PFERR_GUEST_ENC | TDPSIM_PFERR_GUEST_SIZEM |          \
	 TDPSIM_PFERR_GUEST_VMPL)

/* Levels, in KVM's numbering. */
#define TDPSIM_LEVEL_4K 1
#define TDPSIM_LEVEL_2M 2
#define TDPSIM_LEVEL_1G 3

typedef enum tdpsim_backing_kind {
	TDPSIM_BACKING_4K = 0,
	TDPSIM_BACKING_THP = 1,
	TDPSIM_BACKING_HUGETLB2M = 2,
	TDPSIM_BACKING_HUGETLB1G = 3,
	/* format version 4 */
	TDPSIM_BACKING_ANON = 4,        /* private anonymous memory, no madvise: enabled=always */
	TDPSIM_BACKING_SHMEM = 5,       /* shared memory (memfd, MAP_SHARED|MAP_ANONYMOUS) */
	TDPSIM_BACKING_QEMU_RAM = 6,    /* QEMU's memory-backend-ram */
	TDPSIM_BACKING_QEMU_MEMFD = 7,  /* QEMU's memory-backend-memfd */
	TDPSIM_BACKING_QEMU_FILE = 8    /* QEMU's memory-backend-file */
} tdpsim_backing_kind;

/* backing's QEMU properties (format version 4); 0 is always "not given". */
typedef enum tdpsim_backing_share {
	TDPSIM_SHARE_DEFAULT = 0, /* the backend's own default: on for memfd, else off */
	TDPSIM_SHARE_OFF = 1,
	TDPSIM_SHARE_ON = 2
} tdpsim_backing_share;

/* memory-backend-file: the filesystem mem-path is on. */
typedef enum tdpsim_backing_fs {
	TDPSIM_FS_HUGETLBFS = 0,
	TDPSIM_FS_TMPFS = 1
} tdpsim_backing_fs;

/* A tmpfs mount's huge= option (Documentation/admin-guide/mm/transhuge.rst). */
typedef enum tdpsim_tmpfs_huge {
	TDPSIM_TMPFS_HUGE_NEVER = 0,
	TDPSIM_TMPFS_HUGE_ALWAYS = 1,
	TDPSIM_TMPFS_HUGE_WITHIN_SIZE = 2,
	TDPSIM_TMPFS_HUGE_ADVISE = 3
} tdpsim_tmpfs_huge;

typedef enum tdpsim_advice {
	TDPSIM_ADVICE_DONTNEED = 0,
	TDPSIM_ADVICE_PAGEOUT = 1,
	TDPSIM_ADVICE_COLLAPSE = 2,
	TDPSIM_ADVICE_HUGEPAGE = 3,
	TDPSIM_ADVICE_NOHUGEPAGE = 4
} tdpsim_advice;

/* INVEPT's types (the SDM's: 1 single-context, 2 all-context). */
typedef enum tdpsim_invept_type {
	TDPSIM_INVEPT_SINGLE = 1,
	TDPSIM_INVEPT_GLOBAL = 2
} tdpsim_invept_type;

/*
 * One event.  `cmd` says which member of `u` is meaningful.  Strings (set, mark) point into
 * memory owned by whoever produced the event: a reader keeps them valid until its next call.
 */
typedef struct tdpsim_event {
	tdpsim_cmd cmd;
	union {
		struct { const char *key; const char *value; } set;
		struct { uint32_t slot; uint32_t flags; uint64_t gpa, size, hva; } memslot;
		/* kind: TDPSIM_BACKING_*; version 4 adds QEMU's properties: share
		 * (TDPSIM_SHARE_*), hugetlb (0/1), hugetlbsize (0: 2M, 1: 1G), fs
		 * (TDPSIM_FS_*), huge (TDPSIM_TMPFS_HUGE_*) and prealloc (0/1, as populate) */
		struct {
			uint64_t hva, size;
			uint32_t kind, populate;
			uint32_t share, hugetlb, hugetlbsize, fs, huge, prealloc;
		} backing;
		struct { uint64_t gpa, size; uint32_t l2; } guest_pt; /* l2: version 2 */
		struct {
			uint64_t gva, gpa, size;
			uint32_t page_level; /* 1 = 4K, 2 = 2M, 3 = 1G */
			uint32_t prot;       /* TDPSIM_PROT_* */
			uint32_t user, ad, cr3;
			uint32_t l2;         /* version 2: L2's own tables, not L1's */
		} guest_map;
		struct { uint32_t vcpu, op, cpl; uint64_t gva; } access;
		struct { uint32_t vcpu, op, cpl; uint64_t gva, len, stride, repeat; } sweep;
		/* err: the low 32 bits of the PFERR_* code; err_hi its bits 32..63 (added in 0.2,
		 * where 0.1 had padding: TDPSIM_FAULT_ERR reads the whole code) */
		struct { uint32_t vcpu, err, has_gva, err_hi; uint64_t gpa, gva; } fault;
		struct { uint32_t slot, on; } dirty_log;
		struct { uint32_t slot; } get_dirty_log;
		struct { uint32_t slot; uint64_t first, num; } clear_dirty_log;
		struct { uint64_t hva, size; uint32_t advice; } host_madvise;
		struct { uint64_t hva, size; } host_munmap;
		struct { uint32_t vcpu, level; uint64_t gva, value; } gpte;
		struct { uint32_t vcpu; uint64_t gva; } invlpg;
		struct { uint32_t vcpu; uint64_t value; } cr3;
		struct { uint64_t ns; } advance;
		struct { const char *label; } mark;
		/* version 2 */
		struct {
			uint64_t l2gpa, gpa, size;
			uint32_t page_level, prot, ad, ept;
		} ept12_map;
		struct { uint32_t vcpu, ept, cr3, ad, vpid; } l2_enter;
		struct { uint32_t vcpu; } l2_exit;
		struct { uint32_t vcpu, type, ept; } invept; /* type: TDPSIM_INVEPT_* */
		/* version 5; op: TDPSIM_AGE_* */
		struct { uint64_t hva, size; uint32_t op; } host_age;
	} u;
} tdpsim_event;

/* A fault event's whole 64-bit error code, and setting it. */
#define TDPSIM_FAULT_ERR(ev) ((uint64_t)(ev)->u.fault.err_hi << 32 | (ev)->u.fault.err)
#define TDPSIM_FAULT_SET_ERR(ev, code)                                                       \
	((ev)->u.fault.err = (uint32_t)(code), (ev)->u.fault.err_hi = (uint32_t)((code) >> 32))

/* The command's name as the text form spells it ("guest-map"), or NULL. */
TDPSIM_EXTERN const char *tdpsim_cmd_name(tdpsim_cmd cmd);

/* Accesses one event stands for: 1 for access, len/stride*repeat for sweep, else 0. */
TDPSIM_EXTERN uint64_t tdpsim_event_accesses(const tdpsim_event *ev);

/* ---- reading ---------------------------------------------------------------------------- */

typedef struct tdpsim_trace tdpsim_trace;

typedef enum tdpsim_encoding {
	TDPSIM_ENCODING_TEXT = 0,
	TDPSIM_ENCODING_BINARY = 1
} tdpsim_encoding;

/* Open a trace for reading; "-" is standard input.  Detects text/binary and gzip. */
TDPSIM_EXTERN int tdpsim_trace_open(tdpsim_trace **out, const char *path);

/* The same on an open descriptor (a pipe works); `name` is used in messages.  Takes the fd. */
TDPSIM_EXTERN int tdpsim_trace_open_fd(tdpsim_trace **out, int fd, const char *name);

/*
 * Read the next event into `ev`.  Returns 1 for an event, 0 at the end of the trace, or a
 * negative TDPSIM_E* code (the message names the file and line, or the byte offset).
 */
TDPSIM_EXTERN int tdpsim_trace_next(tdpsim_trace *t, tdpsim_event *ev);

/* Where the last event came from: "file:line" (text) or "file: byte N" (binary). */
TDPSIM_EXTERN const char *tdpsim_trace_where(const tdpsim_trace *t);

TDPSIM_EXTERN tdpsim_encoding tdpsim_trace_encoding(const tdpsim_trace *t);
TDPSIM_EXTERN int tdpsim_trace_compressed(const tdpsim_trace *t);
/* The format version its header gives (1 or 2; writers write 2). */
TDPSIM_EXTERN unsigned int tdpsim_trace_version(const tdpsim_trace *t);

/* Progress: bytes of the file consumed so far, and its size (0 when unknown, e.g. a pipe). */
TDPSIM_EXTERN uint64_t tdpsim_trace_bytes_read(const tdpsim_trace *t);
TDPSIM_EXTERN uint64_t tdpsim_trace_size(const tdpsim_trace *t);

TDPSIM_EXTERN void tdpsim_trace_free(tdpsim_trace *t);

/* ---- writing ---------------------------------------------------------------------------- */

typedef struct tdpsim_trace_writer tdpsim_trace_writer;

/*
 * Create a trace file.  The encoding comes from the name: *.tdpt text, *.tdpb binary, and a
 * trailing .gz compresses.  "-" writes text to standard output.  The data goes to a temporary
 * file beside `path` that tdpsim_trace_writer_close() renames into place, so an error never
 * leaves a half-written trace behind.
 */
TDPSIM_EXTERN int tdpsim_trace_writer_new(tdpsim_trace_writer **out, const char *path);

TDPSIM_EXTERN int tdpsim_trace_write(tdpsim_trace_writer *w, const tdpsim_event *ev);

/* A comment line ("# text") in a text trace; binary traces keep no comments (returns 0). */
TDPSIM_EXTERN int tdpsim_trace_write_comment(tdpsim_trace_writer *w, const char *text);

/* Finish the file and move it into place; frees the writer in every case. */
TDPSIM_EXTERN int tdpsim_trace_writer_close(tdpsim_trace_writer *w);

/* Give up: remove the temporary file and free the writer. */
TDPSIM_EXTERN void tdpsim_trace_writer_abort(tdpsim_trace_writer *w);

#ifdef __cplusplus
}
#endif

#endif
