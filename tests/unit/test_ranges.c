// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/ranges.c: adding, normalizing, subtracting, overlap
 * and coverage queries, totals, copies, and kj_ranges_find_fit (lowest and
 * highest fit, alignment, obstacles, bounds, refusals). Besides the
 * hand-written cases, two randomized tests compare the functions with a
 * brute-force model on a small address grid.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/ranges.h"

struct want {
	uint64_t start, end;
	int type;
};

static void add(struct kj_ranges *rs, uint64_t s, uint64_t t, int type)
{
	struct kj_err e = { 0 };

	assert_int_equal(kj_ranges_add(rs, s, t, type, &e), 0);
}

/* The list must be exactly `w` (n entries), in this order. */
static void check_list(const struct kj_ranges *rs, const struct want *w, size_t n)
{
	if (rs->n != n) {
		for (size_t i = 0; i < rs->n; i++)
			print_message("  have [0x%llx, 0x%llx) type %d\n",
				      (unsigned long long)rs->r[i].start,
				      (unsigned long long)rs->r[i].end, rs->r[i].type);
	}
	assert_int_equal(rs->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(rs->r[i].start, w[i].start);
		assert_int_equal(rs->r[i].end, w[i].end);
		assert_int_equal(rs->r[i].type, w[i].type);
	}
}

/* --- add -------------------------------------------------------------- */

static void test_add_basic(void **state)
{
	struct kj_ranges rs = { 0 };
	const struct want w[] = { { 0x1000, 0x2000, 1 }, { 0, 0x10, 7 } };

	add(&rs, 0x1000, 0x2000, 1);
	add(&rs, 0, 0x10, 7);
	check_list(&rs, w, 2);
	kj_ranges_free(&rs);
	assert_null(rs.r);
	assert_int_equal(rs.n, 0);
	assert_int_equal(rs.cap, 0);
}

static void test_add_ignores_empty(void **state)
{
	struct kj_ranges rs = { 0 };

	add(&rs, 5, 5, 1);
	add(&rs, 6, 5, 1);
	add(&rs, UINT64_MAX, 0, 1);
	assert_int_equal(rs.n, 0);
	kj_ranges_free(&rs);
}

static void test_add_grows(void **state)
{
	struct kj_ranges rs = { 0 };

	for (uint64_t i = 0; i < 1000; i++)
		add(&rs, i * 10, i * 10 + 5, (int)(i % 3));
	assert_int_equal(rs.n, 1000);
	assert_true(rs.cap >= 1000);
	for (uint64_t i = 0; i < 1000; i++) {
		assert_int_equal(rs.r[i].start, i * 10);
		assert_int_equal(rs.r[i].end, i * 10 + 5);
		assert_int_equal(rs.r[i].type, (int)(i % 3));
	}
	kj_ranges_free(&rs);
}

/* --- normalize -------------------------------------------------------- */

static void test_normalize_empty(void **state)
{
	struct kj_ranges rs = { 0 };

	kj_ranges_normalize(&rs);
	assert_int_equal(rs.n, 0);
}

static void test_normalize_merges_touching_same_type(void **state)
{
	struct kj_ranges rs = { 0 };
	const struct want w[] = { { 0, 30, 1 } };

	add(&rs, 10, 20, 1);
	add(&rs, 0, 10, 1);	/* touches */
	add(&rs, 5, 8, 1);	/* inside */
	add(&rs, 15, 30, 1);	/* overlaps */
	kj_ranges_normalize(&rs);
	check_list(&rs, w, 1);
	kj_ranges_free(&rs);
}

static void test_normalize_sorts_and_keeps_gaps(void **state)
{
	struct kj_ranges rs = { 0 };
	const struct want w[] = { { 0, 10, 1 }, { 11, 20, 1 }, { 100, 200, 1 } };

	add(&rs, 100, 200, 1);
	add(&rs, 11, 20, 1);
	add(&rs, 0, 10, 1);
	kj_ranges_normalize(&rs);
	check_list(&rs, w, 3);
	kj_ranges_free(&rs);
}

static void test_normalize_keeps_types_apart(void **state)
{
	struct kj_ranges rs = { 0 };
	const struct want w[] = { { 0, 10, 1 }, { 10, 20, 2 }, { 20, 30, 1 } };

	add(&rs, 20, 30, 1);
	add(&rs, 10, 20, 2);
	add(&rs, 0, 10, 1);
	kj_ranges_normalize(&rs);
	check_list(&rs, w, 3);
	kj_ranges_free(&rs);
}

static void test_normalize_overlapping_types(void **state)
{
	struct kj_ranges rs = { 0 };
	const struct want w[] = { { 0, 10, 1 }, { 5, 15, 2 } };

	add(&rs, 5, 15, 2);
	add(&rs, 0, 10, 1);
	kj_ranges_normalize(&rs);
	check_list(&rs, w, 2);
	kj_ranges_free(&rs);
}

