/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The test pattern of patfill and patcheck: page i of the pattern with
 * seed s is the xorshift64* stream started from s ^ (i * golden). */
#ifndef KJ_TEST_PATTERN_H
#define KJ_TEST_PATTERN_H

#include <stdint.h>

static inline void pattern_page(uint64_t seed, uint64_t i, uint64_t *p)
{
	uint64_t x = seed ^ (i * 0x9e3779b97f4a7c15ULL) ^ 0x2545f4914f6cdd1dULL;

	for (int k = 0; k < 512; k++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		p[k] = x * 0x2545f4914f6cdd1dULL;
	}
}

#endif
