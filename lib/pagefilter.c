// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Free-page scan of a stopped x86_64 Linux through its vmemmap.
 *
 * Two parts: a page-table walker that translates A's virtual addresses the
 * way A's MMU would (4- or 5-level, 4 KiB / 2 MiB / 1 GiB pages, the
 * memory-encryption bit cleared from entries), with a small cache; and a
 * scan that reads A's struct pages in large batches and marks buddy blocks
 * and offline pages in a pfn bitmap. Page-table entries and struct page
 * fields are read in host byte order: kjump runs on x86_64 only.
 */
#include "pagefilter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* --- page types --------------------------------------------------------- */

enum ptype_kind {
	PT_NONE,
	PT_TOP_BYTE,	/* 6.12: the type is the top byte of page_type */
	PT_CLEAR_BIT,	/* 4.18 until 6.12: a type is a bit cleared under a base */
	PT_EXACT,	/* before 4.18: _mapcount == the value */
};

struct ptype {
	enum ptype_kind kind;
	uint32_t a, b;
};

/* How a page of the type whose VMCOREINFO NUMBER is `num` is recognised. */
static bool ptype_decode(uint64_t num, struct ptype *pt)
{
	uint32_t v = (uint32_t)num, bit = ~v;

	memset(pt, 0, sizeof(*pt));
	/* an int printed with %ld: sign- or zero-extended 32 bits */
	if ((num >> 32) != 0 && (num >> 31) != UINT64_C(0x1ffffffff))
		return false;
	if ((v & 0x00ffffff) == 0 && (v >> 24) >= 0x80 && (v >> 24) != 0xff) {
		pt->kind = PT_TOP_BYTE;
		pt->a = v >> 24;
		return true;
	}
	if (bit && !(bit & (bit - 1)) && bit < 0x80000000u) {
		/* 4.18..6.9: PAGE_TYPE_BASE 0xf0000000, types in the low bits
		 * (PG_buddy 0x80); then, until the 6.12 enum, PAGE_TYPE_BASE
		 * 0x80000000 with types in bits 24..30 (PG_buddy 0x40000000) */
		uint32_t base = bit >= 0x01000000u ? 0x80000000u : 0xf0000000u;

		if (bit & base)
			return false;
		pt->kind = PT_CLEAR_BIT;
		pt->a = base;
		pt->b = bit;
		return true;
	}
	if (v == 0xffffff80u) {
		pt->kind = PT_EXACT;
		pt->a = v;
		return true;
	}
	return false;
}

static bool ptype_match(const struct ptype *pt, uint32_t v)
{
	switch (pt->kind) {
	case PT_TOP_BYTE:
		return (v >> 24) == pt->a;
	case PT_CLEAR_BIT:
		return (v & (pt->a | pt->b)) == pt->a;
	case PT_EXACT:
		return v == pt->a;
	default:
		return false;
	}
}

/* --- the freemap -------------------------------------------------------- */

bool kj_freemap_test(const struct kj_freemap *fm, uint64_t pfn)
{
	if (!fm || !fm->bits || pfn >= fm->max_pfn)
		return false;
	return (fm->bits[pfn / 64] >> (pfn % 64)) & 1;
}

void kj_freemap_free(struct kj_freemap *fm)
{
	if (!fm)
		return;
	free(fm->bits);
	memset(fm, 0, sizeof(*fm));
}

static void freemap_set(struct kj_freemap *fm, uint64_t pfn, uint64_t n)
{
	while (n && (pfn % 64)) {
		fm->bits[pfn / 64] |= UINT64_C(1) << (pfn % 64);
		pfn++;
		n--;
	}
	while (n >= 64) {
		fm->bits[pfn / 64] = ~UINT64_C(0);
		pfn += 64;
		n -= 64;
	}
	while (n) {
		fm->bits[pfn / 64] |= UINT64_C(1) << (pfn % 64);
		pfn++;
		n--;
	}
}

/* --- the scan ----------------------------------------------------------- */

#define BATCH_BYTES	(256 * 1024)
#define DEFAULT_MAX_ORDER 12	/* when LENGTH(zone.free_area) is missing */
#define LIMIT_MAX_ORDER	20	/* never believe larger blocks */

struct scan {
	kj_phys_read_fn rd;
	void *ctx;
	struct kj_x86_mmu mmu;
	uint64_t vmemmap, sz, off_type, off_private, max_order;
	struct ptype buddy, offline;
	struct kj_freemap *fm;
	struct kj_pagefilter_stats *st;
	uint8_t *buf;		/* struct pages of pfns [lo, hi) */
	uint8_t *ok;		/* per pfn of the batch: fully read */
	uint64_t batch_pages, lo, hi;
};

static void note_error(struct scan *s, const struct kj_err *err)
{
	if (!s->st->first_error[0])
		snprintf(s->st->first_error, sizeof(s->st->first_error), "%.*s",
			 (int)sizeof(s->st->first_error) - 1,
			 err->msg[0] ? err->msg : "unknown error");
}

