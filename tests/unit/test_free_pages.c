// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/free_pages.c and lib/x86_64_page_tables.c: the scan
 * and the walk it relies on share one model of a whole system A.
 *
 * A's physical memory is a sparse model (pages allocated when written,
 * zeros elsewhere, an optional range whose reads fail) behind the read
 * callback. In it the tests build real x86_64 page tables, 4- and 5-level:
 * the kernel image mapped at phys_base with 2 MiB pages (init_top_pgt lives
 * there) and a vmemmap made of 4 KiB pages (scattered, in reverse order),
 * a 2 MiB page (with the PAT bit set), a hole, and a 1 GiB page. They fill
 * the struct pages of A's RAM with used pages, typed pages, buddy heads of
 * every order (tails unmarked), offline pages and buddy heads with
 * impossible orders, keep their own record of what is free, and compare
 * the scan's bitmap and counts with it exactly, for each page-type
 * encoding (6.12, 4.18-6.9, the 0x80000000-base one, pre-4.18), for a
 * struct page that straddles pages, and with unreadable memory. The
 * translation itself is checked against the builder's list of mappings,
 * with and without the cache.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/free_pages.h"
#include "../../lib/x86_64_page_tables.h"

#define KiB (UINT64_C(1) << 10)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

/* --- sparse physical memory --------------------------------------------- */

#define PM_LIMIT	(8 * GiB)
#define PM_CHUNK_PAGES	4096			/* 16 MiB per chunk */
#define PM_CHUNKS	(PM_LIMIT / (PM_CHUNK_PAGES * 4096))

struct pmem {
	uint8_t **chunk[PM_CHUNKS];
	uint64_t bad_lo, bad_hi;	/* reads touching [lo, hi) fail */
	unsigned long reads;
	size_t pages;
};

static uint8_t *pm_page(struct pmem *m, uint64_t pfn, bool create)
{
	uint8_t ***c = &m->chunk[pfn / PM_CHUNK_PAGES];
	uint8_t **slot;

	if (!*c) {
		if (!create)
			return NULL;
		*c = calloc(PM_CHUNK_PAGES, sizeof(**c));
		assert_non_null(*c);
	}
	slot = &(*c)[pfn % PM_CHUNK_PAGES];
	if (!*slot && create) {
		*slot = calloc(1, 4096);
		assert_non_null(*slot);
		m->pages++;
	}
	return *slot;
}

static int pm_read(void *ctx, uint64_t pa, void *buf, size_t len,
		   struct kj_err *e)
{
	struct pmem *m = ctx;
	uint8_t *out = buf;

	m->reads++;
	if (pa >= PM_LIMIT || len > PM_LIMIT - pa)
		return kj_fail(e, EIO, "physical 0x%llx+%zu is outside A's memory",
			       (unsigned long long)pa, len);
	if (pa < m->bad_hi && pa + len > m->bad_lo)
		return kj_fail(e, EIO, "physical 0x%llx+%zu: test read error",
			       (unsigned long long)pa, len);
	while (len) {
		size_t in = (size_t)(pa & 4095), n = 4096 - in;
		const uint8_t *p = pm_page(m, pa >> 12, false);

		if (n > len)
			n = len;
		if (p)
			memcpy(out, p + in, n);
		else
			memset(out, 0, n);
		out += n;
		pa += n;
		len -= n;
	}
	return 0;
}

static void pm_write(struct pmem *m, uint64_t pa, const void *buf, size_t len)
{
	const uint8_t *in = buf;

	assert_true(pa < PM_LIMIT && len <= PM_LIMIT - pa);
	while (len) {
		size_t off = (size_t)(pa & 4095), n = 4096 - off;

		if (n > len)
			n = len;
		memcpy(pm_page(m, pa >> 12, true) + off, in, n);
		in += n;
		pa += n;
		len -= n;
	}
}

static uint64_t pm_r64(struct pmem *m, uint64_t pa)
{
	uint64_t v;
	struct kj_err e;

	assert_int_equal(pm_read(m, pa, &v, 8, &e), 0);
	return v;
}

static void pm_w64(struct pmem *m, uint64_t pa, uint64_t v)
{
	pm_write(m, pa, &v, 8);
}

static struct pmem *pm_new(void)
{
	struct pmem *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	return m;
}

static void pm_free(struct pmem *m)
{
	for (size_t c = 0; c < PM_CHUNKS; c++) {
		if (!m->chunk[c])
			continue;
		for (size_t i = 0; i < PM_CHUNK_PAGES; i++)
			free(m->chunk[c][i]);
		free(m->chunk[c]);
	}
	free(m);
}

/* --- page-table builder ----------------------------------------------- */

#define E_P	(UINT64_C(1) << 0)
#define E_RW	(UINT64_C(1) << 1)
#define E_A	(UINT64_C(1) << 5)
#define E_D	(UINT64_C(1) << 6)
#define E_PS	(UINT64_C(1) << 7)
#define E_G	(UINT64_C(1) << 8)
#define E_PAT_L	(UINT64_C(1) << 12)	/* PAT bit of a large page */
#define E_NX	(UINT64_C(1) << 63)
#define E_ADDR	UINT64_C(0x000ffffffffff000)

struct vmap {
	uint64_t va, pa, size;
};

struct pt {
	struct pmem *m;
	int levels;
	uint64_t top, next, sme;
	struct vmap map[1024];
	size_t nmap;
};

