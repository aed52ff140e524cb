// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pages of kjump's own memory that hold the compressed image for the
 * restore payload (see lib/resume_layout.h): allocated in blocks, locked, kept
 * only where the physical page is one the saved system does not need,
 * pinned with pipe references so they cannot move, and checked once more
 * right before the jump.
 */
#include "staging_pages.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../lib/memmap.h"
#include "../lib/page.h"
#include "../lib/pinned.h"

#define BLOCK (32ULL << 20)
#define PIPE_BYTES (64 << 20)
#define MiB (1ULL << 20)

int kj_staging_pages_alloc(struct kj_staging_pages *d, const struct kj_img *img,
		    const struct kj_resume_layout *plan, size_t need, struct kj_err *e)
{
	uint64_t avail = kj_meminfo_read_available(), used = 0, *pa = NULL;
	int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	memset(d, 0, sizeof(*d));
	if (pm < 0)
		return kj_fail_errno(e, "cannot open /proc/self/pagemap");
	d->pa = calloc(need ? need : 1, sizeof(*d->pa));
	d->va = calloc(need ? need : 1, sizeof(*d->va));
	pa = malloc(BLOCK / KJ_PAGE_SIZE * sizeof(*pa));
	if (!d->pa || !d->va || !pa) {
		kj_fail(e, ENOMEM, "out of memory");
		goto fail;
	}
	while (d->n < need) {
		void **nb = realloc(d->blocks, (d->nblocks + 1) * sizeof(*nb));
		uint8_t *b;

		/* keep 64 MiB for the rest of this system, rather than meet
		 * the OOM killer halfway */
		if (used + BLOCK + 64 * MiB > avail) {
			kj_fail(e, ENOMEM, "this system has %llu MiB of memory available; "
				"holding %llu MiB of compressed image in pages the saved "
				"system does not need takes more (boot with more memory, or "
				"fewer services)", (unsigned long long)(avail / MiB),
				(unsigned long long)(need * KJ_PAGE_SIZE / MiB));
			goto fail;
		}
		if (!nb) {
			kj_fail(e, ENOMEM, "out of memory");
			goto fail;
		}
		d->blocks = nb;
		b = mmap(NULL, BLOCK, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (b == MAP_FAILED) {
			kj_fail_errno(e, "cannot allocate memory for the image");
			goto fail;
		}
		d->blocks[d->nblocks++] = b;
		used += BLOCK;
		if (mlock(b, BLOCK)) {
			kj_fail_errno(e, "cannot lock memory for the image");
			goto fail;
		}
		if (kj_pagemap_read(pm, b, BLOCK / KJ_PAGE_SIZE, pa, e))
			goto fail;
		for (size_t i = 0; i < BLOCK / KJ_PAGE_SIZE && d->n < need; i++)
			if (kj_resume_layout_usable(img, plan, pa[i])) {
				d->pa[d->n] = pa[i];
				d->va[d->n] = b + i * KJ_PAGE_SIZE;
				d->n++;
			}
	}
	close(pm);
	free(pa);
	return 0;
fail:
	close(pm);
	free(pa);
	kj_staging_pages_free(d);
	return -1;
}

int kj_staging_pages_pin(struct kj_staging_pages *d, struct kj_err *e)
{
	size_t per = PIPE_BYTES / KJ_PAGE_SIZE, npipes = (d->n + per - 1) / per;

	d->pipes = calloc(npipes ? npipes * 2 : 1, sizeof(int));
	if (!d->pipes)
		return kj_fail(e, ENOMEM, "out of memory");
	for (size_t p = 0; p < npipes; p++) {
		int fds[2];

		if (pipe2(fds, O_CLOEXEC | O_NONBLOCK))
			return kj_fail_errno(e, "cannot pin the image's pages");
		d->pipes[d->npipes++] = fds[0];
		d->pipes[d->npipes++] = fds[1];
		if (fcntl(fds[1], F_SETPIPE_SZ, PIPE_BYTES) < PIPE_BYTES)
			return kj_fail_errno(e, "cannot size a pipe to pin the image's pages");
		for (size_t i = p * per; i < d->n && i < (p + 1) * per; i++) {
			struct iovec iov = { d->va[i], KJ_PAGE_SIZE };

			if (vmsplice(fds[1], &iov, 1, 0) != (ssize_t)KJ_PAGE_SIZE)
				return kj_fail_errno(e, "cannot pin the image's pages");
		}
	}
	return 0;
}

int kj_staging_pages_verify(const struct kj_staging_pages *d, struct kj_err *e)
{
	int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (pm < 0)
		return kj_fail_errno(e, "cannot open /proc/self/pagemap");
	for (size_t i = 0; i < d->n; i++) {
		uint64_t pa;

		if (kj_pagemap_read(pm, d->va[i], 1, &pa, e)) {
			close(pm);
			return -1;
		}
		if (pa != d->pa[i]) {
			close(pm);
			return kj_fail(e, EAGAIN, "a page holding the image moved (0x%llx to "
				       "0x%llx); nothing was changed, try again",
				       (unsigned long long)d->pa[i], (unsigned long long)pa);
		}
	}
	close(pm);
	return 0;
}

void kj_staging_pages_free(struct kj_staging_pages *d)
{
	for (size_t i = 0; i < d->npipes; i++)
		close(d->pipes[i]);
	for (size_t i = 0; i < d->nblocks; i++)
		munmap(d->blocks[i], BLOCK);
	free(d->pipes);
	free(d->blocks);
	free(d->pa);
	free(d->va);
	memset(d, 0, sizeof(*d));
}
