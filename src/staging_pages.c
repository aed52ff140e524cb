// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The memory kjump resume holds for the saved system's pages (see
 * staging_pages.h and lib/resume_placement.h): anonymous blocks, each
 * populated, locked, pinned with pipe references (so migration cannot
 * move a page: it gives up on pages with references it does not know)
 * before their physical addresses are read, and read again right before
 * the jump; a round of blocks at a time, each filled on a thread of its
 * own (hold_round). Blocks are held until the spare pages suffice: when A's free
 * memory is plentiful that is soon, and chunks stay compressed; when it
 * is not, most of C's memory is held, and most of A's pages are in place.
 */
#include "staging_pages.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../lib/memmap.h"
#include "../lib/page.h"
#include "../lib/pinned.h"
#include "../lib/text.h"
#include "../payload/include/kjump/restore.h"

#define BLOCK_BYTES (32ULL << 20)
#define MiB (1ULL << 20)

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* Linux 5.14 */
#endif

/*
 * A block of n pages, mapped but not yet populated, and locked as its
 * pages arrive (MLOCK_ONFAULT, Linux 4.4; where that is refused the
 * block is locked after it is populated). Done on the calling thread,
 * before any block of the round is populated: mapping and locking take
 * the mm's lock exclusive, and would wait for every populating thread.
 */
static int map_block(struct kj_staging_block *b, size_t n, struct kj_err *e)
{
	b->pipe[0] = b->pipe[1] = -1;
	b->npages = n;
	b->va = mmap(NULL, n * KJ_PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->va == MAP_FAILED) {
		b->va = NULL;
		return kj_fail_errno(e, "cannot allocate memory for the image");
	}
	b->pa = malloc(n * sizeof(*b->pa));
	if (!b->pa)
		return kj_fail(e, ENOMEM, "out of memory");
	b->locked = mlock2(b->va, n * KJ_PAGE_SIZE, MLOCK_ONFAULT) == 0;
	return 0;
}

/*
 * A mapped block populated, locked and pinned, then its addresses: on a
 * thread of its own, beside the other blocks of its round. Populated by
 * MADV_POPULATE_WRITE, or where the kernel has no madvise (tinyconfig
 * kernels such as the test kernel) by writing to each page: its faults
 * take only the mapping's own lock (CONFIG_PER_VMA_LOCK), so the blocks
 * of a round fill at once.
 */
static int fill_block(struct kj_staging_block *b, int pagemap, struct kj_err *e)
{
	size_t n = b->npages;
	struct iovec iov;

	if (madvise(b->va, n * KJ_PAGE_SIZE, MADV_POPULATE_WRITE))
		for (size_t i = 0; i < n; i++)
			((volatile uint8_t *)b->va)[i * KJ_PAGE_SIZE] = 0;
	if (!b->locked) {
		if (mlock(b->va, n * KJ_PAGE_SIZE))
			return kj_fail_errno(e, "cannot lock memory for the image");
		b->locked = true;
	}
	if (pipe2(b->pipe, O_CLOEXEC | O_NONBLOCK))
		return kj_fail_errno(e, "cannot pin memory for the image");
	/* one pipe slot per page: room for the whole block */
	if (fcntl(b->pipe[1], F_SETPIPE_SZ, (int)(n * KJ_PAGE_SIZE)) < (int)(n * KJ_PAGE_SIZE))
		return kj_fail_errno(e, "cannot size a pipe to pin memory for the image");
	iov = (struct iovec){ b->va, n * KJ_PAGE_SIZE };
	while (iov.iov_len) {
		ssize_t r = vmsplice(b->pipe[1], &iov, 1, 0);

		if (r <= 0)
			return kj_fail_errno(e, "cannot pin memory for the image");
		iov.iov_base = (uint8_t *)iov.iov_base + r;
		iov.iov_len -= (size_t)r;
	}
	return kj_pagemap_read(pagemap, b->va, n, b->pa, e);
}

/* One block of a round, held on a thread of its own. */
struct hold_job {
	struct kj_staging_block *block;
	int pagemap;
	int result;
	struct kj_err err;
};

static void *hold_job_main(void *arg)
{
	struct hold_job *j = arg;

	j->result = fill_block(j->block, j->pagemap, &j->err);
	return NULL;
}