static uint64_t pt_alloc(struct pt *p)
{
	static const uint8_t zero[4096];
	uint64_t pa = p->next;

	p->next += 4096;
	pm_write(p->m, pa, zero, sizeof(zero));
	return pa;
}

/* Map [va, va + size) to pa with one page of `size`; returns the physical
 * address of the table that holds the leaf entry. */
static uint64_t pt_map(struct pt *p, uint64_t va, uint64_t pa, uint64_t size,
		       uint64_t extra)
{
	int leaf = size == 4 * KiB ? 1 : size == 2 * MiB ? 2 : 3;
	uint64_t table = p->top, ent;
	unsigned shift, idx;

	assert_true(size == 4 * KiB || size == 2 * MiB || size == GiB);
	assert_int_equal(va & (size - 1), 0);
	assert_int_equal(pa & (size - 1), 0);
	for (int lvl = p->levels; lvl > leaf; lvl--) {
		shift = 12 + 9 * (unsigned)(lvl - 1);
		idx = (unsigned)(va >> shift) & 511;
		ent = pm_r64(p->m, table + idx * 8);
		if (!(ent & E_P)) {
			ent = pt_alloc(p) | E_P | E_RW | E_A | E_D | p->sme;
			pm_w64(p->m, table + idx * 8, ent);
		}
		assert_false(ent & E_PS);
		table = ent & ~p->sme & E_ADDR;
	}
	shift = 12 + 9 * (unsigned)(leaf - 1);
	idx = (unsigned)(va >> shift) & 511;
	ent = pa | E_P | E_RW | E_A | E_D | E_G | E_NX | p->sme | extra |
	      (leaf > 1 ? E_PS : 0);
	pm_w64(p->m, table + idx * 8, ent);
	assert_true(p->nmap < sizeof(p->map) / sizeof(p->map[0]));
	p->map[p->nmap++] = (struct vmap){ va, pa, size };
	return table;
}

/* The builder's own translation, from its list of mappings. */
static bool vtrans(const struct pt *p, uint64_t va, uint64_t *pa, uint64_t *span)
{
	for (size_t i = 0; i < p->nmap; i++) {
		const struct vmap *v = &p->map[i];

		if (va - v->va < v->size) {
			*pa = v->pa + (va - v->va);
			if (span)
				*span = v->size - (va - v->va);
			return true;
		}
	}
	return false;
}

/* Are all of [va, va + len) mapped and readable? */
static bool vreadable(const struct pt *p, uint64_t va, uint64_t len)
{
	while (len) {
		uint64_t pa, span;

		if (!vtrans(p, va, &pa, &span))
			return false;
		if (span > len)
			span = len;
		if (pa < p->m->bad_hi && pa + span > p->m->bad_lo)
			return false;
		va += span;
		len -= span;
	}
	return true;
}

static void vwrite(struct pt *p, uint64_t va, const void *buf, uint64_t len)
{
	const uint8_t *in = buf;

	while (len) {
		uint64_t pa = 0, span = 0;

		assert_true(vtrans(p, va, &pa, &span));
		if (span > len)
			span = len;
		pm_write(p->m, pa, in, (size_t)span);
		in += span;
		va += span;
		len -= span;
	}
}

/* --- random numbers ----------------------------------------------------- */

static uint64_t rng;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* --- page-type encodings ------------------------------------------------ */

enum enc { ENC_612, ENC_OLD, ENC_610, ENC_PRE418 };

struct encoding {
	const char *buddy_num, *offline_num;	/* VMCOREINFO values */
	uint32_t buddy, offline;		/* page_type of such a page */
	uint32_t other[6];			/* other types: kept */
	size_t nother;
};

static const struct encoding encodings[] = {
	[ENC_612] = { "-268435456", "-251658240", 0xf0000000u, 0xf1000000u,
		      { 0xf2000000u, 0xf3000000u, 0xf4000000u, 0xf5000000u,
			0xf6001234u, 0xf7000000u }, 6 },
	[ENC_OLD] = { "-129", "-257", 0xffffff7fu, 0xfffffeffu,
		      { 0xfffffdffu, 0xfffffbffu, 0xfffff7ffu, 0xffffefffu }, 4 },
	[ENC_610] = { "-1073741825", "-536870913", 0xbfffffffu, 0xdfffffffu,
		      { 0xefffffffu, 0xf7ffffffu, 0xfbffffffu, 0xfdffffffu }, 4 },
	[ENC_PRE418] = { "-128", NULL, 0xffffff80u, 0, { 0 }, 0 },
};

/* --- a whole system A ----------------------------------------------------- */

#define OFF_PRIVATE	40
#define OFF_TYPE	48
#define MAX_ORDER	10	/* LENGTH(zone.free_area) = 11 */

#define KSYM_TOP	UINT64_C(0xffffffffa4a0c000)	/* init_top_pgt */
#define PHYS_BASE	UINT64_C(0x3c000000)
#define TOP_PA		(KSYM_TOP - KJ_X86_START_KERNEL_MAP + PHYS_BASE)
#define TABLES_PA	UINT64_C(0x30000000)	/* other page tables */
#define SP4K_PA		UINT64_C(0x20000000)	/* struct pages, 4 KiB mapped */
#define SP2M_PA		UINT64_C(0x40200000)	/* ... 2 MiB mapped */
#define SP1G_PA		UINT64_C(0x80000000)	/* ... 1 GiB mapped */
#define VMEMMAP_L4	UINT64_C(0xffffea0000000000)
#define VMEMMAP_L5	UINT64_C(0xffd4000000000000)

