/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parameters of the purgatory that enters the second kernel B
 * (payload/purgatory/entry.S). kjump finds this block in the purgatory
 * image by its magic and fills it before the kexec load.
 */
#ifndef KJUMP_PURGATORY_H
#define KJUMP_PURGATORY_H

#include <stdint.h>

#define KJ_PURGATORY_MAGIC 0x31475250504a4bULL	/* "KJPPRG1" */

struct kj_purgatory_params {
	uint64_t magic;
	uint64_t kernel_entry;	/* physical address of B's startup_64 */
	uint64_t boot_params;	/* physical address of B's zero page */
	uint64_t entry_digits;	/* physical address of 16 hex digits in B's
				 * command line, after "kexec_jump_back_entry=0x" */
	uint64_t recorded;	/* written by the purgatory: A's re-entry */
};

#endif
