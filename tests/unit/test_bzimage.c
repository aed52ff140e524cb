// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/bzimage.c: kj_bzimage_parse on a synthetic bzImage
 * built here field by field (boot protocol offsets), on every prefix of
 * it (exact-size heap copies, so valgrind sees any read past the end), and
 * on the real test kernel when one is cached (~/.cache/kjump/kernel-* /
 * bzImage; skipped if absent); one refusal per check of the parser
 * (short file, no magic, old protocol, no 64-bit entry, zImage, not
 * relocatable, truncated setup, bad alignment, bad init_size).
 * kj_boot_params_build: every field at its zero-page offset, the setup
 * header copied, nothing else written, and its refusals.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/bzimage.h"

#define SETUP_SECTS	4
#define SETUP_SIZE	((SETUP_SECTS + 1) * 512)
#define KERNEL_SIZE	(64 * 1024)
#define IMG_SIZE	(SETUP_SIZE + KERNEL_SIZE)
#define HDR_END		(0x202 + 0x6a)	/* as in Linux 6.x */
#define VERSION_STR	"6.12.117 (test@unit) #1 SMP"

static void w16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void w32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void w64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint16_t r16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t r32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t r64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* A plausible modern bzImage: protocol 2.15, 64-bit, relocatable. */
static uint8_t *make_bz(void)
{
	uint8_t *f = calloc(1, IMG_SIZE);

	assert_non_null(f);
	f[0x1f1] = SETUP_SECTS;
	f[0x1fe] = 0x55;
	f[0x1ff] = 0xaa;
	f[0x200] = 0xeb;		/* short jump over the header */
	f[0x201] = HDR_END - 0x202;
	memcpy(f + 0x202, "HdrS", 4);
	w16(f + 0x206, 0x020f);
	w16(f + 0x20e, 0x400 - 0x200);	/* kernel_version: string at 0x400 */
	f[0x211] = 0x01;		/* LOADED_HIGH */
	w32(f + 0x22c, 0x7fffffff);	/* initrd_addr_max */
	w32(f + 0x230, 0x200000);	/* kernel_alignment */
	f[0x234] = 1;			/* relocatable_kernel */
	f[0x235] = 21;			/* min_alignment, copied as is */
	w16(f + 0x236, 0x63);		/* XLF_KERNEL_64 | ABOVE_4G | EFI... */
	w32(f + 0x238, 2047);		/* cmdline_size */
	w64(f + 0x258, 0x1000000);	/* pref_address */
	w32(f + 0x260, 16u << 20);	/* init_size */
	memcpy(f + 0x400, VERSION_STR, sizeof(VERSION_STR));
	for (size_t i = SETUP_SIZE; i < IMG_SIZE; i++)
		f[i] = (uint8_t)(i * 7 + 1);
	return f;
}

static int parse(const uint8_t *f, size_t size, struct kj_bzimage *bz,
		 struct kj_err *e)
{
	memset(e, 0, sizeof(*e));
	return kj_bzimage_parse(f, size, bz, e);
}

static void expect_refused(const uint8_t *f, size_t size, const char *why)
{
	struct kj_bzimage bz;
	struct kj_err e;

	assert_int_equal(parse(f, size, &bz, &e), -1);
	assert_int_equal(e.code, ENOEXEC);
	if (!strstr(e.msg, why))
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, why);
}

/* --- parse: the synthetic image ----------------------------------------- */

static void test_parse_synthetic(void **state)
{
	uint8_t *f = make_bz();
	struct kj_bzimage bz;
	struct kj_err e;

	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	assert_ptr_equal(bz.file, f);
	assert_int_equal(bz.size, IMG_SIZE);
	assert_int_equal(bz.version, 0x020f);
	assert_int_equal(bz.setup_size, SETUP_SIZE);
	assert_ptr_equal(bz.kernel, f + SETUP_SIZE);
	assert_int_equal(bz.kernel_size, KERNEL_SIZE);
	assert_int_equal(bz.kernel_alignment, 0x200000);
	assert_int_equal(bz.init_size, 16u << 20);
	assert_int_equal(bz.cmdline_size, 2047);
	assert_int_equal(bz.initrd_addr_max, 0x7fffffff);
	assert_int_equal(bz.xloadflags, 0x63);
	assert_int_equal(bz.pref_address, 0x1000000);
	assert_string_equal(bz.version_string, VERSION_STR);
	free(f);
}

