// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/text.c: hex digits and hex strings; when a progress
 * line is due.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "../../lib/text.h"

static void test_hex_digit(void **state)
{
	(void)state;
	assert_int_equal(kj_hex_digit('0'), 0);
	assert_int_equal(kj_hex_digit('9'), 9);
	assert_int_equal(kj_hex_digit('a'), 10);
	assert_int_equal(kj_hex_digit('f'), 15);
	assert_int_equal(kj_hex_digit('A'), 10);
	assert_int_equal(kj_hex_digit('F'), 15);
	assert_int_equal(kj_hex_digit('g'), -1);
	assert_int_equal(kj_hex_digit('G'), -1);
	assert_int_equal(kj_hex_digit('x'), -1);
	assert_int_equal(kj_hex_digit(' '), -1);
	assert_int_equal(kj_hex_digit('\0'), -1);
	assert_int_equal(kj_hex_digit('/'), -1);
	assert_int_equal(kj_hex_digit(':'), -1);
}

static void test_hex_decode(void **state)
{
	static const uint8_t want[16] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	};
	uint8_t b[16];

	(void)state;
	memset(b, 0x5a, sizeof(b));
	assert_int_equal(kj_hex_decode("00112233445566778899aabbccddeeff", b, 16), 0);
	assert_memory_equal(b, want, 16);
	memset(b, 0x5a, sizeof(b));
	assert_int_equal(kj_hex_decode("00112233445566778899AABBCCDDEEFF", b, 16), 0);
	assert_memory_equal(b, want, 16);
	assert_int_equal(kj_hex_decode("", b, 0), 0);
	assert_int_equal(kj_hex_decode("7f", b, 1), 0);
	assert_int_equal(b[0], 0x7f);
}

static void test_hex_decode_refuses(void **state)
{
	uint8_t b[4];

	(void)state;
	assert_int_equal(kj_hex_decode("0011223", b, 4), -1);	/* short */
	assert_int_equal(kj_hex_decode("", b, 1), -1);
	assert_int_equal(kj_hex_decode("001122334", b, 4), -1);	/* long */
	assert_int_equal(kj_hex_decode("00", b, 0), -1);
	assert_int_equal(kj_hex_decode("0011g233", b, 4), -1);	/* not hex */
	assert_int_equal(kj_hex_decode(" 0112233", b, 4), -1);	/* what %2x took */
	assert_int_equal(kj_hex_decode("+1122334", b, 4), -1);
	assert_int_equal(kj_hex_decode("0x112233", b, 4), -1);
	assert_int_equal(kj_hex_decode("00112233\n", b, 4), -1);
}

/* Feed done = 0..total and list the percentages that got a line. */
static size_t lines(struct kj_progress *p, uint64_t total, int *out, size_t max)
{
	size_t n = 0;

	for (uint64_t d = 0; d <= total; d++) {
		int pct = kj_progress_due(p, d, total);

		if (pct >= 0 && n < max)
			out[n++] = pct;
	}
	return n;
}

static void test_progress_steps(void **state)
{
	struct kj_progress p = KJ_PROGRESS(25, false, 1.5);
	int got[16];

	(void)state;
	assert_true(p.t0 == 1.5);
	assert_int_equal(lines(&p, 8, got, 16), 5);
	assert_int_equal(got[0], 0);
	assert_int_equal(got[1], 25);
	assert_int_equal(got[2], 50);
	assert_int_equal(got[3], 75);
	assert_int_equal(got[4], 100);

	/* not every multiple is hit exactly: the first value past it is */
	p = KJ_PROGRESS(10, false, 0);
	assert_int_equal(lines(&p, 3, got, 16), 4);
	assert_int_equal(got[0], 0);
	assert_int_equal(got[1], 33);
	assert_int_equal(got[2], 66);
	assert_int_equal(got[3], 100);

	/* many calls, one line per step */
	p = KJ_PROGRESS(10, false, 0);
	assert_int_equal(lines(&p, 1000, got, 16), 11);
	for (int i = 0; i <= 10; i++)
		assert_int_equal(got[i], 10 * i);
}

static void test_progress_edges(void **state)
{
	struct kj_progress p = KJ_PROGRESS(10, true, 0);
	int got[16];

	(void)state;
	assert_int_equal(lines(&p, 100, got, 16), 0);		/* quiet */

	p = KJ_PROGRESS(10, false, 0);
	assert_int_equal(kj_progress_due(&p, 0, 0), 100);	/* nothing to do */
	assert_int_equal(kj_progress_due(&p, 0, 0), -1);

	p = KJ_PROGRESS(10, false, 0);
	assert_int_equal(kj_progress_due(&p, 5, 10), 50);	/* first call */
	assert_int_equal(kj_progress_due(&p, 5, 10), -1);	/* same again */
	assert_int_equal(kj_progress_due(&p, 5, 9), -1);	/* 55%: same step */
	assert_int_equal(kj_progress_due(&p, 6, 10), 60);

	/* page counts of a big machine: 64-bit arithmetic */
	p = KJ_PROGRESS(10, false, 0);
	assert_int_equal(kj_progress_due(&p, 1ULL << 40, 1ULL << 41), 50);

	p = KJ_PROGRESS(0, false, 0);				/* step 0: every change */
	assert_int_equal(kj_progress_due(&p, 1, 100), 1);
	assert_int_equal(kj_progress_due(&p, 1, 100), -1);
	assert_int_equal(kj_progress_due(&p, 2, 100), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_digit),
		cmocka_unit_test(test_hex_decode),
		cmocka_unit_test(test_hex_decode_refuses),
		cmocka_unit_test(test_progress_steps),
		cmocka_unit_test(test_progress_edges),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
