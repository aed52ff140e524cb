/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The staging pages of a resume: pages of kjump's own memory in the resume
 * kernel C that hold the compressed image until the restore payload reads
 * it (staging_pages.c says how they are chosen and pinned).
 */
#ifndef KJUMP_STAGING_PAGES_H
#define KJUMP_STAGING_PAGES_H

#include <stddef.h>
#include <stdint.h>

#include "../lib/resume_layout.h"

struct kj_staging_pages {
	void **blocks;
	size_t nblocks;
	uint64_t *pa;		/* usable pages, in order: physical ... */
	uint8_t **va;		/* ... and where kjump sees them */
	size_t n;
	int *pipes;
	size_t npipes;
};

/* `need` pages of our memory, each one the saved system does not need. */
int kj_staging_pages_alloc(struct kj_staging_pages *d, const struct kj_img *img,
		    const struct kj_resume_layout *plan, size_t need, struct kj_err *e);
/* Pin them (a pipe reference each), so migration cannot move them. */
int kj_staging_pages_pin(struct kj_staging_pages *d, struct kj_err *e);
/* Fail if any moved since kj_staging_pages_alloc. */
int kj_staging_pages_verify(const struct kj_staging_pages *d, struct kj_err *e);
void kj_staging_pages_free(struct kj_staging_pages *d);

#endif
