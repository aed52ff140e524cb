// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/b_layout.c, planning the second kernel B inside A's
 * memory, on memory maps parsed from QEMU-like /proc/iomem texts:
 * kj_b_layout_default_size (floor, RAM/8, cap, 2 MiB rounding); kj_b_layout_make
 * (the region is 2 MiB aligned, System RAM below 4 GiB, clear of the
 * running kernel and of keep-out ranges, the highest such, never below
 * the kernel's preferred load address (kernel_min); the low range
 * is RAM below 1 MiB rounded inward to pages; the layout of kernel, initrd
 * and blob; an explicit region accepted or refused; refusals with the
 * numbers in them); kj_b_layout_segments (cover exactly B's memory, no gaps
 * or overlaps, data where the buffers go, accepted by kj_segments_check);
 * kj_b_layout_e820 (sorted, RAM exactly B's memory minus the blob, firmware
 * ranges with their types, nothing else).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/b_layout.h"
#include "../../lib/page.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

typedef unsigned long long ull;

/* QEMU q35, 2 GiB below 4 GiB (+ 4 GiB above with IOMEM_HIGH). */
#define IOMEM_LOW \
	"00000000-00000fff : Reserved\n" \
	"00001000-0009fbff : System RAM\n" \
	"0009fc00-0009ffff : Reserved\n" \
	"000a0000-000bffff : PCI Bus 0000:00\n" \
	"000c0000-000c99ff : Video ROM\n" \
	"000ca000-000cadff : Adapter ROM\n" \
	"000f0000-000fffff : Reserved\n" \
	"  000f0000-000fffff : System ROM\n" \
	"00100000-7ffdffff : System RAM\n" \
	"  2a000000-2ae02fff : Kernel code\n" \
	"  2ae03000-2b7fffff : Kernel rodata\n" \
	"  2b800000-2bb7bfff : Kernel data\n" \
	"  2c0b4000-2c7fffff : Kernel bss\n" \
	"7ffe0000-7fffffff : Reserved\n" \
	"80000000-afffffff : PCI Bus 0000:00\n" \
	"b0000000-bfffffff : PCI MMCONFIG 0000 [bus 00-ff]\n" \
	"  b0000000-bfffffff : Reserved\n" \
	"c0000000-febfffff : PCI Bus 0000:00\n" \
	"  fd000000-fdffffff : 0000:00:01.0\n" \
	"fed1c000-fed1ffff : Reserved\n" \
	"  fed1c000-fed1ffff : pnp 00:04\n" \
	"feffc000-feffffff : Reserved\n" \
	"fffc0000-ffffffff : Reserved\n"
#define IOMEM_HIGH \
	"100000000-1ffffffff : System RAM\n" \
	"380000000000-3807ffffffff : PCI Bus 0000:00\n"

/* Where IOMEM_LOW's RAM ends below 4 GiB. */
#define TOP 0x7ffe0000ULL

static void parse(const char *text, struct kj_memmap *mm)
{
	struct kj_err e = { 0 };

	if (kj_memmap_parse_iomem(text, mm, &e))
		fail_msg("iomem: %s", e.msg);
}

static uint64_t ram_of(const struct kj_memmap *mm)
{
	return kj_ranges_total(&mm->ram, KJ_MEM_RAM);
}

/* Inputs of a typical load: a 6.12 kernel, a 20 MiB initrd, a small blob. */
static struct kj_b_layout_in typical(const struct kj_memmap *mm)
{
	return (struct kj_b_layout_in){
		.mm = mm,
		.ram_bytes = ram_of(mm),
		.kernel_align = 2 * MiB,
		.kernel_memsz = 0xe4b000,
		.kernel_filesz = 0x252000,
		.initrd_size = 20 * MiB + 123,
		.blob_size = 3 * KJ_PAGE_SIZE,
	};
}

/* Everything kj_b_layout_make promises, whatever the inputs. */
static void check_plan(const struct kj_b_layout_in *in, const struct kj_b_layout *p)
{
	uint64_t align = in->kernel_align > 2 * MiB ? in->kernel_align : 2 * MiB;
	uint64_t size = p->region_end - p->region_start;

	assert_int_equal(p->region_start % align, 0);
	assert_int_equal(p->region_end % KJ_PAGE_SIZE, 0);
	assert_true(p->region_start >= MiB);
	assert_true(p->region_start >= in->kernel_min);
	assert_true(p->region_end <= 4 * GiB);
	assert_true(kj_ranges_covers(&in->mm->ram, p->region_start, p->region_end,
				     KJ_MEM_RAM));
	assert_false(kj_ranges_overlaps(&in->mm->kernel, p->region_start, p->region_end));
	if (in->keep_out)
		assert_false(kj_ranges_overlaps(in->keep_out, p->region_start,
						p->region_end));
	if (in->region_size)
		assert_int_equal(size, kj_align_up(in->region_size, KJ_PAGE_SIZE));
	else
		assert_int_equal(size, kj_b_layout_default_size(in->ram_bytes));

	assert_true(p->low_start < p->low_end);
	assert_true(p->low_end <= MiB);
	assert_int_equal(p->low_start % KJ_PAGE_SIZE, 0);
	assert_int_equal(p->low_end % KJ_PAGE_SIZE, 0);
	assert_true(kj_ranges_covers(&in->mm->ram, p->low_start, p->low_end, KJ_MEM_RAM));

	assert_int_equal(p->kernel_addr, p->region_start);
	assert_int_equal(p->initrd_addr, kj_align_up(p->kernel_addr + in->kernel_memsz, KJ_PAGE_SIZE));
	assert_int_equal(p->blob_addr, kj_align_up(p->initrd_addr + in->initrd_size, KJ_PAGE_SIZE));
	assert_true(p->blob_addr + in->blob_size + KJ_B_MIN_FREE <= p->region_end);
	assert_true(size + (p->low_end - p->low_start) <= in->ram_bytes / 2);
}

