// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/kimage.c: finding where A's content of B's pages went
 * by walking A's kexec page list.
 *
 * A fake physical memory (a small table of page buffers behind a
 * kj_phys_read_fn) holds a control page and an entry list built exactly as
 * kernel/kexec_core.c builds it: kimage_add_entry() (head = first
 * indirection page | IND_INDIRECTION, 511 entries a page, the last slot
 * linking the next page), kimage_set_destination(), kimage_add_page() with
 * the destination advancing a page per IND_SOURCE, kimage_terminate()
 * (IND_DONE where the next entry would go, possibly in a page's last
 * slot). The head sits among decoy qwords that look like heads. Checked:
 * the dst -> src map (sorted, one entry per page of B, pages whose source
 * is themselves looked up as 0), list lengths around page boundaries, and
 * refusals (other destinations, a destination twice, missing or extra
 * pages, lists without end, cycles, unreadable pages, empty B), then
 * kj_remap_lookup hits and misses.
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

#include "../../lib/kimage.h"
#include "../../lib/page.h"

#define IND_DESTINATION 0x1ULL
#define IND_INDIRECTION 0x2ULL
#define IND_DONE 0x4ULL
#define IND_SOURCE 0x8ULL

typedef unsigned long long ull;

/* --- fake physical memory ------------------------------------------------- */

#define MAX_PAGES 64

struct phys {
	uint64_t pa[MAX_PAGES];
	uint64_t *page[MAX_PAGES];	/* 512 qwords each */
	size_t n;
	size_t reads;
};

static uint64_t *phys_page(struct phys *m, uint64_t pa)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->pa[i] == pa)
			return m->page[i];
	return NULL;
}

static uint64_t *phys_add(struct phys *m, uint64_t pa)
{
	assert_int_equal(pa % KJ_PAGE_SIZE, 0);
	assert_null(phys_page(m, pa));
	assert_true(m->n < MAX_PAGES);
	m->pa[m->n] = pa;
	m->page[m->n] = calloc(1, KJ_PAGE_SIZE);
	assert_non_null(m->page[m->n]);
	return m->page[m->n++];
}

/* Make the page at pa unreadable. */
static void phys_drop(struct phys *m, uint64_t pa)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->pa[i] == pa) {
			free(m->page[i]);
			m->page[i] = m->page[m->n - 1];
			m->pa[i] = m->pa[m->n - 1];
			m->n--;
			return;
		}
	fail_msg("no page 0x%llx to drop", (ull)pa);
}

static void phys_free(struct phys *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->page[i]);
	memset(m, 0, sizeof(*m));
}

static int phys_read(void *ctx, uint64_t pa, void *buf, size_t len, struct kj_err *e)
{
	struct phys *m = ctx;
	uint8_t *out = buf;

	m->reads++;
	while (len) {
		uint64_t base = pa & ~(KJ_PAGE_SIZE - 1), off = pa - base;
		size_t n = KJ_PAGE_SIZE - off < len ? (size_t)(KJ_PAGE_SIZE - off) : len;
		uint64_t *p = phys_page(m, base);

		if (!p)
			return kj_fail(e, EIO, "no memory at 0x%llx", (ull)pa);
		memcpy(out, (uint8_t *)p + off, n);
		out += n;
		pa += n;
		len -= n;
	}
	return 0;
}

/* --- the kernel's list, as kexec_core.c builds it -------------------------- */

struct klist {
	struct phys *m;
	uint64_t head;
	uint64_t *entry, *last;
	uint64_t next_ind;	/* where the next indirection page goes */
	uint64_t dest;		/* kimage->destination */
	size_t nind;
};

static void kl_init(struct klist *k, struct phys *m, uint64_t ind_base)
{
	memset(k, 0, sizeof(*k));
	k->m = m;
	k->entry = &k->head;
	k->last = &k->head;
	k->next_ind = ind_base;
}

/* kimage_add_entry() */
static void kl_add(struct klist *k, uint64_t entry)
{
	if (*k->entry != 0)
		k->entry++;
	if (k->entry == k->last) {
		uint64_t pa = k->next_ind;
		uint64_t *ind = phys_add(k->m, pa);

		k->next_ind += KJ_PAGE_SIZE;
		k->nind++;
		*k->entry = pa | IND_INDIRECTION;
		k->entry = ind;
		k->last = ind + (KJ_PAGE_SIZE / 8 - 1);
	}
	*k->entry = entry;
	k->entry++;
	*k->entry = 0;
}