/* Same-type ranges that overlap but are not neighbours once sorted by
 * start (another type starts between them) are still one range. */
static void test_normalize_interleaved_types(void **state)
{
	struct kj_ranges rs = { 0 };
	const struct want w[] = { { 0, 20, 1 }, { 5, 15, 2 } };

	add(&rs, 0, 10, 1);
	add(&rs, 5, 15, 2);
	add(&rs, 8, 20, 1);
	kj_ranges_normalize(&rs);
	check_list(&rs, w, 2);
	assert_int_equal(kj_ranges_total(&rs, 1), 20);
	kj_ranges_free(&rs);
}

static void test_normalize_idempotent(void **state)
{
	struct kj_ranges rs = { 0 };
	const struct want w[] = { { 0, 40, 3 }, { 50, 60, 3 }, { 50, 70, 4 } };

	add(&rs, 50, 70, 4);
	add(&rs, 0, 20, 3);
	add(&rs, 20, 40, 3);
	add(&rs, 50, 60, 3);
	kj_ranges_normalize(&rs);
	check_list(&rs, w, 3);
	kj_ranges_normalize(&rs);
	check_list(&rs, w, 3);
	kj_ranges_free(&rs);
}

/* --- subtract --------------------------------------------------------- */

static void test_subtract_split_middle(void **state)
{
	struct kj_ranges rs = { 0 };
	struct kj_err e = { 0 };
	const struct want w[] = { { 0, 40, 5 }, { 60, 100, 5 } };

	add(&rs, 0, 100, 5);
	assert_int_equal(kj_ranges_subtract(&rs, 40, 60, &e), 0);
	check_list(&rs, w, 2);
	kj_ranges_free(&rs);
}

static void test_subtract_trim_head(void **state)
{
	struct kj_ranges rs = { 0 };
	struct kj_err e = { 0 };
	const struct want w1[] = { { 30, 100, 1 } };
	const struct want w2[] = { { 50, 100, 1 } };

	add(&rs, 10, 100, 1);
	assert_int_equal(kj_ranges_subtract(&rs, 0, 30, &e), 0);
	check_list(&rs, w1, 1);
	assert_int_equal(kj_ranges_subtract(&rs, 30, 50, &e), 0);	/* exact head */
	check_list(&rs, w2, 1);
	kj_ranges_free(&rs);
}

static void test_subtract_trim_tail(void **state)
{
	struct kj_ranges rs = { 0 };
	struct kj_err e = { 0 };
	const struct want w1[] = { { 0, 70, 1 } };
	const struct want w2[] = { { 0, 60, 1 } };

	add(&rs, 0, 100, 1);
	assert_int_equal(kj_ranges_subtract(&rs, 70, 200, &e), 0);
	check_list(&rs, w1, 1);
	assert_int_equal(kj_ranges_subtract(&rs, 60, 70, &e), 0);	/* exact tail */
	check_list(&rs, w2, 1);
	kj_ranges_free(&rs);
}

static void test_subtract_remove_whole(void **state)
{
	struct kj_ranges rs = { 0 };
	struct kj_err e = { 0 };
	const struct want w[] = { { 200, 300, 1 } };

	add(&rs, 10, 20, 1);
	add(&rs, 30, 40, 2);
	add(&rs, 200, 300, 1);
	assert_int_equal(kj_ranges_subtract(&rs, 10, 20, &e), 0);	/* exact */
	assert_int_equal(kj_ranges_subtract(&rs, 0, 100, &e), 0);	/* wider */
	check_list(&rs, w, 1);
	assert_int_equal(kj_ranges_subtract(&rs, 0, UINT64_MAX, &e), 0);
	assert_int_equal(rs.n, 0);
	kj_ranges_free(&rs);
}

static void test_subtract_noop(void **state)
{
	struct kj_ranges rs = { 0 };
	struct kj_err e = { 0 };
	const struct want w[] = { { 10, 20, 1 }, { 30, 40, 2 } };

	add(&rs, 10, 20, 1);
	add(&rs, 30, 40, 2);
	assert_int_equal(kj_ranges_subtract(&rs, 20, 30, &e), 0);	/* the gap */
	assert_int_equal(kj_ranges_subtract(&rs, 0, 10, &e), 0);	/* touches */
	assert_int_equal(kj_ranges_subtract(&rs, 40, 50, &e), 0);
	assert_int_equal(kj_ranges_subtract(&rs, 15, 15, &e), 0);	/* empty */
	assert_int_equal(kj_ranges_subtract(&rs, 35, 12, &e), 0);	/* reversed */
	check_list(&rs, w, 2);
	kj_ranges_free(&rs);

	/* on an empty list */
	assert_int_equal(kj_ranges_subtract(&rs, 0, 100, &e), 0);
	assert_int_equal(rs.n, 0);
}

