// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Today's reader still reads the images yesterday's writer wrote.
 *
 * tests/unit/fixtures/image-v1.kjimg.gz is a kjump image (format version
 * 1, lib/image_format.h) written once by lib/image_write.c and committed;
 * the build never regenerates it. test_image.c's "golden" image is made by
 * the current writer on every run, so it cannot notice a change to the
 * format that writer and reader make together; this test does: it opens
 * the committed file with the current reader and checks every header
 * field, every section entry and every page's bytes exactly.
 *
 * The fixture is gzip'd (zlib, already a dependency) because the writer
 * puts the first chunk at KJ_IMG_DATA_OFFSET, 1 MiB in, so the image is a
 * little over 1 MiB of mostly zeros; compressed it is a few KiB.
 *
 * How it was made, and how to make it again on purpose (a format version
 * bump: then add image-v2.kjimg.gz next to it and keep the v1 test for as
 * long as the reader accepts version 1):
 *
 *     make unit   # builds build/tests/test_image_fixture
 *     KJ_REGENERATE_FIXTURES=1 build/tests/test_image_fixture
 *
 * which writes the image with fixture_write(), and the values the writer
 * chose (uuid, creation time, offsets, sizes, checksums) as C into
 * tests/unit/fixtures/image-v1.values.h, which `want` below includes.
 * Commit both. Everything else this test checks is spelled out here.
 * What the image must contain, all made by fixture_write():
 *   - header: kind SNAPSHOT, release "6.12.0-kjump-fixture", machine
 *     "x86_64", jump_back_entry 0x7f001000, ram_bytes 16 MiB, B's region
 *     [0x800000, 0xa00000), counts total 4096, free 12, excluded 512;
 *     chunk_pages 2, so that the 5 data pages make 3 chunks (2, 2, 1);
 *   - pages: DATA 0x100, ZERO 0x101, DATA 0x102-0x103, a gap of free
 *     pages 0x104-0x10f (in no extent), DATA 0x110-0x111, each data page
 *     filled by fixture_page();
 *   - sections: 3 memmap ranges, 1 remap entry, 1 vmap entry and the
 *     VMCOREINFO text, as in the arrays below.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "../../lib/image.h"

#define FIXTURE_DIR "tests/unit/fixtures"	/* from the top of the tree */
#define FIXTURE "image-v1.kjimg.gz"
#define MAX_IMAGE (4u << 20)

static const struct kj_img_range fx_memmap[] = {
	{ 0x0, 0x9f000, 1, 0 },
	{ 0xf0000, 0x100000, 2, 0 },
	{ 0x100000, 0x1000000, 1, 0 },
};
static const struct kj_img_remap fx_remap[] = { { 0x900, 0x110, 2 } };
static const struct kj_img_vmap fx_vmap[] = { { 0x0, 0xffff888000000000ULL, 0x1000000 } };
static const char fx_vmcoreinfo[] = "OSRELEASE=6.12.0-kjump-fixture\nPAGESIZE=4096\n";

/* The pages, in pfn order; kind KJ_EXT_DATA or KJ_EXT_ZERO. */
static const struct { uint64_t pfn; int kind; } fx_pages[] = {
	{ 0x100, KJ_EXT_DATA }, { 0x101, KJ_EXT_ZERO }, { 0x102, KJ_EXT_DATA },
	{ 0x103, KJ_EXT_DATA }, { 0x110, KJ_EXT_DATA }, { 0x111, KJ_EXT_DATA },
};
#define NPAGES (sizeof(fx_pages) / sizeof(fx_pages[0]))

/* Contents of data page pfn: its name, then a pattern. */
static void fixture_page(uint8_t *p, uint64_t pfn)
{
	for (size_t i = 0; i < KJ_IMG_PAGE_SIZE; i++)
		p[i] = (uint8_t)(pfn * 131 + i * 7 + (i >> 8));
	snprintf((char *)p, 64, "kjump image fixture, page 0x%llx", (unsigned long long)pfn);
}

/* The values the writer chose when the fixture was made. */
static const struct {
	uint8_t uuid[16];
	uint64_t created;
	uint64_t data_bytes, index_offset, index_size, index_xxh64, target_min_size;
	uint64_t image_bytes;	/* of the file, uncompressed */
	struct kj_img_sect sect[KJ_SECT_MAX];
	struct kj_img_chunk chunk[3];
} want = {
#include "fixtures/image-v1.values.h"
};

static const char *fixture_path(char *buf, size_t n)
{
	const char *d = getenv("KJ_FIXTURE_DIR");

	snprintf(buf, n, "%s/%s", d ? d : FIXTURE_DIR, FIXTURE);
	return buf;
}

