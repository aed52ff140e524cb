// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/resume_check.c, what `kjump resume` checks before the
 * point of no return, on a real image (written by lib/image_write.c to a
 * temporary file, opened by kj_img_open) whose index and chunks are then
 * tampered with in memory, as a hostile target would after the reader's
 * own checks.
 *
 * kind: hibernation passes, a snapshot only with --snapshot, anything else
 * never. extents: all inside A's RAM and C's RAM pass; one at the local
 * APIC, at pfn 0x8000000000, in the VGA hole, across the end of RAM, or
 * in A's RAM but not C's, each refused naming the extent. entry: a DATA
 * page passes; zero, outside RAM, in a page the image does not hold or
 * holds as zeros, refused. chunks: the right bytes pass; a wrong XXH64, no
 * content checksum, a frame for fewer or for more pages, a bad content
 * checksum and corrupted blocks (XXH64 recomputed, so only decompression
 * can tell) are each refused; in parallel, every chunk is checked once,
 * progress counts up to the total, and with two bad chunks the lower one
 * is reported whatever the number of threads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "assert_text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include "../../lib/image.h"
#include "../../lib/memmap.h"
#include "../../lib/page.h"
#include "../../lib/resume_check.h"

#define MiB (1ULL << 20)
#define CHUNK_PAGES 32u
#define ENTRY 0x105123ULL

/* A's memory map: low RAM, RAM from 1 MiB to 128 MiB, the local APIC. */
static const struct kj_img_range memmap[] = {
	{ 0, 0x9f000, KJ_MEM_RAM, 0 },
	{ 0x100000, 0x8000000, KJ_MEM_RAM, 0 },
	{ 0xfee00000, 0xfee01000, KJ_MEM_RESERVED, 0 },
};

struct t {
	int fd;
	uint8_t *file;		/* the whole target, as written */
	size_t len;
	struct kj_img img;
	struct kj_ranges c_ram;	/* this machine: the same RAM */
};

static void fill(uint8_t *p, uint64_t pfn)
{
	for (unsigned i = 0; i < KJ_PAGE_SIZE; i++)
		p[i] = (uint8_t)((pfn * 131 + i / 7) ^ (i % 13 == 0 ? pfn : 0));
}

static void add_pages(struct kj_img_writer *w, uint64_t pfn, uint64_t n, bool zero)
{
	uint8_t page[KJ_PAGE_SIZE];
	struct kj_err e;

	for (uint64_t i = 0; i < n; i++) {
		if (zero)
			memset(page, 0, sizeof(page));
		else
			fill(page, pfn + i);
		assert_int_equal(kj_img_writer_add(w, pfn + i, page, &e), 0);
	}
}

