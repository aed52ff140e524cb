/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A stopped x86_64 Linux's virtual addresses, translated through its own
 * page tables (from init_top_pgt, as its VMCOREINFO names them), by a
 * reader of its physical memory: B reading A through /proc/vmcore, or a
 * reader of an image.
 */
#ifndef KJUMP_X86_64_PAGE_TABLES_H
#define KJUMP_X86_64_PAGE_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "kimage.h"
#include "vmcoreinfo.h"

/* __START_KERNEL_map: where the kernel image is mapped, at phys_base. */
#define KJ_X86_START_KERNEL_MAP 0xffffffff80000000ull

struct kj_x86_mmu_cache;	/* private to x86_64_page_tables.c */

/* A's paging, as seen from outside. */
struct kj_x86_mmu {
	uint64_t top_pa;	/* physical address of init_top_pgt */
	int levels;		/* 4 or 5 */
	uint64_t sme_mask;	/* memory-encryption bit(s), cleared from entries */
	struct kj_x86_mmu_cache *cache;	/* owned; NULL: every lookup walks */
};

/* From SYMBOL(init_top_pgt) (a kernel-image address: its physical address
 * is va - KJ_X86_START_KERNEL_MAP + NUMBER(phys_base)),
 * NUMBER(pgtable_l5_enabled) (missing: 4-level) and NUMBER(sme_mask)
 * (missing: 0). Allocates the translation cache; release it with
 * kj_x86_mmu_free(). A cache is not thread-safe: one mmu per thread. */
int kj_x86_mmu_init(struct kj_x86_mmu *mmu, const struct kj_vmcoreinfo *vi,
		    struct kj_err *e);
void kj_x86_mmu_free(struct kj_x86_mmu *mmu);

/* Translate A's virtual address `va` through A's page tables, reading them
 * with rd(ctx, ...). 4 KiB, 2 MiB and 1 GiB pages. On success *pa is the
 * physical address and *span (may be NULL) the bytes from va to the end of
 * the page that maps it, so [va, va + *span) is physically contiguous. On
 * failure (not canonical, an entry not present, a table unreadable, a
 * reserved large-page bit) *span is the bytes from va to the end of the
 * region that fails the same way, or 0 when that is not known, so callers
 * can step over holes. The cache keeps the tables of the last walk and the
 * last few translations; it assumes A's memory does not change. */
int kj_x86_va_to_pa(kj_phys_read_fn rd, void *ctx, const struct kj_x86_mmu *mmu,
		    uint64_t va, uint64_t *pa, uint64_t *span, struct kj_err *e);

#endif