/* The image, unpacked into an unlinked temporary file. */
static int open_fixture(size_t *len)
{
	char path[512];
	gzFile gz = gzopen(fixture_path(path, sizeof(path)), "rb");
	uint8_t *buf = malloc(MAX_IMAGE);
	int fd = fileno(tmpfile()), n;

	assert_non_null(buf);
	if (!gz)
		fail_msg("cannot open %s (run from the top of the tree, or set "
			 "KJ_FIXTURE_DIR): %s", path, strerror(errno));
	n = gzread(gz, buf, MAX_IMAGE);
	assert_true(n > 0 && (size_t)n < MAX_IMAGE);
	assert_int_equal(gzclose(gz), Z_OK);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, (size_t)n), n);
	free(buf);
	*len = (size_t)n;
	return fd;
}

static void test_header(void **state)
{
	size_t len;
	int fd = open_fixture(&len);
	struct kj_img img;
	struct kj_err e = { 0 };
	const struct kj_img_header *h = &img.hdr;

	assert_int_equal(len, want.image_bytes);
	if (kj_img_open(&img, fd, 0, &e))
		fail_msg("the reader refuses the fixture: %s", e.msg);
	if (!img.complete)
		fail_msg("the reader finds the fixture incomplete: %s", img.problem);
	assert_string_equal(img.problem, "");
	assert_int_equal(kj_img_check_resumable(&img, &e), 0);

	assert_int_equal(h->magic, KJ_IMG_MAGIC);
	assert_int_equal(h->magic, 0x474d49504d554a4bULL);
	assert_int_equal(h->version, 1);
	assert_int_equal(h->header_size, 4096);
	assert_int_equal(h->state, KJ_IMG_COMPLETE);
	assert_int_equal(h->kind, KJ_IMG_SNAPSHOT);
	assert_int_equal(h->page_size, 4096);
	assert_int_equal(h->arch, 62);
	assert_memory_equal(h->uuid, want.uuid, 16);
	assert_int_equal(h->created, want.created);
	assert_int_equal(h->consumed, 0);
	assert_int_equal(h->jump_back_entry, 0x7f001000);
	assert_string_equal(h->release, "6.12.0-kjump-fixture");
	assert_string_equal(h->machine, "x86_64");
	assert_int_equal(h->ram_bytes, 16u << 20);
	assert_int_equal(h->region_start, 0x800000);
	assert_int_equal(h->region_end, 0xa00000);
	assert_int_equal(h->pages_total, 4096);
	assert_int_equal(h->pages_data, 5);
	assert_int_equal(h->pages_zero, 1);
	assert_int_equal(h->pages_free, 12);
	assert_int_equal(h->pages_excluded, 512);
	assert_int_equal(h->data_offset, 1u << 20);
	assert_int_equal(h->data_bytes, want.data_bytes);
	assert_int_equal(h->nchunks, 3);
	assert_int_equal(h->chunk_pages, 2);
	assert_int_equal(h->index_offset, want.index_offset);
	assert_int_equal(h->index_size, want.index_size);
	assert_int_equal(h->index_xxh64, want.index_xxh64);
	assert_int_equal(h->target_min_size, want.target_min_size);
	for (int i = 0; i < KJ_SECT_MAX; i++) {
		assert_int_equal(h->sect[i].type, want.sect[i].type);
		assert_int_equal(h->sect[i].entry_size, want.sect[i].entry_size);
		assert_int_equal(h->sect[i].offset, want.sect[i].offset);
		assert_int_equal(h->sect[i].count, want.sect[i].count);
	}
	for (size_t i = 0; i < sizeof(h->pad); i++)
		assert_int_equal(h->pad[i], 0);
	assert_int_equal(h->header_xxh64, kj_img_header_hash(h));
	kj_img_close(&img);
	close(fd);
}

