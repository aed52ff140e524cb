// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/resume_placement.c, the accounts of the pages kjump
 * resume holds, on a synthetic image over 64 MiB of RAM: A's data in
 * 2-34 MiB (8 chunks of 1024 pages), zeros in 34-36 MiB, the restore
 * code's segments at 40 MiB.
 *
 * What a held page is (spare, destination with its stream index, of no
 * use: under 1 MiB, a zero page, a segment's, unaligned); how a chunk is
 * staged as its frames are held (compressed, then copied once its missing
 * pages and their copy-list entries take fewer pages than its frame, then
 * in place), at the exact boundary; and, against a recount from scratch
 * after every page held in random order, on random frame sizes, that the
 * running accounts are right and that with all but K pages of RAM held
 * the spare pages needed are at most K and their copy list: the promise
 * that any image fitting beside the resume kernel resumes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../lib/page.h"
#include "../../lib/resume_placement.h"

#define MiB (1ULL << 20)
#define RAM_PAGES (64 * MiB / KJ_PAGE_SIZE)
#define DATA_PFN (2 * MiB / KJ_PAGE_SIZE)
#define DATA_PAGES (32 * MiB / KJ_PAGE_SIZE)
#define ZERO_PFN (34 * MiB / KJ_PAGE_SIZE)
#define NCHUNKS 8

struct fake {
	struct kj_img img;
	struct kj_img_extent ext[2];
	uint64_t ext_first[2];
	struct kj_img_chunk chunk[NCHUNKS];
	struct kj_resume_layout layout;
};

static struct fake *fake_new(const uint32_t *csize)
{
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->img.fd = -1;
	f->img.complete = true;
	f->ext[0] = (struct kj_img_extent){ DATA_PFN, DATA_PAGES, KJ_EXT_DATA, 0 };
	f->ext[1] = (struct kj_img_extent){ ZERO_PFN, 512, KJ_EXT_ZERO, 0 };
	f->ext_first[0] = 0;
	f->ext_first[1] = DATA_PAGES;
	f->img.ext = f->ext;
	f->img.ext_first = f->ext_first;
	f->img.next = 2;
	for (int c = 0; c < NCHUNKS; c++)
		f->chunk[c] = (struct kj_img_chunk){ .offset = MiB + c * 8 * MiB,
						     .csize = csize[c], .npages = 1024,
						     .first_page = c * 1024ULL };
	f->img.chunk = f->chunk;
	f->img.nchunks = NCHUNKS;
	f->img.hdr.chunk_pages = 1024;
	f->img.hdr.pages_data = DATA_PAGES;
	f->img.hdr.pages_zero = 512;
	f->layout = (struct kj_resume_layout){ .payload_addr = 40 * MiB,
					       .payload_size = MiB,
					       .manifest_addr = 41 * MiB,
					       .manifest_size = 4 * KJ_PAGE_SIZE };
	return f;
}

static uint64_t frame_pages(uint32_t csize)
{
	return (csize + KJ_PAGE_SIZE - 1) / KJ_PAGE_SIZE;
}

static void test_what_a_page_is(void **state)
{
	uint32_t cs[NCHUNKS] = { 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096 };
	struct fake *f = fake_new(cs);
	struct kj_resume_placement p;
	struct kj_err e = { 0 };
	uint64_t s = 99;

	assert_int_equal(kj_resume_placement_init(&p, &f->img, &f->layout, &e), 0);
	assert_int_equal(kj_resume_placement_needed(&p), NCHUNKS);	/* a page each */
	assert_false(kj_resume_placement_enough(&p));
	/* free in A, above 1 MiB, outside the segments: spare */
	assert_int_equal(kj_resume_placement_hold(&p, 36 * MiB, &s), KJ_HELD_SPARE);
	assert_int_equal(kj_resume_placement_hold(&p, MiB, &s), KJ_HELD_SPARE);
	/* of no use: under 1 MiB, a zero page, the segments', unaligned */
	assert_int_equal(kj_resume_placement_hold(&p, MiB - KJ_PAGE_SIZE, &s), KJ_HELD_UNUSED);
	assert_int_equal(kj_resume_placement_hold(&p, 34 * MiB, &s), KJ_HELD_UNUSED);
	assert_int_equal(kj_resume_placement_hold(&p, 40 * MiB + 8192, &s), KJ_HELD_UNUSED);
	assert_int_equal(kj_resume_placement_hold(&p, 41 * MiB, &s), KJ_HELD_UNUSED);
	assert_int_equal(kj_resume_placement_hold(&p, 3 * MiB + 8, &s), KJ_HELD_UNUSED);
	assert_int_equal(s, 99);
	assert_int_equal(p.spare, 2);
	assert_int_equal(p.unused, 5);
	/* A's page: a destination, with its place in the stream */
	assert_int_equal(kj_resume_placement_hold(&p, 2 * MiB + 5 * KJ_PAGE_SIZE, &s),
			 KJ_HELD_DESTINATION);
	assert_int_equal(s, 5);
	assert_int_equal(kj_resume_placement_hold(&p, 34 * MiB - KJ_PAGE_SIZE, &s),
			 KJ_HELD_DESTINATION);
	assert_int_equal(s, DATA_PAGES - 1);
	assert_int_equal(p.in_place, 2);
	assert_int_equal(p.missing[0], 1023);
	assert_int_equal(p.missing[7], 1023);
	/* one frame page a chunk still: compressed, and nothing copied */
	assert_int_equal(kj_resume_placement_staging(&p, 0), KJ_CHUNK_COMPRESSED);
	assert_int_equal(kj_resume_placement_needed(&p), NCHUNKS);
	assert_int_equal(p.copied, 0);
	kj_resume_placement_free(&p);
	free(f);
}

/* An incompressible chunk: its frame is 1025 pages. */
static void test_staging_as_frames_are_held(void **state)
{
	uint32_t cs[NCHUNKS] = { 1025 * 4096 - 100, 4096, 4096, 4096, 4096, 4096, 4096, 4096 };
	struct fake *f = fake_new(cs);
	struct kj_resume_placement p;
	struct kj_err e = { 0 };
	uint64_t s;

	assert_int_equal(kj_resume_placement_init(&p, &f->img, &f->layout, &e), 0);
	assert_int_equal(kj_resume_placement_staging(&p, 0), KJ_CHUNK_COMPRESSED);
	assert_int_equal(kj_resume_placement_chunk_spares(&p, 0), 1025);
	/* 1024 missing pages and 4 of copy list would be 1028 pages: the
	 * frame (1025) stays cheaper until 257 * missing < 256 * 1025,
	 * that is missing <= 1021 */
	for (int i = 0; i < 2; i++)
		kj_resume_placement_hold(&p, (DATA_PFN + i) * KJ_PAGE_SIZE, &s);
	assert_int_equal(p.missing[0], 1022);
	assert_int_equal(kj_resume_placement_staging(&p, 0), KJ_CHUNK_COMPRESSED);
	kj_resume_placement_hold(&p, (DATA_PFN + 2) * KJ_PAGE_SIZE, &s);
	assert_int_equal(p.missing[0], 1021);
	assert_int_equal(kj_resume_placement_staging(&p, 0), KJ_CHUNK_COPIED);
	assert_int_equal(kj_resume_placement_chunk_spares(&p, 0), 1021);
	assert_int_equal(p.copied, 1021);
	assert_int_equal(kj_resume_placement_list_pages(&p), 4);	/* 1021 * 16 bytes */
	assert_int_equal(kj_resume_placement_needed(&p), 1021 + 7 + 4);
	/* all its frames held: in place, costs nothing */
	for (int i = 3; i < 1024; i++)
		kj_resume_placement_hold(&p, (DATA_PFN + i) * KJ_PAGE_SIZE, &s);
	assert_int_equal(kj_resume_placement_staging(&p, 0), KJ_CHUNK_IN_PLACE);
	assert_int_equal(kj_resume_placement_chunk_spares(&p, 0), 0);
	assert_int_equal(p.copied, 0);
	assert_int_equal(kj_resume_placement_needed(&p), 7);
	/* 7 spare pages are enough, 6 are not */
	for (int i = 0; i < 6; i++)
		kj_resume_placement_hold(&p, 50 * MiB + i * KJ_PAGE_SIZE, &s);
	assert_false(kj_resume_placement_enough(&p));
	kj_resume_placement_hold(&p, 60 * MiB, &s);
	assert_true(kj_resume_placement_enough(&p));
	kj_resume_placement_free(&p);
	free(f);
}

/* A recount from scratch of what the running accounts say. */
static void recount(const struct fake *f, const struct kj_resume_placement *p,
		    const uint8_t *held)
{
	uint64_t cost = 0, copied = 0;

	for (int c = 0; c < NCHUNKS; c++) {
		uint64_t missing = 0, frame = frame_pages(f->chunk[c].csize);

		for (uint64_t k = 0; k < 1024; k++)
			missing += !held[DATA_PFN + c * 1024 + k];
		assert_int_equal(p->missing[c], missing);
		if (missing == 0)
			continue;
		if (missing * 257 < frame * 256) {
			cost += missing;
			copied += missing;
		} else {
			cost += frame;
		}
	}
	assert_int_equal(p->chunk_cost, cost);
	assert_int_equal(p->copied, copied);
	assert_int_equal(kj_resume_placement_needed(p),
			 cost + (copied * 16 + KJ_PAGE_SIZE - 1) / KJ_PAGE_SIZE);
}

/* Preferring copies: every chunk not in place is staged page by page,
 * whatever its frame; off again, back to the cheaper staging. */
static void test_prefer_copies(void **state)
{
	uint32_t cs[NCHUNKS] = { 1025 * 4096 - 100, 4096, 4096, 4096, 4096, 4096, 4096, 4096 };
	struct fake *f = fake_new(cs);
	struct kj_resume_placement p;
	struct kj_err e = { 0 };
	uint64_t s, off;

	(void)state;
	assert_int_equal(kj_resume_placement_init(&p, &f->img, &f->layout, &e), 0);
	off = kj_resume_placement_needed(&p);
	assert_int_equal(off, 1025 + 7);
	/* 8 chunks of 1024 pages, 8192 entries of copy list in 32 pages */
	assert_int_equal(kj_resume_placement_all_copied(&p), 8 * 1024 + 32);
	kj_resume_placement_prefer_copies(&p, true);
	for (uint64_t c = 0; c < NCHUNKS; c++) {
		assert_int_equal(kj_resume_placement_staging(&p, c), KJ_CHUNK_COPIED);
		assert_int_equal(kj_resume_placement_chunk_spares(&p, c), 1024);
	}
	assert_int_equal(p.copied, 8 * 1024);
	assert_int_equal(kj_resume_placement_needed(&p), kj_resume_placement_all_copied(&p));
	/* a page in place: one page and one entry fewer, staging unchanged */
	kj_resume_placement_hold(&p, (DATA_PFN + 1024 + 5) * KJ_PAGE_SIZE, &s);
	assert_int_equal(s, 1024 + 5);
	assert_int_equal(p.copied, 8 * 1024 - 1);
	assert_int_equal(kj_resume_placement_chunk_spares(&p, 1), 1023);
	assert_int_equal(kj_resume_placement_needed(&p), 8 * 1024 - 1 + 32);
	/* a chunk wholly in place needs nothing either way */
	for (int i = 0; i < 1024; i++)
		kj_resume_placement_hold(&p, (DATA_PFN + 7 * 1024 + i) * KJ_PAGE_SIZE, &s);
	assert_int_equal(kj_resume_placement_staging(&p, 7), KJ_CHUNK_IN_PLACE);
	/* off: never more than on */
	kj_resume_placement_prefer_copies(&p, false);
	assert_int_equal(kj_resume_placement_staging(&p, 0), KJ_CHUNK_COMPRESSED);
	assert_int_equal(kj_resume_placement_staging(&p, 1), KJ_CHUNK_COMPRESSED);
	assert_int_equal(kj_resume_placement_staging(&p, 7), KJ_CHUNK_IN_PLACE);
	assert_int_equal(p.copied, 0);
	assert_int_equal(kj_resume_placement_needed(&p), 1025 + 6);
	kj_resume_placement_free(&p);
	free(f);
}

static void test_random_against_recount(void **state)
{
	uint32_t *order = malloc(RAM_PAGES * sizeof(*order));
	uint8_t *held = malloc(RAM_PAGES);

	assert_non_null(order);
	assert_non_null(held);
	srandom(4242);
	for (int round = 0; round < 6; round++) {
		uint32_t cs[NCHUNKS];
		struct kj_resume_placement p;
		struct kj_err e = { 0 };
		struct fake *f;
		uint64_t kept = (uint64_t)random() % 3000, kept_data = 0;

		for (int c = 0; c < NCHUNKS; c++)	/* 1 byte to a bit over 4 MiB */
			cs[c] = 1 + (uint32_t)random() % (1024 * 4096 + 4096);
		f = fake_new(cs);
		assert_int_equal(kj_resume_placement_init(&p, &f->img, &f->layout, &e), 0);
		memset(held, 0, RAM_PAGES);
		for (uint32_t i = 0; i < RAM_PAGES; i++)
			order[i] = i;
		for (uint32_t i = RAM_PAGES - 1; i > 0; i--) {
			uint32_t j = (uint32_t)random() % (i + 1), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		/* the first `kept` pages in the order stay the resume kernel's */
		for (uint64_t i = 0; i < kept; i++)
			kept_data += order[i] >= DATA_PFN && order[i] < DATA_PFN + DATA_PAGES;
		for (uint64_t i = kept; i < RAM_PAGES; i++) {
			uint64_t s = UINT64_MAX;
			enum kj_held_page what = kj_resume_placement_hold(&p, order[i] * KJ_PAGE_SIZE,
									  &s);
			bool dest = order[i] >= DATA_PFN && order[i] < DATA_PFN + DATA_PAGES;

			assert_int_equal(what == KJ_HELD_DESTINATION, dest);
			if (dest) {
				assert_int_equal(s, order[i] - DATA_PFN);
				held[order[i]] = 1;
			}
			if (i % 509 == 0)
				recount(f, &p, held);
		}
		recount(f, &p, held);
		assert_int_equal(p.in_place + kept_data, DATA_PAGES);
		assert_int_equal(p.spare + p.in_place + p.unused, RAM_PAGES - kept);
		/* the promise: what is not in place is among the kept pages */
		assert_true(kj_resume_placement_needed(&p) <= kept_data + kept_data / 256 + 1);
		kj_resume_placement_free(&p);
		free(f);
	}
	free(order);
	free(held);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_what_a_page_is),
		cmocka_unit_test(test_staging_as_frames_are_held),
		cmocka_unit_test(test_prefer_copies),
		cmocka_unit_test(test_random_against_recount),
	};

	return cmocka_run_group_tests_name("resume_placement", tests, NULL, NULL);
}
