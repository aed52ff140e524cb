// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Chunks that do not compress, written as they are.
 *
 * On incompressible pages (encrypted or compressed data, random bytes)
 * zstd's fastest levels try to find matches, find none, and emit raw
 * blocks: the output is the input plus block headers, and the search
 * was spent for nothing. Under QEMU TCG that search runs at about a
 * tenth of the speed of a copy. kj_chunk_is_incompressible() asks zstd
 * about a few sample pages first; when none of them compresses, the
 * writer builds the frame zstd would have produced itself: a standard
 * zstd frame (RFC 8878) of raw blocks with its content checksum, which
 * every zstd decoder (and every reader of kjump images) reads as any
 * other frame. Nothing in the image format changes.
 *
 * The trade-off: a chunk whose sampled pages do not compress but whose
 * other pages would is stored larger than zstd would have made it; the
 * samples are spread over the chunk so that this needs pages of both
 * kinds interleaved at a finer grain than the sampling.
 */
#ifndef KJUMP_STORED_FRAME_H
#define KJUMP_STORED_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <zstd.h>

/* Pages of a chunk sampled, at most (fewer when the chunk has fewer). */
#define KJ_STORED_SAMPLE_PAGES 16u

/* Bytes a stored frame of len content bytes takes. */
size_t kj_stored_frame_size(size_t len);

/*
 * Write into out (cap bytes) a zstd frame holding in[0..len) in raw
 * blocks, with its content size and content checksum; 0 < len < 4 GiB - 1.
 * Returns the frame's size, or 0 when cap is smaller than
 * kj_stored_frame_size(len) or len is out of range.
 */
size_t kj_stored_frame_write(void *out, size_t cap, const void *in, size_t len);

/*
 * The content of a stored frame, read without zstd: when frame[0..len) is
 * laid out exactly as kj_stored_frame_write() lays out a content of cap
 * bytes (any other frame, however valid for zstd, is not), copy the
 * content to out and return cap; with check_content, only when the
 * frame's content checksum is right as well. Otherwise 0, and out's
 * content is undefined: the caller decodes the frame with zstd, which
 * reads any frame and says what is wrong with a bad one.
 *
 * Why: zstd copies a raw block with one memmove of up to 128 KiB, which
 * glibc does with `rep movsb`; QEMU's TCG runs that at a fifth of the
 * speed of the page-sized copies used here (both run at memory speed on
 * hardware). Resume reads every chunk of an incompressible image this way.
 */
size_t kj_stored_frame_read(void *out, size_t cap, const void *frame, size_t len,
			    bool check_content);

/*
 * Whether none of up to KJ_STORED_SAMPLE_PAGES pages of the chunk in
 * (npages pages of 4 KiB), spread evenly over it, compresses by more than
 * 1/32 with cctx's parameters (its level). scratch holds at least
 * ZSTD_compressBound(4096) bytes. A zstd error counts as "compresses": the
 * caller then compresses the chunk and reports the error from there.
 */
bool kj_chunk_is_incompressible(ZSTD_CCtx *cctx, const void *in, size_t npages,
				void *scratch, size_t scratch_cap);

#endif
