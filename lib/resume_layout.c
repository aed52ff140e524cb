// SPDX-License-Identifier: GPL-2.0-or-later
#include "resume_layout.h"
#include "page.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memmap.h"

#define MiB (1ULL << 20)

int kj_resume_layout_check_machine(const struct kj_img *img, const struct kj_ranges *c_ram,
			   struct kj_err *e)
{
	if (!img->nmemmap)
		return kj_fail(e, EINVAL, "the image has no memory map of the saved "
			       "system; kjump cannot check this machine can hold it");
	for (uint64_t i = 0; i < img->nmemmap; i++) {
		const struct kj_img_range *r = &img->memmap[i];
		uint64_t s = kj_align_up(r->start, KJ_PAGE_SIZE), t = kj_align_down(r->end, KJ_PAGE_SIZE);

		if (r->type != 1 || t <= s)
			continue;
		if (!kj_ranges_covers(c_ram, s, t, -1))
			return kj_fail(e, EINVAL, "the saved system had RAM at 0x%llx-0x%llx "
				       "that is not RAM here: this is another machine, or "
				       "one with another memory size (saved: %llu MiB, "
				       "here: %llu MiB)", (unsigned long long)s,
				       (unsigned long long)t,
				       (unsigned long long)(img->hdr.ram_bytes / MiB),
				       (unsigned long long)(kj_ranges_total(c_ram, -1) / MiB));
	}
	return 0;
}

int kj_resume_layout_free_runs(const struct kj_img *img, const struct kj_ranges *c_ram,
		       struct kj_ranges *out, struct kj_err *e)
{
	uint64_t x = 0;	/* next extent; extents are sorted and disjoint */

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < c_ram->n; i++) {
		uint64_t at = kj_align_up(c_ram->r[i].start, KJ_PAGE_SIZE);
		uint64_t end = kj_align_down(c_ram->r[i].end, KJ_PAGE_SIZE);

		if (at < MiB)
			at = MiB;	/* leave firmware's first MiB alone */
		while (x < img->next && (img->ext[x].pfn + img->ext[x].npages) * KJ_PAGE_SIZE <= at)
			x++;
		while (at < end) {
			uint64_t es = x < img->next ? img->ext[x].pfn * KJ_PAGE_SIZE : UINT64_MAX;
			uint64_t ee = x < img->next ?
				(img->ext[x].pfn + img->ext[x].npages) * KJ_PAGE_SIZE : UINT64_MAX;

			if (es > at) {
				uint64_t stop = es < end ? es : end;

				if (kj_ranges_add(out, at, stop, KJ_MEM_RAM, e)) {
					kj_ranges_free(out);
					return -1;
				}
				at = stop;
				continue;
			}
			at = ee;	/* inside an extent: skip it */
			if (ee <= end)
				x++;	/* else it may go on into the next range */
		}
	}
	return 0;
}

/* Take `size` bytes from the smallest run that holds them. */
static int take_best_fit(struct kj_ranges *runs, uint64_t size, uint64_t *addr)
{
	size_t best = SIZE_MAX;

	for (size_t i = 0; i < runs->n; i++) {
		uint64_t len = runs->r[i].end - runs->r[i].start;

		if (len >= size && (best == SIZE_MAX ||
				    len < runs->r[best].end - runs->r[best].start))
			best = i;
	}
	if (best == SIZE_MAX)
		return -1;
	*addr = runs->r[best].start;
	runs->r[best].start += size;
	return 0;
}

int kj_resume_layout_make(const struct kj_resume_layout_in *in, struct kj_resume_layout *p, struct kj_err *e)
{
	struct kj_ranges runs;
	uint64_t need;
	int ret = -1;

	memset(p, 0, sizeof(*p));
	p->payload_size = kj_align_up(in->payload_bytes, KJ_PAGE_SIZE);
	p->manifest_size = kj_align_up(in->manifest_bytes, KJ_PAGE_SIZE);
	need = p->payload_size + p->manifest_size + in->data_bytes;
	if (kj_resume_layout_free_runs(in->img, in->c_ram, &runs, e))
		return -1;
	p->free_bytes = kj_ranges_total(&runs, -1);
	if (p->free_bytes < need) {
		kj_fail(e, ENOSPC, "the image's %llu MiB of compressed data and the "
			"restore code do not fit in the memory the saved system does "
			"not need (%llu MiB here): this image cannot be resumed on this "
			"machine", (unsigned long long)(in->data_bytes / MiB),
			(unsigned long long)(p->free_bytes / MiB));
		goto out;
	}
	if (take_best_fit(&runs, p->payload_size, &p->payload_addr) ||
	    take_best_fit(&runs, p->manifest_size, &p->manifest_addr)) {
		kj_fail(e, ENOSPC, "no free run of %llu KiB in the saved system's free "
			"memory for the restore code",
			(unsigned long long)((p->payload_size + p->manifest_size) >> 10));
		goto out;
	}
	ret = 0;
out:
	kj_ranges_free(&runs);
	return ret;
}

bool kj_resume_layout_usable(const struct kj_img *img, const struct kj_resume_layout *p, uint64_t pa)
{
	int kind = 0;

	if (pa < MiB || pa & (KJ_PAGE_SIZE - 1))
		return false;
	if (pa - p->payload_addr < p->payload_size || pa - p->manifest_addr < p->manifest_size)
		return false;
	if (kj_img_find_page(img, pa / KJ_PAGE_SIZE, &kind, NULL))
		return false;
	return kind == 0;
}
