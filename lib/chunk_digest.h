/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The digest B keeps of each chunk's pages, to know on its next save that
 * they did not change (lib/chunk_places.h): XXH3-128.
 *
 * Taken with xxHash's portable scalar code (its XXH_INLINE_ALL build,
 * XXH_VECTOR = XXH_SCALAR) rather than the SSE2 code of Debian's
 * libxxhash.a: the digest is the same, and it is taken of every page of
 * every save. Measured with 4 MiB inputs: on hardware (the development
 * machine's AMD EPYC) 5.0 GB/s against 5.8 GB/s for SSE2, far faster than
 * anything else a save does; under QEMU's TCG, which emulates each SSE2
 * instruction, 1066 MiB/s against 457 MiB/s, where it was a sixth of a
 * later snapshot's work.
 */
#ifndef KJUMP_CHUNK_DIGEST_H
#define KJUMP_CHUNK_DIGEST_H

#include <stddef.h>
#include <stdint.h>

/* XXH3-128 of npages 4 KiB pages wherever they lie: the value of
 * libxxhash's XXH3_128bits() of their bytes one after the other. */
void kj_chunk_digest_pages(const uint8_t *const *page, size_t npages, uint64_t *low,
			   uint64_t *high);

#endif
