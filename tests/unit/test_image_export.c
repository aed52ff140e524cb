// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of lib/image_export.c, `kjump export --elf`: RAM ranges of
 * less than a page (once a division by zero), a RAM range far larger than
 * what the image holds (once a loop over every page of it), and an image
 * with nothing to export. The images are made with the writer in memfds.
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
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/image.h"
#include "../../lib/image_export.h"

static const char vmcoreinfo[] = "OSRELEASE=6.12.0-test\nPAGESIZE=4096\n";

static void fill(uint8_t *page, uint64_t pfn)
{
	for (size_t i = 0; i < KJ_IMG_PAGE_SIZE; i++)
		page[i] = (uint8_t)(pfn * 7 + i * 13 + 1);
}

/* An image holding DATA pages pfns[0..n) (content fill()) with the memory
 * map mm; returns its fd, opened as img. */
static int make_image(const uint64_t *pfns, size_t n, const struct kj_img_range *mm,
		      size_t nmm, uint64_t total, struct kj_img *img)
{
	struct kj_img_writer_opts o = {
		.threads = 1, .chunk_pages = 4, .release = "6.12.0-test",
		.machine = "x86_64",
	};
	struct kj_img_writer *w;
	struct kj_err e = { 0 };
	uint8_t page[KJ_IMG_PAGE_SIZE];
	int fd = memfd_create("kjimg", 0);

	assert_true(fd >= 0);
	if (kj_img_writer_open(&w, fd, 0, &o, &e))
		fail_msg("writer: %s", e.msg);
	for (size_t i = 0; i < n; i++) {
		fill(page, pfns[i]);
		if (kj_img_writer_add(w, pfns[i], page, &e))
			fail_msg("add: %s", e.msg);
	}
	if (kj_img_writer_set_memmap(w, mm, nmm, &e) ||
	    kj_img_writer_set_vmcoreinfo(w, vmcoreinfo, strlen(vmcoreinfo), &e))
		fail_msg("sections: %s", e.msg);
	kj_img_writer_set_counts(w, total, 0, 0);
	if (kj_img_writer_finish(w, NULL, &e))
		fail_msg("finish: %s", e.msg);
	assert_int_equal(kj_img_open(img, fd, 0, &e), 0);
	if (!img->complete)
		fail_msg("image not complete: %s", img->problem);
	return fd;
}

static void expect_bytes(int fd, uint64_t off, const uint8_t *want, size_t len)
{
	uint8_t got[KJ_IMG_PAGE_SIZE];

	assert_true(len <= sizeof(got));
	assert_int_equal(pread(fd, got, len, (off_t)off), (ssize_t)len);
	assert_memory_equal(got, want, len);
}

static void test_sub_page_ranges(void **state)
{
	/* Three RAM ranges of half a page each: two share page 1. */
	static const struct kj_img_range mm[] = {
		{ 0x1000, 0x1800, 1, 0 },
		{ 0x1800, 0x2000, 1, 0 },
		{ 0x3400, 0x3c00, 1, 0 },
		{ 0xf0000, 0x100000, 2, 0 },
	};
	static const uint64_t pfns[] = { 1, 3 };
	struct kj_export_plan p;
	struct kj_err e = { 0 };
	struct kj_img img;
	uint8_t page[KJ_IMG_PAGE_SIZE];
	uint64_t written = 0;
	int fd = make_image(pfns, 2, mm, 4, 3, &img);
	int out = memfd_create("core", 0);
	struct stat st;

	assert_int_equal(kj_export_plan(&img, &p, &e), 0);
	assert_int_equal(p.nram, 3);
	assert_int_equal(p.nseg, 4);
	assert_int_equal(p.ram_pages, 3);
	assert_int_equal(p.seg[1].filesz, 0x800);
	assert_int_equal(p.seg[3].paddr, 0x3400);
	assert_int_equal(kj_export_write(&img, &p, out, NULL, NULL, &written, &e), 0);
	assert_int_equal(written, 3);
	assert_int_equal(fstat(out, &st), 0);
	assert_int_equal((uint64_t)st.st_size, p.file_size);
	/* each range gets its own part of its page, nothing more */
	fill(page, 1);
	expect_bytes(out, p.seg[1].offset, page, 0x800);
	expect_bytes(out, p.seg[2].offset, page + 0x800, 0x800);
	fill(page, 3);
	expect_bytes(out, p.seg[3].offset, page + 0x400, 0x800);
	kj_export_plan_free(&p);
	kj_img_close(&img);
	close(out);
	close(fd);
}

static void progress(uint64_t done, uint64_t total, void *arg)
{
	uint64_t *calls = arg;

	assert_true(done <= total);
	(*calls)++;
}

static void test_huge_range_bounded(void **state)
{
	/* 1 TiB of RAM holding 2 pages: the export writes 2 pages and
	 * walks no page it has nothing for (it once looped over all). */
	static const struct kj_img_range mm[] = { { 0, 1ULL << 40, 1, 0 } };
	const uint64_t last = (1ULL << 28) - 1;
	const uint64_t pfns[] = { 0x100, last };
	struct kj_export_plan p;
	struct kj_err e = { 0 };
	struct kj_img img;
	uint8_t page[KJ_IMG_PAGE_SIZE];
	uint64_t written = 0, calls = 0;
	int fd = make_image(pfns, 2, mm, 1, 1ULL << 28, &img);
	int out = memfd_create("core", 0);
	time_t t0 = time(NULL);

	assert_int_equal(kj_export_plan(&img, &p, &e), 0);
	assert_int_equal(p.ram_pages, 1ULL << 28);
	if (kj_export_write(&img, &p, out, progress, &calls, &written, &e)) {
		/* a filesystem that can't hold a 1 TiB sparse file */
		assert_int_equal(e.code, EFBIG);
	} else {
		assert_int_equal(written, 2);
		assert_true(calls <= 3);
		fill(page, 0x100);
		expect_bytes(out, p.seg[1].offset + 0x100000, page, sizeof(page));
		fill(page, last);
		expect_bytes(out, p.seg[1].offset + last * KJ_IMG_PAGE_SIZE, page,
			     sizeof(page));
	}
	assert_true(time(NULL) - t0 < 10);
	kj_export_plan_free(&p);
	kj_img_close(&img);
	close(out);
	close(fd);
}

static void test_no_ram(void **state)
{
	static const struct kj_img_range mm[] = { { 0xf0000, 0x100000, 2, 0 } };
	struct kj_export_plan p;
	struct kj_err e = { 0 };
	struct kj_img img;
	int fd = make_image(NULL, 0, mm, 1, 0, &img);

	assert_int_equal(kj_export_plan(&img, &p, &e), -1);
	assert_non_null(strstr(e.msg, "no RAM"));
	assert_null(p.seg);
	kj_img_close(&img);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sub_page_ranges),
		cmocka_unit_test(test_huge_range_bounded),
		cmocka_unit_test(test_no_ram),
	};

	return cmocka_run_group_tests_name("image export", tests, NULL, NULL);
}
