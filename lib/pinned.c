// SPDX-License-Identifier: GPL-2.0-or-later
#include "pinned.h"
#include "page.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

int kj_pagemap_read(int fd, const void *va, size_t npages, uint64_t *pa,
		    struct kj_err *e)
{
	uint64_t vpn = (uint64_t)(uintptr_t)va / KJ_PAGE_SIZE;
	size_t len = npages * 8;

	if (pread(fd, pa, len, (off_t)(vpn * 8)) != (ssize_t)len)
		return kj_fail_errno(e, "cannot read /proc/self/pagemap");
	for (size_t i = 0; i < npages; i++) {
		uint64_t pfn = pa[i] & ((1ULL << 55) - 1);

		if (!(pa[i] >> 63))
			return kj_fail(e, EFAULT, "page at %p is not in memory",
				       (const char *)va + i * KJ_PAGE_SIZE);
		if (!pfn)
			return kj_fail(e, EPERM, "/proc/self/pagemap hides physical "
				       "frame numbers from this user; run as root");
		pa[i] = pfn * KJ_PAGE_SIZE;
	}
	return 0;
}

int kj_virt_to_phys(const void *va, uint64_t *pa, struct kj_err *e)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return kj_fail_errno(e, "cannot open /proc/self/pagemap");
	r = kj_pagemap_read(fd, va, 1, pa, e);
	close(fd);
	if (r == 0)
		*pa += (uint64_t)(uintptr_t)va % KJ_PAGE_SIZE;
	return r;
}

int kj_pinned_alloc(struct kj_pinned *pp, size_t npages, struct kj_err *e)
{
	memset(pp, 0, sizeof(*pp));
	pp->pipefd[0] = pp->pipefd[1] = -1;
	if (npages == 0 || npages > KJ_PINNED_MAX_PAGES)
		return kj_fail(e, EINVAL, "cannot pin %zu pages", npages);
	pp->va = mmap(NULL, npages * KJ_PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (pp->va == MAP_FAILED) {
		pp->va = NULL;
		return kj_fail_errno(e, "cannot allocate %zu pages", npages);
	}
	pp->npages = npages;
	memset(pp->va, 0, npages * KJ_PAGE_SIZE);
	if (mlock(pp->va, npages * KJ_PAGE_SIZE))
		goto fail_errno;
	if (pipe2(pp->pipefd, O_CLOEXEC | O_NONBLOCK))
		goto fail_errno;
	if (fcntl(pp->pipefd[1], F_SETPIPE_SZ, (int)(npages * KJ_PAGE_SIZE * 2)) < 0 && npages > 8)
		goto fail_errno;
	for (size_t i = 0; i < npages; i++) {
		struct iovec iov = { (char *)pp->va + i * KJ_PAGE_SIZE, KJ_PAGE_SIZE };

		if (vmsplice(pp->pipefd[1], &iov, 1, 0) != (ssize_t)KJ_PAGE_SIZE)
			goto fail_errno;
		if (kj_virt_to_phys((char *)pp->va + i * KJ_PAGE_SIZE, &pp->phys[i], e)) {
			kj_pinned_free(pp);
			return -1;
		}
	}
	return 0;
fail_errno:
	kj_fail_errno(e, "cannot lock and pin the result page");
	kj_pinned_free(pp);
	return -1;
}

int kj_pinned_verify(const struct kj_pinned *pp, struct kj_err *e)
{
	for (size_t i = 0; i < pp->npages; i++) {
		uint64_t pa;

		if (kj_virt_to_phys((char *)pp->va + i * KJ_PAGE_SIZE, &pa, e))
			return -1;
		if (pa != pp->phys[i])
			return kj_fail(e, EAGAIN, "pinned page %zu moved from 0x%llx to "
				       "0x%llx", i, (unsigned long long)pp->phys[i],
				       (unsigned long long)pa);
	}
	return 0;
}

void kj_pinned_free(struct kj_pinned *pp)
{
	if (pp->pipefd[0] >= 0)
		close(pp->pipefd[0]);
	if (pp->pipefd[1] >= 0)
		close(pp->pipefd[1]);
	if (pp->va)
		munmap(pp->va, pp->npages * KJ_PAGE_SIZE);
	memset(pp, 0, sizeof(*pp));
	pp->pipefd[0] = pp->pipefd[1] = -1;
}
