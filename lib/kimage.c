// SPDX-License-Identifier: GPL-2.0-or-later
#include "kimage.h"
#include "page.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define IND_DESTINATION 0x1
#define IND_INDIRECTION 0x2
#define IND_DONE 0x4
#define IND_SOURCE 0x8

static int cmp_dst(const void *a, const void *b)
{
	const struct kj_remap_page *x = a, *y = b;

	return (x->dst > y->dst) - (x->dst < y->dst);
}

/* One walk from `head`. Returns 0 and a validated map, or -1 (silently:
 * most candidates are not list heads at all). */
static int walk(kj_phys_read_fn rd, void *ctx, uint64_t head,
		const struct kj_ranges *b_mem, uint64_t want,
		struct kj_remap_page **out)
{
	uint64_t *ind = malloc(KJ_PAGE_SIZE), entry = head, dest = 0, got = 0;
	struct kj_remap_page *map = calloc(want ? want : 1, sizeof(*map));
	size_t pos = 512, steps = 0, limit = want * 2 + 4096;
	struct kj_err e;
	int ret = -1;

	if (!ind || !map)
		goto out;
	for (;;) {
		if (++steps > limit)
			goto out;
		if (entry & IND_DESTINATION) {
			dest = entry & ~(KJ_PAGE_SIZE - 1);
		} else if (entry & IND_INDIRECTION) {
			if (rd(ctx, entry & ~(KJ_PAGE_SIZE - 1), ind, KJ_PAGE_SIZE, &e))
				goto out;
			pos = 0;
		} else if (entry & IND_DONE) {
			break;
		} else if (entry & IND_SOURCE) {
			if (got >= want || !kj_ranges_covers(b_mem, dest, dest + KJ_PAGE_SIZE, -1))
				goto out;
			map[got++] = (struct kj_remap_page){ dest, entry & ~(KJ_PAGE_SIZE - 1) };
			dest += KJ_PAGE_SIZE;
		}
		if (pos >= 512)
			goto out;	/* ran off an indirection page */
		entry = ind[pos++];
	}
	if (got != want)
		goto out;
	qsort(map, got, sizeof(*map), cmp_dst);
	for (size_t i = 1; i < got; i++)
		if (map[i].dst == map[i - 1].dst)
			goto out;
	*out = map;
	map = NULL;
	ret = 0;
out:
	free(ind);
	free(map);
	return ret;
}

int kj_kimage_find_map(kj_phys_read_fn rd, void *ctx, uint64_t control_page,
		       const struct kj_ranges *b_mem, struct kj_remap_page **map,
		       size_t *n, struct kj_err *e)
{
	uint64_t page[KJ_PAGE_SIZE / 8], want = kj_ranges_total(b_mem, -1) / KJ_PAGE_SIZE;

	if (!want)
		return kj_fail(e, EINVAL, "B's memory is empty");
	if (rd(ctx, control_page, page, KJ_PAGE_SIZE, e))
		return kj_prefix(e, "reading A's control page 0x%llx",
				 (unsigned long long)control_page);
	for (size_t i = 0; i < KJ_PAGE_SIZE / 8; i++) {
		uint64_t q = page[i];

		if ((q & (KJ_PAGE_SIZE - 1)) != IND_INDIRECTION || q < KJ_PAGE_SIZE)
			continue;
		if (walk(rd, ctx, q, b_mem, want, map) == 0) {
			*n = want;
			return 0;
		}
	}
	return kj_fail(e, ENOENT, "A's control page 0x%llx holds no kexec page list "
		       "matching B's %llu pages: A's kernel keeps it in a way this "
		       "kjump does not know", (unsigned long long)control_page,
		       (unsigned long long)want);
}

uint64_t kj_remap_lookup(const struct kj_remap_page *map, size_t n, uint64_t pa)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (map[mid].dst == pa)
			return map[mid].src == pa ? 0 : map[mid].src;
		if (map[mid].dst < pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}
