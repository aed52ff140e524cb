// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/b_command_line.c: B's job (kj_b_job_parse) and A's
 * re-entry address (kj_b_reentry_parse) from B's kernel command line, as
 * src/b_loader.c and src/cmd_snapshot.c write it, and hostile variants:
 * partial key matches (kjump.b=10, xkjump.b=1), missing '=', duplicates
 * (the last one counts, as for kernel parameters), overlong values,
 * garbage and out-of-range numbers, the empty string.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../lib/b_command_line.h"
#include "../../lib/image_format.h"

#define TAG "00112233445566778899aabbccddeeff"
#define TAG_BYTES 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, \
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff
#define ENTRY "kjump.b=1 kexec_jump_back_entry=0x000000007f001000"
/* What `kjump snapshot` and b_loader.c make of it. */
#define SNAPSHOT "quiet console=ttyS0 rdinit=/init kjump.to=/dev/vdb kjump.tag=" TAG \
	" kjump.kind=snapshot kjump.threads=4 kjump.level=-3 elfcorehdr=0x7e000000 " ENTRY

static void job_ok(const char *cmdline, struct kj_b_job *j)
{
	struct kj_err e = { 0 };

	if (kj_b_job_parse(cmdline, j, &e))
		fail_msg("[%s] refused: %s", cmdline, e.msg);
}

static void job_bad(const char *cmdline, const char *msg_part)
{
	struct kj_err e = { 0 };
	struct kj_b_job j;

	if (kj_b_job_parse(cmdline, &j, &e) == 0)
		fail_msg("[%s] accepted (to '%s', threads %u, level %d)", cmdline, j.to,
			 j.threads, j.level);
	assert_int_equal(e.code, EINVAL);
	if (!strstr(e.msg, msg_part))
		fail_msg("[%s]: message '%s' lacks '%s'", cmdline, e.msg, msg_part);
}

static void test_job_snapshot(void **state)
{
	static const uint8_t tag[16] = { TAG_BYTES };
	struct kj_b_job j;

	job_ok(SNAPSHOT, &j);
	assert_string_equal(j.to, "/dev/vdb");
	assert_memory_equal(j.tag, tag, 16);
	assert_int_equal(j.kind, KJ_IMG_SNAPSHOT);
	assert_int_equal(j.threads, 4);
	assert_int_equal(j.level, -3);
}

static void test_job_defaults_and_hibernation(void **state)
{
	struct kj_b_job j;

	job_ok("kjump.to=/dev/sda2 kjump.tag=" TAG, &j);
	assert_int_equal(j.kind, KJ_IMG_SNAPSHOT);
	assert_int_equal(j.threads, 0);
	assert_int_equal(j.level, 0);
	job_ok("kjump.kind=hibernation kjump.to=/dev/sda2 kjump.tag=" TAG "\n", &j);
	assert_int_equal(j.kind, KJ_IMG_HIBERNATION);
	job_ok("kjump.to=/x kjump.tag=" TAG " kjump.threads=256 kjump.level=19", &j);
	assert_int_equal(j.threads, 256);
	assert_int_equal(j.level, 19);
	job_ok("kjump.to=/x kjump.tag=" TAG " kjump.tag=FFEEDDCCBBAA99887766554433221100",
	       &j);	/* upper case hex */
	assert_int_equal(j.tag[0], 0xff);
}

/* The kernel takes key="value with spaces"; so does B. */
/* kjump hibernate --resume-reserve: bytes, 0 when not given (B's default). */
static void test_job_resume_reserve(void **state)
{
	struct kj_b_job j;

	job_ok("kjump.to=/x kjump.tag=" TAG, &j);
	assert_int_equal(j.resume_reserve, 0);
	job_ok("kjump.to=/x kjump.tag=" TAG " kjump.kind=hibernation "
	       "kjump.resume_reserve=1073741824", &j);
	assert_int_equal(j.resume_reserve, 1ULL << 30);
	job_ok("kjump.to=/x kjump.tag=" TAG " kjump.resume_reserve=5 "
	       "kjump.resume_reserve=4096", &j);
	assert_int_equal(j.resume_reserve, 4096);
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.resume_reserve=0", "kjump.resume_reserve=");
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.resume_reserve=1G", "kjump.resume_reserve=");
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.resume_reserve=-1", "kjump.resume_reserve=");
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.resume_reserve=2251799813685249",
		"from 1 to 2^50");
}

/* kjump.map=BYTES: an image file's map (lib/file_map.h); 0 when none. */
static void test_job_map(void **state)
{
	struct kj_b_job j;

	job_ok("kjump.to=/x kjump.tag=" TAG, &j);
	assert_int_equal(j.map_physical, 0);
	job_ok("kjump.to=/x kjump.tag=" TAG " kjump.map=143130624", &j);
	assert_int_equal(j.map_physical, 143130624);
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.map=143130625", "4 KiB blocks");
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.map=0", "kjump.map=");
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.map=0x1000", "kjump.map=");
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.map=-4096", "kjump.map=");
}

