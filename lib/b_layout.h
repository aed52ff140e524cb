/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Planning the second kernel B inside the running system A: which memory B
 * may use, where its pieces go, and the kexec segments that put them there.
 *
 * B gets a contiguous region of A's RAM plus A's RAM below 1 MiB (the
 * x86 kernel cannot boot without a real-mode trampoline there). Every page
 * B may touch is covered by a kexec segment, so the kernel's
 * preserve-context swap moves A's content of those pages aside on every
 * jump to B and brings it back on every jump to A: B can never overwrite
 * A. B's e820 table lists only those pages as RAM.
 *
 * Layout of the region (all page aligned):
 *   kernel (init_size, at the kernel's alignment) | initrd | setup blob
 *   (purgatory, zero page, command line, elfcorehdr) | free for B to run in
 * Pure functions: no I/O.
 */
#ifndef KJUMP_B_LAYOUT_H
#define KJUMP_B_LAYOUT_H

#include <stdint.h>

#include "bzimage.h"
#include "kexec.h"
#include "memmap.h"

#define KJ_B_MIN_FREE	(48ULL << 20)	/* B's memory beyond its images */
#define KJ_LOW_LIMIT	(1ULL << 20)

struct kj_b_layout_in {
	const struct kj_memmap *mm;
	uint64_t ram_bytes;		/* MemTotal, for the half-of-RAM rule */
	uint64_t region_size;		/* 0: default */
	uint64_t region_addr;		/* 0: choose */
	uint64_t kernel_align;		/* from the bzImage */
	uint64_t kernel_min;		/* pref_address: a 64-bit kernel loaded
					 * lower moves itself up to it */
	uint64_t kernel_memsz;		/* init_size, page aligned */
	uint64_t kernel_filesz;
	uint64_t initrd_size;
	uint64_t blob_size;		/* page aligned */
	const struct kj_ranges *keep_out; /* pages B must read in place
					   * (A's notes), or NULL */
};

struct kj_b_layout {
	uint64_t region_start, region_end;
	uint64_t low_start, low_end;	/* may be empty */
	uint64_t kernel_addr;
	uint64_t initrd_addr;
	uint64_t blob_addr;
};

/* Default region size for a machine with ram_bytes of RAM. */
uint64_t kj_b_layout_default_size(uint64_t ram_bytes);
int kj_b_layout_make(const struct kj_b_layout_in *in, struct kj_b_layout *p,
		  struct kj_err *e);
/* B's RAM: the low range and the region, as ranges of type KJ_MEM_RAM. */
int kj_b_layout_b_ram(const struct kj_b_layout *p, struct kj_ranges *out,
		   struct kj_err *e);
/* The kexec segments: data segments for kernel, initrd and blob, and
 * data-less segments over every other page of B's memory. */
int kj_b_layout_segments(const struct kj_b_layout *p, const void *kernel,
		      uint64_t kernel_filesz, uint64_t kernel_memsz,
		      const void *initrd, uint64_t initrd_size,
		      const void *blob, uint64_t blob_size,
		      struct kj_segment *seg, int *nseg, struct kj_err *e);
/* B's e820: its RAM, A's firmware ranges, the blob reserved. */
int kj_b_layout_e820(const struct kj_b_layout *p, uint64_t blob_size,
		  const struct kj_memmap *mm, struct kj_e820 *out, int *n,
		  struct kj_err *e);

#endif