static int make(const struct kj_b_layout_in *in, struct kj_b_layout *p, struct kj_err *e)
{
	memset(e, 0, sizeof(*e));
	return kj_b_layout_make(in, p, e);
}

static void expect_refused(const struct kj_b_layout_in *in, int code, const char *why)
{
	struct kj_b_layout p;
	struct kj_err e;

	assert_int_equal(make(in, &p, &e), -1);
	assert_int_equal(e.code, code);
	if (!strstr(e.msg, why))
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, why);
}

/* --- default size ------------------------------------------------------- */

static void test_default_size(void **state)
{
	assert_int_equal(kj_b_layout_default_size(0), 160 * MiB);
	assert_int_equal(kj_b_layout_default_size(512 * MiB), 160 * MiB);
	assert_int_equal(kj_b_layout_default_size(1 * GiB), 160 * MiB);
	assert_int_equal(kj_b_layout_default_size(1280 * MiB), 160 * MiB);
	assert_int_equal(kj_b_layout_default_size(1296 * MiB), 162 * MiB);
	/* RAM/8 = 162.5 MiB: rounded up to 2 MiB */
	assert_int_equal(kj_b_layout_default_size(1300 * MiB), 164 * MiB);
	assert_int_equal(kj_b_layout_default_size(2 * GiB), 256 * MiB);
	assert_int_equal(kj_b_layout_default_size(2 * GiB - 128 * 1024), 256 * MiB);
	assert_int_equal(kj_b_layout_default_size(4 * GiB - 8), 512 * MiB);
	assert_int_equal(kj_b_layout_default_size(4 * GiB), 512 * MiB);
	assert_int_equal(kj_b_layout_default_size(64 * GiB), 512 * MiB);
	assert_int_equal(kj_b_layout_default_size(UINT64_MAX), 512 * MiB);
	for (uint64_t r = 0; r < 8 * GiB; r += 77 * MiB + 4097) {
		uint64_t s = kj_b_layout_default_size(r);

		assert_int_equal(s % (2 * MiB), 0);
		assert_true(s >= 160 * MiB && s <= 512 * MiB);
		assert_true(s >= r / 8 || s == 512 * MiB);
		assert_true(s == 160 * MiB || s == 512 * MiB || s - r / 8 < 2 * MiB);
	}
}

/* --- make: choosing --------------------------------------------------------- */

static void test_make_qemu(void **state)
{
	struct kj_memmap mm;
	struct kj_b_layout_in in;
	struct kj_b_layout p;
	struct kj_err e;

	parse(IOMEM_LOW, &mm);
	in = typical(&mm);
	assert_int_equal(make(&in, &p, &e), 0);
	check_plan(&in, &p);
	/* 2 GiB: 256 MiB, as high as it goes below the top of RAM */
	assert_int_equal(p.region_end - p.region_start, 256 * MiB);
	assert_int_equal(p.region_start, kj_align_down(TOP - 256 * MiB, 2 * MiB));
	assert_int_equal(p.region_start, 0x6fe00000);
	/* RAM below 1 MiB is 0x1000-0x9fbff: pages 0x1000-0x9f000 */
	assert_int_equal(p.low_start, 0x1000);
	assert_int_equal(p.low_end, 0x9f000);
	assert_int_equal(p.initrd_addr, p.kernel_addr + 0xe4b000);
	assert_int_equal(p.blob_addr, p.initrd_addr + 20 * MiB + KJ_PAGE_SIZE);
	kj_memmap_free(&mm);
}

/* RAM above 4 GiB is never chosen, however much of it there is. */
static void test_make_below_4g(void **state)
{
	struct kj_memmap mm;
	struct kj_b_layout_in in;
	struct kj_b_layout p;
	struct kj_err e;

	parse(IOMEM_LOW IOMEM_HIGH, &mm);
	in = typical(&mm);
	assert_int_equal(in.ram_bytes, TOP - MiB + 0x9ec00 + 4 * GiB);
	assert_int_equal(make(&in, &p, &e), 0);
	check_plan(&in, &p);
	assert_int_equal(p.region_end - p.region_start, 512 * MiB);
	assert_int_equal(p.region_start, kj_align_down(TOP - 512 * MiB, 2 * MiB));
	kj_memmap_free(&mm);
}

/* The running kernel sits near the top: the region goes below it, and
 * below the crash kernel reservation when it does not fit above that. */
