// SPDX-License-Identifier: GPL-2.0-or-later
/* See chunk_digest.h: xxHash itself, built here in its scalar mode. */
#include "chunk_digest.h"

#define XXH_INLINE_ALL		/* static copies, apart from libxxhash.a */
#define XXH_VECTOR XXH_SCALAR
#include <xxhash.h>

void kj_chunk_digest_pages(const uint8_t *const *page, size_t npages, uint64_t *low,
			   uint64_t *high)
{
	XXH3_state_t st;
	XXH128_hash_t d;

	XXH3_128bits_reset(&st);
	for (size_t i = 0; i < npages; i++)
		XXH3_128bits_update(&st, page[i], 4096);
	d = XXH3_128bits_digest(&st);
	*low = d.low64;
	*high = d.high64;
}
