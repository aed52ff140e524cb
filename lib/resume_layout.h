/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Planning a resume: where, in the memory of the resume kernel C, the
 * restore payload and its manifest go, and whether the saved system A and
 * C fit in this machine's RAM side by side.
 *
 * The payload and its manifest are two kexec segments, in the smallest
 * runs of RAM that A does not need back (pages free in A, and the second
 * kernel's memory, which A's re-entry code refills itself), so the payload
 * can write every page of A without overwriting itself. A's pages are not
 * loaded by the kernel at all: `kjump resume` holds them in pages of its
 * own memory, in place where it holds a page's own frame, else in pages
 * free in A (lib/resume_placement.h). Loading them as segments would cost
 * the kernel time quadratic in the pages that collide with its own
 * allocations, and would be bound by 16 segments and half of RAM. Pure
 * functions, but for kj_resume_layout_sizes(), which asks how many CPUs
 * this machine has (kjump resume's chunk buffers grow with them).
 */
#ifndef KJUMP_RESUME_LAYOUT_H
#define KJUMP_RESUME_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "image.h"
#include "ranges.h"

struct kj_resume_layout_in {
	const struct kj_img *img;	/* complete */
	const struct kj_ranges *c_ram;	/* this machine's System RAM */
	uint64_t payload_bytes;		/* payload segment: image + pgt + ... */
	uint64_t manifest_bytes;
	/* The memory the resume kernel C keeps for itself (its kernel,
	 * initramfs, page structures, processes), and kjump resume's own
	 * tables and buffers: B's budget for a C it cannot see (kjump
	 * hibernate). Those pages may be anywhere, also where A's pages go,
	 * and then A's pages wait in pages free in A instead: so A's free
	 * memory must hold them (with a copy-list entry each). 0 in C
	 * itself, which learns whether A fits by holding memory. */
	uint64_t reserve_bytes;
	uint64_t overhead_bytes;
	/* The compressed chunks, page rounded each: at most these wait in
	 * pages free in A, however many of A's pages C keeps away. */
	uint64_t data_bytes;
};

struct kj_resume_layout {
	uint64_t payload_addr, manifest_addr;
	uint64_t payload_size, manifest_size;	/* page rounded */
	uint64_t free_bytes;		/* RAM here that A does not need */
};

/* Is all of A's RAM (the image's memory map) RAM here? On failure the
 * message names the first range that is not. */
int kj_resume_layout_check_machine(const struct kj_img *img, const struct kj_ranges *c_ram,
			   struct kj_err *e);
/* Pages A does not need back, as ranges (above 1 MiB). */
int kj_resume_layout_free_runs(const struct kj_img *img, const struct kj_ranges *c_ram,
		       struct kj_ranges *out, struct kj_err *e);
int kj_resume_layout_make(const struct kj_resume_layout_in *in, struct kj_resume_layout *p, struct kj_err *e);
/* What the restore payload needs besides its program (kjump resume's
 * sizes; the payload's own layout is in src/cmd_resume.c). */
struct kj_resume_sizes {
	uint64_t pgt;			/* identity page tables over `maps` */
	uint64_t scratch;		/* one decompressed chunk */
	uint64_t cin;			/* one compressed chunk, worst case */
	uint64_t stack;
	uint64_t payload_bytes;		/* program span + all of the above + a page */
	uint64_t manifest_bytes;	/* room for the most spare pages used */
	uint64_t data_pages;		/* pages of compressed chunks */
	uint64_t max_spares;		/* spare pages the page list can name */
	uint64_t overhead;		/* kjump resume's tables and buffers */
};

#define KJ_RESUME_STACK_BYTES (64u << 10)

/* The ranges the payload identity-maps: this machine's RAM and the saved
 * one's, as one normalized RAM list. */
int kj_resume_layout_map_ranges(const struct kj_img *img, const struct kj_ranges *c_ram,
				struct kj_ranges *out, struct kj_err *e);
void kj_resume_layout_sizes(const struct kj_img *img, const struct kj_ranges *maps,
			    uint64_t payload_span, struct kj_resume_sizes *sz);

/*
 * The whole plan, as `kjump resume` makes it in C and `kjump hibernate`'s
 * B makes it before it powers off (with c_ram = A's RAM from the image's
 * memory map, and a reserve for C): the machine check, the identity maps
 * (`maps`, freed by the caller even on failure), the sizes and the
 * placement. `payload_span` is the restore program's span.
 */
int kj_resume_layout_plan(const struct kj_img *img, const struct kj_ranges *c_ram,
			  uint64_t payload_span, uint64_t reserve_bytes,
			  struct kj_ranges *maps, struct kj_resume_sizes *sz,
			  struct kj_resume_layout *p, struct kj_err *e);

/*
 * The same plan in C (no reserve), with a manifest that can name a spare
 * page for every page of the image: for staging every chunk uncompressed
 * (lib/resume_placement.h, prefer_copies). kjump resume tries it first
 * when memory is plentiful, and falls back to kj_resume_layout_plan(),
 * the plan B checked, when it fails. B never plans on it.
 */
int kj_resume_layout_plan_for_copies(const struct kj_img *img, const struct kj_ranges *c_ram,
				     uint64_t payload_span, struct kj_ranges *maps,
				     struct kj_resume_sizes *sz, struct kj_resume_layout *p,
				     struct kj_err *e);

/* A's System RAM from the image's memory map, page aligned: the machine
 * B plans for. */
int kj_resume_layout_saved_ram(const struct kj_img *img, struct kj_ranges *out,
			       struct kj_err *e);

/*
 * B's default budget for the resume kernel C's own memory when the user
 * gives none (kjump hibernate --resume-reserve): 224 MiB plus 1/64 of the
 * saved RAM (C's page structures grow with it). Measured in C right before
 * kjump resume plans, as RAM less MemAvailable on a 1 GiB guest: 56 MiB
 * for kjump's test kernel, 161 MiB for Debian's stock cloud kernel, each
 * with a small initramfs (docs/limits.md). It includes the memory kjump
 * resume leaves the rest of C (KJ_RESUME_LEAVE_BYTES).
 */
uint64_t kj_resume_reserve_default(uint64_t ram_bytes);

/* What kjump resume leaves unheld for the rest of C, rather than meet the
 * OOM killer (part of the reserve). */
#define KJ_RESUME_LEAVE_BYTES (64ULL << 20)
/* The most memory kjump resume's chunk checks take at once. */
#define KJ_RESUME_CHECK_BUFFER_BYTES (64ULL << 20)

/* The threads kjump resume checks chunks with on `cpus` CPUs: one each,
 * at most 8, and no more than KJ_RESUME_CHECK_BUFFER_BYTES of buffers
 * hold (each a chunk compressed and decompressed); at least 1. */
unsigned kj_resume_check_threads(const struct kj_img *img, long cpus);
/* Their buffers, in bytes. */
uint64_t kj_resume_check_buffers(const struct kj_img *img, unsigned threads);

/* kjump resume's tables and buffers for an image, in a machine of
 * ram_bytes checking with `threads`: where each held page is, A's pages
 * it holds in place, the chunks' accounts, the chunk buffers (B's budget
 * counts them beside the reserve). */
uint64_t kj_resume_overhead(const struct kj_img *img, uint64_t ram_bytes, unsigned threads);

/* May the page at `pa` hold compressed data for the payload: free in A,
 * above 1 MiB, outside the payload's and the manifest's segments? */
bool kj_resume_layout_usable(const struct kj_img *img, const struct kj_resume_layout *p, uint64_t pa);

#endif
