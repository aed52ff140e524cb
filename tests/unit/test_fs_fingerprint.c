// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of lib/fs_fingerprint.c: superblocks built byte by byte for
 * each kind, a real ext4 made by mke2fs in a temporary file when
 * e2fsprogs is installed (Debian has it everywhere), and short or
 * hostile buffers, which must be refused without reading past them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "assert_text.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/fs_fingerprint.h"

static uint8_t *dev_bytes(void)
{
	uint8_t *b = calloc(1, KJ_FS_PROBE_BYTES);

	assert_non_null(b);
	return b;
}

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static void put32be(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* A minimal ext4 superblock: magic, block size 4 KiB, dynamic rev. */
static void make_ext(uint8_t *b, uint16_t mnt_count)
{
	uint8_t *s = b + 1024;

	put32(s + 0x18, 2);
	put16(s + 0x34, mnt_count);
	put16(s + 0x38, 0xef53);
	put32(s + 0x4c, 1);
	for (int i = 0; i < 16; i++)
		s[0x68 + i] = (uint8_t)(0xa0 + i);
	memcpy(s + 0x78, "data", 4);
	put32(s + 0x30, 1700000000);
}

static void test_kinds_of_types(void **state)
{
	assert_int_equal(kj_fs_kind_of_type("ext4"), KJ_FS_EXT);
	assert_int_equal(kj_fs_kind_of_type("ext3"), KJ_FS_EXT);
	assert_int_equal(kj_fs_kind_of_type("ext2"), KJ_FS_EXT);
	assert_int_equal(kj_fs_kind_of_type("xfs"), KJ_FS_XFS);
	assert_int_equal(kj_fs_kind_of_type("btrfs"), KJ_FS_BTRFS);
	assert_int_equal(kj_fs_kind_of_type("swap"), KJ_FS_SWAP);
	assert_int_equal(kj_fs_kind_of_type("vfat"), KJ_FS_UNKNOWN);
	assert_int_equal(kj_fs_kind_of_type("ext4x"), KJ_FS_UNKNOWN);
	assert_string_equal(kj_fs_kind_name(KJ_FS_EXT), "ext2/3/4");
	assert_string_equal(kj_fs_kind_name(99), "unknown");
}

static void test_ext_constructed(void **state)
{
	uint8_t *b = dev_bytes();
	struct kj_fs_id a, c;
	struct kj_img_fs then = { .kind = KJ_FS_EXT, .status = KJ_FS_CHECKED };
	char why[300];

	assert_int_equal(kj_fs_identify(KJ_FS_EXT, b, KJ_FS_PROBE_BYTES, &a), -1);
	make_ext(b, 4);
	assert_int_equal(kj_fs_identify(KJ_FS_EXT, b, KJ_FS_PROBE_BYTES, &a), 0);
	assert_string_equal(a.label, "data");
	assert_int_equal(a.uuid[0], 0xa0);
	assert_int_equal(a.counter, 4);
	assert_int_equal(a.wtime, 1700000000);
	/* only the bytes that hold the superblock are needed */
	assert_int_equal(kj_fs_identify(KJ_FS_EXT, b, 2048, &c), 0);
	assert_int_equal(c.fingerprint, a.fingerprint);
	assert_int_equal(kj_fs_identify(KJ_FS_EXT, b, 2047, &c), -1);
	/* other kinds do not see it */
	assert_int_equal(kj_fs_identify(KJ_FS_XFS, b, KJ_FS_PROBE_BYTES, &c), -1);
	assert_int_equal(kj_fs_identify(KJ_FS_BTRFS, b, KJ_FS_PROBE_BYTES, &c), -1);
	assert_int_equal(kj_fs_identify(KJ_FS_SWAP, b, KJ_FS_PROBE_BYTES, &c), -1);
	assert_int_equal(kj_fs_identify(KJ_FS_UNKNOWN, b, KJ_FS_PROBE_BYTES, &c), -1);

	/* a mount: s_mnt_count + 1 changes the fingerprint, and says so */
	then.fingerprint = a.fingerprint;
	then.counter = a.counter;
	then.wtime = a.wtime;
	assert_false(kj_fs_changed(&then, &a, why, sizeof(why)));
	assert_string_equal(why, "");
	make_ext(b, 5);
	put32(b + 1024 + 0x30, 1700000100);
	assert_int_equal(kj_fs_identify(KJ_FS_EXT, b, KJ_FS_PROBE_BYTES, &c), 0);
	assert_true(c.fingerprint != a.fingerprint);
	assert_true(kj_fs_changed(&then, &c, why, sizeof(why)));
	assert_contains(why, "mount count went from 4 to 5 (1 mount)");
	assert_contains(why, "last written 2023-11-14 22:15:00 UTC");
	/* any byte of the superblock counts (here, its checksum) */
	make_ext(b, 4);
	put32(b + 1024 + 0x30, 1700000000);
	b[1024 + 1020] ^= 1;
	assert_int_equal(kj_fs_identify(KJ_FS_EXT, b, KJ_FS_PROBE_BYTES, &c), 0);
	assert_true(kj_fs_changed(&then, &c, why, sizeof(why)));
	assert_contains(why, "its superblock changed without a read-write mount (mount count still 4)");
	/* nonsense block sizes are no ext superblock */
	put32(b + 1024 + 0x18, 7);
	assert_int_equal(kj_fs_identify(KJ_FS_EXT, b, KJ_FS_PROBE_BYTES, &c), -1);
	free(b);
}

static void test_xfs_btrfs_swap_constructed(void **state)
{
	uint8_t *b = dev_bytes();
	struct kj_fs_id id, id2;

	/* xfs v5: "XFSB", 4 KiB blocks, label, sb_lsn */
	put32be(b, 0x58465342);
	put32be(b + 4, 4096);
	b[100] = 0xb4; b[101] = 0xa5;	/* versionnum: version 5 */
	memcpy(b + 108, "root-xfs", 8);
	b[32] = 0x11;
	b[247] = 0x42;
	assert_int_equal(kj_fs_identify(KJ_FS_XFS, b, 512, &id), 0);
	assert_string_equal(id.label, "root-xfs");
	assert_int_equal(id.uuid[0], 0x11);
	assert_int_equal(id.counter, 0x42);
	assert_int_equal(kj_fs_identify(KJ_FS_XFS, b, 511, &id), -1);
	put32be(b + 4, 3000);	/* not a power of two */
	assert_int_equal(kj_fs_identify(KJ_FS_XFS, b, 512, &id), -1);
	memset(b, 0, 512);

	/* btrfs: the superblock at 64 KiB, a 256-byte label */
	uint8_t *s = b + 0x10000;
	memcpy(s + 0x40, "_BHRfS_M", 8);
	s[0x48] = 9;
	s[0x20] = 0x22;
	memset(s + 0x12b, 'L', 256);	/* unterminated, longer than ours */
	assert_int_equal(kj_fs_identify(KJ_FS_BTRFS, b, KJ_FS_PROBE_BYTES, &id), 0);
	assert_int_equal(id.counter, 9);
	assert_int_equal(id.uuid[0], 0x22);
	assert_int_equal(strlen(id.label), sizeof(id.label) - 1);
	s[0x48] = 10;	/* a commit */
	assert_int_equal(kj_fs_identify(KJ_FS_BTRFS, b, KJ_FS_PROBE_BYTES, &id2), 0);
	assert_true(id2.fingerprint != id.fingerprint);
	assert_int_equal(kj_fs_identify(KJ_FS_BTRFS, b, KJ_FS_PROBE_BYTES - 1, &id), -1);
	memset(s, 0, 4096);

	/* swap v1: "SWAPSPACE2" ends the first page */
	memcpy(b + 4086, "SWAPSPACE2", 10);
	put32(b + 1024, 1);
	b[1036] = 0x33;
	memcpy(b + 1052, "sw\x01p", 4);	/* a control byte is shown as '?' */
	assert_int_equal(kj_fs_identify(KJ_FS_SWAP, b, 4096, &id), 0);
	assert_int_equal(id.uuid[0], 0x33);
	assert_string_equal(id.label, "sw?p");
	assert_int_equal(kj_fs_identify(KJ_FS_SWAP, b, 4095, &id), -1);
	/* an in-kernel hibernation image replaces the signature */
	memcpy(b + 4086, "S1SUSPEND\0", 10);
	assert_int_equal(kj_fs_identify(KJ_FS_SWAP, b, 4096, &id), -1);
	free(b);
}

static void test_describe(void **state)
{
	struct kj_img_fs f = { .kind = KJ_FS_EXT, .status = KJ_FS_CHECKED,
			       .fstype = "ext4", .label = "data", .device = "/dev/vdc",
			       .mountpoint = "/mnt/data" };
	char buf[300], small[20];

	for (int i = 0; i < 16; i++)
		f.uuid[i] = (uint8_t)i;
	kj_fs_describe(&f, buf, sizeof(buf));
	assert_string_equal(buf, "the ext4 filesystem 'data' (UUID 00010203-0405-0607-"
			    "0809-0a0b0c0d0e0f, /dev/vdc, mounted on /mnt/data)");
	kj_fs_describe(&f, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	memset(f.uuid, 0, 16);
	f.label[0] = f.mountpoint[0] = 0;
	kj_fs_describe(&f, buf, sizeof(buf));
	assert_string_equal(buf, "the ext4 filesystem (/dev/vdc)");
	f.kind = KJ_FS_SWAP;
	snprintf(f.fstype, sizeof(f.fstype), "swap");
	snprintf(f.mountpoint, sizeof(f.mountpoint), "ignored");
	kj_fs_describe(&f, buf, sizeof(buf));
	assert_string_equal(buf, "the swap area (/dev/vdc)");
}

/* A real ext4 by mke2fs, then its mount count changed by tune2fs: the
 * layout kjump reads is the one e2fsprogs writes. Skipped without them. */
static void test_ext4_mke2fs(void **state)
{
	char path[] = "/tmp/kjump-test-ext4-XXXXXX", cmd[512];
	uint8_t *b = dev_bytes();
	struct kj_fs_id a, c;
	struct kj_img_fs then = { .kind = KJ_FS_EXT, .status = KJ_FS_CHECKED };
	char why[300];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	if (access("/sbin/mke2fs", X_OK) && access("/usr/sbin/mke2fs", X_OK)) {
		print_message("no mke2fs: skipped\n");
		close(fd);
		unlink(path);
		free(b);
		skip();
	}
	snprintf(cmd, sizeof(cmd), "PATH=/usr/sbin:/sbin:$PATH mke2fs -q -F -t ext4 -L kjdata "
		 "-U 0f3e2a1c-5b6d-4e7f-8091-a2b3c4d5e6f7 %s 8M >/dev/null 2>&1", path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(pread(fd, b, KJ_FS_PROBE_BYTES, 0), KJ_FS_PROBE_BYTES);
	assert_int_equal(kj_fs_identify(KJ_FS_EXT, b, KJ_FS_PROBE_BYTES, &a), 0);
	assert_string_equal(a.label, "kjdata");
	assert_int_equal(a.uuid[0], 0x0f);
	assert_int_equal(a.uuid[15], 0xf7);
	assert_int_equal(a.counter, 0);
	snprintf(cmd, sizeof(cmd), "PATH=/usr/sbin:/sbin:$PATH tune2fs -C 3 %s >/dev/null 2>&1",
		 path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(pread(fd, b, KJ_FS_PROBE_BYTES, 0), KJ_FS_PROBE_BYTES);
	assert_int_equal(kj_fs_identify(KJ_FS_EXT, b, KJ_FS_PROBE_BYTES, &c), 0);
	assert_int_equal(c.counter, 3);
	then.fingerprint = a.fingerprint;
	then.counter = a.counter;
	assert_true(kj_fs_changed(&then, &c, why, sizeof(why)));
	assert_contains(why, "mount count went from 0 to 3 (3 mounts)");
	close(fd);
	unlink(path);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds_of_types),
		cmocka_unit_test(test_ext_constructed),
		cmocka_unit_test(test_xfs_btrfs_swap_constructed),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_ext4_mke2fs),
	};

	return cmocka_run_group_tests_name("fs fingerprints", tests, NULL, NULL);
}
