/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The memory `kjump resume` holds in the resume kernel C for the saved
 * system's pages until the restore payload runs: blocks of its own
 * memory, locked and pinned, each page of them either in place (the frame
 * of one of A's pages, which gets its content), spare (free in A: holds
 * what the payload still places) or of no use (lib/resume_placement.h
 * keeps the accounts). staging_pages.c says how they are held.
 */
#ifndef KJUMP_STAGING_PAGES_H
#define KJUMP_STAGING_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/resume_layout.h"
#include "../lib/resume_placement.h"

struct kj_staging_block {
	uint8_t *va;
	size_t npages;
	uint64_t *pa;		/* of each page, read once it was pinned */
	int pipe[2];		/* the pipe whose references pin it */
	bool locked;		/* mlock'd (or locked as its pages arrive) */
};

struct kj_staging_pages {
	const struct kj_img *img;
	struct kj_staging_block *blocks;
	size_t nblocks;
	struct kj_resume_placement placement;
	uint64_t *spare_pa;	/* spare pages, in the order held: physical ... */
	uint8_t **spare_va;	/* ... and where kjump sees them */
	size_t nspare;
	uint8_t **in_place;	/* per stream page: its own frame, held, or NULL */
	/* After kj_staging_pages_hold: per chunk its first spare page, and
	 * for a copied chunk its first copy-list entry; the copy list's
	 * first spare page; spare pages used in all. */
	uint64_t *chunk_spare, *chunk_copy;
	uint64_t list_first, spares_used;
	uint64_t held_bytes;
};

/* Blocks held at once, each on a thread of its own, at most. */
#define KJ_STAGING_HOLD_THREADS 8

/*
 * Hold memory of this process, a block at a time on each of `threads`
 * threads (1 to KJ_STAGING_HOLD_THREADS), until its spare pages
 * can hold all that the pages in place leave over (or fail, changing
 * nothing, when this machine's free memory runs out first; it leaves
 * KJ_RESUME_LEAVE_BYTES and `buffers`, what the chunk checks will take,
 * for the rest of this system). Then assign
 * spare pages to chunks and the copy list. With may_copy_all (the plan
 * has room, kj_resume_layout_plan_for_copies) and memory to spare, every
 * chunk not in place is staged uncompressed (lib/resume_placement.h).
 */
int kj_staging_pages_hold(struct kj_staging_pages *d, const struct kj_img *img,
			  const struct kj_resume_layout *plan, uint64_t buffers,
			  bool may_copy_all, unsigned threads, struct kj_err *e);
/*
 * Chunk idx passed its checks: frame is its compressed bytes, pages its
 * decompressed ones. Puts its pages into their frames held in place, and
 * its frame or its other pages into its spare pages (with their copy-list
 * entries), as its staging says. For different chunks at once, from any
 * thread.
 */
void kj_staging_pages_stage_chunk(const struct kj_staging_pages *d, uint64_t idx,
				  const void *frame, const void *pages);
/* Fail if any held page moved since it was held. */
int kj_staging_pages_verify(const struct kj_staging_pages *d, struct kj_err *e);
void kj_staging_pages_free(struct kj_staging_pages *d);

#endif
