// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/kexec.c: kj_segments_check, the kernel's rules for a
 * kexec segment list (count, empty and unaligned segments, data larger
 * than memory, overlap, wrap-around, the half-of-RAM limit). The system
 * calls themselves are not called here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../lib/kexec.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define RAM (2 * GiB)

static char data[64];

static void refused(const struct kj_segment *seg, int n, uint64_t ram, int code,
		    const char *w1, const char *w2)
{
	struct kj_err e = { 0 };
	int r = kj_segments_check(seg, n, ram, &e);

	if (r != -1 || !strstr(e.msg, w1) || (w2 && !strstr(e.msg, w2)))
		print_message("got %d: \"%s\"; wanted \"%s\"%s%s\n", r, e.msg, w1,
			      w2 ? " and " : "", w2 ? w2 : "");
	assert_int_equal(r, -1);
	assert_int_equal(e.code, code);
	assert_non_null(strstr(e.msg, w1));
	if (w2)
		assert_non_null(strstr(e.msg, w2));
}

static void passes(const struct kj_segment *seg, int n, uint64_t ram)
{
	struct kj_err e = { 0 };
	int r = kj_segments_check(seg, n, ram, &e);

	if (r)
		print_message("refused: %s\n", e.msg);
	assert_int_equal(r, 0);
}

static void test_valid_list(void **state)
{
	const struct kj_segment seg[] = {
		{ data, sizeof(data), 0x100000, 0x1000 },
		{ NULL, 0, 0x101000, 0x4000 },		/* touching: fine */
		{ data, 0x10, 0x7f000000, 0x200000 },
		{ data, 0, 0x1000, 0x1000 },
	};

	passes(seg, 4, RAM);
	passes(seg, 1, RAM);
}

static void test_segment_count(void **state)
{
	struct kj_segment seg[KJ_KEXEC_SEGMENT_MAX + 1];

	for (int i = 0; i <= KJ_KEXEC_SEGMENT_MAX; i++)
		seg[i] = (struct kj_segment){ data, 16, 0x100000 + i * 0x1000ULL, 0x1000 };
	refused(seg, 0, RAM, EINVAL, "no segments", NULL);
	refused(seg, -1, RAM, EINVAL, "no segments", NULL);
	refused(seg, KJ_KEXEC_SEGMENT_MAX + 1, RAM, E2BIG, "17 segments", "at most 16");
	passes(seg, KJ_KEXEC_SEGMENT_MAX, RAM);
}

static void test_empty_segment(void **state)
{
	const struct kj_segment seg[] = {
		{ data, 16, 0x100000, 0x1000 },
		{ NULL, 0, 0x200000, 0 },
	};

	refused(seg, 2, RAM, EINVAL, "segment 1 has no memory", "ENOMEM");
}

static void test_unaligned(void **state)
{
	struct kj_segment seg[] = {
		{ data, 16, 0x100800, 0x1000 },
	};

	refused(seg, 1, RAM, EINVAL, "segment 0 (0x100800+0x1000)", "page aligned");
	seg[0].mem = 0x100000;
	seg[0].memsz = 0x1800;
	refused(seg, 1, RAM, EINVAL, "0x100000+0x1800", "page aligned");
	seg[0].memsz = 0x1;
	refused(seg, 1, RAM, EINVAL, "page aligned", NULL);
	seg[0].memsz = 0x2000;
	passes(seg, 1, RAM);
}

static void test_bufsz_over_memsz(void **state)
{
	const struct kj_segment seg[] = {
		{ data, 0x1000, 0x100000, 0x1000 },
		{ data, 0x1001, 0x200000, 0x1000 },
	};

	refused(seg, 2, RAM, EINVAL, "segment 1 has 4097 bytes of data",
		"4096 bytes of memory");
}

static void test_overlap(void **state)
{
	struct kj_segment seg[] = {
		{ data, 16, 0x100000, 0x4000 },
		{ data, 16, 0x200000, 0x1000 },
		{ data, 16, 0x103000, 0x2000 },
	};

	refused(seg, 3, RAM, EINVAL, "segments 0 and 2 overlap",
		"0x100000+0x4000 and 0x103000+0x2000");
	/* one inside another */
	seg[2].mem = 0x1ff000;
	seg[2].memsz = 0x3000;
	refused(seg, 3, RAM, EINVAL, "segments 1 and 2 overlap", NULL);
	/* exactly the same place */
	seg[2] = seg[0];
	refused(seg, 3, RAM, EINVAL, "segments 0 and 2 overlap", NULL);
	/* touching is not overlapping */
	seg[2].mem = 0x104000;
	passes(seg, 3, RAM);
	seg[2].mem = 0xfc000;		/* ends where segment 0 starts */
	passes(seg, 3, RAM);
}

static void test_half_of_ram(void **state)
{
	struct kj_segment seg[] = {
		{ data, 16, 0x100000, 512 * MiB },
		{ data, 16, 0x40000000, 512 * MiB },
	};

	/* exactly half of 2 GiB: allowed */
	passes(seg, 2, RAM);
	/* one page more is not, and the message rounds that page up */
	seg[1].memsz += 0x1000;
	refused(seg, 2, RAM, E2BIG, "need 1025 MiB", "1024 MiB of 2048 MiB");
	seg[1].memsz = 1 * GiB;
	refused(seg, 2, RAM, E2BIG, "need 1536 MiB", "half of RAM");
	/* a smaller machine */
	seg[1].memsz = 0x1000;
	refused(seg, 2, 512 * MiB, E2BIG, "need 513 MiB", "256 MiB of 512 MiB");
	/* no RAM known at all */
	refused(seg, 1, 0, E2BIG, "0 MiB of 0 MiB", NULL);
}

static void test_wraparound(void **state)
{
	struct kj_segment seg[] = {
		{ data, 16, 0xfffffffffffff000ULL, 0x2000 },
	};

	refused(seg, 1, UINT64_MAX, EINVAL, "segment 0 wraps around", NULL);
	seg[0].memsz = 0x1000;		/* ends exactly at 2^64 */
	refused(seg, 1, UINT64_MAX, EINVAL, "wraps around", NULL);
	seg[0].mem = 0x1000;
	seg[0].memsz = 0xfffffffffffff000ULL;
	refused(seg, 1, UINT64_MAX, EINVAL, "wraps around", NULL);
}

/* A wrapped segment must not hide an overlap with a later one. */
static void test_wraparound_before_overlap(void **state)
{
	const struct kj_segment seg[] = {
		{ data, 16, 0x100000, 0x1000 },
		{ data, 16, 0xffffffffffff0000ULL, 0x20000 },
	};

	refused(seg, 2, UINT64_MAX, EINVAL, "segment 1 wraps around", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_list),
		cmocka_unit_test(test_segment_count),
		cmocka_unit_test(test_empty_segment),
		cmocka_unit_test(test_unaligned),
		cmocka_unit_test(test_bufsz_over_memsz),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_half_of_ram),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_wraparound_before_overlap),
	};

	return cmocka_run_group_tests_name("kexec", tests, NULL, NULL);
}
