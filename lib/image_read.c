// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The image reader. Every byte read from the target is hostile until
 * checked: sizes are bounded before anything is allocated, every sum and
 * product is overflow-checked, and kj_img_open() checks the index as a
 * whole so that users of struct kj_img can index its arrays freely.
 */
#include "image.h"
#include "image_state.h"
#include "seal.h"
#include "stored_frame.h"

#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include <xxhash.h>
#define ZSTD_STATIC_LINKING_ONLY	/* ZSTD_d_forceIgnoreChecksum */
#include <zstd.h>

typedef unsigned long long ull;

static int open_rest(struct kj_img *img, struct kj_err *e);

static void problem(struct kj_img *img, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct kj_img *img, const char *fmt, ...)
{
	va_list ap;

	img->complete = false;
	va_start(ap, fmt);
	vsnprintf(img->problem, sizeof(img->problem), fmt, ap);
	va_end(ap);
}

static void drop_index(struct kj_img *img)
{
	free(img->index);
	free(img->ext_first);
	img->index = NULL;
	img->ext_first = NULL;
	img->ext = NULL;
	img->next = 0;
	img->chunk = NULL;
	img->nchunks = 0;
	img->memmap = NULL;
	img->nmemmap = 0;
	img->remap = NULL;
	img->nremap = 0;
	img->vmap = NULL;
	img->nvmap = 0;
	img->vmcoreinfo = NULL;
	img->vmcoreinfo_len = 0;
	img->have_fs = false;
	img->fs = NULL;
	img->nfs = 0;
	img->tags = NULL;
	img->ntags = 0;
}

void kj_img_close(struct kj_img *img)
{
	drop_index(img);
	free(img->cbuf);
	ZSTD_freeDCtx(img->dctx);
	img->cbuf = NULL;
	img->dctx = NULL;
	kj_seal_keys_free(img->keys);
	img->keys = NULL;
	img->complete = false;
}

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/*
 * The header's own fields, once its checksum holds. Returns false (with
 * img->problem set) when the image can't be used. The string fields are
 * NUL-terminated in img->hdr whatever happens, so callers may print them.
 */
static bool check_header_fields(struct kj_img *img)
{
	struct kj_img_header *h = &img->hdr;
	uint64_t data_end, min_size;
	bool ok = true;

	if (!terminated(h->release, sizeof(h->release))) {
		h->release[sizeof(h->release) - 1] = '\0';
		problem(img, "invalid header: the release string is not "
			"terminated");
		ok = false;
	}
	if (!terminated(h->machine, sizeof(h->machine))) {
		h->machine[sizeof(h->machine) - 1] = '\0';
		problem(img, "invalid header: the machine string is not "
			"terminated");
		ok = false;
	}
	/* Zero in images of older writers; bounded for printing either way. */
	h->fail_reason[sizeof(h->fail_reason) - 1] = '\0';
	if (!ok)
		return false;
	if (!kj_img_state_known(h->state)) {
		problem(img, "invalid header: unknown state %u", h->state);
		return false;
	}
	if (h->kind != KJ_IMG_SNAPSHOT && h->kind != KJ_IMG_HIBERNATION) {
		problem(img, "invalid header: unknown image kind %u", h->kind);
		return false;
	}
	if (h->state == KJ_IMG_FAILED) {
		problem(img, "B gave up on this image and did not power off, so "
			"the system it holds ran on: it must not be resumed (%s)",
			h->fail_reason[0] ? h->fail_reason : "no reason recorded");
		return false;
	}
	if (h->state == KJ_IMG_WRITING) {
		/* The index fields are not filled in yet: nothing to check. */
		problem(img, "incomplete: the save did not finish (state "
			"WRITING)");
		return false;
	}
	if (h->data_offset < KJ_IMG_HEADER_SIZE ||
	    h->data_offset % KJ_IMG_ALIGN) {
		problem(img, "invalid header: data offset 0x%llx is not a "
			"4 KiB-aligned offset after the header",
			(ull)h->data_offset);
		return false;
	}
	if (h->chunk_pages == 0 || h->chunk_pages > KJ_IMG_MAX_CHUNK_PAGES) {
		problem(img, "invalid header: %llu pages per chunk (1 to %u "
			"allowed)", (ull)h->chunk_pages, KJ_IMG_MAX_CHUNK_PAGES);
		return false;
	}
	if (__builtin_add_overflow(h->data_offset, h->data_bytes, &data_end) ||
	    data_end > h->index_offset) {
		problem(img, "invalid header: the data (0x%llx + %llu bytes) "
			"runs past the index offset 0x%llx",
			(ull)h->data_offset, (ull)h->data_bytes,
			(ull)h->index_offset);
		return false;
	}
	if (h->index_size > KJ_IMG_MAX_INDEX_SIZE) {
		problem(img, "invalid header: index size %llu is absurd (at "
			"most %llu)", (ull)h->index_size,
			(ull)KJ_IMG_MAX_INDEX_SIZE);
		return false;
	}
	if (__builtin_add_overflow(h->index_offset, h->index_size, &min_size) ||
	    min_size != h->target_min_size) {
		problem(img, "invalid header: target_min_size %llu is not the "
			"end of the index (0x%llx + %llu)",
			(ull)h->target_min_size, (ull)h->index_offset,
			(ull)h->index_size);
		return false;
	}
	if (h->target_min_size > img->target_size) {
		problem(img, "incomplete: the image needs %llu bytes but the "
			"target has %llu", (ull)h->target_min_size,
			(ull)img->target_size);
		return false;
	}
	return true;
}

