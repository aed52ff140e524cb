// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/number.c: kj_parse_u64, the parser behind every
 * numeric option of kjump (sizes, addresses, counts). Good forms in every
 * base and unit, then hostile input: empty, signs, spaces, garbage,
 * trailing text, overflow with and without a unit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "../../lib/number.h"

static void good(const char *s, uint64_t want)
{
	struct kj_err e = { 0 };
	uint64_t v = 0xdeadbeef;

	if (kj_parse_u64(s, &v, &e))
		fail_msg("'%s' refused: %s", s, e.msg);
	if (v != want)
		fail_msg("'%s' -> %llu, want %llu", s, (unsigned long long)v,
			 (unsigned long long)want);
}

static void bad(const char *s, int code)
{
	struct kj_err e = { 0 };
	uint64_t v = 0xdeadbeef;

	if (kj_parse_u64(s, &v, &e) == 0)
		fail_msg("'%s' accepted as %llu", s ? s : "(null)", (unsigned long long)v);
	assert_int_equal(e.code, code);
	assert_true(e.msg[0]);
	assert_int_equal(v, 0xdeadbeef);	/* untouched on failure */
}

static void test_plain(void **state)
{
	good("0", 0);
	good("1", 1);
	good("4096", 4096);
	good("0x1000", 0x1000);
	good("0X1000", 0x1000);
	good("0xffffffffffffffff", UINT64_MAX);
	good("18446744073709551615", UINT64_MAX);
	good("010", 8);		/* strtoull base 0: leading 0 is octal */
}

static void test_units(void **state)
{
	good("64K", 64 << 10);
	good("64k", 64 << 10);
	good("64KiB", 64 << 10);
	good("64KB", 64 << 10);
	good("64Ki", 64 << 10);
	good("256M", 256ULL << 20);
	good("256MiB", 256ULL << 20);
	good("1G", 1ULL << 30);
	good("1g", 1ULL << 30);
	good("0x10M", 16ULL << 20);
	good("0K", 0);
	good("17179869183G", 17179869183ULL << 30);	/* largest that fits */
}

static void test_refused(void **state)
{
	bad(NULL, EINVAL);
	bad("", EINVAL);
	bad("-1", EINVAL);
	bad("abc", EINVAL);
	bad("0x", EINVAL);
	bad("12abc", EINVAL);
	bad("12 ", EINVAL);
	bad("1.5G", EINVAL);
	bad("64T", EINVAL);
	bad("64KiBB", EINVAL);
	bad("64iB", EINVAL);	/* "i" and "B" only after a unit */
	bad("64B", EINVAL);
	bad("64KK", EINVAL);
	bad("0x1g0", EINVAL);
}

/* strtoull skips leading space and takes a sign, so " -1" would come
 * back as 2^64 - 1: the text must start with a digit. */
static void test_sign_and_space(void **state)
{
	bad(" -1", EINVAL);
	bad("\t-4096", EINVAL);
	bad(" 1", EINVAL);
	bad("+1", EINVAL);
	bad("\n5", EINVAL);
}

static void test_overflow(void **state)
{
	bad("18446744073709551616", ERANGE);
	bad("0x10000000000000000", ERANGE);
	bad("99999999999999999999999999", ERANGE);
	bad("17179869184G", ERANGE);
	bad("0xffffffffffffffffK", ERANGE);
	bad("17592186044416M", ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_sign_and_space),
		cmocka_unit_test(test_overflow),
	};

	return cmocka_run_group_tests_name("number", tests, NULL, NULL);
}
