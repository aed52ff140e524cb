// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/text.c: hex digits and hex strings.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_digit),
		cmocka_unit_test(test_hex_decode),
		cmocka_unit_test(test_hex_decode_refuses),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
