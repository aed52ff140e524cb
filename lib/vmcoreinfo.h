/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VMCOREINFO note of a stopped Linux: the text the kernel builds at boot
 * (kernel/vmcore_info.c, arch/x86/kernel/vmcore_info_64.c) so that a reader
 * of its memory can find symbols and structure layouts. One "KEY=VALUE"
 * line per fact, for instance
 *
 *	OSRELEASE=6.12.12-amd64		a string
 *	SYMBOL(init_top_pgt)=ffffffff9a22c000	hex without 0x
 *	KERNELOFFSET=18e00000		hex without 0x
 *	SIZE(page)=64			decimal
 *	OFFSET(page._mapcount)=48	decimal
 *	NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456	signed decimal
 *	NUMBER(VMALLOC_START)=0xffffb31e40000000	0x-hex
 *
 * The text comes from the memory of another system and is treated as
 * hostile: lines are bounded, the table is bounded, lines that are not
 * KEY=VALUE are skipped, a key that repeats takes its last value.
 */
#ifndef KJUMP_VMCOREINFO_H
#define KJUMP_VMCOREINFO_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The kernel's buffer is one page; allow generous slack, refuse more. */
#define KJ_VMCOREINFO_MAX_TEXT	 (64 * 1024)
#define KJ_VMCOREINFO_MAX_ENTRIES 1024
#define KJ_VMCOREINFO_MAX_KEY	 127	/* characters; longer lines are skipped */
#define KJ_VMCOREINFO_MAX_VALUE	 255

struct kj_vmcoreinfo_entry;	/* private to vmcoreinfo.c */

struct kj_vmcoreinfo {
	struct kj_vmcoreinfo_entry *ent;
	size_t n, cap;
	size_t skipped;		/* lines ignored: no '=', too long, bad bytes */
};

/* Parse `len` bytes of VMCOREINFO text (not NUL-terminated; NUL bytes end
 * a line, trailing NULs are ignored). *vi is overwritten; free it with
 * kj_vmcoreinfo_free() after success (on failure nothing is held). Fails
 * when the text is larger than any kernel writes or holds no KEY=VALUE
 * line at all. */
int kj_vmcoreinfo_parse(const char *text, size_t len, struct kj_vmcoreinfo *vi,
			struct kj_err *e);
void kj_vmcoreinfo_free(struct kj_vmcoreinfo *vi);

/* The number for `key`, spelled as in the text ("SYMBOL(init_top_pgt)",
 * "OFFSET(page._mapcount)", "NUMBER(phys_base)", "KERNELOFFSET"), read the
 * way the kernel printed that family of key: SYMBOL(...) and KERNELOFFSET
 * as hex, SIZE/OFFSET/LENGTH/PAGESIZE as unsigned decimal, NUMBER(...) and
 * anything else as signed decimal; a 0x prefix means hex in every family.
 * Negative numbers come back as two's complement. Returns 0, or -1 when
 * the key is missing or its whole value is not a number that fits in 64
 * bits. val may be NULL. */
int kj_vmcoreinfo_get(const struct kj_vmcoreinfo *vi, const char *key,
		      uint64_t *val);

/* The value text of `key` (e.g. "OSRELEASE", "BUILD-ID"), or NULL. Valid
 * until kj_vmcoreinfo_free(). */
const char *kj_vmcoreinfo_str(const struct kj_vmcoreinfo *vi, const char *key);

#endif
