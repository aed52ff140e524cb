/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 bzImage files and the zero page (struct boot_params) of the 64-bit
 * boot protocol (Documentation/arch/x86/boot.rst, protocol 2.12 or later).
 * Pure functions over byte buffers; offsets are the protocol's.
 */
#ifndef KJUMP_BZIMAGE_H
#define KJUMP_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define KJ_BZ_MIN_VERSION	0x020c	/* 2.12: xloadflags, 64-bit entry */
#define KJ_BOOT_PARAMS_SIZE	4096
#define KJ_E820_MAX		128	/* entries in the zero page */
#define KJ_BZ_ENTRY64_OFFSET	0x200	/* startup_64 from the load address */

struct kj_bzimage {
	const uint8_t *file;
	size_t size;
	uint16_t version;
	uint32_t setup_size;		/* bytes of real-mode setup */
	const uint8_t *kernel;		/* protected-mode kernel */
	size_t kernel_size;
	uint32_t kernel_alignment;
	uint32_t init_size;		/* memory the kernel needs at load */
	uint32_t cmdline_size;		/* max bytes, NUL excluded */
	uint32_t initrd_addr_max;
	uint16_t xloadflags;
	uint64_t pref_address;
	char version_string[128];	/* "6.12.117 (...)", may be empty */
};

struct kj_e820 {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

int kj_bzimage_parse(const void *file, size_t size, struct kj_bzimage *bz,
		     struct kj_err *e);

struct kj_boot_info {
	uint64_t cmdline_addr;		/* physical, NUL-terminated there */
	uint32_t cmdline_len;		/* without the NUL */
	uint64_t initrd_addr, initrd_size;
	uint64_t acpi_rsdp;		/* 0: let the kernel search */
	const struct kj_e820 *e820;
	int ne820;
};

/* Fill a zeroed 4 KiB zero page for `bz` from `bi`. */
int kj_boot_params_build(uint8_t *bp, const struct kj_bzimage *bz,
			 const struct kj_boot_info *bi, struct kj_err *e);

#endif
