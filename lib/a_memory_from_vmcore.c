// SPDX-License-Identifier: GPL-2.0-or-later
#include "a_memory.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memmap.h"
#include "page.h"

int kj_setup_pages(const struct kj_memmap *mm, uint64_t *start, uint64_t *end)
{
	char *cmd = NULL;
	const char *k;
	unsigned long long core;
	struct kj_err e;
	int ret = -1;

	if (kj_read_text("/proc/cmdline", &cmd, NULL, &e))
		return -1;
	k = strstr(cmd, "elfcorehdr=");
	if (k && sscanf(k + 11, "%llx", &core) == 1)
		for (size_t i = 0; i < mm->firmware.n; i++)
			if (mm->firmware.r[i].type == KJ_MEM_RESERVED &&
			    mm->firmware.r[i].start <= core && core < mm->firmware.r[i].end) {
				*start = mm->firmware.r[i].start;
				*end = mm->firmware.r[i].end;
				ret = 0;
			}
	free(cmd);
	return ret;
}

int kj_bmem_read(struct kj_ranges *out, struct kj_err *e)
{
	struct kj_memmap mm;
	uint64_t s, t;

	if (kj_memmap_read(&mm, e))
		return -1;
	memset(out, 0, sizeof(*out));
	if (kj_ranges_copy(out, &mm.ram, -1, e))
		goto fail;
	if (kj_setup_pages(&mm, &s, &t) == 0 && kj_ranges_add(out, s, t, KJ_MEM_RAM, e))
		goto fail;
	/* page-align inward, as the kexec segments were */
	for (size_t i = 0; i < out->n; i++) {
		out->r[i].start = kj_align_up(out->r[i].start, KJ_PAGE_SIZE);
		out->r[i].end = kj_align_down(out->r[i].end, KJ_PAGE_SIZE);
		out->r[i].type = KJ_MEM_RAM;
	}
	kj_ranges_normalize(out);
	kj_memmap_free(&mm);
	return 0;
fail:
	kj_memmap_free(&mm);
	kj_ranges_free(out);
	return -1;
}

static int vm_read(void *ctx, uint64_t pa, void *buf, size_t len, struct kj_err *e)
{
	return kj_vmcore_read(ctx, pa, buf, len, e);
}

int kj_a_from_vmcore_open(struct kj_a_from_vmcore *m, uint64_t a_entry, struct kj_err *e)
{
	memset(m, 0, sizeof(*m));
	m->a_entry = a_entry;
	if (kj_vmcore_open(&m->vm, "/proc/vmcore", e))
		return -1;
	m->vm_open = true;
	if (kj_bmem_read(&m->b_mem, e) ||
	    kj_kimage_find_map(vm_read, &m->vm, a_entry & ~(KJ_PAGE_SIZE - 1), &m->b_mem,
			       &m->map, &m->nmap, e)) {
		kj_a_from_vmcore_close(m);
		return -1;
	}
	return 0;
}

void kj_a_from_vmcore_close(struct kj_a_from_vmcore *m)
{
	if (m->vm_open)
		kj_vmcore_close(&m->vm);
	kj_ranges_free(&m->b_mem);
	free(m->map);
	memset(m, 0, sizeof(*m));
}

uint64_t kj_a_from_vmcore_where(const struct kj_a_from_vmcore *m, uint64_t pa)
{
	uint64_t page = pa & ~(KJ_PAGE_SIZE - 1);

	if (!kj_ranges_covers(&m->b_mem, page, page + KJ_PAGE_SIZE, -1))
		return pa;
	uint64_t src = kj_remap_lookup(m->map, m->nmap, page);
	return src ? src + (pa & (KJ_PAGE_SIZE - 1)) : 0;
}

int kj_a_from_vmcore_read(struct kj_a_from_vmcore *m, uint64_t pa, void *buf, size_t len,
		 struct kj_err *e)
{
	uint8_t *out = buf;

	while (len) {
		size_t n = KJ_PAGE_SIZE - (pa & (KJ_PAGE_SIZE - 1));
		uint64_t at;

		if (n > len)
			n = len;
		at = kj_a_from_vmcore_where(m, pa);
		if (!at)
			return kj_fail(e, ENODATA, "A had nothing at 0x%llx (a free page "
				       "the kernel lent to B)", (unsigned long long)pa);
		if (kj_vmcore_read(&m->vm, at, out, n, e))
			return -1;
		out += n;
		pa += n;
		len -= n;
	}
	return 0;
}
