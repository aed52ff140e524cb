// SPDX-License-Identifier: GPL-2.0-or-later
#include "rplan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memmap.h"

#define PAGE 4096ULL
#define MiB (1ULL << 20)

int kj_rplan_check_machine(const struct kj_img *img, const struct kj_ranges *c_ram,
			   struct kj_err *e)
{
	if (!img->nmemmap)
		return kj_fail(e, EINVAL, "the image has no memory map of the saved "
			       "system; kjump cannot check this machine can hold it");
	for (uint64_t i = 0; i < img->nmemmap; i++) {
		const struct kj_img_range *r = &img->memmap[i];
		uint64_t s = kj_align_up(r->start, PAGE), t = kj_align_down(r->end, PAGE);

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

int kj_rplan_free_runs(const struct kj_img *img, const struct kj_ranges *c_ram,
		       struct kj_ranges *out, struct kj_err *e)
{
	uint64_t x = 0;	/* next extent; extents are sorted and disjoint */

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < c_ram->n; i++) {
		uint64_t at = kj_align_up(c_ram->r[i].start, PAGE);
		uint64_t end = kj_align_down(c_ram->r[i].end, PAGE);

		if (at < MiB)
			at = MiB;	/* leave firmware's first MiB alone */
		while (x < img->next && (img->ext[x].pfn + img->ext[x].npages) * PAGE <= at)
			x++;
		while (at < end) {
			uint64_t es = x < img->next ? img->ext[x].pfn * PAGE : UINT64_MAX;
			uint64_t ee = x < img->next ?
				(img->ext[x].pfn + img->ext[x].npages) * PAGE : UINT64_MAX;

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

static int cmp_size_desc(const void *a, const void *b)
{
	const struct kj_range *x = a, *y = b;
	uint64_t sx = x->end - x->start, sy = y->end - y->start;

	return (sx < sy) - (sx > sy);
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

void kj_rplan_free(struct kj_rplan *p)
{
	free(p->chunk_addr);
	p->chunk_addr = NULL;
}

int kj_rplan_make(const struct kj_rplan_in *in, struct kj_rplan *p, struct kj_err *e)
{
	const struct kj_img *img = in->img;
	struct kj_ranges runs;
	uint64_t pay = kj_align_up(in->payload_bytes, PAGE);
	uint64_t man = kj_align_up(in->manifest_bytes, PAGE);
	uint64_t cbytes = 0, limit = in->c_ram_bytes / PAGE / 2 * PAGE;
	uint64_t c = 0;
	int ret = -1;

	memset(p, 0, sizeof(*p));
	for (uint64_t i = 0; i < img->nchunks; i++)
		cbytes += img->chunk[i].csize;
	if (kj_rplan_free_runs(img, in->c_ram, &runs, e))
		return -1;
	p->free_bytes = kj_ranges_total(&runs, -1);
	p->chunk_addr = calloc(img->nchunks ? img->nchunks : 1, sizeof(uint64_t));
	if (!p->chunk_addr) {
		kj_fail(e, ENOMEM, "out of memory");
		goto out;
	}
	if (take_best_fit(&runs, pay, &p->payload_addr) ||
	    take_best_fit(&runs, man, &p->manifest_addr)) {
		kj_fail(e, ENOSPC, "no free run of %llu KiB in the saved system's free "
			"memory for the restore code", (unsigned long long)((pay + man) >> 10));
		goto out;
	}
	/* The compressed chunks, in order, into the largest runs. */
	qsort(runs.r, runs.n, sizeof(*runs.r), cmp_size_desc);
	for (size_t r = 0; r < runs.n && c < img->nchunks && p->ndata < KJ_RPLAN_DATA_SEGS; r++) {
		struct kj_rplan_seg *s = &p->data[p->ndata];
		uint64_t room = runs.r[r].end - runs.r[r].start;

		s->addr = runs.r[r].start;
		s->first_chunk = c;
		while (c < img->nchunks && s->size + img->chunk[c].csize <= room) {
			p->chunk_addr[c] = s->addr + s->size;
			s->size += img->chunk[c].csize;
			c++;
		}
		s->nchunks = c - s->first_chunk;
		if (s->nchunks)
			p->ndata++;
	}
	if (c < img->nchunks) {
		kj_fail(e, ENOSPC, "the image's %llu MiB of compressed data do not fit in "
			"the memory the saved system does not need (%llu MiB free, in %zu "
			"runs; kexec takes %d of them): this image cannot be resumed on "
			"this machine", (unsigned long long)(cbytes / MiB),
			(unsigned long long)(p->free_bytes / MiB), runs.n, KJ_RPLAN_DATA_SEGS);
		goto out;
	}
	p->total_bytes = pay + man;
	for (int i = 0; i < p->ndata; i++)
		p->total_bytes += kj_align_up(p->data[i].size, PAGE);
	if (p->total_bytes > limit) {
		kj_fail(e, E2BIG, "resuming needs %llu MiB loaded at once (%llu MiB of "
			"compressed image); the kernel loads at most half of RAM, %llu MiB",
			(unsigned long long)(p->total_bytes / MiB),
			(unsigned long long)(cbytes / MiB), (unsigned long long)(limit / MiB));
		goto out;
	}
	ret = 0;
out:
	kj_ranges_free(&runs);
	if (ret)
		kj_rplan_free(p);
	return ret;
}
