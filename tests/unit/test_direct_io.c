// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/direct_io.c: a buffer of kj_direct_buffer_size()
 * holds the aligned blocks around any range; reads at odd offsets and
 * lengths give the file's bytes, directly (where the bytes lie a little
 * after the buffer's start) when the file system takes O_DIRECT, through
 * the page cache otherwise, with an unaligned buffer, or past the file's
 * last full block; a read past the end fails and names what it read.
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

#include "../../lib/direct_io.h"

#define FILE_BYTES (100 * 1024 + 123)

struct fixture {
	char path[256];
	int fd, dfd;
	uint8_t *content;
	void *buf;
	size_t buf_bytes;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/var/tmp";
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	if (!f)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/kjump-direct-XXXXXX", dir);
	f->fd = mkstemp(f->path);
	f->content = malloc(FILE_BYTES);
	if (f->fd < 0 || !f->content)
		return -1;
	for (size_t i = 0; i < FILE_BYTES; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		f->content[i] = (uint8_t)x;
	}
	if (write(f->fd, f->content, FILE_BYTES) != FILE_BYTES || fsync(f->fd))
		return -1;
	f->dfd = kj_direct_reopen(f->fd, false);
	f->buf_bytes = kj_direct_buffer_size(FILE_BYTES) + KJ_DIRECT_ALIGN;
	if (posix_memalign(&f->buf, KJ_DIRECT_ALIGN, f->buf_bytes))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->dfd >= 0)
		close(f->dfd);
	close(f->fd);
	unlink(f->path);
	free(f->content);
	free(f->buf);
	free(f);
	return 0;
}

static void test_buffer_size_covers_the_blocks(void **state)
{
	(void)state;
	for (size_t len = 1; len < 3 * KJ_DIRECT_ALIGN; len += 7)
		for (uint64_t off = 0; off < KJ_DIRECT_ALIGN; off += 61) {
			uint64_t start = off / KJ_DIRECT_ALIGN * KJ_DIRECT_ALIGN;
			uint64_t end = (off + len + KJ_DIRECT_ALIGN - 1) / KJ_DIRECT_ALIGN *
				KJ_DIRECT_ALIGN;

			assert_true(end - start <= kj_direct_buffer_size(len));
			assert_int_equal(kj_direct_buffer_size(len) % KJ_DIRECT_ALIGN, 0);
		}
}

/* Ranges at odd places: their bytes, and where they lie in buf. */
static void test_ranges(void **state)
{
	struct fixture *f = *state;
	static const struct { uint64_t off; size_t len; } r[] = {
		{ 0, 1 }, { 0, 4096 }, { 4095, 2 }, { 5000, 20000 }, { 8192, 8192 },
		{ 12345, 65536 }, { FILE_BYTES - 4096 - 123 - 1, 100 },
		{ FILE_BYTES - 10, 10 }, { 0, FILE_BYTES },
	};
	uint64_t blocks_end = FILE_BYTES / KJ_DIRECT_ALIGN * KJ_DIRECT_ALIGN;

	/* /var/tmp on a disk takes O_DIRECT; tmpfs refuses it, and then
	 * only the fallback is tested here */
	if (f->dfd < 0)
		print_message("# %s refuses O_DIRECT: testing the page cache path only\n",
			      f->path);
	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		void *bytes = NULL;
		struct kj_err e = { 0 };

		memset(f->buf, 0, f->buf_bytes);
		assert_int_equal(kj_direct_pread(f->fd, f->dfd, f->buf, r[i].len, r[i].off,
						 &bytes, "a range", &e), 0);
		assert_memory_equal(bytes, f->content + r[i].off, r[i].len);
		uint64_t end = (r[i].off + r[i].len + KJ_DIRECT_ALIGN - 1) / KJ_DIRECT_ALIGN *
			KJ_DIRECT_ALIGN;
		if (f->dfd >= 0 && end <= blocks_end)	/* whole blocks: direct */
			assert_ptr_equal(bytes, (uint8_t *)f->buf + r[i].off % KJ_DIRECT_ALIGN);
		else if (f->dfd < 0)
			assert_ptr_equal(bytes, f->buf);
		/* past the last whole block either way works */
	}
}

