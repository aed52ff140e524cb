/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The running kernel's view of physical memory, from /proc/iomem.
 */
#ifndef KJUMP_MEMMAP_H
#define KJUMP_MEMMAP_H

#include "ranges.h"

enum kj_mem_type {
	KJ_MEM_RAM = 1,		/* e820 type 1 */
	KJ_MEM_RESERVED = 2,	/* e820 type 2 */
	KJ_MEM_ACPI = 3,	/* e820 type 3: ACPI tables */
	KJ_MEM_NVS = 4,		/* e820 type 4: ACPI NVS */
	KJ_MEM_UNUSABLE = 5,	/* e820 type 5 */
	KJ_MEM_PMEM = 12,	/* e820 type 12: legacy persistent memory */
	KJ_MEM_KERNEL = 100,	/* the running kernel's code, data, bss */
	KJ_MEM_CRASHKERNEL = 101,
};

struct kj_memmap {
	struct kj_ranges ram;		/* System RAM (top level) */
	struct kj_ranges firmware;	/* reserved, ACPI, NVS... (any level) */
	struct kj_ranges kernel;	/* Kernel code/data/bss, Crash kernel */
};

void kj_memmap_free(struct kj_memmap *m);
/* Parse the text of /proc/iomem. Fails when every address reads as zero
 * (the kernel hides addresses from non-root readers). */
int kj_memmap_parse_iomem(const char *text, struct kj_memmap *m, struct kj_err *e);
/* Read and parse /proc/iomem (or $KJUMP_IOMEM, for tests). */
int kj_memmap_read(struct kj_memmap *m, struct kj_err *e);

/* The value of "KEY:" (e.g. "MemFree:") of a /proc/meminfo text, in
 * bytes; 0 if absent. */
uint64_t kj_meminfo_bytes(const char *text, const char *key);
/* "MemTotal:" of a /proc/meminfo text, in bytes; 0 if absent. */
uint64_t kj_meminfo_total(const char *text);
int kj_meminfo_read_total(uint64_t *bytes, struct kj_err *e);
/* "MemAvailable:" of a /proc/meminfo text, in bytes; 0 if absent. */
uint64_t kj_meminfo_available(const char *text);
/* This system's MemAvailable, in bytes; 0 if /proc/meminfo has none or
 * cannot be read. */
uint64_t kj_meminfo_read_available(void);

/* Read a whole small file into a NUL-terminated malloc'd buffer. */
int kj_read_text(const char *path, char **out, size_t *len, struct kj_err *e);

#endif
