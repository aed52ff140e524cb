/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * B's elfcorehdr=: the ELF core header from which B's kernel builds
 * /proc/vmcore, made from what kjump learned about A in A (a_dump_facts.h).
 * Pure; its output is read back by kj_elfcore_parse() (elfcore.h).
 */
#ifndef KJUMP_ELFCOREHDR_H
#define KJUMP_ELFCOREHDR_H

#include <stddef.h>
#include <stdint.h>

#include "a_dump_facts.h"
#include "error.h"
#include "ranges.h"

/* Program headers of A's memory as seen from B: a PT_NOTE per note, a
 * PT_LOAD for the kernel image mapping, and a PT_LOAD per range of A's RAM
 * outside `b_ram`, with p_offset = physical address. Writes an ELF core
 * header into a malloc'd buffer, page-size rounded. */
int kj_elfcorehdr_build(const struct kj_a_dump_facts *f, const struct kj_ranges *a_ram,
			const struct kj_ranges *b_ram, uint8_t **out, size_t *len,
			struct kj_err *e);
/* Upper bound of kj_elfcorehdr_build's output size. */
size_t kj_elfcorehdr_max_size(const struct kj_a_dump_facts *f, const struct kj_ranges *a_ram);

#endif