static void test_parse_setup_sects_zero_means_four(void **state)
{
	uint8_t *f = make_bz();
	struct kj_bzimage bz;
	struct kj_err e;

	f[0x1f1] = 0;
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	assert_int_equal(bz.setup_size, 5 * 512);
	f[0x1f1] = 1;
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	assert_int_equal(bz.setup_size, 2 * 512);
	assert_ptr_equal(bz.kernel, f + 1024);
	assert_int_equal(bz.kernel_size, IMG_SIZE - 1024);
	/* the version string at 0x400 now lies outside setup: not read */
	assert_string_equal(bz.version_string, "");
	free(f);
}

static void test_parse_small_cmdline_size(void **state)
{
	uint8_t *f = make_bz();
	struct kj_bzimage bz;
	struct kj_err e;

	/* older kernels leave it 0; the protocol's default is 255 */
	w32(f + 0x238, 0);
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	assert_int_equal(bz.cmdline_size, 255);
	w32(f + 0x238, 100);
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	assert_int_equal(bz.cmdline_size, 255);
	w32(f + 0x238, 256);
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	assert_int_equal(bz.cmdline_size, 256);
	free(f);
}

static void test_parse_version_string(void **state)
{
	uint8_t *f = make_bz();
	struct kj_bzimage bz;
	struct kj_err e;

	/* no pointer: empty */
	w16(f + 0x20e, 0);
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	assert_string_equal(bz.version_string, "");

	/* pointer past the setup code: empty, nothing read */
	w16(f + 0x20e, SETUP_SIZE - 0x200);
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	assert_string_equal(bz.version_string, "");
	w16(f + 0x20e, 0xffff);
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	assert_string_equal(bz.version_string, "");

	/* stops at the first non-printable byte */
	w16(f + 0x20e, 0x400 - 0x200);
	f[0x400 + 8] = '\n';
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	assert_string_equal(bz.version_string, "6.12.117");

	/* a string running to the end of setup stops there */
	memset(f + SETUP_SIZE - 10, 'x', 10);
	w16(f + 0x20e, SETUP_SIZE - 10 - 0x200);
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	assert_string_equal(bz.version_string, "xxxxxxxxxx");

	/* a very long string is cut to fit the field */
	memset(f + 0x400, 'v', 600);
	w16(f + 0x20e, 0x400 - 0x200);
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	assert_int_equal(strlen(bz.version_string), sizeof(bz.version_string) - 1);
	assert_int_equal(bz.version_string[0], 'v');
	free(f);
}

/* Every prefix, in a heap block of exactly that size. */
static void test_parse_every_prefix(void **state)
{
	uint8_t *f = make_bz();

	for (size_t n = 0; n <= SETUP_SIZE + 16; n++) {
		uint8_t *p = malloc(n ? n : 1);
		struct kj_bzimage bz;
		struct kj_err e;
		int r;

		assert_non_null(p);
		memcpy(p, f, n);
		r = parse(p, n, &bz, &e);
		if (n <= SETUP_SIZE) {
			assert_int_equal(r, -1);
			assert_int_equal(e.code, ENOEXEC);
			assert_non_null(strstr(e.msg, n < 0x264 ? "only" : "truncated"));
		} else {
			assert_int_equal(r, 0);
			assert_int_equal(bz.kernel_size, n - SETUP_SIZE);
		}
		free(p);
	}
	free(f);
}

/* --- parse: refusals ---------------------------------------------------- */

static void test_refuse_short(void **state)
{
	uint8_t *f = make_bz();

	expect_refused(f, 0, "only 0 bytes");
	expect_refused(f, 0x263, "only 611 bytes");
	free(f);
}

