/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parameters of the jump-back trampoline, B's image for going back to A
 * (payload/jumpback/entry.S). kjump in B (src/jump_back.c) finds this
 * block in the trampoline by its magic and fills it before the kexec
 * load. Included by entry.S: the offsets below are what it uses (see
 * layout.h).
 */
#ifndef KJUMP_JUMPBACK_H
#define KJUMP_JUMPBACK_H

#include "layout.h"

#define KJ_JUMPBACK_MAGIC KJ_U64(0x314b43424a4b)	/* "KJBCK1" */

/* Bits of flags. */
#define KJ_JUMPBACK_ONE_WAY	1	/* B does not come back: turn MSI off */

#define KJ_JUMPBACK_MAGIC_OFF	0
#define KJ_JUMPBACK_ENTRY_OFF	8
#define KJ_JUMPBACK_FLAGS_OFF	16
#define KJ_JUMPBACK_PARAMS_SIZE	24

#ifndef __ASSEMBLER__
#include <stdint.h>

struct kj_jumpback_params {
	uint64_t magic;
	uint64_t entry;		/* A's re-entry address */
	uint64_t flags;		/* KJ_JUMPBACK_ONE_WAY */
};

KJ_LAYOUT_FIELD(struct kj_jumpback_params, magic, KJ_JUMPBACK_MAGIC_OFF);
KJ_LAYOUT_FIELD(struct kj_jumpback_params, entry, KJ_JUMPBACK_ENTRY_OFF);
KJ_LAYOUT_FIELD(struct kj_jumpback_params, flags, KJ_JUMPBACK_FLAGS_OFF);
KJ_LAYOUT_SIZE(struct kj_jumpback_params, KJ_JUMPBACK_PARAMS_SIZE);
#endif

#endif