static const char *sect_name(uint32_t type)
{
	switch (type) {
	case KJ_SECT_EXTENTS:
		return "extents";
	case KJ_SECT_CHUNKS:
		return "chunks";
	case KJ_SECT_MEMMAP:
		return "memmap";
	case KJ_SECT_REMAP:
		return "remap";
	case KJ_SECT_VMCOREINFO:
		return "vmcoreinfo";
	case KJ_SECT_VMAP:
		return "vmap";
	case KJ_SECT_FILESYSTEMS:
		return "filesystems";
	case KJ_SECT_SEAL_TAGS:
		return "seal tags";
	}
	return "unknown";
}

static uint32_t sect_entry_size(uint32_t type)
{
	switch (type) {
	case KJ_SECT_EXTENTS:
		return sizeof(struct kj_img_extent);
	case KJ_SECT_CHUNKS:
		return sizeof(struct kj_img_chunk);
	case KJ_SECT_MEMMAP:
		return sizeof(struct kj_img_range);
	case KJ_SECT_REMAP:
		return sizeof(struct kj_img_remap);
	case KJ_SECT_VMCOREINFO:
		return 1;
	case KJ_SECT_VMAP:
		return sizeof(struct kj_img_vmap);
	case KJ_SECT_FILESYSTEMS:
		return sizeof(struct kj_img_fs);
	case KJ_SECT_SEAL_TAGS:
		return sizeof(struct kj_img_tag);
	}
	return 0;
}

/* Section table: known types, once each, the right entry size, inside the
 * index, arrays 8-byte aligned (so they can be used in place). */
static bool check_sections(struct kj_img *img)
{
	const struct kj_img_header *h = &img->hdr;
	bool seen[KJ_SECT_LAST + 1] = { false };

	for (int i = 0; i < KJ_SECT_MAX; i++) {
		const struct kj_img_sect *s = &h->sect[i];
		uint64_t bytes, end;
		const void *p;

		if (s->type == 0) {
			if (s->entry_size || s->offset || s->count) {
				problem(img, "invalid index: unused section "
					"slot %d is not empty", i);
				return false;
			}
			continue;
		}
		if (s->type > KJ_SECT_LAST) {
			problem(img, "invalid index: section slot %d has unknown "
				"type %u", i, s->type);
			return false;
		}
		if (seen[s->type]) {
			problem(img, "invalid index: two %s sections",
				sect_name(s->type));
			return false;
		}
		seen[s->type] = true;
		if (s->entry_size != sect_entry_size(s->type)) {
			problem(img, "invalid index: %s entries are %u bytes, "
				"expected %u", sect_name(s->type), s->entry_size,
				sect_entry_size(s->type));
			return false;
		}
		if (__builtin_mul_overflow(s->count, (uint64_t)s->entry_size,
					   &bytes) ||
		    __builtin_add_overflow(s->offset, bytes, &end) ||
		    end > h->index_size) {
			problem(img, "invalid index: the %s section (%llu "
				"entries at offset %llu) does not fit in the "
				"index (%llu bytes)", sect_name(s->type),
				(ull)s->count, (ull)s->offset,
				(ull)h->index_size);
			return false;
		}
		if (s->entry_size > 1 && s->offset % 8) {
			problem(img, "invalid index: the %s section at offset "
				"%llu is not 8-byte aligned", sect_name(s->type),
				(ull)s->offset);
			return false;
		}
		p = img->index + s->offset;
		switch (s->type) {
		case KJ_SECT_EXTENTS:
			img->ext = p;
			img->next = s->count;
			break;
		case KJ_SECT_CHUNKS:
			img->chunk = p;
			img->nchunks = s->count;
			break;
		case KJ_SECT_MEMMAP:
			img->memmap = p;
			img->nmemmap = s->count;
			break;
		case KJ_SECT_REMAP:
			img->remap = p;
			img->nremap = s->count;
			break;
		case KJ_SECT_VMCOREINFO:
			img->vmcoreinfo = p;
			img->vmcoreinfo_len = s->count;
			break;
		case KJ_SECT_VMAP:
			img->vmap = p;
			img->nvmap = s->count;
			break;
		case KJ_SECT_FILESYSTEMS:
			img->have_fs = true;
			img->fs = p;
			img->nfs = s->count;
			break;
		case KJ_SECT_SEAL_TAGS:
			img->tags = p;
			img->ntags = s->count;
			break;
		}
	}
	if (seen[KJ_SECT_SEAL_TAGS] != (img->keys != NULL)) {
		problem(img, "invalid index: %s", img->keys ? "a sealed image without "
			"its chunks' tags" : "chunk tags in an image that is not sealed");
		return false;
	}
	if (!seen[KJ_SECT_EXTENTS] || !seen[KJ_SECT_CHUNKS]) {
		problem(img, "invalid index: no %s section",
			seen[KJ_SECT_EXTENTS] ? "chunks" : "extents");
		return false;
	}
	return true;
}