static void test_refuse_no_magic(void **state)
{
	uint8_t *f = make_bz();

	f[0x1fe] = 0;
	expect_refused(f, IMG_SIZE, "not a bzImage");
	f[0x1fe] = 0x55;
	f[0x1ff] = 0x55;
	expect_refused(f, IMG_SIZE, "not a bzImage");
	f[0x1ff] = 0xaa;
	memcpy(f + 0x202, "HdrT", 4);
	expect_refused(f, IMG_SIZE, "not a bzImage");
	memcpy(f + 0x202, "HdrS", 4);
	/* an ELF vmlinux is not a bzImage */
	memset(f, 0, 0x300);
	memcpy(f, "\177ELF", 4);
	expect_refused(f, IMG_SIZE, "boot flag 0xaa55");
	free(f);
}

static void test_refuse_old_protocol(void **state)
{
	uint8_t *f = make_bz();
	struct kj_bzimage bz;
	struct kj_err e;

	w16(f + 0x206, 0x0200);
	expect_refused(f, IMG_SIZE, "boot protocol 2.00 is too old");
	w16(f + 0x206, 0x020b);
	expect_refused(f, IMG_SIZE, "boot protocol 2.11 is too old");
	w16(f + 0x206, 0x020c);
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	assert_int_equal(bz.version, 0x020c);
	free(f);
}

static void test_refuse_not_64bit(void **state)
{
	uint8_t *f = make_bz();

	w16(f + 0x236, 0x62);	/* everything but XLF_KERNEL_64 */
	expect_refused(f, IMG_SIZE, "not a 64-bit kernel");
	free(f);
}

static void test_refuse_zimage(void **state)
{
	uint8_t *f = make_bz();

	f[0x211] = 0x80;	/* CAN_USE_HEAP, not LOADED_HIGH */
	expect_refused(f, IMG_SIZE, "zImage");
	free(f);
}

static void test_refuse_not_relocatable(void **state)
{
	uint8_t *f = make_bz();

	f[0x234] = 0;
	expect_refused(f, IMG_SIZE, "not relocatable");
	free(f);
}

static void test_refuse_truncated_setup(void **state)
{
	uint8_t *f = make_bz();

	f[0x1f1] = 200;		/* 201 * 512 bytes of setup, more than the file */
	expect_refused(f, IMG_SIZE, "truncated");
	f[0x1f1] = SETUP_SECTS;
	expect_refused(f, SETUP_SIZE, "truncated");
	free(f);
}

static void test_refuse_alignment(void **state)
{
	static const uint32_t bad[] = { 0, 3, 0x200001, 0x300000, 0x80000000u,
					0xffffffffu };
	uint8_t *f = make_bz();
	struct kj_bzimage bz;
	struct kj_err e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		w32(f + 0x230, bad[i]);
		expect_refused(f, IMG_SIZE, "kernel_alignment");
	}
	w32(f + 0x230, 1u << 30);	/* the largest accepted */
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	w32(f + 0x230, 0x1000);
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	assert_int_equal(bz.kernel_alignment, 0x1000);
	free(f);
}

static void test_refuse_init_size(void **state)
{
	uint8_t *f = make_bz();
	struct kj_bzimage bz;
	struct kj_err e;

	w32(f + 0x260, 0);
	expect_refused(f, IMG_SIZE, "init_size 0 is implausible");
	w32(f + 0x260, KERNEL_SIZE - 1);	/* smaller than the file's kernel */
	expect_refused(f, IMG_SIZE, "init_size");
	w32(f + 0x260, (1u << 30) + 1);
	expect_refused(f, IMG_SIZE, "init_size");
	w32(f + 0x260, 0xffffffffu);
	expect_refused(f, IMG_SIZE, "init_size");
	w32(f + 0x260, KERNEL_SIZE);
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	w32(f + 0x260, 1u << 30);
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	free(f);
}

/* --- the real kernel ------------------------------------------------------ */

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!fp)
		return NULL;
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n > 0);
	rewind(fp);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*size = (size_t)n;
	return buf;
}

