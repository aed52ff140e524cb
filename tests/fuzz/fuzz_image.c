// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for everything that reads a kjump image: the reader
 * (kj_img_open and its validation of header and index, the filesystems
 * section included, and the words resume and info make of it), `verify` (every
 * chunk read, checked and decompressed), the view of A's memory from the
 * image (a_memory_from_image.c), the export core builder and writer
 * (lib/image_export.c) and the resume planner (lib/resume_layout.c,
 * lib/resume_placement.c).
 *
 * An input is the bytes of a target. It must be refused with a message,
 * or give an image whose documented invariants hold (image.h), whose
 * pages read consistently, and whose export and resume plan succeed or
 * are refused with a message. AddressSanitizer and UBSan catch the rest;
 * libFuzzer's -timeout and -rss_limit_mb catch unbounded work and memory.
 * Build and run with tests/fuzz/run; seeds in tests/fuzz/corpus/image/.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xxhash.h>

#include "../../lib/a_memory.h"
#include "../../lib/fs_fingerprint.h"
#include "../../lib/image.h"
#include "../../lib/image_export.h"
#include "../../lib/memmap.h"
#include "../../lib/resume_layout.h"
#include "../../lib/resume_placement.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)
/* Pages of each extent the walk reads (its first ones and its last). */
#define WALK_PAGES 64

static int img_fd = -1, core_fd = -1;
static uint8_t page[KJ_IMG_PAGE_SIZE];
static volatile uint8_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool msg_ok(const struct kj_err *e)
{
	return e->msg[0] && strnlen(e->msg, sizeof(e->msg)) < sizeof(e->msg);
}

/* Read A's page pfn; its presence must agree with the index. */
static void walk_page(struct kj_a_from_image *m, uint64_t pfn)
{
	struct kj_err e = { 0 };
	uint64_t s = 0, back = 0;
	bool present, in_b;
	int kind = -1;

	if (kj_a_from_image_page(m, pfn, page, &present, &e)) {
		CHECK(msg_ok(&e));	/* a bad chunk */
		return;
	}
	uint64_t src = kj_a_from_image_source(m->img, pfn, &in_b);
	CHECK(kj_img_find_page(m->img, src, &kind, &s) == 0);
	CHECK(present == (!in_b && kind != 0));
	if (kind == KJ_EXT_DATA) {
		CHECK(s < m->img->hdr.pages_data);
		CHECK(kj_img_stream_pfn(m->img, s, &back) == 0 && back == src);
	}
	if (present && kind == KJ_EXT_ZERO)
		CHECK(kj_img_page_is_zero(page));
	sink += page[0] + page[KJ_IMG_PAGE_SIZE - 1];
}

static void walk(struct kj_img *img)
{
	struct kj_a_from_image m;
	struct kj_err e = { 0 };

	if (kj_a_from_image_init(&m, img, &e)) {
		CHECK(msg_ok(&e));
		return;
	}
	for (uint64_t i = 0; i < img->next; i++) {
		const struct kj_img_extent *x = &img->ext[i];

		CHECK(x->npages > 0 && x->pfn + x->npages <= KJ_IMG_MAX_PFN);
		CHECK(i == 0 || x->pfn >= img->ext[i - 1].pfn + img->ext[i - 1].npages);
		for (uint64_t k = 0; k < x->npages && k < WALK_PAGES; k++)
			walk_page(&m, x->pfn + k);
		walk_page(&m, x->pfn + x->npages - 1);
		if (x->pfn)
			walk_page(&m, x->pfn - 1);
	}
	for (uint64_t i = 0; i < img->nremap; i++) {
		walk_page(&m, img->remap[i].dst_pfn);
		walk_page(&m, img->remap[i].dst_pfn + img->remap[i].npages - 1);
	}
	kj_a_from_image_free(&m);
}

