// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/file_map.c and lib/file_pinning.c: a map built from
 * FIEMAP-like extents (out of order, adjacent ones joined) encodes and
 * decodes field for field, locates every offset, and refuses holes,
 * overlaps, shared device blocks, unaligned or out-of-device extents; a
 * decoded map with any byte changed is refused (checksum), and one that
 * is rehashed but unsound is refused by its checks; a map of many
 * extents is read back from a file standing in for the device, block by
 * block through its own extents, and refused with one block damaged; the pinning rules name btrfs, tmpfs,
 * network filesystems, fscrypt and shared or unwritten extents.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "../../lib/file_map.h"
#include "../../lib/file_pinning.h"

#define MIB (1ULL << 20)
#define DEV (64 * MIB)

/* A 4 MiB file in three pieces, given out of order, two of them adjacent
 * on both sides (joined: two extents remain). */
static void sample(struct kj_file_map *m)
{
	struct kj_file_map_extent x[] = {
		{ 3 * MIB, 40 * MIB, 1 * MIB },
		{ 0, 10 * MIB, 2 * MIB },
		{ 2 * MIB, 12 * MIB, 1 * MIB },
	};
	struct kj_err e = { 0 };

	assert_int_equal(kj_file_map_build(x, 3, 4 * MIB, DEV, 0xef53, m, &e), 0);
}

static void test_build_and_locate(void **state)
{
	struct kj_file_map m;
	uint64_t at, run;

	sample(&m);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.ext[0].length, 3 * MIB);
	assert_int_equal(m.map_physical, 10 * MIB + KJ_FILE_MAP_OFFSET);
	assert_int_equal(kj_file_map_locate(&m, 0, &at, &run), 0);
	assert_int_equal(at, 10 * MIB);
	assert_int_equal(run, 3 * MIB);
	assert_int_equal(kj_file_map_locate(&m, 3 * MIB + 4096, &at, &run), 0);
	assert_int_equal(at, 40 * MIB + 4096);
	assert_int_equal(run, MIB - 4096);
	assert_int_equal(kj_file_map_locate(&m, 4 * MIB, &at, &run), -1);
	kj_file_map_free(&m);
}

static void refused(struct kj_file_map_extent *x, size_t n, uint64_t size, const char *what)
{
	struct kj_file_map m;
	struct kj_err e = { 0 };

	assert_int_equal(kj_file_map_build(x, n, size, DEV, 0, &m, &e), -1);
	if (!strstr(e.msg, what))
		fail_msg("'%s' does not say '%s'", e.msg, what);
}

static void test_build_refuses(void **state)
{
	struct kj_file_map_extent hole[] = { { 0, 0, MIB }, { 2 * MIB, 5 * MIB, MIB } };
	struct kj_file_map_extent overlap[] = { { 0, 0, 2 * MIB }, { MIB, 5 * MIB, 2 * MIB } };
	struct kj_file_map_extent shared[] = { { 0, 8 * MIB, MIB }, { MIB, 8 * MIB, MIB } };
	struct kj_file_map_extent odd[] = { { 0, 512, 2 * MIB } };
	struct kj_file_map_extent beyond[] = { { 0, DEV - MIB, 2 * MIB } };
	struct kj_file_map_extent short_[] = { { 0, 0, MIB } };

	refused(hole, 2, 3 * MIB, "hole");
	refused(overlap, 2, 3 * MIB, "hole (or overlap)");
	refused(shared, 2, 2 * MIB, "share blocks");
	refused(odd, 1, 2 * MIB, "4 KiB");
	refused(beyond, 1, 2 * MIB, "beyond the end");
	refused(short_, 1, 2 * MIB, "end at");
	refused(short_, 1, MIB / 2, "at least 1 MiB");
}

