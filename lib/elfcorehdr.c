// SPDX-License-Identifier: GPL-2.0-or-later
#include "elfcorehdr.h"

#include <errno.h>
#include <stdlib.h>

#include "elfcore.h"

size_t kj_elfcorehdr_max_size(const struct kj_a_dump_facts *f, const struct kj_ranges *a_ram)
{
	/* every B range can split an A range once; +4 for slack */
	size_t nseg = 1 + f->ncrash + 1 + a_ram->n + 4 + 2;

	return (kj_elfcore_headers_size(nseg) + 4095) & ~(size_t)4095;
}

int kj_elfcorehdr_build(const struct kj_a_dump_facts *f, const struct kj_ranges *a_ram,
			const struct kj_ranges *b_ram, uint8_t **out, size_t *len,
			struct kj_err *e)
{
	struct kj_ranges visible = { 0 };
	struct kj_core_seg *seg = NULL;
	size_t n = 0, size;
	int ret = -1;

	if (kj_ranges_copy(&visible, a_ram, -1, e))
		return -1;
	for (size_t i = 0; i < b_ram->n; i++)
		if (kj_ranges_subtract(&visible, b_ram->r[i].start, b_ram->r[i].end, e))
			goto out;
	seg = calloc(2 + f->ncrash + visible.n, sizeof(*seg));
	if (!seg) {
		kj_fail(e, ENOMEM, "out of memory");
		goto out;
	}
	seg[n++] = (struct kj_core_seg){ KJ_SEG_NOTE, f->vmcoreinfo_addr, 0,
					 f->vmcoreinfo_addr, f->vmcoreinfo_size,
					 f->vmcoreinfo_size };
	for (size_t i = 0; f->crash_notes_size && i < f->ncrash; i++)
		seg[n++] = (struct kj_core_seg){ KJ_SEG_NOTE, f->crash_notes[i], 0,
						 f->crash_notes[i], f->crash_notes_size,
						 f->crash_notes_size };
	if (f->ktext_known && !kj_ranges_overlaps(b_ram, f->ktext_pa,
						  f->ktext_pa + f->ktext_size))
		seg[n++] = (struct kj_core_seg){ KJ_SEG_LOAD, f->ktext_pa, f->ktext_va,
						 f->ktext_pa, f->ktext_size, f->ktext_size };
	for (size_t i = 0; i < visible.n; i++) {
		uint64_t s = visible.r[i].start, sz = visible.r[i].end - s;

		seg[n++] = (struct kj_core_seg){ KJ_SEG_LOAD, s,
			f->page_offset_known ? f->page_offset + s : 0, s, sz, sz };
	}
	size = (kj_elfcore_headers_size(n) + 4095) & ~(size_t)4095;
	*out = calloc(1, size);
	if (!*out) {
		kj_fail(e, ENOMEM, "out of memory");
		goto out;
	}
	if (kj_elfcore_write(*out, size, seg, n, e)) {
		free(*out);
		*out = NULL;
		goto out;
	}
	*len = size;
	ret = 0;
out:
	free(seg);
	kj_ranges_free(&visible);
	return ret;
}