static void test_make_avoids_kernel(void **state)
{
	static const char text[] =
		"00000000-00000fff : Reserved\n"
		"00001000-0009ffff : System RAM\n"
		"00100000-7ffdffff : System RAM\n"
		"  50000000-57ffffff : Crash kernel\n"
		"  7a000000-7ae02fff : Kernel code\n"
		"  7ae03000-7b7fffff : Kernel rodata\n"
		"  7b800000-7bb7bfff : Kernel data\n"
		"  7c0b4000-7c7fffff : Kernel bss\n";
	struct kj_memmap mm;
	struct kj_b_layout_in in;
	struct kj_b_layout p;
	struct kj_err e;

	parse(text, &mm);
	in = typical(&mm);
	in.ram_bytes = 4 * GiB;	/* claimed, for the half-of-RAM rule */
	/* above the kernel: 0x7c800000-0x7ffe0000 is 55 MiB, too small */
	in.region_size = 500 * MiB;
	assert_int_equal(make(&in, &p, &e), 0);
	check_plan(&in, &p);
	assert_int_equal(p.region_end, 0x7a000000);
	assert_int_equal(p.region_start, 0x7a000000 - 500 * MiB);
	assert_int_equal(p.low_start, 0x1000);
	assert_int_equal(p.low_end, 0xa0000);

	/* 544 MiB between the two: 700 MiB go below the crash kernel */
	in.region_size = 700 * MiB;
	assert_int_equal(make(&in, &p, &e), 0);
	check_plan(&in, &p);
	assert_int_equal(p.region_end, 0x50000000);
	assert_int_equal(p.region_start, 0x50000000 - 700 * MiB);

	/* 1279 MiB below it */
	in.region_size = 1300 * MiB;
	expect_refused(&in, ENOSPC, "no contiguous 1300 MiB of RAM below 4 GiB");
	in.region_size = 1278 * MiB;
	assert_int_equal(make(&in, &p, &e), 0);
	check_plan(&in, &p);
	assert_int_equal(p.region_start, 2 * MiB);
	kj_memmap_free(&mm);
}

static void test_make_keep_out(void **state)
{
	struct kj_memmap mm;
	struct kj_ranges ko = { 0 };
	struct kj_b_layout_in in;
	struct kj_b_layout p;
	struct kj_err e = { 0 };

	parse(IOMEM_LOW, &mm);
	/* A's notes: VMCOREINFO and crash notes, scattered */
	assert_int_equal(kj_ranges_add(&ko, 0x7f000000, 0x7f001000, 0, &e), 0);
	assert_int_equal(kj_ranges_add(&ko, 0x70000000, 0x70000400, 0, &e), 0);
	in = typical(&mm);
	in.keep_out = &ko;
	assert_int_equal(make(&in, &p, &e), 0);
	check_plan(&in, &p);
	assert_int_equal(p.region_end - p.region_start, 256 * MiB);
	/* below 0x7f000000 it would cross 0x70000000; so below that */
	assert_int_equal(p.region_start, 0x70000000 - 256 * MiB);
	assert_int_equal(p.region_end, 0x70000000);
	kj_ranges_free(&ko);
	kj_memmap_free(&mm);
}

static void test_make_kernel_align(void **state)
{
	struct kj_memmap mm;
	struct kj_b_layout_in in;
	struct kj_b_layout p;
	struct kj_err e;

	parse(IOMEM_LOW, &mm);
	in = typical(&mm);
	in.kernel_align = 16 * MiB;
	assert_int_equal(make(&in, &p, &e), 0);
	check_plan(&in, &p);
	assert_int_equal(p.region_start % (16 * MiB), 0);
	assert_int_equal(p.region_start, kj_align_down(TOP - 256 * MiB, 16 * MiB));
	kj_memmap_free(&mm);
}

static void test_make_low_range(void **state)
{
	/* unaligned RAM below 1 MiB, in two pieces: the larger one wins */
	static const char two[] =
		"00000000-00000fff : Reserved\n"
		"00000800-00007fff : System RAM\n"
		"00010400-0009f7ff : System RAM\n"
		"00100000-7fffffff : System RAM\n";
	/* one range from near zero past 1 MiB: clipped at 1 MiB */
	static const char one[] = "00000400-7fffffff : System RAM\n";
	struct kj_memmap mm;
	struct kj_b_layout_in in;
	struct kj_b_layout p;
	struct kj_err e;

	parse(two, &mm);
	in = typical(&mm);
	assert_int_equal(make(&in, &p, &e), 0);
	check_plan(&in, &p);
	assert_int_equal(p.low_start, 0x11000);
	assert_int_equal(p.low_end, 0x9f000);
	kj_memmap_free(&mm);

	parse(one, &mm);
	in = typical(&mm);
	assert_int_equal(make(&in, &p, &e), 0);
	check_plan(&in, &p);
	assert_int_equal(p.low_start, 0x1000);
	assert_int_equal(p.low_end, MiB);
	assert_true(p.region_start >= MiB);
	kj_memmap_free(&mm);
}

/* A 64-bit kernel loaded below its pref_address moves itself up to it:
 * the region never starts below kernel_min. */
