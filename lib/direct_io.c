// SPDX-License-Identifier: GPL-2.0-or-later
/* Chunks read and written past the page cache (see direct_io.h). */
#include "direct_io.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"

int kj_direct_reopen(int fd, bool write)
{
	char path[64];
	struct stat a, b;
	int dfd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	dfd = open(path, (write ? O_RDWR : O_RDONLY) | O_DIRECT | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	if (fstat(fd, &a) || fstat(dfd, &b) || a.st_dev != b.st_dev || a.st_ino != b.st_ino ||
	    a.st_rdev != b.st_rdev) {
		close(dfd);
		return -1;
	}
	return dfd;
}

size_t kj_direct_buffer_size(size_t len)
{
	/* the block the bytes start in, and the one they end in */
	return (len + 2 * (size_t)KJ_DIRECT_ALIGN - 1) / KJ_DIRECT_ALIGN * KJ_DIRECT_ALIGN +
		KJ_DIRECT_ALIGN;
}

int kj_direct_pread(int fd, int dfd, void *buf, size_t len, uint64_t off, void **bytes,
		    const char *what, struct kj_err *e)
{
	if (dfd >= 0 && !((uintptr_t)buf % KJ_DIRECT_ALIGN) && off <= UINT64_MAX - 2 * KJ_DIRECT_ALIGN) {
		uint64_t start = off / KJ_DIRECT_ALIGN * KJ_DIRECT_ALIGN;
		uint64_t end = (off + len + KJ_DIRECT_ALIGN - 1) / KJ_DIRECT_ALIGN * KJ_DIRECT_ALIGN;
		struct kj_err ignored;

		if (end - start <= kj_direct_buffer_size(len) &&
		    kj_img_pread(dfd, buf, (size_t)(end - start), start, what, &ignored) == 0) {
			*bytes = (uint8_t *)buf + (off - start);
			return 0;
		}
		/* refused (alignment the device does not take, its end): the
		 * page cache has the same bytes */
	}
	*bytes = buf;
	return kj_img_pread(fd, buf, len, off, what, e);
}

int kj_direct_pwrite(int fd, int dfd, const void *buf, size_t len, uint64_t off,
		     const char *what, struct kj_err *e)
{
	if (dfd >= 0 && !((uintptr_t)buf % KJ_DIRECT_ALIGN) && !(len % KJ_DIRECT_ALIGN) &&
	    !(off % KJ_DIRECT_ALIGN)) {
		struct kj_err ignored;

		if (kj_img_pwrite(dfd, buf, len, off, what, &ignored) == 0)
			return 0;
		/* refused, or failed part-way: write it all through the page
		 * cache, which reports a real I/O error as its own */
	}
	return kj_img_pwrite(fd, buf, len, off, what, e);
}