/* An environment variable as bash's ${NAME:-...} sees it: empty is unset. */
static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/*
 * The test kernel kernel/build.sh built: KJ_TEST_KERNEL, which tests/check
 * sets to what the build printed, or else the first
 * kernel-*\/bzImage in the build's cache, found as kernel/build.sh and
 * tests/vm/lib.sh find it: $KJUMP_CACHE, default
 * ${XDG_CACHE_HOME:-$HOME/.cache}/kjump. *where says where it looked.
 */
static uint8_t *real_kernel(size_t *size, char *path, size_t pathsz, char *where,
			    size_t wheresz)
{
	const char *given = env("KJ_TEST_KERNEL"), *cache = env("KJUMP_CACHE");
	char dir[512], pat[600];
	uint8_t *f = NULL;
	glob_t g;

	if (given) {
		snprintf(path, pathsz, "%s", given);
		snprintf(where, wheresz, "KJ_TEST_KERNEL=%s", given);
		return read_file(path, size);
	}
	if (cache)
		snprintf(dir, sizeof(dir), "%s", cache);
	else if (env("XDG_CACHE_HOME"))
		snprintf(dir, sizeof(dir), "%s/kjump", env("XDG_CACHE_HOME"));
	else if (env("HOME"))
		snprintf(dir, sizeof(dir), "%s/.cache/kjump", env("HOME"));
	else
		snprintf(dir, sizeof(dir), "./.cache/kjump");	/* no HOME: as bash would */
	snprintf(pat, sizeof(pat), "%s/kernel-*/bzImage", dir);
	snprintf(where, wheresz, "%s", pat);
	if (glob(pat, 0, NULL, &g) == 0) {
		if (g.gl_pathc) {
			snprintf(path, pathsz, "%s", g.gl_pathv[0]);
			f = read_file(path, size);
		}
		globfree(&g);
	}
	return f;
}

static void test_real_kernel(void **state)
{
	char path[512], where[700];
	size_t size = 0;
	uint8_t *f = real_kernel(&size, path, sizeof(path), where, sizeof(where));
	struct kj_bzimage bz;
	struct kj_err e;
	uint32_t sects;

	if (!f && env("KJ_TEST_KERNEL"))
		fail_msg("KJ_TEST_KERNEL=%s cannot be read", env("KJ_TEST_KERNEL"));
	if (!f) {
		/* Under CI the kernel is built before the unit tests
		 * (tests/check), so a missing one is a failure there. */
		if (env("CI") && !strcmp(env("CI"), "true"))
			fail_msg("no test kernel (%s) and CI=true: build it with "
				 "kernel/build.sh, or set KJ_TEST_KERNEL", where);
		print_message("# SKIP: no test kernel (%s); kernel/build.sh builds it, "
			      "tests/check passes it in KJ_TEST_KERNEL\n", where);
		skip();
	}
	print_message("# %s\n", path);
	if (parse(f, size, &bz, &e))
		fail_msg("%s refused: %s", path, e.msg);
	sects = f[0x1f1] ? f[0x1f1] : 4;
	assert_true(bz.version >= KJ_BZ_MIN_VERSION);
	assert_int_equal(bz.version, r16(f + 0x206));
	assert_int_equal(bz.setup_size, (sects + 1) * 512);
	assert_true(bz.setup_size < size);
	assert_ptr_equal(bz.kernel, f + bz.setup_size);
	assert_int_equal(bz.kernel_size + bz.setup_size, size);
	assert_true(bz.xloadflags & 1);
	/* x86_64: CONFIG_PHYSICAL_ALIGN is 2 MiB to 16 MiB */
	assert_true(bz.kernel_alignment >= 0x200000 && bz.kernel_alignment <= 0x1000000);
	assert_int_equal(bz.kernel_alignment & (bz.kernel_alignment - 1), 0);
	assert_true(bz.init_size > bz.kernel_size);
	assert_true(bz.init_size < (256u << 20));
	assert_true(bz.cmdline_size >= 255 && bz.cmdline_size < 65536);
	assert_true(bz.version_string[0] >= '2' && bz.version_string[0] <= '9');
	assert_non_null(strchr(bz.version_string, '.'));

	/* and a zero page for it */
	{
		struct kj_e820 map[2] = { { 0x1000, 0x9e000, 1 }, { 0x100000, 0x7ff00000, 1 } };
		struct kj_boot_info bi = { .cmdline_addr = 0x20000, .cmdline_len = 20,
					   .e820 = map, .ne820 = 2 };
		uint8_t *bp = malloc(KJ_BOOT_PARAMS_SIZE);
		size_t hdr_end = 0x202 + f[0x201];

		assert_non_null(bp);
		assert_int_equal(kj_boot_params_build(bp, &bz, &bi, &e), 0);
		assert_memory_equal(bp + 0x1f1, f + 0x1f1, 0x210 - 0x1f1);
		assert_memory_equal(bp + 0x230, f + 0x230, hdr_end - 0x230);
		assert_int_equal(bp[0x210], 0xff);
		assert_int_equal(r32(bp + 0x228), 0x20000);
		free(bp);
	}
	free(f);
}

