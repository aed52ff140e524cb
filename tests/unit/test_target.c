// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for the pure parts of lib/target.c.
 *
 * kj_target_signature: each signature it knows, planted at its offset in
 * an otherwise zero probe (ext2/3/4, xfs, btrfs, swap in both spellings,
 * LUKS, LVM at either sector, GPT, ISO 9660, squashfs, FAT12/16 and
 * FAT32, NTFS, f2fs, an MBR with a partition entry; FAT and NTFS boot
 * sectors, which carry the MBR signature too), and what must not be
 * reported: an MBR boot signature without partitions, a kjump image
 * header (even over a leftover signature), all zeros, near misses. Each
 * buffer is a heap block of exactly its length, and every signature is
 * also tried in buffers one byte too short to hold it, so a read past the
 * end shows under valgrind.
 *
 * kj_mountinfo_uses: realistic /proc/self/mountinfo text; a whole disk
 * mounted, a partition of it mounted (passed in parts), a device not
 * mounted, numbers that only look alike, mount points with escapes, the
 * mount point (field 5) returned rather than the root (field 4).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/image_format.h"
#include "../../lib/target.h"

struct sig {
	const char *name;	/* expected answer */
	size_t off;
	const char *magic;
	size_t len;
};

static const struct sig sigs[] = {
	{ "ext2/3/4", 1080, "\x53\xef", 2 },
	{ "xfs", 0, "XFSB", 4 },
	{ "btrfs", 0x10040, "_BHRfS_M", 8 },
	{ "swap", 4086, "SWAPSPACE2", 10 },
	{ "swap", 4086, "SWAP-SPACE", 10 },
	{ "LUKS", 0, "LUKS\xba\xbe", 6 },
	{ "LVM physical volume", 512, "LABELONE", 8 },
	{ "LVM physical volume", 0, "LABELONE", 8 },
	{ "GPT partition table", 512, "EFI PART", 8 },
	{ "ISO 9660", 0x8001, "CD001", 5 },
	{ "squashfs", 0, "hsqs", 4 },
	{ "FAT", 0x52, "FAT32", 5 },
	{ "FAT", 0x36, "FAT1", 4 },	/* "FAT12   " or "FAT16   " */
	{ "NTFS", 3, "NTFS    ", 8 },
	{ "f2fs", 0x400, "\x10\x20\xf5\xf2", 4 },
};
#define NSIGS (sizeof(sigs) / sizeof(sigs[0]))

/* A zeroed heap block of exactly len bytes (at least 1 allocated). */
static uint8_t *zbuf(size_t len)
{
	uint8_t *b = calloc(1, len ? len : 1);

	assert_non_null(b);
	return b;
}

static void expect_sig(const uint8_t *b, size_t len, const char *want)
{
	const char *got = kj_target_signature(b, len);

	if (!want) {
		if (got)
			fail_msg("found \"%s\" in %zu bytes, want none", got, len);
		return;
	}
	if (!got)
		fail_msg("found nothing in %zu bytes, want \"%s\"", len, want);
	assert_string_equal(got, want);
}

static void test_each_signature(void **state)
{
	for (size_t i = 0; i < NSIGS; i++) {
		const struct sig *s = &sigs[i];
		size_t sizes[] = { KJ_SIG_PROBE_SIZE, s->off + s->len };

		for (int k = 0; k < 2; k++) {
			uint8_t *b = zbuf(sizes[k]);

			memcpy(b + s->off, s->magic, s->len);
			expect_sig(b, sizes[k], s->name);
			free(b);
		}
	}
}

/* One byte short of the magic's end: nothing found, nothing read past
 * the block (the magic is cut, the rest of the probe is zero). */
static void test_each_signature_short(void **state)
{
	for (size_t i = 0; i < NSIGS; i++) {
		const struct sig *s = &sigs[i];
		size_t len = s->off + s->len - 1;
		uint8_t *b = zbuf(len);

		memcpy(b + s->off, s->magic, s->len - 1);
		expect_sig(b, len, NULL);
		free(b);
	}
}

/* Every length from 0 to past the btrfs superblock, with every signature
 * planted where it fits: never a read out of bounds. */