static int setup(void **state)
{
	char path[] = "/tmp/kjump-test-resume-check-XXXXXX";
	struct kj_img_writer_opts o = {
		.threads = 2, .chunk_pages = CHUNK_PAGES, .kind = KJ_IMG_HIBERNATION,
		.release = "6.12.0-test", .machine = "x86_64",
		.jump_back_entry = ENTRY, .ram_bytes = 0x9f000 + 0x7f00000,
	};
	struct kj_img_writer *w;
	struct kj_err e = { 0 };
	struct t *t = calloc(1, sizeof(*t));
	struct stat st;

	assert_non_null(t);
	t->fd = mkstemp(path);
	assert_true(t->fd >= 0);
	unlink(path);
	assert_int_equal(kj_img_writer_open(&w, t->fd, 0, &o, &e), 0);
	add_pages(w, 0x10, 16, false);		/* extent 0 */
	add_pages(w, 0x100, 128, false);	/* extent 1, holds ENTRY */
	add_pages(w, 0x180, 16, true);		/* extent 2, zero */
	add_pages(w, 0x200, 256, false);	/* extent 3 */
	assert_int_equal(kj_img_writer_set_memmap(w, memmap, 3, &e), 0);
	/* every page of A's RAM; those not added were free in A */
	kj_img_writer_set_counts(w, (0x9f000 + 0x7f00000) / KJ_PAGE_SIZE,
				 (0x9f000 + 0x7f00000) / KJ_PAGE_SIZE - 416, 0);
	assert_int_equal(kj_img_writer_finish(w, NULL, &e), 0);
	assert_int_equal(fstat(t->fd, &st), 0);
	t->len = (size_t)st.st_size;
	t->file = malloc(t->len);
	assert_non_null(t->file);
	assert_int_equal(kj_img_pread(t->fd, t->file, t->len, 0, "test", NULL), 0);
	assert_int_equal(kj_img_open(&t->img, t->fd, 0, &e), 0);
	if (!t->img.complete)
		fail_msg("the test image is not complete: %s", t->img.problem);
	assert_int_equal(t->img.next, 4);
	assert_int_equal(t->img.nchunks, (16 + 128 + 256 + CHUNK_PAGES - 1) / CHUNK_PAGES);
	assert_int_equal(kj_ranges_add(&t->c_ram, 0x1000, 0x9f000, KJ_MEM_RAM, &e), 0);
	assert_int_equal(kj_ranges_add(&t->c_ram, 0x100000, 0x8000000, KJ_MEM_RAM, &e), 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;

	kj_img_close(&t->img);
	kj_ranges_free(&t->c_ram);
	close(t->fd);
	free(t->file);
	free(t);
	return 0;
}

/* The reader's validated arrays, writable for tampering. */
static struct kj_img_extent *ext(struct t *t, uint64_t i)
{
	return (struct kj_img_extent *)&t->img.ext[i];
}

static struct kj_img_chunk *chunk(struct t *t, uint64_t i)
{
	return (struct kj_img_chunk *)&t->img.chunk[i];
}

static void test_kind(void **state)
{
	struct t *t = *state;
	struct kj_err e = { 0 };

	assert_int_equal(kj_resume_check_kind(&t->img, false, &e), 0);
	assert_int_equal(kj_resume_check_kind(&t->img, true, &e), 0);
	t->img.hdr.kind = KJ_IMG_SNAPSHOT;
	assert_int_equal(kj_resume_check_kind(&t->img, false, &e), -1);
	assert_contains(e.msg, "snapshot, not a hibernation image");
	assert_contains(e.msg, "disks moved on");
	assert_contains(e.msg, "Pass --snapshot");
	assert_int_equal(kj_resume_check_kind(&t->img, true, &e), 0);
	t->img.hdr.kind = 7;
	assert_int_equal(kj_resume_check_kind(&t->img, true, &e), -1);
	assert_contains(e.msg, "kind 7");
	t->img.hdr.kind = KJ_IMG_HIBERNATION;
}

static void extent_refused(struct t *t, uint64_t i, uint64_t pfn, uint64_t npages,
			   const char *why)
{
	struct kj_img_extent keep = *ext(t, i);
	struct kj_err e = { 0 };
	char name[64];

	ext(t, i)->pfn = pfn;
	ext(t, i)->npages = npages;
	assert_int_equal(kj_resume_check_extents(&t->img, &t->c_ram, &e), -1);
	snprintf(name, sizeof(name), "extent %llu of 4 (pages 0x%llx-",
		 (unsigned long long)i, (unsigned long long)pfn);
	assert_contains(e.msg, name);
	assert_contains(e.msg, why);
	*ext(t, i) = keep;
	assert_int_equal(kj_resume_check_extents(&t->img, &t->c_ram, &e), 0);
}

static void test_extents(void **state)
{
	struct t *t = *state;
	struct kj_ranges small = { 0 };
	struct kj_err e = { 0 };

	assert_int_equal(kj_resume_check_extents(&t->img, &t->c_ram, &e), 0);
	/* the local APIC's MMIO, reserved in A's map */
	extent_refused(t, 3, 0xfee00, 1, "not in the saved system's RAM");
	/* far beyond any RAM */
	extent_refused(t, 3, 0x8000000000ULL, 4, "not in the saved system's RAM");
	/* the VGA hole, between the two RAM ranges */
	extent_refused(t, 0, 0xa0, 16, "not in the saved system's RAM");
	/* starting in RAM, running past its end */
	extent_refused(t, 3, 0x7ff0, 0x20, "not in the saved system's RAM");
	/* the first page of RAM past the end of low RAM */
	extent_refused(t, 0, 0x9f, 1, "not in the saved system's RAM");
	/* no pages, and pfns that wrap */
	extent_refused(t, 3, 0x200, 0, "not a range of pages");
	extent_refused(t, 3, UINT64_MAX - 1, 4, "not a range of pages");
	/* A's RAM, but this machine has less of it */
	assert_int_equal(kj_ranges_add(&small, 0x1000, 0x9f000, KJ_MEM_RAM, &e), 0);
	assert_int_equal(kj_ranges_add(&small, 0x100000, 0x250000, KJ_MEM_RAM, &e), 0);
	assert_int_equal(kj_resume_check_extents(&t->img, &small, &e), -1);
	assert_contains(e.msg, "extent 3 of 4 (pages 0x200-0x2ff, data)");
	assert_contains(e.msg, "not RAM on this machine");
	/* page 0 is not RAM here (C's e820 often starts at 0x1000) */
	extent_refused(t, 0, 0, 1, "not RAM on this machine");
	kj_ranges_free(&small);
	/* the zero extent is checked as well */
	extent_refused(t, 2, 0xb8, 1, "zero)");
}

static void entry_refused(struct t *t, uint64_t a, const char *why)
{
	uint64_t keep = t->img.hdr.jump_back_entry;
	struct kj_err e = { 0 };

	t->img.hdr.jump_back_entry = a;
	assert_int_equal(kj_resume_check_entry(&t->img, &e), -1);
	assert_contains(e.msg, why);
	t->img.hdr.jump_back_entry = keep;
}

static void test_entry(void **state)
{
	struct t *t = *state;
	struct kj_err e = { 0 };

	assert_int_equal(kj_resume_check_entry(&t->img, &e), 0);
	entry_refused(t, 0, "no jump-back entry");
	entry_refused(t, 0xfee00010, "0xfee00010 is not in the saved system's RAM");
	entry_refused(t, 0xa0000, "is not in the saved system's RAM");
	entry_refused(t, 1ULL << 62, "is not in the saved system's RAM");
	entry_refused(t, 0x5000000, "the image does not hold");
	entry_refused(t, 0x185000, "holds as zeros");
	t->img.hdr.jump_back_entry = 0x10ffc;	/* any DATA page will do */
	assert_int_equal(kj_resume_check_entry(&t->img, &e), 0);
	t->img.hdr.jump_back_entry = ENTRY;
}

/* Chunk i's bytes as written. */
static uint8_t *bytes_of(struct t *t, uint64_t i)
{
	return t->file + t->img.chunk[i].offset;
}

/* A zstd frame of `pages` pages of chunk i's content (cycled), with or
 * without content checksum; *len its size. */
static uint8_t *frame_of(struct t *t, uint64_t i, uint32_t pages, bool checksum, size_t *len)
{
	size_t in = (size_t)pages * KJ_PAGE_SIZE, cap = ZSTD_compressBound(in);
	uint8_t *src = malloc(in), *dst = malloc(cap);
	ZSTD_CCtx *c = ZSTD_createCCtx();

	assert_non_null(src);
	assert_non_null(dst);
	assert_non_null(c);
	for (uint32_t p = 0; p < pages; p++)
		fill(src + (size_t)p * KJ_PAGE_SIZE, 0x200 + p);
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, checksum);
	*len = ZSTD_compress2(c, dst, cap, src, in);
	assert_false(ZSTD_isError(*len));
	ZSTD_freeCCtx(c);
	free(src);
	return dst;
}

