// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/stored_frame.c: a stored frame of any length (one
 * page, a block's worth exactly, one byte more than a block, a whole
 * chunk) is one zstd frame to libzstd itself, with its content size and
 * checksum, decompresses to its content, and is no larger than zstd's
 * own bound; any byte of its content or checksum changed is caught by
 * the decoder; the sampler says "incompressible" for random pages only,
 * and "compresses" as soon as one sampled page compresses; where zstd's
 * window covers the input, the frame is the one zstd writes itself; and the image
 * writer stores random chunks and compresses the others, in an image the
 * reader accepts and reads back page for page, plain and sealed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "../../lib/image.h"
#include "../../lib/seal.h"
#include "../../lib/stored_frame.h"

#define PAGE 4096u
#define BLOCK (128u * 1024u)

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void random_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(next_random() >> 32);
}

/* A page of text-like bytes: compresses to well under half. */
static void text_page(uint8_t *p, uint64_t salt)
{
	static const char words[] = "the quick brown fox jumps over the lazy dog ";

	for (size_t k = 0; k < PAGE; k++)
		p[k] = (uint8_t)words[(k + salt) % (sizeof(words) - 1)];
}

static void test_frame_round_trip(void **state)
{
	const size_t lengths[] = { 1, PAGE, BLOCK - 1, BLOCK, BLOCK + 1,
				   3 * BLOCK + PAGE, 1024 * PAGE };

	(void)state;
	for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		size_t len = lengths[i], bound = ZSTD_compressBound(len);
		uint8_t *in = malloc(len), *frame = malloc(bound), *back = malloc(len);
		size_t size;

		assert_non_null(in);
		assert_non_null(frame);
		assert_non_null(back);
		random_bytes(in, len);
		size = kj_stored_frame_write(frame, bound, in, len);
		assert_int_equal(size, kj_stored_frame_size(len));
		assert_true(size <= bound);
		assert_int_equal(ZSTD_findFrameCompressedSize(frame, size), size);
		assert_int_equal(ZSTD_getFrameContentSize(frame, size), len);
		assert_true(frame[4] & 0x04);	/* content checksum flag */
		assert_int_equal(ZSTD_decompress(back, len, frame, size), len);
		assert_memory_equal(back, in, len);
		/* a capacity one byte short is refused, not overrun */
		assert_int_equal(kj_stored_frame_write(frame, size - 1, in, len), 0);
		free(in);
		free(frame);
		free(back);
	}
	assert_int_equal(kj_stored_frame_write((uint8_t[64]){ 0 }, 64, "", 0), 0);
}

/* Where zstd's window covers the input (small chunks), zstd itself gives
 * up on random bytes and writes exactly the stored frame. */
static void test_frame_is_zstds_own(void **state)
{
	const size_t lengths[] = { PAGE, 4 * PAGE, BLOCK + PAGE };

	(void)state;
	for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		size_t len = lengths[i], bound = ZSTD_compressBound(len);
		uint8_t *in = malloc(len), *ours = malloc(bound), *zstds = malloc(bound);
		ZSTD_CCtx *c = ZSTD_createCCtx();
		size_t n;

		assert_non_null(in);
		assert_non_null(ours);
		assert_non_null(zstds);
		assert_non_null(c);
		random_bytes(in, len);
		assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 1)));
		assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)));
		n = ZSTD_compress2(c, zstds, bound, in, len);
		assert_int_equal(kj_stored_frame_write(ours, bound, in, len), n);
		assert_memory_equal(ours, zstds, n);
		ZSTD_freeCCtx(c);
		free(in);
		free(ours);
		free(zstds);
	}
}

/* Every byte of content and of the checksum matters to the decoder. */
static void test_frame_damage_caught(void **state)
{
	size_t len = 2 * BLOCK + 100, bound = ZSTD_compressBound(len);
	uint8_t *in = malloc(len), *frame = malloc(bound), *back = malloc(len);
	size_t size;

	(void)state;
	assert_non_null(in);
	assert_non_null(frame);
	assert_non_null(back);
	random_bytes(in, len);
	size = kj_stored_frame_write(frame, bound, in, len);
	assert_true(size > 0);
	/* content bytes: first, inside the second block, the last; then
	 * each checksum byte */
	const size_t at[] = { 9 + 3, 9 + 3 + BLOCK + 3 + 17, size - 5,
			      size - 4, size - 3, size - 2, size - 1 };
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		frame[at[i]] ^= 0x40;
		assert_true(ZSTD_isError(ZSTD_decompress(back, len, frame, size)));
		frame[at[i]] ^= 0x40;
	}
	assert_int_equal(ZSTD_decompress(back, len, frame, size), len);
	free(in);
	free(frame);
	free(back);
}

/* kjump reads its own stored frames back without zstd: the same content
 * for every length, with and without the content check; anything else
 * (a frame zstd compressed, a raw frame zstd laid out otherwise, another
 * length, a changed byte anywhere with the check) is left to zstd. */
