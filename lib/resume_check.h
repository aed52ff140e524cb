/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What `kjump resume` checks before the point of no return, beyond what
 * kj_img_open() validates: after the jump nothing can be checked any more,
 * and a restore payload that finds a bad chunk or an extent it cannot
 * write halts half-way with the machine lost. So every refusal a check
 * here can make is made in C, before kexec_load.
 *
 *  - the image's kind: a snapshot is not a hibernation image (its system
 *    ran on after it, and so did its disks);
 *  - every extent lies in the saved system's RAM (its memory map) and in
 *    this machine's RAM;
 *  - the jump-back entry lies in a page the image restores with content;
 *  - every chunk: XXH64, one zstd frame with its content checksum, and
 *    decompression (which checks that checksum) to exactly its pages,
 *    done by several threads at once.
 *
 * No I/O: the caller hands in the image, the RAM ranges and, through a
 * callback, each chunk's bytes. Each function returns 0, or -1 with a
 * message that names what is wrong and where.
 */
#ifndef KJUMP_RESUME_CHECK_H
#define KJUMP_RESUME_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "direct_io.h"
#include "error.h"
#include "image.h"
#include "ranges.h"

/* A hibernation image passes; a snapshot only with snapshot_ok (the user
 * said --snapshot); any other kind never. */
int kj_resume_check_kind(const struct kj_img *img, bool snapshot_ok, struct kj_err *e);

/* Every extent inside A's RAM (the memory map's type 1 ranges) and inside
 * c_ram (this machine's System RAM). The message names the first extent
 * that is not. */
int kj_resume_check_extents(const struct kj_img *img, const struct kj_ranges *c_ram,
			    struct kj_err *e);

/* The jump-back entry: not zero, in A's RAM, and in a page the image
 * holds with content (a DATA extent): A's re-entry code. */
int kj_resume_check_entry(const struct kj_img *img, struct kj_err *e);

/* Chunk idx's csize bytes: kj_img_check_frame() (which decrypts a sealed
 * chunk in place), then decompression into
 * out (npages * 4096 bytes) with dctx (a ZSTD_DCtx *), which must give
 * exactly npages * 4096 bytes and a right content checksum (a sealed
 * chunk's tag stands for that checksum: kj_img_new_dctx). */
int kj_resume_check_chunk(const struct kj_img *img, uint64_t idx, void *bytes,
			  void *out, void *dctx, struct kj_err *e);

/* Read chunk idx's csize bytes into buf and set *bytes to where they
 * begin in it: buf is KJ_DIRECT_ALIGN-aligned and has
 * kj_direct_buffer_size(csize) bytes, room for a direct read of the
 * blocks around the chunk (lib/direct_io.h). May be called from any of
 * the threads, for different chunks at once. */
typedef int (*kj_resume_fetch_fn)(void *arg, uint64_t idx, void *buf, void **bytes,
				  struct kj_err *e);
/* Chunk idx passed; frame holds its bytes and pages its npages pages,
 * decompressed, until this returns. Called from the checking threads, for
 * different chunks at once; may be NULL. */
typedef void (*kj_resume_passed_fn)(void *arg, uint64_t idx, const void *frame,
				    const void *pages);
/* After each chunk, one call at a time, done counting up; may be NULL. */
typedef void (*kj_resume_progress_fn)(void *arg, uint64_t done, uint64_t total);

struct kj_resume_chunks_in {
	const struct kj_img *img;	/* complete */
	unsigned threads;		/* 0: 1; at most KJ_IMG_MAX_THREADS */
	kj_resume_fetch_fn fetch;
	kj_resume_passed_fn passed;	/* pages is NULL with checksums_only */
	kj_resume_progress_fn progress;
	void *arg;
	bool checksums_only;		/* kj_img_check_frame() only, no
					 * decompression: B's read-back */
};

/*
 * Check every chunk with kj_resume_check_chunk(), in->threads at a time.
 * Stops at the first failure; the error is that of the lowest-numbered
 * chunk that failed (every chunk below it passed), and *bad_chunk (may be
 * NULL) its number, or UINT64_MAX for a failure that is no chunk's (out
 * of memory, no threads).
 */
int kj_resume_check_chunks(const struct kj_resume_chunks_in *in, uint64_t *bad_chunk,
			   struct kj_err *e);

#endif
