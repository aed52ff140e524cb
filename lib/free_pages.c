// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Free-page scan of a stopped x86_64 Linux through its vmemmap: it reads
 * A's struct pages in large batches (their virtual addresses translated by
 * x86_64_page_tables.c) and marks buddy blocks and offline pages in a pfn
 * bitmap. Struct page fields are read in host byte order: kjump runs on
 * x86_64 only.
 */
#include "free_pages.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "x86_64_page_tables.h"

#define PG_SHIFT	12
#define PG_SIZE		(UINT64_C(1) << PG_SHIFT)
#define PHYS_LIMIT	(UINT64_C(1) << 52)

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
	struct kj_free_pages_stats *st;
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
	struct kj_free_pages_stats *st = s->st;

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
		       struct kj_freemap *fm, struct kj_free_pages_stats *st,
		       struct kj_err *e)
{
	struct kj_free_pages_stats local;
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
