// SPDX-License-Identifier: GPL-2.0-or-later
#include "bzimage.h"

#include <errno.h>
#include <string.h>

/* Offsets in the file / zero page (boot protocol). */
#define OFF_SETUP_SECTS		0x1f1
#define OFF_BOOT_FLAG		0x1fe
#define OFF_JUMP		0x200
#define OFF_HEADER		0x202
#define OFF_VERSION		0x206
#define OFF_KERNEL_VERSION	0x20e
#define OFF_TYPE_OF_LOADER	0x210
#define OFF_LOADFLAGS		0x211
#define OFF_RAMDISK_IMAGE	0x218
#define OFF_RAMDISK_SIZE	0x21c
#define OFF_CMD_LINE_PTR	0x228
#define OFF_INITRD_ADDR_MAX	0x22c
#define OFF_KERNEL_ALIGNMENT	0x230
#define OFF_RELOCATABLE		0x234
#define OFF_XLOADFLAGS		0x236
#define OFF_CMDLINE_SIZE	0x238
#define OFF_PREF_ADDRESS	0x258
#define OFF_INIT_SIZE		0x260
#define BP_ACPI_RSDP		0x070
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_E820_ENTRIES		0x1e8
#define BP_E820_TABLE		0x2d0

#define HDRS_MAGIC		0x53726448u	/* "HdrS" */
#define XLF_KERNEL_64		(1u << 0)
#define XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)
#define LOADED_HIGH		(1u << 0)

static uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static void wr8(uint8_t *p, uint8_t v) { *p = v; }
static void wr32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void wr64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

int kj_bzimage_parse(const void *file, size_t size, struct kj_bzimage *bz,
		     struct kj_err *e)
{
	const uint8_t *f = file;
	uint32_t sects;

	memset(bz, 0, sizeof(*bz));
	if (size < OFF_INIT_SIZE + 4)
		return kj_fail(e, ENOEXEC, "not a bzImage: only %zu bytes", size);
	if (rd16(f + OFF_BOOT_FLAG) != 0xaa55 || rd32(f + OFF_HEADER) != HDRS_MAGIC)
		return kj_fail(e, ENOEXEC, "not a bzImage: no Linux boot header "
			       "(boot flag 0xaa55 and \"HdrS\")");
	bz->version = rd16(f + OFF_VERSION);
	if (bz->version < KJ_BZ_MIN_VERSION)
		return kj_fail(e, ENOEXEC, "boot protocol %u.%02u is too old; kjump "
			       "needs 2.12 or later (Linux 3.8+)",
			       bz->version >> 8, bz->version & 0xff);
	bz->xloadflags = rd16(f + OFF_XLOADFLAGS);
	if (!(bz->xloadflags & XLF_KERNEL_64))
		return kj_fail(e, ENOEXEC, "not a 64-bit kernel (no 64-bit entry "
			       "point in xloadflags)");
	if (!(f[OFF_LOADFLAGS] & LOADED_HIGH))
		return kj_fail(e, ENOEXEC, "a zImage, not a bzImage");
	if (!f[OFF_RELOCATABLE])
		return kj_fail(e, ENOEXEC, "the kernel is not relocatable "
			       "(CONFIG_RELOCATABLE=n): it cannot run in a region "
			       "kjump chooses");
	sects = f[OFF_SETUP_SECTS] ? f[OFF_SETUP_SECTS] : 4;
	bz->setup_size = (sects + 1) * 512;
	if (bz->setup_size >= size)
		return kj_fail(e, ENOEXEC, "bzImage is truncated: %zu bytes, setup "
			       "alone takes %u", size, bz->setup_size);
	/* the setup header must lie within the setup code */
	if ((uint32_t)OFF_JUMP + 2 + f[OFF_JUMP + 1] > bz->setup_size)
		return kj_fail(e, ENOEXEC, "bzImage setup header is malformed");
	bz->file = f;
	bz->size = size;
	bz->kernel = f + bz->setup_size;
	bz->kernel_size = size - bz->setup_size;
	bz->kernel_alignment = rd32(f + OFF_KERNEL_ALIGNMENT);
	bz->init_size = rd32(f + OFF_INIT_SIZE);
	bz->cmdline_size = rd32(f + OFF_CMDLINE_SIZE);
	bz->initrd_addr_max = rd32(f + OFF_INITRD_ADDR_MAX);
	bz->pref_address = rd64(f + OFF_PREF_ADDRESS);
	if (!bz->kernel_alignment || (bz->kernel_alignment & (bz->kernel_alignment - 1)) ||
	    bz->kernel_alignment > (1u << 30))
		return kj_fail(e, ENOEXEC, "bzImage kernel_alignment 0x%x is not a "
			       "power of two up to 1 GiB", bz->kernel_alignment);
	if (bz->init_size < bz->kernel_size || bz->init_size > (1u << 30))
		return kj_fail(e, ENOEXEC, "bzImage init_size %u is implausible for "
			       "a %zu-byte kernel", bz->init_size, bz->kernel_size);
	if (bz->cmdline_size < 255)
		bz->cmdline_size = 255;
	uint16_t kv = rd16(f + OFF_KERNEL_VERSION);
	if (kv && (size_t)kv + 0x200 < bz->setup_size) {
		const char *s = (const char *)f + kv + 0x200;
		size_t n = 0;

		while (n < sizeof(bz->version_string) - 1 &&
		       kv + 0x200 + n < bz->setup_size && s[n] >= 0x20 && s[n] < 0x7f)
			n++;
		memcpy(bz->version_string, s, n);
		bz->version_string[n] = 0;
	}
	return 0;
}

