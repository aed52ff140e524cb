/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Freeing A's clean page cache before a hibernation, as the kernel's own
 * hibernation frees memory before it takes its image: a smaller image is
 * written and read faster, and leaves more of A's RAM free for the resume
 * kernel beside it (docs/limits.md).
 */
#ifndef KJUMP_PAGE_CACHE_H
#define KJUMP_PAGE_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/error.h"

/* The kernel's hibernation frees memory down to /sys/power/image_size,
 * 2/5 of RAM by default; kjump drops clean caches when more than that is
 * in use. */
bool kj_page_cache_worth_dropping(uint64_t mem_total, uint64_t mem_free);

/* sync, then drop the clean page cache (not dentries and inodes); *freed
 * is how much MemFree grew. */
int kj_page_cache_drop(uint64_t *freed, struct kj_err *e);

/* Forget what this kernel caches of the file open as fd, so that reads
 * come from the disk: an image file B wrote through the device under it
 * (src/image_file.h). posix_fadvise, or on a kernel without it
 * (CONFIG_ADVISE_SYSCALLS=n) the whole clean page cache. */
int kj_page_cache_forget_file(int fd, struct kj_err *e);

#endif
