// SPDX-License-Identifier: GPL-2.0-or-later
#include "peer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/kexec.h"
#include "../lib/memmap.h"
#include "../lib/preflight.h"

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

/*
 * The purgatory marked the page of A's re-entry address as ACPI NVS in
 * B's memory map, so B's kernel maps it (with all ACPI memory) in the page
 * tables of its own jump: A's re-entry code then runs on A's own page, as
 * A left it. The kexec image itself only needs a page nobody uses: the
 * purgatory's own page, reserved in B's memory map, is it.
 */
int kj_peer_load_jump_back(const struct kj_peer *p, struct kj_err *e)
{
	struct kj_memmap mm;
	static uint8_t page[4096] __attribute__((aligned(4096)));
	uint64_t entry_page = p->entry & ~4095ULL, scratch = 0;
	char *cmd = NULL;
	const char *k;
	unsigned long long core;

	if (kj_memmap_read(&mm, e))
		return -1;
	if (!kj_ranges_covers(&mm.firmware, entry_page, entry_page + 4096, KJ_MEM_NVS)) {
		kj_memmap_free(&mm);
		return kj_fail(e, EINVAL, "A's re-entry page 0x%llx is not ACPI NVS in "
			       "this kernel's memory map, so the jump back would fault; "
			       "was this kernel started by this version of kjump?",
			       (unsigned long long)entry_page);
	}
	/* The purgatory's page: the blob's first page, just below the
	 * elfcorehdr's reserved range start... found as the reserved range
	 * holding elfcorehdr=. */
	if (kj_read_text("/proc/cmdline", &cmd, NULL, e)) {
		kj_memmap_free(&mm);
		return -1;
	}
	k = strstr(cmd, "elfcorehdr=");
	if (k && sscanf(k + 11, "%llx", &core) == 1) {
		for (size_t i = 0; i < mm.firmware.n; i++)
			if (mm.firmware.r[i].type == KJ_MEM_RESERVED &&
			    mm.firmware.r[i].start <= core && core < mm.firmware.r[i].end)
				scratch = mm.firmware.r[i].start;
	}
	free(cmd);
	kj_memmap_free(&mm);
	if (!scratch)
		return kj_fail(e, EINVAL, "cannot find kjump's reserved setup pages in "
			       "this kernel's memory map");
	struct kj_segment seg = { page, sizeof(page), scratch, 4096 };
	return kj_kexec_load(p->entry, &seg, 1, KJ_KEXEC_PRESERVE_CONTEXT, e);
}
