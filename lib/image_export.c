// SPDX-License-Identifier: GPL-2.0-or-later
#include "image_export.h"
#include "a_memory.h"
#include "page.h"
#include "ranges.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DIRECT_MAP_LO 0xff00000000000000ULL
#define KERNEL_MAP_LO 0xffffffff80000000ULL

typedef unsigned long long ull;

/* Direct-map offset (vaddr - paddr) of A, from the image's virtual map. */
static uint64_t direct_map_offset(const struct kj_img *img)
{
	for (uint64_t i = 0; i < img->nvmap; i++) {
		const struct kj_img_vmap *v = &img->vmap[i];

		if (v->vaddr >= DIRECT_MAP_LO && v->vaddr < KERNEL_MAP_LO)
			return v->vaddr - v->paddr;
	}
	return 0;
}

void kj_export_plan_free(struct kj_export_plan *p)
{
	free(p->seg);
	free(p->hdr);
	free(p->note);
	memset(p, 0, sizeof(*p));
}

int kj_export_plan(const struct kj_img *img, struct kj_export_plan *p, struct kj_err *e)
{
	uint64_t pgoff = direct_map_offset(img), at;
	size_t nram = 0, nseg, k;

	memset(p, 0, sizeof(*p));
	if (!img->complete)
		return kj_fail(e, EINVAL, "the image is not usable: %s", img->problem);
	if (!img->vmcoreinfo_len)
		return kj_fail(e, ENOENT, "the image has no VMCOREINFO; tools could not "
			       "read the core");
	/* The reader bounds nmemmap and nvmap (KJ_IMG_MAX_MEMMAP, _VMAP). */
	for (uint64_t i = 0; i < img->nmemmap; i++)
		nram += img->memmap[i].type == 1;
	if (!nram)
		return kj_fail(e, ENOENT, "the image's memory map has no RAM: there is "
			       "nothing to export");
	nseg = 1 + nram;
	for (uint64_t i = 0; i < img->nvmap; i++)
		if (img->vmap[i].vaddr >= KERNEL_MAP_LO)
			nseg++;
	if (nseg > KJ_CORE_MAX_SEGS)
		return kj_fail(e, E2BIG, "the image has %zu RAM ranges and %zu kernel "
			       "mappings; a core holds at most %d segments", nram,
			       nseg - 1 - nram, KJ_CORE_MAX_SEGS);
	p->seg = calloc(nseg, sizeof(*p->seg));
	p->note_len = kj_note_build(NULL, "VMCOREINFO", 0, NULL, img->vmcoreinfo_len);
	p->note = calloc(1, p->note_len);
	if (!p->seg || !p->note) {
		kj_export_plan_free(p);
		return kj_fail(e, ENOMEM, "out of memory");
	}
	kj_note_build(p->note, "VMCOREINFO", 0, img->vmcoreinfo, img->vmcoreinfo_len);

	/* Layout: headers | note | RAM ranges, each page aligned. Room for
	 * every program header counted above; fewer may be used. */
	p->hdr_len = kj_elfcore_headers_size(nseg);
	p->seg[0] = (struct kj_core_seg){ KJ_SEG_NOTE, p->hdr_len, 0, 0, p->note_len,
					  p->note_len };
	at = kj_align_up(p->hdr_len + p->note_len, KJ_PAGE_SIZE);
	k = 1;
	for (uint64_t i = 0; i < img->nmemmap; i++) {
		const struct kj_img_range *r = &img->memmap[i];
		uint64_t len = r->end - r->start;	/* > 0, below 2^52 */

		if (r->type != 1)
			continue;
		p->seg[k++] = (struct kj_core_seg){ KJ_SEG_LOAD, at,
			pgoff ? pgoff + r->start : 0, r->start, len, len };
		/* The RAM ranges are disjoint below 2^52 and at most 8192:
		 * the sum of their page-rounded sizes fits easily. A range of
		 * less than a page still takes (part of) one. */
		at += kj_align_up(len, KJ_PAGE_SIZE);
		p->ram_pages += (r->end - 1) / KJ_PAGE_SIZE + 1 - r->start / KJ_PAGE_SIZE;
	}
	p->nram = nram;
	/* kernel image mappings share the file bytes of the RAM holding them */
	for (uint64_t i = 0; i < img->nvmap; i++) {
		const struct kj_img_vmap *v = &img->vmap[i];

		if (v->vaddr < KERNEL_MAP_LO)
			continue;
		for (size_t j = 1; j <= nram; j++) {
			const struct kj_core_seg *s = &p->seg[j];

			/* no overflow: the reader checked paddr + size */
			if (v->paddr >= s->paddr && v->paddr + v->size <= s->paddr + s->filesz) {
				p->seg[k++] = (struct kj_core_seg){ KJ_SEG_LOAD,
					s->offset + (v->paddr - s->paddr), v->vaddr,
					v->paddr, v->size, v->size };
				break;
			}
		}
	}
	p->nseg = k;
	p->file_size = at;
	p->hdr = calloc(1, p->hdr_len);
	if (!p->hdr) {
		kj_export_plan_free(p);
		return kj_fail(e, ENOMEM, "out of memory");
	}
	if (kj_elfcore_write(p->hdr, p->hdr_len, p->seg, p->nseg, e)) {
		kj_export_plan_free(p);
		return -1;
	}
	return 0;
}

