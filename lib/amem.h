/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A's memory, read from inside B, as A itself sees it.
 *
 * /proc/vmcore shows A's RAM outside B's memory as it physically is. For
 * pages of B's memory it has nothing; A's content of them is in the backup
 * pages of A's kimage list (kimage.h). kj_amem_read() follows that map, so
 * an address of A reads what A would read there.
 */
#ifndef KJUMP_AMEM_H
#define KJUMP_AMEM_H

#include <stdbool.h>

#include "kimage.h"
#include "memmap.h"
#include "vmcore.h"

struct kj_amem {
	struct kj_vmcore vm;
	bool vm_open;
	uint64_t a_entry;		/* A's re-entry address */
	struct kj_ranges b_mem;		/* B's memory: RAM + kjump's setup pages */
	struct kj_remap_page *map;	/* B page -> A's copy */
	size_t nmap;
};

/* In B: open /proc/vmcore and find the map. */
int kj_amem_open(struct kj_amem *m, uint64_t a_entry, struct kj_err *e);
void kj_amem_close(struct kj_amem *m);
/* Read A's view of [pa, pa+len). Pages of B's memory that hold nothing of
 * A (A had them free) fail with ENODATA. */
int kj_amem_read(struct kj_amem *m, uint64_t pa, void *buf, size_t len,
		 struct kj_err *e);
/* Physical address in the vmcore where A's page `pa` is (pa itself, or its
 * backup), 0 when A has no content there. */
uint64_t kj_amem_where(const struct kj_amem *m, uint64_t pa);

/* kjump's setup pages in B (purgatory, zero page, command line,
 * elfcorehdr): the reserved range of B's memory map holding elfcorehdr=.
 * 0 and *start set, or -1 when this kernel has none. */
int kj_setup_pages(const struct kj_memmap *mm, uint64_t *start, uint64_t *end);

/* B's memory from B's own /proc/iomem: System RAM plus the reserved range
 * holding elfcorehdr= (kjump's setup pages, also swapped). */
int kj_bmem_read(struct kj_ranges *out, struct kj_err *e);

#endif