/* A's RAM, in pfns (the byte ranges handed to the scan round to these). */
static const uint64_t ram_pfns[][2] = {
	{ 1, 159 },				/* [0x1000, 0x9fc00) */
	{ 256, 81920 },				/* [1 MiB, 320 MiB) */
	{ 16777216, 16777216 + 4096 },		/* [64 GiB, +16 MiB) */
};
#define MAX_PFN (16777216 + 4096)

struct sys {
	struct pmem *m;
	struct pt pt;
	enum enc enc;
	uint64_t vmemmap, sz, sme;
	struct kj_ranges ram;
	uint64_t *expect;		/* bitmap of MAX_PFN bits */
	struct kj_free_pages_stats want;
	uint64_t pte_table_4k;		/* the PTE table of the 4 KiB part */
};

/* What the scan needs, in the kernel's format; `omit` drops one key. */
static size_t sys_text(const struct sys *s, char *buf, size_t cap,
		       const char *omit)
{
	const struct encoding *en = &encodings[s->enc];
	char lines[40][128];
	size_t nl = 0, n = 0;

#define L(...) snprintf(lines[nl++], sizeof(lines[0]), __VA_ARGS__)
	L("OSRELEASE=6.12.12-amd64");
	L("PAGESIZE=4096");
	L("SYMBOL(_stext)=ffffffffa2e00000");
	L("NUMBER(VMALLOC_START)=0xffffb0e1c0000000");
	L("SYMBOL(vmemmap)=%llx", (unsigned long long)s->vmemmap);
	L("SIZE(page)=%llu", (unsigned long long)s->sz);
	L("OFFSET(page.flags)=0");
	L("OFFSET(page._mapcount)=%d", OFF_TYPE);
	L("OFFSET(page.private)=%d", OFF_PRIVATE);
	L("LENGTH(zone.free_area)=%d", MAX_ORDER + 1);
	L("NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=%s", en->buddy_num);
	if (en->offline_num)
		L("NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=%s", en->offline_num);
	L("NUMBER(phys_base)=%llu", (unsigned long long)PHYS_BASE);
	L("SYMBOL(init_top_pgt)=%llx", (unsigned long long)KSYM_TOP);
	L("NUMBER(pgtable_l5_enabled)=%d", s->pt.levels == 5);
	L("KERNELOFFSET=21e00000");
	L("NUMBER(KERNEL_IMAGE_SIZE)=1073741824");
	L("NUMBER(sme_mask)=%llu", (unsigned long long)s->sme);
#undef L
	for (size_t i = 0; i < nl; i++) {
		size_t klen = strcspn(lines[i], "=");

		if (omit && strlen(omit) == klen && !strncmp(lines[i], omit, klen))
			continue;
		n += (size_t)snprintf(buf + n, cap - n, "%s\n", lines[i]);
		assert_true(n < cap);
	}
	return n;
}

static void sys_vmcoreinfo(const struct sys *s, struct kj_vmcoreinfo *vi,
			   const char *omit)
{
	char text[4096];
	size_t n = sys_text(s, text, sizeof(text), omit);
	struct kj_err e = { 0 };

	assert_int_equal(kj_vmcoreinfo_parse(text, n, vi, &e), 0);
}

static void expect_set(struct sys *s, uint64_t pfn, uint64_t n)
{
	for (uint64_t i = pfn; i < pfn + n; i++)
		s->expect[i / 64] |= UINT64_C(1) << (i % 64);
}

static bool expected(const struct sys *s, uint64_t pfn)
{
	return (s->expect[pfn / 64] >> (pfn % 64)) & 1;
}

static void write_page(struct sys *s, uint64_t pfn, uint32_t type, uint64_t priv)
{
	uint8_t sp[256];

	for (size_t i = 0; i < s->sz; i++)
		sp[i] = (uint8_t)rnd();
	memcpy(sp + OFF_TYPE, &type, 4);
	memcpy(sp + OFF_PRIVATE, &priv, 8);
	vwrite(&s->pt, s->vmemmap + pfn * s->sz, sp, s->sz);
}

static bool sp_readable(const struct sys *s, uint64_t pfn)
{
	return vreadable(&s->pt, s->vmemmap + pfn * s->sz, s->sz);
}

