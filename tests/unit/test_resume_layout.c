// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/resume_layout.c, planning a resume, on synthetic images (the
 * public fields of struct kj_img filled by hand: extents, chunks, memory
 * map) and synthetic RAM ranges.
 *
 * kj_resume_layout_check_machine: the same RAM passes, more RAM passes, less RAM
 * is refused naming the range. kj_resume_layout_free_runs: RAM above 1 MiB, page
 * aligned inward, minus every extent, exactly (by hand, and against a
 * page-by-page model on random maps, with RAM also given as touching
 * pieces and extents running across the seams). kj_resume_layout_make: payload and manifest
 * in the smallest free runs that hold them, nothing overlapping anything
 * else or any extent, the whole accepted by kj_segments_check; refusals
 * (restore code larger than the free memory, or than any run). The
 * reserve for the resume kernel's own memory and kjump resume's tables
 * (B's check before it powers off: A's free memory must hold as many of
 * A's pages, with a copy-list entry each): fits exactly, refused a page
 * over, with the numbers, and a reserve larger than all the free memory.
 * kj_resume_layout_plan: B's plan for A's RAM from the memory map is the
 * one make gives for the same sizes.
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

#include "../../lib/kexec.h"
#include "../../lib/memmap.h"
#include "../../lib/page.h"
#include "../../lib/resume_layout.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

typedef unsigned long long ull;

/* A synthetic image; the arrays are owned by the test. */
struct fake {
	struct kj_img img;
	struct kj_img_extent ext[4096];
	struct kj_img_chunk chunk[1024];
	struct kj_img_range mm[64];
};

static struct fake *fake_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->img.fd = -1;
	f->img.complete = true;
	f->img.ext = f->ext;
	f->img.chunk = f->chunk;
	f->img.memmap = f->mm;
	return f;
}

static void fake_ext(struct fake *f, uint64_t pfn, uint64_t npages, uint32_t kind)
{
	assert_true(f->img.next < 4096);
	if (f->img.next) {	/* sorted, disjoint */
		const struct kj_img_extent *p = &f->ext[f->img.next - 1];

		assert_true(p->pfn + p->npages <= pfn);
	}
	f->ext[f->img.next++] = (struct kj_img_extent){ pfn, npages, kind, 0 };
	if (kind == KJ_EXT_DATA)
		f->img.hdr.pages_data += npages;
	else
		f->img.hdr.pages_zero += npages;
}

static __attribute__((unused)) void fake_chunk(struct fake *f, uint32_t csize)
{
	assert_true(f->img.nchunks < 1024);
	f->chunk[f->img.nchunks] = (struct kj_img_chunk){
		.offset = (1ULL << 20) + f->img.nchunks * (64ULL << 20),
		.csize = csize,
		.npages = 1024,
		.first_page = f->img.nchunks * 1024,
	};
	f->img.nchunks++;
}

static void fake_mm(struct fake *f, uint64_t s, uint64_t t, uint32_t type)
{
	f->mm[f->img.nmemmap++] = (struct kj_img_range){ s, t, type, 0 };
	if (type == 1)
		f->img.hdr.ram_bytes += t - s;
}

static void add(struct kj_ranges *rs, uint64_t s, uint64_t t)
{
	struct kj_err e = { 0 };

	assert_int_equal(kj_ranges_add(rs, s, t, KJ_MEM_RAM, &e), 0);
}

/* QEMU with 2 GiB: RAM 0x1000-0x9fc00 and 1 MiB-0x7ffe0000. */
static void qemu_ram(struct kj_ranges *r)
{
	memset(r, 0, sizeof(*r));
	add(r, 0x1000, 0x9fc00);
	add(r, 0x100000, 0x7ffe0000);
}