/* Bytes [off, off + n) of the batch could not be read. */
static void mark_bad(struct scan *s, uint64_t off, uint64_t n)
{
	uint64_t first = off / s->sz, last = (off + n - 1) / s->sz;

	for (uint64_t i = first; i <= last && i < s->hi - s->lo; i++)
		s->ok[i] = 0;
}

/* Read [pa, pa + n) into dst; on failure retry page by page so that one bad
 * page costs only the struct pages on it. */
static void read_piece(struct scan *s, uint64_t pa, uint8_t *dst, uint64_t off,
		       uint64_t n)
{
	struct kj_err err = { 0 };

	s->st->reads++;
	if (!s->rd(s->ctx, pa, dst, n, &err))
		return;
	if (n <= PG_SIZE - (pa & (PG_SIZE - 1))) {
		note_error(s, &err);
		mark_bad(s, off, n);
		return;
	}
	for (uint64_t done = 0; done < n;) {
		uint64_t step = PG_SIZE - ((pa + done) & (PG_SIZE - 1));

		if (step > n - done)
			step = n - done;
		err.msg[0] = '\0';
		s->st->reads++;
		if (s->rd(s->ctx, pa + done, dst + done, step, &err)) {
			note_error(s, &err);
			mark_bad(s, off + done, step);
		}
		done += step;
	}
}

/* Load the struct pages of pfns [lo, hi) into the batch buffer. */
static void load_batch(struct scan *s, uint64_t lo, uint64_t hi)
{
	uint64_t va0 = s->vmemmap + lo * s->sz, len = (hi - lo) * s->sz;

	s->lo = lo;
	s->hi = hi;
	memset(s->ok, 1, hi - lo);
	for (uint64_t off = 0; off < len;) {
		struct kj_err err = { 0 };
		uint64_t va = va0 + off, pa, span, n;

		if (kj_x86_va_to_pa(s->rd, s->ctx, &s->mmu, va, &pa, &span, &err)) {
			note_error(s, &err);
			n = span ? span : PG_SIZE - (va & (PG_SIZE - 1));
			if (n > len - off)
				n = len - off;
			mark_bad(s, off, n);
			off += n;
			continue;
		}
		n = span < len - off ? span : len - off;
		read_piece(s, pa, s->buf + off, off, n);
		off += n;
	}
}

static void scan_range(struct scan *s, uint64_t p0, uint64_t p1)
{
	struct kj_pagefilter_stats *st = s->st;

	st->pages += p1 - p0;
	s->lo = s->hi = 0;
	for (uint64_t pfn = p0; pfn < p1;) {
		const uint8_t *sp;
		uint32_t type;
		uint64_t order;

		if (pfn < s->lo || pfn >= s->hi)
			load_batch(s, pfn, p1 - pfn < s->batch_pages ?
				   p1 : pfn + s->batch_pages);
		if (!s->ok[pfn - s->lo]) {
			st->unreadable++;
			pfn++;
			continue;
		}
		sp = s->buf + (pfn - s->lo) * s->sz;
		memcpy(&type, sp + s->off_type, sizeof(type));
		if (ptype_match(&s->buddy, type)) {
			memcpy(&order, sp + s->off_private, sizeof(order));
			if (order <= s->max_order &&
			    !(pfn & ((UINT64_C(1) << order) - 1))) {
				uint64_t n = UINT64_C(1) << order;

				if (n > p1 - pfn)
					n = p1 - pfn;	/* clipped to RAM */
				freemap_set(s->fm, pfn, n);
				st->free += n;
				pfn += n;
				continue;
			}
			st->bad++;
		} else if (ptype_match(&s->offline, type)) {
			freemap_set(s->fm, pfn, 1);
			st->offline++;
		}
		pfn++;
	}
}

static int missing(struct kj_err *e, const char *key, const char *why)
{
	return kj_fail(e, ENOENT, "VMCOREINFO has no usable %s%s: free pages "
		       "cannot be found, so every page is kept", key, why);
}

int kj_find_free_pages(kj_phys_read_fn rd, void *ctx,
		       const struct kj_vmcoreinfo *vi, const struct kj_ranges *ram,
		       struct kj_freemap *fm, struct kj_pagefilter_stats *st,
		       struct kj_err *e)
{
	struct kj_pagefilter_stats local;
	struct kj_ranges rs = { 0 };
	struct scan s = { 0 };
	struct timespec t0, t1;
	uint64_t num, len, max_pfn = 0;
	int ret = -1;

	if (!st)
		st = &local;
	memset(st, 0, sizeof(*st));
	memset(fm, 0, sizeof(*fm));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	s.rd = rd;
	s.ctx = ctx;
	s.fm = fm;
	s.st = st;

