// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of lib/mountinfo.c: which mounts A tells B to fingerprint. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../lib/mountinfo.h"

static void test_mountinfo_lines(void **state)
{
	struct kj_mount m;
	char l1[] = "36 35 254:32 / /mnt/my\\040data rw,relatime shared:1 - ext4 /dev/vdc "
		    "rw,errors=remount-ro\n";
	char l2[] = "40 35 254:32 /sub /bind ro,relatime - ext4 /dev/vdc rw\n";
	char l3[] = "41 35 254:48 / /ro ro - ext4 /dev/vdd ro,relatime\n";
	char l4[] = "42 35 0:33 / /home rw master:2 shared:3 - btrfs /dev/sda2 rw,ssd\n";
	char l5[] = "22 1 0:21 / /tmp rw - tmpfs tmp rw\n";
	char l6[] = "43 35 254:1 / /x rw - ext4 /dev/vdx rwx\n";
	char bad1[] = "36 35 254:32 / /mnt rw,relatime ext4 /dev/vdc rw\n";
	char bad2[] = "36 35 254:32 / /mnt rw - ext4\n";
	char bad3[] = "36 35 nonsense / /mnt rw - ext4 /dev/vdc rw\n";
	char bad4[] = "";

	assert_int_equal(kj_mountinfo_parse(l1, &m), 0);
	assert_int_equal(m.major, 254);
	assert_int_equal(m.minor, 32);
	assert_string_equal(m.mountpoint, "/mnt/my data");
	assert_string_equal(m.fstype, "ext4");
	assert_string_equal(m.source, "/dev/vdc");
	assert_true(m.writable);
	/* a read-only bind of a writable filesystem: still writable */
	assert_int_equal(kj_mountinfo_parse(l2, &m), 0);
	assert_true(m.writable);
	assert_int_equal(kj_mountinfo_parse(l3, &m), 0);
	assert_false(m.writable);
	/* optional fields; btrfs shows an anonymous device number */
	assert_int_equal(kj_mountinfo_parse(l4, &m), 0);
	assert_int_equal(m.major, 0);
	assert_string_equal(m.fstype, "btrfs");
	assert_string_equal(m.source, "/dev/sda2");
	assert_true(m.writable);
	assert_int_equal(kj_mountinfo_parse(l5, &m), 0);
	assert_string_equal(m.fstype, "tmpfs");
	/* "rwx" is not "rw" */
	assert_int_equal(kj_mountinfo_parse(l6, &m), 0);
	assert_false(m.writable);
	assert_int_equal(kj_mountinfo_parse(bad1, &m), -1);
	assert_int_equal(kj_mountinfo_parse(bad2, &m), -1);
	assert_int_equal(kj_mountinfo_parse(bad3, &m), -1);
	assert_int_equal(kj_mountinfo_parse(bad4, &m), -1);
}

static void test_swaps_lines(void **state)
{
	char l1[] = "/dev/vdd                                partition\t32764\t0\t-2\n";
	char l2[] = "/swap\\040file file 1024 0 -3\n";
	char bad[] = "/dev/vdd\n";
	const char *f;
	bool part;

	assert_int_equal(kj_swaps_parse(l1, &f, &part), 0);
	assert_string_equal(f, "/dev/vdd");
	assert_true(part);
	assert_int_equal(kj_swaps_parse(l2, &f, &part), 0);
	assert_string_equal(f, "/swap file");
	assert_false(part);
	assert_int_equal(kj_swaps_parse(bad, &f, &part), -1);
}

static void test_unescape(void **state)
{
	char a[] = "a\\134b\\011c\\012d\\0";	/* backslash, tab, newline; a cut escape */
	char b[] = "\\400x";			/* not an octal byte: kept */

	kj_proc_unescape(a);
	assert_string_equal(a, "a\\b\tc\nd\\0");
	kj_proc_unescape(b);
	assert_string_equal(b, "\\400x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mountinfo_lines),
		cmocka_unit_test(test_swaps_lines),
		cmocka_unit_test(test_unescape),
	};

	return cmocka_run_group_tests_name("mountinfo", tests, NULL, NULL);
}
