// SPDX-License-Identifier: GPL-2.0-or-later
#include "page_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/memmap.h"

bool kj_page_cache_worth_dropping(uint64_t mem_total, uint64_t mem_free)
{
	return mem_free < mem_total && (mem_total - mem_free) / 2 > mem_total / 5;
}

/* MemFree, in bytes; 0 when unreadable. */
static uint64_t mem_free(void)
{
	char *t = NULL;
	struct kj_err e;
	uint64_t v;

	if (kj_read_text("/proc/meminfo", &t, NULL, &e))
		return 0;
	v = kj_meminfo_bytes(t, "MemFree:");
	free(t);
	return v;
}

int kj_page_cache_drop(uint64_t *freed, struct kj_err *e)
{
	uint64_t before = mem_free(), after;
	int fd;

	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return kj_fail_errno(e, "cannot open /proc/sys/vm/drop_caches");
	if (write(fd, "1\n", 2) != 2) {
		kj_fail_errno(e, "cannot drop the page cache");
		close(fd);
		return -1;
	}
	close(fd);
	after = mem_free();
	*freed = after > before ? after - before : 0;
	return 0;
}

int kj_page_cache_forget_file(int fd, struct kj_err *e)
{
	uint64_t freed;
	int r;

	if (fdatasync(fd) && errno != EINVAL)
		return kj_fail_errno(e, "cannot flush the image file");
	r = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	if (r == 0)
		return 0;
	if (r != ENOSYS)
		return kj_fail(e, r, "cannot drop the image file's cached pages: %s",
			       strerror(r));
	return kj_page_cache_drop(&freed, e) ? kj_prefix(e, "this kernel has no "
							 "posix_fadvise") : 0;
}