/* Make chunk i's index entry describe `b` (as a forger would). */
static void forge(struct t *t, uint64_t i, const uint8_t *b, size_t len)
{
	chunk(t, i)->csize = (uint32_t)len;
	chunk(t, i)->xxh64 = XXH64(b, len, 0);
}

static void chunk_refused(struct t *t, uint64_t i, uint8_t *b, const char *why)
{
	void *out = malloc(CHUNK_PAGES * KJ_PAGE_SIZE);
	ZSTD_DCtx *d = ZSTD_createDCtx();
	struct kj_err e = { 0 };
	char name[32];

	assert_int_equal(kj_resume_check_chunk(&t->img, i, b, out, d, &e), -1);
	snprintf(name, sizeof(name), "chunk %llu of %llu", (unsigned long long)i,
		 (unsigned long long)t->img.nchunks);
	assert_contains(e.msg, name);
	assert_contains(e.msg, why);
	ZSTD_freeDCtx(d);
	free(out);
}

static void test_chunk(void **state)
{
	struct t *t = *state;
	struct kj_img_chunk keep = *chunk(t, 5);
	void *out = malloc(CHUNK_PAGES * KJ_PAGE_SIZE);
	ZSTD_DCtx *d = ZSTD_createDCtx();
	struct kj_err e = { 0 };
	uint8_t *b, *f;
	size_t len;

	for (uint64_t i = 0; i < t->img.nchunks; i++)
		assert_int_equal(kj_resume_check_chunk(&t->img, i, bytes_of(t, i), out, d, &e), 0);
	assert_int_equal(kj_resume_check_chunk(&t->img, t->img.nchunks, bytes_of(t, 0), out,
					       d, &e), -1);
	assert_contains(e.msg, "no chunk");

	/* a wrong XXH64: the reader's own check */
	b = malloc(keep.csize);
	memcpy(b, bytes_of(t, 5), keep.csize);
	b[keep.csize / 2] ^= 1;
	chunk_refused(t, 5, b, "checksum mismatch");
	/* the same byte, with the XXH64 forged: only zstd can tell */
	forge(t, 5, b, keep.csize);
	chunk_refused(t, 5, b, "cannot decompress");
	*chunk(t, 5) = keep;
	/* the content checksum (the frame's last 4 bytes) wrong */
	memcpy(b, bytes_of(t, 5), keep.csize);
	b[keep.csize - 1] ^= 0x80;
	forge(t, 5, b, keep.csize);
	chunk_refused(t, 5, b, "cannot decompress (zstd: ");
	*chunk(t, 5) = keep;
	free(b);

	/* a valid frame of fewer pages */
	f = frame_of(t, 5, CHUNK_PAGES - 1, true, &len);
	forge(t, 5, f, len);
	chunk_refused(t, 5, f, "decompresses to 126976 bytes instead of 131072");
	free(f);
	/* a valid frame of more pages than the chunk holds */
	f = frame_of(t, 5, CHUNK_PAGES + 1, true, &len);
	forge(t, 5, f, len);
	chunk_refused(t, 5, f, "cannot decompress");
	free(f);
	/* a frame without a content checksum */
	f = frame_of(t, 5, CHUNK_PAGES, false, &len);
	forge(t, 5, f, len);
	chunk_refused(t, 5, f, "no content checksum");
	free(f);
	/* not a zstd frame at all */
	f = calloc(1, 64);
	forge(t, 5, f, 64);
	chunk_refused(t, 5, f, "not one zstd frame");
	free(f);
	*chunk(t, 5) = keep;
	assert_int_equal(kj_resume_check_chunk(&t->img, 5, bytes_of(t, 5), out, d, &e), 0);
	ZSTD_freeDCtx(d);
	free(out);
}

