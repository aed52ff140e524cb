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
 * What the payload still has to place is not in kexec segments: it stays
 * in pages of `kjump resume`'s own memory, which kjump pinned and the
 * kernel's kexec leaves alone. Pages of A whose frame kjump held are
 * already in place; the rest wait in spare pages (free in A), as chunks
 * still compressed or as single pages with a copy list
 * (lib/resume_placement.h). The manifest lists the spare pages one by
 * one, so neither the 16 segments nor the half-of-RAM limit of
 * kexec_load bound an image.
 */
#ifndef KJUMP_RESTORE_H
#define KJUMP_RESTORE_H

#include "layout.h"

#define KJ_RESTORE_PARAMS_MAGIC   KJ_U64(0x31505453524a4b)	/* "KJRSTP1" */
#define KJ_RESTORE_MANIFEST_MAGIC KJ_U64(0x324e4d53524a4b)	/* "KJRSMN2" */

/* struct kj_restore_params; payload/restore/entry.S reads stack_top and
 * fs_area through these offsets (see layout.h). */
#define KJ_RESTORE_MAGIC_OFF		0
#define KJ_RESTORE_MANIFEST_OFF		8
#define KJ_RESTORE_PGT_OFF		16
#define KJ_RESTORE_PGT_SIZE_OFF		24
#define KJ_RESTORE_SCRATCH_OFF		32
#define KJ_RESTORE_SCRATCH_SIZE_OFF	40
#define KJ_RESTORE_CIN_OFF		48
#define KJ_RESTORE_CIN_SIZE_OFF		56
#define KJ_RESTORE_STACK_TOP_OFF	64
#define KJ_RESTORE_FS_AREA_OFF		72
#define KJ_RESTORE_PROGRESS_OFF		80
#define KJ_RESTORE_PARAMS_SIZE		88

#ifndef __ASSEMBLER__
#include <stdint.h>

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

/* Values of kj_restore_extent.kind: those of enum kj_img_extent_kind. */
#define KJ_RESTORE_EXT_DATA	1	/* the next npages of the stream */
#define KJ_RESTORE_EXT_ZERO	2	/* all zero */

/* An extent of the saved memory; the same layout as struct kj_img_extent. */
struct kj_restore_extent {
	uint64_t pfn;
	uint64_t npages;
	uint32_t kind;			/* KJ_RESTORE_EXT_* */
	uint32_t reserved;
};

/* A chunk the payload decompresses: in stream order; chunks whose pages
 * kjump placed itself are not listed. */
struct kj_restore_chunk {
	uint64_t first_page;		/* index in the page list */
	uint32_t csize;			/* its zstd frame: csize bytes from the
					 * start of its first listed page on */
	uint32_t npages;		/* stream pages it holds ... */
	uint64_t stream_first;		/* ... from this one on */
};

/* A page waiting in a spare page: copied to dst as it is. The copy list
 * lies in spare pages too, 256 entries to a page, from page list index
 * copies_first_page on. */
struct kj_restore_copy {
	uint64_t src, dst;		/* physical, page aligned */
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
	uint64_t npages, pages_off;	/* uint64_t[]: the spare pages used */
	uint64_t ncopies, copies_first_page;	/* the copy list */
	uint64_t pages_data, pages_zero;
	uint64_t pages_in_place;	/* data pages kjump placed itself */
	uint64_t console;		/* COM port for progress, 0: none */
};

KJ_LAYOUT_FIELD(struct kj_restore_params, magic, KJ_RESTORE_MAGIC_OFF);
KJ_LAYOUT_FIELD(struct kj_restore_params, manifest, KJ_RESTORE_MANIFEST_OFF);
KJ_LAYOUT_FIELD(struct kj_restore_params, pgt, KJ_RESTORE_PGT_OFF);
KJ_LAYOUT_FIELD(struct kj_restore_params, pgt_size, KJ_RESTORE_PGT_SIZE_OFF);
KJ_LAYOUT_FIELD(struct kj_restore_params, scratch, KJ_RESTORE_SCRATCH_OFF);
KJ_LAYOUT_FIELD(struct kj_restore_params, scratch_size, KJ_RESTORE_SCRATCH_SIZE_OFF);
KJ_LAYOUT_FIELD(struct kj_restore_params, cin, KJ_RESTORE_CIN_OFF);
KJ_LAYOUT_FIELD(struct kj_restore_params, cin_size, KJ_RESTORE_CIN_SIZE_OFF);
KJ_LAYOUT_FIELD(struct kj_restore_params, stack_top, KJ_RESTORE_STACK_TOP_OFF);
KJ_LAYOUT_FIELD(struct kj_restore_params, fs_area, KJ_RESTORE_FS_AREA_OFF);
KJ_LAYOUT_FIELD(struct kj_restore_params, progress, KJ_RESTORE_PROGRESS_OFF);
KJ_LAYOUT_SIZE(struct kj_restore_params, KJ_RESTORE_PARAMS_SIZE);

/* The manifest is written by kjump and read by the payload, both C, but
 * built by two compilations (hosted and freestanding): no padding, and
 * the sizes kjump's offsets assume. */
KJ_LAYOUT_SIZE(struct kj_restore_extent, 24);
KJ_LAYOUT_SIZE(struct kj_restore_chunk, 24);
KJ_LAYOUT_SIZE(struct kj_restore_copy, 16);
KJ_LAYOUT_SIZE(struct kj_restore_range, 16);
KJ_LAYOUT_FIELD(struct kj_restore_manifest, levels, 16);
KJ_LAYOUT_FIELD(struct kj_restore_manifest, nextents, 24);
KJ_LAYOUT_FIELD(struct kj_restore_manifest, ncopies, 88);
KJ_LAYOUT_FIELD(struct kj_restore_manifest, console, 128);
KJ_LAYOUT_SIZE(struct kj_restore_manifest, 136);
#endif

#endif