static void test_frame_read_back(void **state)
{
	const size_t lengths[] = { 1, 255, 256, PAGE, BLOCK - 1, BLOCK, BLOCK + 1,
				   65536 + 255, 65536 + 256, 3 * BLOCK + PAGE, 1024 * PAGE };

	(void)state;
	for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		size_t len = lengths[i], bound = ZSTD_compressBound(len);
		uint8_t *in = malloc(len), *frame = malloc(bound), *back = malloc(len + 1);
		size_t size;

		assert_non_null(in);
		assert_non_null(frame);
		assert_non_null(back);
		random_bytes(in, len);
		size = kj_stored_frame_write(frame, bound, in, len);
		for (int check = 0; check < 2; check++) {
			memset(back, 0xa5, len + 1);
			assert_int_equal(kj_stored_frame_read(back, len, frame, size, check), len);
			assert_memory_equal(back, in, len);
			assert_int_equal(back[len], 0xa5);	/* nothing past it */
		}
		/* another content length, another frame length */
		if (len > 1)
			assert_int_equal(kj_stored_frame_read(back, len - 1, frame, size, true), 0);
		assert_int_equal(kj_stored_frame_read(back, len + 1, frame, size, true), 0);
		assert_int_equal(kj_stored_frame_read(back, len, frame, size - 1, true), 0);
		assert_int_equal(kj_stored_frame_read(back, len, frame, size + 1, true), 0);
		free(in);
		free(frame);
		free(back);
	}
	assert_int_equal(kj_stored_frame_read(NULL, 0, "", 0, true), 0);
}

static void test_frame_read_leaves_others_to_zstd(void **state)
{
	size_t len = 3 * BLOCK + 100, bound = ZSTD_compressBound(len);
	uint8_t *in = malloc(len), *frame = malloc(bound), *back = malloc(len);
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t size;

	(void)state;
	assert_non_null(in);
	assert_non_null(frame);
	assert_non_null(back);
	assert_non_null(c);
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)));
	/* compressed by zstd: not a stored frame */
	for (size_t p = 0; p < len; p++)
		in[p] = (uint8_t)"the quick brown fox "[p % 20];
	size = ZSTD_compress2(c, frame, bound, in, len);
	assert_false(ZSTD_isError(size));
	assert_int_equal(kj_stored_frame_read(back, len, frame, size, true), 0);
	/* random bytes zstd itself gave up on: raw blocks, but with a window
	 * descriptor instead of a single segment (larger than its window) */
	random_bytes(in, len);
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, 17)));
	size = ZSTD_compress2(c, frame, bound, in, len);
	assert_false(ZSTD_isError(size));
	assert_int_equal(ZSTD_decompress(back, len, frame, size), len);
	assert_int_equal(kj_stored_frame_read(back, len, frame, size, true), 0);
	/* ours, every byte changed in turn: refused with the content check
	 * (header, block headers, content, checksum); without it, a change
	 * to the content or its checksum goes through (the caller checked
	 * the frame's own checksum or seal first) */
	size = kj_stored_frame_write(frame, bound, in, len);
	for (size_t at = 0; at < size; at++) {
		bool content = at >= size - 4;	/* the checksum */

		for (size_t b = 0; b < 4; b++) {
			size_t start = 9 + 3 + b * (BLOCK + 3), end = start +
				(b < 3 ? BLOCK : 100);

			content |= at >= start && at < end;
		}
		frame[at] ^= 0x10;
		assert_int_equal(kj_stored_frame_read(back, len, frame, size, true), 0);
		assert_int_equal(kj_stored_frame_read(back, len, frame, size, false),
				 content ? len : 0);
		frame[at] ^= 0x10;
	}
	assert_int_equal(kj_stored_frame_read(back, len, frame, size, true), len);
	assert_memory_equal(back, in, len);
	ZSTD_freeCCtx(c);
	free(in);
	free(frame);
	free(back);
}

static ZSTD_CCtx *level_one(void)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();

	assert_non_null(c);
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 1)));
	return c;
}

static void test_sampler(void **state)
{
	const size_t npages = 1024;
	uint8_t *chunk = malloc(npages * PAGE), scratch[4352];
	ZSTD_CCtx *c = level_one();

	(void)state;
	assert_non_null(chunk);
	random_bytes(chunk, npages * PAGE);
	assert_true(kj_chunk_is_incompressible(c, chunk, npages, scratch, sizeof(scratch)));
	/* a single random page, and a two-page chunk */
	assert_true(kj_chunk_is_incompressible(c, chunk, 1, scratch, sizeof(scratch)));
	assert_true(kj_chunk_is_incompressible(c, chunk, 2, scratch, sizeof(scratch)));
	assert_false(kj_chunk_is_incompressible(c, chunk, 0, scratch, sizeof(scratch)));
	/* one compressible page where the last sample falls (the middle of
	 * the last sixteenth) is enough to compress the whole chunk */
	text_page(chunk + (31 * npages / 32) * PAGE, 3);
	assert_false(kj_chunk_is_incompressible(c, chunk, npages, scratch, sizeof(scratch)));
	/* the first sample's page */
	random_bytes(chunk, npages * PAGE);
	memset(chunk + (npages / 32) * PAGE, 0, PAGE);
	assert_false(kj_chunk_is_incompressible(c, chunk, npages, scratch, sizeof(scratch)));
	/* text throughout */
	for (size_t p = 0; p < npages; p++)
		text_page(chunk + p * PAGE, p);
	assert_false(kj_chunk_is_incompressible(c, chunk, npages, scratch, sizeof(scratch)));
	/* scratch too small for a sample's frame: a zstd error, which
	 * counts as "compresses" (the caller compresses and reports) */
	random_bytes(chunk, npages * PAGE);
	assert_false(kj_chunk_is_incompressible(c, chunk, npages, scratch, 64));
	ZSTD_freeCCtx(c);
	free(chunk);
}