static void qemu_mm(struct fake *f)
{
	fake_mm(f, 0, 0x1000, 2);
	fake_mm(f, 0x1000, 0x9fc00, 1);
	fake_mm(f, 0x9fc00, 0xa0000, 2);
	fake_mm(f, 0xf0000, 0x100000, 2);
	fake_mm(f, 0x100000, 0x7ffe0000, 1);
	fake_mm(f, 0x7ffe0000, 0x80000000, 2);
	fake_mm(f, 0xb0000000, 0xc0000000, 2);
}

/* --- check_machine ---------------------------------------------------------- */

static void test_check_machine(void **state)
{
	struct fake *f = fake_new();
	struct kj_ranges c;
	struct kj_err e = { 0 };

	qemu_mm(f);
	qemu_ram(&c);
	assert_int_equal(kj_resume_layout_check_machine(&f->img, &c, &e), 0);
	kj_ranges_free(&c);

	/* more RAM here, and RAM listed in other pieces: fine */
	memset(&c, 0, sizeof(c));
	add(&c, 0x1000, 0x9f000);	/* the partial page at 0x9f000 is not A's */
	add(&c, 0x100000, 0x40000000);
	add(&c, 0x40000000, 0x7ffe0000);
	add(&c, 0x100000000ULL, 0x200000000ULL);
	assert_int_equal(kj_resume_layout_check_machine(&f->img, &c, &e), 0);
	kj_ranges_free(&c);

	/* less RAM here */
	memset(&c, 0, sizeof(c));
	add(&c, 0x1000, 0x9fc00);
	add(&c, 0x100000, 0x3ffe0000);
	assert_int_equal(kj_resume_layout_check_machine(&f->img, &c, &e), -1);
	assert_int_equal(e.code, EINVAL);
	assert_non_null(strstr(e.msg, "RAM at 0x100000-0x7ffe0000 that is not RAM here"));
	assert_non_null(strstr(e.msg, "saved: 2047 MiB, here: 1023 MiB"));
	kj_ranges_free(&c);

	/* a hole in the middle */
	memset(&c, 0, sizeof(c));
	add(&c, 0x1000, 0x9fc00);
	add(&c, 0x100000, 0x40000000);
	add(&c, 0x40001000, 0x7ffe0000);
	assert_int_equal(kj_resume_layout_check_machine(&f->img, &c, &e), -1);
	assert_non_null(strstr(e.msg, "0x100000-0x7ffe0000"));
	kj_ranges_free(&c);

	/* the low range missing: named first */
	memset(&c, 0, sizeof(c));
	add(&c, 0x100000, 0x7ffe0000);
	assert_int_equal(kj_resume_layout_check_machine(&f->img, &c, &e), -1);
	assert_non_null(strstr(e.msg, "RAM at 0x1000-0x9f000"));
	kj_ranges_free(&c);

	/* no memory map in the image */
	f->img.nmemmap = 0;
	qemu_ram(&c);
	assert_int_equal(kj_resume_layout_check_machine(&f->img, &c, &e), -1);
	assert_non_null(strstr(e.msg, "no memory map"));
	kj_ranges_free(&c);
	free(f);
}

/* --- free runs ---------------------------------------------------------------- */

static void expect_runs(const struct kj_ranges *r, const uint64_t (*w)[2], size_t n)
{
	if (r->n != n)
		for (size_t i = 0; i < r->n; i++)
			print_message("  run 0x%llx-0x%llx\n", (ull)r->r[i].start,
				      (ull)r->r[i].end);
	assert_int_equal(r->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(r->r[i].start, w[i][0]);
		assert_int_equal(r->r[i].end, w[i][1]);
		assert_int_equal(r->r[i].type, KJ_MEM_RAM);
	}
}