static void test_sections(void **state)
{
	static const struct kj_img_extent ext[] = {
		{ 0x100, 1, KJ_EXT_DATA, 0 }, { 0x101, 1, KJ_EXT_ZERO, 0 },
		{ 0x102, 2, KJ_EXT_DATA, 0 }, { 0x110, 2, KJ_EXT_DATA, 0 },
	};
	size_t len;
	int fd = open_fixture(&len);
	struct kj_img img;
	struct kj_err e = { 0 };

	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	assert_true(img.complete);
	assert_int_equal(img.next, 4);
	for (uint64_t i = 0; i < img.next; i++) {
		assert_int_equal(img.ext[i].pfn, ext[i].pfn);
		assert_int_equal(img.ext[i].npages, ext[i].npages);
		assert_int_equal(img.ext[i].kind, ext[i].kind);
		assert_int_equal(img.ext[i].reserved, 0);
	}
	assert_int_equal(img.nchunks, 3);
	for (uint64_t i = 0; i < img.nchunks; i++) {
		assert_int_equal(img.chunk[i].offset, want.chunk[i].offset);
		assert_int_equal(img.chunk[i].csize, want.chunk[i].csize);
		assert_int_equal(img.chunk[i].npages, want.chunk[i].npages);
		assert_int_equal(img.chunk[i].first_page, want.chunk[i].first_page);
		assert_int_equal(img.chunk[i].xxh64, want.chunk[i].xxh64);
	}
	assert_int_equal(img.nmemmap, 3);
	assert_memory_equal(img.memmap, fx_memmap, sizeof(fx_memmap));
	assert_int_equal(img.nremap, 1);
	assert_memory_equal(img.remap, fx_remap, sizeof(fx_remap));
	assert_int_equal(img.nvmap, 1);
	assert_memory_equal(img.vmap, fx_vmap, sizeof(fx_vmap));
	assert_int_equal(img.vmcoreinfo_len, strlen(fx_vmcoreinfo));
	assert_memory_equal(img.vmcoreinfo, fx_vmcoreinfo, strlen(fx_vmcoreinfo));
	kj_img_close(&img);
	close(fd);
}

static void test_pages(void **state)
{
	/* the start of page 0x100, spelled out: not only fixture_page()'s word */
	static const char head[] = "kjump image fixture, page 0x100";
	size_t len;
	int fd = open_fixture(&len);
	struct kj_img img;
	struct kj_err e = { 0 };
	uint8_t *chunk = malloc(2 * KJ_IMG_PAGE_SIZE), want_page[KJ_IMG_PAGE_SIZE];
	uint64_t bad = 0;

	assert_non_null(chunk);
	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	if (kj_img_verify(&img, NULL, NULL, &bad, &e))
		fail_msg("verify: %s", e.msg);
	for (size_t i = 0; i < NPAGES; i++) {
		uint64_t pfn = fx_pages[i].pfn, si = UINT64_MAX, spfn;
		int kind = -1;

		assert_int_equal(kj_img_find_page(&img, pfn, &kind, &si), 0);
		assert_int_equal(kind, fx_pages[i].kind);
		if (kind != KJ_EXT_DATA)
			continue;
		assert_int_equal(kj_img_stream_pfn(&img, si, &spfn), 0);
		assert_int_equal(spfn, pfn);
		if (kj_img_read_chunk(&img, si / 2, chunk, &e))
			fail_msg("chunk %llu: %s", (unsigned long long)(si / 2), e.msg);
		fixture_page(want_page, pfn);
		assert_memory_equal(chunk + (si % 2) * KJ_IMG_PAGE_SIZE, want_page, KJ_IMG_PAGE_SIZE);
		if (pfn == 0x100) {
			assert_memory_equal(chunk, head, sizeof(head));
			assert_int_equal(chunk[64], (uint8_t)(0x100 * 131 + 64 * 7));
			assert_int_equal(chunk[4095], (uint8_t)(0x100 * 131 + 4095 * 7 + 15));
		}
	}
	/* the free gap and what lies outside are in no extent */
	for (uint64_t pfn = 0x104; pfn < 0x110; pfn++) {
		int kind = -1;

		assert_int_equal(kj_img_find_page(&img, pfn, &kind, NULL), 0);
		assert_int_equal(kind, 0);
	}
	{
		int kind = -1;

		assert_int_equal(kj_img_find_page(&img, 0xff, &kind, NULL), 0);
		assert_int_equal(kind, 0);
		assert_int_equal(kj_img_find_page(&img, 0x112, &kind, NULL), 0);
		assert_int_equal(kind, 0);
	}
	free(chunk);
	kj_img_close(&img);
	close(fd);
}

/* ---- making the fixture (KJ_REGENERATE_FIXTURES=1 only) ---- */

static int fixture_write(int fd, struct kj_err *e)
{
	struct kj_img_writer_opts o = {
		.threads = 1, .level = 3, .chunk_pages = 2, .kind = KJ_IMG_SNAPSHOT,
		.release = "6.12.0-kjump-fixture", .machine = "x86_64",
		.jump_back_entry = 0x7f001000, .ram_bytes = 16u << 20,
		.region_start = 0x800000, .region_end = 0xa00000,
	};
	static const uint8_t zero[KJ_IMG_PAGE_SIZE];
	uint8_t page[KJ_IMG_PAGE_SIZE];
	struct kj_img_writer *w;

	if (kj_img_writer_open(&w, fd, 0, &o, e))
		return -1;
	for (size_t i = 0; i < NPAGES; i++) {
		fixture_page(page, fx_pages[i].pfn);
		if (kj_img_writer_add(w, fx_pages[i].pfn,
				      fx_pages[i].kind == KJ_EXT_DATA ? page : zero, e)) {
			kj_img_writer_abort(w);
			return -1;
		}
	}
	if (kj_img_writer_set_memmap(w, fx_memmap, 3, e) ||
	    kj_img_writer_set_remap(w, fx_remap, 1, e) ||
	    kj_img_writer_set_vmap(w, fx_vmap, 1, e) ||
	    kj_img_writer_set_vmcoreinfo(w, fx_vmcoreinfo, strlen(fx_vmcoreinfo), e)) {
		kj_img_writer_abort(w);
		return -1;
	}
	kj_img_writer_set_counts(w, 4096, 12, 512);
	return kj_img_writer_finish(w, NULL, e);
}