/* Fill the struct pages of one RAM range and record what must come out. */
static void fill_range(struct sys *s, uint64_t p0, uint64_t p1)
{
	const struct encoding *en = &encodings[s->enc];

	s->want.pages += p1 - p0;
	for (uint64_t pfn = p0; pfn < p1;) {
		unsigned r = (unsigned)(rnd() % 100);
		/* a block that runs past the end of its RAM range: clipped */
		bool past_end = pfn == 128 && p1 == 159;

		if (past_end)
			r = 0;
		if (!sp_readable(s, pfn)) {
			s->want.unreadable++;
			pfn++;
			continue;
		}
		if (r < 30) {
			/* a free block: head marked, order in private */
			unsigned k = past_end ? 7 : (unsigned)(rnd() % (MAX_ORDER + 1));
			uint64_t n;
			uint32_t type = en->buddy;

			while (pfn & ((UINT64_C(1) << k) - 1))
				k--;
			n = UINT64_C(1) << k;
			if (n > p1 - pfn)
				n = p1 - pfn;
			if (s->enc == ENC_612 && (rnd() & 1))
				type |= (uint32_t)rnd() & 0x00ffffff;	/* low bits free */
			write_page(s, pfn, type, k);
			/* tails: unmarked, as the kernel leaves them; a few
			 * carry a stale buddy mark with an impossible order,
			 * which would count as bad if the scan looked at tails */
			for (uint64_t j = 1; j < n; j++) {
				if (!sp_readable(s, pfn + j))
					continue;
				if (rnd() % 8)
					write_page(s, pfn + j, 0xffffffffu, 0);
				else
					write_page(s, pfn + j, en->buddy, 63);
			}
			expect_set(s, pfn, n);
			s->want.free += n;
			pfn += n;
			continue;
		}
		if (r < 36 && en->offline_num) {
			write_page(s, pfn, en->offline, rnd());
			expect_set(s, pfn, 1);
			s->want.offline++;
		} else if (r < 40) {
			/* buddy type, impossible order: misaligned or too big */
			uint64_t k = (pfn & 1) ? 1 + rnd() % 3 : MAX_ORDER + 1 + rnd() % 60;

			write_page(s, pfn, en->buddy, k);
			s->want.bad++;
		} else if (r < 48 && en->nother) {
			write_page(s, pfn, en->other[rnd() % en->nother], rnd());
		} else {
			/* in use: unmapped (-1) or mapped a few times */
			uint32_t mc = (rnd() & 1) ? 0xffffffffu : (uint32_t)(rnd() % 4);

			write_page(s, pfn, mc, rnd());
		}
		pfn++;
	}
}

struct sys_opts {
	int levels;
	enum enc enc;
	uint64_t sz, sme;
	bool bad_read;		/* one 4 KiB page of struct pages fails */
};

static struct sys *sys_build(const struct sys_opts *o)
{
	struct sys *s = calloc(1, sizeof(*s));
	struct kj_err e = { 0 };
	uint64_t V;

	assert_non_null(s);
	rng = 0x1234567ull + (uint64_t)o->levels * 7 + (uint64_t)o->enc * 131 +
	      o->sz;
	s->m = pm_new();
	s->enc = o->enc;
	s->sz = o->sz;
	s->sme = o->sme;
	s->vmemmap = V = o->levels == 5 ? VMEMMAP_L5 : VMEMMAP_L4;
	s->pt = (struct pt){ .m = s->m, .levels = o->levels, .sme = o->sme,
			     .next = TABLES_PA };
	s->pt.top = TOP_PA;
	pm_write(s->m, TOP_PA, (uint8_t[4096]){ 0 }, 4096);

	/* the kernel image, 2 MiB pages at phys_base (init_top_pgt inside) */
	for (uint64_t va = (KSYM_TOP & ~(2 * MiB - 1)) - 16 * MiB;
	     va < (KSYM_TOP & ~(2 * MiB - 1)) + 16 * MiB; va += 2 * MiB)
		pt_map(&s->pt, va, va - KJ_X86_START_KERNEL_MAP + PHYS_BASE,
		       2 * MiB, 0);
	/* vmemmap: 4 KiB pages in reverse physical order ... */
	for (uint64_t i = 0; i < 512; i++)
		s->pte_table_4k = pt_map(&s->pt, V + i * 4096,
					 SP4K_PA + (511 - i) * 4096, 4 * KiB, 0);
	/* ... a 2 MiB page with the PAT bit, a hole, a 1 GiB page */
	pt_map(&s->pt, V + 2 * MiB, SP2M_PA, 2 * MiB, E_PAT_L);
	pt_map(&s->pt, V + GiB, SP1G_PA, GiB, 0);
	if (o->bad_read) {
		s->m->bad_lo = SP2M_PA + 64 * KiB;
		s->m->bad_hi = s->m->bad_lo + 4 * KiB;
	}

	s->expect = calloc(MAX_PFN / 64 + 1, 8);
	assert_non_null(s->expect);
	for (size_t i = 0; i < sizeof(ram_pfns) / sizeof(ram_pfns[0]); i++)
		fill_range(s, ram_pfns[i][0], ram_pfns[i][1]);

	/* the same RAM as byte ranges: partial pages, an overlap, a sliver */
	assert_int_equal(kj_ranges_add(&s->ram, 0x1000, 0x9fc00, 1, &e), 0);
	assert_int_equal(kj_ranges_add(&s->ram, 0x100000, 0x14000000, 1, &e), 0);
	assert_int_equal(kj_ranges_add(&s->ram, 64 * GiB, 64 * GiB + 16 * MiB,
				       1, &e), 0);
	assert_int_equal(kj_ranges_add(&s->ram, 0x100000, 0x200800, 7, &e), 0);
	assert_int_equal(kj_ranges_add(&s->ram, 0xa0100, 0xa0f00, 1, &e), 0);
	return s;
}

static void sys_free(struct sys *s)
{
	pm_free(s->m);
	kj_ranges_free(&s->ram);
	free(s->expect);
	free(s);
}