static void test_fallbacks(void **state)
{
	struct fixture *f = *state;
	uint8_t *odd = (uint8_t *)f->buf + 16;
	void *bytes = NULL;
	struct kj_err e = { 0 };

	/* no direct descriptor */
	assert_int_equal(kj_direct_pread(f->fd, -1, f->buf, 3000, 7000, &bytes, "a range",
					 &e), 0);
	assert_ptr_equal(bytes, f->buf);
	assert_memory_equal(bytes, f->content + 7000, 3000);
	/* a buffer O_DIRECT would refuse: read into it through the cache */
	assert_int_equal(kj_direct_pread(f->fd, f->dfd, odd, 3000, 7000, &bytes, "a range",
					 &e), 0);
	assert_ptr_equal(bytes, odd);
	assert_memory_equal(bytes, f->content + 7000, 3000);
}

static void test_past_the_end(void **state)
{
	struct fixture *f = *state;
	void *bytes = NULL;
	struct kj_err e = { 0 };

	assert_int_equal(kj_direct_pread(f->fd, f->dfd, f->buf, 200, FILE_BYTES - 100,
					 &bytes, "the chunk", &e), -1);
	assert_non_null(strstr(e.msg, "the chunk"));
	assert_int_equal(kj_direct_pread(f->fd, f->dfd, f->buf, 1, UINT64_MAX - 10, &bytes,
					 "the chunk", &e), -1);
}

static void test_writes(void **state)
{
	struct fixture *f = *state;
	int wfd = kj_direct_reopen(f->fd, true);
	uint8_t *blocks = f->buf, back[3 * KJ_DIRECT_ALIGN];
	struct kj_err e = { 0 };

	if (wfd < 0)
		print_message("# %s refuses O_DIRECT: testing the page cache path only\n",
			      f->path);
	/* cache the old bytes first: the direct write must not leave them */
	assert_int_equal(pread(f->fd, back, sizeof(back), 2 * KJ_DIRECT_ALIGN),
			 (ssize_t)sizeof(back));
	memset(blocks, 0x3c, 2 * KJ_DIRECT_ALIGN);
	assert_int_equal(kj_direct_pwrite(f->fd, wfd, blocks, 2 * KJ_DIRECT_ALIGN,
					  2 * KJ_DIRECT_ALIGN, "two blocks", &e), 0);
	memcpy(f->content + 2 * KJ_DIRECT_ALIGN, blocks, 2 * KJ_DIRECT_ALIGN);
	/* not aligned: through the page cache */
	memset(blocks, 0xc3, 100);
	assert_int_equal(kj_direct_pwrite(f->fd, wfd, blocks, 100, 5 * KJ_DIRECT_ALIGN + 7,
					  "a few bytes", &e), 0);
	memcpy(f->content + 5 * KJ_DIRECT_ALIGN + 7, blocks, 100);
	uint8_t *all = malloc(FILE_BYTES);
	assert_non_null(all);
	assert_int_equal(pread(f->fd, all, FILE_BYTES, 0), FILE_BYTES);
	assert_memory_equal(all, f->content, FILE_BYTES);
	free(all);
	/* a failure names what was written */
	assert_int_equal(kj_direct_pwrite(-1, wfd, blocks, 100, 0, "the header", &e), -1);
	assert_non_null(strstr(e.msg, "the header"));
	if (wfd >= 0)
		close(wfd);
}

static void test_reopen(void **state)
{
	struct fixture *f = *state;
	int fds[2];

	(void)f;
	assert_int_equal(kj_direct_reopen(-1, false), -1);
	assert_int_equal(kj_direct_reopen(1 << 20, true), -1);
	/* a closed descriptor */
	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	assert_int_equal(kj_direct_reopen(fds[0], false), -1);
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buffer_size_covers_the_blocks),
		cmocka_unit_test_setup_teardown(test_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallbacks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_past_the_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
