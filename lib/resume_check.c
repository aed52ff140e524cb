// SPDX-License-Identifier: GPL-2.0-or-later
#include "resume_check.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "direct_io.h"
#include "memmap.h"
#include "page.h"

typedef unsigned long long ull;

int kj_resume_check_kind(const struct kj_img *img, bool snapshot_ok, struct kj_err *e)
{
	switch (img->hdr.kind) {
	case KJ_IMG_HIBERNATION:
		return 0;
	case KJ_IMG_SNAPSHOT:
		if (snapshot_ok)
			return 0;
		return kj_fail(e, EPERM, "this is a snapshot, not a hibernation image: "
			       "the system it holds went on running after it was taken, "
			       "and its disks moved on with it. Resuming it rolls memory "
			       "back behind those disks, and filesystems it had mounted "
			       "would be damaged. Pass --snapshot only if its disks are "
			       "as they were when the snapshot was taken (or it has none "
			       "mounted)");
	default:
		return kj_fail(e, EINVAL, "the image is of kind %u, neither a "
			       "hibernation image nor a snapshot: kjump cannot resume it",
			       (unsigned)img->hdr.kind);
	}
}

/* A's RAM as the image's memory map gives it, pages wholly inside. */
static int a_ram(const struct kj_img *img, struct kj_ranges *out, struct kj_err *e)
{
	memset(out, 0, sizeof(*out));
	for (uint64_t i = 0; i < img->nmemmap; i++) {
		const struct kj_img_range *r = &img->memmap[i];
		uint64_t s = kj_align_up(r->start, KJ_PAGE_SIZE);
		uint64_t t = kj_align_down(r->end, KJ_PAGE_SIZE);

		if (r->type == KJ_MEM_RAM && t > s &&
		    kj_ranges_add(out, s, t, KJ_MEM_RAM, e)) {
			kj_ranges_free(out);
			return -1;
		}
	}
	kj_ranges_normalize(out);
	return 0;
}

int kj_resume_check_extents(const struct kj_img *img, const struct kj_ranges *c_ram,
			    struct kj_err *e)
{
	struct kj_ranges ram;
	int ret = 0;

	if (!img->complete)
		return kj_fail(e, EINVAL, "the image is not usable: %s", img->problem);
	if (a_ram(img, &ram, e))
		return -1;
	for (uint64_t i = 0; i < img->next && !ret; i++) {
		const struct kj_img_extent *x = &img->ext[i];
		uint64_t s = x->pfn * KJ_PAGE_SIZE, t = (x->pfn + x->npages) * KJ_PAGE_SIZE;
		char desc[128];

		snprintf(desc, sizeof(desc), "extent %llu of %llu (pages 0x%llx-0x%llx, %s)",
			 (ull)i, (ull)img->next, (ull)x->pfn,
			 (ull)(x->pfn + x->npages - 1),
			 x->kind == KJ_EXT_DATA ? "data" : "zero");
		if (!x->npages || x->pfn >= KJ_IMG_MAX_PFN ||
		    x->npages > KJ_IMG_MAX_PFN - x->pfn)
			ret = kj_fail(e, EINVAL, "%s: not a range of pages; the image "
				      "is damaged and cannot be resumed", desc);
		else if (!kj_ranges_covers(&ram, s, t, -1))
			ret = kj_fail(e, EINVAL, "%s: not in the saved system's RAM (its "
				      "memory map in the image): the restore code would "
				      "write where no memory is, or into firmware's; the "
				      "image is damaged and cannot be resumed", desc);
		else if (!kj_ranges_covers(c_ram, s, t, -1))
			ret = kj_fail(e, EINVAL, "%s: not RAM on this machine: resume on "
				      "the machine, and with the memory size, the image "
				      "was saved with", desc);
	}
	kj_ranges_free(&ram);
	return ret;
}

int kj_resume_check_entry(const struct kj_img *img, struct kj_err *e)
{
	uint64_t a = img->hdr.jump_back_entry;
	struct kj_ranges ram;
	int kind = 0;
	bool in_ram;

	if (!img->complete)
		return kj_fail(e, EINVAL, "the image is not usable: %s", img->problem);
	if (!a)
		return kj_fail(e, EINVAL, "the image has no jump-back entry: nothing to "
			       "enter the saved system at; it cannot be resumed");
	if (a_ram(img, &ram, e))
		return -1;
	in_ram = kj_ranges_covers(&ram, a & ~(uint64_t)(KJ_PAGE_SIZE - 1),
				  (a & ~(uint64_t)(KJ_PAGE_SIZE - 1)) + KJ_PAGE_SIZE, -1);
	kj_ranges_free(&ram);
	if (!in_ram)
		return kj_fail(e, EINVAL, "the image's jump-back entry 0x%llx is not in "
			       "the saved system's RAM: the image is damaged and cannot "
			       "be resumed", (ull)a);
	if (a / KJ_PAGE_SIZE >= KJ_IMG_MAX_PFN ||
	    kj_img_find_page(img, a / KJ_PAGE_SIZE, &kind, NULL) || kind != KJ_EXT_DATA)
		return kj_fail(e, EINVAL, "the image's jump-back entry 0x%llx is in a page "
			       "the image %s: the saved system's re-entry code is not in "
			       "it; the image is damaged and cannot be resumed", (ull)a,
			       kind == KJ_EXT_ZERO ? "holds as zeros" : "does not hold");
	return 0;
}

static void chunk_desc(const struct kj_img *img, uint64_t idx, char *buf, size_t size)
{
	const struct kj_img_chunk *c = &img->chunk[idx];
	uint64_t first = 0, last = 0;

	kj_img_stream_pfn(img, c->first_page, &first);
	kj_img_stream_pfn(img, c->first_page + c->npages - 1, &last);
	snprintf(buf, size, "chunk %llu of %llu at offset 0x%llx (pages 0x%llx-0x%llx)",
		 (ull)idx, (ull)img->nchunks, (ull)c->offset, (ull)first, (ull)last);
}

