// SPDX-License-Identifier: GPL-2.0-or-later
#include "peer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/kexec.h"
#include "../lib/memmap.h"
#include "../lib/preflight.h"
#include "../lib/vmcore.h"

int kj_peer_parse_cmdline(const char *cmdline, struct kj_peer *p, struct kj_err *e)
{
	const char *k = strstr(cmdline, "kexec_jump_back_entry=");
	unsigned long long v;

	memset(p, 0, sizeof(*p));
	if (!strstr(cmdline, "kjump.b=1") || !k)
		return kj_fail(e, EPERM, "this kernel was not started by 'kjump switch' "
			       "(no kjump.b=1 and kexec_jump_back_entry= on its command "
			       "line): there is no A to go back to");
	if (sscanf(k + strlen("kexec_jump_back_entry="), "%llx", &v) != 1 || !v)
		return kj_fail(e, EINVAL, "kexec_jump_back_entry on the command line is "
			       "empty: the purgatory did not record A's re-entry point");
	p->entry = v;
	return 0;
}

int kj_peer_read(struct kj_peer *p, struct kj_err *e)
{
	char *cmd;
	int r;

	if (kj_read_text("/proc/cmdline", &cmd, NULL, e))
		return -1;
	r = kj_peer_parse_cmdline(cmd, p, e);
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

/* The reserved range holding elfcorehdr=: kjump's setup pages, the first
 * of which is the purgatory's, unused once B runs. */
static uint64_t setup_page(const struct kj_memmap *mm)
{
	char *cmd = NULL;
	const char *k;
	unsigned long long core;
	uint64_t page = 0;
	struct kj_err e;

	if (kj_read_text("/proc/cmdline", &cmd, NULL, &e))
		return 0;
	k = strstr(cmd, "elfcorehdr=");
	if (k && sscanf(k + 11, "%llx", &core) == 1)
		for (size_t i = 0; i < mm->firmware.n; i++)
			if (mm->firmware.r[i].type == KJ_MEM_RESERVED &&
			    mm->firmware.r[i].start <= core && core < mm->firmware.r[i].end)
				page = mm->firmware.r[i].start;
	free(cmd);
	return page;
}

/*
 * The jump back runs A's re-entry code, on the page holding A's re-entry
 * address, under B's kexec page tables: that page must be mapped there.
 *
 * Preferred: the purgatory marked the page ACPI NVS in B's memory map, and
 * a kernel with CONFIG_ACPI maps all ACPI memory in its kexec page tables.
 * A's page is then used as A left it, and B's kexec image only needs a
 * page nobody uses: the purgatory's own.
 *
 * Otherwise: a one-page segment at A's page, holding a copy of its current
 * content. The kernel's swap on every jump keeps A's page right for A, but
 * while B runs, B then sees the copy from the first jump back in place of
 * A's page; *stale is set so callers know (a second snapshot from this B
 * would save that copy).
 */
int kj_peer_load_jump_back(const struct kj_peer *p, bool *stale, struct kj_err *e)
{
	struct kj_memmap mm;
	static uint8_t page[4096] __attribute__((aligned(4096)));
	uint64_t entry_page = p->entry & ~4095ULL, scratch;
	struct kj_segment seg;

	*stale = false;
	if (kj_memmap_read(&mm, e))
		return -1;
	scratch = setup_page(&mm);
	if (maps_acpi_memory() && scratch &&
	    kj_ranges_covers(&mm.firmware, entry_page, entry_page + 4096, KJ_MEM_NVS)) {
		kj_memmap_free(&mm);
		seg = (struct kj_segment){ page, sizeof(page), scratch, 4096 };
		return kj_kexec_load(p->entry, &seg, 1, KJ_KEXEC_PRESERVE_CONTEXT, e);
	}
	kj_memmap_free(&mm);
	struct kj_vmcore v;
	if (kj_vmcore_open(&v, "/proc/vmcore", e))
		return -1;
	if (kj_vmcore_read(&v, entry_page, page, sizeof(page), e)) {
		kj_vmcore_close(&v);
		return kj_prefix(e, "reading A's re-entry page");
	}
	kj_vmcore_close(&v);
	*stale = true;
	seg = (struct kj_segment){ page, sizeof(page), entry_page, 4096 };
	return kj_kexec_load(p->entry, &seg, 1, KJ_KEXEC_PRESERVE_CONTEXT, e);
}