static void test_all_lengths(void **state)
{
	uint8_t *full = zbuf(KJ_SIG_PROBE_SIZE);

	for (size_t i = 0; i < NSIGS; i++)
		if (sigs[i].off >= 8 || i == 1)	/* keep xfs; others at 0 clash */
			memcpy(full + sigs[i].off, sigs[i].magic, sigs[i].len);
	for (size_t len = 0; len <= KJ_SIG_PROBE_SIZE; len += len < 5000 ? 1 : 997) {
		uint8_t *b = zbuf(len);

		memcpy(b, full, len);
		/* ext2/3/4 is looked for first, then xfs */
		expect_sig(b, len, len >= 1082 ? "ext2/3/4" : len >= 4 ? "xfs" : NULL);
		free(b);
	}
	free(full);
}

static void test_mbr(void **state)
{
	uint8_t *b = zbuf(512);

	/* boot signature only: a blank or boot-code-only sector */
	b[510] = 0x55;
	b[511] = 0xaa;
	memset(b, 0x90, 446);	/* boot code */
	expect_sig(b, 512, NULL);
	/* a partition entry of type 0x83 in each slot */
	for (int i = 0; i < 4; i++) {
		memset(b + 446, 0, 64);
		b[446 + 16 * i + 4] = 0x83;
		expect_sig(b, 512, "MBR partition table");
	}
	/* a protective MBR (type 0xee) */
	memset(b + 446, 0, 64);
	b[446 + 4] = 0xee;
	expect_sig(b, 512, "MBR partition table");
	/* entries without the boot signature: nothing */
	b[510] = 0;
	expect_sig(b, 512, NULL);
	b[510] = 0x55;
	b[511] = 0xab;
	expect_sig(b, 512, NULL);
	free(b);

	/* one byte short of the signature */
	b = zbuf(511);
	b[446 + 4] = 0x83;
	b[510] = 0x55;
	expect_sig(b, 511, NULL);
	free(b);
}

/* Boot sectors carry the MBR boot signature too; their own name wins. */
static void test_boot_sectors(void **state)
{
	uint8_t *b = zbuf(512);

	memcpy(b, "\xeb\x3c\x90MSDOS5.0", 11);
	memcpy(b + 0x36, "FAT16   ", 8);
	b[446 + 4] = 0x06;	/* bytes of boot code where entries would be */
	b[510] = 0x55;
	b[511] = 0xaa;
	expect_sig(b, 512, "FAT");
	memset(b + 0x36, 0, 8);
	memcpy(b, "\xeb\x58\x90mkfs.fat", 11);
	memcpy(b + 0x52, "FAT32   ", 8);
	expect_sig(b, 512, "FAT");
	memset(b, 0, 512);
	memcpy(b, "\xeb\x52\x90NTFS    ", 11);
	b[446 + 4] = 0x07;
	b[510] = 0x55;
	b[511] = 0xaa;
	expect_sig(b, 512, "NTFS");
	free(b);
}

/* A disk image with a GPT: protective MBR + "EFI PART": GPT wins. */
static void test_gpt_disk(void **state)
{
	uint8_t *b = zbuf(KJ_SIG_PROBE_SIZE);

	b[446 + 4] = 0xee;
	b[510] = 0x55;
	b[511] = 0xaa;
	memcpy(b + 512, "EFI PART", 8);
	expect_sig(b, KJ_SIG_PROBE_SIZE, "GPT partition table");
	free(b);
}

static void test_kjump_image(void **state)
{
	struct kj_img_header *h = calloc(1, KJ_SIG_PROBE_SIZE);
	uint8_t *b = (uint8_t *)h;

	assert_non_null(h);
	h->magic = KJ_IMG_MAGIC;
	h->version = KJ_IMG_VERSION;
	h->header_size = KJ_IMG_HEADER_SIZE;
	h->state = KJ_IMG_COMPLETE;
	h->page_size = 4096;
	h->arch = KJ_IMG_ARCH_X86_64;
	memcpy(b, "KJUMPIMG", 8);	/* the magic, as bytes */
	assert_int_equal(h->magic, KJ_IMG_MAGIC);
	expect_sig(b, KJ_SIG_PROBE_SIZE, NULL);
	/* an old filesystem's superblock left behind the image: still ours */
	memcpy(b + 1080, "\x53\xef", 2);
	memcpy(b + 0x10040, "_BHRfS_M", 8);
	expect_sig(b, KJ_SIG_PROBE_SIZE, NULL);
	/* the magic one bit off: not an image, the leftover shows */
	b[7] ^= 0x01;
	expect_sig(b, KJ_SIG_PROBE_SIZE, "ext2/3/4");
	free(h);

	/* just the magic, in a block of 8 bytes */
	b = zbuf(8);
	memcpy(b, "KJUMPIMG", 8);
	expect_sig(b, 8, NULL);
	free(b);
}