/* --- kj_boot_params_build -------------------------------------------------- */

struct field {
	size_t off, len;
};

/* Every byte outside the header copy and the listed fields must be 0. */
static void check_untouched(const uint8_t *bp, const struct field *fl, size_t nfl,
			    size_t hdr_end)
{
	for (size_t i = 0; i < KJ_BOOT_PARAMS_SIZE; i++) {
		bool listed = i >= 0x1f1 && i < hdr_end;

		for (size_t k = 0; k < nfl && !listed; k++)
			listed = i >= fl[k].off && i < fl[k].off + fl[k].len;
		if (!listed && bp[i])
			fail_msg("zero page byte 0x%zx is 0x%02x", i, bp[i]);
	}
}

static void test_bp_fields(void **state)
{
	uint8_t *f = make_bz();
	uint8_t *bp = malloc(KJ_BOOT_PARAMS_SIZE);
	struct kj_bzimage bz;
	struct kj_err e;
	const struct kj_e820 map[3] = {
		{ 0x1000, 0x9e000, 1 },
		{ 0xf0000, 0x10000, 2 },
		{ 0x100000, 0x17ff00000ULL, 1 },
	};
	struct kj_boot_info bi = {
		.cmdline_addr = 0x123456000ULL,
		.cmdline_len = 2047,
		.initrd_addr = 0x2abcd0000ULL,
		.initrd_size = 0x100002000ULL,
		.acpi_rsdp = 0x7ffe0123456ULL,
		.e820 = map,
		.ne820 = 3,
	};
	const struct field fl[] = {
		{ 0x070, 8 }, { 0x0c0, 4 }, { 0x0c4, 4 }, { 0x0c8, 4 },
		{ 0x1e8, 1 }, { 0x2d0, 3 * 20 },
	};

	assert_non_null(bp);
	memset(bp, 0xcc, KJ_BOOT_PARAMS_SIZE);	/* the function zeroes it */
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	assert_int_equal(kj_boot_params_build(bp, &bz, &bi, &e), 0);

	/* the setup header, as in the file, except what a loader fills in */
	for (size_t i = 0x1f1; i < HDR_END; i++) {
		if (i == 0x210 || (i >= 0x218 && i < 0x220) || (i >= 0x228 && i < 0x22c))
			continue;
		if (bp[i] != f[i])
			fail_msg("header byte 0x%zx: 0x%02x, file has 0x%02x", i, bp[i], f[i]);
	}
	assert_memory_equal(bp + 0x202, "HdrS", 4);
	assert_int_equal(r16(bp + 0x206), 0x020f);
	assert_int_equal(bp[0x1f1], SETUP_SECTS);
	assert_int_equal(r16(bp + 0x1fe), 0xaa55);
	assert_int_equal(r32(bp + 0x230), 0x200000);
	assert_int_equal(r32(bp + 0x260), 16u << 20);

	assert_int_equal(bp[0x210], 0xff);			/* type_of_loader */
	assert_int_equal(r32(bp + 0x228), 0x23456000);		/* cmd_line_ptr */
	assert_int_equal(r32(bp + 0x0c8), 0x1);			/* ext_cmd_line_ptr */
	assert_int_equal(r32(bp + 0x218), 0xabcd0000);		/* ramdisk_image */
	assert_int_equal(r32(bp + 0x0c0), 0x2);			/* ext_ramdisk_image */
	assert_int_equal(r32(bp + 0x21c), 0x00002000);		/* ramdisk_size */
	assert_int_equal(r32(bp + 0x0c4), 0x1);			/* ext_ramdisk_size */
	assert_int_equal(r64(bp + 0x070), 0x7ffe0123456ULL);	/* acpi_rsdp_addr */
	assert_int_equal(bp[0x1e8], 3);				/* e820_entries */
	for (int i = 0; i < 3; i++) {
		const uint8_t *ent = bp + 0x2d0 + 20 * i;

		assert_int_equal(r64(ent), map[i].addr);
		assert_int_equal(r64(ent + 8), map[i].size);
		assert_int_equal(r32(ent + 16), map[i].type);
	}
	check_untouched(bp, fl, sizeof(fl) / sizeof(fl[0]), HDR_END);
	free(bp);
	free(f);
}

