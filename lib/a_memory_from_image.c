// SPDX-License-Identifier: GPL-2.0-or-later
#include "a_memory.h"
#include "page.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int kj_a_from_image_init(struct kj_a_from_image *m, struct kj_img *img, struct kj_err *e)
{
	memset(m, 0, sizeof(*m));
	if (!img->complete)
		return kj_fail(e, EINVAL, "the image is incomplete: %s", img->problem);
	m->img = img;
	m->cached = UINT64_MAX;
	m->chunk = malloc(img->hdr.chunk_pages * KJ_PAGE_SIZE);
	if (!m->chunk)
		return kj_fail(e, ENOMEM, "out of memory");
	return 0;
}

void kj_a_from_image_free(struct kj_a_from_image *m)
{
	free(m->chunk);
	memset(m, 0, sizeof(*m));
}

uint64_t kj_a_from_image_source(const struct kj_img *img, uint64_t pfn, bool *in_b)
{
	const struct kj_img_header *h = &img->hdr;

	*in_b = false;
	/* remap entries are few and sorted by the writer; a linear walk over
	 * runs is fine for them, a binary search for many */
	size_t lo = 0, hi = img->nremap;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct kj_img_remap *r = &img->remap[mid];

		if (pfn < r->dst_pfn)
			hi = mid;
		else if (pfn >= r->dst_pfn + r->npages)
			lo = mid + 1;
		else
			return r->src_pfn + (pfn - r->dst_pfn);
	}
	/* a page of the second kernel's region with no backup: A lent it */
	if (pfn * KJ_PAGE_SIZE >= h->region_start && pfn * KJ_PAGE_SIZE < h->region_end)
		*in_b = true;
	return pfn;
}

int kj_a_from_image_page(struct kj_a_from_image *m, uint64_t pfn, void *out, bool *present,
		   struct kj_err *e)
{
	bool in_b;
	uint64_t src = kj_a_from_image_source(m->img, pfn, &in_b), idx;
	int kind;

	*present = false;
	memset(out, 0, KJ_PAGE_SIZE);
	if (in_b || kj_img_find_page(m->img, src, &kind, &idx) || !kind)
		return 0;
	*present = true;
	if (kind == KJ_EXT_ZERO)
		return 0;
	const struct kj_img_chunk *ch = m->img->chunk;
	/* the cached chunk first: export asks for pages in order */
	uint64_t c = m->cached < m->img->nchunks && idx >= ch[m->cached].first_page &&
		     idx - ch[m->cached].first_page < ch[m->cached].npages ?
		     m->cached : kj_img_chunk_of(m->img, idx);
	if (c >= m->img->nchunks)
		return kj_fail(e, EIO, "stream page %llu is in no chunk",
			       (unsigned long long)idx);
	if (c != m->cached) {
		if (kj_img_read_chunk(m->img, c, m->chunk, e)) {
			m->cached = UINT64_MAX;
			return -1;
		}
		m->cached = c;
	}
	memcpy(out, m->chunk + (idx - m->img->chunk[c].first_page) * KJ_PAGE_SIZE, KJ_PAGE_SIZE);
	return 0;
}