static void export(struct kj_img *img)
{
	struct kj_export_plan p;
	struct kj_err e = { 0 };
	uint64_t written = 0;

	if (kj_export_plan(img, &p, &e)) {
		CHECK(msg_ok(&e));
		CHECK(p.seg == NULL && p.hdr == NULL);
		return;
	}
	CHECK(p.nseg >= 1 + p.nram && p.nseg <= KJ_CORE_MAX_SEGS);
	for (size_t j = 1; j <= p.nram; j++) {
		const struct kj_core_seg *s = &p.seg[j];

		CHECK(s->filesz > 0 && s->offset % KJ_IMG_PAGE_SIZE == 0);
		CHECK(s->offset + s->filesz <= p.file_size);
		CHECK(s->paddr + s->filesz <= KJ_IMG_MAX_PHYS);
	}
	CHECK(ftruncate(core_fd, 0) == 0);
	if (kj_export_write(img, &p, core_fd, NULL, NULL, &written, &e))
		CHECK(msg_ok(&e));
	else
		CHECK(written <= img->hdr.pages_data + KJ_IMG_MAX_REMAP_PAGES +
		      img->nmemmap);
	CHECK(ftruncate(core_fd, 0) == 0);
	kj_export_plan_free(&p);
}

/* kjump resume holding pages of this RAM (the first 64 Ki of them):
 * the accounts stay consistent, each destination is one of A's data
 * pages, and the spare pages needed never exceed what the chunks' frames
 * and their copy list can take. */
static void hold(struct kj_img *img, const struct kj_ranges *c_ram,
		 const struct kj_resume_layout *lay)
{
	struct kj_resume_placement pl;
	struct kj_err e = { 0 };
	uint64_t held = 0, frames = 0;

	if (kj_resume_placement_init(&pl, img, lay, &e)) {
		CHECK(msg_ok(&e));
		return;
	}
	for (uint64_t c = 0; c < img->nchunks; c++)
		frames += (img->chunk[c].csize + KJ_IMG_PAGE_SIZE - 1) / KJ_IMG_PAGE_SIZE;
	CHECK(kj_resume_placement_needed(&pl) <= frames + frames / 256 + 1);
	for (size_t i = 0; i < c_ram->n && held < 65536; i++)
		for (uint64_t pa = kj_align_up(c_ram->r[i].start, KJ_IMG_PAGE_SIZE);
		     pa + KJ_IMG_PAGE_SIZE <= c_ram->r[i].end && held < 65536;
		     pa += KJ_IMG_PAGE_SIZE, held++) {
			uint64_t s = UINT64_MAX;
			int kind = -1;

			if (kj_resume_placement_hold(&pl, pa, &s) != KJ_HELD_DESTINATION)
				continue;
			CHECK(s < img->hdr.pages_data);
			CHECK(kj_img_find_page(img, pa / KJ_IMG_PAGE_SIZE, &kind, NULL) == 0 &&
			      kind == KJ_EXT_DATA);
		}
	CHECK(pl.spare + pl.in_place + pl.unused == held);
	CHECK(kj_resume_placement_needed(&pl) <= frames + frames / 256 + 1);
	for (uint64_t c = 0; c < img->nchunks; c++)
		CHECK(pl.missing[c] <= img->chunk[c].npages);
	/* staging every page uncompressed: never more than all of them, and
	 * never less than the cheaper staging it falls back to */
	uint64_t cheaper = kj_resume_placement_needed(&pl);
	kj_resume_placement_prefer_copies(&pl, true);
	CHECK(kj_resume_placement_needed(&pl) <= kj_resume_placement_all_copied(&pl));
	CHECK(kj_resume_placement_needed(&pl) + 1 >= cheaper);
	kj_resume_placement_prefer_copies(&pl, false);
	CHECK(kj_resume_placement_needed(&pl) == cheaper);
	kj_resume_placement_free(&pl);
}