int kj_resume_check_chunk(const struct kj_img *img, uint64_t idx, void *bytes,
			  void *out, void *dctx, struct kj_err *e)
{
	const struct kj_img_chunk *c;
	size_t want, r;
	char desc[160];

	if (!img->complete)
		return kj_fail(e, EINVAL, "the image is not usable: %s", img->problem);
	if (idx >= img->nchunks)
		return kj_fail(e, EINVAL, "no chunk %llu (the image has %llu)", (ull)idx,
			       (ull)img->nchunks);
	if (kj_img_check_frame(img, idx, bytes, e))
		return -1;
	c = &img->chunk[idx];
	want = (size_t)c->npages * KJ_PAGE_SIZE;
	r = kj_img_decompress_frame(img, dctx, out, want, bytes, c->csize);
	if (ZSTD_isError(r)) {
		chunk_desc(img, idx, desc, sizeof(desc));
		return kj_fail(e, EIO, "%s: cannot decompress (zstd: %s)", desc,
			       ZSTD_getErrorName(r));
	}
	if (r != want) {
		chunk_desc(img, idx, desc, sizeof(desc));
		return kj_fail(e, EIO, "%s: decompresses to %zu bytes instead of %zu",
			       desc, r, want);
	}
	return 0;
}

struct chunks_run {
	const struct kj_resume_chunks_in *in;
	size_t cmax, omax;
	pthread_mutex_t mu;
	uint64_t next, done;
	bool stop, failed;
	uint64_t bad;
	struct kj_err err;
};

static void record(struct chunks_run *r, uint64_t idx, const struct kj_err *e)
{
	pthread_mutex_lock(&r->mu);
	if (!r->failed || idx < r->bad) {
		r->failed = true;
		r->bad = idx;
		r->err = *e;
	}
	r->stop = true;
	pthread_mutex_unlock(&r->mu);
}

static void *chunks_worker(void *p)
{
	struct chunks_run *r = p;
	const struct kj_resume_chunks_in *in = r->in;
	bool full = !in->checksums_only;
	void *cbuf = NULL, *bytes = NULL, *out = full ? malloc(r->omax) : NULL;
	ZSTD_DCtx *dctx = full ? kj_img_new_dctx(in->img) : NULL;
	struct kj_err e;

	if (posix_memalign(&cbuf, KJ_DIRECT_ALIGN, kj_direct_buffer_size(r->cmax)))
		cbuf = NULL;
	if (!cbuf || (full && (!out || !dctx))) {
		kj_fail(&e, ENOMEM, "out of memory for checking the image's chunks");
		record(r, UINT64_MAX, &e);
		goto out;
	}
	for (;;) {
		uint64_t idx;

		pthread_mutex_lock(&r->mu);
		if (r->stop || r->next >= in->img->nchunks) {
			pthread_mutex_unlock(&r->mu);
			break;
		}
		idx = r->next++;
		pthread_mutex_unlock(&r->mu);
		bytes = cbuf;
		if (in->fetch(in->arg, idx, cbuf, &bytes, &e) ||
		    (full ? kj_resume_check_chunk(in->img, idx, bytes, out, dctx, &e) :
		     kj_img_check_frame(in->img, idx, bytes, &e))) {
			record(r, idx, &e);
			break;
		}
		if (in->passed)
			in->passed(in->arg, idx, bytes, out);
		pthread_mutex_lock(&r->mu);
		r->done++;
		if (in->progress)
			in->progress(in->arg, r->done, in->img->nchunks);
		pthread_mutex_unlock(&r->mu);
	}
out:
	ZSTD_freeDCtx(dctx);
	free(out);
	free(cbuf);
	return NULL;
}

int kj_resume_check_chunks(const struct kj_resume_chunks_in *in, uint64_t *bad_chunk,
			   struct kj_err *e)
{
	const struct kj_img *img = in->img;
	struct chunks_run r = { .in = in, .cmax = 1, .omax = 1 };
	unsigned n = in->threads ? in->threads : 1, started = 0;
	pthread_t *tid;

	if (bad_chunk)
		*bad_chunk = UINT64_MAX;
	if (!img->complete)
		return kj_fail(e, EINVAL, "the image is not usable: %s", img->problem);
	if (n > KJ_IMG_MAX_THREADS)
		n = KJ_IMG_MAX_THREADS;
	if (img->nchunks && n > img->nchunks)
		n = (unsigned)img->nchunks;
	for (uint64_t i = 0; i < img->nchunks; i++) {
		if (img->chunk[i].csize > r.cmax)
			r.cmax = img->chunk[i].csize;
		if ((size_t)img->chunk[i].npages * KJ_PAGE_SIZE > r.omax)
			r.omax = (size_t)img->chunk[i].npages * KJ_PAGE_SIZE;
	}
	tid = calloc(n, sizeof(*tid));
	if (!tid)
		return kj_fail(e, ENOMEM, "out of memory");
	pthread_mutex_init(&r.mu, NULL);
	/* n - 1 more threads; this one is the n-th. Fewer if the system
	 * refuses some: the check only gets slower. */
	for (unsigned i = 0; i + 1 < n; i++, started++)
		if (pthread_create(&tid[i], NULL, chunks_worker, &r))
			break;
	chunks_worker(&r);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	pthread_mutex_destroy(&r.mu);
	free(tid);
	if (r.failed) {
		*e = r.err;
		if (bad_chunk)
			*bad_chunk = r.bad;
		return -1;
	}
	return 0;
}