static void test_make_kernel_min(void **state)
{
	static const char text[] =
		"00000000-00000fff : Reserved\n"
		"00001000-0009ffff : System RAM\n"
		"00100000-7ffdffff : System RAM\n"
		"  20000000-7fdfffff : Kernel code\n";
	struct kj_memmap mm;
	struct kj_b_layout_in in;
	struct kj_b_layout p;
	struct kj_err e;

	parse(text, &mm);
	in = typical(&mm);
	in.ram_bytes = 4 * GiB;	/* claimed, for the half-of-RAM rule */
	/* only [1 MiB, 512 MiB) is free: without a minimum, as high as it goes */
	in.region_size = 400 * MiB;
	assert_int_equal(make(&in, &p, &e), 0);
	check_plan(&in, &p);
	assert_int_equal(p.region_start, 0x20000000 - 400 * MiB);
	/* 16 MiB, the usual pref_address: still fits, starting above it */
	in.kernel_min = 16 * MiB;
	assert_int_equal(make(&in, &p, &e), 0);
	check_plan(&in, &p);
	assert_true(p.region_start >= 16 * MiB);
	in.region_size = 496 * MiB;
	assert_int_equal(make(&in, &p, &e), 0);
	assert_int_equal(p.region_start, 16 * MiB);
	in.region_size = 498 * MiB;
	expect_refused(&in, ENOSPC, "no contiguous 498 MiB");
	in.kernel_min = 0;
	assert_int_equal(make(&in, &p, &e), 0);
	assert_int_equal(p.region_start, 0x20000000 - 498 * MiB);

	/* an explicit region below it is refused, at it accepted */
	in.region_size = 200 * MiB;
	in.kernel_min = 16 * MiB;
	in.region_addr = 14 * MiB;
	expect_refused(&in, EINVAL, "region address 0xe00000 is below 0x1000000");
	in.region_addr = 16 * MiB;
	assert_int_equal(make(&in, &p, &e), 0);
	check_plan(&in, &p);
	assert_int_equal(p.region_start, 16 * MiB);
	/* a minimum below 1 MiB changes nothing */
	in.kernel_min = 4096;
	in.region_addr = 2 * MiB;
	assert_int_equal(make(&in, &p, &e), 0);
	assert_int_equal(p.region_start, 2 * MiB);
	kj_memmap_free(&mm);
}

/* --- make: an explicit region ------------------------------------------ */

static void test_make_explicit(void **state)
{
	struct kj_memmap mm;
	struct kj_b_layout_in in;
	struct kj_b_layout p;
	struct kj_err e;

	parse(IOMEM_LOW IOMEM_HIGH, &mm);
	in = typical(&mm);
	in.region_size = 200 * MiB;

	in.region_addr = 0x40000000;
	assert_int_equal(make(&in, &p, &e), 0);
	check_plan(&in, &p);
	assert_int_equal(p.region_start, 0x40000000);
	assert_int_equal(p.region_end, 0x40000000 + 200 * MiB);
	assert_int_equal(p.kernel_addr, 0x40000000);

	/* right below the kernel, and right above it, are fine */
	in.region_addr = 0x2a000000 - 200 * MiB;
	assert_int_equal(make(&in, &p, &e), 0);
	in.region_addr = 0x2c800000;
	assert_int_equal(make(&in, &p, &e), 0);
	/* ending exactly at the top of RAM */
	in.region_addr = 0x73600000;
	in.region_size = TOP - 0x73600000;
	assert_int_equal(make(&in, &p, &e), 0);
	assert_int_equal(p.region_end, TOP);
	in.region_size = 200 * MiB;

	/* unaligned, to 2 MiB or to the kernel's larger alignment */
	in.region_addr = 0x40001000;
	expect_refused(&in, EINVAL, "0x40001000 is not aligned to the kernel's 0x200000");
	in.region_addr = 0x40200000;
	in.kernel_align = 16 * MiB;
	expect_refused(&in, EINVAL, "not aligned to the kernel's 0x1000000");
	in.kernel_align = 2 * MiB;

	/* not RAM: the PCI hole, or running past the top of RAM */
	in.region_addr = 0x90000000;
	expect_refused(&in, EINVAL, "region 0x90000000-0x9c800000 is not System RAM");
	in.region_addr = 0x7f000000;
	expect_refused(&in, EINVAL, "is not System RAM");
	/* overlaps the running kernel, at either end */
	in.region_addr = 0x2a000000;
	expect_refused(&in, EINVAL, "clear of the running kernel");
	in.region_addr = 0x2a000000 - 198 * MiB;
	expect_refused(&in, EINVAL, "clear of the running kernel");
	in.region_addr = 0x2c600000;
	expect_refused(&in, EINVAL, "clear of the running kernel");
	/* RAM, but above 4 GiB */
	in.region_addr = 0x100000000ULL;
	expect_refused(&in, EINVAL, "below 4 GiB");
	in.region_addr = 0x180000000ULL;
	expect_refused(&in, EINVAL, "below 4 GiB");
	/* so high that the end wraps past 2^64 */
	in.region_addr = 0xffffffffffe00000ULL;
	expect_refused(&in, EINVAL, "below 4 GiB");
	in.region_addr = 0xfffffffff0000000ULL;
	expect_refused(&in, EINVAL, "below 4 GiB");
	kj_memmap_free(&mm);
}

static void test_make_explicit_keep_out(void **state)
{
	struct kj_memmap mm;
	struct kj_ranges ko = { 0 };
	struct kj_b_layout_in in;
	struct kj_err e = { 0 };

	parse(IOMEM_LOW, &mm);
	assert_int_equal(kj_ranges_add(&ko, 0x40100000, 0x40100100, 0, &e), 0);
	in = typical(&mm);
	in.keep_out = &ko;
	in.region_addr = 0x40000000;
	expect_refused(&in, EINVAL, "and notes");
	kj_ranges_free(&ko);
	kj_memmap_free(&mm);
}