static void test_free_runs_by_hand(void **state)
{
	struct fake *f = fake_new();
	struct kj_ranges c = { 0 }, r;
	struct kj_err e = { 0 };
	static const uint64_t want[][2] = {
		{ 0x100000, 0x200000 },
		{ 0x280000, 0x300000 },
		{ 0x310000, 0x1000000 },
		{ 0x2000000, 0x40000000 },
		{ 0x100001000ULL, 0x17fff0000ULL },
	};

	add(&c, 0x1000, 0x9fc00);
	add(&c, 0x100000, 0x7ffe0000);
	add(&c, 0x100000800ULL, 0x17fff0800ULL);	/* unaligned both ends */
	fake_ext(f, 0x1, 0x9e, KJ_EXT_DATA);		/* all of the low RAM */
	fake_ext(f, 0x200, 0x80, KJ_EXT_DATA);
	fake_ext(f, 0x300, 0x10, KJ_EXT_ZERO);
	fake_ext(f, 0x1000, 0x1000, KJ_EXT_DATA);
	fake_ext(f, 0x40000, 0x3ffe0, KJ_EXT_ZERO);	/* to the end of the range */
	assert_int_equal(kj_resume_layout_free_runs(&f->img, &c, &r, &e), 0);
	expect_runs(&r, want, 5);
	kj_ranges_free(&r);

	/* no extents: all RAM above 1 MiB */
	f->img.next = 0;
	assert_int_equal(kj_resume_layout_free_runs(&f->img, &c, &r, &e), 0);
	{
		static const uint64_t all[][2] = { { 0x100000, 0x7ffe0000 },
						   { 0x100001000ULL, 0x17fff0000ULL } };

		expect_runs(&r, all, 2);
	}
	kj_ranges_free(&r);

	/* an extent from below 1 MiB across it, and one covering a range */
	fake_ext(f, 0x80, 0x100, KJ_EXT_DATA);		/* 0x80000-0x180000 */
	fake_ext(f, 0x100000, 0x7ffff, KJ_EXT_DATA);	/* the whole high range */
	assert_int_equal(kj_resume_layout_free_runs(&f->img, &c, &r, &e), 0);
	{
		static const uint64_t two[][2] = { { 0x180000, 0x7ffe0000 } };

		expect_runs(&r, two, 1);
	}
	kj_ranges_free(&r);
	kj_ranges_free(&c);
	free(f);
}

/* RAM given in touching pieces, with an extent across the seam. */
static void test_free_runs_across_ranges(void **state)
{
	struct fake *f = fake_new();
	struct kj_ranges c = { 0 }, r;
	struct kj_err e = { 0 };
	static const uint64_t want[][2] = {
		{ 0x100000, 0x180000 },
		{ 0x300000, 0x400000 },
	};

	add(&c, 0x100000, 0x200000);
	add(&c, 0x200000, 0x400000);
	fake_ext(f, 0x180, 0x180, KJ_EXT_DATA);		/* 0x180000-0x300000 */
	assert_int_equal(kj_resume_layout_free_runs(&f->img, &c, &r, &e), 0);
	expect_runs(&r, want, 2);
	kj_ranges_free(&r);
	kj_ranges_free(&c);
	free(f);
}

/* Random maps against a page-by-page model, on a 64 MiB grid. */
#define GRID_PAGES 16384