static void test_job_quoted(void **state)
{
	struct kj_b_job j;

	job_ok("kjump.to=\"/mnt/my images/a.kjimg\" kjump.tag=" TAG, &j);
	assert_string_equal(j.to, "/mnt/my images/a.kjimg");
	job_ok("\"kjump.to=/a b\" kjump.tag=" TAG, &j);
	assert_string_equal(j.to, "/a b");
}

/* The last word of a key counts, as for kernel parameters: kjump's own
 * words come after anything the user appended. */
static void test_job_duplicates(void **state)
{
	struct kj_b_job j;

	job_ok("kjump.to=/user kjump.threads=9 kjump.kind=hibernation "
	       "kjump.to=/dev/vdb kjump.tag=" TAG " kjump.threads=2 kjump.kind=snapshot", &j);
	assert_string_equal(j.to, "/dev/vdb");
	assert_int_equal(j.threads, 2);
	assert_int_equal(j.kind, KJ_IMG_SNAPSHOT);
}

static void test_job_partial_keys(void **state)
{
	struct kj_b_job j;

	/* look-alike keys are other parameters, not kjump's */
	job_bad("xkjump.to=/dev/vdb kjump.tag=" TAG, "kjump.to=");
	job_bad("kjump.tox=/dev/vdb kjump.tag=" TAG, "kjump.to=");
	job_bad("kjump.to=/dev/vdb kjump.tags=" TAG, "kjump.tag=");
	job_ok("kjump.to=/x kjump.tag=" TAG " kjump.threadsx=7 xkjump.level=5 "
	       "kjump.kind.x=hibernation", &j);
	assert_int_equal(j.threads, 0);
	assert_int_equal(j.level, 0);
	assert_int_equal(j.kind, KJ_IMG_SNAPSHOT);
}

static void test_job_missing(void **state)
{
	job_bad("", "kjump.to=");
	job_bad("   \n", "kjump.to=");
	job_bad("kjump.tag=" TAG, "kjump.to=");
	job_bad("kjump.to=/dev/vdb", "kjump.tag=");
	job_bad("kjump.to kjump.tag=" TAG, "kjump.to=");	/* no '=' */
	job_bad("kjump.to= kjump.tag=" TAG, "kjump.to=");	/* empty */
	job_bad("kjump.to=/dev/vdb kjump.tag", "kjump.tag=");
}

static void test_job_bad_tag(void **state)
{
	job_bad("kjump.to=/x kjump.tag=", "kjump.tag=");
	job_bad("kjump.to=/x kjump.tag=0011", "kjump.tag=");
	job_bad("kjump.to=/x kjump.tag=" TAG "00", "kjump.tag=");
	job_bad("kjump.to=/x kjump.tag=0g112233445566778899aabbccddeeff", "kjump.tag=");
	job_bad("kjump.to=/x kjump.tag= 0112233445566778899aabbccddeeff", "kjump.tag=");
	job_bad("kjump.to=/x kjump.tag=\" 0112233445566778899aabbccddeeff\"", "kjump.tag=");
	job_bad("kjump.to=/x kjump.tag=+0112233445566778899aabbccddeeff", "kjump.tag=");
}

/* A target path cut to fit would name another file or device. */
static void test_job_overlong(void **state)
{
	char cmd[8192], path[4096];

	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = 0;
	path[0] = '/';
	path[255] = 0;		/* 255 bytes: the longest that fits */
	snprintf(cmd, sizeof(cmd), "kjump.to=%s kjump.tag=" TAG, path);
	{
		struct kj_b_job j;

		job_ok(cmd, &j);
		assert_string_equal(j.to, path);
	}
	path[255] = 'a';
	path[256] = 0;
	snprintf(cmd, sizeof(cmd), "kjump.to=%s kjump.tag=" TAG, path);
	job_bad(cmd, "too long");
	/* a command line longer than any kernel's still parses to the end */
	path[256] = 'a';
	snprintf(cmd, sizeof(cmd), "%s kjump.to=/x kjump.tag=" TAG, path + 1);
	{
		struct kj_b_job j;

		job_ok(cmd, &j);
		assert_string_equal(j.to, "/x");
	}
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.threads=00000000000000000000000000000004",
		"kjump.threads=");
}