/* --- make: refusals -------------------------------------------------------- */

static void test_refuse_too_small(void **state)
{
	struct kj_memmap mm;
	struct kj_b_layout_in in;
	struct kj_b_layout p;
	struct kj_err e;

	parse(IOMEM_LOW, &mm);
	in = typical(&mm);
	/* 0xe4b000 + 0x1401000 + 0x3000 + 48 MiB = 0x524f000: 84 MiB rounded */
	in.region_size = 82 * MiB;
	expect_refused(&in, ENOSPC, "a region of 82 MiB is too small");
	expect_refused(&in, ENOSPC, "kernel needs 15 MiB, its initrd 21 MiB");
	expect_refused(&in, ENOSPC, "48 MiB more");
	expect_refused(&in, ENOSPC, "use --reserve 84M or more");
	in.region_size = 84 * MiB - KJ_PAGE_SIZE;
	expect_refused(&in, ENOSPC, "use --reserve 84M or more");
	in.region_size = 84 * MiB;
	assert_int_equal(make(&in, &p, &e), 0);
	check_plan(&in, &p);

	/* the default size is too small for a huge initrd */
	in = typical(&mm);
	in.initrd_size = 300 * MiB;
	expect_refused(&in, ENOSPC, "a region of 256 MiB is too small");
	expect_refused(&in, ENOSPC, "--reserve 364M");
	kj_memmap_free(&mm);
}

static void test_refuse_half_of_ram(void **state)
{
	struct kj_memmap mm;
	struct kj_b_layout_in in;
	struct kj_b_layout p;
	struct kj_err e;

	parse(IOMEM_LOW, &mm);
	in = typical(&mm);
	in.ram_bytes = 2 * GiB;
	/* 1024 MiB + 632 KiB below 1 MiB is more than half of 2 GiB */
	in.region_size = 1 * GiB;
	expect_refused(&in, E2BIG, "a region of 1024 MiB (plus 632 KiB below 1 MiB)");
	expect_refused(&in, E2BIG, "exceeds half of RAM (1024 MiB of 2048 MiB)");
	expect_refused(&in, E2BIG, "B needs at least 84M");
	in.region_size = 1 * GiB - 2 * MiB;
	assert_int_equal(make(&in, &p, &e), 0);
	check_plan(&in, &p);
	/* a tiny machine: even the smallest region is too much */
	in.region_size = 0;
	in.ram_bytes = 256 * MiB;
	expect_refused(&in, E2BIG, "exceeds half of RAM (128 MiB of 256 MiB)");
	kj_memmap_free(&mm);
}

static void test_refuse_no_low_ram(void **state)
{
	static const char none[] =
		"00000000-000fffff : Reserved\n"
		"00100000-7fffffff : System RAM\n";
	static const char sliver[] =
		"00000000-000007ff : System RAM\n"
		"00000800-000fffff : Reserved\n"
		"00100000-7fffffff : System RAM\n";
	struct kj_memmap mm;
	struct kj_b_layout_in in;

	parse(none, &mm);
	in = typical(&mm);
	expect_refused(&in, ENOSPC, "no RAM below 1 MiB");
	kj_memmap_free(&mm);

	/* less than a page of it */
	parse(sliver, &mm);
	in = typical(&mm);
	expect_refused(&in, ENOSPC, "no RAM below 1 MiB");
	kj_memmap_free(&mm);
}

static void test_refuse_no_fit(void **state)
{
	struct kj_memmap mm;
	struct kj_ranges ko = { 0 };
	struct kj_b_layout_in in;
	struct kj_err e = { 0 };

	parse(IOMEM_LOW, &mm);
	/* something every 100 MiB */
	for (uint64_t a = 100 * MiB; a < 4 * GiB; a += 100 * MiB)
		assert_int_equal(kj_ranges_add(&ko, a, a + KJ_PAGE_SIZE, 0, &e), 0);
	in = typical(&mm);
	in.keep_out = &ko;
	expect_refused(&in, ENOSPC, "no contiguous 256 MiB of RAM below 4 GiB");
	in.region_size = 96 * MiB;
	{
		struct kj_b_layout p;

		assert_int_equal(make(&in, &p, &e), 0);
		check_plan(&in, &p);
	}
	kj_ranges_free(&ko);
	kj_memmap_free(&mm);
}

/* --- segments ------------------------------------------------------------ */

/* Sorted copy: the segments must tile low range then region exactly. */
static int cmp_seg(const void *a, const void *b)
{
	const struct kj_segment *x = a, *y = b;

	return (x->mem > y->mem) - (x->mem < y->mem);
}