static void test_free_runs_random(void **state)
{
	static uint8_t ram[GRID_PAGES], used[GRID_PAGES], got[GRID_PAGES];
	uint64_t x = 0x243f6a8885a308d3ULL;

	for (int it = 0; it < 400; it++) {
		struct fake *f = fake_new();
		struct kj_ranges c = { 0 }, r;
		struct kj_err e = { 0 };
		uint64_t at = 0;

		memset(ram, 0, sizeof(ram));
		memset(used, 0, sizeof(used));
		memset(got, 0, sizeof(got));
		/* RAM ranges with byte-granular ends and holes */
		while (at < GRID_PAGES * KJ_PAGE_SIZE) {
			uint64_t s, t;

			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			s = at + (x >> 33) % (2 * MiB);
			t = s + 1 + (x >> 11) % (8 * MiB);
			if (t > GRID_PAGES * KJ_PAGE_SIZE)
				t = GRID_PAGES * KJ_PAGE_SIZE;
			if (s >= t)
				break;
			add(&c, s, t);
			for (uint64_t p = (s + KJ_PAGE_SIZE - 1) / KJ_PAGE_SIZE; p < t / KJ_PAGE_SIZE; p++)
				ram[p] = 1;
			at = t + 1 + (x >> 40) % MiB;
		}
		kj_ranges_normalize(&c);
		if (it % 2) {	/* every range in two touching pieces */
			struct kj_ranges split = { 0 };

			for (size_t i = 0; i < c.n; i++) {
				uint64_t s = c.r[i].start, t = c.r[i].end;
				uint64_t mid = kj_align_down(s + (t - s) / 3, KJ_PAGE_SIZE);

				if (mid <= s) {
					add(&split, s, t);
					continue;
				}
				add(&split, s, mid);	/* at a page boundary */
				add(&split, mid, t);
			}
			kj_ranges_free(&c);
			c = split;
		}
		/* extents over RAM pages only, as a save makes them */
		for (uint64_t p = 0; p < GRID_PAGES;) {
			uint64_t n = 0;

			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			if (!ram[p] || (x >> 60) < 6) {
				p++;
				continue;
			}
			while (p + n < GRID_PAGES && ram[p + n] && n < 1 + (x >> 20) % 700)
				n++;
			fake_ext(f, p, n, (x >> 5) & 1 ? KJ_EXT_DATA : KJ_EXT_ZERO);
			for (uint64_t k = 0; k < n; k++)
				used[p + k] = 1;
			p += n + 1;
		}
		assert_int_equal(kj_resume_layout_free_runs(&f->img, &c, &r, &e), 0);
		for (size_t i = 0; i < r.n; i++) {
			assert_true(r.r[i].start < r.r[i].end);
			assert_int_equal(r.r[i].start % KJ_PAGE_SIZE, 0);
			assert_int_equal(r.r[i].end % KJ_PAGE_SIZE, 0);
			if (i)
				assert_true(r.r[i].start >= r.r[i - 1].end);
			for (uint64_t p = r.r[i].start / KJ_PAGE_SIZE; p < r.r[i].end / KJ_PAGE_SIZE; p++) {
				assert_int_equal(got[p], 0);
				got[p] = 1;
			}
		}
		for (uint64_t p = 0; p < GRID_PAGES; p++) {
			int want = ram[p] && !used[p] && p >= MiB / KJ_PAGE_SIZE;

			if (got[p] != want)
				fail_msg("iteration %d: page 0x%llx is %sfree, should %sbe",
					 it, (ull)p, got[p] ? "" : "not ", want ? "" : "not ");
		}
		kj_ranges_free(&r);
		kj_ranges_free(&c);
		free(f);
	}
}

/* --- make ------------------------------------------------------------------ */

/* A's memory on a 2 GiB QEMU: used with holes of various sizes. */
static void qemu_image(struct fake *f)
{
	qemu_mm(f);
	fake_ext(f, 0x1, 0x9e, KJ_EXT_DATA);
	fake_ext(f, 0x100, 0x3f00, KJ_EXT_DATA);		/* 1-64 MiB */
	/* free: 64-200 MiB (136 MiB) */
	fake_ext(f, 0xc800, 0x5000, KJ_EXT_DATA);		/* 200-280 MiB */
	/* free: 280-300 MiB (20 MiB) */
	fake_ext(f, 0x12c00, 0x2c00, KJ_EXT_ZERO);		/* 300-344 MiB */
	/* free: 344-345 MiB (1 MiB) */
	fake_ext(f, 0x15900, 0x52300, KJ_EXT_DATA);		/* 345-1660 MiB */
	/* free: 1660-2047.875 MiB (about 388 MiB) */
}

static bool overlap(uint64_t a, uint64_t al, uint64_t b, uint64_t bl)
{
	return a < b + bl && b < a + al;
}