/* Extents: npages > 0, known kind, inside the physical address space,
 * sorted and disjoint; their page counts match the header. Also fills
 * ext_first. */
static bool check_extents(struct kj_img *img)
{
	const struct kj_img_header *h = &img->hdr;
	uint64_t data = 0, zero = 0, prev_end = 0;

	for (uint64_t i = 0; i < img->next; i++) {
		const struct kj_img_extent *x = &img->ext[i];

		if (x->kind != KJ_EXT_DATA && x->kind != KJ_EXT_ZERO) {
			problem(img, "invalid index: extent %llu has unknown "
				"kind %u", (ull)i, x->kind);
			return false;
		}
		if (x->npages == 0 || x->pfn >= KJ_IMG_MAX_PFN ||
		    x->npages > KJ_IMG_MAX_PFN - x->pfn) {
			problem(img, "invalid index: extent %llu (pfn 0x%llx, "
				"%llu pages) is empty or beyond any physical "
				"address", (ull)i, (ull)x->pfn, (ull)x->npages);
			return false;
		}
		if (i && x->pfn < prev_end) {
			problem(img, "invalid index: extent %llu (pfn 0x%llx) "
				"is out of order or overlaps the one before "
				"(which ends at pfn 0x%llx)", (ull)i,
				(ull)x->pfn, (ull)prev_end);
			return false;
		}
		prev_end = x->pfn + x->npages;
		img->ext_first[i] = data;
		/* No overflow: the extents are disjoint below 2^52. */
		if (x->kind == KJ_EXT_DATA)
			data += x->npages;
		else
			zero += x->npages;
	}
	if (data != h->pages_data || zero != h->pages_zero) {
		problem(img, "invalid index: the extents hold %llu data and "
			"%llu zero pages, the header says %llu and %llu",
			(ull)data, (ull)zero, (ull)h->pages_data,
			(ull)h->pages_zero);
		return false;
	}
	return true;
}

/* Chunks: cover the stream in order, 1 to chunk_pages pages each (a
 * packed image's are all full but the last; one with fixed places ends a
 * chunk where a span ends); frames 4 KiB-aligned, ascending, disjoint,
 * inside the data area, and no larger than zstd's bound for their pages. */
static bool check_chunks(struct kj_img *img)
{
	const struct kj_img_header *h = &img->hdr;
	uint64_t next_page = 0, min_off = h->data_offset;
	uint64_t data_end = h->data_offset + h->data_bytes;

	if (img->nchunks != h->nchunks) {
		problem(img, "invalid index: %llu chunk entries, the header "
			"says %llu", (ull)img->nchunks, (ull)h->nchunks);
		return false;
	}
	if (img->keys && img->ntags != img->nchunks) {
		problem(img, "invalid index: %llu chunk tags for %llu chunks",
			(ull)img->ntags, (ull)img->nchunks);
		return false;
	}
	for (uint64_t i = 0; i < img->nchunks; i++) {
		const struct kj_img_chunk *c = &img->chunk[i];

		if (c->npages == 0 || c->npages > h->chunk_pages) {
			problem(img, "invalid index: chunk %llu holds %u pages "
				"(chunks hold 1 to %llu)", (ull)i, c->npages,
				(ull)h->chunk_pages);
			return false;
		}
		if (c->first_page != next_page) {
			problem(img, "invalid index: chunk %llu starts at stream "
				"page %llu, expected %llu", (ull)i,
				(ull)c->first_page, (ull)next_page);
			return false;
		}
		next_page += c->npages;
		if (c->csize == 0 ||
		    c->csize > ZSTD_compressBound((size_t)c->npages *
						  KJ_IMG_PAGE_SIZE)) {
			problem(img, "invalid index: chunk %llu has an "
				"impossible compressed size %u", (ull)i,
				c->csize);
			return false;
		}
		if (c->offset % KJ_IMG_ALIGN || c->offset < min_off ||
		    c->offset > data_end || c->csize > data_end - c->offset) {
			problem(img, "invalid index: chunk %llu at offset "
				"0x%llx (%u bytes) is misaligned, overlaps the "
				"chunk before, or lies outside the data area "
				"0x%llx-0x%llx", (ull)i, (ull)c->offset,
				c->csize, (ull)h->data_offset, (ull)data_end);
			return false;
		}
		min_off = c->offset + c->csize;
	}
	if (next_page != h->pages_data) {
		problem(img, "invalid index: the chunks hold %llu pages, the "
			"header says %llu data pages", (ull)next_page,
			(ull)h->pages_data);
		return false;
	}
	return true;
}