static void check_segments(const struct kj_b_layout *p, const struct kj_segment *seg,
			   int n, const void *bufs[3], const uint64_t filesz[3],
			   const uint64_t memsz[3])
{
	struct kj_segment s[KJ_KEXEC_SEGMENT_MAX];
	const uint64_t at[3] = { p->kernel_addr, p->initrd_addr, p->blob_addr };
	int seen[3] = { 0 };
	uint64_t next;
	int i = 0;

	assert_true(n > 0 && n <= KJ_KEXEC_SEGMENT_MAX);
	memcpy(s, seg, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_seg);
	for (int k = 0; k < n; k++) {
		assert_int_equal(s[k].mem % KJ_PAGE_SIZE, 0);
		assert_int_equal(s[k].memsz % KJ_PAGE_SIZE, 0);
		assert_true(s[k].memsz > 0);
		assert_true(s[k].bufsz <= s[k].memsz);
	}
	if (p->low_end > p->low_start) {
		next = p->low_start;
		while (i < n && s[i].mem < p->low_end) {
			assert_int_equal(s[i].mem, next);
			next += s[i].memsz;
			i++;
		}
		assert_int_equal(next, p->low_end);
	}
	next = p->region_start;
	while (i < n) {
		assert_int_equal(s[i].mem, next);
		next += s[i].memsz;
		i++;
	}
	assert_int_equal(next, p->region_end);

	/* data segments carry the buffers; every other one is empty */
	for (int k = 0; k < n; k++) {
		int which = -1;

		for (int d = 0; d < 3; d++)
			if (memsz[d] && s[k].mem == at[d])
				which = d;
		if (which < 0) {
			assert_null(s[k].buf);
			assert_int_equal(s[k].bufsz, 0);
			continue;
		}
		seen[which]++;
		assert_ptr_equal(s[k].buf, bufs[which]);
		assert_int_equal(s[k].bufsz, filesz[which]);
		assert_int_equal(s[k].memsz, kj_align_up(memsz[which], KJ_PAGE_SIZE));
	}
	for (int d = 0; d < 3; d++)
		assert_int_equal(seen[d], memsz[d] ? 1 : 0);
}

static void test_segments(void **state)
{
	static uint8_t kernel[0x252000], initrd[20 * MiB + 123], blob[3 * KJ_PAGE_SIZE];
	struct kj_memmap mm;
	struct kj_b_layout_in in;
	struct kj_b_layout p;
	struct kj_segment seg[KJ_KEXEC_SEGMENT_MAX];
	struct kj_err e;
	int n = -1;

	parse(IOMEM_LOW, &mm);
	in = typical(&mm);
	assert_int_equal(make(&in, &p, &e), 0);
	assert_int_equal(kj_b_layout_segments(&p, kernel, sizeof(kernel), in.kernel_memsz,
					   initrd, sizeof(initrd), blob, sizeof(blob),
					   seg, &n, &e), 0);
	{
		const void *bufs[3] = { kernel, initrd, blob };
		const uint64_t fs[3] = { sizeof(kernel), sizeof(initrd), sizeof(blob) };
		const uint64_t ms[3] = { in.kernel_memsz, sizeof(initrd), sizeof(blob) };

		check_segments(&p, seg, n, bufs, fs, ms);
	}
	/* low, kernel, initrd, blob, the rest: in address order */
	assert_int_equal(n, 5);
	for (int i = 1; i < n; i++)
		assert_true(seg[i].mem > seg[i - 1].mem);
	if (kj_segments_check(seg, n, in.ram_bytes, &e))
		fail_msg("kj_segments_check: %s", e.msg);

	/* no initrd */
	in.initrd_size = 0;
	assert_int_equal(make(&in, &p, &e), 0);
	assert_int_equal(p.initrd_addr, p.blob_addr);
	assert_int_equal(kj_b_layout_segments(&p, kernel, sizeof(kernel), in.kernel_memsz,
					   NULL, 0, blob, sizeof(blob), seg, &n, &e), 0);
	{
		const void *bufs[3] = { kernel, NULL, blob };
		const uint64_t fs[3] = { sizeof(kernel), 0, sizeof(blob) };
		const uint64_t ms[3] = { in.kernel_memsz, 0, sizeof(blob) };

		check_segments(&p, seg, n, bufs, fs, ms);
	}
	assert_int_equal(n, 4);
	assert_int_equal(kj_segments_check(seg, n, in.ram_bytes, &e), 0);
	kj_memmap_free(&mm);
}

/* Hand-made plans: gaps between the pieces, no low range, and the
 * refusals when pieces overlap or overrun the region. */
static void test_segments_hand_made(void **state)
{
	static uint8_t k[5000], r[3], b[100];
	const void *bufs[3] = { k, r, b };
	const uint64_t fs[3] = { sizeof(k), sizeof(r), sizeof(b) };
	const uint64_t ms[3] = { 0x5000, 3, 100 };
	struct kj_b_layout p = {
		.region_start = 0x10000000, .region_end = 0x10100000,
		.low_start = 0x1000, .low_end = 0x1000,		/* empty */
		.kernel_addr = 0x10020000,			/* gap before */
		.initrd_addr = 0x10030000,			/* gap before */
		.blob_addr = 0x10031000,			/* none */
	};
	struct kj_segment seg[KJ_KEXEC_SEGMENT_MAX];
	struct kj_err e = { 0 };
	int n = -1;

	assert_int_equal(kj_b_layout_segments(&p, k, sizeof(k), 0x5000, r, sizeof(r), b,
					   sizeof(b), seg, &n, &e), 0);
	check_segments(&p, seg, n, bufs, fs, ms);
	assert_int_equal(n, 6);	/* gap, kernel, gap, initrd, blob, rest */
	assert_int_equal(kj_segments_check(seg, n, 64 * MiB, &e), 0);

	/* the blob reaching exactly the end: no empty last segment */
	p.blob_addr = p.region_end - KJ_PAGE_SIZE;
	assert_int_equal(kj_b_layout_segments(&p, k, sizeof(k), 0x5000, r, sizeof(r), b,
					   sizeof(b), seg, &n, &e), 0);
	check_segments(&p, seg, n, bufs, fs, ms);
	assert_int_equal(seg[n - 1].mem, p.blob_addr);

	/* overlapping pieces */
	p.initrd_addr = 0x10024000;
	p.blob_addr = 0x10031000;
	assert_int_equal(kj_b_layout_segments(&p, k, sizeof(k), 0x5000, r, sizeof(r), b,
					   sizeof(b), seg, &n, &e), -1);
	assert_non_null(strstr(e.msg, "overlap"));
	/* the last piece runs past the region */
	p.initrd_addr = 0x10030000;
	p.blob_addr = p.region_end;
	assert_int_equal(kj_b_layout_segments(&p, k, sizeof(k), 0x5000, r, sizeof(r), b,
					   sizeof(b), seg, &n, &e), -1);
	assert_non_null(strstr(e.msg, "overrun"));
}