static void test_subtract_across_ranges(void **state)
{
	struct kj_ranges rs = { 0 };
	struct kj_err e = { 0 };
	const struct want w[] = { { 0, 5, 1 }, { 45, 50, 3 } };

	add(&rs, 40, 50, 3);
	add(&rs, 0, 10, 1);
	add(&rs, 20, 30, 2);
	assert_int_equal(kj_ranges_subtract(&rs, 5, 45, &e), 0);
	check_list(&rs, w, 2);
	kj_ranges_free(&rs);
}

/* Every range split at once: the list must grow while being walked. */
static void test_subtract_many_splits(void **state)
{
	struct kj_ranges rs = { 0 };
	struct kj_err e = { 0 };

	for (uint64_t i = 0; i < 40; i++)
		add(&rs, i * 100, i * 100 + 50, (int)i);
	for (uint64_t i = 0; i < 40; i++)
		assert_int_equal(kj_ranges_subtract(&rs, i * 100 + 20, i * 100 + 30, &e), 0);
	assert_int_equal(rs.n, 80);
	for (uint64_t i = 0; i < 40; i++) {
		assert_int_equal(rs.r[2 * i].start, i * 100);
		assert_int_equal(rs.r[2 * i].end, i * 100 + 20);
		assert_int_equal(rs.r[2 * i].type, (int)i);
		assert_int_equal(rs.r[2 * i + 1].start, i * 100 + 30);
		assert_int_equal(rs.r[2 * i + 1].end, i * 100 + 50);
		assert_int_equal(rs.r[2 * i + 1].type, (int)i);
	}
	assert_int_equal(kj_ranges_total(&rs, -1), 40 * 40);
	kj_ranges_free(&rs);
}

/* --- overlaps, covers, total, copy ----------------------------------- */

static void test_overlaps(void **state)
{
	struct kj_ranges rs = { 0 };

	assert_false(kj_ranges_overlaps(&rs, 0, UINT64_MAX));
	add(&rs, 10, 20, 1);
	add(&rs, 40, 50, 2);
	assert_false(kj_ranges_overlaps(&rs, 0, 10));	/* half-open: touch */
	assert_false(kj_ranges_overlaps(&rs, 20, 40));
	assert_false(kj_ranges_overlaps(&rs, 50, 60));
	assert_true(kj_ranges_overlaps(&rs, 0, 11));
	assert_true(kj_ranges_overlaps(&rs, 19, 20));
	assert_true(kj_ranges_overlaps(&rs, 12, 13));
	assert_true(kj_ranges_overlaps(&rs, 0, 100));
	assert_true(kj_ranges_overlaps(&rs, 30, 41));
	kj_ranges_free(&rs);
}

static void test_covers_adjacent(void **state)
{
	struct kj_ranges rs = { 0 };

	add(&rs, 10, 20, 1);	/* out of order on purpose */
	add(&rs, 0, 10, 1);
	add(&rs, 20, 35, 1);
	assert_true(kj_ranges_covers(&rs, 0, 35, 1));
	assert_true(kj_ranges_covers(&rs, 5, 15, 1));
	assert_true(kj_ranges_covers(&rs, 10, 20, -1));
	assert_true(kj_ranges_covers(&rs, 34, 35, 1));
	assert_false(kj_ranges_covers(&rs, 0, 36, 1));	/* past the end */
	assert_false(kj_ranges_covers(&rs, 30, 40, 1));
	assert_false(kj_ranges_covers(&rs, 35, 36, 1));
	kj_ranges_free(&rs);
}

static void test_covers_gaps(void **state)
{
	struct kj_ranges rs = { 0 };

	add(&rs, 0x1000, 0x2000, 1);
	add(&rs, 0x2001, 0x3000, 1);
	assert_false(kj_ranges_covers(&rs, 0x1000, 0x3000, 1));
	assert_false(kj_ranges_covers(&rs, 0x1fff, 0x2002, -1));
	assert_false(kj_ranges_covers(&rs, 0x2000, 0x2001, 1));
	assert_false(kj_ranges_covers(&rs, 0xfff, 0x1001, 1));	/* starts before */
	assert_true(kj_ranges_covers(&rs, 0x1000, 0x2000, 1));
	assert_true(kj_ranges_covers(&rs, 0x2001, 0x3000, 1));
	kj_ranges_free(&rs);

	/* nothing covers a non-empty range of an empty list */
	assert_false(kj_ranges_covers(&rs, 0, 1, -1));
}