/* Section sizes: the writer never makes bigger ones (kj_img_writer_set_*
 * refuse them), so a bigger one is forged. Bounds the work of everyone
 * who walks them (export, resume). */
static bool check_section_counts(struct kj_img *img)
{
	static const struct {
		const char *what;
		size_t off;
		uint64_t max;
	} lim[] = {
		{ "memory map ranges", offsetof(struct kj_img, nmemmap), KJ_IMG_MAX_MEMMAP },
		{ "remap entries", offsetof(struct kj_img, nremap), KJ_IMG_MAX_REMAP },
		{ "virtual map entries", offsetof(struct kj_img, nvmap), KJ_IMG_MAX_VMAP },
		{ "bytes of VMCOREINFO", offsetof(struct kj_img, vmcoreinfo_len),
		  KJ_IMG_MAX_VMCOREINFO },
		{ "filesystem entries", offsetof(struct kj_img, nfs), KJ_IMG_MAX_FS },
	};

	for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		uint64_t n;

		memcpy(&n, (const char *)img + lim[i].off, sizeof(n));
		if (n > lim[i].max) {
			problem(img, "invalid index: %llu %s (kjump writes at "
				"most %llu)", (ull)n, lim[i].what,
				(ull)lim[i].max);
			return false;
		}
	}
	return true;
}

/* A RAM range's pages: every page it touches (the writer saves pages
 * start / 4096 up to end / 4096; a partial last page is allowed too). */
static uint64_t ram_first_pfn(const struct kj_img_range *r)
{
	return r->start / KJ_IMG_PAGE_SIZE;
}

static uint64_t ram_end_pfn(const struct kj_img_range *r)
{
	return (r->end - 1) / KJ_IMG_PAGE_SIZE + 1;	/* end > start >= 0 */
}

/*
 * The memory map: ranges inside the physical address space, RAM ranges in
 * ascending order and disjoint; then every extent inside RAM and the
 * header's page counts no larger than the RAM they count.
 */
static bool check_memory(struct kj_img *img)
{
	const struct kj_img_header *h = &img->hdr;
	uint64_t ram_pages = 0, sum = 0, prev_end = 0, nram = 0, j = 0;

	for (uint64_t i = 0; i < img->nmemmap; i++) {
		const struct kj_img_range *r = &img->memmap[i];

		if (r->start >= r->end) {
			problem(img, "invalid index: memory map range %llu "
				"(0x%llx-0x%llx) is empty or reversed", (ull)i,
				(ull)r->start, (ull)r->end);
			return false;
		}
		if (r->end > KJ_IMG_MAX_PHYS) {
			problem(img, "invalid index: memory map range %llu "
				"(0x%llx-0x%llx) lies beyond the 52-bit physical "
				"address space", (ull)i, (ull)r->start,
				(ull)r->end);
			return false;
		}
		if (r->type != 1)
			continue;
		if (nram && r->start < prev_end) {
			problem(img, "invalid index: RAM range %llu "
				"(0x%llx-0x%llx) is out of order or overlaps the "
				"one before", (ull)i, (ull)r->start, (ull)r->end);
			return false;
		}
		prev_end = r->end;
		nram++;
		/* below 2^40 pages each, at most 8192 of them: no overflow */
		ram_pages += ram_end_pfn(r) - ram_first_pfn(r);
	}
	if (__builtin_add_overflow(h->pages_data, h->pages_zero, &sum) ||
	    __builtin_add_overflow(sum, h->pages_free, &sum) ||
	    __builtin_add_overflow(sum, h->pages_excluded, &sum)) {
		problem(img, "invalid header: the page counts overflow");
		return false;
	}
	if (!img->nmemmap)
		return true;	/* a hand-made image: nothing to hold it against */
	/* The saved pages are some of A's RAM pages. (pages_free and
	 * pages_excluded are informative: images hand-made for tests do not
	 * keep them consistent with pages_total, and nothing relies on them.) */
	if (h->pages_data + h->pages_zero > h->pages_total) {
		problem(img, "invalid header: %llu pages saved of only %llu "
			"pages of RAM", (ull)(h->pages_data + h->pages_zero),
			(ull)h->pages_total);
		return false;
	}
	if (h->pages_data + h->pages_zero > ram_pages) {
		problem(img, "invalid header: %llu pages saved but the memory "
			"map has only %llu pages of RAM",
			(ull)(h->pages_data + h->pages_zero), (ull)ram_pages);
		return false;
	}
	/* Extents and RAM ranges are both ascending: one merge walk. */
	for (uint64_t i = 0; i < img->next; i++) {
		const struct kj_img_extent *x = &img->ext[i];
		uint64_t p = x->pfn, end = x->pfn + x->npages;

		while (p < end) {
			const struct kj_img_range *r = NULL;

			while (j < img->nmemmap) {
				r = &img->memmap[j];
				if (r->type == 1 && ram_end_pfn(r) > p)
					break;
				r = NULL;
				j++;
			}
			if (!r || ram_first_pfn(r) > p) {
				problem(img, "invalid index: extent %llu (pfn "
					"0x%llx, %llu pages) holds page 0x%llx, "
					"which is not RAM in the image's memory "
					"map", (ull)i, (ull)x->pfn,
					(ull)x->npages, (ull)p);
				return false;
			}
			p = ram_end_pfn(r) < end ? ram_end_pfn(r) : end;
		}
	}
	return true;
}