/* kimage_set_destination() */
static void kl_dest(struct klist *k, uint64_t dest)
{
	k->dest = dest & ~(KJ_PAGE_SIZE - 1);
	kl_add(k, k->dest | IND_DESTINATION);
}

/* kimage_add_page() */
static void kl_page(struct klist *k, uint64_t src)
{
	kl_add(k, (src & ~(KJ_PAGE_SIZE - 1)) | IND_SOURCE);
	k->dest += KJ_PAGE_SIZE;
}

/* kimage_terminate() */
static void kl_done(struct klist *k)
{
	if (*k->entry != 0)
		k->entry++;
	*k->entry = IND_DONE;
}

/* The source page the kernel gave destination `d`: mostly elsewhere, but
 * every 37th page is its own source (kimage_alloc_page() hands out the
 * destination page itself when it is free). */
static uint64_t src_for(uint64_t d)
{
	if ((d / KJ_PAGE_SIZE) % 37 == 0)
		return d;
	return 0x100000000ULL + ((d / KJ_PAGE_SIZE * 7919) % 0x40000) * KJ_PAGE_SIZE;
}

struct seg {
	uint64_t start, end;
};

static void kl_segments(struct klist *k, const struct seg *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		kl_dest(k, s[i].start);
		for (uint64_t d = s[i].start; d < s[i].end; d += KJ_PAGE_SIZE)
			kl_page(k, src_for(d));
	}
	kl_done(k);
}

#define CONTROL 0x5000000ULL
#define HEAD_SLOT 300

/* A control page with the head in HEAD_SLOT and decoys before and after
 * it that look like heads (low bits == IND_INDIRECTION, >= 4096) but lead
 * nowhere useful. Decoy lists live at 0x6000000 and up. */
static void control_page(struct phys *m, uint64_t head, const struct seg *other,
			 size_t nother)
{
	uint64_t *cp = phys_add(m, CONTROL);
	uint64_t *zero = phys_add(m, 0x6000000);
	struct klist dk;

	(void)zero;
	cp[0] = 0x2;			/* < 4096: not even tried */
	cp[1] = 0x7000000 | 0x2;	/* unreadable */
	cp[2] = 0x6000000 | 0x2;	/* a page of zeros: runs off its end */
	cp[3] = 0x6000000 | 0x3;	/* wrong low bits */
	cp[4] = CONTROL | 0x2;		/* the control page itself */
	cp[5] = 0xffffffffffff0002ULL;	/* absurd */
	if (nother) {			/* a real list, for other pages */
		kl_init(&dk, m, 0x6001000);
		kl_segments(&dk, other, nother);
		cp[6] = dk.head;
	}
	for (int i = 7; i < HEAD_SLOT; i++)
		cp[i] = 0x1234567800000000ULL + i * 0x1001;	/* kernel pointers etc */
	cp[HEAD_SLOT] = head;
	cp[HEAD_SLOT + 1] = 0x6000000 | 0x2;
	cp[511] = 0x8000000 | 0x2;
}

static void b_mem_of(struct kj_ranges *b, const struct seg *s, size_t n)
{
	struct kj_err e = { 0 };

	memset(b, 0, sizeof(*b));
	for (size_t i = 0; i < n; i++)
		assert_int_equal(kj_ranges_add(b, s[i].start, s[i].end, 1, &e), 0);
	kj_ranges_normalize(b);
}

/* The map must be B's pages in order, each with src_for(). */
static void check_map(const struct kj_ranges *b, const struct kj_remap_page *map,
		      size_t n)
{
	size_t i = 0;

	assert_int_equal(n, kj_ranges_total(b, -1) / KJ_PAGE_SIZE);
	for (size_t r = 0; r < b->n; r++)
		for (uint64_t d = b->r[r].start; d < b->r[r].end; d += KJ_PAGE_SIZE, i++) {
			uint64_t s = src_for(d);

			assert_int_equal(map[i].dst, d);
			assert_int_equal(map[i].src, s);
			assert_int_equal(kj_remap_lookup(map, n, d), s == d ? 0 : s);
		}
	assert_int_equal(i, n);
}

static int find(struct phys *m, const struct kj_ranges *b, struct kj_remap_page **map,
		size_t *n, struct kj_err *e)
{
	memset(e, 0, sizeof(*e));
	*map = NULL;
	*n = 0;
	return kj_kimage_find_map(phys_read, m, CONTROL, b, map, n, e);
}

/* --- finding the map ------------------------------------------------------ */

/* B's memory as kjump loads it: the low range and a region, in pieces,
 * listed out of address order. */