/* Everything kj_resume_layout_make promises. */
static void check_plan(const struct kj_resume_layout_in *in, const struct kj_resume_layout *p)
{
	const struct kj_img *img = in->img;
	struct kj_ranges runs;
	struct kj_segment seg[2];
	struct kj_err e = { 0 };

	assert_int_equal(kj_resume_layout_free_runs(img, in->c_ram, &runs, &e), 0);
	assert_int_equal(p->free_bytes, kj_ranges_total(&runs, -1));
	assert_int_equal(p->payload_size, kj_align_up(in->payload_bytes, KJ_PAGE_SIZE));
	assert_int_equal(p->manifest_size, kj_align_up(in->manifest_bytes, KJ_PAGE_SIZE));
	seg[0] = (struct kj_segment){ NULL, 0, p->payload_addr, p->payload_size };
	seg[1] = (struct kj_segment){ NULL, 0, p->manifest_addr, p->manifest_size };
	/* both in free memory, above 1 MiB, apart, clear of every extent */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(seg[i].mem % KJ_PAGE_SIZE, 0);
		assert_true(seg[i].mem >= MiB);
		assert_true(kj_ranges_covers(&runs, seg[i].mem, seg[i].mem + seg[i].memsz, -1));
		for (uint64_t x = 0; x < img->next; x++)
			assert_false(overlap(seg[i].mem, seg[i].memsz, img->ext[x].pfn * KJ_PAGE_SIZE,
					     img->ext[x].npages * KJ_PAGE_SIZE));
	}
	assert_false(overlap(seg[0].mem, seg[0].memsz, seg[1].mem, seg[1].memsz));
	if (kj_segments_check(seg, 2, 64 * GiB, &e))
		fail_msg("kj_segments_check: %s", e.msg);
	kj_ranges_free(&runs);
}

static void test_make_best_fit(void **state)
{
	struct fake *f = fake_new();
	struct kj_ranges c;
	struct kj_resume_layout p;
	struct kj_err e = { 0 };
	struct kj_resume_layout_in in;

	qemu_image(f);
	qemu_ram(&c);
	/* the payload takes the run just big enough (20 MiB), the manifest
	 * the 1 MiB one */
	in = (struct kj_resume_layout_in){ &f->img, &c, 20 * MiB, KJ_PAGE_SIZE, 0, 0 };
	if (kj_resume_layout_make(&in, &p, &e))
		fail_msg("kj_resume_layout_make: %s", e.msg);
	check_plan(&in, &p);
	assert_int_equal(p.payload_addr, 280 * MiB);
	assert_int_equal(p.manifest_addr, 344 * MiB);
	kj_ranges_free(&c);
	free(f);
}

/* Pages usable for data: free in A, above 1 MiB, not the segments'. */
static void test_usable(void **state)
{
	struct fake *f = fake_new();
	struct kj_ranges c;
	struct kj_resume_layout p;
	struct kj_err e = { 0 };
	struct kj_resume_layout_in in;
	uint64_t n = 0;

	qemu_image(f);
	qemu_ram(&c);
	in = (struct kj_resume_layout_in){ &f->img, &c, 3 * MiB, 5 * KJ_PAGE_SIZE, 0, 0 };
	assert_int_equal(kj_resume_layout_make(&in, &p, &e), 0);
	check_plan(&in, &p);
	for (uint64_t pa = 0; pa < 2 * GiB; pa += KJ_PAGE_SIZE) {
		int kind = 0;

		if (!kj_ranges_covers(&c, pa, pa + KJ_PAGE_SIZE, -1))
			continue;	/* kjump's own pages are always RAM */
		bool in_seg = overlap(pa, KJ_PAGE_SIZE, p.payload_addr, p.payload_size) ||
			overlap(pa, KJ_PAGE_SIZE, p.manifest_addr, p.manifest_size);

		kj_img_find_page(&f->img, pa / KJ_PAGE_SIZE, &kind, NULL);
		assert_int_equal(kj_resume_layout_usable(&f->img, &p, pa),
				 pa >= MiB && !kind && !in_seg);
		n += kj_resume_layout_usable(&f->img, &p, pa);
	}
	/* every free page but the segments' */
	assert_int_equal(n * KJ_PAGE_SIZE, p.free_bytes - p.payload_size - p.manifest_size);
	assert_false(kj_resume_layout_usable(&f->img, &p, 64 * MiB + 1));	/* unaligned */
	kj_ranges_free(&c);
	free(f);
}

