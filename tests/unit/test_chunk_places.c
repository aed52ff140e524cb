// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for fixed places (lib/chunk_places.c) and the writer's
 * incremental saves: which spans own a place; an image with fixed places
 * is one every reader accepts and reads back page for page (export's
 * view of A's memory included), its chunks
 * ending with their spans; a second save of the same memory with a few
 * pages changed writes only the chunks of those spans and keeps the
 * others where they were; a kept chunk damaged on the target, an index
 * that changed, other places, a failed save or a sealed image keep
 * nothing, and the image is right in every case.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/a_memory.h"
#include "../../lib/chunk_places.h"
#include "../../lib/image.h"

#define PAGE 4096u
#define CP 16u				/* pages per chunk: small, so many spans */
#define TARGET (64ull << 20)		/* target size in the tests */

/* A's RAM in the tests: two ranges with a hole, the first not span-aligned. */
static const struct kj_img_range ram[] = {
	{ 0x3000, 0x9f000, 1, 0 },		/* pfns 3..0x9e */
	{ 0x100000, 0x180000, 1, 0 },		/* pfns 0x100..0x17f */
};
#define NRAM (sizeof(ram) / sizeof(ram[0]))

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A's memory: a page per RAM pfn (content, or NULL: left out as free),
 * some zero, some random, some patterned. */
struct memory {
	uint64_t n;
	uint64_t *pfn;
	uint8_t *page;		/* n pages */
	bool *free_page;
};

static void random_page(uint8_t *p)
{
	for (unsigned i = 0; i < PAGE; i += 8) {
		uint64_t w = rnd();

		memcpy(p + i, &w, 8);
	}
}

static void make_memory(struct memory *m)
{
	m->n = 0;
	for (size_t r = 0; r < NRAM; r++)
		m->n += (ram[r].end - ram[r].start) / PAGE;
	m->pfn = calloc(m->n, sizeof(*m->pfn));
	m->page = calloc(m->n, PAGE);
	m->free_page = calloc(m->n, sizeof(*m->free_page));
	assert_non_null(m->pfn);
	assert_non_null(m->page);
	assert_non_null(m->free_page);
	for (uint64_t i = 0, k = 0; k < NRAM; k++)
		for (uint64_t pa = ram[k].start; pa < ram[k].end; pa += PAGE, i++) {
			uint8_t *p = m->page + i * PAGE;

			m->pfn[i] = pa / PAGE;
			switch (rnd() % 5) {
			case 0:
				break;			/* zero */
			case 1:
				m->free_page[i] = true;	/* left out */
				break;
			case 2:
				memset(p, (int)(pa >> 12), PAGE);
				break;
			default:
				random_page(p);
			}
		}
}

static void free_memory(struct memory *m)
{
	free(m->pfn);
	free(m->page);
	free(m->free_page);
}

static int tmp_fd(void)
{
	char path[] = "/tmp/kjump-test-places-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(ftruncate(fd, (off_t)TARGET), 0);
	return fd;
}

static struct kj_img_writer_opts opts(const struct kj_chunk_places *p,
				      struct kj_chunk_memory *mem)
{
	return (struct kj_img_writer_opts){
		.threads = 2, .chunk_pages = CP, .kind = KJ_IMG_SNAPSHOT,
		.release = "6.12.0-test", .machine = "x86_64",
		.jump_back_entry = 0x1234000, .ram_bytes = 1ull << 30,
		.places = p, .memory = mem,
	};
}

static int save(int fd, const struct kj_img_writer_opts *o, const struct memory *m,
		struct kj_img_stats *st, struct kj_err *e)
{
	struct kj_img_writer *w;

	if (kj_img_writer_open(&w, fd, TARGET, o, e))
		return -1;
	/* two pages in three added mapped (they stay put: B's mapping of A),
	 * the rest copied: chunks of both, digested where the pages lie */
	for (uint64_t i = 0; i < m->n; i++)
		if (!m->free_page[i] &&
		    (i % 3 ? kj_img_writer_add_mapped : kj_img_writer_add)(w, m->pfn[i],
									m->page + i * PAGE, e)) {
			kj_img_writer_abort(w);
			return -1;
		}
	if (kj_img_writer_set_memmap(w, ram, NRAM, e)) {
		kj_img_writer_abort(w);
		return -1;
	}
	kj_img_writer_set_counts(w, m->n, 0, 0);
	return kj_img_writer_finish(w, st, e);
}

/* The image on fd holds exactly m, and every chunk of it lies in the
 * place of its pages' span, within one span. */
static void check_image(int fd, const struct memory *m, const struct kj_chunk_places *p)
{
	struct kj_img img;
	struct kj_err e = { 0 };
	uint8_t *buf = malloc(CP * PAGE);
	uint64_t bad = 0;

	assert_non_null(buf);
	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	if (!img.complete)
		fail_msg("image not complete: %s", img.problem);
	assert_int_equal(kj_img_verify(&img, NULL, NULL, &bad, &e), 0);
	for (uint64_t c = 0; c < img.nchunks; c++) {
		uint64_t first, last, place;

		assert_int_equal(kj_img_stream_pfn(&img, img.chunk[c].first_page, &first), 0);
		assert_int_equal(kj_img_stream_pfn(&img, img.chunk[c].first_page +
						   img.chunk[c].npages - 1, &last), 0);
		assert_int_equal(first / CP, last / CP);
		assert_true(kj_chunk_places_place_of(p, first, &place));
		assert_int_equal(img.chunk[c].offset,
				 KJ_IMG_DATA_OFFSET + place * p->place_bytes);
		assert_int_equal(kj_img_chunk_of(&img, img.chunk[c].first_page), c);
		assert_int_equal(kj_img_chunk_of(&img, img.chunk[c].first_page +
						 img.chunk[c].npages - 1), c);
	}
	for (uint64_t i = 0; i < m->n; i++) {
		int kind;
		uint64_t s;
		const uint8_t *want = m->page + i * PAGE;

		assert_int_equal(kj_img_find_page(&img, m->pfn[i], &kind, &s), 0);
		if (m->free_page[i]) {
			assert_int_equal(kind, 0);
			continue;
		}
		if (kind == KJ_EXT_ZERO) {
			assert_true(kj_img_page_is_zero(want));
			continue;
		}
		assert_int_equal(kind, KJ_EXT_DATA);
		uint64_t c = kj_img_chunk_of(&img, s);

		assert_true(c < img.nchunks);
		assert_int_equal(kj_img_read_chunk(&img, c, buf, &e), 0);
		assert_memory_equal(buf + (s - img.chunk[c].first_page) * PAGE, want, PAGE);
	}
	assert_true(kj_img_held_bytes(&img) < img.hdr.target_min_size);

	/* as export sees A's memory (lib/a_memory_from_image.c), from the
	 * top down, so that its one-chunk cache is of no help */
	struct kj_a_from_image am;

	assert_int_equal(kj_a_from_image_init(&am, &img, &e), 0);
	for (uint64_t i = m->n; i-- > 0;) {
		bool present;

		assert_int_equal(kj_a_from_image_page(&am, m->pfn[i], buf, &present, &e), 0);
		assert_int_equal(present, !m->free_page[i]);
		if (present)
			assert_memory_equal(buf, m->page + i * PAGE, PAGE);
	}
	kj_a_from_image_free(&am);
	kj_img_close(&img);
	free(buf);
}

static void test_places(void **state)
{
	struct kj_chunk_places p;
	struct kj_err e = { 0 };
	uint64_t place;
	/* overlapping, unsorted, a range inside another's span */
	const struct kj_img_range r[] = {
		{ 0x100000, 0x180000, 1, 0 }, { 0x3000, 0x9f000, 1, 0 },
		{ 0x9f000, 0xa0000, 1, 0 }, { 0x1000, 0x2000, 1, 0 },
		{ 0x200800, 0x201000, 1, 0 },	/* not one whole page: no span */
	};

	(void)state;
	assert_int_equal(kj_chunk_places_init(&p, r, 5, CP, &e), 0);
	/* pfns 1..0x9f are spans 0..9; 0x100..0x17f are spans 16..23 */
	assert_int_equal(p.nruns, 2);
	assert_int_equal(p.nplaces, 10 + 8);
	assert_int_equal(p.place_bytes, kj_img_chunk_disk_bound(CP));
	assert_int_equal(kj_chunk_places_bytes(&p), 18 * p.place_bytes);
	assert_true(kj_chunk_places_place_of(&p, 0, &place));
	assert_int_equal(place, 0);
	assert_true(kj_chunk_places_place_of(&p, 0x9f, &place));
	assert_int_equal(place, 9);
	assert_false(kj_chunk_places_place_of(&p, 0xa0, &place));
	assert_false(kj_chunk_places_place_of(&p, 0xff, &place));
	assert_true(kj_chunk_places_place_of(&p, 0x100, &place));
	assert_int_equal(place, 10);
	assert_true(kj_chunk_places_place_of(&p, 0x17f, &place));
	assert_int_equal(place, 17);
	assert_false(kj_chunk_places_place_of(&p, 0x180, &place));
	assert_false(kj_chunk_places_place_of(&p, 0x200, &place));

	/* the same RAM in another order: the same geometry; other RAM: not */
	struct kj_chunk_places q;
	const struct kj_img_range r2[] = { r[1], r[0], r[3], r[2] };

	assert_int_equal(kj_chunk_places_init(&q, r2, 4, CP, &e), 0);
	assert_int_equal(q.geometry, p.geometry);
	kj_chunk_places_free(&q);
	assert_int_equal(kj_chunk_places_init(&q, r, 1, CP, &e), 0);
	assert_int_not_equal(q.geometry, p.geometry);
	kj_chunk_places_free(&q);
	assert_int_equal(kj_chunk_places_init(&q, r, 5, CP * 2, &e), 0);
	assert_int_not_equal(q.geometry, p.geometry);
	kj_chunk_places_free(&q);
	assert_int_equal(kj_chunk_places_init(&q, r, 5, KJ_IMG_MAX_CHUNK_PAGES + 1, &e), -1);
	kj_chunk_places_free(&p);
}

/* Spans whose chunk the change of page i touches. */
static void change_page(struct memory *m, uint64_t i)
{
	m->free_page[i] = false;
	random_page(m->page + i * PAGE);
}

/* Where chunk c of the image on fd is, and its index. */
static uint64_t chunk_offset(int fd, uint64_t c)
{
	struct kj_img img;
	struct kj_err e = { 0 };
	uint64_t at;

	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	assert_true(img.complete && c < img.nchunks);
	at = img.chunk[c].offset;
	kj_img_close(&img);
	return at;
}

static uint64_t index_offset(int fd)
{
	struct kj_img img;
	struct kj_err e = { 0 };
	uint64_t at;

	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	at = img.hdr.index_offset;
	kj_img_close(&img);
	return at;
}

/* Change one bit of the target at `at`, behind the writer's back. */
static void flip_bit(int fd, uint64_t at)
{
	uint8_t byte;

	assert_int_equal(pread(fd, &byte, 1, (off_t)at), 1);
	byte ^= 0x40;
	assert_int_equal(pwrite(fd, &byte, 1, (off_t)at), 1);
}

static void test_incremental(void **state)
{
	struct kj_chunk_places p;
	struct kj_chunk_memory mem = { 0 };
	struct kj_img_stats st;
	struct kj_err e = { 0 };
	struct memory m;
	int fd = tmp_fd();

	(void)state;
	make_memory(&m);
	assert_int_equal(kj_chunk_places_init(&p, ram, NRAM, CP, &e), 0);
	struct kj_img_writer_opts o = opts(&p, &mem);

	/* the first save: every chunk written, the memory filled */
	if (save(fd, &o, &m, &st, &e))
		fail_msg("first save: %s", e.msg);
	assert_true(st.places);
	assert_int_equal(st.chunks_kept, 0);
	assert_string_equal(st.memory_note, "no earlier save of this B to this target");
	assert_non_null(mem.record);
	assert_int_equal(mem.nplaces, p.nplaces);
	uint64_t chunks = st.chunks;
	assert_true(chunks > 10);
	check_image(fd, &m, &p);

	/* the same memory again: everything kept */
	if (save(fd, &o, &m, &st, &e))
		fail_msg("second save: %s", e.msg);
	assert_int_equal(st.chunks, chunks);
	assert_int_equal(st.chunks_kept, chunks);
	assert_string_equal(st.memory_note, "");
	check_image(fd, &m, &p);

	/* three pages in three spans change (one was free): three chunks
	 * written, the others kept */
	change_page(&m, 5);		/* pfn 8, span 0 */
	change_page(&m, 40);		/* pfn 43, span 2 */
	change_page(&m, 160);		/* pfn 0x100 + 4, span 16 */
	if (save(fd, &o, &m, &st, &e))
		fail_msg("third save: %s", e.msg);
	assert_int_equal(st.chunks_kept, st.chunks - 3);
	check_image(fd, &m, &p);

	/* a kept chunk damaged on the target is written again */
	flip_bit(fd, chunk_offset(fd, 3) + 100);
	if (save(fd, &o, &m, &st, &e))
		fail_msg("save over a damaged chunk: %s", e.msg);
	assert_int_equal(st.chunks_kept, st.chunks - 1);
	check_image(fd, &m, &p);

	/* another image's index in its place: nothing kept */
	flip_bit(fd, index_offset(fd) + 8);
	if (save(fd, &o, &m, &st, &e))
		fail_msg("save over a changed index: %s", e.msg);
	assert_int_equal(st.chunks_kept, 0);
	assert_non_null(strstr(st.memory_note, "no longer holds the last save's index"));
	check_image(fd, &m, &p);

	/* other places (A's memory map changed): nothing kept */
	{
		struct kj_chunk_places q;
		const struct kj_img_range r2[] = { ram[0], { 0x100000, 0x1c0000, 1, 0 } };

		assert_int_equal(kj_chunk_places_init(&q, r2, 2, CP, &e), 0);
		struct kj_img_writer_opts o2 = opts(&q, &mem);

		if (save(fd, &o2, &m, &st, &e))
			fail_msg("save with other places: %s", e.msg);
		assert_int_equal(st.chunks_kept, 0);
		assert_non_null(strstr(st.memory_note, "memory map"));
		check_image(fd, &m, &q);
		kj_chunk_places_free(&q);
	}
	/* back to the first places: the memory is the other places' now */
	if (save(fd, &o, &m, &st, &e))
		fail_msg("save back: %s", e.msg);
	assert_int_equal(st.chunks_kept, 0);
	if (save(fd, &o, &m, &st, &e))
		fail_msg("save back, again: %s", e.msg);
	assert_int_equal(st.chunks_kept, st.chunks);

	/* a save that does not commit forgets the memory */
	{
		struct kj_img_writer *w;

		assert_int_equal(kj_img_writer_open(&w, fd, TARGET, &o, &e), 0);
		assert_int_equal(kj_img_writer_add(w, m.pfn[0], m.page, &e), 0);
		kj_img_writer_abort(w);
		assert_null(mem.record);
	}
	if (save(fd, &o, &m, &st, &e))
		fail_msg("save after an abort: %s", e.msg);
	assert_int_equal(st.chunks_kept, 0);
	check_image(fd, &m, &p);

	/* a packed save over the places forgets it too */
	{
		struct kj_img_writer_opts packed = opts(NULL, &mem);

		assert_non_null(mem.record);
		if (save(fd, &packed, &m, &st, &e))
			fail_msg("packed save: %s", e.msg);
		assert_false(st.places);
		assert_null(mem.record);
	}

	kj_chunk_memory_forget(&mem);
	kj_chunk_places_free(&p);
	free_memory(&m);
	close(fd);
}

/* Reading back one kept chunk in 4: a chunk damaged on the target stays
 * (the image does not verify, which resume would refuse) until the save
 * whose turn it is, at most 4 saves on, writes it again. */
static void test_kept_checks_in_turn(void **state)
{
	struct kj_chunk_places p;
	struct kj_chunk_memory mem = { 0 };
	struct kj_img_stats st;
	struct kj_err e = { 0 };
	struct memory m;
	int fd = tmp_fd(), saves = 0;

	(void)state;
	make_memory(&m);
	assert_int_equal(kj_chunk_places_init(&p, ram, NRAM, CP, &e), 0);
	struct kj_img_writer_opts o = opts(&p, &mem);

	o.kept_check_one_in = 4;
	assert_int_equal(save(fd, &o, &m, &st, &e), 0);
	flip_bit(fd, chunk_offset(fd, 5) + 64);
	for (;;) {
		struct kj_img img;
		uint64_t bad = 0;
		int r;

		assert_int_equal(save(fd, &o, &m, &st, &e), 0);
		saves++;
		assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
		r = kj_img_verify(&img, NULL, NULL, &bad, &e);
		kj_img_close(&img);
		if (st.chunks_kept == st.chunks) {
			assert_int_equal(r, -1);	/* kept unchecked: refused */
			assert_int_equal(bad, 5);
		} else {
			assert_int_equal(st.chunks_kept, st.chunks - 1);
			assert_int_equal(r, 0);
			break;
		}
		assert_true(saves < 4);
	}
	check_image(fd, &m, &p);
	kj_chunk_memory_forget(&mem);
	kj_chunk_places_free(&p);
	free_memory(&m);
	close(fd);
}

static void test_refused(void **state)
{
	struct kj_chunk_places p;
	struct kj_chunk_memory mem = { 0 };
	struct kj_img_writer *w = NULL;
	struct kj_err e = { 0 };
	int fd = tmp_fd();
	static uint8_t page[PAGE] = { 1 };

	(void)state;
	assert_int_equal(kj_chunk_places_init(&p, ram, NRAM, CP, &e), 0);
	struct kj_img_writer_opts o = opts(&p, &mem);

	/* too small a target, before anything is written */
	assert_int_equal(kj_img_writer_open(&w, fd, 4ull << 20, &o, &e), -1);
	assert_non_null(strstr(e.msg, "too small for fixed places"));
	/* other chunk sizes */
	o.chunk_pages = CP * 2;
	assert_int_equal(kj_img_writer_open(&w, fd, TARGET, &o, &e), -1);
	assert_non_null(strstr(e.msg, "chunks of"));
	o.chunk_pages = CP;
	/* a page outside the places' RAM, refused and not sticky */
	assert_int_equal(kj_img_writer_open(&w, fd, TARGET, &o, &e), 0);
	assert_int_equal(kj_img_writer_add(w, 0xc0, page, &e), -1);
	assert_non_null(strstr(e.msg, "outside the RAM"));
	assert_int_equal(kj_img_writer_add(w, 0x100, page, &e), 0);
	kj_img_writer_abort(w);
	kj_chunk_places_free(&p);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_places),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_kept_checks_in_turn),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
