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
#include <xxhash.h>

#define FRAME_MAGIC	   0xFD2FB528u
#define SINGLE_SEGMENT	   (1u << 5)
#define CONTENT_CHECKSUM   (1u << 2)
#define BLOCK_HEADER_BYTES 3u
#define BLOCK_MAX	   (128u * 1024u)
#define CHECKSUM_BYTES	   4u
#define SAMPLE_PAGE	   4096u

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
		memcpy(o + BLOCK_HEADER_BYTES, src + done, n);
		o += BLOCK_HEADER_BYTES + n;
		done += n;
	}
	put_le32(o, (uint32_t)XXH64(in, len, 0));
	return size;
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