static const struct seg b_segs[] = {
	{ 0x75e00000, 0x75f00000 },	/* kernel */
	{ 0x75f00000, 0x75f80000 },	/* initrd */
	{ 0x1000, 0x9f000 },		/* low range */
	{ 0x75f80000, 0x76200000 },	/* the rest */
};

static void test_find_map(void **state)
{
	struct phys m = { 0 };
	struct klist k;
	struct kj_ranges b;
	struct kj_remap_page *map;
	struct kj_err e;
	size_t n;

	kl_init(&k, &m, 0x4000000);
	kl_segments(&k, b_segs, 4);
	/* 4 destinations + 1182 sources + DONE: 3 indirection pages */
	assert_int_equal(k.nind, 3);
	assert_int_equal(k.head, 0x4000000 | IND_INDIRECTION);
	/* the last slot of a full page links the next one */
	assert_int_equal(phys_page(&m, 0x4000000)[511], 0x4001000 | IND_INDIRECTION);
	assert_int_equal(phys_page(&m, 0x4001000)[511], 0x4002000 | IND_INDIRECTION);
	control_page(&m, k.head, NULL, 0);
	b_mem_of(&b, b_segs, 4);
	assert_int_equal(b.n, 2);

	if (find(&m, &b, &map, &n, &e))
		fail_msg("kj_kimage_find_map: %s", e.msg);
	assert_non_null(map);
	assert_int_equal(n, 1182);
	check_map(&b, map, n);
	/* sorted, and src == dst pages present */
	for (size_t i = 1; i < n; i++)
		assert_true(map[i].dst > map[i - 1].dst);
	assert_int_equal(kj_remap_lookup(map, n, 37 * KJ_PAGE_SIZE), 0);
	assert_int_equal(map[36].dst, 37 * KJ_PAGE_SIZE);
	assert_int_equal(map[36].src, 37 * KJ_PAGE_SIZE);
	free(map);
	kj_ranges_free(&b);
	phys_free(&m);
}

/* The head found however the decoys are placed, including a real list
 * of other pages tried before it. */
static void test_find_map_decoy_list(void **state)
{
	static const struct seg other[] = { { 0x80000000, 0x80100000 } };
	static const struct seg mine[] = { { 0x20000000, 0x20100000 } };
	struct phys m = { 0 };
	struct klist k;
	struct kj_ranges b;
	struct kj_remap_page *map;
	struct kj_err e;
	size_t n;

	kl_init(&k, &m, 0x4000000);
	kl_segments(&k, mine, 1);
	control_page(&m, k.head, other, 1);
	b_mem_of(&b, mine, 1);
	assert_int_equal(find(&m, &b, &map, &n, &e), 0);
	check_map(&b, map, n);
	free(map);
	kj_ranges_free(&b);

	/* with B's memory the other list's, that one is found */
	b_mem_of(&b, other, 1);
	assert_int_equal(find(&m, &b, &map, &n, &e), 0);
	check_map(&b, map, n);
	free(map);
	kj_ranges_free(&b);
	phys_free(&m);
}

/* Lists whose length puts IND_DONE, or the link, in every position
 * around page boundaries. */
static void test_find_map_lengths(void **state)
{
	static const uint64_t pages[] = { 1, 2, 509, 510, 511, 512, 1019, 1020, 1021,
					  1022, 1023, 1532, 1533, 1534, 2000 };

	for (size_t t = 0; t < sizeof(pages) / sizeof(pages[0]); t++) {
		const struct seg s[] = { { 0x10000000, 0x10000000 + pages[t] * KJ_PAGE_SIZE } };
		struct phys m = { 0 };
		struct klist k;
		struct kj_ranges b;
		struct kj_remap_page *map;
		struct kj_err e;
		size_t n;

		kl_init(&k, &m, 0x4000000);
		kl_segments(&k, s, 1);
		/* 1 + pages entries, 511 a page; DONE may take a last slot */
		assert_int_equal(k.nind, (1 + pages[t] + 510) / 511);
		control_page(&m, k.head, NULL, 0);
		b_mem_of(&b, s, 1);
		if (find(&m, &b, &map, &n, &e))
			fail_msg("%llu pages: %s", (ull)pages[t], e.msg);
		check_map(&b, map, n);
		free(map);
		kj_ranges_free(&b);
		phys_free(&m);
	}
}