/* Plan a resume on a machine with exactly A's RAM. */
static void plan(struct kj_img *img)
{
	struct kj_ranges c_ram = { 0 }, runs;
	struct kj_resume_layout_in in;
	struct kj_resume_layout lay;
	struct kj_err e = { 0 };

	for (uint64_t i = 0; i < img->nmemmap; i++)
		if (img->memmap[i].type == 1)
			CHECK(kj_ranges_add(&c_ram, img->memmap[i].start, img->memmap[i].end,
					    KJ_MEM_RAM, &e) == 0);
	kj_ranges_normalize(&c_ram);
	if (kj_resume_layout_check_machine(img, &c_ram, &e))
		CHECK(msg_ok(&e));
	if (kj_resume_layout_free_runs(img, &c_ram, &runs, &e) == 0) {
		for (size_t i = 0; i < runs.n && i < 256; i++) {
			int kind = -1;

			CHECK(runs.r[i].start < runs.r[i].end);
			CHECK(runs.r[i].start % KJ_IMG_PAGE_SIZE == 0);
			CHECK(runs.r[i].end % KJ_IMG_PAGE_SIZE == 0);
			CHECK(kj_img_find_page(img, runs.r[i].start / KJ_IMG_PAGE_SIZE,
					       &kind, NULL) == 0 && kind == 0);
			CHECK(kj_img_find_page(img, runs.r[i].end / KJ_IMG_PAGE_SIZE - 1,
					       &kind, NULL) == 0 && kind == 0);
		}
		kj_ranges_free(&runs);
	}
	in = (struct kj_resume_layout_in){ img, &c_ram, 2u << 20, 70000,
					   img->hdr.data_bytes, img->hdr.pages_data,
					   img->hdr.data_bytes };
	if (kj_resume_layout_make(&in, &lay, &e) == 0) {
		CHECK(lay.payload_addr % KJ_IMG_PAGE_SIZE == 0);
		CHECK(lay.manifest_addr % KJ_IMG_PAGE_SIZE == 0);
		CHECK(lay.payload_addr + lay.payload_size <= lay.manifest_addr ||
		      lay.manifest_addr + lay.manifest_size <= lay.payload_addr);
		CHECK(!kj_resume_layout_usable(img, &lay, lay.payload_addr));
		CHECK(!kj_resume_layout_usable(img, &lay, lay.manifest_addr));
		for (uint64_t pa = lay.payload_addr; pa < lay.payload_addr + lay.payload_size;
		     pa += KJ_IMG_PAGE_SIZE) {
			int kind = -1;

			CHECK(kj_img_find_page(img, pa / KJ_IMG_PAGE_SIZE, &kind, NULL) == 0);
			CHECK(kind == 0);
		}
		hold(img, &c_ram, &lay);
	} else {
		CHECK(msg_ok(&e));
	}
	kj_ranges_free(&c_ram);
}

/*
 * Checksums would stop nearly every mutation at the header: make them
 * right, as a forger would, so the fuzzer reaches the checks behind them
 * (the checksum checks themselves have unit tests). Chunk checksums
 * first, then the index's, then the header's.
 */
