// SPDX-License-Identifier: GPL-2.0-or-later
/* Fixed places for chunks (chunk_places.h). */
#include "chunk_places.h"
#include "image.h"
#include "ranges.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static int by_start(const void *a, const void *b)
{
	const struct kj_img_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int kj_chunk_places_init(struct kj_chunk_places *p, const struct kj_img_range *ram,
			 size_t n, uint32_t chunk_pages, struct kj_err *e)
{
	struct kj_img_range *sorted = NULL;
	XXH64_state_t *xs = NULL;

	memset(p, 0, sizeof(*p));
	if (chunk_pages == 0)
		chunk_pages = KJ_IMG_DEFAULT_CHUNK_PAGES;
	if (chunk_pages > KJ_IMG_MAX_CHUNK_PAGES)
		return kj_fail(e, EINVAL, "chunks of %u pages are too large (at most %u)",
			       chunk_pages, KJ_IMG_MAX_CHUNK_PAGES);
	p->chunk_pages = chunk_pages;
	p->place_bytes = kj_img_chunk_disk_bound(chunk_pages);
	sorted = calloc(n ? n : 1, sizeof(*sorted));
	p->run = calloc(n ? n : 1, sizeof(*p->run));
	xs = XXH64_createState();
	if (!sorted || !p->run || !xs)
		goto nomem;
	memcpy(sorted, ram, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), by_start);
	for (size_t i = 0; i < n; i++) {
		uint64_t first, last;

		/* whole pages only, as the writer takes them */
		if (sorted[i].end <= sorted[i].start ||
		    sorted[i].end / KJ_IMG_PAGE_SIZE <=
		    (sorted[i].start + KJ_IMG_PAGE_SIZE - 1) / KJ_IMG_PAGE_SIZE)
			continue;
		if (sorted[i].end > KJ_IMG_MAX_PHYS) {
			kj_fail(e, EINVAL, "RAM range 0x%llx-0x%llx ends beyond any "
				"physical address", (unsigned long long)sorted[i].start,
				(unsigned long long)sorted[i].end);
			goto fail;
		}
		first = (sorted[i].start + KJ_IMG_PAGE_SIZE - 1) / KJ_IMG_PAGE_SIZE / chunk_pages;
		last = (sorted[i].end / KJ_IMG_PAGE_SIZE - 1) / chunk_pages;
		if (p->nruns) {
			struct kj_chunk_span_run *r = &p->run[p->nruns - 1];
			uint64_t r_last = r->first_span + r->nspans - 1;

			if (first <= r_last + 1) {	/* overlaps or touches: one run */
				if (last > r_last) {
					p->nplaces += last - r_last;
					r->nspans = last - r->first_span + 1;
				}
				continue;
			}
		}
		p->run[p->nruns++] = (struct kj_chunk_span_run){
			.first_span = first, .nspans = last - first + 1,
			.first_place = p->nplaces,
		};
		p->nplaces += last - first + 1;
	}
	XXH64_reset(xs, 0);
	XXH64_update(xs, &p->chunk_pages, sizeof(p->chunk_pages));
	XXH64_update(xs, &p->place_bytes, sizeof(p->place_bytes));
	XXH64_update(xs, p->run, p->nruns * sizeof(*p->run));
	p->geometry = XXH64_digest(xs);
	XXH64_freeState(xs);
	free(sorted);
	return 0;
nomem:
	kj_fail(e, ENOMEM, "out of memory");
fail:
	XXH64_freeState(xs);
	free(sorted);
	kj_chunk_places_free(p);
	return -1;
}

void kj_chunk_places_free(struct kj_chunk_places *p)
{
	free(p->run);
	memset(p, 0, sizeof(*p));
}

bool kj_chunk_places_place_of(const struct kj_chunk_places *p, uint64_t pfn,
			      uint64_t *place)
{
	uint64_t span = pfn / p->chunk_pages;
	size_t lo = 0, hi = p->nruns;

	while (lo < hi) {	/* the last run that starts at or before span */
		size_t mid = lo + (hi - lo) / 2;

		if (p->run[mid].first_span <= span)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return false;
	const struct kj_chunk_span_run *r = &p->run[lo - 1];

	if (span - r->first_span >= r->nspans)
		return false;
	*place = r->first_place + (span - r->first_span);
	return true;
}

uint64_t kj_chunk_places_bytes(const struct kj_chunk_places *p)
{
	uint64_t b;

	return __builtin_mul_overflow(p->nplaces, p->place_bytes, &b) ? UINT64_MAX : b;
}

uint64_t kj_chunk_places_target_size(const struct kj_chunk_places *p)
{
	/* the index bound counts every page of every place */
	return kj_img_worst_case_size_places(p->nplaces * (uint64_t)p->chunk_pages,
					     kj_chunk_places_bytes(p), p->nplaces);
}

int kj_chunk_places_for_ram(struct kj_chunk_places *p, const struct kj_ranges *ram,
			    struct kj_err *e)
{
	struct kj_img_range *r = calloc(ram->n ? ram->n : 1, sizeof(*r));
	int ret;

	if (!r)
		return kj_fail(e, ENOMEM, "out of memory");
	for (size_t i = 0; i < ram->n; i++)
		r[i] = (struct kj_img_range){ ram->r[i].start, ram->r[i].end, 1, 0 };
	ret = kj_chunk_places_init(p, r, ram->n, 0, e);
	free(r);
	return ret;
}

void kj_chunk_memory_forget(struct kj_chunk_memory *m)
{
	free(m->record);
	memset(m, 0, sizeof(*m));
}

bool kj_chunk_memory_matches(const struct kj_chunk_memory *m,
			     const struct kj_chunk_places *p)
{
	return m->record && m->geometry == p->geometry && m->nplaces == p->nplaces;
}