static void test_covers_overlapping_ranges(void **state)
{
	struct kj_ranges rs = { 0 };

	add(&rs, 0, 100, 1);
	add(&rs, 50, 200, 1);
	add(&rs, 150, 300, 1);
	assert_true(kj_ranges_covers(&rs, 0, 300, 1));
	assert_true(kj_ranges_covers(&rs, 99, 151, 1));
	kj_ranges_free(&rs);
}

static void test_covers_type_filter(void **state)
{
	struct kj_ranges rs = { 0 };

	add(&rs, 0, 10, 1);
	add(&rs, 10, 20, 2);
	add(&rs, 20, 30, 1);
	assert_true(kj_ranges_covers(&rs, 0, 30, -1));
	assert_false(kj_ranges_covers(&rs, 0, 30, 1));
	assert_false(kj_ranges_covers(&rs, 0, 20, 1));
	assert_true(kj_ranges_covers(&rs, 0, 10, 1));
	assert_true(kj_ranges_covers(&rs, 20, 30, 1));
	assert_true(kj_ranges_covers(&rs, 10, 20, 2));
	assert_false(kj_ranges_covers(&rs, 9, 20, 2));
	assert_false(kj_ranges_covers(&rs, 0, 1, 3));
	kj_ranges_free(&rs);
}

static void test_total(void **state)
{
	struct kj_ranges rs = { 0 };

	assert_int_equal(kj_ranges_total(&rs, -1), 0);
	add(&rs, 0, 0x1000, 1);
	add(&rs, 0x100000, 0x200000, 1);
	add(&rs, 0x5000, 0x5800, 2);
	add(&rs, 0x100000000ULL, 0x180000000ULL, 1);
	assert_int_equal(kj_ranges_total(&rs, 1), 0x1000 + 0x100000 + 0x80000000ULL);
	assert_int_equal(kj_ranges_total(&rs, 2), 0x800);
	assert_int_equal(kj_ranges_total(&rs, 3), 0);
	assert_int_equal(kj_ranges_total(&rs, -1),
			 0x1000 + 0x100000 + 0x80000000ULL + 0x800);
	kj_ranges_free(&rs);
}

static void test_copy(void **state)
{
	struct kj_ranges src = { 0 }, dst = { 0 };
	struct kj_err e = { 0 };
	const struct want w1[] = { { 0, 10, 1 }, { 20, 30, 1 } };
	const struct want w2[] = { { 0, 10, 1 }, { 20, 30, 1 },
				   { 0, 10, 1 }, { 10, 20, 2 }, { 20, 30, 1 } };

	add(&src, 0, 10, 1);
	add(&src, 10, 20, 2);
	add(&src, 20, 30, 1);
	assert_int_equal(kj_ranges_copy(&dst, &src, 1, &e), 0);
	check_list(&dst, w1, 2);
	assert_int_equal(kj_ranges_copy(&dst, &src, -1, &e), 0);	/* appends */
	check_list(&dst, w2, 5);
	assert_int_equal(src.n, 3);
	kj_ranges_free(&src);
	kj_ranges_free(&dst);
}

/* --- find_fit --------------------------------------------------------- */

#define MiB 0x100000ULL

static void test_fit_lowest_and_top(void **state)
{
	struct kj_ranges in = { 0 };
	uint64_t a = 0;

	add(&in, 0x1000, 0x9f000, 1);
	add(&in, MiB, 0x80000000ULL, 1);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x3000, 0x1000, 0,
					    UINT64_MAX, false, &a), 0);
	assert_int_equal(a, 0x1000);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x3000, 0x1000, 0,
					    UINT64_MAX, true, &a), 0);
	assert_int_equal(a, 0x80000000ULL - 0x3000);
	/* too big for the low range: the next one */
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x100000, 0x1000, 0,
					    UINT64_MAX, false, &a), 0);
	assert_int_equal(a, MiB);
	/* exactly the size of a range */
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x9e000, 0x1000, 0,
					    UINT64_MAX, false, &a), 0);
	assert_int_equal(a, 0x1000);
	kj_ranges_free(&in);
}

static void test_fit_top_across_ranges_any_order(void **state)
{
	struct kj_ranges in = { 0 };
	uint64_t a = 0;

	add(&in, 0x40000000ULL, 0x40010000ULL, 1);	/* highest, listed first */
	add(&in, 0x1000, 0x9f000, 1);
	add(&in, MiB, 0x2000000ULL, 1);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x1000, 0x1000, 0,
					    UINT64_MAX, true, &a), 0);
	assert_int_equal(a, 0x4000f000ULL);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x1000, 0x1000, 0,
					    UINT64_MAX, false, &a), 0);
	assert_int_equal(a, 0x1000);
	/* only the middle range holds 16 MiB */
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 16 * MiB, 0x1000, 0,
					    UINT64_MAX, true, &a), 0);
	assert_int_equal(a, 0x2000000ULL - 16 * MiB);
	kj_ranges_free(&in);
}

