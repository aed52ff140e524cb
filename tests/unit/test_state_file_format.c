// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/state_file_format.c: the text of kjump's state file.
 * The exact text for a full state, round trips (extremes included), the
 * text older kjumps wrote, and hostile text: NUL bytes, lines without '=',
 * duplicate keys, garbage and overflowing numbers, overlong strings,
 * strings with a newline on the way out, a buffer too small.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../lib/state_file_format.h"

static const char full_text[] =
	"loaded=1\nstale=0\nsame_kernel=1\nregion_start=0x7f000000\n"
	"region_end=0x80000000\nlow_start=0x90000\nlow_end=0x9f000\n"
	"entry=0x7f001000\npeer_entry=0x1234abcd\nswitches=42\nsince=1764633600\n"
	"kernel=/boot/vmlinuz-6.12.0 (test)\ninitrd=\npurpose=snapshot\n"
	"target=/dev/vdb\ntag=00112233445566778899aabbccddeeff\njob_map=0x8880000\n";

static struct kj_state full(void)
{
	struct kj_state st;

	memset(&st, 0, sizeof(st));
	st.role = 'a';
	st.loaded = true;
	st.same_kernel = true;
	st.region_start = 0x7f000000;
	st.region_end = 0x80000000;
	st.low_start = 0x90000;
	st.low_end = 0x9f000;
	st.entry = 0x7f001000;
	st.peer_entry = 0x1234abcd;
	st.switches = 42;
	st.since = 1764633600;
	snprintf(st.kernel, sizeof(st.kernel), "/boot/vmlinuz-6.12.0 (test)");
	snprintf(st.purpose, sizeof(st.purpose), "snapshot");
	snprintf(st.target, sizeof(st.target), "/dev/vdb");
	snprintf(st.tag, sizeof(st.tag), "00112233445566778899aabbccddeeff");
	st.job_map = 0x8880000;
	return st;
}

static void same(const struct kj_state *a, const struct kj_state *b)
{
	assert_int_equal(a->loaded, b->loaded);
	assert_int_equal(a->stale, b->stale);
	assert_int_equal(a->same_kernel, b->same_kernel);
	assert_int_equal(a->region_start, b->region_start);
	assert_int_equal(a->region_end, b->region_end);
	assert_int_equal(a->low_start, b->low_start);
	assert_int_equal(a->low_end, b->low_end);
	assert_int_equal(a->entry, b->entry);
	assert_int_equal(a->job_map, b->job_map);
	assert_int_equal(a->peer_entry, b->peer_entry);
	assert_int_equal(a->switches, b->switches);
	assert_int_equal(a->since, b->since);
	assert_string_equal(a->kernel, b->kernel);
	assert_string_equal(a->initrd, b->initrd);
	assert_string_equal(a->purpose, b->purpose);
	assert_string_equal(a->target, b->target);
	assert_string_equal(a->tag, b->tag);
}

static void decode_ok(const char *text, struct kj_state *st)
{
	struct kj_err e = { 0 };

	if (kj_state_decode(text, strlen(text), st, &e))
		fail_msg("[%s] refused: %s", text, e.msg);
}

static void decode_bad(const char *text, size_t len, const char *msg_part)
{
	struct kj_err e = { 0 };
	struct kj_state st;

	if (kj_state_decode(text, len, &st, &e) == 0)
		fail_msg("[%.*s] accepted", (int)len, text);
	assert_int_equal(e.code, EINVAL);
	if (!strstr(e.msg, msg_part))
		fail_msg("[%.*s]: message '%s' lacks '%s'", (int)len, text, e.msg, msg_part);
}

static void roundtrip(const struct kj_state *st)
{
	char buf[KJ_STATE_TEXT_MAX];
	struct kj_err e = { 0 };
	struct kj_state back;
	int n = kj_state_encode(st, buf, sizeof(buf), &e);

	if (n < 0)
		fail_msg("encode: %s", e.msg);
	assert_int_equal((size_t)n, strlen(buf));
	if (kj_state_decode(buf, (size_t)n, &back, &e))
		fail_msg("decode of [%s]: %s", buf, e.msg);
	same(st, &back);
	assert_int_equal(back.role, 0);	/* the file name says it */
}

/* The text is what kjump has always written: a.state files of a running
 * kjump stay readable after an upgrade. */
static void test_encode_exact(void **state)
{
	struct kj_state st = full();
	char buf[KJ_STATE_TEXT_MAX];
	struct kj_err e = { 0 };

	assert_int_equal(kj_state_encode(&st, buf, sizeof(buf), &e), strlen(full_text));
	assert_string_equal(buf, full_text);
}

static void test_decode_exact(void **state)
{
	struct kj_state st, want = full();

	decode_ok(full_text, &st);
	same(&st, &want);
}