static void test_round_trip_and_tamper(void **state)
{
	struct kj_file_map m, d;
	struct kj_err e = { 0 };
	size_t len;
	uint8_t *buf;

	sample(&m);
	len = kj_file_map_encoded_size(&m);
	assert_int_equal(len, 4096);
	buf = malloc(len);
	kj_file_map_encode(&m, buf);
	assert_int_equal(kj_file_map_decode(buf, len, m.map_physical, DEV, &d, &e), 0);
	assert_true(kj_file_map_equal(&m, &d));
	assert_int_equal(d.fs_magic, 0xef53);
	kj_file_map_free(&d);
	/* found somewhere else than it says */
	assert_int_equal(kj_file_map_decode(buf, len, m.map_physical + 4096, DEV, &d, &e), -1);
	/* a device too small for it */
	assert_int_equal(kj_file_map_decode(buf, len, m.map_physical, 20 * MIB, &d, &e), -1);
	/* every byte of the header and extents matters */
	for (size_t i = 8; i < 64 + 2 * 24; i++) {
		buf[i] ^= 0x40;
		assert_int_equal(kj_file_map_decode(buf, len, m.map_physical, DEV, &d, &e), -1);
		buf[i] ^= 0x40;
	}
	/* no map at all */
	buf[0] ^= 1;
	assert_int_equal(kj_file_map_decode(buf, len, m.map_physical, DEV, &d, &e), 1);
	buf[0] ^= 1;
	/* rehashed, but the extents leave a hole */
	struct kj_file_map_header h;

	memcpy(&h, buf, sizeof(h));
	uint64_t len0;

	memcpy(&len0, buf + 64 + 16, 8);
	len0 -= 4096;
	memcpy(buf + 64 + 16, &len0, 8);
	h.xxh64 = 0;
	memcpy(buf, &h, sizeof(h));
	XXH64_state_t *s = XXH64_createState();

	XXH64_reset(s, 0);
	XXH64_update(s, buf, 64);
	XXH64_update(s, buf + 64, 2 * 24);
	h.xxh64 = XXH64_digest(s);
	XXH64_freeState(s);
	memcpy(buf, &h, sizeof(h));
	assert_int_equal(kj_file_map_decode(buf, len, m.map_physical, DEV, &d, &e), -1);
	assert_non_null(strstr(e.msg, "hole"));
	/* cut short */
	assert_int_equal(kj_file_map_decode(buf, 40, m.map_physical, DEV, &d, &e), -1);
	free(buf);
	kj_file_map_free(&m);
}

/* A fragmented file: every other 4 KiB block, so the map spans several
 * blocks, each found through the extents before it; read back from a
 * memory file standing in for the device. */
static void test_read_many_extents(void **state)
{
	const size_t n = 3000;		/* 72 KiB of extents: 18 blocks */
	struct kj_file_map_extent *x = calloc(n, sizeof(*x));
	struct kj_file_map m, r;
	struct kj_err e = { 0 };
	uint64_t dev = 2 * n * 4096 + 8 * MIB;

	for (size_t i = 0; i < n; i++)
		x[i] = (struct kj_file_map_extent){ i * 4096, MIB + 2 * i * 4096, 4096 };
	assert_int_equal(kj_file_map_build(x, n, n * 4096, dev, 0, &m, &e), 0);
	assert_int_equal(m.n, n);
	size_t len = kj_file_map_encoded_size(&m);
	uint8_t *buf = malloc(len);

	kj_file_map_encode(&m, buf);
	/* the encoded map goes block by block where the file's extents say */
	FILE *f = tmpfile();

	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), (off_t)dev), 0);
	for (size_t k = 0; k < len / 4096; k++) {
		uint64_t at, run;

		assert_int_equal(kj_file_map_locate(&m, KJ_FILE_MAP_OFFSET + k * 4096, &at,
						    &run), 0);
		assert_int_equal(pwrite(fileno(f), buf + k * 4096, 4096, (off_t)at), 4096);
	}
	assert_int_equal(kj_file_map_read(fileno(f), m.map_physical, &r, &e), 0);
	assert_true(kj_file_map_equal(&m, &r));
	kj_file_map_free(&r);
	/* elsewhere on the device: no map there */
	assert_int_equal(kj_file_map_read(fileno(f), 4096, &r, &e), 1);
	/* a block of the map (not the first) damaged on the device */
	uint64_t at5, run5;
	uint8_t junk[4096];

	memset(junk, 0x5a, sizeof(junk));
	kj_file_map_locate(&m, KJ_FILE_MAP_OFFSET + 5 * 4096, &at5, &run5);
	assert_int_equal(pwrite(fileno(f), junk, 4096, (off_t)at5), 4096);
	assert_int_equal(kj_file_map_read(fileno(f), m.map_physical, &r, &e), -1);
	assert_non_null(strstr(e.msg, "checksum"));
	uint8_t *back = NULL;

	fclose(f);
	free(back);
	free(buf);
	free(x);
	kj_file_map_free(&m);
	kj_file_map_free(&r);
}

