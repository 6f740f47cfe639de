/* SPDX-License-Identifier: MIT */
/*
 * tdpsim/import.h - recordings in: KVM tracepoints (ftrace text, trace-cmd trace.dat, perf
 * script) become fault-level traces; valgrind lackey memory logs become access-level traces.
 * docs/import.md describes what each importer reads and writes.
 */
#ifndef TDPSIM_IMPORT_H
#define TDPSIM_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "tdpsim/common.h"
#include "tdpsim/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tdpsim_import_format {
	TDPSIM_IMPORT_FTRACE = 0,   /* /sys/kernel/tracing/trace or `trace-cmd report` text */
	TDPSIM_IMPORT_TRACECMD = 1, /* trace-cmd's trace.dat (needs libtracecmd at build time) */
	TDPSIM_IMPORT_PERF = 2,     /* `perf script` text */
	TDPSIM_IMPORT_LACKEY = 3,   /* valgrind --tool=lackey --trace-mem=yes output */
	TDPSIM_IMPORT_SCN = 4       /* the real-KVM harness's scenario script (*.scn) */
} tdpsim_import_format;

/* Version 2 adds `summary`.  tdpsim_import takes the options of any version up to this. */
#define TDPSIM_IMPORT_OPTIONS_VERSION 2

typedef struct tdpsim_import_options {
	unsigned int version;        /* TDPSIM_IMPORT_OPTIONS_VERSION */
	tdpsim_import_format format;
	const char *layout;          /* a trace file of memslot/backing/set/guest-pt lines, or NULL */
	int lenient;                 /* malformed lines are counted and skipped, not an error */
	/* lackey: the guest OS model */
	int guest_thp;               /* map the program's memory with guest 2M pages */
	uint64_t seed;               /* which guest-physical frames first touches get */
	uint64_t guest_mem;          /* guest memory (default 4G) */
	/* Called now and then with the input's bytes consumed and its size (0: unknown); a
	 * nonzero return stops the import with TDPSIM_ECANCELED. */
	int (*progress)(uint64_t done, uint64_t total, void *payload);
	void *payload;
	/* version 2 - scn: the harness's *.summary.tsv of the same scenario, or NULL; gives the
	 * data slot's hva, checks each step's command, and its real stats become comments */
	const char *summary;
} tdpsim_import_options;

#define TDPSIM_IMPORT_OPTIONS_INIT { TDPSIM_IMPORT_OPTIONS_VERSION, TDPSIM_IMPORT_FTRACE, NULL, \
				     0, 0, 0, 0, NULL, NULL, NULL }

/* Initialise `o` as TDPSIM_IMPORT_OPTIONS_INIT does, for a caller written against `version`
 * (1 up to TDPSIM_IMPORT_OPTIONS_VERSION).  0 or TDPSIM_EINVAL. */
TDPSIM_EXTERN int tdpsim_import_options_init(tdpsim_import_options *o, unsigned int version);

#define TDPSIM_IMPORT_MAX_NAMES 64
#define TDPSIM_IMPORT_MAX_NOTICES 8

/* What an import did.  Event names beyond TDPSIM_IMPORT_MAX_NAMES count in unused_other. */
typedef struct tdpsim_import_result {
	uint64_t lines;          /* input lines (records, for trace.dat) read */
	uint64_t events;         /* tracepoint events (lackey: memory records) recognised */
	uint64_t faults;         /* fault records written (lackey: access records) */
	uint64_t malformed;      /* lines skipped under `lenient` */
	uint64_t walks;          /* shadow MMU: kvm_mmu_pagetable_walk events */
	uint64_t walks_no_fault; /* walks that led to no SPTE request (emulator, spurious) */
	uint64_t walker_errors;  /* walks that ended in a guest #PF (kvm_mmu_walker_error) */
	uint64_t guest_maps;     /* guest-map records written */
	uint32_t vcpus;          /* vCPUs seen */
	int shadow;              /* the recording came from a shadow-MMU host */
	size_t unused_count;
	struct { char name[64]; uint64_t count; } unused[TDPSIM_IMPORT_MAX_NAMES];
	uint64_t unused_other;
	size_t notice_count;
	char notices[TDPSIM_IMPORT_MAX_NOTICES][256];
} tdpsim_import_result;

/*
 * Read the recording `in` (a file; "-" is standard input, which needs `layout` for the kvm
 * importers since inferring it takes two passes) and write the trace to `w` (not closed).
 * Returns 0, or a negative TDPSIM_E* code with a message naming the file and line.
 * TDPSIM_ENOTFOUND: this build has no trace-cmd importer (libtracecmd was missing).
 */
TDPSIM_EXTERN int tdpsim_import(const char *in, tdpsim_trace_writer *w,
				const tdpsim_import_options *opts, tdpsim_import_result *result);

/* 1 if this build reads trace.dat files (was built with libtracecmd), else 0. */
TDPSIM_EXTERN int tdpsim_import_have_tracecmd(void);

#ifdef __cplusplus
}
#endif

#endif