static void test_bp_low_values(void **state)
{
	uint8_t *f = make_bz();
	uint8_t *bp = malloc(KJ_BOOT_PARAMS_SIZE);
	struct kj_bzimage bz;
	struct kj_err e;
	struct kj_e820 map[KJ_E820_MAX];
	struct kj_boot_info bi = { .cmdline_addr = 0x9a000, .cmdline_len = 0,
				   .e820 = map, .ne820 = KJ_E820_MAX };
	const struct field fl[] = { { 0x1e8, 1 }, { 0x2d0, KJ_E820_MAX * 20 } };

	assert_non_null(bp);
	memset(bp, 0xcc, KJ_BOOT_PARAMS_SIZE);
	for (int i = 0; i < KJ_E820_MAX; i++)
		map[i] = (struct kj_e820){ 0x100000ULL * (i + 1), 0x80000, 1 + i % 5 };
	/* a kernel that must stay below 4 GiB, with everything below 4 GiB */
	w16(f + 0x236, 0x01);
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	bi.initrd_size = 0x1000000;	/* its last byte is initrd_addr_max */
	bi.initrd_addr = 0x80000000 - bi.initrd_size;
	assert_int_equal(kj_boot_params_build(bp, &bz, &bi, &e), 0);
	assert_int_equal(r32(bp + 0x228), 0x9a000);
	assert_int_equal(r32(bp + 0x0c8), 0);
	assert_int_equal(r32(bp + 0x218), (uint32_t)bi.initrd_addr);
	assert_int_equal(r32(bp + 0x21c), (uint32_t)bi.initrd_size);
	assert_int_equal(r32(bp + 0x0c0), 0);
	assert_int_equal(r32(bp + 0x0c4), 0);
	assert_int_equal(r64(bp + 0x070), 0);
	assert_int_equal(bp[0x1e8], KJ_E820_MAX);
	assert_memory_equal(bp + 0x2d0, map, sizeof(map));
	assert_int_equal(0x2d0 + sizeof(map), 0xcd0);	/* inside the page */
	check_untouched(bp, fl, sizeof(fl) / sizeof(fl[0]), HDR_END);
	free(bp);
	free(f);
}

static void expect_bp_refused(const struct kj_bzimage *bz, const struct kj_boot_info *bi,
			      int code, const char *why)
{
	uint8_t *bp = malloc(KJ_BOOT_PARAMS_SIZE);
	struct kj_err e = { 0 };

	assert_non_null(bp);
	assert_int_equal(kj_boot_params_build(bp, bz, bi, &e), -1);
	assert_int_equal(e.code, code);
	if (!strstr(e.msg, why))
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, why);
	free(bp);
}

