// SPDX-License-Identifier: GPL-2.0-or-later
#include "ranges.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void kj_ranges_free(struct kj_ranges *rs)
{
	free(rs->r);
	memset(rs, 0, sizeof(*rs));
}

int kj_ranges_add(struct kj_ranges *rs, uint64_t start, uint64_t end, int type,
		  struct kj_err *e)
{
	if (end <= start)
		return 0;
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 16;
		struct kj_range *r = realloc(rs->r, cap * sizeof(*r));

		if (!r)
			return kj_fail(e, ENOMEM, "out of memory for a range list");
		rs->r = r;
		rs->cap = cap;
	}
	rs->r[rs->n++] = (struct kj_range){ start, end, type };
	return 0;
}

static int cmp_start(const void *a, const void *b)
{
	const struct kj_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

static int cmp_type_start(const void *a, const void *b)
{
	const struct kj_range *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return cmp_start(a, b);
}

void kj_ranges_normalize(struct kj_ranges *rs)
{
	size_t out = 0;

	if (!rs->n)
		return;
	/* Merge within each type, then order everything by start: sorting by
	 * start alone would let another type separate two ranges that touch. */
	qsort(rs->r, rs->n, sizeof(*rs->r), cmp_type_start);
	for (size_t i = 1; i < rs->n; i++) {
		struct kj_range *last = &rs->r[out];

		if (rs->r[i].type == last->type && rs->r[i].start <= last->end) {
			if (rs->r[i].end > last->end)
				last->end = rs->r[i].end;
		} else {
			rs->r[++out] = rs->r[i];
		}
	}
	rs->n = out + 1;
	qsort(rs->r, rs->n, sizeof(*rs->r), cmp_start);
}

int kj_ranges_subtract(struct kj_ranges *rs, uint64_t start, uint64_t end,
		       struct kj_err *e)
{
	size_t n = rs->n;

	if (end <= start)
		return 0;
	for (size_t i = 0; i < n; i++) {
		struct kj_range *r = &rs->r[i];

		if (r->end <= start || r->start >= end)
			continue;
		if (r->start < start && r->end > end) {
			/* split: keep the head here, append the tail */
			uint64_t tail_end = r->end;
			int type = r->type;

			r->end = start;
			if (kj_ranges_add(rs, end, tail_end, type, e))
				return -1;
			continue;
		}
		if (r->start >= start)
			r->start = r->end <= end ? r->end : end;
		else
			r->end = start;
	}
	/* drop emptied ranges */
	size_t out = 0;
	for (size_t i = 0; i < rs->n; i++)
		if (rs->r[i].end > rs->r[i].start)
			rs->r[out++] = rs->r[i];
	rs->n = out;
	qsort(rs->r, rs->n, sizeof(*rs->r), cmp_start);
	return 0;
}

bool kj_ranges_overlaps(const struct kj_ranges *rs, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rs->r[i].start < end && start < rs->r[i].end)
			return true;
	return false;
}

bool kj_ranges_covers(const struct kj_ranges *rs, uint64_t start, uint64_t end,
		      int type)
{
	/* Walk forward from `start`, extending over any range that holds it. */
	uint64_t at = start;
	bool moved = true;

	while (at < end && moved) {
		moved = false;
		for (size_t i = 0; i < rs->n; i++) {
			const struct kj_range *r = &rs->r[i];

			if ((type < 0 || r->type == type) && r->start <= at && at < r->end) {
				at = r->end;
				moved = true;
			}
		}
	}
	return at >= end;
}

uint64_t kj_ranges_total(const struct kj_ranges *rs, int type)
{
	uint64_t t = 0;

	for (size_t i = 0; i < rs->n; i++)
		if (type < 0 || rs->r[i].type == type)
			t += rs->r[i].end - rs->r[i].start;
	return t;
}

int kj_ranges_copy(struct kj_ranges *dst, const struct kj_ranges *src,
		   int type, struct kj_err *e)
{
	for (size_t i = 0; i < src->n; i++)
		if (type < 0 || src->r[i].type == type)
			if (kj_ranges_add(dst, src->r[i].start, src->r[i].end,
					  src->r[i].type, e))
				return -1;
	return 0;
}

/* Try candidate A within [lo, hi): if it collides with something in
 * `avoid`, the next candidate lies past that obstacle (or before it, going
 * down), so each obstacle is crossed at most once per range. */
int kj_ranges_find_fit(const struct kj_ranges *within, int type,
		       const struct kj_ranges *avoid, uint64_t size,
		       uint64_t align, uint64_t min, uint64_t max,
		       bool from_top, uint64_t *out)
{
	bool found = false;
	uint64_t best = 0;

	if (!size || !align || (align & (align - 1)))
		return -1;
	for (size_t i = 0; i < within->n; i++) {
		const struct kj_range *r = &within->r[i];
		uint64_t lo = r->start > min ? r->start : min;
		uint64_t hi = r->end < max ? r->end : max;

		if (type >= 0 && r->type != type)
			continue;
		if (hi <= lo || hi - lo < size)
			continue;
		uint64_t alo = kj_align_up(lo, align);

		if (alo < lo || alo > hi || hi - alo < size)
			continue;	/* (alo < lo: aligning wrapped past 2^64) */
		lo = alo;
		uint64_t a = from_top ? kj_align_down(hi - size, align) : lo;
		for (;;) {
			const struct kj_range *hit = NULL;

			if (a < lo || a > hi - size)
				break;
			for (size_t j = 0; avoid && j < avoid->n; j++)
				if (avoid->r[j].start < a + size && a < avoid->r[j].end) {
					hit = &avoid->r[j];
					break;
				}
			if (!hit) {
				if (!found || (from_top ? a > best : a < best))
					best = a;
				found = true;
				break;
			}
			if (from_top) {
				if (hit->start < size + lo)
					break;
				a = kj_align_down(hit->start - size, align);
			} else {
				uint64_t next = kj_align_up(hit->end, align);

				if (next <= a)
					break;	/* wrapped past 2^64 */
				a = next;
			}
		}
	}
	if (!found)
		return -1;
	*out = best;
	return 0;
}