/* In C itself (no reserve: kjump resume finds out by holding memory),
 * only restore code larger than all the free memory is refused here. */
static void test_refuse_does_not_fit(void **state)
{
	struct fake *f = fake_new();
	struct kj_ranges c;
	struct kj_resume_layout p;
	struct kj_err e = { 0 };
	struct kj_resume_layout_in in;

	qemu_image(f);
	qemu_ram(&c);
	/* more than all the free memory (557952 KiB) */
	in = (struct kj_resume_layout_in){ &f->img, &c, 560 * MiB, KJ_PAGE_SIZE, 0, 0 };
	assert_int_equal(kj_resume_layout_make(&in, &p, &e), -1);
	assert_int_equal(e.code, ENOSPC);
	assert_non_null(strstr(e.msg, "the restore code (573444 KiB) does not fit in the "
			       "557952 KiB the saved system does not need here"));
	kj_ranges_free(&c);
	free(f);
}

static void test_refuse_no_room_for_payload(void **state)
{
	struct fake *f = fake_new();
	struct kj_ranges c;
	struct kj_resume_layout p;
	struct kj_err e = { 0 };
	struct kj_resume_layout_in in;

	qemu_image(f);
	qemu_ram(&c);
	/* larger than the largest run (about 388 MiB) */
	in = (struct kj_resume_layout_in){ &f->img, &c, 400 * MiB, KJ_PAGE_SIZE, 0, 0 };
	assert_int_equal(kj_resume_layout_make(&in, &p, &e), -1);
	assert_int_equal(e.code, ENOSPC);
	assert_non_null(strstr(e.msg, "no free run of 409604 KiB"));
	/* the payload fits, the manifest after it does not */
	in.payload_bytes = 380 * MiB;
	in.manifest_bytes = 140 * MiB;
	assert_int_equal(kj_resume_layout_make(&in, &p, &e), -1);
	assert_non_null(strstr(e.msg, "no free run"));
	kj_ranges_free(&c);
	free(f);
}

/* B's check: the free memory must hold the restore code and what the
 * resume kernel and kjump resume keep (reserve + overhead: those pages are
 * either free in A, or push as many of A's pages out of place into A's
 * free memory), plus 1/256 for copy-list entries of the fewer of those
 * and the compressed chunks, and a page of rounding each way. */
