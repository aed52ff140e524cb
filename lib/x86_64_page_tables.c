// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A page-table walker for a stopped x86_64 Linux: it translates A's
 * virtual addresses the way A's MMU would (4- or 5-level, 4 KiB / 2 MiB /
 * 1 GiB pages, the memory-encryption bit cleared from entries), with a
 * small cache. Entries are read in host byte order: kjump runs on x86_64
 * only.
 */
#include "x86_64_page_tables.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_SHIFT	12
#define PG_SIZE		(UINT64_C(1) << PG_SHIFT)
#define PTRS		512

#define PTE_PRESENT	(UINT64_C(1) << 0)
#define PTE_PSE		(UINT64_C(1) << 7)	/* large page, PMD/PUD level */
#define PTE_ADDR	UINT64_C(0x000ffffffffff000)	/* bits 12..51 */

#define PHYS_LIMIT	(UINT64_C(1) << 52)

/* --- translation -------------------------------------------------------- */

#define TLB_N 8

struct table_cache {
	bool valid;
	uint64_t pa;
	uint64_t ent[PTRS];
};

struct tlb_entry {
	uint64_t va, size, pa;	/* one mapping page: [va, va + size) -> pa */
};

struct kj_x86_mmu_cache {
	kj_phys_read_fn rd;	/* the cache belongs to one reader */
	void *ctx;
	struct table_cache t[6];	/* by level, 1 (PTE) .. 5 */
	struct tlb_entry tlb[TLB_N];
	unsigned tlb_n, tlb_next;
};

static const char *level_name(const struct kj_x86_mmu *mmu, int level)
{
	static const char *const names[] = { "?", "PTE", "PMD", "PUD", "P4D", "PGD" };

	if (level == mmu->levels)
		return "PGD";
	return level >= 1 && level <= 5 ? names[level] : "?";
}

static void cache_bind(struct kj_x86_mmu_cache *c, kj_phys_read_fn rd, void *ctx)
{
	if (c->rd == rd && c->ctx == ctx)
		return;
	memset(c, 0, sizeof(*c));
	c->rd = rd;
	c->ctx = ctx;
}

/* Entry `idx` of the table at `table` (one level). */
static int read_entry(kj_phys_read_fn rd, void *ctx, struct kj_x86_mmu_cache *c,
		      int level, uint64_t table, unsigned idx, uint64_t *out,
		      struct kj_err *e)
{
	if (!c)
		return rd(ctx, table + idx * 8u, out, sizeof(*out), e);
	struct table_cache *t = &c->t[level];

	if (!t->valid || t->pa != table) {
		t->valid = false;
		if (rd(ctx, table, t->ent, sizeof(t->ent), e))
			return -1;
		t->valid = true;
		t->pa = table;
	}
	*out = t->ent[idx];
	return 0;
}

static void tlb_insert(struct kj_x86_mmu_cache *c, uint64_t va, uint64_t size,
		       uint64_t pa)
{
	struct tlb_entry *t = &c->tlb[c->tlb_next];

	t->va = va;
	t->size = size;
	t->pa = pa;
	c->tlb_next = (c->tlb_next + 1) % TLB_N;
	if (c->tlb_n < TLB_N)
		c->tlb_n++;
}

/* Bytes from va to the end of the aligned block of 2^shift bytes. */
static uint64_t to_block_end(uint64_t va, unsigned shift)
{
	uint64_t size = UINT64_C(1) << shift;

	return size - (va & (size - 1));
}