static bool check_small_sections(struct kj_img *img)
{
	uint64_t remapped = 0;

	if (!check_section_counts(img) || !check_memory(img))
		return false;
	for (uint64_t i = 0; i < img->nremap; i++) {
		const struct kj_img_remap *r = &img->remap[i];

		if (!r->npages || r->dst_pfn >= KJ_IMG_MAX_PFN ||
		    r->src_pfn >= KJ_IMG_MAX_PFN ||
		    r->npages > KJ_IMG_MAX_PFN - r->dst_pfn ||
		    r->npages > KJ_IMG_MAX_PFN - r->src_pfn) {
			problem(img, "invalid index: remap entry %llu is empty "
				"or beyond any physical address", (ull)i);
			return false;
		}
		/* readers search it: sorted by destination, disjoint */
		if (i && r->dst_pfn < img->remap[i - 1].dst_pfn +
				      img->remap[i - 1].npages) {
			problem(img, "invalid index: remap entry %llu is out of "
				"order or overlaps the one before", (ull)i);
			return false;
		}
		remapped += r->npages;	/* each below 2^52, at most 2^20 */
		if (remapped > KJ_IMG_MAX_REMAP_PAGES) {
			problem(img, "invalid index: the remap section moves more "
				"than %llu pages (a second kernel of more than "
				"4 GiB)", (ull)KJ_IMG_MAX_REMAP_PAGES);
			return false;
		}
	}
	for (uint64_t i = 0; i < img->nvmap; i++) {
		const struct kj_img_vmap *v = &img->vmap[i];

		if (!v->size || v->paddr + v->size < v->paddr ||
		    v->vaddr + v->size < v->vaddr) {
			problem(img, "invalid index: virtual map entry %llu is "
				"empty or wraps", (ull)i);
			return false;
		}
	}
	for (uint64_t i = 0; i < img->nfs; i++) {
		if (!kj_img_fs_valid(&img->fs[i])) {
			problem(img, "invalid index: filesystem entry %llu has an "
				"unknown kind or status, or an unterminated name",
				(ull)i);
			return false;
		}
	}
	if (img->vmcoreinfo_len &&
	    memchr(img->vmcoreinfo, '\0', img->vmcoreinfo_len)) {
		problem(img, "invalid index: the VMCOREINFO text holds a NUL");
		return false;
	}
	return true;
}

/* Read and check the index. Returns -1 only for an I/O error. */
static int load_index(struct kj_img *img, struct kj_err *e)
{
	const struct kj_img_header *h = &img->hdr;

	/* Bounded by KJ_IMG_MAX_INDEX_SIZE, and by the target's real size
	 * (target_min_size <= target_size was checked). */
	img->index = malloc(h->index_size ? h->index_size : 1);
	if (!img->index)
		return kj_fail(e, ENOMEM, "out of memory for an index of %llu "
			       "bytes", (ull)h->index_size);
	if (kj_img_pread(img->fd, img->index, h->index_size, h->index_offset,
			 "the index", e))
		return -1;
	if (XXH64(img->index, h->index_size, 0) != h->index_xxh64) {
		problem(img, "index checksum mismatch: the index is corrupt");
		return 0;
	}
	if (img->keys && kj_seal_index_open(img->keys, h, img->index, h->index_size,
					    h->seal.index_tag)) {
		problem(img, "the index does not authenticate: the image was modified");
		return 0;
	}
	if (!check_sections(img))
		return 0;
	/* next <= index_size / 24, so this is bounded too. */
	img->ext_first = malloc((img->next ? img->next : 1) * sizeof(uint64_t));
	if (!img->ext_first)
		return kj_fail(e, ENOMEM, "out of memory for %llu extents",
			       (ull)img->next);
	if (check_extents(img) && check_chunks(img) &&
	    check_small_sections(img))
		img->complete = true;
	return 0;
}

int kj_img_open(struct kj_img *img, int fd, uint64_t target_size,
		struct kj_err *e)
{
	struct kj_img_header *h = &img->hdr;