static void test_fit_alignment(void **state)
{
	struct kj_ranges in = { 0 };
	uint64_t a = 0;

	add(&in, 0x1234, 0x100000, 1);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x3000, 0x10000, 0,
					    UINT64_MAX, false, &a), 0);
	assert_int_equal(a, 0x10000);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x3000, 0x10000, 0,
					    UINT64_MAX, true, &a), 0);
	assert_int_equal(a, 0xf0000);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x10, 1, 0,
					    UINT64_MAX, false, &a), 0);
	assert_int_equal(a, 0x1234);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x10, 1, 0,
					    UINT64_MAX, true, &a), 0);
	assert_int_equal(a, 0x100000 - 0x10);
	kj_ranges_free(&in);

	/* room for the size, but not once aligned */
	add(&in, 0x1001, 0x2fff, 1);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x1000, 0x1000, 0,
					    UINT64_MAX, false, &a), -1);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x1000, 0x1000, 0,
					    UINT64_MAX, true, &a), -1);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0xfff, 0x1000, 0,
					    UINT64_MAX, true, &a), 0);
	assert_int_equal(a, 0x2000);
	kj_ranges_free(&in);
}

static void test_fit_type_filter(void **state)
{
	struct kj_ranges in = { 0 };
	uint64_t a = 0;

	add(&in, 0, 0x10000, 2);
	add(&in, 0x20000, 0x30000, 1);
	add(&in, 0x40000, 0x50000, 2);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x1000, 0x1000, 0,
					    UINT64_MAX, false, &a), 0);
	assert_int_equal(a, 0x20000);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x1000, 0x1000, 0,
					    UINT64_MAX, true, &a), 0);
	assert_int_equal(a, 0x2f000);
	assert_int_equal(kj_ranges_find_fit(&in, -1, NULL, 0x1000, 0x1000, 0,
					    UINT64_MAX, true, &a), 0);
	assert_int_equal(a, 0x4f000);
	assert_int_equal(kj_ranges_find_fit(&in, 3, NULL, 0x1000, 0x1000, 0,
					    UINT64_MAX, true, &a), -1);
	kj_ranges_free(&in);
}

static void test_fit_avoid_start(void **state)
{
	struct kj_ranges in = { 0 }, av = { 0 };
	uint64_t a = 0;

	add(&in, MiB, 2 * MiB, 1);
	add(&av, MiB, MiB + 0x4800, 0);	/* ends off-alignment */
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x2000, 0x1000, 0,
					    UINT64_MAX, false, &a), 0);
	assert_int_equal(a, MiB + 0x5000);
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x2000, 0x1000, 0,
					    UINT64_MAX, true, &a), 0);
	assert_int_equal(a, 2 * MiB - 0x2000);
	/* an obstacle reaching below the range counts too */
	kj_ranges_free(&av);
	add(&av, 0, MiB + 1, 0);
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x1000, 0x1000, 0,
					    UINT64_MAX, false, &a), 0);
	assert_int_equal(a, MiB + 0x1000);
	kj_ranges_free(&in);
	kj_ranges_free(&av);
}

static void test_fit_avoid_middle(void **state)
{
	struct kj_ranges in = { 0 }, av = { 0 };
	uint64_t a = 0;

	add(&in, 0, 0x10000, 1);
	add(&av, 0x3000, 0x5000, 0);
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x4000, 0x1000, 0,
					    UINT64_MAX, false, &a), 0);
	assert_int_equal(a, 0x5000);
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x4000, 0x1000, 0,
					    UINT64_MAX, true, &a), 0);
	assert_int_equal(a, 0xc000);
	/* small enough for the hole below the obstacle */
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x3000, 0x1000, 0,
					    UINT64_MAX, false, &a), 0);
	assert_int_equal(a, 0);
	kj_ranges_free(&av);

	/* from the top, step down below an obstacle */
	add(&av, 0xa000, 0xb000, 0);
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x6000, 0x1000, 0,
					    UINT64_MAX, true, &a), 0);
	assert_int_equal(a, 0x4000);
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0xa000, 0x1000, 0,
					    UINT64_MAX, true, &a), 0);
	assert_int_equal(a, 0);
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0xb000, 0x1000, 0,
					    UINT64_MAX, true, &a), -1);
	kj_ranges_free(&in);
	kj_ranges_free(&av);
}

