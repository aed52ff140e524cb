/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What B needs to know about A to read A's memory as a crash-dump kernel
 * would: where A's notes are (VMCOREINFO, per-CPU crash notes), how A maps
 * physical memory (direct map base, kernel image), and where the ACPI RSDP
 * is. kj_afacts_read() gathers them in A (I/O); kj_corehdr_build() turns
 * them into B's elfcorehdr (pure).
 */
#ifndef KJUMP_AFACTS_H
#define KJUMP_AFACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memmap.h"

#define KJ_MAX_CPUS 1024

struct kj_afacts {
	uint64_t vmcoreinfo_addr, vmcoreinfo_size;
	uint64_t crash_notes[KJ_MAX_CPUS];
	size_t ncrash;
	uint64_t crash_notes_size;
	bool page_offset_known;
	uint64_t page_offset;		/* virtual address of physical 0 */
	bool ktext_known;
	uint64_t ktext_pa, ktext_size, ktext_va;	/* kernel image mapping */
	uint64_t acpi_rsdp;		/* 0: unknown */
};

int kj_afacts_read(struct kj_afacts *f, const struct kj_memmap *mm,
		   struct kj_err *e);

/* Program headers of A's memory as seen from B: a PT_NOTE per note, a
 * PT_LOAD for the kernel image mapping, and a PT_LOAD per range of A's RAM
 * outside `b_ram`, with p_offset = physical address. Writes an ELF core
 * header into a malloc'd buffer, page-size rounded. */
int kj_corehdr_build(const struct kj_afacts *f, const struct kj_ranges *a_ram,
		     const struct kj_ranges *b_ram, uint8_t **out, size_t *len,
		     struct kj_err *e);
/* Upper bound of kj_corehdr_build's output size. */
size_t kj_corehdr_max_size(const struct kj_afacts *f, const struct kj_ranges *a_ram);

#endif