	memset(img, 0, sizeof(*img));
	img->fd = fd;
	if (!target_size && kj_img_target_size(fd, &target_size, e))
		return -1;
	img->target_size = target_size;
	if (target_size < sizeof(*h)) {
		uint64_t magic = 0;

		if (target_size >= sizeof(magic) &&
		    kj_img_pread(fd, &magic, sizeof(magic), 0, "the image "
				 "header", e))
			return -1;
		if (magic == KJ_IMG_MAGIC)
			return kj_fail(e, EINVAL, "the target holds only %llu "
				       "bytes of the %u-byte image header: it "
				       "is a truncated copy", (ull)target_size,
				       KJ_IMG_HEADER_SIZE);
		return kj_fail(e, EINVAL, "no kjump image on this target (it "
			       "holds only %llu bytes)", (ull)target_size);
	}
	if (kj_img_pread(fd, h, sizeof(*h), 0, "the image header", e) ||
	    kj_img_header_check(h, e)) {
		memset(h, 0, sizeof(*h));
		return -1;
	}
	if (kj_seal_is_sealed(h)) {
		char kdf[96];

		struct kj_img_header want;

		/* Only the public part can be read without the key; every
		 * other byte of it must be zero, as the writer leaves it (so a
		 * byte changed there is refused, not ignored). */
		kj_seal_public(h, &want);
		if (memcmp(&want, h, sizeof(want)) || h->seal.reserved ||
		    (h->seal.sealed_ok != 0 && h->seal.sealed_ok != 1)) {
			memset(h, 0, sizeof(*h));
			return kj_fail(e, EINVAL, "invalid sealed header: it holds in "
				       "clear fields a sealed image keeps sealed; it was "
				       "modified");
		}
		if (kj_seal_check_kdf(h->seal.kdf, h->seal.opslimit, h->seal.memlimit, e)) {
			memset(h, 0, sizeof(*h));
			return -1;
		}
		img->sealed = true;
		h->fail_reason[sizeof(h->fail_reason) - 1] = '\0';
		img->pub = *h;
		if (!kj_img_state_known(h->state))
			problem(img, "invalid header: unknown state %u", h->state);
		else if (h->state == KJ_IMG_FAILED)
			problem(img, "B gave up on this image and did not power off, so "
				"the system it holds ran on: it must not be resumed (%s)",
				h->fail_reason[0] ? h->fail_reason : "no reason recorded");
		else if (h->state == KJ_IMG_WRITING || !h->seal.sealed_ok)
			problem(img, "incomplete: the save did not finish (state "
				"WRITING)");
		else
			problem(img, "sealed with a %s: its contents need the key",
				kj_seal_kdf_desc(&h->seal, kdf, sizeof(kdf)));
		return 0;
	}
	return open_rest(img, e);
}

/* After the header: its fields, then the index. */
static int open_rest(struct kj_img *img, struct kj_err *e)
{
	if (check_header_fields(img) && load_index(img, e)) {
		kj_img_close(img);
		return -1;
	}
	if (!img->complete)
		drop_index(img);
	else
		img->problem[0] = '\0';
	return 0;
}

int kj_img_unseal(struct kj_img *img, const struct kj_seal_secret *s, struct kj_err *e)
{
	const struct kj_img_header *pub = &img->pub;
	uint8_t master[KJ_SEAL_KEY_BYTES];
	struct kj_img_header full;
	struct kj_seal_keys *keys;
	int r;

	if (!img->sealed)
		return kj_fail(e, EINVAL, "the image is not sealed");
	if (img->keys)
		return 0;
	if (pub->state == KJ_IMG_WRITING || pub->state == KJ_IMG_FAILED ||
	    !kj_img_state_known(pub->state) || !pub->seal.sealed_ok)
		return 0;	/* nothing sealed to open: the problem says why */
	if (kj_seal_master(pub->seal.kdf, pub->seal.opslimit, pub->seal.memlimit,
			   pub->seal.salt, s, master, e))
		return -1;
	r = kj_seal_keys_new(&keys, master, pub->uuid, pub->seal.aead, e);
	sodium_memzero(master, sizeof(master));
	if (r)
		return -1;
	if (kj_seal_header_open(keys, pub, &full, e)) {
		kj_seal_keys_free(keys);
		return -1;
	}
	img->keys = keys;
	img->hdr = full;
	img->problem[0] = '\0';
	img->complete = false;
	return open_rest(img, e);
}

bool kj_img_fs_valid(const struct kj_img_fs *f)
{
	if (f->kind > KJ_FS_SWAP || f->status < KJ_FS_CHECKED ||
	    f->status > KJ_FS_NOT_IN_B)
		return false;
	if (f->status == KJ_FS_CHECKED && f->kind == KJ_FS_UNKNOWN)
		return false;
	return terminated(f->fstype, sizeof(f->fstype)) &&
	       terminated(f->label, sizeof(f->label)) &&
	       terminated(f->device, sizeof(f->device)) &&
	       terminated(f->mountpoint, sizeof(f->mountpoint));
}