static void test_too_many_extents(void **state)
{
	size_t n = KJ_FILE_MAP_MAX_EXTENTS + 1;
	struct kj_file_map_extent *x = calloc(n, sizeof(*x));
	struct kj_file_map m;
	struct kj_err e = { 0 };

	for (size_t i = 0; i < n; i++)
		x[i] = (struct kj_file_map_extent){ i * 4096, 2 * i * 4096, 4096 };
	assert_int_equal(kj_file_map_build(x, n, n * 4096, 1ULL << 40, 0, &m, &e), -1);
	assert_non_null(strstr(e.msg, "extents"));
	free(x);
}

static void test_pinning_rules(void **state)
{
	const char *name;

	assert_null(kj_file_pinning_filesystem(0xef53, &name));
	assert_string_equal(name, "ext4");
	assert_null(kj_file_pinning_filesystem(0x58465342, &name));
	assert_string_equal(name, "xfs");
	assert_non_null(strstr(kj_file_pinning_filesystem(0x9123683e, &name), "copy-on-write"));
	assert_non_null(strstr(kj_file_pinning_filesystem(0x01021994, &name), "tmpfs"));
	assert_non_null(strstr(kj_file_pinning_filesystem(0x6969, &name), "network"));
	assert_non_null(strstr(kj_file_pinning_filesystem(0x12345678, &name), "ext2/3/4 and xfs"));
	assert_null(name);
	assert_null(kj_file_pinning_flags(0));
	assert_null(kj_file_pinning_flags(FS_IMMUTABLE_FL | FS_NOATIME_FL));
	assert_non_null(strstr(kj_file_pinning_flags(FS_ENCRYPT_FL), "fscrypt"));
	assert_non_null(strstr(kj_file_pinning_flags(FS_COMPR_FL), "compressed"));
	assert_null(kj_file_pinning_extent(0));
	assert_null(kj_file_pinning_extent(FIEMAP_EXTENT_LAST | FIEMAP_EXTENT_MERGED));
	assert_non_null(strstr(kj_file_pinning_extent(FIEMAP_EXTENT_SHARED), "reflink"));
	assert_non_null(strstr(kj_file_pinning_extent(FIEMAP_EXTENT_UNWRITTEN), "unwritten"));
	assert_non_null(kj_file_pinning_extent(FIEMAP_EXTENT_DELALLOC));
	assert_non_null(kj_file_pinning_extent(FIEMAP_EXTENT_ENCODED));
	assert_non_null(kj_file_pinning_extent(FIEMAP_EXTENT_DATA_INLINE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_and_locate),
		cmocka_unit_test(test_build_refuses),
		cmocka_unit_test(test_round_trip_and_tamper),
		cmocka_unit_test(test_read_many_extents),
		cmocka_unit_test(test_too_many_extents),
		cmocka_unit_test(test_pinning_rules),
	};

	return cmocka_run_group_tests_name("file_map", tests, NULL, NULL);
}
