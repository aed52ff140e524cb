/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User pages whose physical address may be handed to code that runs
 * between kernels (a `kjump call` program's result page).
 *
 * Such a page must not move while the jump is under way, or the program
 * would write into a page that now belongs to someone else. mlock() keeps
 * it in RAM but does not stop compaction from migrating it; a page
 * reference held by a pipe (vmsplice) does, because migration gives up on
 * pages with unexpected references. kjump also re-reads the physical
 * address right before each jump and after it.
 */
#ifndef KJUMP_PINNED_H
#define KJUMP_PINNED_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define KJ_PINNED_MAX_PAGES 16

struct kj_pinned {
	void *va;
	size_t npages;
	uint64_t phys[KJ_PINNED_MAX_PAGES];
	int pipefd[2];
};

/* Physical addresses of npages pages from va (page aligned), through an
 * open /proc/self/pagemap: fails if one is not in memory or frame numbers
 * are hidden (not root). */
int kj_pagemap_read(int pagemap_fd, const void *va, size_t npages, uint64_t *pa,
		    struct kj_err *e);
int kj_virt_to_phys(const void *va, uint64_t *pa, struct kj_err *e);
int kj_pinned_alloc(struct kj_pinned *pp, size_t npages, struct kj_err *e);
/* Fails if any page's physical address changed since kj_pinned_alloc. */
int kj_pinned_verify(const struct kj_pinned *pp, struct kj_err *e);
void kj_pinned_free(struct kj_pinned *pp);

#endif
