/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which of a stopped system's pages hold nothing it needs.
 *
 * B reads A's physical memory and saves an image of it. Pages that are free
 * in A's buddy allocator, or that A has handed away (PageOffline: balloon
 * inflated, logically offline), can be left out. To find them B walks A's
 * `struct page` array, which an x86_64 kernel built with
 * CONFIG_SPARSEMEM_VMEMMAP keeps in the virtual vmemmap area; B translates
 * those virtual addresses through A's own page tables, starting from
 * init_top_pgt (x86_64_page_tables.h), all facts it takes from A's
 * VMCOREINFO.
 *
 * Every doubt keeps a page: a struct page that cannot be translated or
 * read, a buddy head whose order is impossible, a page type not known to
 * be free. A free page left out of the image is restored as zeros; see
 * kj_find_free_pages() for what that asks of the restorer.
 */
#ifndef KJUMP_FREE_PAGES_H
#define KJUMP_FREE_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "kimage.h"
#include "ranges.h"
#include "vmcoreinfo.h"

/* A bitmap over pfns [0, max_pfn): set = the page may be left out. */
struct kj_freemap {
	uint64_t *bits;
	uint64_t max_pfn;
};

/* False for pfns at or above max_pfn (and for an empty map). */
bool kj_freemap_test(const struct kj_freemap *fm, uint64_t pfn);
void kj_freemap_free(struct kj_freemap *fm);

struct kj_free_pages_stats {
	uint64_t pages;		/* pages of `ram` considered */
	uint64_t free;		/* in free buddy blocks: left out */
	uint64_t offline;	/* PageOffline: left out */
	uint64_t unreadable;	/* struct page not translatable/readable: kept */
	uint64_t bad;		/* buddy heads with an impossible order: kept */
	uint64_t reads;		/* rd calls made for struct pages */
	double seconds;		/* wall time of the scan */
	char first_error[160];	/* why the first struct page was unreadable */
};

/*
 * Find A's free and offline pages among the pages wholly inside `ram`
 * (A's RAM, physical address ranges of any type). Needs SYMBOL(vmemmap),
 * SIZE(page), OFFSET(page._mapcount), OFFSET(page.private),
 * NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE) and what kj_x86_mmu_init() needs;
 * NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE) and LENGTH(zone.free_area) are used
 * when present. The page-type encoding is told by the value of
 * PAGE_BUDDY_MAPCOUNT_VALUE: 6.12's (the type is the top byte, 0xf0 << 24),
 * the one from 4.18 until then (a type is a bit cleared under a base:
 * ~0x80 with base 0xf0000000, later ~0x40000000 with base 0x80000000), and
 * the one before 4.18 (_mapcount == -128). Any other value is refused.
 *
 * A buddy block head (its page type says buddy; `private` holds the order
 * k; the pfn is 2^k-aligned; k is at most the kernel's largest order) marks
 * its 2^k pages, clipped to its RAM range. Pages on per-CPU free lists,
 * guard pages and isolated pages are not buddy heads, so they are kept.
 *
 * Leaving such pages out is safe for resuming A: a page in the buddy
 * allocator is owned by nobody, and its content is never read before it is
 * allocated and written. One duty falls on the restorer: with init_on_free
 * A's allocator trusts free pages to hold zeros and skips clearing them for
 * __GFP_ZERO, so left-out pages must be restored as zeros, never left with
 * stale content (the kernel's own hibernation clears them after restore,
 * in clear_or_poison_free_pages()). Under page poisoning A expects the
 * poison byte instead and reports zeros as corruption when it allocates
 * them (a warning, not a failure).
 *
 * Fails, with a message saying free pages cannot be found, when a needed
 * key is missing or unusable, or when not one struct page could be read;
 * the caller then keeps every page. *fm is valid only after success.
 */
int kj_find_free_pages(kj_phys_read_fn rd, void *ctx,
		       const struct kj_vmcoreinfo *vi, const struct kj_ranges *ram,
		       struct kj_freemap *fm, struct kj_free_pages_stats *st,
		       struct kj_err *e);

#endif