/* Scan and compare with the record, page by page and count by count. */
static void sys_check(struct sys *s)
{
	struct kj_vmcoreinfo vi;
	struct kj_freemap fm;
	struct kj_free_pages_stats st;
	struct kj_err e = { 0 };
	unsigned long reads0 = s->m->reads;
	int rc;

	sys_vmcoreinfo(s, &vi, NULL);
	rc = kj_find_free_pages(pm_read, s->m, &vi, &s->ram, &fm, &st, &e);
	if (rc)
		print_message("kj_find_free_pages: %s\n", e.msg);
	assert_int_equal(rc, 0);
	print_message("  %llu pages: %llu free, %llu offline, %llu unreadable, "
		      "%llu bad; %llu struct-page reads, %lu reads in all, %.3f s\n",
		      (unsigned long long)st.pages, (unsigned long long)st.free,
		      (unsigned long long)st.offline,
		      (unsigned long long)st.unreadable,
		      (unsigned long long)st.bad, (unsigned long long)st.reads,
		      s->m->reads - reads0, st.seconds);

	assert_int_equal(fm.max_pfn, MAX_PFN);
	assert_int_equal(st.pages, s->want.pages);
	assert_int_equal(st.free, s->want.free);
	assert_int_equal(st.offline, s->want.offline);
	assert_int_equal(st.unreadable, s->want.unreadable);
	assert_int_equal(st.bad, s->want.bad);
	assert_true(st.free > 10000);
	assert_true(st.bad > 100);
	if (encodings[s->enc].offline_num)
		assert_true(st.offline > 100);
	if (st.unreadable)
		assert_true(st.first_error[0] != '\0');
	else
		assert_string_equal(st.first_error, "");
	assert_true(st.seconds >= 0 && st.seconds < 60);
	/* batched: far fewer reads than pages */
	assert_true(st.reads * 50 < st.pages);
	assert_true(s->m->reads - reads0 < st.reads + 64);

	/* the whole bitmap, then the accessor on every RAM page and edges */
	assert_memory_equal(fm.bits, s->expect, (MAX_PFN + 63) / 64 * 8);
	for (size_t i = 0; i < sizeof(ram_pfns) / sizeof(ram_pfns[0]); i++)
		for (uint64_t pfn = ram_pfns[i][0]; pfn < ram_pfns[i][1]; pfn++)
			assert_int_equal(kj_freemap_test(&fm, pfn), expected(s, pfn));
	assert_false(kj_freemap_test(&fm, 0));
	assert_false(kj_freemap_test(&fm, 159));	/* partial page: not RAM */
	assert_false(kj_freemap_test(&fm, 200));
	assert_false(kj_freemap_test(&fm, MAX_PFN));
	assert_false(kj_freemap_test(&fm, UINT64_MAX));
	assert_false(kj_freemap_test(NULL, 5));
	kj_freemap_free(&fm);
	assert_null(fm.bits);
	assert_false(kj_freemap_test(&fm, 300));
	kj_freemap_free(&fm);
	kj_vmcoreinfo_free(&vi);
}

/* --- the scans ---------------------------------------------------------- */

static void test_scan_4level_612(void **state)
{
	struct sys *s = sys_build(&(struct sys_opts){ 4, ENC_612, 64, 0, false });

	/* the hole of vmemmap: pfns 65536..81919 are RAM but unmapped */
	assert_int_equal(s->want.unreadable, 81920 - 65536);
	sys_check(s);
	sys_free(s);
}

static void test_scan_5level_sme(void **state)
{
	struct sys *s = sys_build(&(struct sys_opts){ 5, ENC_612, 64,
						      UINT64_C(1) << 47, false });

	sys_check(s);
	sys_free(s);
}

static void test_scan_read_error(void **state)
{
	struct sys *s = sys_build(&(struct sys_opts){ 4, ENC_612, 64, 0, true });
	struct kj_vmcoreinfo vi;
	struct kj_freemap fm;
	struct kj_free_pages_stats st;
	struct kj_err e = { 0 };

	/* one 4 KiB page of struct pages: 64 pfns more are unknown, unless a
	 * readable buddy head before them covers them */
	assert_true(s->want.unreadable > 81920 - 65536);
	assert_true(s->want.unreadable <= 81920 - 65536 + 64);
	sys_check(s);
	/* the message names the failure */
	sys_vmcoreinfo(s, &vi, NULL);
	assert_int_equal(kj_find_free_pages(pm_read, s->m, &vi, &s->ram, &fm, &st,
					    &e), 0);
	assert_non_null(strstr(st.first_error, "0x"));
	kj_freemap_free(&fm);
	kj_vmcoreinfo_free(&vi);
	sys_free(s);
}

static void test_scan_old_encoding(void **state)
{
	struct sys *s = sys_build(&(struct sys_opts){ 4, ENC_OLD, 64, 0, false });

	sys_check(s);
	sys_free(s);
}

static void test_scan_610_encoding(void **state)
{
	struct sys *s = sys_build(&(struct sys_opts){ 4, ENC_610, 64, 0, false });

	sys_check(s);
	sys_free(s);
}

static void test_scan_pre418_encoding(void **state)
{
	struct sys *s = sys_build(&(struct sys_opts){ 4, ENC_PRE418, 64, 0, false });

	sys_check(s);
	sys_free(s);
}

/* SIZE(page)=80: struct pages straddle vmemmap pages, whose physical pages
 * are not contiguous. */
static void test_scan_straddling_struct_page(void **state)
{
	struct sys *s = sys_build(&(struct sys_opts){ 4, ENC_612, 80, 0, false });

	sys_check(s);
	sys_free(s);
}

/* --- refusals ------------------------------------------------------------- */