/*
 * The pages worth reading, in ascending pfn order: those of DATA extents
 * and those the remap section moves. Both cursors only move forward, since
 * the walk's pfns never decrease (the reader keeps RAM ranges ascending).
 */
struct walk {
	const struct kj_img *img;
	uint64_t xi, ri;
};

static uint64_t next_worth_reading(struct walk *w, uint64_t pfn)
{
	const struct kj_img *img = w->img;
	uint64_t best = UINT64_MAX;

	while (w->ri < img->nremap &&
	       img->remap[w->ri].dst_pfn + img->remap[w->ri].npages <= pfn)
		w->ri++;
	if (w->ri < img->nremap)
		best = img->remap[w->ri].dst_pfn > pfn ? img->remap[w->ri].dst_pfn : pfn;
	while (w->xi < img->next &&
	       (img->ext[w->xi].kind != KJ_EXT_DATA ||
		img->ext[w->xi].pfn + img->ext[w->xi].npages <= pfn))
		w->xi++;
	if (w->xi < img->next) {
		uint64_t x = img->ext[w->xi].pfn > pfn ? img->ext[w->xi].pfn : pfn;

		if (x < best)
			best = x;
	}
	return best;
}

int kj_export_write(struct kj_img *img, const struct kj_export_plan *p, int fd,
		    kj_export_progress_fn cb, void *cbarg, uint64_t *pages_written,
		    struct kj_err *e)
{
	struct kj_a_from_image m;
	struct walk w = { img, 0, 0 };
	uint8_t page[KJ_PAGE_SIZE];
	uint64_t done = 0, written = 0;
	int ret = -1;

	if (pages_written)
		*pages_written = 0;
	if (p->file_size > (uint64_t)INT64_MAX)
		return kj_fail(e, EFBIG, "a core of %llu bytes is too large",
			       (ull)p->file_size);
	if (ftruncate(fd, (off_t)p->file_size))
		return kj_fail_errno(e, "cannot make the core %llu bytes long",
				     (ull)p->file_size);
	if (kj_img_pwrite(fd, p->hdr, p->hdr_len, 0, "the core's headers", e) ||
	    kj_img_pwrite(fd, p->note, p->note_len, p->seg[0].offset, "the core's note", e))
		return -1;
	if (kj_a_from_image_init(&m, img, e))
		return -1;
	for (size_t j = 1; j <= p->nram; j++) {
		const struct kj_core_seg *s = &p->seg[j];
		uint64_t end = s->paddr + s->filesz;	/* > paddr */
		uint64_t first = s->paddr / KJ_PAGE_SIZE, last = (end - 1) / KJ_PAGE_SIZE;
		uint64_t pfn = first;

		while (pfn <= last) {
			uint64_t next = next_worth_reading(&w, pfn);
			uint64_t lo, hi;
			bool present;

			if (next > last) {
				done += last + 1 - pfn;
				break;
			}
			done += next - pfn;
			pfn = next;
			if (kj_a_from_image_page(&m, pfn, page, &present, e))
				goto out;
			/* The part of the page inside this range: all of it,
			 * or less at an unaligned start or end. */
			lo = pfn * KJ_PAGE_SIZE > s->paddr ? pfn * KJ_PAGE_SIZE : s->paddr;
			hi = (pfn + 1) * KJ_PAGE_SIZE < end ? (pfn + 1) * KJ_PAGE_SIZE : end;
			if (present && !kj_img_page_is_zero(page)) {
				if (kj_img_pwrite(fd, page + (lo - pfn * KJ_PAGE_SIZE), hi - lo,
						  s->offset + (lo - s->paddr), "the core", e))
					goto out;
				written++;
			}
			done++;
			pfn++;
			if (cb)
				cb(done, p->ram_pages, cbarg);
		}
		if (cb)
			cb(done, p->ram_pages, cbarg);
	}
	if (pages_written)
		*pages_written = written;
	ret = 0;
out:
	kj_a_from_image_free(&m);
	return ret;
}
