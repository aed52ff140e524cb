// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Chunks that do not compress, written as they are: see stored_frame.h.
 *
 * zstd's API has no "store" level, so the frame is built here, after the
 * Zstandard format (RFC 8878, section 3.1.1):
 *
 *   magic        4 bytes, 0xFD2FB528 little-endian
 *   descriptor   1 byte: Frame_Content_Size_flag (bits 6-7), the size of
 *                the content size field below, Single_Segment_flag 1
 *                (bit 5: no window descriptor, the window is the content
 *                size), Content_Checksum_flag 1 (bit 2)
 *   content size little-endian, in the fewest bytes the format allows:
 *                1 byte below 256, 2 bytes (the size less 256) below
 *                65792, else 4 bytes (8 are never needed: len < 4 GiB)
 *   blocks       each a 3-byte little-endian header (bit 0: last block,
 *                bits 1-2: type 0 = raw, bits 3-23: size) and that many
 *                bytes of content; at most 128 KiB each (the format's
 *                Block_Maximum_Size)
 *   checksum     4 bytes: the low 32 bits of XXH64(content, seed 0),
 *                little-endian
 *
 * These are the choices libzstd makes itself when it gives up on
 * compressing an input its window covers, so a small stored frame is byte
 * for byte the frame zstd would have written (tests/unit/test_stored_frame.c
 * checks this). For a larger input zstd would give a window descriptor
 * instead of the single segment; a single segment as large as a chunk
 * (64 MiB at most) is within what libzstd decodes by default (128 MiB),
 * and one-shot decoding, which is all kjump does, needs no window at all.
 */
#include "stored_frame.h"

#include <stdint.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY	/* XXH64_state_t on the stack */
#include <xxhash.h>

#define FRAME_MAGIC	   0xFD2FB528u
#define SINGLE_SEGMENT	   (1u << 5)
#define CONTENT_CHECKSUM   (1u << 2)
#define BLOCK_HEADER_BYTES 3u
#define BLOCK_MAX	   (128u * 1024u)
#define CHECKSUM_BYTES	   4u
#define SAMPLE_PAGE	   4096u

/*
 * memcpy in pieces of a page: glibc copies larger blocks with `rep movsb`,
 * which QEMU's TCG runs about five times slower than the vector loop it
 * uses for a page (kjump's tests and many users run under TCG). On
 * hardware both run at memory speed, so this costs nothing there.
 */
static void copy_in_pages(uint8_t *d, const uint8_t *s, size_t n)
{
	while (n) {
		size_t k = n < SAMPLE_PAGE ? n : SAMPLE_PAGE;

		memcpy(d, s, k);
		d += k, s += k, n -= k;
	}
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Frame_Content_Size_flag for a content of len bytes, and the bytes of
 * the field it stands for. */
static unsigned size_flag(size_t len)
{
	return len < 256 ? 0 : len < 65536 + 256 ? 1 : 2;
}

static size_t size_field_bytes(unsigned flag)
{
	return (size_t)1 << flag;	/* 1, 2, 4 */
}

size_t kj_stored_frame_size(size_t len)
{
	size_t blocks = (len + BLOCK_MAX - 1) / BLOCK_MAX;

	return 4 + 1 + size_field_bytes(size_flag(len)) + blocks * BLOCK_HEADER_BYTES +
		len + CHECKSUM_BYTES;
}

size_t kj_stored_frame_write(void *out, size_t cap, const void *in, size_t len)
{
	uint8_t *o = out;
	const uint8_t *src = in;
	size_t done = 0, size;

	if (len == 0 || len >= UINT32_MAX)
		return 0;
	size = kj_stored_frame_size(len);
	if (cap < size)
		return 0;
	unsigned flag = size_flag(len);

	put_le32(o, FRAME_MAGIC);
	o[4] = (uint8_t)((flag << 6) | SINGLE_SEGMENT | CONTENT_CHECKSUM);
	o += 5;
	if (flag == 0) {
		o[0] = (uint8_t)len;
	} else if (flag == 1) {
		o[0] = (uint8_t)(len - 256);
		o[1] = (uint8_t)((len - 256) >> 8);
	} else {
		put_le32(o, (uint32_t)len);
	}
	o += size_field_bytes(flag);
	while (done < len) {
		uint32_t n = len - done < BLOCK_MAX ? (uint32_t)(len - done) : BLOCK_MAX;
		uint32_t last = done + n == len;
		uint32_t block_header = last | (0u << 1) | (n << 3);

		o[0] = (uint8_t)block_header;
		o[1] = (uint8_t)(block_header >> 8);
		o[2] = (uint8_t)(block_header >> 16);
		copy_in_pages(o + BLOCK_HEADER_BYTES, src + done, n);
		o += BLOCK_HEADER_BYTES + n;
		done += n;
	}
	put_le32(o, (uint32_t)XXH64(in, len, 0));
	return size;
}

static uint32_t get_le24(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

static uint32_t get_le32(const uint8_t *p)
{
	return get_le24(p) | (uint32_t)p[3] << 24;
}

size_t kj_stored_frame_read(void *out, size_t cap, const void *frame, size_t len,
			    bool check_content)
{
	const uint8_t *f = frame;
	uint8_t *o = out;
	size_t done = 0;
	XXH64_state_t xs;

	/* the exact size first: every offset below then lies inside */
	if (cap == 0 || cap >= UINT32_MAX || len != kj_stored_frame_size(cap))
		return 0;
	unsigned flag = size_flag(cap);
	size_t at = 5 + size_field_bytes(flag), content;

	if (get_le32(f) != FRAME_MAGIC ||
	    f[4] != (uint8_t)((flag << 6) | SINGLE_SEGMENT | CONTENT_CHECKSUM))
		return 0;
	content = flag == 0 ? f[5] : flag == 1 ? 256 + (f[5] | (size_t)f[6] << 8) :
		get_le32(f + 5);
	if (content != cap)
		return 0;
	if (check_content)
		XXH64_reset(&xs, 0);
	while (done < cap) {
		uint32_t n = cap - done < BLOCK_MAX ? (uint32_t)(cap - done) : BLOCK_MAX;
		uint32_t last = done + n == cap;

		if (get_le24(f + at) != (last | (n << 3)))	/* raw, this size */
			return 0;
		at += BLOCK_HEADER_BYTES;
		copy_in_pages(o + done, f + at, n);
		if (check_content)
			XXH64_update(&xs, f + at, n);
		at += n;
		done += n;
	}
	if (check_content && get_le32(f + at) != (uint32_t)XXH64_digest(&xs))
		return 0;
	return cap;
}

bool kj_chunk_is_incompressible(ZSTD_CCtx *cctx, const void *in, size_t npages,
				void *scratch, size_t scratch_cap)
{
	const uint8_t *pages = in;
	size_t samples = npages < KJ_STORED_SAMPLE_PAGES ? npages : KJ_STORED_SAMPLE_PAGES;

	if (samples == 0)
		return false;
	for (size_t i = 0; i < samples; i++) {
		/* the middle page of each of `samples` equal parts */
		size_t page = (2 * i + 1) * npages / (2 * samples);
		size_t r = ZSTD_compress2(cctx, scratch, scratch_cap,
					  pages + page * SAMPLE_PAGE, SAMPLE_PAGE);

		if (ZSTD_isError(r) || r * 32 < (size_t)SAMPLE_PAGE * 31)
			return false;
	}
	return true;
}
