/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parameters of the purgatory that enters the second kernel B
 * (payload/purgatory/entry.S). kjump finds this block in the purgatory
 * image by its magic and fills it before the kexec load. Included by
 * entry.S: the offsets below are what it uses (see layout.h).
 */
#ifndef KJUMP_PURGATORY_H
#define KJUMP_PURGATORY_H

#include "layout.h"

#define KJ_PURGATORY_MAGIC KJ_U64(0x31475250504a4b)	/* "KJPPRG1" */

/* How many hex digits the purgatory writes at entry_digits. */
#define KJ_PURGATORY_ENTRY_DIGITS	16

#define KJ_PURGATORY_MAGIC_OFF		0
#define KJ_PURGATORY_KERNEL_ENTRY_OFF	8
#define KJ_PURGATORY_BOOT_PARAMS_OFF	16
#define KJ_PURGATORY_ENTRY_DIGITS_OFF	24
#define KJ_PURGATORY_RECORDED_OFF	32
#define KJ_PURGATORY_PARAMS_SIZE	40

#ifndef __ASSEMBLER__
#include <stdint.h>

struct kj_purgatory_params {
	uint64_t magic;
	uint64_t kernel_entry;	/* physical address of B's startup_64 */
	uint64_t boot_params;	/* physical address of B's zero page */
	uint64_t entry_digits;	/* physical address of 16 hex digits in B's
				 * command line, after "kexec_jump_back_entry=0x" */
	uint64_t recorded;	/* written by the purgatory: A's re-entry */
};

KJ_LAYOUT_FIELD(struct kj_purgatory_params, magic, KJ_PURGATORY_MAGIC_OFF);
KJ_LAYOUT_FIELD(struct kj_purgatory_params, kernel_entry, KJ_PURGATORY_KERNEL_ENTRY_OFF);
KJ_LAYOUT_FIELD(struct kj_purgatory_params, boot_params, KJ_PURGATORY_BOOT_PARAMS_OFF);
KJ_LAYOUT_FIELD(struct kj_purgatory_params, entry_digits, KJ_PURGATORY_ENTRY_DIGITS_OFF);
KJ_LAYOUT_FIELD(struct kj_purgatory_params, recorded, KJ_PURGATORY_RECORDED_OFF);
KJ_LAYOUT_SIZE(struct kj_purgatory_params, KJ_PURGATORY_PARAMS_SIZE);
#endif

#endif
