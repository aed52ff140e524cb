/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sets of physical address ranges, half-open [start, end), each with a
 * small integer type. Pure functions over a growable array.
 */
#ifndef KJUMP_RANGES_H
#define KJUMP_RANGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct kj_range {
	uint64_t start, end;	/* [start, end) */
	int type;
};

struct kj_ranges {
	struct kj_range *r;
	size_t n, cap;
};

void kj_ranges_free(struct kj_ranges *rs);
int kj_ranges_add(struct kj_ranges *rs, uint64_t start, uint64_t end, int type,
		  struct kj_err *e);
/* Sort by start and merge ranges that touch or overlap and share a type. */
void kj_ranges_normalize(struct kj_ranges *rs);
/* Remove [start, end) from every range, splitting where needed. */
int kj_ranges_subtract(struct kj_ranges *rs, uint64_t start, uint64_t end,
		       struct kj_err *e);
/* Does any range intersect [start, end)? */
bool kj_ranges_overlaps(const struct kj_ranges *rs, uint64_t start, uint64_t end);
/* Is [start, end) entirely covered by ranges of `type` (-1: any type)? */
bool kj_ranges_covers(const struct kj_ranges *rs, uint64_t start, uint64_t end,
		      int type);
uint64_t kj_ranges_total(const struct kj_ranges *rs, int type);
int kj_ranges_copy(struct kj_ranges *dst, const struct kj_ranges *src,
		   int type, struct kj_err *e);

static inline uint64_t kj_align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static inline uint64_t kj_align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

/* Lowest (or, with from_top, highest) address A, aligned to `align`, with
 * [A, A+size) inside one range of `within` of `type` (-1: any), at or above
 * min and ending at or below max, and overlapping nothing in `avoid`
 * (may be NULL). Returns 0 and sets *out, or -1 when nothing fits. */
int kj_ranges_find_fit(const struct kj_ranges *within, int type,
		       const struct kj_ranges *avoid, uint64_t size,
		       uint64_t align, uint64_t min, uint64_t max,
		       bool from_top, uint64_t *out);

#endif