static void test_missing_keys(void **state)
{
	static const char *const needed[] = {
		"SYMBOL(vmemmap)", "SIZE(page)", "OFFSET(page._mapcount)",
		"OFFSET(page.private)", "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)",
		"SYMBOL(init_top_pgt)", "NUMBER(phys_base)",
	};
	struct sys *s = sys_build(&(struct sys_opts){ 4, ENC_612, 64, 0, false });

	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		struct kj_vmcoreinfo vi;
		struct kj_freemap fm = { (uint64_t *)1, 5 };
		struct kj_err e = { 0 };

		sys_vmcoreinfo(s, &vi, needed[i]);
		assert_int_equal(kj_find_free_pages(pm_read, s->m, &vi, &s->ram,
						    &fm, NULL, &e), -1);
		print_message("  without %s: %s\n", needed[i], e.msg);
		assert_non_null(strstr(e.msg, needed[i]));
		assert_non_null(strstr(e.msg, "free pages cannot be found"));
		assert_null(fm.bits);
		assert_int_equal(fm.max_pfn, 0);
		kj_vmcoreinfo_free(&vi);
	}

	/* optional keys: without the offline value offline pages are kept;
	 * without the l5 flag and sme mask 4-level paging, no mask */
	static const char *const optional[] = {
		"NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)", "NUMBER(pgtable_l5_enabled)",
		"NUMBER(sme_mask)",
	};
	for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++) {
		struct kj_vmcoreinfo vi;
		struct kj_freemap fm;
		struct kj_free_pages_stats st;
		struct kj_err e = { 0 };

		sys_vmcoreinfo(s, &vi, optional[i]);
		assert_int_equal(kj_find_free_pages(pm_read, s->m, &vi, &s->ram,
						    &fm, &st, &e), 0);
		assert_int_equal(st.free, s->want.free);
		assert_int_equal(st.offline, i == 0 ? 0 : s->want.offline);
		kj_freemap_free(&fm);
		kj_vmcoreinfo_free(&vi);
	}
	sys_free(s);
}

/* Values that are present but unusable. */
static void test_bad_values(void **state)
{
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{ "SIZE(page)=8", "do not fit" },
		{ "OFFSET(page._mapcount)=62", "do not fit" },
		{ "OFFSET(page.private)=60", "do not fit" },
		{ "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=12345", "encoding" },
		{ "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-1", "encoding" },
		{ "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-4294967296", "encoding" },
		{ "SYMBOL(init_top_pgt)=ffff888000000000", "kernel-image address" },
		{ "NUMBER(phys_base)=5", "not a page" },
		{ "NUMBER(pgtable_l5_enabled)=2", "neither 0 nor 1" },
		{ "NUMBER(sme_mask)=1", "sme_mask" },
	};
	struct sys *s = sys_build(&(struct sys_opts){ 4, ENC_612, 64, 0, false });

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[4096];
		size_t n = sys_text(s, text, sizeof(text), NULL);
		struct kj_vmcoreinfo vi;
		struct kj_freemap fm;
		struct kj_err e = { 0 };

		/* appended: the last value wins */
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s\n", bad[i].line);
		assert_int_equal(kj_vmcoreinfo_parse(text, n, &vi, &e), 0);
		assert_int_equal(kj_find_free_pages(pm_read, s->m, &vi, &s->ram,
						    &fm, NULL, &e), -1);
		print_message("  %s: %s\n", bad[i].line, e.msg);
		assert_non_null(strstr(e.msg, bad[i].msg));
		assert_non_null(strstr(e.msg, "free pages cannot be found"));
		assert_null(fm.bits);
		kj_vmcoreinfo_free(&vi);
	}
	sys_free(s);
}

/* A vmemmap symbol that points at nothing: not one struct page readable. */
static void test_nothing_readable(void **state)
{
	struct sys *s = sys_build(&(struct sys_opts){ 4, ENC_612, 64, 0, false });
	struct kj_vmcoreinfo vi;
	struct kj_freemap fm;
	struct kj_free_pages_stats st;
	struct kj_err e = { 0 };

	s->vmemmap += 8 * GiB;	/* unmapped */
	sys_vmcoreinfo(s, &vi, NULL);
	assert_int_equal(kj_find_free_pages(pm_read, s->m, &vi, &s->ram, &fm, &st,
					    &e), -1);
	print_message("  %s\n", e.msg);
	assert_non_null(strstr(e.msg, "not one of the"));
	assert_non_null(strstr(e.msg, "not present"));
	assert_int_equal(st.unreadable, st.pages);
	assert_null(fm.bits);
	/* unmapped at the top: the scan steps over the hole, not page by page */
	assert_true(st.reads == 0);
	kj_vmcoreinfo_free(&vi);

	/* no RAM at all: nothing to do, an empty map */
	struct kj_ranges none = { 0 };
	s->vmemmap -= 8 * GiB;
	sys_vmcoreinfo(s, &vi, NULL);
	assert_int_equal(kj_find_free_pages(pm_read, s->m, &vi, &none, &fm, &st,
					    &e), 0);
	assert_int_equal(fm.max_pfn, 0);
	assert_int_equal(st.pages, 0);
	assert_false(kj_freemap_test(&fm, 0));
	kj_freemap_free(&fm);

	/* RAM beyond the physical address space is refused */
	assert_int_equal(kj_ranges_add(&none, 0, UINT64_C(1) << 53, 1, &e), 0);
	assert_int_equal(kj_find_free_pages(pm_read, s->m, &vi, &none, &fm, &st,
					    &e), -1);
	assert_non_null(strstr(e.msg, "52-bit"));
	kj_ranges_free(&none);
	kj_vmcoreinfo_free(&vi);
	sys_free(s);
}

