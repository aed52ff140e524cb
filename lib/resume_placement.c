// SPDX-License-Identifier: GPL-2.0-or-later
#include "resume_placement.h"
#include "page.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../payload/include/kjump/restore.h"

static uint64_t frame_pages(const struct kj_img *img, uint64_t idx)
{
	return (img->chunk[idx].csize + KJ_PAGE_SIZE - 1) / KJ_PAGE_SIZE;
}

/* A chunk is copied when its missing pages and their copy-list entries
 * (1/256 of a page each) take fewer spare pages than its frame. */
_Static_assert(sizeof(struct kj_restore_copy) * 256 == KJ_PAGE_SIZE,
	       "a copy-list entry is 1/256 of a page");

static enum kj_chunk_staging staging_of(const struct kj_resume_placement *p,
					 uint64_t missing, uint64_t frame)
{
	if (missing == 0)
		return KJ_CHUNK_IN_PLACE;
	if (p->prefer_copies || missing * 257 < frame * 256)
		return KJ_CHUNK_COPIED;
	return KJ_CHUNK_COMPRESSED;
}

static uint64_t cost_of(const struct kj_resume_placement *p, uint64_t missing,
			uint64_t frame)
{
	switch (staging_of(p, missing, frame)) {
	case KJ_CHUNK_COPIED:
		return missing;
	case KJ_CHUNK_COMPRESSED:
		return frame;
	default:
		return 0;
	}
}

/* The totals, from each chunk's missing pages. */
static void count(struct kj_resume_placement *p)
{
	p->chunk_cost = 0;
	p->copied = 0;
	for (uint64_t c = 0; c < p->img->nchunks; c++) {
		uint64_t frame = frame_pages(p->img, c);

		p->chunk_cost += cost_of(p, p->missing[c], frame);
		if (staging_of(p, p->missing[c], frame) == KJ_CHUNK_COPIED)
			p->copied += p->missing[c];
	}
}

void kj_resume_placement_prefer_copies(struct kj_resume_placement *p, bool on)
{
	p->prefer_copies = on;
	count(p);
}

uint64_t kj_resume_placement_all_copied(const struct kj_resume_placement *p)
{
	uint64_t pages = 0;

	for (uint64_t c = 0; c < p->img->nchunks; c++)
		pages += p->img->chunk[c].npages;
	return pages + (pages * sizeof(struct kj_restore_copy) + KJ_PAGE_SIZE - 1) /
		KJ_PAGE_SIZE;
}

int kj_resume_placement_init(struct kj_resume_placement *p, const struct kj_img *img,
			     const struct kj_resume_layout *layout, struct kj_err *e)
{
	memset(p, 0, sizeof(*p));
	if (!img->complete)
		return kj_fail(e, EINVAL, "the image is not usable: %s", img->problem);
	p->img = img;
	p->layout = layout;
	p->missing = calloc(img->nchunks ? img->nchunks : 1, sizeof(*p->missing));
	if (!p->missing)
		return kj_fail(e, ENOMEM, "out of memory");
	for (uint64_t c = 0; c < img->nchunks; c++)
		p->missing[c] = img->chunk[c].npages;
	count(p);
	return 0;
}

void kj_resume_placement_free(struct kj_resume_placement *p)
{
	free(p->missing);
	memset(p, 0, sizeof(*p));
}

/* The chunk holding stream page s: chunks are in stream order and
 * contiguous (kj_img_open checked), so a binary search finds it. */
static uint64_t chunk_of(const struct kj_img *img, uint64_t s)
{
	uint64_t lo = 0, hi = img->nchunks;

	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (img->chunk[mid].first_page <= s)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

enum kj_held_page kj_resume_placement_hold(struct kj_resume_placement *p, uint64_t pa,
					   uint64_t *stream_index)
{
	const struct kj_img *img = p->img;
	uint64_t s = 0, c, frame;
	int kind = 0;

	if (kj_resume_layout_usable(img, p->layout, pa)) {
		p->spare++;
		return KJ_HELD_SPARE;
	}
	if ((pa & (KJ_PAGE_SIZE - 1)) || kj_img_find_page(img, pa / KJ_PAGE_SIZE, &kind, &s) ||
	    kind != KJ_EXT_DATA || !img->nchunks) {
		p->unused++;
		return KJ_HELD_UNUSED;
	}
	c = chunk_of(img, s);
	if (s - img->chunk[c].first_page >= img->chunk[c].npages || !p->missing[c]) {
		p->unused++;	/* not in any chunk: kj_img_open rules it out */
		return KJ_HELD_UNUSED;
	}
	frame = frame_pages(img, c);
	p->chunk_cost -= cost_of(p, p->missing[c], frame);
	if (staging_of(p, p->missing[c], frame) == KJ_CHUNK_COPIED)
		p->copied -= p->missing[c];
	p->missing[c]--;
	p->chunk_cost += cost_of(p, p->missing[c], frame);
	if (staging_of(p, p->missing[c], frame) == KJ_CHUNK_COPIED)
		p->copied += p->missing[c];
	p->in_place++;
	*stream_index = s;
	return KJ_HELD_DESTINATION;
}

enum kj_chunk_staging kj_resume_placement_staging(const struct kj_resume_placement *p,
						  uint64_t idx)
{
	return staging_of(p, p->missing[idx], frame_pages(p->img, idx));
}

uint64_t kj_resume_placement_chunk_spares(const struct kj_resume_placement *p, uint64_t idx)
{
	return cost_of(p, p->missing[idx], frame_pages(p->img, idx));
}

uint64_t kj_resume_placement_list_pages(const struct kj_resume_placement *p)
{
	return (p->copied * sizeof(struct kj_restore_copy) + KJ_PAGE_SIZE - 1) / KJ_PAGE_SIZE;
}

uint64_t kj_resume_placement_needed(const struct kj_resume_placement *p)
{
	return p->chunk_cost + kj_resume_placement_list_pages(p);
}

bool kj_resume_placement_enough(const struct kj_resume_placement *p)
{
	return kj_resume_placement_needed(p) <= p->spare;
}