/* Chunks 0, 2, 4: random; 1, 3: text; 5: half a chunk, random. */
#define CHUNKS 6
#define CHUNK_PAGES 64u
#define LAST_PAGES 32u

static void image_with_stored_chunks(const struct kj_seal_params *seal,
				     const struct kj_seal_secret *secret)
{
	const uint64_t pages = (CHUNKS - 1) * CHUNK_PAGES + LAST_PAGES;
	uint8_t *mem = malloc(pages * PAGE), *out = malloc(CHUNK_PAGES * PAGE);
	char path[] = "/tmp/kjump-stored-frame-XXXXXX";
	int fd = mkstemp(path);
	struct kj_img_writer_opts o = { .threads = 2, .chunk_pages = CHUNK_PAGES,
					.seal = seal };
	struct kj_img_writer *w;
	struct kj_img_stats st;
	struct kj_img img;
	struct kj_err e;

	assert_non_null(mem);
	assert_non_null(out);
	assert_true(fd >= 0);
	unlink(path);
	for (uint64_t p = 0; p < pages; p++) {
		if ((p / CHUNK_PAGES) % 2)
			text_page(mem + p * PAGE, p);
		else
			random_bytes(mem + p * PAGE, PAGE);
	}
	assert_int_equal(kj_img_writer_open(&w, fd, 0, &o, &e), 0);
	for (uint64_t p = 0; p < pages; p++)
		assert_int_equal(kj_img_writer_add(w, 0x1000 + p, mem + p * PAGE, &e), 0);
	assert_int_equal(kj_img_writer_finish(w, &st, &e), 0);
	assert_int_equal(st.chunks, CHUNKS);
	assert_int_equal(st.chunks_stored, 3);
	/* stored chunks are their pages and a little framing; the text
	 * ones far less */
	assert_true(st.bytes_out > 3 * (CHUNK_PAGES + LAST_PAGES) / 2 * PAGE);
	assert_true(st.bytes_out < (3 * CHUNK_PAGES + 16) * PAGE);

	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	if (secret)
		assert_int_equal(kj_img_unseal(&img, secret, &e), 0);
	assert_true(img.complete);
	assert_int_equal(img.nchunks, CHUNKS);
	for (uint64_t c = 0; c < CHUNKS; c++) {
		uint32_t n = c == CHUNKS - 1 ? LAST_PAGES : CHUNK_PAGES;

		assert_int_equal(kj_img_read_chunk(&img, c, out, &e), 0);
		assert_memory_equal(out, mem + c * CHUNK_PAGES * PAGE, (size_t)n * PAGE);
		/* a stored chunk holds its pages in clear unless sealed */
		uint8_t *frame = malloc(img.chunk[c].csize);
		assert_non_null(frame);
		assert_int_equal(pread(fd, frame, img.chunk[c].csize, (off_t)img.chunk[c].offset),
				 (ssize_t)img.chunk[c].csize);
		/* header: 4 + 1 + 4 (content size), block header: 3 */
		bool clear = memcmp(frame + 9 + 3, mem + c * CHUNK_PAGES * PAGE, 64) == 0;
		assert_int_equal(clear, !secret && c % 2 == 0);
		free(frame);
	}
	assert_int_equal(kj_img_verify(&img, NULL, NULL, NULL, &e), 0);
	kj_img_close(&img);
	close(fd);
	free(mem);
	free(out);
}

static void test_writer_stores_incompressible_chunks(void **state)
{
	(void)state;
	image_with_stored_chunks(NULL, NULL);
}

static void test_writer_stores_and_seals(void **state)
{
	static const uint8_t key[32] = "stored frame test key, no secret";
	const struct kj_seal_secret s = { KJ_SECRET_KEYFILE, key, sizeof(key) };
	struct kj_seal_params sp;
	struct kj_err e;

	(void)state;
	assert_int_equal(kj_seal_params_new(&sp, &s, 0, 0, &e), 0);
	image_with_stored_chunks(&sp, &s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_round_trip),
		cmocka_unit_test(test_frame_is_zstds_own),
		cmocka_unit_test(test_frame_damage_caught),
		cmocka_unit_test(test_frame_read_back),
		cmocka_unit_test(test_frame_read_leaves_others_to_zstd),
		cmocka_unit_test(test_sampler),
		cmocka_unit_test(test_writer_stores_incompressible_chunks),
		cmocka_unit_test(test_writer_stores_and_seals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