/* --- e820 ----------------------------------------------------------------- */

static void check_e820(const struct kj_b_layout *p, uint64_t blob_size,
		       const struct kj_memmap *mm, const struct kj_e820 *t, int n)
{
	struct kj_ranges want = { 0 }, got = { 0 };
	uint64_t blob_end = p->blob_addr + kj_align_up(blob_size, KJ_PAGE_SIZE);
	struct kj_err e = { 0 };

	assert_true(n > 0 && n <= KJ_E820_MAX);
	for (int i = 0; i < n; i++) {
		assert_true(t[i].size > 0);
		if (i)	/* sorted, and no two entries overlap */
			assert_true(t[i].addr >= t[i - 1].addr + t[i - 1].size);
	}
	/* RAM: exactly B's memory minus the blob */
	assert_int_equal(kj_ranges_add(&want, p->low_start, p->low_end, 1, &e), 0);
	assert_int_equal(kj_ranges_add(&want, p->region_start, p->region_end, 1, &e), 0);
	assert_int_equal(kj_ranges_subtract(&want, p->blob_addr, blob_end, &e), 0);
	kj_ranges_normalize(&want);
	for (int i = 0; i < n; i++)
		if (t[i].type == 1)
			assert_int_equal(kj_ranges_add(&got, t[i].addr, t[i].addr + t[i].size,
						       1, &e), 0);
	kj_ranges_normalize(&got);
	assert_int_equal(got.n, want.n);
	for (size_t i = 0; i < want.n; i++) {
		assert_int_equal(got.r[i].start, want.r[i].start);
		assert_int_equal(got.r[i].end, want.r[i].end);
	}
	kj_ranges_free(&got);
	/* the blob is reserved */
	{
		bool found = false;

		for (int i = 0; i < n; i++)
			if (t[i].addr <= p->blob_addr && t[i].addr + t[i].size >= blob_end) {
				assert_int_equal(t[i].type, KJ_MEM_RESERVED);
				found = true;
			}
		assert_true(found);
	}
	/* every other entry is a firmware range of A, with its type, outside
	 * B's memory; every firmware range outside B's memory is there */
	for (int i = 0; i < n; i++) {
		uint64_t s = t[i].addr, end = t[i].addr + t[i].size;
		bool ok = false;

		if (t[i].type == 1 || (s >= p->blob_addr && end <= blob_end))
			continue;
		assert_false(kj_ranges_overlaps(&want, s, end));
		for (size_t f = 0; f < mm->firmware.n; f++)
			if ((int)t[i].type == mm->firmware.r[f].type &&
			    mm->firmware.r[f].start <= s && end <= mm->firmware.r[f].end)
				ok = true;
		if (!ok)
			fail_msg("e820 entry 0x%llx+0x%llx type %u is not A's firmware",
				 (ull)s, (ull)t[i].size, t[i].type);
	}
	for (size_t f = 0; f < mm->firmware.n; f++) {
		const struct kj_range *r = &mm->firmware.r[f];

		for (uint64_t a = r->start; a < r->end; a += KJ_PAGE_SIZE) {
			bool in_b = kj_ranges_overlaps(&want, a, a + 1) ||
				(a >= p->blob_addr && a < blob_end);
			bool listed = false;

			for (int i = 0; i < n && !listed; i++)
				listed = (int)t[i].type == r->type && t[i].addr <= a &&
					 a < t[i].addr + t[i].size;
			assert_true(in_b != listed);
			if (r->end - r->start > 64 * MiB)
				a += 16 * MiB;	/* sample large ranges */
		}
	}
	kj_ranges_free(&want);
}