int kj_x86_va_to_pa(kj_phys_read_fn rd, void *ctx, const struct kj_x86_mmu *mmu,
		    uint64_t va, uint64_t *pa, uint64_t *span, struct kj_err *e)
{
	struct kj_x86_mmu_cache *c = mmu->cache;
	unsigned vbits;
	int64_t top;
	uint64_t table, dummy;

	if (!span)
		span = &dummy;
	*span = 0;
	if (mmu->levels != 4 && mmu->levels != 5)
		return kj_fail(e, EINVAL, "translation set up for %d-level paging "
			       "(only 4 and 5 exist): call kj_x86_mmu_init() first",
			       mmu->levels);
	vbits = mmu->levels == 5 ? 57 : 48;
	top = (int64_t)va >> (vbits - 1);
	if (top != 0 && top != -1)
		return kj_fail(e, EFAULT, "virtual address 0x%llx is not canonical "
			       "for %d-level paging", (unsigned long long)va,
			       mmu->levels);

	if (c) {
		cache_bind(c, rd, ctx);
		for (unsigned i = 0; i < c->tlb_n; i++) {
			const struct tlb_entry *t = &c->tlb[i];

			if (va - t->va < t->size) {
				*pa = t->pa + (va - t->va);
				*span = t->size - (va - t->va);
				return 0;
			}
		}
	}

	table = mmu->top_pa;
	for (int level = mmu->levels; level >= 1; level--) {
		unsigned shift = PG_SHIFT + 9u * (unsigned)(level - 1);
		unsigned idx = (unsigned)(va >> shift) & (PTRS - 1);
		uint64_t ent, size;

		if (read_entry(rd, ctx, c, level, table, idx, &ent, e)) {
			/* the whole region of the entry that pointed here */
			if (level < mmu->levels)
				*span = to_block_end(va, shift + 9);
			return kj_prefix(e, "virtual address 0x%llx: reading the "
					 "%s table at 0x%llx",
					 (unsigned long long)va,
					 level_name(mmu, level),
					 (unsigned long long)table);
		}
		if (!(ent & PTE_PRESENT)) {
			*span = to_block_end(va, shift);
			return kj_fail(e, EFAULT, "virtual address 0x%llx is not "
				       "mapped: %s entry %u of the table at 0x%llx "
				       "is not present", (unsigned long long)va,
				       level_name(mmu, level), idx,
				       (unsigned long long)table);
		}
		ent &= ~mmu->sme_mask;
		size = UINT64_C(1) << shift;
		if (level >= 2 && (ent & PTE_PSE)) {
			if (level > 3) {
				*span = to_block_end(va, shift);
				return kj_fail(e, EFAULT, "virtual address 0x%llx: "
					       "%s entry %u of the table at 0x%llx "
					       "has the reserved large-page bit set",
					       (unsigned long long)va,
					       level_name(mmu, level), idx,
					       (unsigned long long)table);
			}
			/* bit 12 is PAT here; the frame is size-aligned */
			uint64_t base = ent & PTE_ADDR & ~(size - 1);

			*pa = base + (va & (size - 1));
			*span = size - (va & (size - 1));
			if (c)
				tlb_insert(c, va & ~(size - 1), size, base);
			return 0;
		}
		table = ent & PTE_ADDR;
		if (level == 1) {
			*pa = table + (va & (size - 1));
			*span = size - (va & (size - 1));
			if (c)
				tlb_insert(c, va & ~(size - 1), size, table);
			return 0;
		}
	}
	return kj_fail(e, EINVAL, "internal error: page walk fell through");
}

int kj_x86_mmu_init(struct kj_x86_mmu *mmu, const struct kj_vmcoreinfo *vi,
		    struct kj_err *e)
{
	uint64_t sym, phys_base, l5 = 0, sme = 0, top;

	memset(mmu, 0, sizeof(*mmu));
	if (kj_vmcoreinfo_get(vi, "SYMBOL(init_top_pgt)", &sym))
		return kj_fail(e, ENOENT, "VMCOREINFO has no usable "
			       "SYMBOL(init_top_pgt), so A's page tables cannot "
			       "be found (every x86_64 kernel writes it: is this "
			       "an x86_64 VMCOREINFO?)");
	if (kj_vmcoreinfo_get(vi, "NUMBER(phys_base)", &phys_base))
		return kj_fail(e, ENOENT, "VMCOREINFO has no usable "
			       "NUMBER(phys_base), so A's page tables cannot be "
			       "found (every x86_64 kernel writes it: is this an "
			       "x86_64 VMCOREINFO?)");
	if (sym < KJ_X86_START_KERNEL_MAP)
		return kj_fail(e, EINVAL, "SYMBOL(init_top_pgt)=%llx is not a "
			       "kernel-image address (those start at 0x%llx): "
			       "the VMCOREINFO is corrupt",
			       (unsigned long long)sym, KJ_X86_START_KERNEL_MAP);
	top = sym - KJ_X86_START_KERNEL_MAP + phys_base;
	if ((top & (PG_SIZE - 1)) || top >= PHYS_LIMIT)
		return kj_fail(e, EINVAL, "init_top_pgt would be at physical "
			       "0x%llx (SYMBOL(init_top_pgt)=%llx, "
			       "NUMBER(phys_base)=%lld), which is not a page of "
			       "memory: the VMCOREINFO is corrupt",
			       (unsigned long long)top, (unsigned long long)sym,
			       (long long)phys_base);
	if (!kj_vmcoreinfo_get(vi, "NUMBER(pgtable_l5_enabled)", &l5) && l5 > 1)
		return kj_fail(e, EINVAL, "NUMBER(pgtable_l5_enabled)=%llu is "
			       "neither 0 nor 1: the VMCOREINFO is corrupt",
			       (unsigned long long)l5);
	if (!kj_vmcoreinfo_get(vi, "NUMBER(sme_mask)", &sme) && (sme & ~PTE_ADDR))
		return kj_fail(e, EINVAL, "NUMBER(sme_mask)=0x%llx has bits "
			       "outside the physical address of a page-table "
			       "entry: the VMCOREINFO is corrupt",
			       (unsigned long long)sme);
	mmu->top_pa = top;
	mmu->levels = l5 ? 5 : 4;
	mmu->sme_mask = sme;
	mmu->cache = calloc(1, sizeof(*mmu->cache));
	if (!mmu->cache)
		return kj_fail(e, ENOMEM, "out of memory for a page-walk cache");
	return 0;
}

void kj_x86_mmu_free(struct kj_x86_mmu *mmu)
{
	if (!mmu)
		return;
	free(mmu->cache);
	mmu->cache = NULL;
}
