/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ELF64 core files: the header kjump hands to B as elfcorehdr= (from which
 * B's kernel builds /proc/vmcore), the headers of exported cores, and a
 * strict reader for both (and for /proc/vmcore itself).
 *
 * In an elfcorehdr, p_offset of a segment is the *physical address* of its
 * bytes in A's memory; in a core file it is the file offset. The writer
 * does not care: it writes what it is given.
 */
#ifndef KJUMP_ELFCORE_H
#define KJUMP_ELFCORE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define KJ_CORE_MAX_SEGS 4096

enum { KJ_SEG_LOAD = 1, KJ_SEG_NOTE = 4 };	/* PT_LOAD, PT_NOTE */

struct kj_core_seg {
	uint32_t type;
	uint64_t offset;
	uint64_t vaddr, paddr;
	uint64_t filesz, memsz;
};

struct kj_core {
	struct kj_core_seg *seg;
	size_t nseg;
};

/* Bytes the ELF and program headers of `nseg` segments take. */
size_t kj_elfcore_headers_size(size_t nseg);
/* Write ELF header + program headers into buf (kj_elfcore_headers_size
 * bytes). */
int kj_elfcore_write(uint8_t *buf, size_t bufsz, const struct kj_core_seg *seg,
		     size_t nseg, struct kj_err *e);
/* Parse and validate the headers at the start of a core file of
 * `file_size` bytes (0: do not check offsets against a size). */
int kj_elfcore_parse(const void *buf, size_t len, uint64_t file_size,
		     struct kj_core *c, struct kj_err *e);
void kj_core_free(struct kj_core *c);
/* Where physical address `pa` lies in the file: offset, and how many bytes
 * of the same segment follow. -1 if no PT_LOAD holds it. */
int kj_core_locate(const struct kj_core *c, uint64_t pa, uint64_t *offset,
		   uint64_t *avail);

/* Build one ELF note (name, type, desc) into buf; returns its size, or
 * the size needed when buf is NULL. */
size_t kj_note_build(uint8_t *buf, const char *name, uint32_t type,
		     const void *desc, size_t descsz);
/* Find the note named `name` in a run of notes; sets desc and descsz. */
int kj_note_find(const uint8_t *notes, size_t len, const char *name,
		 const uint8_t **desc, size_t *descsz);

#endif
