/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What B needs to know about A to read A's memory as a crash-dump kernel
 * would: where A's notes are (VMCOREINFO, per-CPU crash notes), how A maps
 * physical memory (direct map base, kernel image), and where the ACPI RSDP
 * is. kj_a_dump_facts_read() gathers them in A (I/O); elfcorehdr.h turns them
 * into B's elfcorehdr (pure).
 */
#ifndef KJUMP_A_DUMP_FACTS_H
#define KJUMP_A_DUMP_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memmap.h"

#define KJ_MAX_CPUS 1024

struct kj_a_dump_facts {
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

int kj_a_dump_facts_read(struct kj_a_dump_facts *f, const struct kj_memmap *mm,
			 struct kj_err *e);

#endif