static void test_e820_qemu(void **state)
{
	struct kj_memmap mm;
	struct kj_b_layout_in in;
	struct kj_b_layout p;
	struct kj_e820 t[KJ_E820_MAX];
	struct kj_err e;
	int n = -1;

	parse(IOMEM_LOW IOMEM_HIGH, &mm);
	in = typical(&mm);
	assert_int_equal(make(&in, &p, &e), 0);
	assert_int_equal(kj_b_layout_e820(&p, in.blob_size, &mm, t, &n, &e), 0);
	check_e820(&p, in.blob_size, &mm, t, n);
	/* by hand: 8 firmware ranges, low RAM, RAM, blob, RAM */
	assert_int_equal(n, 12);
	assert_int_equal(t[0].addr, 0);
	assert_int_equal(t[0].size, 0x1000);
	assert_int_equal(t[0].type, 2);
	assert_int_equal(t[1].addr, 0x1000);
	assert_int_equal(t[1].size, 0x9e000);
	assert_int_equal(t[1].type, 1);
	assert_int_equal(t[4].addr, p.region_start);
	assert_int_equal(t[4].size, p.blob_addr - p.region_start);
	assert_int_equal(t[4].type, 1);
	assert_int_equal(t[5].addr, p.blob_addr);
	assert_int_equal(t[5].size, 3 * KJ_PAGE_SIZE);
	assert_int_equal(t[5].type, 2);
	assert_int_equal(t[6].addr, p.blob_addr + 3 * KJ_PAGE_SIZE);
	assert_int_equal(t[6].addr + t[6].size, p.region_end);
	assert_int_equal(t[6].type, 1);
	/* A's RAM above 4 GiB is not B's */
	for (int i = 0; i < n; i++)
		assert_true(t[i].addr + t[i].size <= 4 * GiB);
	kj_memmap_free(&mm);
}

/* Firmware ranges nested in the RAM B gets are clipped out; ACPI and NVS
 * keep their types. */
static void test_e820_firmware_in_region(void **state)
{
	static const char text[] =
		"00000000-00000fff : Reserved\n"
		"00001000-0009ffff : System RAM\n"
		"  00050000-00050fff : Reserved\n"
		"000f0000-000fffff : Reserved\n"
		"00100000-bffdffff : System RAM\n"
		"  01000000-01ffffff : Kernel code\n"
		"  40100000-401fffff : Reserved\n"
		"  48000000-48000fff : ACPI Non-volatile Storage\n"
		"bffe0000-bffeffff : ACPI Tables\n"
		"bfff0000-bfffffff : ACPI Non-volatile Storage\n"
		"fee00000-fee00fff : Local APIC\n"
		"  fee00000-fee00fff : Reserved\n";
	struct kj_memmap mm;
	struct kj_b_layout_in in;
	struct kj_b_layout p;
	struct kj_e820 t[KJ_E820_MAX];
	struct kj_err e;
	int n = -1;

	parse(text, &mm);
	in = typical(&mm);
	in.region_addr = 0x40000000;
	in.region_size = 256 * MiB;
	assert_int_equal(make(&in, &p, &e), 0);
	assert_int_equal(kj_b_layout_e820(&p, in.blob_size, &mm, t, &n, &e), 0);
	check_e820(&p, in.blob_size, &mm, t, n);
	for (int i = 0; i < n; i++) {
		if (t[i].addr == 0xbffe0000)
			assert_int_equal(t[i].type, KJ_MEM_ACPI);
		if (t[i].addr == 0xbfff0000)
			assert_int_equal(t[i].type, KJ_MEM_NVS);
		/* the nested ones lie in B's RAM: gone */
		assert_true(t[i].addr != 0x40100000 && t[i].addr != 0x48000000 &&
			    t[i].addr != 0x50000);
	}
	kj_memmap_free(&mm);
}

static void test_e820_too_many(void **state)
{
	size_t cap = 200 * 64, len = 0;
	char *text = malloc(cap);
	struct kj_memmap mm;
	struct kj_b_layout_in in;
	struct kj_b_layout p;
	struct kj_e820 t[KJ_E820_MAX];
	struct kj_err e;
	int n = -1;

	assert_non_null(text);
	len += snprintf(text + len, cap - len, "00001000-0009ffff : System RAM\n"
			"00100000-7fffffff : System RAM\n");
	for (int i = 0; i < 130; i++)
		len += snprintf(text + len, cap - len, "%llx-%llx : Reserved\n",
				(ull)(0x100000000ULL + i * 0x200000ULL),
				(ull)(0x100000000ULL + i * 0x200000ULL + 0xfff));
	parse(text, &mm);
	in = typical(&mm);
	assert_int_equal(make(&in, &p, &e), 0);
	assert_int_equal(kj_b_layout_e820(&p, in.blob_size, &mm, t, &n, &e), -1);
	assert_int_equal(e.code, E2BIG);
	assert_non_null(strstr(e.msg, "134 entries"));
	kj_memmap_free(&mm);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_size),
		cmocka_unit_test(test_make_qemu),
		cmocka_unit_test(test_make_below_4g),
		cmocka_unit_test(test_make_avoids_kernel),
		cmocka_unit_test(test_make_keep_out),
		cmocka_unit_test(test_make_kernel_align),
		cmocka_unit_test(test_make_low_range),
		cmocka_unit_test(test_make_kernel_min),
		cmocka_unit_test(test_make_explicit),
		cmocka_unit_test(test_make_explicit_keep_out),
		cmocka_unit_test(test_refuse_too_small),
		cmocka_unit_test(test_refuse_half_of_ram),
		cmocka_unit_test(test_refuse_no_low_ram),
		cmocka_unit_test(test_refuse_no_fit),
		cmocka_unit_test(test_segments),
		cmocka_unit_test(test_segments_hand_made),
		cmocka_unit_test(test_e820_qemu),
		cmocka_unit_test(test_e820_firmware_in_region),
		cmocka_unit_test(test_e820_too_many),
	};

	return cmocka_run_group_tests_name("b_layout", tests, NULL, NULL);
}
