/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A's memory, read from an image, as A saw it.
 *
 * The image holds memory as it physically was while A was stopped: A's
 * content of the second kernel's pages sits in backup pages, which the
 * remap section names. kj_imgmem_page() follows it, so a physical address
 * of A reads what A would have read there.
 */
#ifndef KJUMP_IMGMEM_H
#define KJUMP_IMGMEM_H

#include <stdbool.h>

#include "image.h"

struct kj_imgmem {
	struct kj_img *img;
	uint8_t *chunk;		/* cache: one decompressed chunk */
	uint64_t cached;	/* its index, or UINT64_MAX */
};

int kj_imgmem_init(struct kj_imgmem *m, struct kj_img *img, struct kj_err *e);
void kj_imgmem_free(struct kj_imgmem *m);
/* The page of A at pfn into out (4 KiB). *present = false (and out zeroed)
 * when the image holds nothing for it: a page free in A, or a page of the
 * second kernel's that A had lent out. */
int kj_imgmem_page(struct kj_imgmem *m, uint64_t pfn, void *out, bool *present,
		   struct kj_err *e);
/* Where the image keeps A's page `pfn` (pfn itself, or its backup). */
uint64_t kj_imgmem_source(const struct kj_img *img, uint64_t pfn, bool *in_b);

#endif
