// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/kernel_command_line.c: words, keys and values as the
 * kernel's next_arg() splits them (white space of every kind, quotes
 * around values and around whole words, an '=' in the value, keys without
 * a value, a lone quote, an unterminated quote), and exact key matching.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../lib/kernel_command_line.h"

/* The words of `text` as "key" or "key=val", joined by '|'. */
static void split(const char *text, char *out, size_t n)
{
	struct kj_cmdline_word w;
	const char *p = text;
	size_t used = 0;

	out[0] = 0;
	while (kj_cmdline_next(&p, &w)) {
		int k;

		if (w.val)
			k = snprintf(out + used, n - used, "%s%.*s=%.*s", used ? "|" : "",
				     (int)w.key_len, w.key, (int)w.val_len, w.val);
		else
			k = snprintf(out + used, n - used, "%s%.*s", used ? "|" : "",
				     (int)w.key_len, w.key);
		assert_true(k >= 0 && (size_t)k < n - used);
		used += (size_t)k;
	}
	assert_true(*p == 0);	/* the cursor ends at the end of the text */
}

static void expect(const char *text, const char *want)
{
	char got[1024];

	split(text, got, sizeof(got));
	if (strcmp(got, want))
		fail_msg("[%s] -> [%s], want [%s]", text, got, want);
}

static void test_plain_words(void **state)
{
	expect("", "");
	expect("   ", "");
	expect("quiet", "quiet");
	expect("console=ttyS0,115200 quiet rdinit=/init",
	       "console=ttyS0,115200|quiet|rdinit=/init");
	expect("  a=1   b=2  ", "a=1|b=2");
	expect("a=1\tb=2\nc=3\r\vd\fe", "a=1|b=2|c=3|d|e");
	expect("a=b=c", "a=b=c");	/* the first '=' splits */
	expect("a=", "a=");		/* empty value, not no value */
	expect("-- init args", "--|init|args");
}

static void test_quotes(void **state)
{
	expect("k=\"a b\" x", "k=a b|x");
	expect("\"k=a b\" x", "k=a b|x");
	expect("\"a b\" x", "a b|x");
	expect("k=\"\" x", "k=|x");
	expect("k=a\"b c\"d x", "k=a\"b c\"d|x");	/* inner quotes stay */
	expect("k=\"a\"b x", "k=a\"b|x");		/* only a final quote goes */
	expect("\"", "");
	expect("k=\"", "k=");
	expect("k=\"unterminated rest of line", "k=unterminated rest of line");
}

static void test_leading_equals(void **state)
{
	/* as in the kernel: an '=' at the start of a word is no separator */
	expect("=x", "=x");
	expect("=x=y", "=x=y");
}

static void test_key_match(void **state)
{
	struct kj_cmdline_word w;
	const char *p = "kjump.b=10 xkjump.b=1 kjump.b kjump.b=1";

	assert_true(kj_cmdline_next(&p, &w));
	assert_true(kj_cmdline_is(&w, "kjump.b"));
	assert_false(kj_cmdline_is(&w, "kjump"));
	assert_false(kj_cmdline_is(&w, "kjump.b="));
	assert_int_equal(w.val_len, 2);
	assert_true(kj_cmdline_next(&p, &w));
	assert_false(kj_cmdline_is(&w, "kjump.b"));
	assert_true(kj_cmdline_next(&p, &w));
	assert_true(kj_cmdline_is(&w, "kjump.b"));
	assert_null(w.val);
	assert_true(kj_cmdline_next(&p, &w));
	assert_true(kj_cmdline_is(&w, "kjump.b"));
	assert_int_equal(w.val_len, 1);
	assert_false(kj_cmdline_next(&p, &w));
	assert_false(kj_cmdline_next(&p, &w));	/* and stays at the end */
}

static void test_null(void **state)
{
	struct kj_cmdline_word w;
	const char *p = NULL;

	assert_false(kj_cmdline_next(&p, &w));
	assert_false(kj_cmdline_next(NULL, &w));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_words),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_leading_equals),
		cmocka_unit_test(test_key_match),
		cmocka_unit_test(test_null),
	};

	return cmocka_run_group_tests_name("kernel_command_line", tests, NULL, NULL);
}
