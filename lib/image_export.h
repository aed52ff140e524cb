/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An image as an ELF64 core (`kjump export --elf`): A's RAM ranges at
 * their physical addresses (and A's direct-map addresses), A's kernel
 * image mappings sharing those bytes, and A's VMCOREINFO note, so that
 * vmcore-dmesg, makedumpfile and crash read it.
 *
 * The plan is pure: headers, note and segment table from a complete image.
 * Writing follows it; its work is bounded by what the image holds (DATA
 * pages, remapped pages, extents and ranges), not by the size of the
 * address space the RAM ranges span: pages no DATA extent holds stay holes
 * of the sparse file.
 */
#ifndef KJUMP_IMAGE_EXPORT_H
#define KJUMP_IMAGE_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "elfcore.h"
#include "image.h"

struct kj_export_plan {
	struct kj_core_seg *seg;	/* [0] the note, [1..nram] RAM, then kernel maps */
	size_t nseg, nram;
	uint8_t *hdr;			/* ELF + program headers, hdr_len bytes */
	size_t hdr_len;
	uint8_t *note;			/* at seg[0].offset, note_len bytes */
	size_t note_len;
	uint64_t file_size;		/* of the core */
	uint64_t ram_pages;		/* pages the RAM segments touch */
};

/* Build the plan for a complete image. Refuses an image without
 * VMCOREINFO, and one whose RAM needs more segments than a core holds. */
int kj_export_plan(const struct kj_img *img, struct kj_export_plan *p, struct kj_err *e);
void kj_export_plan_free(struct kj_export_plan *p);

/* Called now and then while writing: pages of RAM walked so far, of
 * p->ram_pages. */
typedef void (*kj_export_progress_fn)(uint64_t done, uint64_t total, void *arg);

/*
 * Write the core to fd (a new, empty regular file): size it, write the
 * headers and the note, then the bytes of every page A sees with content.
 * Every chunk read is checked. *pages_written may be NULL.
 */
int kj_export_write(struct kj_img *img, const struct kj_export_plan *p, int fd,
		    kj_export_progress_fn cb, void *cbarg, uint64_t *pages_written,
		    struct kj_err *e);

#endif
