// SPDX-License-Identifier: GPL-2.0-or-later
#include "b_layout.h"
#include "page.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MiB (1ULL << 20)
#define REGION_ALIGN (2 * MiB)
#define REGION_MAX_ADDR (4ULL << 30)	/* zero page, cmdline, initrd < 4 GiB */

uint64_t kj_b_layout_default_size(uint64_t ram_bytes)
{
	uint64_t s = ram_bytes / 8;

	if (s < 160 * MiB)
		s = 160 * MiB;
	if (s > 512 * MiB)
		s = 512 * MiB;
	return kj_align_up(s, REGION_ALIGN);
}

static void pick_low(const struct kj_memmap *mm, struct kj_b_layout *p)
{
	for (size_t i = 0; i < mm->ram.n; i++) {
		uint64_t s = kj_align_up(mm->ram.r[i].start, KJ_PAGE_SIZE);
		uint64_t t = mm->ram.r[i].end < KJ_LOW_LIMIT ? mm->ram.r[i].end : KJ_LOW_LIMIT;

		t = kj_align_down(t, KJ_PAGE_SIZE);
		if (t > s && t - s > p->low_end - p->low_start) {
			p->low_start = s;
			p->low_end = t;
		}
	}
}

int kj_b_layout_make(const struct kj_b_layout_in *in, struct kj_b_layout *p,
		  struct kj_err *e)
{
	uint64_t align = in->kernel_align > REGION_ALIGN ? in->kernel_align : REGION_ALIGN;
	uint64_t size = kj_align_up(in->region_size ? in->region_size :
				    kj_b_layout_default_size(in->ram_bytes), KJ_PAGE_SIZE);
	uint64_t images = kj_align_up(in->kernel_memsz, KJ_PAGE_SIZE) +
		kj_align_up(in->initrd_size, KJ_PAGE_SIZE) + in->blob_size;
	uint64_t need = kj_align_up(images + KJ_B_MIN_FREE, REGION_ALIGN);
	uint64_t limit = in->ram_bytes / KJ_PAGE_SIZE / 2 * KJ_PAGE_SIZE;
	uint64_t min = in->kernel_min > KJ_LOW_LIMIT ? in->kernel_min : KJ_LOW_LIMIT;
	struct kj_ranges avoid = { 0 };

	memset(p, 0, sizeof(*p));
	pick_low(in->mm, p);
	if (p->low_end == p->low_start)
		return kj_fail(e, ENOSPC, "A has no RAM below 1 MiB, and an x86 kernel "
			       "cannot boot without its real-mode trampoline there");
	if (size < need)
		return kj_fail(e, ENOSPC, "a region of %llu MiB is too small for B: its "
			       "kernel needs %llu MiB, its initrd %llu MiB, and B needs "
			       "%llu MiB more to run; use --reserve %lluM or more",
			       (unsigned long long)(size / MiB),
			       (unsigned long long)(kj_align_up(in->kernel_memsz, MiB) / MiB),
			       (unsigned long long)(kj_align_up(in->initrd_size, MiB) / MiB),
			       (unsigned long long)(KJ_B_MIN_FREE / MiB),
			       (unsigned long long)(need / MiB));
	if (size + (p->low_end - p->low_start) > limit)
		return kj_fail(e, E2BIG, "a region of %llu MiB (plus %llu KiB below 1 MiB) "
			       "exceeds half of RAM (%llu MiB of %llu MiB), the most the "
			       "kernel will load; use a smaller --reserve (B needs at "
			       "least %lluM)", (unsigned long long)(size / MiB),
			       (unsigned long long)((p->low_end - p->low_start) / 1024),
			       (unsigned long long)(limit / MiB),
			       (unsigned long long)(in->ram_bytes / MiB),
			       (unsigned long long)(need / MiB));
	if (kj_ranges_copy(&avoid, &in->mm->kernel, -1, e) ||
	    (in->keep_out && kj_ranges_copy(&avoid, in->keep_out, -1, e))) {
		kj_ranges_free(&avoid);
		return -1;
	}
	if (in->region_addr) {
		uint64_t a = in->region_addr;

		if (a & (align - 1)) {
			kj_ranges_free(&avoid);
			return kj_fail(e, EINVAL, "region address 0x%llx is not aligned to "
				       "the kernel's 0x%llx", (unsigned long long)a,
				       (unsigned long long)align);
		}
		if (a < min) {
			kj_ranges_free(&avoid);
			return kj_fail(e, EINVAL, "region address 0x%llx is below 0x%llx, where "
				       "this kernel would move itself (its preferred load "
				       "address), over its own initrd", (unsigned long long)a,
				       (unsigned long long)min);
		}
		if (!kj_ranges_covers(&in->mm->ram, a, a + size, KJ_MEM_RAM) ||
		    kj_ranges_overlaps(&avoid, a, a + size) ||
		    size > REGION_MAX_ADDR || a > REGION_MAX_ADDR - size) {
			kj_ranges_free(&avoid);
			return kj_fail(e, EINVAL, "region 0x%llx-0x%llx is not System RAM "
				       "below 4 GiB clear of the running kernel's image "
				       "and notes (see /proc/iomem)", (unsigned long long)a,
				       (unsigned long long)(a + size));
		}
		p->region_start = a;
	} else if (kj_ranges_find_fit(&in->mm->ram, KJ_MEM_RAM, &avoid, size, align,
				      min, REGION_MAX_ADDR, true,
				      &p->region_start)) {
		kj_ranges_free(&avoid);
		return kj_fail(e, ENOSPC, "no contiguous %llu MiB of RAM below 4 GiB is "
			       "clear of the running kernel's image; use a smaller "
			       "--reserve", (unsigned long long)(size / MiB));
	}
	kj_ranges_free(&avoid);
	p->region_end = p->region_start + size;
	p->kernel_addr = kj_align_up(p->region_start, align);
	p->initrd_addr = kj_align_up(p->kernel_addr + in->kernel_memsz, KJ_PAGE_SIZE);
	p->blob_addr = kj_align_up(p->initrd_addr + in->initrd_size, KJ_PAGE_SIZE);
	if (p->blob_addr + in->blob_size + KJ_B_MIN_FREE > p->region_end)
		return kj_fail(e, ENOSPC, "B's images do not fit the region; use a "
			       "larger --reserve");
	return 0;
}

