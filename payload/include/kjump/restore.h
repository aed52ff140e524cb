/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What `kjump resume` hands to the restore payload (payload/restore/).
 *
 * The payload image holds one struct kj_restore_params (found by magic,
 * filled by kjump). It points at the manifest, a separate kexec segment:
 * a struct kj_restore_manifest followed by the arrays it names. Every
 * address is physical. Everything the payload reads or runs on (itself,
 * its page tables, scratch and stack, the manifest, the compressed chunks)
 * lies in pages the saved system A does not need back, so restoring A's
 * pages never overwrites anything still to be used.
 *
 * The compressed chunks are not kexec segments: they stay in the pages of
 * `kjump resume`'s own memory where C read them, pages kjump chose (and
 * pinned) because A does not need them. The kernel's kexec leaves them
 * alone, and the manifest lists them page by page, so neither the 16
 * segments nor the half-of-RAM limit of kexec_load bound an image.
 */
#ifndef KJUMP_RESTORE_H
#define KJUMP_RESTORE_H

#include <stdint.h>

#define KJ_RESTORE_PARAMS_MAGIC   0x31505453524a4bULL	/* "KJRSTP1" */
#define KJ_RESTORE_MANIFEST_MAGIC 0x314e4d53524a4bULL	/* "KJRSMN1" */

struct kj_restore_params {
	uint64_t magic;
	uint64_t manifest;		/* struct kj_restore_manifest */
	uint64_t pgt, pgt_size;		/* room for the payload's page tables */
	uint64_t scratch, scratch_size;	/* one decompressed chunk */
	uint64_t cin, cin_size;		/* one compressed chunk, gathered */
	uint64_t stack_top;
	uint64_t fs_area;		/* 64 zero bytes: %fs base (see entry.S) */
	uint64_t progress;		/* written by the payload: chunks done */
};

/* An extent of the saved memory; the same layout as struct kj_img_extent. */
struct kj_restore_extent {
	uint64_t pfn;
	uint64_t npages;
	uint32_t kind;			/* 1: data from the stream, 2: zero */
	uint32_t reserved;
};

struct kj_restore_chunk {
	uint64_t first_page;		/* index in the page list */
	uint32_t csize;			/* its zstd frame: csize bytes from the
					 * start of its first listed page on */
	uint32_t npages;		/* stream pages it holds */
};

struct kj_restore_range {
	uint64_t start, end;		/* RAM to identity-map */
};

struct kj_restore_manifest {
	uint64_t magic;
	uint64_t entry;			/* A's re-entry address */
	uint32_t levels;		/* A's paging levels: 4 or 5 */
	uint32_t chunk_pages;
	uint64_t nextents, extents_off;	/* offsets from the manifest's start */
	uint64_t nchunks, chunks_off;
	uint64_t nranges, ranges_off;
	uint64_t npages, pages_off;	/* uint64_t[]: where compressed bytes are */
	uint64_t pages_data, pages_zero;
	uint64_t console;		/* COM port for progress, 0: none */
};

#endif