static void print_values(FILE *f, int fd, size_t len)
{
	struct kj_img img;
	struct kj_err e = { 0 };
	const struct kj_img_header *h = &img.hdr;

	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	assert_true(img.complete);
	fprintf(f, "/* Made by KJ_REGENERATE_FIXTURES=1 build/tests/test_image_fixture\n"
	       " * (tests/unit/test_image_fixture.c) with image-v1.kjimg.gz: what the\n"
		" * writer chose when it wrote that image. */\n");
	fprintf(f, "\t.uuid = {");
	for (int i = 0; i < 16; i++)
		fprintf(f, " 0x%02x,", h->uuid[i]);
	fprintf(f, " },\n\t.created = %llu,\n", (unsigned long long)h->created);
	fprintf(f, "\t.data_bytes = 0x%llx,\n\t.index_offset = 0x%llx,\n"
	       "\t.index_size = 0x%llx,\n\t.index_xxh64 = 0x%016llxULL,\n"
	       "\t.target_min_size = 0x%llx,\n\t.image_bytes = 0x%zx,\n",
	       (unsigned long long)h->data_bytes, (unsigned long long)h->index_offset,
	       (unsigned long long)h->index_size, (unsigned long long)h->index_xxh64,
	       (unsigned long long)h->target_min_size, len);
	fprintf(f, "\t.sect = {\n");
	for (int i = 0; i < KJ_SECT_MAX; i++)
		fprintf(f, "\t\t{ %u, %u, 0x%llx, %llu },\n", h->sect[i].type, h->sect[i].entry_size,
		       (unsigned long long)h->sect[i].offset, (unsigned long long)h->sect[i].count);
	fprintf(f, "\t},\n\t.chunk = {\n");
	for (uint64_t i = 0; i < img.nchunks; i++)
		fprintf(f, "\t\t{ 0x%llx, %u, %u, %llu, 0x%016llxULL },\n",
		       (unsigned long long)img.chunk[i].offset, img.chunk[i].csize,
		       img.chunk[i].npages, (unsigned long long)img.chunk[i].first_page,
		       (unsigned long long)img.chunk[i].xxh64);
	fprintf(f, "\t},\n");
	kj_img_close(&img);
}

static void test_regenerate(void **state)
{
	char path[512], *buf = malloc(MAX_IMAGE);
	struct kj_err e = { 0 };
	int fd = fileno(tmpfile());
	FILE *values;
	gzFile gz;
	ssize_t n;

	assert_non_null(buf);
	assert_true(fd >= 0);
	if (fixture_write(fd, &e))
		fail_msg("writer: %s", e.msg);
	n = pread(fd, buf, MAX_IMAGE, 0);
	assert_true(n > 0 && n < MAX_IMAGE);
	gz = gzopen(fixture_path(path, sizeof(path)), "wb9");
	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, buf, (unsigned)n), n);
	assert_int_equal(gzclose(gz), Z_OK);
	snprintf(path + strlen(path) - strlen(FIXTURE), strlen(FIXTURE) + 1, "%s",
		 "image-v1.values.h");
	values = fopen(path, "w");
	assert_non_null(values);
	print_values(values, fd, (size_t)n);
	assert_int_equal(fclose(values), 0);
	print_message("# wrote %s and %s (commit both)\n", fixture_path(path, sizeof(path)),
		      "image-v1.values.h");
	free(buf);
	close(fd);
}

int main(void)
{
	const char *regen = getenv("KJ_REGENERATE_FIXTURES");
	const struct CMUnitTest make[] = {
		cmocka_unit_test(test_regenerate),
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_pages),
	};

	/* The fixture is made on purpose only, never by a test run. */
	if (regen && !strcmp(regen, "1"))
		return cmocka_run_group_tests_name("image_fixture_regenerate", make, NULL, NULL);
	return cmocka_run_group_tests_name("image_fixture", tests, NULL, NULL);
}