static void test_reserve(void **state)
{
	struct fake *f = fake_new();
	struct kj_ranges c;
	struct kj_resume_layout p;
	struct kj_err e = { 0 };
	struct kj_resume_layout_in in;

	qemu_image(f);
	qemu_ram(&c);
	in = (struct kj_resume_layout_in){ &f->img, &c, MiB, KJ_PAGE_SIZE, 0, 0, 0 };
	/* no chunks: fits exactly when reserve, 1028 KiB of restore code and
	 * two pages are all the free 544.875 MiB */
	in.reserve_bytes = 0x21fdd000;
	if (kj_resume_layout_make(&in, &p, &e))
		fail_msg("kj_resume_layout_make: %s", e.msg);
	check_plan(&in, &p);
	assert_int_equal(p.free_bytes, 0x220e0000);
	/* the same split between reserve and kjump's tables */
	in.reserve_bytes = 0x21fdd000 - 16 * MiB;
	in.overhead_bytes = 16 * MiB;
	assert_int_equal(kj_resume_layout_make(&in, &p, &e), 0);
	/* a page more: refused, with the numbers and the shortfall */
	in.overhead_bytes += KJ_PAGE_SIZE;
	assert_int_equal(kj_resume_layout_make(&in, &p, &e), -1);
	assert_int_equal(e.code, ENOSPC);
	assert_non_null(strstr(e.msg, "the saved system leaves 544 MiB of RAM free; the "
			       "resume kernel's own memory (527 MiB, --resume-reserve), "
			       "kjump resume's tables and buffers (16 MiB) and the restore "
			       "code (1028 KiB) need 545 MiB of it (1 MiB short)"));
	/* 1 GiB of chunks: a copy-list entry for each page C keeps away
	 * (fewer than the chunks' pages): 541.75 MiB fit, a page more not */
	in.overhead_bytes = 0;
	in.data_bytes = 1ULL << 30;
	in.reserve_bytes = 0x21dbf000;
	assert_int_equal(kj_resume_layout_make(&in, &p, &e), 0);
	in.reserve_bytes += KJ_PAGE_SIZE;
	assert_int_equal(kj_resume_layout_make(&in, &p, &e), -1);
	/* and few chunks take few entries: 32 MiB add 32 pages at most */
	in.data_bytes = 32 * MiB;
	in.reserve_bytes = 0x21fdd000 - 32 * KJ_PAGE_SIZE;
	assert_int_equal(kj_resume_layout_make(&in, &p, &e), 0);
	/* no reserve: C itself, which finds out by holding memory */
	in.reserve_bytes = in.overhead_bytes = in.data_bytes = 0;
	assert_int_equal(kj_resume_layout_make(&in, &p, &e), 0);
	/* a reserve larger than all the free memory: refused, no wrap-around */
	in.reserve_bytes = 4 * GiB;
	assert_int_equal(kj_resume_layout_make(&in, &p, &e), -1);
	assert_non_null(strstr(e.msg, "(4096 MiB, --resume-reserve)"));
	assert_non_null(strstr(e.msg, "need 4098 MiB of it (3553 MiB short)"));
	/* the default: 224 MiB and 1/64 of the saved RAM */
	assert_int_equal(kj_resume_reserve_default(GiB), 240 * MiB);
	assert_int_equal(kj_resume_reserve_default(6 * GiB), 320 * MiB);
	assert_int_equal(kj_resume_reserve_default(0), 224 * MiB);
	kj_ranges_free(&c);
	free(f);
}

/* kjump resume's chunk threads: one per CPU, at most 8, within 64 MiB of
 * buffers, at least one; and its overhead counts them. */
static void test_check_threads(void **state)
{
	struct fake *f = fake_new();

	f->img.hdr.chunk_pages = 1024;	/* 9 MiB of buffers a thread */
	assert_int_equal(kj_resume_check_threads(&f->img, 2), 2);
	assert_int_equal(kj_resume_check_threads(&f->img, 0), 1);
	assert_int_equal(kj_resume_check_threads(&f->img, 64), 7);
	assert_int_equal(kj_resume_check_buffers(&f->img, 2), 18 * MiB);
	f->img.hdr.chunk_pages = 16384;	/* 129 MiB a thread: still one */
	assert_int_equal(kj_resume_check_threads(&f->img, 4), 1);
	f->img.hdr.chunk_pages = 256;
	assert_int_equal(kj_resume_check_threads(&f->img, 64), 8);
	f->img.hdr.chunk_pages = 1024;
	f->img.hdr.pages_data = 1000;
	f->img.nchunks = 1;
	/* 1 GiB of RAM: 4 MiB of page table, 8000 + 4 bytes, buffers, 1 MiB */
	assert_int_equal(kj_resume_overhead(&f->img, GiB, 2),
			 4 * MiB + 8192 + 18 * MiB + MiB);
	free(f);
}

/* B plans for A's RAM from the image's memory map; the plan is make's for
 * the sizes kj_resume_layout_sizes gives. */
