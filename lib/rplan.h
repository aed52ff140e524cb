/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Planning a resume: where, in the memory of the resume kernel C, the
 * restore payload, its manifest and the compressed image go.
 *
 * Everything goes into pages the saved system A does not need back: RAM of
 * this machine that no extent of the image covers (pages free in A, and
 * the second kernel's memory, which A's re-entry code refills itself). So
 * the payload can write every page of A without ever overwriting itself or
 * data it has not read yet. The kernel takes at most 16 segments, at most
 * half of RAM in all: one for the payload, one for the manifest, and the
 * compressed chunks packed, whole and in order, into the largest free runs.
 * Pure functions.
 */
#ifndef KJUMP_RPLAN_H
#define KJUMP_RPLAN_H

#include <stdint.h>

#include "image.h"
#include "ranges.h"

#define KJ_RPLAN_DATA_SEGS 14

struct kj_rplan_in {
	const struct kj_img *img;	/* complete */
	const struct kj_ranges *c_ram;	/* this machine's System RAM */
	uint64_t c_ram_bytes;		/* MemTotal: the half-of-RAM rule */
	uint64_t payload_bytes;		/* payload segment: image + pgt + ... */
	uint64_t manifest_bytes;
};

struct kj_rplan_seg {
	uint64_t addr, size;		/* size: bytes of chunks, not rounded */
	uint64_t first_chunk, nchunks;
};

struct kj_rplan {
	uint64_t payload_addr, manifest_addr;
	struct kj_rplan_seg data[KJ_RPLAN_DATA_SEGS];
	int ndata;
	uint64_t *chunk_addr;		/* one per chunk; free with kj_rplan_free */
	uint64_t free_bytes;		/* RAM here that A does not need */
	uint64_t total_bytes;		/* all segments, page rounded */
};

/* Is all of A's RAM (the image's memory map) RAM here? On failure the
 * message names the first range that is not. */
int kj_rplan_check_machine(const struct kj_img *img, const struct kj_ranges *c_ram,
			   struct kj_err *e);
/* Pages A does not need back, as ranges (above 1 MiB). */
int kj_rplan_free_runs(const struct kj_img *img, const struct kj_ranges *c_ram,
		       struct kj_ranges *out, struct kj_err *e);
int kj_rplan_make(const struct kj_rplan_in *in, struct kj_rplan *p, struct kj_err *e);
void kj_rplan_free(struct kj_rplan *p);

#endif