/* One destination per page, as for scattered segments. */
static void test_find_map_many_destinations(void **state)
{
	struct seg s[600];
	struct phys m = { 0 };
	struct klist k;
	struct kj_ranges b;
	struct kj_remap_page *map;
	struct kj_err e;
	size_t n;

	for (size_t i = 0; i < 600; i++) {
		/* descending, every other page */
		s[i].start = 0x30000000 + (599 - i) * 2 * KJ_PAGE_SIZE;
		s[i].end = s[i].start + KJ_PAGE_SIZE;
	}
	kl_init(&k, &m, 0x4000000);
	kl_segments(&k, s, 600);
	control_page(&m, k.head, NULL, 0);
	b_mem_of(&b, s, 600);
	assert_int_equal(b.n, 600);
	assert_int_equal(find(&m, &b, &map, &n, &e), 0);
	check_map(&b, map, n);
	free(map);
	kj_ranges_free(&b);
	phys_free(&m);
}

/* --- refusals ------------------------------------------------------------- */

static void expect_none(struct phys *m, const struct kj_ranges *b)
{
	struct kj_remap_page *map;
	struct kj_err e;
	size_t n;

	assert_int_equal(find(m, b, &map, &n, &e), -1);
	assert_null(map);
	assert_int_equal(n, 0);
	assert_int_equal(e.code, ENOENT);
	assert_non_null(strstr(e.msg, "holds no kexec page list"));
	assert_non_null(strstr(e.msg, "0x5000000"));
}

static void test_refuse_other_destinations(void **state)
{
	static const struct seg s[] = { { 0x10000000, 0x10200000 } };
	struct phys m = { 0 };
	struct klist k;
	struct kj_ranges b;

	kl_init(&k, &m, 0x4000000);
	kl_segments(&k, s, 1);
	control_page(&m, k.head, NULL, 0);

	/* B elsewhere */
	{
		const struct seg o[] = { { 0x20000000, 0x20200000 } };

		b_mem_of(&b, o, 1);
		expect_none(&m, &b);
		kj_ranges_free(&b);
	}
	/* B a page larger: one page has no entry */
	{
		const struct seg o[] = { { 0x10000000, 0x10201000 } };

		b_mem_of(&b, o, 1);
		expect_none(&m, &b);
		kj_ranges_free(&b);
	}
	/* B a page smaller: one destination is not B's */
	{
		const struct seg o[] = { { 0x10000000, 0x101ff000 } };

		b_mem_of(&b, o, 1);
		expect_none(&m, &b);
		kj_ranges_free(&b);
	}
	/* B the same size, shifted by a page */
	{
		const struct seg o[] = { { 0x10001000, 0x10201000 } };

		b_mem_of(&b, o, 1);
		expect_none(&m, &b);
		kj_ranges_free(&b);
	}
	phys_free(&m);
}

static void test_refuse_destination_twice(void **state)
{
	/* 4 entries for 4 pages of B, but page 1 twice and page 3 never */
	static const struct seg s[] = { { 0x10000000, 0x10002000 },
					{ 0x10001000, 0x10003000 } };
	static const struct seg bs[] = { { 0x10000000, 0x10004000 } };
	struct phys m = { 0 };
	struct klist k;
	struct kj_ranges b;

	kl_init(&k, &m, 0x4000000);
	kl_segments(&k, s, 2);
	control_page(&m, k.head, NULL, 0);
	b_mem_of(&b, bs, 1);
	expect_none(&m, &b);
	kj_ranges_free(&b);
	phys_free(&m);
}

static void test_refuse_no_end(void **state)
{
	static const struct seg s[] = { { 0x10000000, 0x10100000 } };
	struct phys m = { 0 };
	struct klist k;
	struct kj_ranges b;
	uint64_t *p;

	b_mem_of(&b, s, 1);

	/* IND_DONE missing: the list runs into the zeros after it, to the
	 * end of its page */
	kl_init(&k, &m, 0x4000000);
	kl_segments(&k, s, 1);
	*k.entry = 0;
	control_page(&m, k.head, NULL, 0);
	expect_none(&m, &b);
	phys_free(&m);

	/* the last page links back to the first: a cycle */
	kl_init(&k, &m, 0x4000000);
	for (int i = 0; i < 300; i++)
		kl_add(&k, 0);		/* padding that is no entry at all */
	p = phys_page(&m, 0x4000000);
	assert_non_null(p);
	p[511] = 0x4000000 | IND_INDIRECTION;
	control_page(&m, k.head, NULL, 0);
	expect_none(&m, &b);
	phys_free(&m);

	/* a page that links to itself, with sources in it: more entries
	 * than B has pages */
	kl_init(&k, &m, 0x4000000);
	kl_dest(&k, 0x10000000);
	kl_page(&k, 0x90000000);
	p = phys_page(&m, 0x4000000);
	p[2] = 0x4000000 | IND_INDIRECTION;
	control_page(&m, k.head, NULL, 0);
	expect_none(&m, &b);
	phys_free(&m);

	/* one page more than B has */
	{
		const struct seg more[] = { { 0x10000000, 0x10101000 } };

		kl_init(&k, &m, 0x4000000);
		kl_segments(&k, more, 1);
		control_page(&m, k.head, NULL, 0);
		expect_none(&m, &b);
		phys_free(&m);
	}
	kj_ranges_free(&b);
}