/*
 * Fill the mapped blocks of one round at once, one thread each (this one
 * fills the first): the kernel zeroes every page it hands out, and on
 * several CPUs it does so for several blocks at a time. A thread that
 * cannot start leaves its block to this one. Returns 0, or -1 with the
 * error of the first block that failed.
 */
static int hold_round(struct hold_job *jobs, unsigned n, struct kj_err *e)
{
	pthread_t tid[KJ_STAGING_HOLD_THREADS];
	bool started[KJ_STAGING_HOLD_THREADS] = { false };

	for (unsigned i = 1; i < n; i++)
		started[i] = pthread_create(&tid[i], NULL, hold_job_main, &jobs[i]) == 0;
	hold_job_main(&jobs[0]);
	for (unsigned i = 1; i < n; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		else
			hold_job_main(&jobs[i]);
	}
	for (unsigned i = 0; i < n; i++)
		if (jobs[i].result) {
			*e = jobs[i].err;
			return -1;
		}
	return 0;
}

static void release_block(struct kj_staging_block *b)
{
	if (b->pipe[0] >= 0)
		close(b->pipe[0]);
	if (b->pipe[1] >= 0)
		close(b->pipe[1]);
	if (b->va)
		munmap(b->va, b->npages * KJ_PAGE_SIZE);
	free(b->pa);
	memset(b, 0, sizeof(*b));
	b->pipe[0] = b->pipe[1] = -1;
}

