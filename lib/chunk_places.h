/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fixed places for chunks, so that a later save can keep what did not
 * change.
 *
 * A packed image puts chunk after chunk, each as large as it compressed
 * to, so where a chunk lands depends on every chunk before it. With fixed
 * places, A's physical memory is cut into spans of chunk_pages page frames
 * (span k holds pfns [k * chunk_pages, (k + 1) * chunk_pages)); every span
 * that holds some of A's RAM owns one place on the target, as large as a
 * chunk of chunk_pages pages can be in the worst case, in span order.
 * The chunk of span k (the span's DATA pages, fewer than chunk_pages when
 * some are free, zero or B's) is always written at span k's place. The
 * image stays valid for every reader: chunks are still in stream order,
 * ascending and disjoint; they just leave room behind them.
 *
 * The writer remembers, per place, a digest of the pages it put there
 * (struct kj_chunk_memory). A later save by the same B, of the same A, to
 * the same target, computes the digest of each new chunk and, when it
 * matches, writes nothing: the chunk on the target already holds those
 * bytes, and the new index points at it. What guards this (docs/design.md,
 * "Incremental saves"): the memory is kept only after a save that
 * committed, forgotten after any failure; the writer first checks that the
 * target still holds the index it wrote last time; and it reads kept
 * chunks back from the target before keeping them (all of them, or a
 * share each save: kj_img_writer_opts.kept_check_one_in).
 */
#ifndef KJUMP_CHUNK_PLACES_H
#define KJUMP_CHUNK_PLACES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "image_format.h"

/* A run of consecutive spans that hold RAM, and the place of its first. */
struct kj_chunk_span_run {
	uint64_t first_span;
	uint64_t nspans;
	uint64_t first_place;
};

struct kj_chunk_places {
	uint32_t chunk_pages;
	uint64_t place_bytes;		/* room per place: a chunk's worst case, 4 KiB aligned */
	struct kj_chunk_span_run *run;	/* ascending, disjoint, not adjacent */
	size_t nruns;
	uint64_t nplaces;
	uint64_t geometry;		/* digest of all the above: two saves with
					 * the same value put a span's chunk at
					 * the same offset */
};

/*
 * The places for A's RAM, `ram` (n ranges of [start, end) bytes, any
 * order, may overlap: only which pages are RAM matters), chunks of
 * chunk_pages pages (1 to KJ_IMG_MAX_CHUNK_PAGES; 0: the default).
 */
int kj_chunk_places_init(struct kj_chunk_places *p, const struct kj_img_range *ram,
			 size_t n, uint32_t chunk_pages, struct kj_err *e);
void kj_chunk_places_free(struct kj_chunk_places *p);

/* The place of pfn's span; false when the span holds none of the RAM. */
bool kj_chunk_places_place_of(const struct kj_chunk_places *p, uint64_t pfn,
			      uint64_t *place);

/* Bytes of all the places together. */
uint64_t kj_chunk_places_bytes(const struct kj_chunk_places *p);

/* The smallest target an image with these places fits in, whatever A's
 * pages hold: the places, then the largest index. */
uint64_t kj_chunk_places_target_size(const struct kj_chunk_places *p);

/* kj_chunk_places_init() over the RAM ranges of a struct kj_ranges (all
 * its ranges, whatever their type), default chunks. */
struct kj_ranges;
int kj_chunk_places_for_ram(struct kj_chunk_places *p, const struct kj_ranges *ram,
			    struct kj_err *e);

/* What one place on the target holds, as far as the writer knows. */
struct kj_chunk_record {
	uint64_t digest_low, digest_high;	/* XXH3-128 of the chunk's pages */
	uint64_t offset;
	uint64_t xxh64;				/* of the csize bytes stored */
	uint32_t csize;
	uint32_t npages;
	bool valid;
	bool stored;				/* raw blocks (stored_frame.h) */
};

/*
 * What the last committed save left on its target, kept by the process
 * that saves again (B's init, across jumps). Empty (records NULL) until a
 * save with fixed places commits; kj_chunk_memory_forget() empties it.
 * The caller decides which target it belongs to (`target`, `target_size`)
 * and forgets it when a save goes elsewhere or packs its chunks.
 */
struct kj_chunk_memory {
	uint64_t geometry;		/* struct kj_chunk_places.geometry */
	uint64_t nplaces;
	struct kj_chunk_record *record;	/* nplaces */
	/* the index that save wrote, which the target must still hold */
	uint64_t index_offset, index_size, index_xxh64;
	char target[256];
	uint64_t target_size;
	uint64_t saves;			/* committed since it was last emptied */
};

void kj_chunk_memory_forget(struct kj_chunk_memory *m);

/* Whether m holds records for exactly these places. */
bool kj_chunk_memory_matches(const struct kj_chunk_memory *m,
			     const struct kj_chunk_places *p);

#endif