/* --- translation -------------------------------------------------------- */

static void mmu_for(const struct sys *s, struct kj_x86_mmu *mmu)
{
	struct kj_vmcoreinfo vi;
	struct kj_err e = { 0 };

	sys_vmcoreinfo(s, &vi, NULL);
	assert_int_equal(kj_x86_mmu_init(mmu, &vi, &e), 0);
	kj_vmcoreinfo_free(&vi);
}

static void check_va(const struct sys *s, const struct kj_x86_mmu *mmu,
		     uint64_t va)
{
	uint64_t pa = 0, span = 0, want_pa, want_span;
	struct kj_err e = { 0 };
	int rc = kj_x86_va_to_pa(pm_read, s->m, mmu, va, &pa, &span, &e);

	if (!vtrans(&s->pt, va, &want_pa, &want_span)) {
		assert_int_equal(rc, -1);
		return;
	}
	if (rc)
		print_message("0x%llx: %s\n", (unsigned long long)va, e.msg);
	assert_int_equal(rc, 0);
	assert_int_equal(pa, want_pa);
	assert_int_equal(span, want_span);
}

static void translation_case(int levels, uint64_t sme)
{
	struct sys *s = sys_build(&(struct sys_opts){ levels, ENC_612, 64, sme,
						      false });
	struct kj_x86_mmu mmu, plain;
	uint64_t V = s->vmemmap, pa, span;
	struct kj_err e = { 0 };
	unsigned long r0;

	mmu_for(s, &mmu);
	assert_int_equal(mmu.levels, levels);
	assert_int_equal(mmu.top_pa, TOP_PA);
	assert_int_equal(mmu.sme_mask, sme);

	/* init_top_pgt maps itself, through the kernel image */
	assert_int_equal(kj_x86_va_to_pa(pm_read, s->m, &mmu, KSYM_TOP, &pa, &span,
					 &e), 0);
	assert_int_equal(pa, TOP_PA);
	assert_int_equal(span, 2 * MiB - (KSYM_TOP & (2 * MiB - 1)));
	/* 4 KiB (reverse order), 2 MiB (PAT bit ignored), 1 GiB */
	assert_int_equal(kj_x86_va_to_pa(pm_read, s->m, &mmu, V + 0x1234, &pa,
					 &span, &e), 0);
	assert_int_equal(pa, SP4K_PA + 510 * 4096 + 0x234);
	assert_int_equal(span, 4096 - 0x234);
	assert_int_equal(kj_x86_va_to_pa(pm_read, s->m, &mmu, V + 2 * MiB + 0x12345,
					 &pa, &span, &e), 0);
	assert_int_equal(pa, SP2M_PA + 0x12345);
	assert_int_equal(span, 2 * MiB - 0x12345);
	assert_int_equal(kj_x86_va_to_pa(pm_read, s->m, &mmu, V + GiB + 0x123456,
					 &pa, &span, &e), 0);
	assert_int_equal(pa, SP1G_PA + 0x123456);
	assert_int_equal(span, GiB - 0x123456);
	/* span may be NULL */
	assert_int_equal(kj_x86_va_to_pa(pm_read, s->m, &mmu, V + 5, &pa, NULL,
					 &e), 0);
	assert_int_equal(pa, SP4K_PA + 511 * 4096 + 5);

	/* holes: the span reaches the end of the missing entry's region */
	assert_int_equal(kj_x86_va_to_pa(pm_read, s->m, &mmu, V + 4 * MiB + 0x1000,
					 &pa, &span, &e), -1);
	assert_non_null(strstr(e.msg, "PMD entry 2"));
	assert_non_null(strstr(e.msg, "not present"));
	assert_int_equal(span, 2 * MiB - 0x1000);
	assert_int_equal(kj_x86_va_to_pa(pm_read, s->m, &mmu, V + 3 * GiB, &pa,
					 &span, &e), -1);
	assert_non_null(strstr(e.msg, "PUD entry 3"));
	assert_int_equal(span, GiB);
	assert_int_equal(kj_x86_va_to_pa(pm_read, s->m, &mmu, V + 512 * GiB + 4096,
					 &pa, &span, &e), -1);
	assert_int_equal(span, 512 * GiB - 4096);
	/* not canonical */
	assert_int_equal(kj_x86_va_to_pa(pm_read, s->m, &mmu,
					 levels == 5 ? UINT64_C(0x0100000000000000)
						     : UINT64_C(0x0000800000000000),
					 &pa, &span, &e), -1);
	assert_non_null(strstr(e.msg, "canonical"));
	assert_int_equal(span, 0);

	/* the cache: 512 consecutive 4 KiB pages cost one walk's tables */
	plain = mmu;
	plain.cache = NULL;
	check_va(s, &mmu, KSYM_TOP + 8);	/* warm up elsewhere */
	r0 = s->m->reads;
	for (uint64_t i = 0; i < 512; i++)
		check_va(s, &mmu, V + i * 4096 + (i & 0xfff));
	print_message("  %d-level: 512 cached lookups, %lu reads\n", levels,
		      s->m->reads - r0);
	assert_true(s->m->reads - r0 <= (unsigned long)levels);
	r0 = s->m->reads;
	for (uint64_t i = 0; i < 512; i++)
		check_va(s, &plain, V + i * 4096 + (i & 0xfff));
	assert_int_equal(s->m->reads - r0, 512ul * (unsigned long)levels);
	/* repeated lookups in a large page: no reads at all */
	check_va(s, &mmu, V + GiB);
	r0 = s->m->reads;
	for (uint64_t i = 0; i < 1000; i++)
		check_va(s, &mmu, V + GiB + i * 77777);
	assert_int_equal(s->m->reads - r0, 0);

	/* cached and uncached agree on random addresses everywhere */
	for (int i = 0; i < 20000; i++) {
		static const uint64_t bases[] = { 0, 2 * MiB, 4 * MiB, GiB,
						  2 * GiB, 512 * GiB };
		uint64_t va = V + bases[rnd() % 6] + rnd() % (2 * MiB);
		uint64_t pa1 = 0, pa2 = 0, sp1 = 0, sp2 = 0;
		struct kj_err e1 = { 0 }, e2 = { 0 };
		int rc1, rc2;

		if (rnd() % 4 == 0)
			va = (KSYM_TOP & ~(32 * MiB - 1)) + rnd() % (64 * MiB);
		rc1 = kj_x86_va_to_pa(pm_read, s->m, &mmu, va, &pa1, &sp1, &e1);
		rc2 = kj_x86_va_to_pa(pm_read, s->m, &plain, va, &pa2, &sp2, &e2);
		assert_int_equal(rc1, rc2);
		assert_int_equal(sp1, sp2);
		if (!rc1)
			assert_int_equal(pa1, pa2);
		else
			assert_string_equal(e1.msg, e2.msg);
		check_va(s, &mmu, va);
	}

	/* an unreadable table: the region it would map is skipped */
	s->m->bad_lo = s->pte_table_4k;
	s->m->bad_hi = s->pte_table_4k + 4096;
	kj_x86_mmu_free(&mmu);
	mmu_for(s, &mmu);
	assert_int_equal(kj_x86_va_to_pa(pm_read, s->m, &mmu, V + 0x3000, &pa,
					 &span, &e), -1);
	print_message("  %s\n", e.msg);
	assert_non_null(strstr(e.msg, "reading the PTE table"));
	assert_non_null(strstr(e.msg, "test read error"));
	assert_int_equal(span, 2 * MiB - 0x3000);
	s->m->bad_lo = s->m->bad_hi = 0;

	kj_x86_mmu_free(&mmu);
	assert_null(mmu.cache);
	kj_x86_mmu_free(&mmu);
	sys_free(s);
}