static void test_roundtrips(void **state)
{
	struct kj_state st;

	memset(&st, 0, sizeof(st));
	roundtrip(&st);
	st = full();
	roundtrip(&st);
	st.region_start = st.region_end = st.low_start = st.low_end = UINT64_MAX;
	st.entry = st.peer_entry = UINT64_MAX;
	st.switches = (unsigned long)-1;
	st.since = -1;
	st.stale = true;
	memset(st.kernel, 'k', sizeof(st.kernel) - 1);	/* longest strings */
	memset(st.initrd, 'i', sizeof(st.initrd) - 1);
	memset(st.purpose, 'p', sizeof(st.purpose) - 1);
	memset(st.target, 't', sizeof(st.target) - 1);
	memset(st.tag, 'g', sizeof(st.tag) - 1);
	roundtrip(&st);
	snprintf(st.kernel, sizeof(st.kernel), "a=b=c with spaces\tand tab");
	roundtrip(&st);
}

static void test_decode_lenient(void **state)
{
	struct kj_state st;

	decode_ok("", &st);
	assert_int_equal(st.loaded, 0);
	decode_ok("\n\n", &st);
	decode_ok("loaded=1", &st);		/* no final newline */
	assert_int_equal(st.loaded, 1);
	decode_ok("future_key=whatever\nswitches=7\n", &st);	/* a newer kjump's */
	assert_int_equal(st.switches, 7);
	decode_ok("entry=4096\nsince=-5\n", &st);	/* decimal is fine too */
	assert_int_equal(st.entry, 4096);
	assert_int_equal(st.since, -5);
	decode_ok("kernel=\n", &st);
	assert_string_equal(st.kernel, "");
}

static void test_decode_hostile(void **state)
{
	char big[600];

	decode_bad("loaded=1\0stale=1\n", 17, "NUL");
	decode_bad("loaded\n", 7, "line 1");
	decode_bad("loaded=1\nswitches\n", 18, "line 2");
	decode_bad("loaded=1\nloaded=0\n", 18, "line 2");		/* duplicate */
	decode_bad("target=/a\ntarget=/b\n", 20, "line 2");
	decode_bad("loaded=2\n", 9, "line 1");
	decode_bad("loaded=\n", 8, "line 1");
	decode_bad("loaded=yes\n", 11, "line 1");
	decode_bad("entry=\n", 7, "line 1");
	decode_bad("entry=0xzz\n", 11, "line 1");
	decode_bad("entry=12abc\n", 12, "line 1");
	decode_bad("entry= 1\n", 9, "line 1");
	decode_bad("entry=-1\n", 9, "line 1");
	decode_bad("entry=+1\n", 9, "line 1");
	decode_bad("entry=0x10000000000000000\n", 26, "line 1");
	decode_bad("switches=-1\n", 12, "line 1");
	decode_bad("since=9223372036854775808\n", 26, "line 1");
	decode_bad("since=--1\n", 10, "line 1");
	decode_bad("tag=00112233445566778899aabbccddeeff0\n", 38, "line 1");
	decode_bad("purpose=0123456789012345678901234567890123\n", 43, "line 1");
	memset(big, 'x', sizeof(big));
	memcpy(big, "kernel=", 7);
	decode_bad(big, sizeof(big), "line 1");
	memcpy(big, "entry=", 6);
	decode_bad(big, sizeof(big), "line 1");
}

static void test_encode_refused(void **state)
{
	struct kj_state st = full();
	char buf[KJ_STATE_TEXT_MAX];
	struct kj_err e = { 0 };

	/* a newline would let a path add lines of its own ("\nloaded=0") */
	snprintf(st.target, sizeof(st.target), "/dev/vdb\nloaded=0");
	assert_int_equal(kj_state_encode(&st, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.code, EINVAL);
	assert_non_null(strstr(e.msg, "target"));
	st = full();
	memset(st.tag, 'a', sizeof(st.tag));	/* no NUL inside the array */
	assert_int_equal(kj_state_encode(&st, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.code, EINVAL);
	st = full();
	assert_int_equal(kj_state_encode(&st, buf, 64, &e), -1);
	assert_int_equal(e.code, E2BIG);
	assert_int_equal(kj_state_encode(&st, buf, strlen(full_text), &e), -1);
	assert_int_equal(kj_state_encode(&st, buf, strlen(full_text) + 1, &e),
			 strlen(full_text));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_exact),
		cmocka_unit_test(test_decode_exact),
		cmocka_unit_test(test_roundtrips),
		cmocka_unit_test(test_decode_lenient),
		cmocka_unit_test(test_decode_hostile),
		cmocka_unit_test(test_encode_refused),
	};

	return cmocka_run_group_tests_name("state_file_format", tests, NULL, NULL);
}