/* Sort out a held block's pages: spare, in place, or of no use. */
static int sort_block(struct kj_staging_pages *d, const struct kj_staging_block *b,
		      struct kj_err *e)
{
	for (size_t i = 0; i < b->npages; i++) {
		uint64_t s = 0;

		switch (kj_resume_placement_hold(&d->placement, b->pa[i], &s)) {
		case KJ_HELD_SPARE:
			d->spare_pa[d->nspare] = b->pa[i];
			d->spare_va[d->nspare] = b->va + i * KJ_PAGE_SIZE;
			d->nspare++;
			break;
		case KJ_HELD_DESTINATION:
			if (d->in_place[s])
				return kj_fail(e, EIO, "the kernel gave kjump the page at "
					       "0x%llx twice", (unsigned long long)b->pa[i]);
			d->in_place[s] = b->va + i * KJ_PAGE_SIZE;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* Spare pages to chunks in stream order, then the copy list's. */
static int assign(struct kj_staging_pages *d, struct kj_err *e)
{
	const struct kj_img *img = d->img;
	uint64_t next = 0, copy = 0;

	d->chunk_spare = calloc(img->nchunks ? img->nchunks : 1, sizeof(uint64_t));
	d->chunk_copy = calloc(img->nchunks ? img->nchunks : 1, sizeof(uint64_t));
	if (!d->chunk_spare || !d->chunk_copy)
		return kj_fail(e, ENOMEM, "out of memory");
	for (uint64_t c = 0; c < img->nchunks; c++) {
		d->chunk_spare[c] = next;
		d->chunk_copy[c] = copy;
		next += kj_resume_placement_chunk_spares(&d->placement, c);
		if (kj_resume_placement_staging(&d->placement, c) == KJ_CHUNK_COPIED)
			copy += d->placement.missing[c];
	}
	d->list_first = next;
	d->spares_used = next + kj_resume_placement_list_pages(&d->placement);
	if (copy != d->placement.copied || d->spares_used > d->nspare)
		return kj_fail(e, EIO, "kjump's accounts of the held pages disagree "
			       "(%llu spare pages needed, %llu held); nothing was changed",
			       (unsigned long long)d->spares_used, (unsigned long long)d->nspare);
	return 0;
}

int kj_staging_pages_hold(struct kj_staging_pages *d, const struct kj_img *img,
			  const struct kj_resume_layout *plan, uint64_t buffers,
			  bool may_copy_all, unsigned threads, struct kj_err *e)
{
	uint64_t avail = kj_meminfo_read_available(), ram = 0;
	uint64_t leave = KJ_RESUME_LEAVE_BYTES + buffers;
	int pm;

	memset(d, 0, sizeof(*d));
	d->img = img;
	if (kj_meminfo_read_total(&ram, e))
		return -1;
	if (kj_resume_placement_init(&d->placement, img, plan, e))
		return -1;
	pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pm < 0) {
		kj_fail_errno(e, "cannot open /proc/self/pagemap");
		goto fail;
	}
	/* at most every page of this machine, each once */
	d->spare_pa = calloc(ram / KJ_PAGE_SIZE + 1, sizeof(*d->spare_pa));
	d->spare_va = calloc(ram / KJ_PAGE_SIZE + 1, sizeof(*d->spare_va));
	d->in_place = calloc(img->hdr.pages_data + 1, sizeof(*d->in_place));
	if (!d->spare_pa || !d->spare_va || !d->in_place) {
		kj_fail(e, ENOMEM, "out of memory");
		goto fail;
	}
	/* Room for every page uncompressed twice over (what is held besides
	 * spare pages: destinations, pages of no use): then the payload only
	 * copies (lib/resume_placement.h). Else, or if the room runs out,
	 * compressed chunks where they take fewer pages. */
	if (may_copy_all && avail / 2 > leave &&
	    kj_resume_placement_all_copied(&d->placement) < (avail / 2 - leave) / KJ_PAGE_SIZE)
		kj_resume_placement_prefer_copies(&d->placement, true);
	if (threads < 1)
		threads = 1;
	if (threads > KJ_STAGING_HOLD_THREADS)
		threads = KJ_STAGING_HOLD_THREADS;
	while (!kj_resume_placement_enough(&d->placement)) {
		uint64_t left = avail > d->held_bytes + leave ? avail - d->held_bytes - leave : 0;
		uint64_t bytes = left < BLOCK_BYTES ? kj_align_down(left, KJ_PAGE_SIZE) : BLOCK_BYTES;
		/* a page held makes up for about one of the pages still
		 * missing (a spare page, or one in place that needs none):
		 * so many blocks at once hold little more than needed */
		uint64_t missing = kj_resume_placement_needed(&d->placement) - d->placement.spare;
		uint64_t want = (missing * KJ_PAGE_SIZE + BLOCK_BYTES - 1) / BLOCK_BYTES;
		struct hold_job jobs[KJ_STAGING_HOLD_THREADS];
		struct kj_staging_block *nb;
		unsigned n = 0;

		if (bytes < MiB && d->placement.prefer_copies) {
			kj_resume_placement_prefer_copies(&d->placement, false);
			continue;
		}
		if (bytes < MiB) {
			kj_fail(e, ENOMEM, "the saved system does not fit beside this "
				"kernel: of the %llu MiB available here, kjump holds %llu MiB "
				"(%llu MiB of the saved system's pages in place, %llu MiB "
				"free in it) and leaves %llu MiB, and would need %llu MiB "
				"more of pages the saved system does not need. Resume from a "
				"kernel that keeps less memory (smaller initramfs, fewer "
				"modules and services)", (unsigned long long)(avail / MiB),
				(unsigned long long)(d->held_bytes / MiB),
				(unsigned long long)(d->placement.in_place * KJ_PAGE_SIZE / MiB),
				(unsigned long long)(d->placement.spare * KJ_PAGE_SIZE / MiB),
				(unsigned long long)(leave / MiB),
				(unsigned long long)((missing * KJ_PAGE_SIZE + MiB - 1) / MiB));
			goto fail;
		}
		nb = realloc(d->blocks, (d->nblocks + threads) * sizeof(*nb));
		if (!nb) {
			kj_fail(e, ENOMEM, "out of memory");
			goto fail;
		}
		d->blocks = nb;
		/* the blocks of this round: at least one, at most one per
		 * thread, as many as the missing pages ask for and the memory
		 * left allows */
		while (n < threads && (n == 0 || (n < want && bytes >= MiB))) {
			struct kj_staging_block *b = &d->blocks[d->nblocks];

			memset(b, 0, sizeof(*b));
			b->pipe[0] = b->pipe[1] = -1;
			d->nblocks++;
			jobs[n] = (struct hold_job){ .block = b, .pagemap = pm };
			d->held_bytes += bytes;
			if (map_block(b, bytes / KJ_PAGE_SIZE, e))
				goto fail;
			n++;
			left = left > bytes ? left - bytes : 0;
			bytes = left < BLOCK_BYTES ? kj_align_down(left, KJ_PAGE_SIZE) : BLOCK_BYTES;
		}
		if (hold_round(jobs, n, e))
			goto fail;
		for (unsigned i = 0; i < n; i++) {
			if (d->nspare + jobs[i].block->npages > ram / KJ_PAGE_SIZE + 1) {
				kj_fail(e, EIO, "kjump holds more pages than this machine has");
				goto fail;
			}
			if (sort_block(d, jobs[i].block, e))
				goto fail;
		}
	}
	close(pm);
	pm = -1;
	if (assign(d, e))
		goto fail;
	return 0;
fail:
	if (pm >= 0)
		close(pm);
	kj_staging_pages_free(d);
	return -1;
}

void kj_staging_pages_stage_chunk(const struct kj_staging_pages *d, uint64_t idx,
				  const void *frame, const void *pages)
{
	const struct kj_img *img = d->img;
	const struct kj_img_chunk *c = &img->chunk[idx];
	const uint8_t *src = pages;
	uint64_t j = 0;

	switch (kj_resume_placement_staging(&d->placement, idx)) {
	case KJ_CHUNK_COMPRESSED:	/* the payload places all its pages */
		for (uint64_t off = 0, sp = d->chunk_spare[idx]; off < c->csize;
		     off += KJ_PAGE_SIZE, sp++)
			memcpy(d->spare_va[sp], (const uint8_t *)frame + off,
			       c->csize - off < KJ_PAGE_SIZE ? c->csize - off : KJ_PAGE_SIZE);
		return;
	case KJ_CHUNK_COPIED:
	case KJ_CHUNK_IN_PLACE:
		break;
	}
	for (uint64_t k = 0; k < c->npages; k++) {
		uint64_t s = c->first_page + k, ce, pfn = 0;
		struct kj_restore_copy *entry;

		if (d->in_place[s]) {
			memcpy(d->in_place[s], src + k * KJ_PAGE_SIZE, KJ_PAGE_SIZE);
			continue;
		}
		/* a copied chunk's page not in place: a spare page, and its
		 * entry in the copy list */
		ce = d->chunk_copy[idx] + j;
		memcpy(d->spare_va[d->chunk_spare[idx] + j], src + k * KJ_PAGE_SIZE, KJ_PAGE_SIZE);
		kj_img_stream_pfn(img, s, &pfn);
		entry = (struct kj_restore_copy *)(d->spare_va[d->list_first + ce / 256] +
						   (ce % 256) * sizeof(*entry));
		*entry = (struct kj_restore_copy){ d->spare_pa[d->chunk_spare[idx] + j],
						   pfn * KJ_PAGE_SIZE };
		j++;
	}
}

int kj_staging_pages_verify(const struct kj_staging_pages *d, struct kj_err *e)
{
	int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC), ret = 0;
	uint64_t *pa = malloc(BLOCK_BYTES / KJ_PAGE_SIZE * sizeof(*pa));

	if (pm < 0 || !pa) {
		ret = pm < 0 ? kj_fail_errno(e, "cannot open /proc/self/pagemap") :
			kj_fail(e, ENOMEM, "out of memory");
		goto out;
	}
	for (size_t b = 0; b < d->nblocks && !ret; b++) {
		const struct kj_staging_block *k = &d->blocks[b];

		if (kj_pagemap_read(pm, k->va, k->npages, pa, e)) {
			ret = -1;
			break;
		}
		for (size_t i = 0; i < k->npages; i++)
			if (pa[i] != k->pa[i]) {
				ret = kj_fail(e, EAGAIN, "a page holding the image moved "
					      "(0x%llx to 0x%llx); nothing was changed, try "
					      "again", (unsigned long long)k->pa[i],
					      (unsigned long long)pa[i]);
				break;
			}
	}
out:
	if (pm >= 0)
		close(pm);
	free(pa);
	return ret;
}

void kj_staging_pages_free(struct kj_staging_pages *d)
{
	for (size_t i = 0; i < d->nblocks; i++)
		release_block(&d->blocks[i]);
	free(d->blocks);
	free(d->spare_pa);
	free(d->spare_va);
	free(d->in_place);
	free(d->chunk_spare);
	free(d->chunk_copy);
	kj_resume_placement_free(&d->placement);
	memset(d, 0, sizeof(*d));
}
