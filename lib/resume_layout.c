// SPDX-License-Identifier: GPL-2.0-or-later
#include "resume_layout.h"
#include "page.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memmap.h"

#include <zstd.h>

#include "../payload/include/kjump/restore.h"

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
	uint64_t segments, c_own, need;
	int ret = -1;

	memset(p, 0, sizeof(*p));
	p->payload_size = kj_align_up(in->payload_bytes, KJ_PAGE_SIZE);
	p->manifest_size = kj_align_up(in->manifest_bytes, KJ_PAGE_SIZE);
	segments = p->payload_size + p->manifest_size;
	/* C's own pages, wherever they are, are not A's free memory, or
	 * push as many of A's pages out of place, into A's free memory;
	 * those wait there uncompressed with a copy-list entry each (1/256
	 * of a page), or as their chunks, compressed: the worst case is C's
	 * pages plus 1/256 of the fewer of the two (lib/resume_placement.h). */
	c_own = in->reserve_bytes + in->overhead_bytes;
	if (c_own) {
		uint64_t lists = in->data_bytes < c_own ? in->data_bytes : c_own;

		need = segments + kj_align_up(c_own + lists / 256, KJ_PAGE_SIZE) +
			2 * KJ_PAGE_SIZE;
	} else {
		need = segments;
	}
	if (kj_resume_layout_free_runs(in->img, in->c_ram, &runs, e))
		return -1;
	p->free_bytes = kj_ranges_total(&runs, -1);
	if (p->free_bytes < need) {
		if (c_own)
			kj_fail(e, ENOSPC, "the saved system leaves %llu MiB of RAM free; "
				"the resume kernel's own memory (%llu MiB, --resume-reserve), "
				"kjump resume's tables and buffers (%llu MiB) and the restore code "
				"(%llu KiB) need %llu MiB of it (%llu MiB short)",
				(unsigned long long)(p->free_bytes / MiB),
				(unsigned long long)(in->reserve_bytes / MiB),
				(unsigned long long)(in->overhead_bytes / MiB),
				(unsigned long long)(segments >> 10),
				(unsigned long long)((need + MiB - 1) / MiB),
				(unsigned long long)((need - p->free_bytes + MiB - 1) / MiB));
		else
			kj_fail(e, ENOSPC, "the restore code (%llu KiB) does not fit in the "
				"%llu KiB the saved system does not need here",
				(unsigned long long)(segments >> 10),
				(unsigned long long)(p->free_bytes >> 10));
		goto out;
	}
	if (take_best_fit(&runs, p->payload_size, &p->payload_addr) ||
	    take_best_fit(&runs, p->manifest_size, &p->manifest_addr)) {
		kj_fail(e, ENOSPC, "no free run of %llu KiB in the saved system's free "
			"memory for the restore code",
			(unsigned long long)(segments >> 10));
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

int kj_resume_layout_map_ranges(const struct kj_img *img, const struct kj_ranges *c_ram,
				struct kj_ranges *out, struct kj_err *e)
{
	memset(out, 0, sizeof(*out));
	if (kj_ranges_copy(out, c_ram, -1, e))
		return -1;
	for (uint64_t i = 0; i < img->nmemmap; i++)
		if (img->memmap[i].type == 1 &&
		    kj_ranges_add(out, img->memmap[i].start, img->memmap[i].end, KJ_MEM_RAM, e))
			return -1;
	for (size_t i = 0; i < out->n; i++)
		out->r[i].type = KJ_MEM_RAM;
	kj_ranges_normalize(out);
	return 0;
}

void kj_resume_layout_sizes(const struct kj_img *img, const struct kj_ranges *maps,
			    uint64_t payload_span, struct kj_resume_sizes *sz)
{
	uint64_t pgt_pages = 8;	/* 2 MiB identity pages, with room to spare */

	memset(sz, 0, sizeof(*sz));
	for (size_t i = 0; i < maps->n; i++)
		pgt_pages += (maps->r[i].end - maps->r[i].start) / (1ULL << 30) + 4;
	sz->pgt = pgt_pages * KJ_PAGE_SIZE;
	sz->scratch = img->hdr.chunk_pages * KJ_PAGE_SIZE;
	sz->cin = kj_align_up(ZSTD_compressBound(sz->scratch), KJ_PAGE_SIZE);
	sz->stack = KJ_RESUME_STACK_BYTES;
	sz->payload_bytes = payload_span + sz->pgt + sz->scratch + sz->cin + sz->stack +
		KJ_PAGE_SIZE;
	for (uint64_t i = 0; i < img->nchunks; i++)
		sz->data_pages += (img->chunk[i].csize + KJ_PAGE_SIZE - 1) / KJ_PAGE_SIZE;
	/* Each chunk takes at most its frame's pages of spares, and copied
	 * pages fewer than that, so their list at most 1/256 more, and a
	 * page of rounding (lib/resume_placement.c). */
	sz->max_spares = sz->data_pages + sz->data_pages / 256 + 1;
	sz->manifest_bytes = sizeof(struct kj_restore_manifest) +
		img->next * sizeof(struct kj_restore_extent) +
		img->nchunks * sizeof(struct kj_restore_chunk) +
		maps->n * sizeof(struct kj_restore_range) + sz->max_spares * 8;
	sz->overhead = kj_resume_overhead(img, kj_ranges_total(maps, -1),
					  kj_resume_check_threads(img, sysconf(_SC_NPROCESSORS_CONF)));
}

static int plan(const struct kj_img *img, const struct kj_ranges *c_ram,
		uint64_t payload_span, uint64_t reserve_bytes, bool room_for_copies,
		struct kj_ranges *maps, struct kj_resume_sizes *sz,
		struct kj_resume_layout *p, struct kj_err *e)
{
	memset(maps, 0, sizeof(*maps));
	if (kj_resume_layout_check_machine(img, c_ram, e) ||
	    kj_resume_layout_map_ranges(img, c_ram, maps, e))
		return -1;
	kj_resume_layout_sizes(img, maps, payload_span, sz);
	if (room_for_copies) {
		/* every page of every chunk a spare page of its own, and its
		 * copy-list entry (lib/resume_placement.h, prefer_copies) */
		uint64_t pages = 0;

		for (uint64_t i = 0; i < img->nchunks; i++)
			pages += img->chunk[i].npages;
		if (pages > sz->data_pages) {
			uint64_t more = pages + pages / 256 + 1;

			sz->manifest_bytes += (more - sz->max_spares) * 8;
			sz->max_spares = more;
		}
	}

	struct kj_resume_layout_in in = {
		.img = img, .c_ram = c_ram, .payload_bytes = sz->payload_bytes,
		.manifest_bytes = sz->manifest_bytes, .reserve_bytes = reserve_bytes,
		.overhead_bytes = reserve_bytes ? sz->overhead : 0,
		.data_bytes = sz->data_pages * KJ_PAGE_SIZE,
	};
	return kj_resume_layout_make(&in, p, e);
}

int kj_resume_layout_plan(const struct kj_img *img, const struct kj_ranges *c_ram,
			  uint64_t payload_span, uint64_t reserve_bytes,
			  struct kj_ranges *maps, struct kj_resume_sizes *sz,
			  struct kj_resume_layout *p, struct kj_err *e)
{
	return plan(img, c_ram, payload_span, reserve_bytes, false, maps, sz, p, e);
}

int kj_resume_layout_plan_for_copies(const struct kj_img *img, const struct kj_ranges *c_ram,
				     uint64_t payload_span, struct kj_ranges *maps,
				     struct kj_resume_sizes *sz, struct kj_resume_layout *p,
				     struct kj_err *e)
{
	return plan(img, c_ram, payload_span, 0, true, maps, sz, p, e);
}

int kj_resume_layout_saved_ram(const struct kj_img *img, struct kj_ranges *out,
			       struct kj_err *e)
{
	memset(out, 0, sizeof(*out));
	for (uint64_t i = 0; i < img->nmemmap; i++) {
		const struct kj_img_range *r = &img->memmap[i];
		uint64_t s = kj_align_up(r->start, KJ_PAGE_SIZE), t = kj_align_down(r->end, KJ_PAGE_SIZE);

		if (r->type == 1 && t > s && kj_ranges_add(out, s, t, KJ_MEM_RAM, e)) {
			kj_ranges_free(out);
			return -1;
		}
	}
	kj_ranges_normalize(out);
	if (!out->n)
		return kj_fail(e, EINVAL, "the image has no RAM in its memory map");
	return 0;
}

uint64_t kj_resume_reserve_default(uint64_t ram_bytes)
{
	return 224 * MiB + kj_align_up(ram_bytes / 64, KJ_PAGE_SIZE);
}

unsigned kj_resume_check_threads(const struct kj_img *img, long cpus)
{
	uint64_t fit = KJ_RESUME_CHECK_BUFFER_BYTES / kj_resume_check_buffers(img, 1);

	if (cpus < 1)
		cpus = 1;
	if (cpus > 8)
		cpus = 8;
	if ((uint64_t)cpus > fit)
		cpus = fit ? (long)fit : 1;
	return (unsigned)cpus;
}

uint64_t kj_resume_check_buffers(const struct kj_img *img, unsigned threads)
{
	return threads * (2 * (uint64_t)img->hdr.chunk_pages * KJ_PAGE_SIZE + MiB);
}

uint64_t kj_resume_overhead(const struct kj_img *img, uint64_t ram_bytes, unsigned threads)
{
	/* per held page its address and where kjump sees it; per page of
	 * A's data where it is held in place; per chunk its missing pages */
	return kj_align_up(ram_bytes / KJ_PAGE_SIZE * 16 + img->hdr.pages_data * 8 +
			   img->nchunks * 4, KJ_PAGE_SIZE) + kj_resume_check_buffers(img, threads) +
		MiB;
}