int kj_boot_params_build(uint8_t *bp, const struct kj_bzimage *bz,
			 const struct kj_boot_info *bi, struct kj_err *e)
{
	const uint8_t *f = bz->file;
	size_t hdr_end = OFF_JUMP + 2 + f[OFF_JUMP + 1];

	if (bi->ne820 <= 0 || bi->ne820 > KJ_E820_MAX)
		return kj_fail(e, EINVAL, "%d memory map entries; the zero page "
			       "holds 1 to %d", bi->ne820, KJ_E820_MAX);
	if (bi->cmdline_len > bz->cmdline_size)
		return kj_fail(e, E2BIG, "command line is %u bytes; this kernel "
			       "takes at most %u", bi->cmdline_len, bz->cmdline_size);
	if (!(bz->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G) &&
	    (bi->cmdline_addr >> 32 || (bi->initrd_addr + bi->initrd_size) >> 32))
		return kj_fail(e, EINVAL, "this kernel needs its command line and "
			       "initrd below 4 GiB");
	if (bi->initrd_size && bi->initrd_addr + bi->initrd_size - 1 > bz->initrd_addr_max &&
	    !(bz->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G))
		return kj_fail(e, EINVAL, "initrd at 0x%llx ends above the kernel's "
			       "initrd_addr_max 0x%x",
			       (unsigned long long)bi->initrd_addr, bz->initrd_addr_max);

	memset(bp, 0, KJ_BOOT_PARAMS_SIZE);
	/* The setup header as the file has it, then what a loader fills in. */
	memcpy(bp + OFF_SETUP_SECTS, f + OFF_SETUP_SECTS, hdr_end - OFF_SETUP_SECTS);
	wr8(bp + OFF_TYPE_OF_LOADER, 0xff);	/* "undefined" boot loader */
	wr32(bp + OFF_CMD_LINE_PTR, (uint32_t)bi->cmdline_addr);
	wr32(bp + BP_EXT_CMD_LINE_PTR, (uint32_t)(bi->cmdline_addr >> 32));
	wr32(bp + OFF_RAMDISK_IMAGE, (uint32_t)bi->initrd_addr);
	wr32(bp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(bi->initrd_addr >> 32));
	wr32(bp + OFF_RAMDISK_SIZE, (uint32_t)bi->initrd_size);
	wr32(bp + BP_EXT_RAMDISK_SIZE, (uint32_t)(bi->initrd_size >> 32));
	wr64(bp + BP_ACPI_RSDP, bi->acpi_rsdp);
	wr8(bp + BP_E820_ENTRIES, (uint8_t)bi->ne820);
	memcpy(bp + BP_E820_TABLE, bi->e820, (size_t)bi->ne820 * sizeof(struct kj_e820));
	return 0;
}