static void test_fit_avoid_end(void **state)
{
	struct kj_ranges in = { 0 }, av = { 0 };
	uint64_t a = 0;

	add(&in, MiB, 2 * MiB, 1);
	add(&av, 2 * MiB - 0x1800, 3 * MiB, 0);
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x2000, 0x1000, 0,
					    UINT64_MAX, true, &a), 0);
	assert_int_equal(a, 2 * MiB - 0x4000);
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x2000, 0x1000, 0,
					    UINT64_MAX, false, &a), 0);
	assert_int_equal(a, MiB);
	kj_ranges_free(&in);
	kj_ranges_free(&av);
}

static void test_fit_several_obstacles(void **state)
{
	struct kj_ranges in = { 0 }, av = { 0 };
	uint64_t a = 0;

	add(&in, 0, 0x20000, 1);
	/* unsorted on purpose; holes of 0x1000, 0x2000, 0x3000, 0x4000 */
	add(&av, 0x9000, 0xb000, 0);
	add(&av, 0x1000, 0x2000, 0);
	add(&av, 0x4000, 0x6000, 0);
	add(&av, 0xf000, 0x20000, 0);
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x1000, 0x1000, 0,
					    UINT64_MAX, false, &a), 0);
	assert_int_equal(a, 0);
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x2000, 0x1000, 0,
					    UINT64_MAX, false, &a), 0);
	assert_int_equal(a, 0x2000);
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x3000, 0x1000, 0,
					    UINT64_MAX, false, &a), 0);
	assert_int_equal(a, 0x6000);
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x4000, 0x1000, 0,
					    UINT64_MAX, false, &a), 0);
	assert_int_equal(a, 0xb000);
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x4000, 0x1000, 0,
					    UINT64_MAX, true, &a), 0);
	assert_int_equal(a, 0xb000);
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x2000, 0x1000, 0,
					    UINT64_MAX, true, &a), 0);
	assert_int_equal(a, 0xd000);
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x5000, 0x1000, 0,
					    UINT64_MAX, false, &a), -1);
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x5000, 0x1000, 0,
					    UINT64_MAX, true, &a), -1);
	kj_ranges_free(&in);
	kj_ranges_free(&av);
}

static void test_fit_bounds(void **state)
{
	struct kj_ranges in = { 0 };
	uint64_t a = 0;

	add(&in, 0, 0x100000, 1);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x2000, 0x1000, 0x12345,
					    UINT64_MAX, false, &a), 0);
	assert_int_equal(a, 0x13000);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x2000, 0x1000, 0,
					    0x80000, true, &a), 0);
	assert_int_equal(a, 0x7e000);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x2000, 0x1000, 0,
					    0x80fff, true, &a), 0);
	assert_int_equal(a, 0x7e000);
	/* both bounds, exactly the size between them */
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x2000, 0x1000, 0x40000,
					    0x42000, false, &a), 0);
	assert_int_equal(a, 0x40000);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x2000, 0x1000, 0x40000,
					    0x42000, true, &a), 0);
	assert_int_equal(a, 0x40000);
	/* no room between them */
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x2000, 0x1000, 0x40001,
					    0x42000, false, &a), -1);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x2000, 0x1000, 0x40000,
					    0x40000, false, &a), -1);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x1000, 0x1000, 0x50000,
					    0x40000, false, &a), -1);
	/* bounds outside the range */
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x1000, 0x1000, 0x100000,
					    UINT64_MAX, false, &a), -1);
	kj_ranges_free(&in);
}

static void test_fit_refusals(void **state)
{
	struct kj_ranges in = { 0 }, av = { 0 };
	uint64_t a = 0xdeadbeef;

	/* empty list */
	assert_int_equal(kj_ranges_find_fit(&in, -1, NULL, 0x1000, 0x1000, 0,
					    UINT64_MAX, false, &a), -1);
	add(&in, 0x1000, 0x3000, 1);
	add(&in, 0x5000, 0x8000, 1);
	/* larger than any range, though not than their sum */
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x4000, 0x1000, 0,
					    UINT64_MAX, false, &a), -1);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x4000, 0x1000, 0,
					    UINT64_MAX, true, &a), -1);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, UINT64_MAX, 1, 0,
					    UINT64_MAX, false, &a), -1);
	/* bad arguments */
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0, 0x1000, 0,
					    UINT64_MAX, false, &a), -1);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x1000, 0, 0,
					    UINT64_MAX, false, &a), -1);
	assert_int_equal(kj_ranges_find_fit(&in, 1, NULL, 0x1000, 0x3000, 0,
					    UINT64_MAX, false, &a), -1);
	/* everything avoided */
	add(&av, 0, 0x10000, 0);
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x1000, 0x1000, 0,
					    UINT64_MAX, false, &a), -1);
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x1000, 0x1000, 0,
					    UINT64_MAX, true, &a), -1);
	/* an empty avoid list avoids nothing */
	kj_ranges_free(&av);
	assert_int_equal(a, 0xdeadbeef);	/* untouched by failures */
	assert_int_equal(kj_ranges_find_fit(&in, 1, &av, 0x3000, 0x1000, 0,
					    UINT64_MAX, false, &a), 0);
	assert_int_equal(a, 0x5000);
	kj_ranges_free(&in);
}

