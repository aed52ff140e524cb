// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/chunk_digest.c: the scalar build of XXH3-128 that B
 * keeps of each chunk gives, for pages side by side (none, one, a few, a
 * whole chunk) at odd addresses, the same digest as the library's own
 * XXH3_128bits(), and of pages scattered in memory the library's digest
 * of them one after the other; one bit changed anywhere changes it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "../../lib/chunk_digest.h"

#define CHUNK (4u << 20)

static uint8_t *random_buffer(size_t n)
{
	uint8_t *b = malloc(n);
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	assert_non_null(b);
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		b[i] = (uint8_t)(x >> 24);
	}
	return b;
}

/* The pages of a buffer in order, from b. */
static void pages_of(const uint8_t **page, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		page[i] = b + i * 4096;
}

static void test_same_as_the_library(void **state)
{
	const size_t counts[] = { 0, 1, 2, 3, 17, 1023, CHUNK / 4096 };
	uint8_t *b = random_buffer(CHUNK + 16);
	const uint8_t **page = calloc(CHUNK / 4096, sizeof(*page));

	(void)state;
	assert_non_null(page);
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		for (size_t at = 0; at < 16; at += 5) {
			XXH128_hash_t want = XXH3_128bits(b + at, counts[i] * 4096);
			uint64_t low = 0, high = 0;

			pages_of(page, b + at, counts[i]);
			kj_chunk_digest_pages(page, counts[i], &low, &high);
			assert_int_equal(low, want.low64);
			assert_int_equal(high, want.high64);
		}
	free(page);
	free(b);
}

/* Pages wherever they lie, in any order in memory: the digest of their
 * bytes one after the other. */
static void test_pages_where_they_lie(void **state)
{
	const size_t counts[] = { 0, 1, 2, 31, 1024 };
	uint8_t *b = random_buffer(CHUNK + 8 * 4096), *joined = malloc(CHUNK);
	const uint8_t **page = calloc(1024, sizeof(*page));

	(void)state;
	assert_non_null(joined);
	assert_non_null(page);
	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		size_t n = counts[c];
		uint64_t low = 0, high = 0;

		/* page i from a scattered place of b, backwards */
		for (size_t i = 0; i < n; i++) {
			page[i] = b + ((n - 1 - i) * 7 % 1031) * 4096;
			memcpy(joined + i * 4096, page[i], 4096);
		}
		XXH128_hash_t want = XXH3_128bits(joined, n * 4096);

		kj_chunk_digest_pages(page, n, &low, &high);
		assert_int_equal(low, want.low64);
		assert_int_equal(high, want.high64);
	}
	free(page);
	free(joined);
	free(b);
}

static void test_one_bit_changes_it(void **state)
{
	uint8_t *b = random_buffer(CHUNK);
	const uint8_t **page = calloc(CHUNK / 4096, sizeof(*page));
	uint64_t low, high;

	(void)state;
	assert_non_null(page);
	pages_of(page, b, CHUNK / 4096);
	kj_chunk_digest_pages(page, CHUNK / 4096, &low, &high);
	for (size_t at = 0; at < CHUNK; at += CHUNK / 7 + 1) {
		uint64_t l2, h2;

		b[at] ^= 0x01;
		kj_chunk_digest_pages(page, CHUNK / 4096, &l2, &h2);
		assert_true(l2 != low || h2 != high);
		b[at] ^= 0x01;
	}
	free(page);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_the_library),
		cmocka_unit_test(test_pages_where_they_lie),
		cmocka_unit_test(test_one_bit_changes_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