static void forge_checksums(uint8_t *b, size_t size)
{
	struct kj_img_header h;

	if (size < sizeof(h))
		return;
	memcpy(&h, b, sizeof(h));
	if (h.index_offset <= size && h.index_size <= size - h.index_offset) {
		uint8_t *index = b + h.index_offset;

		for (int i = 0; i < KJ_SECT_MAX; i++) {
			const struct kj_img_sect *s = &h.sect[i];

			if (s->type != KJ_SECT_CHUNKS || s->entry_size != sizeof(struct kj_img_chunk) ||
			    s->offset > h.index_size || s->count > (h.index_size - s->offset) / 32)
				continue;
			for (uint64_t k = 0; k < s->count; k++) {
				struct kj_img_chunk c;
				uint8_t *at = index + s->offset + k * 32;

				memcpy(&c, at, sizeof(c));
				if (c.offset <= size && c.csize <= size - c.offset) {
					c.xxh64 = XXH64(b + c.offset, c.csize, 0);
					memcpy(at, &c, sizeof(c));
				}
			}
		}
		h.index_xxh64 = XXH64(index, h.index_size, 0);
	}
	h.header_xxh64 = kj_img_header_hash(&h);
	memcpy(b, &h, sizeof(h));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kj_img img;
	struct kj_err e = { 0 };
	uint64_t bad = 0;

	if (img_fd < 0) {
		img_fd = memfd_create("fuzz-image", MFD_CLOEXEC);
		core_fd = memfd_create("fuzz-core", MFD_CLOEXEC);
		CHECK(img_fd >= 0 && core_fd >= 0);
	}
	CHECK(ftruncate(img_fd, 0) == 0);
	/* Odd-sized inputs as they are (checksums and all), the rest forged */
	if (size & 1) {
		CHECK(pwrite(img_fd, data, size, 0) == (ssize_t)size);
	} else if (size) {
		uint8_t *b = malloc(size);

		CHECK(b != NULL);
		memcpy(b, data, size);
		forge_checksums(b, size);
		CHECK(pwrite(img_fd, b, size, 0) == (ssize_t)size);
		free(b);
	}

	if (kj_img_open(&img, img_fd, 0, &e)) {
		CHECK(msg_ok(&e));
		CHECK(!img.complete && img.index == NULL);
		return 0;
	}
	CHECK(strnlen(img.hdr.release, sizeof(img.hdr.release)) < sizeof(img.hdr.release));
	CHECK(strnlen(img.hdr.machine, sizeof(img.hdr.machine)) < sizeof(img.hdr.machine));
	if (!img.complete) {
		CHECK(img.problem[0] && img.index == NULL && img.next == 0);
		CHECK(kj_img_verify(&img, NULL, NULL, &bad, &e) == -1 && bad == UINT64_MAX);
		CHECK(kj_img_check_resumable(&img, &e) == -1);
		kj_img_close(&img);
		return 0;
	}
	CHECK(img.problem[0] == 0);
	CHECK(img.hdr.target_min_size <= size);
	CHECK(img.nmemmap <= KJ_IMG_MAX_MEMMAP && img.nremap <= KJ_IMG_MAX_REMAP);
	CHECK(img.nvmap <= KJ_IMG_MAX_VMAP && img.vmcoreinfo_len <= KJ_IMG_MAX_VMCOREINFO);
	for (uint64_t i = 0; i < img.nmemmap; i++)
		CHECK(img.memmap[i].start < img.memmap[i].end &&
		      img.memmap[i].end <= KJ_IMG_MAX_PHYS);
	/* the filesystems section: bounded, each entry valid, and what
	 * `resume` and `info` say of it bounded too */
	CHECK(img.nfs <= KJ_IMG_MAX_FS && (img.have_fs || img.nfs == 0));
	for (uint64_t i = 0; i < img.nfs; i++) {
		struct kj_fs_id now = { .kind = img.fs[i].kind, .counter = i,
					.fingerprint = ~img.fs[i].fingerprint };
		char d[320];

		CHECK(kj_img_fs_valid(&img.fs[i]));
		kj_fs_describe(&img.fs[i], d, sizeof(d));
		CHECK(strnlen(d, sizeof(d)) < sizeof(d));
		CHECK(kj_fs_changed(&img.fs[i], &now, d, sizeof(d)));
		CHECK(d[0] && strnlen(d, sizeof(d)) < sizeof(d));
	}

	/* verify, both ways; a bad chunk is named */
	if (kj_img_verify_mode(&img, false, NULL, NULL, &bad, &e))
		CHECK(msg_ok(&e) && (bad < img.nchunks || bad == UINT64_MAX));
	if (kj_img_verify(&img, NULL, NULL, &bad, &e))
		CHECK(msg_ok(&e) && (bad < img.nchunks || bad == UINT64_MAX));
	walk(&img);
	export(&img);
	plan(&img);
	kj_img_close(&img);
	return 0;
}