static void test_job_bad_numbers(void **state)
{
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.threads=", "kjump.threads=");
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.threads=four", "kjump.threads=");
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.threads=4x", "kjump.threads=");
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.threads=-1", "kjump.threads=");
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.threads=257", "kjump.threads=");
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.threads=4294967297", "kjump.threads=");
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.level=", "kjump.level=");
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.level=fast", "kjump.level=");
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.level=2147483648", "kjump.level=");
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.level=-99999999999", "kjump.level=");
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.kind=hibernate", "kjump.kind=");
	job_bad("kjump.to=/x kjump.tag=" TAG " kjump.kind", "kjump.kind=");
}

/* ---- A's re-entry address ---- */

static void entry_ok(const char *cmdline, uint64_t want)
{
	struct kj_err e = { 0 };
	uint64_t v = 1;

	if (kj_b_reentry_parse(cmdline, &v, &e))
		fail_msg("[%s] refused: %s", cmdline, e.msg);
	assert_int_equal(v, want);
}

static void entry_bad(const char *cmdline, int code)
{
	struct kj_err e = { 0 };
	uint64_t v = 1;

	if (kj_b_reentry_parse(cmdline, &v, &e) == 0)
		fail_msg("[%s] accepted: 0x%llx", cmdline, (unsigned long long)v);
	assert_int_equal(e.code, code);
	assert_int_equal(v, 0);
}

static void test_entry_ok(void **state)
{
	entry_ok(SNAPSHOT, 0x7f001000);
	entry_ok("console=ttyS0 " ENTRY, 0x7f001000);
	entry_ok(ENTRY "\n", 0x7f001000);	/* /proc/cmdline ends in a newline */
	entry_ok("kexec_jump_back_entry=0xffffffffffffffff kjump.b=1", UINT64_MAX);
	entry_ok("kjump.b=1 kexec_jump_back_entry=0x1234", 0x1234);
}

/* kjump.b=1 must be a word of its own with the value 1. */
static void test_entry_not_b(void **state)
{
	entry_bad("", EPERM);
	entry_bad("quiet console=ttyS0", EPERM);
	entry_bad("kexec_jump_back_entry=0x7f001000", EPERM);
	entry_bad("kjump.b=1", EPERM);
	entry_bad("kjump.b=10 kexec_jump_back_entry=0x7f001000", EPERM);
	entry_bad("xkjump.b=1 kexec_jump_back_entry=0x7f001000", EPERM);
	entry_bad("kjump.bb=1 kexec_jump_back_entry=0x7f001000", EPERM);
	entry_bad("kjump.b kexec_jump_back_entry=0x7f001000", EPERM);
	entry_bad("kjump.b=0 kexec_jump_back_entry=0x7f001000", EPERM);
	entry_bad("kjump.b=1 kjump.b=0 kexec_jump_back_entry=0x7f001000", EPERM);
	entry_bad("kjump.b=1 xkexec_jump_back_entry=0x7f001000", EPERM);
	entry_bad("kjump.b=1 kexec_jump_back_entry", EPERM);
	entry_bad("foo=\"kjump.b=1\" kexec_jump_back_entry=0x7f001000", EPERM);
}

static void test_entry_bad_value(void **state)
{
	/* the purgatory did not fill in the placeholder */
	entry_bad("kjump.b=1 kexec_jump_back_entry=0x0000000000000000", EINVAL);
	entry_bad("kjump.b=1 kexec_jump_back_entry=", EINVAL);
	entry_bad("kjump.b=1 kexec_jump_back_entry=0x", EINVAL);
	entry_bad("kjump.b=1 kexec_jump_back_entry=0x7f00zz00", EINVAL);
	entry_bad("kjump.b=1 kexec_jump_back_entry=zz", EINVAL);
	entry_bad("kjump.b=1 kexec_jump_back_entry=0x10000000000000000", EINVAL);
	entry_bad("kjump.b=1 kexec_jump_back_entry=-0x1000", EINVAL);
	entry_bad("kjump.b=1 kexec_jump_back_entry=0x7f001000 "
		  "kexec_jump_back_entry=0x0000000000000000", EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_job_snapshot),
		cmocka_unit_test(test_job_defaults_and_hibernation),
		cmocka_unit_test(test_job_resume_reserve),
		cmocka_unit_test(test_job_map),
		cmocka_unit_test(test_job_quoted),
		cmocka_unit_test(test_job_duplicates),
		cmocka_unit_test(test_job_partial_keys),
		cmocka_unit_test(test_job_missing),
		cmocka_unit_test(test_job_bad_tag),
		cmocka_unit_test(test_job_overlong),
		cmocka_unit_test(test_job_bad_numbers),
		cmocka_unit_test(test_entry_ok),
		cmocka_unit_test(test_entry_not_b),
		cmocka_unit_test(test_entry_bad_value),
	};

	return cmocka_run_group_tests_name("b_command_line", tests, NULL, NULL);
}