/* Near the top of the 64-bit space alignment and obstacles must not wrap
 * around to low addresses. */
static void test_fit_no_wraparound(void **state)
{
	struct kj_ranges in = { 0 }, av = { 0 };
	uint64_t a = 0x1234;
	int r;

	add(&in, 0xfffffffffffff001ULL, UINT64_MAX, 1);
	r = kj_ranges_find_fit(&in, 1, NULL, 1, 0x1000, 0, UINT64_MAX, false, &a);
	assert_int_equal(r, -1);
	assert_int_equal(a, 0x1234);
	kj_ranges_free(&in);

	/* an obstacle that ends just below 2^64: aligning past it wraps */
	add(&in, 0, 0x100000, 1);
	add(&av, 0x1000, 0xffffffffffffe001ULL, 0);
	r = kj_ranges_find_fit(&in, 1, &av, 0x2000, 0x1000, 0, UINT64_MAX, false, &a);
	assert_int_equal(r, -1);
	r = kj_ranges_find_fit(&in, 1, &av, 0x1000, 0x1000, 0, UINT64_MAX, false, &a);
	assert_int_equal(r, 0);
	assert_int_equal(a, 0);
	kj_ranges_free(&av);
	/* ...and one covering all of it must not loop forever */
	add(&av, 0, UINT64_MAX, 0);
	r = kj_ranges_find_fit(&in, 1, &av, 0x1000, 0x1000, 0, UINT64_MAX, false, &a);
	assert_int_equal(r, -1);
	kj_ranges_free(&in);
	kj_ranges_free(&av);
}

/* --- randomized comparison with a model ------------------------------ */

#define GRID 64		/* addresses 0..GRID-1, in units of U */
#define U 0x100ULL

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(uint64_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % n;
}

static void random_list(struct kj_ranges *rs, int maxn, int ntypes)
{
	int n = (int)rnd((uint64_t)maxn + 1);

	for (int i = 0; i < n; i++) {
		uint64_t s = rnd(GRID), l = 1 + rnd(GRID / 4);

		if (s + l > GRID)
			l = GRID - s;
		add(rs, s * U, (s + l) * U, 1 + (int)rnd((uint64_t)ntypes));
	}
}

/* cell c of the grid is covered by a range of `type` in rs */
static bool model_has(const struct kj_ranges *rs, uint64_t c, int type)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rs->r[i].type == type && rs->r[i].start <= c * U &&
		    c * U < rs->r[i].end)
			return true;
	return false;
}

static void test_random_normalize_subtract(void **state)
{
	for (int iter = 0; iter < 2000; iter++) {
		struct kj_ranges rs = { 0 }, orig = { 0 };
		struct kj_err e = { 0 };
		uint64_t cs = rnd(GRID), ce = rnd(GRID + 1);

		random_list(&rs, 8, 3);
		assert_int_equal(kj_ranges_copy(&orig, &rs, -1, &e), 0);
		kj_ranges_normalize(&rs);
		/* sorted; no two ranges of one type touch or overlap */
		for (size_t i = 1; i < rs.n; i++)
			assert_true(rs.r[i - 1].start <= rs.r[i].start);
		for (size_t i = 0; i < rs.n; i++)
			for (size_t j = 0; j < rs.n; j++)
				if (i != j && rs.r[i].type == rs.r[j].type)
					assert_false(rs.r[i].start <= rs.r[j].end &&
						     rs.r[j].start <= rs.r[i].end);
		for (int t = 1; t <= 3; t++) {
			uint64_t cells = 0;

			for (uint64_t c = 0; c < GRID; c++) {
				assert_int_equal(model_has(&rs, c, t), model_has(&orig, c, t));
				cells += model_has(&orig, c, t);
			}
			assert_int_equal(kj_ranges_total(&rs, t), cells * U);
		}
		/* covers agrees with the model, for a random window */
		for (int t = 1; t <= 3; t++) {
			bool all = true;

			for (uint64_t c = cs; c < ce; c++)
				all = all && model_has(&orig, c, t);
			assert_int_equal(kj_ranges_covers(&orig, cs * U, ce * U, t), all);
		}
		/* subtract removes exactly the window */
		assert_int_equal(kj_ranges_subtract(&rs, cs * U, ce * U, &e), 0);
		for (size_t i = 0; i < rs.n; i++)
			assert_true(rs.r[i].start < rs.r[i].end);
		for (int t = 1; t <= 3; t++)
			for (uint64_t c = 0; c < GRID; c++)
				assert_int_equal(model_has(&rs, c, t),
						 model_has(&orig, c, t) &&
						 !(c >= cs && c < ce));
		if (cs < ce)
			assert_false(kj_ranges_overlaps(&rs, cs * U, ce * U));
		kj_ranges_free(&rs);
		kj_ranges_free(&orig);
	}
}