static void test_nothing(void **state)
{
	uint8_t *b = zbuf(KJ_SIG_PROBE_SIZE);

	expect_sig(b, KJ_SIG_PROBE_SIZE, NULL);
	expect_sig(b, 0, NULL);
	expect_sig(b, 1, NULL);
	expect_sig(b, 7, NULL);
	/* random data */
	for (size_t i = 0; i < KJ_SIG_PROBE_SIZE; i++)
		b[i] = (uint8_t)((i * 2654435761u) >> 13);
	expect_sig(b, KJ_SIG_PROBE_SIZE, NULL);
	free(b);

	/* near misses */
	b = zbuf(KJ_SIG_PROBE_SIZE);
	memcpy(b + 1081, "\x53\xef", 2);		/* ext magic off by one */
	memcpy(b + 1, "XFSB", 4);
	memcpy(b + 0x10041, "_BHRfS_M", 8);
	memcpy(b + 4086, "SWAPSPACE1", 10);
	memcpy(b + 16, "LUKS\xba\xbe", 6);
	memcpy(b + 1024, "LABELONE", 8);
	memcpy(b + 513, "EFI PART", 8);
	memcpy(b + 0x8000, "xCD00", 5);
	memcpy(b + 0x400, "\x10\x20\xf5\xf3", 4);
	memcpy(b + 3, "NTFS", 4);
	memcpy(b + 0x52, "FAT3", 4);
	expect_sig(b, KJ_SIG_PROBE_SIZE, NULL);
	free(b);
}

/* --- mountinfo ----------------------------------------------------------------- */

static const char mountinfo[] =
	"22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
	"23 28 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
	"24 28 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=1000k\n"
	"28 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro\n"
	"29 28 254:3 / /boot/efi rw,relatime shared:20 - vfat /dev/vda3 rw\n"
	"31 28 8:17 / /mnt/data rw,relatime shared:30 - ext4 /dev/sdb1 rw\n"
	"32 28 8:32 / /mnt/whole\\040disk rw,relatime shared:31 - xfs /dev/sdc rw\n"
	"33 28 8:17 /srv /srv/bind rw,relatime shared:30 - ext4 /dev/sdb1 rw\n"
	"40 28 259:5 /@home /home rw,relatime shared:40 - btrfs /dev/nvme0n1p5 rw\n"
	"41 28 0:45 / /run/user/1000 rw,nosuid,nodev shared:50 - tmpfs tmpfs rw\n";

static void test_mountinfo_whole_disk(void **state)
{
	const char *m;

	m = kj_mountinfo_uses(mountinfo, 8, 32, NULL, 0);
	assert_non_null(m);
	assert_string_equal(m, "/mnt/whole\\040disk");
	m = kj_mountinfo_uses(mountinfo, 254, 1, NULL, 0);
	assert_non_null(m);
	assert_string_equal(m, "/");
	/* the mount point, not the root of the mount (field 4) */
	m = kj_mountinfo_uses(mountinfo, 259, 5, NULL, 0);
	assert_non_null(m);
	assert_string_equal(m, "/home");
}