	if (kj_vmcoreinfo_get(vi, "SYMBOL(vmemmap)", &s.vmemmap))
		return missing(e, "SYMBOL(vmemmap)", " (A's kernel was built "
			       "without CONFIG_SPARSEMEM_VMEMMAP)");
	if (kj_vmcoreinfo_get(vi, "SIZE(page)", &s.sz))
		return missing(e, "SIZE(page)", "");
	if (kj_vmcoreinfo_get(vi, "OFFSET(page._mapcount)", &s.off_type))
		return missing(e, "OFFSET(page._mapcount)", "");
	if (kj_vmcoreinfo_get(vi, "OFFSET(page.private)", &s.off_private))
		return missing(e, "OFFSET(page.private)", "");
	if (kj_vmcoreinfo_get(vi, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", &num))
		return missing(e, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", "");
	if (s.sz < 16 || s.sz > 1024 || s.off_type > s.sz - 4 ||
	    s.off_private > s.sz - 8)
		return kj_fail(e, EINVAL, "VMCOREINFO says SIZE(page)=%llu, "
			       "OFFSET(page._mapcount)=%llu, OFFSET(page.private)="
			       "%llu, which do not fit together: free pages cannot "
			       "be found, so every page is kept",
			       (unsigned long long)s.sz,
			       (unsigned long long)s.off_type,
			       (unsigned long long)s.off_private);
	if (!ptype_decode(num, &s.buddy))
		return kj_fail(e, EINVAL, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=%lld "
			       "is in no page-type encoding kjump knows: free "
			       "pages cannot be found, so every page is kept "
			       "(a kjump update may know this kernel)",
			       (long long)num);
	/* Offline pages are left out only when their value is in the same
	 * encoding as the buddy one; otherwise they are kept. */
	if (!kj_vmcoreinfo_get(vi, "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)", &num) &&
	    (!ptype_decode(num, &s.offline) || s.offline.kind != s.buddy.kind ||
	     (s.offline.kind == PT_CLEAR_BIT && s.offline.a != s.buddy.a) ||
	     (s.offline.a == s.buddy.a && s.offline.b == s.buddy.b)))
		memset(&s.offline, 0, sizeof(s.offline));
	s.max_order = DEFAULT_MAX_ORDER;
	if (!kj_vmcoreinfo_get(vi, "LENGTH(zone.free_area)", &len) && len >= 1 &&
	    len <= LIMIT_MAX_ORDER + 1)
		s.max_order = len - 1;

	/* pages wholly inside RAM, overlaps merged */
	for (size_t i = 0; i < ram->n; i++) {
		uint64_t a = kj_align_up(ram->r[i].start, PG_SIZE);
		uint64_t b = kj_align_down(ram->r[i].end, PG_SIZE);

		if (ram->r[i].end > PHYS_LIMIT || ram->r[i].start >= PHYS_LIMIT) {
			kj_fail(e, EINVAL, "RAM range [0x%llx, 0x%llx) is beyond "
				"the 52-bit physical address space",
				(unsigned long long)ram->r[i].start,
				(unsigned long long)ram->r[i].end);
			goto out;
		}
		if (a < b && kj_ranges_add(&rs, a, b, 0, e))
			goto out;
	}
	kj_ranges_normalize(&rs);
	if (rs.n)
		max_pfn = rs.r[rs.n - 1].end >> PG_SHIFT;

	if (kj_x86_mmu_init(&s.mmu, vi, e)) {
		kj_prefix(e, "free pages cannot be found, so every page is kept");
		goto out;
	}
	fm->max_pfn = max_pfn;
	if (max_pfn) {
		fm->bits = calloc((size_t)((max_pfn + 63) / 64), sizeof(uint64_t));
		if (!fm->bits) {
			kj_fail(e, ENOMEM, "out of memory for a bitmap of %llu "
				"pages", (unsigned long long)max_pfn);
			goto out;
		}
	}
	s.batch_pages = BATCH_BYTES / s.sz;
	s.buf = malloc((size_t)(s.batch_pages * s.sz));
	s.ok = malloc((size_t)s.batch_pages);
	if (!s.buf || !s.ok) {
		kj_fail(e, ENOMEM, "out of memory for reading struct pages");
		goto out;
	}

	for (size_t i = 0; i < rs.n; i++)
		scan_range(&s, rs.r[i].start >> PG_SHIFT, rs.r[i].end >> PG_SHIFT);

	if (st->pages && st->unreadable == st->pages) {
		kj_fail(e, EIO, "not one of the %llu struct pages of A's RAM could "
			"be read (first: %s): free pages cannot be found, so every "
			"page is kept", (unsigned long long)st->pages,
			st->first_error);
		goto out;
	}
	ret = 0;
out:
	if (ret)
		kj_freemap_free(fm);
	free(s.buf);
	free(s.ok);
	kj_x86_mmu_free(&s.mmu);
	kj_ranges_free(&rs);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	st->seconds = (double)(t1.tv_sec - t0.tv_sec) +
		      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return ret;
}