static bool model_fits(const struct kj_ranges *in, int type,
		       const struct kj_ranges *av, uint64_t a, uint64_t size,
		       uint64_t min, uint64_t max)
{
	bool inside = false;

	if (a < min || a + size > max)
		return false;
	for (size_t i = 0; i < in->n; i++)
		if ((type < 0 || in->r[i].type == type) && in->r[i].start <= a &&
		    a + size <= in->r[i].end)
			inside = true;
	return inside && !kj_ranges_overlaps(av, a, a + size);
}

static void test_random_find_fit(void **state)
{
	for (int iter = 0; iter < 4000; iter++) {
		struct kj_ranges in = { 0 }, av = { 0 };
		uint64_t size = (1 + rnd(12)) * U / (rnd(2) ? 1 : 2);
		uint64_t align = U << rnd(4);
		uint64_t min = rnd(3) ? 0 : rnd(GRID) * U + rnd(2) * 0x10;
		uint64_t max = rnd(3) ? UINT64_MAX : rnd(GRID + 1) * U;
		int type = rnd(4) ? 1 : -1;

		random_list(&in, 5, 2);
		random_list(&av, 4, 1);
		for (int top = 0; top < 2; top++) {
			uint64_t want = 0, got = 0;
			bool found = false;
			int r;

			for (uint64_t a = 0; a < GRID * U; a += align)
				if (model_fits(&in, type, &av, a, size, min, max) &&
				    (!found || top)) {
					want = a;
					found = true;
				}
			r = kj_ranges_find_fit(&in, type, &av, size, align, min,
					       max, top, &got);
			if (r != (found ? 0 : -1) || (found && got != want))
				print_message("iter %d top %d size 0x%llx align 0x%llx "
					      "min 0x%llx max 0x%llx: want %d 0x%llx, "
					      "got %d 0x%llx\n", iter, top,
					      (unsigned long long)size,
					      (unsigned long long)align,
					      (unsigned long long)min,
					      (unsigned long long)max, found ? 0 : -1,
					      (unsigned long long)want, r,
					      (unsigned long long)got);
			assert_int_equal(r, found ? 0 : -1);
			if (found)
				assert_int_equal(got, want);
		}
		kj_ranges_free(&in);
		kj_ranges_free(&av);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_basic),
		cmocka_unit_test(test_add_ignores_empty),
		cmocka_unit_test(test_add_grows),
		cmocka_unit_test(test_normalize_empty),
		cmocka_unit_test(test_normalize_merges_touching_same_type),
		cmocka_unit_test(test_normalize_sorts_and_keeps_gaps),
		cmocka_unit_test(test_normalize_keeps_types_apart),
		cmocka_unit_test(test_normalize_overlapping_types),
		cmocka_unit_test(test_normalize_interleaved_types),
		cmocka_unit_test(test_normalize_idempotent),
		cmocka_unit_test(test_subtract_split_middle),
		cmocka_unit_test(test_subtract_trim_head),
		cmocka_unit_test(test_subtract_trim_tail),
		cmocka_unit_test(test_subtract_remove_whole),
		cmocka_unit_test(test_subtract_noop),
		cmocka_unit_test(test_subtract_across_ranges),
		cmocka_unit_test(test_subtract_many_splits),
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_covers_adjacent),
		cmocka_unit_test(test_covers_gaps),
		cmocka_unit_test(test_covers_overlapping_ranges),
		cmocka_unit_test(test_covers_type_filter),
		cmocka_unit_test(test_total),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_fit_lowest_and_top),
		cmocka_unit_test(test_fit_top_across_ranges_any_order),
		cmocka_unit_test(test_fit_alignment),
		cmocka_unit_test(test_fit_type_filter),
		cmocka_unit_test(test_fit_avoid_start),
		cmocka_unit_test(test_fit_avoid_middle),
		cmocka_unit_test(test_fit_avoid_end),
		cmocka_unit_test(test_fit_several_obstacles),
		cmocka_unit_test(test_fit_bounds),
		cmocka_unit_test(test_fit_refusals),
		cmocka_unit_test(test_fit_no_wraparound),
		cmocka_unit_test(test_random_normalize_subtract),
		cmocka_unit_test(test_random_find_fit),
	};

	return cmocka_run_group_tests_name("ranges", tests, NULL, NULL);
}
