/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the saved system A's pages wait in the resume kernel C until the
 * restore payload puts them back: the accounting behind the memory
 * `kjump resume` holds (src/staging_pages.c does the holding).
 *
 * kjump resume holds pages of C's memory and learns the physical address
 * of each. A page it holds is, for the image:
 *  - a destination: A has content for that very page. kjump writes the
 *    content into it at once; the page is then in place, and the payload
 *    need not touch it (it may write the same bytes into it again);
 *  - spare: A does not need the page back (free in A, above 1 MiB, outside
 *    the payload's and manifest's segments, lib/resume_layout.h). Spare
 *    pages hold what the payload still has to place, per chunk the
 *    cheaper of: its compressed frame, or just its pages that are not in
 *    place, uncompressed, with a copy list of (source, destination);
 *  - of no use: a page A gets back as zeros, or one under 1 MiB.
 * A spare page is no page's destination, and a destination only ever holds
 * its own final content, so nothing the payload reads is overwritten
 * before it is read, in whatever order it works: there are no cycles to
 * break. (The kernel's own hibernation loads pages in place the same way
 * when their frame is free in the boot kernel.)
 *
 * Why this extends what can be resumed: with every page of C held but the
 * K pages C's kernel keeps, the pages not in place are among those K, so
 * the spare pages needed are at most K and a little copy list, whatever
 * the image's compressibility. An image resumes when A's pages and C's
 * own fit in this machine's RAM side by side (kj_resume_layout_make says
 * what B assumes of K). When spare pages are plentiful, kjump holds fewer
 * pages and keeps chunks compressed, as before; when they are more than
 * plentiful, it stages every page uncompressed (prefer_copies), which
 * spares the payload its decompression.
 *
 * Pure bookkeeping: no I/O, no addresses of kjump's own.
 */
#ifndef KJUMP_RESUME_PLACEMENT_H
#define KJUMP_RESUME_PLACEMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "image.h"
#include "resume_layout.h"

/* How a chunk reaches the payload. */
enum kj_chunk_staging {
	KJ_CHUNK_IN_PLACE = 0,	/* every page is in place: nothing to do */
	KJ_CHUNK_COMPRESSED,	/* its frame in spare pages; the payload
				 * decompresses it and places all its pages */
	KJ_CHUNK_COPIED,	/* its pages not in place, uncompressed, in
				 * spare pages, with one copy-list entry each */
};

struct kj_resume_placement {
	const struct kj_img *img;
	const struct kj_resume_layout *layout;
	uint32_t *missing;	/* per chunk: pages whose destination is not held */
	uint64_t chunk_cost;	/* spare pages the chunks need, copy list aside */
	uint64_t copied;	/* pages of COPIED chunks: copy-list entries */
	uint64_t spare;		/* spare pages held */
	uint64_t in_place;	/* destination pages held */
	uint64_t unused;	/* held pages of no use */
	bool prefer_copies;	/* every chunk not in place is COPIED */
};

/* Nothing held yet: every chunk misses every page. */
int kj_resume_placement_init(struct kj_resume_placement *p, const struct kj_img *img,
			     const struct kj_resume_layout *layout, struct kj_err *e);
void kj_resume_placement_free(struct kj_resume_placement *p);

enum kj_held_page { KJ_HELD_UNUSED, KJ_HELD_SPARE, KJ_HELD_DESTINATION };

/*
 * kjump now holds the page at physical address pa (each page once). For a
 * destination, *stream_index is the index of A's page in the data stream
 * (its content: page stream_index - first_page of chunk
 * kj_img_chunk_of(stream_index)). Returns what the page is.
 */
enum kj_held_page kj_resume_placement_hold(struct kj_resume_placement *p, uint64_t pa,
					   uint64_t *stream_index);

/*
 * Stage every chunk not wholly in place as COPIED (on), or each the
 * cheaper way in spare pages (off, the start). On costs more spare pages
 * and saves the payload all decompression: it runs on one CPU, while the
 * pages were decompressed here anyway, by several threads, to check them.
 * Off never needs more spare pages than on, so a holder that runs short
 * with it on turns it off and goes on. Set before the staging is used.
 */
void kj_resume_placement_prefer_copies(struct kj_resume_placement *p, bool on);
/* Spare pages that staging every chunk as COPIED takes when no page is in
 * place: all its pages and their copy list. */
uint64_t kj_resume_placement_all_copied(const struct kj_resume_placement *p);

/* How chunk idx is staged, given the pages held so far. */
enum kj_chunk_staging kj_resume_placement_staging(const struct kj_resume_placement *p,
						  uint64_t idx);
/* Spare pages chunk idx takes: its frame's pages, its missing pages, or 0. */
uint64_t kj_resume_placement_chunk_spares(const struct kj_resume_placement *p, uint64_t idx);
/* Pages of copy list: copied entries of struct kj_restore_copy. */
uint64_t kj_resume_placement_list_pages(const struct kj_resume_placement *p);
/* Spare pages needed in all: the chunks' and the copy list's. */
uint64_t kj_resume_placement_needed(const struct kj_resume_placement *p);
/* Are the spare pages held enough? */
bool kj_resume_placement_enough(const struct kj_resume_placement *p);

#endif