static void test_mountinfo_partition(void **state)
{
	static const unsigned sdb[][2] = { { 8, 17 }, { 8, 18 } };
	static const unsigned vda[][2] = { { 254, 1 }, { 254, 2 }, { 254, 3 } };
	static const unsigned vda_not_mounted[][2] = { { 254, 2 } };
	static const unsigned nvme[][2] = { { 259, 1 }, { 259, 2 }, { 259, 5 } };
	const char *m;

	/* the disk itself is not mounted, its first partition is */
	m = kj_mountinfo_uses(mountinfo, 8, 16, sdb, 2);
	assert_non_null(m);
	assert_string_equal(m, "/mnt/data");
	/* vda: the first line that uses any of them */
	m = kj_mountinfo_uses(mountinfo, 254, 0, vda, 3);
	assert_non_null(m);
	assert_string_equal(m, "/");
	assert_null(kj_mountinfo_uses(mountinfo, 254, 0, vda_not_mounted, 1));
	/* nvme: partition numbers and minors differ */
	m = kj_mountinfo_uses(mountinfo, 259, 0, nvme, 3);
	assert_non_null(m);
	assert_string_equal(m, "/home");
	assert_null(kj_mountinfo_uses(mountinfo, 259, 0, nvme, 2));
}

static void test_mountinfo_not_mounted(void **state)
{
	static const unsigned sdd[][2] = { { 8, 49 }, { 8, 50 } };

	assert_null(kj_mountinfo_uses(mountinfo, 8, 48, sdd, 2));
	assert_null(kj_mountinfo_uses(mountinfo, 8, 48, NULL, 0));
	/* numbers that only look alike */
	assert_null(kj_mountinfo_uses(mountinfo, 8, 3, NULL, 0));	/* 8:32 */
	assert_null(kj_mountinfo_uses(mountinfo, 8, 1, NULL, 0));	/* 8:17 */
	assert_null(kj_mountinfo_uses(mountinfo, 25, 1, NULL, 0));	/* 254:1 */
	assert_null(kj_mountinfo_uses(mountinfo, 54, 1, NULL, 0));
	assert_null(kj_mountinfo_uses(mountinfo, 2, 8, NULL, 0));	/* "28" */
	assert_null(kj_mountinfo_uses(mountinfo, 28, 1, NULL, 0));	/* ids */
	/* a 0:N pseudo filesystem is found only when asked for */
	assert_string_equal(kj_mountinfo_uses(mountinfo, 0, 45, NULL, 0), "/run/user/1000");
	/* empty text */
	assert_null(kj_mountinfo_uses("", 8, 32, NULL, 0));
	assert_null(kj_mountinfo_uses("\n\n", 8, 32, NULL, 0));
}

static void test_mountinfo_odd_text(void **state)
{
	/* no newline at the end, garbage lines, CRLF, a very long mount point */
	static const char odd[] =
		"garbage\n"
		"\n"
		"1 2 x:y / /nope rw - ext4 /dev/x rw\n"
		"5 6 8:64 / /mnt/last rw - ext4 /dev/sde rw";
	char *big = malloc(2048);
	size_t n;

	assert_non_null(big);
	assert_string_equal(kj_mountinfo_uses(odd, 8, 64, NULL, 0), "/mnt/last");
	assert_null(kj_mountinfo_uses(odd, 0, 0, NULL, 0));
	n = (size_t)snprintf(big, 2048, "7 8 9:1 / /");
	memset(big + n, 'm', 600);
	strcpy(big + n + 600, " rw - ext4 /dev/md1 rw\n");
	/* the mount point comes back cut to the buffer, not overflowing it */
	{
		const char *m = kj_mountinfo_uses(big, 9, 1, NULL, 0);

		assert_non_null(m);
		assert_int_equal(m[0], '/');
		assert_true(strlen(m) >= 200 && strlen(m) <= 255);
		assert_int_equal(m[1], 'm');
	}
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_signature),
		cmocka_unit_test(test_each_signature_short),
		cmocka_unit_test(test_all_lengths),
		cmocka_unit_test(test_mbr),
		cmocka_unit_test(test_boot_sectors),
		cmocka_unit_test(test_gpt_disk),
		cmocka_unit_test(test_kjump_image),
		cmocka_unit_test(test_nothing),
		cmocka_unit_test(test_mountinfo_whole_disk),
		cmocka_unit_test(test_mountinfo_partition),
		cmocka_unit_test(test_mountinfo_not_mounted),
		cmocka_unit_test(test_mountinfo_odd_text),
	};

	return cmocka_run_group_tests_name("target", tests, NULL, NULL);
}