int kj_b_layout_b_ram(const struct kj_b_layout *p, struct kj_ranges *out,
		   struct kj_err *e)
{
	if (kj_ranges_add(out, p->low_start, p->low_end, KJ_MEM_RAM, e) ||
	    kj_ranges_add(out, p->region_start, p->region_end, KJ_MEM_RAM, e))
		return -1;
	kj_ranges_normalize(out);
	return 0;
}

static int add_seg(struct kj_segment *seg, int *n, const void *buf, uint64_t bufsz,
		   uint64_t mem, uint64_t memsz, struct kj_err *e)
{
	if (!memsz)
		return 0;
	if (*n >= KJ_KEXEC_SEGMENT_MAX)
		return kj_fail(e, E2BIG, "B needs more than %d kexec segments",
			       KJ_KEXEC_SEGMENT_MAX);
	seg[(*n)++] = (struct kj_segment){ buf, (size_t)bufsz, mem, memsz };
	return 0;
}

int kj_b_layout_segments(const struct kj_b_layout *p, const void *kernel,
		      uint64_t kernel_filesz, uint64_t kernel_memsz,
		      const void *initrd, uint64_t initrd_size,
		      const void *blob, uint64_t blob_size,
		      struct kj_segment *seg, int *nseg, struct kj_err *e)
{
	struct { const void *buf; uint64_t bufsz, mem, memsz; } data[3] = {
		{ kernel, kernel_filesz, p->kernel_addr, kj_align_up(kernel_memsz, KJ_PAGE_SIZE) },
		{ initrd, initrd_size, p->initrd_addr, kj_align_up(initrd_size, KJ_PAGE_SIZE) },
		{ blob, blob_size, p->blob_addr, kj_align_up(blob_size, KJ_PAGE_SIZE) },
	};
	uint64_t at = p->region_start;

	*nseg = 0;
	if (add_seg(seg, nseg, NULL, 0, p->low_start, p->low_end - p->low_start, e))
		return -1;
	/* data segments are in address order by construction (kj_b_layout_make) */
	for (int i = 0; i < 3; i++) {
		if (!data[i].memsz)
			continue;
		if (data[i].mem < at)
			return kj_fail(e, EINVAL, "B's pieces overlap");
		if (add_seg(seg, nseg, NULL, 0, at, data[i].mem - at, e) ||
		    add_seg(seg, nseg, data[i].buf, data[i].bufsz, data[i].mem,
			    data[i].memsz, e))
			return -1;
		at = data[i].mem + data[i].memsz;
	}
	if (at > p->region_end)
		return kj_fail(e, ENOSPC, "B's pieces overrun the region");
	return add_seg(seg, nseg, NULL, 0, at, p->region_end - at, e);
}

static int cmp_e820(const void *a, const void *b)
{
	const struct kj_e820 *x = a, *y = b;

	return (x->addr > y->addr) - (x->addr < y->addr);
}

int kj_b_layout_e820(const struct kj_b_layout *p, uint64_t blob_size,
		  const struct kj_memmap *mm, struct kj_e820 *out, int *n,
		  struct kj_err *e)
{
	struct kj_ranges all = { 0 };
	uint64_t blob_end = p->blob_addr + kj_align_up(blob_size, KJ_PAGE_SIZE);
	int ret = -1;

	if (kj_ranges_add(&all, p->low_start, p->low_end, KJ_MEM_RAM, e) ||
	    kj_ranges_add(&all, p->region_start, p->blob_addr, KJ_MEM_RAM, e) ||
	    kj_ranges_add(&all, p->blob_addr, blob_end, KJ_MEM_RESERVED, e) ||
	    kj_ranges_add(&all, blob_end, p->region_end, KJ_MEM_RAM, e))
		goto out;
	for (size_t i = 0; i < mm->firmware.n; i++) {
		struct kj_ranges one = { 0 };
		const struct kj_range *f = &mm->firmware.r[i];

		/* A firmware range never lies in RAM we hand to B; clip if it did. */
		if (kj_ranges_add(&one, f->start, f->end, f->type, e) ||
		    kj_ranges_subtract(&one, p->low_start, p->low_end, e) ||
		    kj_ranges_subtract(&one, p->region_start, p->region_end, e) ||
		    kj_ranges_copy(&all, &one, -1, e)) {
			kj_ranges_free(&one);
			goto out;
		}
		kj_ranges_free(&one);
	}
	kj_ranges_normalize(&all);
	if (all.n > KJ_E820_MAX) {
		kj_fail(e, E2BIG, "B's memory map needs %zu entries; the zero page "
			"holds %d", all.n, KJ_E820_MAX);
		goto out;
	}
	for (size_t i = 0; i < all.n; i++)
		out[i] = (struct kj_e820){ all.r[i].start, all.r[i].end - all.r[i].start,
					   (uint32_t)all.r[i].type };
	qsort(out, all.n, sizeof(*out), cmp_e820);
	*n = (int)all.n;
	ret = 0;
out:
	kj_ranges_free(&all);
	return ret;
}