static void test_refuse_unreadable(void **state)
{
	static const struct seg s[] = { { 0x10000000, 0x10400000 } };
	struct phys m = { 0 };
	struct klist k;
	struct kj_ranges b;
	struct kj_remap_page *map;
	struct kj_err e;
	size_t n;

	b_mem_of(&b, s, 1);
	kl_init(&k, &m, 0x4000000);
	kl_segments(&k, s, 1);
	assert_int_equal(k.nind, 3);
	control_page(&m, k.head, NULL, 0);
	assert_int_equal(find(&m, &b, &map, &n, &e), 0);
	free(map);
	/* the second indirection page cannot be read */
	phys_drop(&m, 0x4001000);
	expect_none(&m, &b);
	/* nor the control page */
	phys_drop(&m, CONTROL);
	assert_int_equal(find(&m, &b, &map, &n, &e), -1);
	assert_null(map);
	assert_int_equal(e.code, EIO);
	assert_non_null(strstr(e.msg, "reading A's control page 0x5000000"));
	assert_non_null(strstr(e.msg, "no memory at 0x5000000"));
	kj_ranges_free(&b);
	phys_free(&m);
}

static void test_refuse_empty_b(void **state)
{
	struct phys m = { 0 };
	struct kj_ranges b = { 0 };
	struct kj_remap_page *map;
	struct kj_err e;
	size_t n;

	assert_int_equal(find(&m, &b, &map, &n, &e), -1);
	assert_null(map);
	assert_non_null(strstr(e.msg, "empty"));
	assert_int_equal(m.reads, 0);
}

/* --- lookup ------------------------------------------------------------------ */

static void test_lookup(void **state)
{
	static const struct kj_remap_page map[] = {
		{ 0x1000, 0x900000 },
		{ 0x2000, 0x2000 },	/* no A content */
		{ 0x5000, 0x901000 },
		{ 0x100000, 0x7000 },
		{ 0x100001000, 0x902000 },
	};
	const size_t n = sizeof(map) / sizeof(map[0]);

	assert_int_equal(kj_remap_lookup(map, n, 0x1000), 0x900000);
	assert_int_equal(kj_remap_lookup(map, n, 0x2000), 0);
	assert_int_equal(kj_remap_lookup(map, n, 0x5000), 0x901000);
	assert_int_equal(kj_remap_lookup(map, n, 0x100000), 0x7000);
	assert_int_equal(kj_remap_lookup(map, n, 0x100001000), 0x902000);
	/* misses: below, between, above, unaligned */
	assert_int_equal(kj_remap_lookup(map, n, 0), 0);
	assert_int_equal(kj_remap_lookup(map, n, 0x3000), 0);
	assert_int_equal(kj_remap_lookup(map, n, 0x4000), 0);
	assert_int_equal(kj_remap_lookup(map, n, 0x6000), 0);
	assert_int_equal(kj_remap_lookup(map, n, 0x100002000), 0);
	assert_int_equal(kj_remap_lookup(map, n, UINT64_MAX & ~(KJ_PAGE_SIZE - 1)), 0);
	assert_int_equal(kj_remap_lookup(map, n, 0x1001), 0);
	/* every prefix of the map */
	for (size_t k = 0; k <= n; k++)
		for (size_t i = 0; i < n; i++)
			assert_int_equal(kj_remap_lookup(map, k, map[i].dst),
					 i < k && map[i].src != map[i].dst ? map[i].src : 0);
	assert_int_equal(kj_remap_lookup(NULL, 0, 0x1000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_map),
		cmocka_unit_test(test_find_map_decoy_list),
		cmocka_unit_test(test_find_map_lengths),
		cmocka_unit_test(test_find_map_many_destinations),
		cmocka_unit_test(test_refuse_other_destinations),
		cmocka_unit_test(test_refuse_destination_twice),
		cmocka_unit_test(test_refuse_no_end),
		cmocka_unit_test(test_refuse_unreadable),
		cmocka_unit_test(test_refuse_empty_b),
		cmocka_unit_test(test_lookup),
	};

	return cmocka_run_group_tests_name("kimage", tests, NULL, NULL);
}
