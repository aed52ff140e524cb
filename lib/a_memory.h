/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A's memory as A sees it, in two views of one idea: an address of A reads
 * what A would read there, although some of A's pages are not where A
 * left them.
 *
 * When A jumps to B, A's kernel swaps the content of every page of B's
 * memory into a backup page (kimage.h). So a reader of A's physical memory
 * must follow that map for pages of B's memory:
 *
 *  - from inside B, through /proc/vmcore (a_memory_from_vmcore.c), which
 *    shows A's RAM outside B's memory as it physically is and nothing for
 *    B's pages; kj_a_from_vmcore_read() follows the backup map;
 *  - from an image (a_memory_from_image.c), which holds memory as it
 *    physically was while A was stopped, with the backup map in its remap
 *    section; kj_a_from_image_page() follows it.
 */
#ifndef KJUMP_A_MEMORY_H
#define KJUMP_A_MEMORY_H

#include <stdbool.h>

#include "image.h"
#include "kimage.h"
#include "memmap.h"
#include "vmcore.h"

/* --- through /proc/vmcore, in B (a_memory_from_vmcore.c) ---------------- */

struct kj_a_from_vmcore {
	struct kj_vmcore vm;
	bool vm_open;
	uint64_t a_entry;		/* A's re-entry address */
	struct kj_ranges b_mem;		/* B's memory: RAM + kjump's setup pages */
	struct kj_remap_page *map;	/* B page -> A's copy */
	size_t nmap;
};

/* In B: open /proc/vmcore and find the map. */
int kj_a_from_vmcore_open(struct kj_a_from_vmcore *m, uint64_t a_entry, struct kj_err *e);
void kj_a_from_vmcore_close(struct kj_a_from_vmcore *m);
/* Read A's view of [pa, pa+len). Pages of B's memory that hold nothing of
 * A (A had them free) fail with ENODATA. */
int kj_a_from_vmcore_read(struct kj_a_from_vmcore *m, uint64_t pa, void *buf, size_t len,
			  struct kj_err *e);
/* Physical address in the vmcore where A's page `pa` is (pa itself, or its
 * backup), 0 when A has no content there. */
uint64_t kj_a_from_vmcore_where(const struct kj_a_from_vmcore *m, uint64_t pa);

/* kjump's setup pages in B (purgatory, zero page, command line,
 * elfcorehdr): the reserved range of B's memory map holding elfcorehdr=.
 * 0 and *start set, or -1 when this kernel has none. */
int kj_setup_pages(const struct kj_memmap *mm, uint64_t *start, uint64_t *end);

/* B's memory from B's own /proc/iomem: System RAM plus the reserved range
 * holding elfcorehdr= (kjump's setup pages, also swapped). */
int kj_bmem_read(struct kj_ranges *out, struct kj_err *e);

/* --- from an image (a_memory_from_image.c) -------------------------------- */

struct kj_a_from_image {
	struct kj_img *img;
	uint8_t *chunk;		/* cache: one decompressed chunk */
	uint64_t cached;	/* its index, or UINT64_MAX */
};

int kj_a_from_image_init(struct kj_a_from_image *m, struct kj_img *img, struct kj_err *e);
void kj_a_from_image_free(struct kj_a_from_image *m);
/* The page of A at pfn into out (4 KiB). *present = false (and out zeroed)
 * when the image holds nothing for it: a page free in A, or a page of the
 * second kernel's that A had lent out. */
int kj_a_from_image_page(struct kj_a_from_image *m, uint64_t pfn, void *out, bool *present,
			 struct kj_err *e);
/* Where the image keeps A's page `pfn` (pfn itself, or its backup). */
uint64_t kj_a_from_image_source(const struct kj_img *img, uint64_t pfn, bool *in_b);

#endif
