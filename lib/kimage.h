/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where A's content of B's pages went.
 *
 * When A jumps to B, A's kernel swaps every page of B's memory with a
 * backup page it allocated at load time, as its kimage entry list says
 * (kernel/kexec_core.c: IND_DESTINATION, IND_SOURCE, IND_INDIRECTION,
 * IND_DONE; arch/x86/kernel/relocate_kernel_64.S walks the same list).
 * While B runs, A's data of a page d of B's memory sits in its backup page
 * s. This file finds that list through A's control page (the page holding
 * A's re-entry address) and turns it into a sorted d -> s map.
 *
 * The list head is stored in the control page's data area at an offset
 * that kernel versions change, so we do not trust an offset: every qword
 * that could be a list head is walked, and only a walk whose destinations
 * are exactly the pages of B's memory, each once, is accepted.
 */
#ifndef KJUMP_KIMAGE_H
#define KJUMP_KIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ranges.h"

typedef int (*kj_phys_read_fn)(void *ctx, uint64_t pa, void *buf, size_t len,
			       struct kj_err *e);

struct kj_remap_page {
	uint64_t dst;	/* a page of B's memory */
	uint64_t src;	/* where A's content of it is; == dst: none */
};

/* Walk A's kimage list from A's control page; *map is sorted by dst and
 * has one entry per page of `b_mem`. */
int kj_kimage_find_map(kj_phys_read_fn rd, void *ctx, uint64_t control_page,
		       const struct kj_ranges *b_mem, struct kj_remap_page **map,
		       size_t *n, struct kj_err *e);

/* Binary search: A's copy of page `pa` (page aligned); 0 if pa is not in
 * the map or has no A content. */
uint64_t kj_remap_lookup(const struct kj_remap_page *map, size_t n, uint64_t pa);

#endif