int kj_img_check_resumable(const struct kj_img *img, struct kj_err *e)
{
	if (!img->complete)
		return kj_fail(e, EINVAL, "the image can't be resumed: %s",
			       img->problem);
	return kj_img_resume_allowed(&img->hdr, false, e);
}

int kj_img_stream_pfn(const struct kj_img *img, uint64_t s, uint64_t *pfn)
{
	uint64_t lo = 0, hi = img->next;

	/* The first extent whose DATA pages end after s is the DATA extent
	 * holding s: a ZERO extent ends its (empty) run where the previous
	 * extent's ended, so it never comes first. */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		const struct kj_img_extent *x = &img->ext[mid];
		uint64_t end = img->ext_first[mid] +
			       (x->kind == KJ_EXT_DATA ? x->npages : 0);

		if (end > s)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (lo == img->next || img->ext[lo].kind != KJ_EXT_DATA)
		return -1;
	*pfn = img->ext[lo].pfn + (s - img->ext_first[lo]);
	return 0;
}

uint64_t kj_img_chunk_bytes(const struct kj_img *img)
{
	uint64_t sum = 0;

	if (!img->complete)
		return img->hdr.data_bytes;
	/* the reader checked: disjoint, inside data_bytes, so no overflow */
	for (uint64_t i = 0; i < img->nchunks; i++)
		sum += ((uint64_t)img->chunk[i].csize + KJ_IMG_ALIGN - 1) &
		       ~(uint64_t)(KJ_IMG_ALIGN - 1);
	return sum;
}

uint64_t kj_img_held_bytes(const struct kj_img *img)
{
	if (!img->complete)
		return img->hdr.target_min_size;
	return img->hdr.data_offset + kj_img_chunk_bytes(img) + img->hdr.index_size;
}

