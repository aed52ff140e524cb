/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A physical-mode program for `kjump call`: an x86_64 ELF executable,
 * validated and flattened into one memory image.
 *
 * ET_EXEC programs run at their physical addresses (p_paddr). ET_DYN
 * programs (static PIE, as payload/ builds them) run wherever kjump puts
 * them; their R_X86_64_RELATIVE relocations are applied by kj_program_place.
 */
#ifndef KJUMP_PROGRAM_H
#define KJUMP_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct kj_program {
	uint8_t *image;		/* flat image, span bytes, page-rounded */
	uint64_t span;
	uint64_t link_base;	/* address the image was linked at */
	uint64_t entry_off;	/* entry point, relative to the image */
	bool relocatable;	/* ET_DYN: may be placed anywhere */
	uint64_t *reloc_off;	/* RELATIVE relocations: image offsets */
	uint64_t *reloc_add;	/* ...and addends (link-time values) */
	size_t nrelocs;
	bool has_params;	/* holds a struct kjump_params */
	uint64_t params_off;
	bool placed;		/* kj_program_place done */
	uint64_t placed_at;
};

/* Validate an ELF file image and flatten it. max_span bounds the memory
 * image (bss included). */
int kj_program_parse(const void *file, size_t size, uint64_t max_span,
		     struct kj_program *p, struct kj_err *e);
void kj_program_free(struct kj_program *p);
/* Where in the image the 8-byte-aligned `magic` starts a parameter block
 * of `size` bytes (kjump's own payloads: purgatory, restore, trampoline);
 * fails naming `what` when there is none. */
int kj_program_find_block(const struct kj_program *p, uint64_t magic, size_t size,
			  const char *what, uint64_t *off, struct kj_err *e);
/* Fix the image for running at physical address `base` (page aligned;
 * must equal link_base for ET_EXEC). Applies relocations once. */
int kj_program_place(struct kj_program *p, uint64_t base, struct kj_err *e);

#endif