static void test_bp_refusals(void **state)
{
	uint8_t *f = make_bz();
	struct kj_bzimage bz;
	struct kj_err e;
	struct kj_e820 map[KJ_E820_MAX + 1] = { { 0x1000, 0x9e000, 1 } };
	struct kj_boot_info bi = { .cmdline_addr = 0x20000, .cmdline_len = 10,
				   .e820 = map, .ne820 = 1 };

	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);

	/* memory map entries: 1 to 128 */
	bi.ne820 = 0;
	expect_bp_refused(&bz, &bi, EINVAL, "0 memory map entries");
	bi.ne820 = -1;
	expect_bp_refused(&bz, &bi, EINVAL, "holds 1 to 128");
	bi.ne820 = KJ_E820_MAX + 1;
	expect_bp_refused(&bz, &bi, EINVAL, "129 memory map entries");
	bi.ne820 = 1;

	/* command line longer than cmdline_size */
	bi.cmdline_len = 2048;
	expect_bp_refused(&bz, &bi, E2BIG, "command line is 2048 bytes");
	bi.cmdline_len = 2047;
	{
		uint8_t *bp = malloc(KJ_BOOT_PARAMS_SIZE);

		assert_int_equal(kj_boot_params_build(bp, &bz, &bi, &e), 0);
		free(bp);
	}
	w32(f + 0x238, 0);	/* default 255 */
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	bi.cmdline_len = 256;
	expect_bp_refused(&bz, &bi, E2BIG, "at most 255");
	bi.cmdline_len = 10;

	/* above 4 GiB without XLF_CAN_BE_LOADED_ABOVE_4G */
	w16(f + 0x236, 0x01);
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	bi.cmdline_addr = 0x100000000ULL;
	expect_bp_refused(&bz, &bi, EINVAL, "below 4 GiB");
	bi.cmdline_addr = 0x20000;
	bi.initrd_addr = 0xfff00000;
	bi.initrd_size = 0x200000;	/* ends above 4 GiB */
	expect_bp_refused(&bz, &bi, EINVAL, "below 4 GiB");
	bi.initrd_addr = 0x100000000ULL;
	bi.initrd_size = 0x1000;
	expect_bp_refused(&bz, &bi, EINVAL, "below 4 GiB");
	/* ... and past initrd_addr_max */
	bi.initrd_addr = 0x7ff00000;
	bi.initrd_size = 0x100001;
	expect_bp_refused(&bz, &bi, EINVAL, "initrd_addr_max 0x7fffffff");
	bi.initrd_size = 0x100000;
	{
		uint8_t *bp = malloc(KJ_BOOT_PARAMS_SIZE);

		assert_int_equal(kj_boot_params_build(bp, &bz, &bi, &e), 0);
		free(bp);
	}

	/* the same addresses are fine for a kernel that may live above 4 GiB */
	w16(f + 0x236, 0x03);
	assert_int_equal(parse(f, IMG_SIZE, &bz, &e), 0);
	bi.cmdline_addr = 0x100000000ULL;
	bi.initrd_addr = 0x200000000ULL;
	bi.initrd_size = 0x1000;
	{
		uint8_t *bp = malloc(KJ_BOOT_PARAMS_SIZE);

		assert_int_equal(kj_boot_params_build(bp, &bz, &bi, &e), 0);
		assert_int_equal(r32(bp + 0x0c8), 1);
		assert_int_equal(r32(bp + 0x0c0), 2);
		free(bp);
	}
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_synthetic),
		cmocka_unit_test(test_parse_setup_sects_zero_means_four),
		cmocka_unit_test(test_parse_small_cmdline_size),
		cmocka_unit_test(test_parse_version_string),
		cmocka_unit_test(test_parse_every_prefix),
		cmocka_unit_test(test_refuse_short),
		cmocka_unit_test(test_refuse_no_magic),
		cmocka_unit_test(test_refuse_old_protocol),
		cmocka_unit_test(test_refuse_not_64bit),
		cmocka_unit_test(test_refuse_zimage),
		cmocka_unit_test(test_refuse_not_relocatable),
		cmocka_unit_test(test_refuse_truncated_setup),
		cmocka_unit_test(test_refuse_alignment),
		cmocka_unit_test(test_refuse_init_size),
		cmocka_unit_test(test_real_kernel),
		cmocka_unit_test(test_bp_fields),
		cmocka_unit_test(test_bp_low_values),
		cmocka_unit_test(test_bp_refusals),
	};

	return cmocka_run_group_tests_name("bzimage", tests, NULL, NULL);
}