static void test_translate_4level(void **state)
{
	translation_case(4, 0);
}

static void test_translate_5level_sme(void **state)
{
	translation_case(5, UINT64_C(1) << 47);
}

/* The cache belongs to one reader: another ctx sees its own memory. */
static void test_translate_cache_per_reader(void **state)
{
	struct sys *s = sys_build(&(struct sys_opts){ 4, ENC_612, 64, 0, false });
	struct pmem *other = pm_new();
	struct kj_x86_mmu mmu;
	uint64_t pa, span, V = s->vmemmap, pte;
	struct kj_err e = { 0 };

	mmu_for(s, &mmu);
	assert_int_equal(kj_x86_va_to_pa(pm_read, s->m, &mmu, V, &pa, &span, &e), 0);
	assert_int_equal(pa, SP4K_PA + 511 * 4096);
	/* a copy of the walk's tables in other memory, with the PTE moved */
	for (size_t c = 0; c < PM_CHUNKS; c++)
		for (size_t i = 0; s->m->chunk[c] && i < PM_CHUNK_PAGES; i++)
			if (s->m->chunk[c][i])
				pm_write(other, ((uint64_t)c * PM_CHUNK_PAGES + i) << 12,
					 s->m->chunk[c][i], 4096);
	pte = pm_r64(other, s->pte_table_4k);
	pm_w64(other, s->pte_table_4k, (pte & ~E_ADDR) | 0x7000);
	assert_int_equal(kj_x86_va_to_pa(pm_read, other, &mmu, V + 8, &pa, &span,
					 &e), 0);
	assert_int_equal(pa, 0x7008);
	assert_int_equal(kj_x86_va_to_pa(pm_read, s->m, &mmu, V + 8, &pa, &span,
					 &e), 0);
	assert_int_equal(pa, SP4K_PA + 511 * 4096 + 8);
	/* a reserved large-page bit at the top level is refused */
	pm_w64(other, TOP_PA + 8 * 300, 0x5000 | E_P | E_PS);
	assert_int_equal(kj_x86_va_to_pa(pm_read, other, &mmu,
					 UINT64_C(0xffff960000000000), &pa, &span,
					 &e), -1);
	assert_non_null(strstr(e.msg, "reserved"));
	kj_x86_mmu_free(&mmu);
	pm_free(other);
	sys_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_translate_4level),
		cmocka_unit_test(test_translate_5level_sme),
		cmocka_unit_test(test_translate_cache_per_reader),
		cmocka_unit_test(test_scan_4level_612),
		cmocka_unit_test(test_scan_5level_sme),
		cmocka_unit_test(test_scan_read_error),
		cmocka_unit_test(test_scan_old_encoding),
		cmocka_unit_test(test_scan_610_encoding),
		cmocka_unit_test(test_scan_pre418_encoding),
		cmocka_unit_test(test_scan_straddling_struct_page),
		cmocka_unit_test(test_missing_keys),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_nothing_readable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
