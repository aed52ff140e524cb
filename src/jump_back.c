// SPDX-License-Identifier: GPL-2.0-or-later
#include "jump_back.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/a_memory.h"
#include "../lib/b_command_line.h"
#include "../lib/kexec.h"
#include "../lib/memmap.h"
#include "../lib/preflight.h"
#include "../lib/program.h"
#include "../lib/vmcore.h"
#include "../payload/include/kjump/jumpback.h"
#include "cli.h"
#include "jump_cpus.h"

int kj_peer_read(struct kj_peer *p, struct kj_err *e)
{
	char *cmd;
	int r;

	if (kj_read_text("/proc/cmdline", &cmd, NULL, e))
		return -1;
	memset(p, 0, sizeof(*p));
	r = kj_b_reentry_parse(cmd, &p->entry, e);
	free(cmd);
	return r;
}

/* Does this kernel map ACPI memory in its kexec page tables? That code
 * exists only with CONFIG_ACPI. */
static bool maps_acpi_memory(void)
{
	char *cfg = NULL, src[160];
	struct kj_err e;
	int v = 0;

	if (kj_config_read(&cfg, src, sizeof(src), &e) == 0) {
		v = kj_config_value(cfg, "CONFIG_ACPI");
		free(cfg);
		return v == 'y';
	}
	return access("/sys/firmware/acpi", F_OK) == 0;
}

/* The jump-back trampoline (payload/jumpback), placed at `at`, told
 * where A continues. */
static int trampoline(uint64_t at, uint64_t a_entry, bool one_way, struct kj_program *t,
		      struct kj_err *e)
{
	const uint8_t *blob;
	size_t len;
	uint64_t off;
	struct kj_jumpback_params jp = {
		.magic = KJ_JUMPBACK_MAGIC,
		.entry = a_entry,
		.flags = one_way ? KJ_JUMPBACK_ONE_WAY : 0,
	};

	if (kj_blob_find("jumpback", &blob, &len) ||
	    kj_program_parse(blob, len, 4096, t, e))
		return kj_prefix(e, "built-in jump-back trampoline");
	if (kj_program_find_block(t, KJ_JUMPBACK_MAGIC, sizeof(jp), "the trampoline", &off, e))
		goto fail;
	memcpy(t->image + off, &jp, sizeof(jp));
	if (kj_program_place(t, at, e))
		goto fail;
	return 0;
fail:
	kj_program_free(t);
	return -1;
}

/*
 * The jump back runs A's re-entry code, on the page holding A's re-entry
 * address, under B's kexec page tables: that page must be mapped there.
 *
 * Preferred: the purgatory marked the page ACPI NVS in B's memory map, and
 * a kernel with CONFIG_ACPI maps all ACPI memory in its kexec page tables.
 * A's page is then used as A left it.
 *
 * Otherwise: a second segment at A's page, holding a copy of its current
 * content. The kernel's swap on every jump keeps A's page right for A, but
 * while B runs, B then sees the copy from the first jump back in place of
 * A's page; *stale is set so callers know (a second snapshot from this B
 * would save that copy).
 *
 * Either way the image is entered at the jump-back trampoline, on the
 * purgatory's page (reserved in B's memory map, unused once B runs). A
 * one-way jump (B without CONFIG_KEXEC_JUMP) is an ordinary kexec whose
 * entry is still the trampoline and then A's code: B does not survive it.
 */
int kj_peer_load_jump_back(const struct kj_peer *p, bool one_way, bool *stale,
			   struct kj_err *e)
{
	struct kj_memmap mm;
	static uint8_t page[4096] __attribute__((aligned(4096)));
	uint64_t entry_page = p->entry & ~4095ULL, scratch, scratch_end;
	struct kj_segment seg[2];
	struct kj_program t;
	int n = 0, r;

	*stale = false;
	if (kj_memmap_read(&mm, e))
		return -1;
	int no_setup = kj_setup_pages(&mm, &scratch, &scratch_end);
	bool nvs = kj_ranges_covers(&mm.firmware, entry_page, entry_page + 4096, KJ_MEM_NVS);
	kj_memmap_free(&mm);
	if (no_setup)
		return kj_fail(e, EINVAL, "cannot find kjump's setup pages in this "
			       "kernel's memory map: was it started by this kjump?");
	if (trampoline(scratch, p->entry, one_way, &t, e))
		return -1;
	seg[n++] = (struct kj_segment){ t.image, t.span, scratch, t.span };
	if (!(nvs && maps_acpi_memory())) {
		struct kj_vmcore v;

		if (kj_vmcore_open(&v, "/proc/vmcore", e)) {
			kj_program_free(&t);
			return -1;
		}
		if (kj_vmcore_read(&v, entry_page, page, sizeof(page), e)) {
			kj_vmcore_close(&v);
			kj_program_free(&t);
			return kj_prefix(e, "reading A's re-entry page");
		}
		kj_vmcore_close(&v);
		*stale = true;
		seg[n++] = (struct kj_segment){ page, sizeof(page), entry_page, 4096 };
	}
	r = kj_kexec_load(scratch + t.entry_off, seg, n,
			  one_way ? 0 : KJ_KEXEC_PRESERVE_CONTEXT, e);
	kj_program_free(&t);
	return r;
}

bool kj_self_can_return(void)
{
	struct kj_sysinfo si;

	kj_sysinfo_read(&si);
	return si.kexec_jump != 0;	/* unknown: try; the load says EINVAL if not */
}

int kj_peer_back(enum kj_back_mode mode, double *seconds, unsigned long *switches,
		 struct kj_err *e)
{
	struct kj_peer peer;
	struct kj_state st;
	int loaded = kj_kexec_loaded(), r;
	struct kj_jump_cpus cpus;
	double t0;

	if (kj_peer_read(&peer, e))
		return -1;
	r = kj_state_load('b', &st, e);
	if (r < 0)
		return -1;
	if (r == 1 || !st.loaded || loaded != 1) {
		bool stale, one_way = mode == KJ_BACK_ONE_WAY ||
			(mode == KJ_BACK_AUTO && !kj_self_can_return());

		if (loaded == 1)
			return kj_fail(e, EBUSY, "a kexec image that kjump did not load is "
				       "loaded here; unload it (kexec -u) first");
		/* a kernel without CONFIG_KEXEC_JUMP refuses a preserve-context
		 * image (EINVAL): in AUTO mode it goes back to A for good */
		if (kj_peer_load_jump_back(&peer, one_way, &stale, e)) {
			if (mode != KJ_BACK_AUTO || one_way || e->code != EINVAL ||
			    kj_peer_load_jump_back(&peer, true, &stale, e))
				return -1;
			one_way = true;
		}
		if (one_way)
			kj_info("this kernel cannot be re-entered: going back to A for good");
		memset(&st, 0, sizeof(st));
		st.role = 'b';
		st.loaded = true;
		st.stale = stale;
		st.peer_entry = st.entry = peer.entry;
		st.since = time(NULL);
		if (kj_state_save(&st, e))
			return -1;
	}
	sync();
	kj_jump_cpus_offline(&cpus);
	t0 = kj_now();
	r = kj_kexec_jump(e);
	if (seconds)
		*seconds = kj_now() - t0;
	kj_jump_cpus_online(&cpus);
	if (r)
		return -1;
	st.switches++;
	if (switches)
		*switches = st.switches;
	return kj_state_save(&st, e);
}