/* The parallel check, reading from a copy of the target. */
struct run {
	struct t *t;
	const uint8_t *file;
	int passed[64];
	uint64_t last_done, progress_calls, progress_wrong;
	uint64_t fail_fetch;	/* chunk whose read fails, or UINT64_MAX */
	int decompressed;	/* chunks passed with their pages */
};

/* As a direct read does (lib/direct_io.h): the chunk where it lies in
 * its first block, not at the start of buf, so that a checker that looks
 * at buf instead of *bytes fails. */
static int fetch(void *arg, uint64_t i, void *buf, void **bytes, struct kj_err *e)
{
	struct run *r = arg;
	const struct kj_img_chunk *c = &r->t->img.chunk[i];

	if (i == r->fail_fetch)
		return kj_fail(e, EIO, "cannot read a chunk: Input/output error");
	assert_int_equal((uintptr_t)buf % KJ_DIRECT_ALIGN, 0);
	*bytes = (uint8_t *)buf + c->offset % KJ_DIRECT_ALIGN;
	/* what lies before the chunk in its first block */
	memset(buf, 0xa5, c->offset % KJ_DIRECT_ALIGN);
	memcpy(*bytes, r->file + c->offset, c->csize);
	return 0;
}

static void passed(void *arg, uint64_t i, const void *buf, const void *pages)
{
	struct run *r = arg;

	r->passed[i]++;	/* each chunk by one thread only */
	if (pages)
		__atomic_add_fetch(&r->decompressed, 1, __ATOMIC_RELAXED);
}

static void progress(void *arg, uint64_t done, uint64_t total)
{
	struct run *r = arg;

	/* no cmocka assertion here: this runs in the checking threads */
	if (done != r->last_done + 1 || total != r->t->img.nchunks)
		r->progress_wrong++;	/* not one call at a time, counting up */
	r->last_done = done;
	r->progress_calls++;
}

static int check_all(struct t *t, const uint8_t *file, unsigned threads, struct run *r,
		     uint64_t *bad, struct kj_err *e)
{
	memset(r, 0, sizeof(*r));
	r->t = t;
	r->file = file;
	r->fail_fetch = UINT64_MAX;
	struct kj_resume_chunks_in in = { &t->img, threads, fetch, passed, progress, r, false };
	return kj_resume_check_chunks(&in, bad, e);
}