uint64_t kj_img_chunk_of(const struct kj_img *img, uint64_t s)
{
	uint64_t lo = 0, hi = img->nchunks;

	/* chunks cover the stream in order: the first one ending after s */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (img->chunk[mid].first_page + img->chunk[mid].npages > s)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

uint64_t kj_img_extent_from(const struct kj_img *img, uint64_t pfn)
{
	uint64_t lo = 0, hi = img->next;

	/* Ends of sorted disjoint extents ascend: find the first end > pfn. */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (img->ext[mid].pfn + img->ext[mid].npages > pfn)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

int kj_img_find_page(const struct kj_img *img, uint64_t pfn, int *kind,
		     uint64_t *stream_index)
{
	uint64_t i;

	if (!img->complete)
		return -1;
	*kind = 0;
	i = kj_img_extent_from(img, pfn);
	if (i == img->next || img->ext[i].pfn > pfn)
		return 0;
	*kind = (int)img->ext[i].kind;
	if (stream_index && *kind == KJ_EXT_DATA)
		*stream_index = img->ext_first[i] + (pfn - img->ext[i].pfn);
	return 0;
}

/* "chunk 17 of 240 at offset 0x4500000 (pages 0x11000-0x113ff)" */
static void chunk_desc(const struct kj_img *img, uint64_t idx, char *buf,
		       size_t size)
{
	const struct kj_img_chunk *c = &img->chunk[idx];
	uint64_t first = 0, last = 0;

	kj_img_stream_pfn(img, c->first_page, &first);
	kj_img_stream_pfn(img, c->first_page + c->npages - 1, &last);
	snprintf(buf, size, "chunk %llu of %llu at offset 0x%llx (pages "
		 "0x%llx-0x%llx)", (ull)idx, (ull)img->nchunks, (ull)c->offset,
		 (ull)first, (ull)last);
}

int kj_img_check_frame(const struct kj_img *img, uint64_t idx, void *bytes,
		       struct kj_err *e)
{
	const struct kj_img_chunk *c = &img->chunk[idx];
	uint8_t *f = bytes;
	char desc[160];

	chunk_desc(img, idx, desc, sizeof(desc));
	if (!img->keys && XXH64(f, c->csize, 0) != c->xxh64)
		return kj_fail(e, EIO, "%s: checksum mismatch", desc);
	if (img->keys && kj_seal_chunk_open(img->keys, img->hdr.uuid, idx, c->first_page,
					    c->npages, f, c->csize, img->tags[idx].tag))
		return kj_fail(e, EACCES, "%s: does not authenticate: it was damaged or modified, "
			       "or comes from another image or another place in "
			       "this one", desc);
	/* Exactly one zstd frame, with its content checksum on (byte 4 is
	 * the frame header descriptor, bit 2 the checksum flag, RFC 8878):
	 * so that decompression checks the pages themselves too. */
	if (c->csize < 5 || f[0] != (ZSTD_MAGICNUMBER & 0xff) ||
	    f[1] != ((ZSTD_MAGICNUMBER >> 8) & 0xff) ||
	    f[2] != ((ZSTD_MAGICNUMBER >> 16) & 0xff) ||
	    f[3] != ((ZSTD_MAGICNUMBER >> 24) & 0xff) ||
	    ZSTD_findFrameCompressedSize(f, c->csize) != c->csize)
		return kj_fail(e, EIO, "%s: not one zstd frame", desc);
	if (!(f[4] & 0x04))
		return kj_fail(e, EIO, "%s: the zstd frame has no content "
			       "checksum", desc);
	return 0;
}

void *kj_img_new_dctx(const struct kj_img *img)
{
	ZSTD_DCtx *d = ZSTD_createDCtx();

	if (d && img->keys &&
	    ZSTD_isError(ZSTD_DCtx_setParameter(d, ZSTD_d_forceIgnoreChecksum,
						ZSTD_d_ignoreChecksum))) {
		ZSTD_freeDCtx(d);
		return NULL;
	}
	return d;
}

size_t kj_img_decompress_frame(const struct kj_img *img, void *dctx, void *out, size_t want,
			       const void *frame, size_t csize)
{
	/* a sealed chunk's tag stands for its content checksum, as in
	 * kj_img_new_dctx */
	size_t r = kj_stored_frame_read(out, want, frame, csize, !img->keys);

	return r ? r : ZSTD_decompressDCtx(dctx, out, want, frame, csize);
}

/* *chunk_fault: whether a failure is the chunk's (bad bytes, an I/O
 * error reading it) rather than the caller's or the allocator's. */
static int read_chunk(struct kj_img *img, uint64_t idx, void *out,
		      bool *chunk_fault, struct kj_err *e)
{
	const struct kj_img_chunk *c;
	const uint8_t *f;
	char desc[160];
	size_t want, r;

	if (!img->complete)
		return kj_fail(e, EINVAL, "the image is not usable: %s",
			       img->problem);
	if (idx >= img->nchunks)
		return kj_fail(e, EINVAL, "no chunk %llu (the image has %llu)",
			       (ull)idx, (ull)img->nchunks);
	c = &img->chunk[idx];
	chunk_desc(img, idx, desc, sizeof(desc));
	if (!img->cbuf) {
		img->cbuf = malloc(ZSTD_compressBound(img->hdr.chunk_pages *
						      KJ_IMG_PAGE_SIZE));
		if (!img->cbuf)
			return kj_fail(e, ENOMEM, "out of memory");
	}
	if (!img->dctx) {
		img->dctx = kj_img_new_dctx(img);
		if (!img->dctx)
			return kj_fail(e, ENOMEM, "cannot create a zstd "
				       "decompression context");
	}
	*chunk_fault = true;
	if (kj_img_pread(img->fd, img->cbuf, c->csize, c->offset, "the chunk", e))
		return kj_prefix(e, "%s", desc);
	f = img->cbuf;
	if (kj_img_check_frame(img, idx, img->cbuf, e))
		return -1;
	if (!out)
		return 0;	/* checksums only */
	want = (size_t)c->npages * KJ_IMG_PAGE_SIZE;
	r = kj_img_decompress_frame(img, img->dctx, out, want, f, c->csize);
	if (ZSTD_isError(r))
		return kj_fail(e, EIO, "%s: cannot decompress: zstd: %s", desc,
			       ZSTD_getErrorName(r));
	if (r != want)
		return kj_fail(e, EIO, "%s: decompresses to %zu bytes instead "
			       "of %zu", desc, r, want);
	return 0;
}

int kj_img_read_chunk(struct kj_img *img, uint64_t idx, void *out,
		      struct kj_err *e)
{
	bool fault = false;

	return read_chunk(img, idx, out, &fault, e);
}

int kj_img_verify(struct kj_img *img, kj_img_progress_fn cb, void *cbarg,
		  uint64_t *bad_chunk, struct kj_err *e)
{
	return kj_img_verify_mode(img, true, cb, cbarg, bad_chunk, e);
}

int kj_img_verify_mode(struct kj_img *img, bool decompress, kj_img_progress_fn cb,
		       void *cbarg, uint64_t *bad_chunk, struct kj_err *e)
{
	void *buf = NULL;
	int r = 0;

	if (bad_chunk)
		*bad_chunk = UINT64_MAX;
	if (!img->complete)
		return kj_fail(e, EINVAL, "the image can't be verified: %s",
			       img->problem);
	if (decompress) {
		buf = malloc((size_t)img->hdr.chunk_pages * KJ_IMG_PAGE_SIZE);
		if (!buf)
			return kj_fail(e, ENOMEM, "out of memory");
	}
	for (uint64_t i = 0; i < img->nchunks; i++) {
		bool fault = false;

		if (read_chunk(img, i, buf, &fault, e)) {
			if (bad_chunk && fault)
				*bad_chunk = i;
			r = -1;
			break;
		}
		if (cb)
			cb(i + 1, img->nchunks, cbarg);
	}
	free(buf);
	return r;
}