static void test_plan_from_saved_ram(void **state)
{
	struct fake *f = fake_new();
	struct kj_ranges ram, c, maps, maps2;
	struct kj_resume_sizes sz, sz2;
	struct kj_resume_layout p, q;
	struct kj_err e = { 0 };

	qemu_image(f);
	f->img.hdr.chunk_pages = 1024;
	for (int i = 0; i < 10; i++)
		fake_chunk(f, 3 * MiB + 1);	/* 769 pages each */
	assert_int_equal(kj_resume_layout_saved_ram(&f->img, &ram, &e), 0);
	qemu_ram(&c);
	assert_int_equal(ram.n, c.n);
	for (size_t i = 0; i < c.n; i++) {
		assert_int_equal(ram.r[i].start, c.r[i].start);
		assert_int_equal(ram.r[i].end, kj_align_down(c.r[i].end, KJ_PAGE_SIZE));
	}
	if (kj_resume_layout_plan(&f->img, &ram, 2 * MiB, 100 * MiB, &maps, &sz, &p, &e))
		fail_msg("kj_resume_layout_plan: %s", e.msg);
	assert_int_equal(sz.data_pages, 10 * 769);
	assert_true(sz.payload_bytes > 2 * MiB + sz.pgt + sz.scratch + sz.cin);
	assert_int_equal(kj_resume_layout_map_ranges(&f->img, &ram, &maps2, &e), 0);
	kj_resume_layout_sizes(&f->img, &maps2, 2 * MiB, &sz2);
	assert_memory_equal(&sz, &sz2, sizeof(sz));
	struct kj_resume_layout_in in = { &f->img, &ram, sz.payload_bytes, sz.manifest_bytes,
					  100 * MiB, sz.overhead, sz.data_pages * KJ_PAGE_SIZE };
	assert_int_equal(kj_resume_layout_make(&in, &q, &e), 0);
	assert_memory_equal(&p, &q, sizeof(p));
	/* room for copies: a page list for every page, 1024 a chunk, and
	 * their copy list; the rest as before */
	kj_ranges_free(&maps);
	struct kj_resume_sizes sz3;
	struct kj_resume_layout r;
	if (kj_resume_layout_plan_for_copies(&f->img, &ram, 2 * MiB, &maps, &sz3, &r, &e))
		fail_msg("kj_resume_layout_plan_for_copies: %s", e.msg);
	assert_int_equal(sz3.max_spares, 10 * 1024 + 40 + 1);
	assert_int_equal(sz3.manifest_bytes - sz2.manifest_bytes,
			 (sz3.max_spares - sz2.max_spares) * 8);
	assert_int_equal(sz3.data_pages, sz2.data_pages);
	assert_int_equal(r.manifest_size, kj_align_up(sz3.manifest_bytes, KJ_PAGE_SIZE));
	/* more reserve than is left: the plan fails the same way */
	kj_ranges_free(&maps);
	assert_int_equal(kj_resume_layout_plan(&f->img, &ram, 2 * MiB, 540 * MiB, &maps, &sz,
					       &p, &e), -1);
	assert_non_null(strstr(e.msg, "(540 MiB, --resume-reserve)"));
	/* an image with no RAM in its memory map cannot be planned for */
	f->img.nmemmap = 0;
	kj_ranges_free(&ram);
	assert_int_equal(kj_resume_layout_saved_ram(&f->img, &ram, &e), -1);
	kj_ranges_free(&maps);
	kj_ranges_free(&maps2);
	kj_ranges_free(&c);
	kj_ranges_free(&ram);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_machine),
		cmocka_unit_test(test_free_runs_by_hand),
		cmocka_unit_test(test_free_runs_across_ranges),
		cmocka_unit_test(test_free_runs_random),
		cmocka_unit_test(test_make_best_fit),
		cmocka_unit_test(test_usable),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_check_threads),
		cmocka_unit_test(test_plan_from_saved_ram),
		cmocka_unit_test(test_refuse_does_not_fit),
		cmocka_unit_test(test_refuse_no_room_for_payload),
	};

	return cmocka_run_group_tests_name("resume_layout", tests, NULL, NULL);
}