static void test_chunks_parallel(void **state)
{
	static const unsigned threads[] = { 0, 1, 2, 3, 4, 16, 1000 };
	struct t *t = *state;
	uint8_t *bad_file = malloc(t->len);
	struct kj_err e = { 0 };
	struct run r;
	uint64_t bad;

	assert_true(t->img.nchunks <= 64);
	for (size_t k = 0; k < sizeof(threads) / sizeof(threads[0]); k++) {
		assert_int_equal(check_all(t, t->file, threads[k], &r, &bad, &e), 0);
		assert_int_equal(bad, UINT64_MAX);
		assert_int_equal(r.progress_calls, t->img.nchunks);
		assert_int_equal(r.progress_wrong, 0);
		assert_int_equal(r.decompressed, t->img.nchunks);
		for (uint64_t i = 0; i < t->img.nchunks; i++)
			assert_int_equal(r.passed[i], 1);
	}

	/* chunks 4 and 9 damaged, XXH64 forged: chunk 4 is reported, every
	 * time, however many threads race for them */
	struct kj_img_chunk keep4 = *chunk(t, 4), keep9 = *chunk(t, 9);
	memcpy(bad_file, t->file, t->len);
	bad_file[keep4.offset + keep4.csize / 2] ^= 0x40;
	bad_file[keep9.offset + keep9.csize / 3] ^= 0x40;
	forge(t, 4, bad_file + keep4.offset, keep4.csize);
	forge(t, 9, bad_file + keep9.offset, keep9.csize);
	for (int round = 0; round < 20; round++)
		for (size_t k = 0; k < sizeof(threads) / sizeof(threads[0]); k++) {
			assert_int_equal(check_all(t, bad_file, threads[k], &r, &bad, &e), -1);
			assert_int_equal(bad, 4);
			assert_contains(e.msg, "chunk 4 of");
			assert_contains(e.msg, "cannot decompress");
			for (uint64_t i = 0; i < 4; i++)
				assert_int_equal(r.passed[i], 1);
			assert_int_equal(r.passed[4], 0);
			assert_int_equal(r.passed[9], 0);
		}
	*chunk(t, 4) = keep4;
	*chunk(t, 9) = keep9;

	/* a read that fails is that chunk's failure */
	memset(&r, 0, sizeof(r));
	r.t = t;
	r.file = t->file;
	r.fail_fetch = 7;
	struct kj_resume_chunks_in in = { &t->img, 3, fetch, passed, NULL, &r, false };
	assert_int_equal(kj_resume_check_chunks(&in, &bad, &e), -1);
	assert_int_equal(bad, 7);
	assert_contains(e.msg, "cannot read a chunk");

	/* no image, no check */
	t->img.complete = false;
	snprintf(t->img.problem, sizeof(t->img.problem), "incomplete: test");
	assert_int_equal(check_all(t, t->file, 2, &r, &bad, &e), -1);
	assert_int_equal(bad, UINT64_MAX);
	assert_contains(e.msg, "incomplete: test");
	assert_int_equal(kj_resume_check_extents(&t->img, &t->c_ram, &e), -1);
	assert_int_equal(kj_resume_check_entry(&t->img, &e), -1);
	t->img.complete = true;
	t->img.problem[0] = 0;
	free(bad_file);
}

/* B's read-back: checksums (and seals) only, no decompression, in
 * parallel; the lowest damaged chunk is the one reported. */
static void test_chunks_checksums_only(void **state)
{
	static const unsigned threads[] = { 1, 2, 5 };
	struct t *t = *state;
	uint8_t *bad_file = malloc(t->len);
	struct kj_err e = { 0 };
	struct run r;
	uint64_t bad;

	assert_non_null(bad_file);
	for (size_t k = 0; k < sizeof(threads) / sizeof(threads[0]); k++) {
		memset(&r, 0, sizeof(r));
		r.t = t;
		r.file = t->file;
		r.fail_fetch = UINT64_MAX;
		struct kj_resume_chunks_in in = { &t->img, threads[k], fetch, passed, progress,
						  &r, true };
		assert_int_equal(kj_resume_check_chunks(&in, &bad, &e), 0);
		assert_int_equal(bad, UINT64_MAX);
		assert_int_equal(r.progress_calls, t->img.nchunks);
		for (uint64_t i = 0; i < t->img.nchunks; i++)
			assert_int_equal(r.passed[i], 1);
		assert_int_equal(r.decompressed, 0);	/* nothing decompressed */

		/* a flipped bit in chunks 3 and 8: chunk 3's checksum */
		memcpy(bad_file, t->file, t->len);
		bad_file[chunk(t, 3)->offset + chunk(t, 3)->csize / 2] ^= 0x08;
		bad_file[chunk(t, 8)->offset + 1] ^= 0x08;
		memset(&r, 0, sizeof(r));
		r.t = t;
		r.file = bad_file;
		r.fail_fetch = UINT64_MAX;
		assert_int_equal(kj_resume_check_chunks(&in, &bad, &e), -1);
		assert_int_equal(bad, 3);
		assert_contains(e.msg, "chunk 3 of");
		assert_contains(e.msg, "checksum mismatch");
		assert_int_equal(r.passed[3], 0);
	}
	free(bad_file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chunks_checksums_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chunk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chunks_parallel, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
