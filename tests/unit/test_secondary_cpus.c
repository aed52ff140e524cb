// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/secondary_cpus.c: the sysfs CPU list, and taking
 * CPUs offline and online again in a directory laid out as
 * /sys/devices/system/cpu (regular files here; what the kernel does with
 * the writes, the VM scenarios show).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/secondary_cpus.h"

static void expect_list(const char *text, const unsigned *want, unsigned n)
{
	struct kj_err e = { 0 };
	unsigned *cpu, count;

	if (kj_cpu_list_parse(text, &cpu, &count, &e))
		fail_msg("'%s' refused: %s", text, e.msg);
	assert_int_equal(count, n);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(cpu[i], want[i]);
	if (!n)
		assert_null(cpu);
	free(cpu);
}

static void expect_refused(const char *text)
{
	struct kj_err e = { 0 };
	unsigned *cpu = (unsigned *)&e, count = 7;

	if (kj_cpu_list_parse(text, &cpu, &count, &e) == 0)
		fail_msg("'%s' was taken as a list of %u CPUs", text, count);
	assert_null(cpu);
	assert_int_equal(count, 0);
	assert_non_null(strstr(e.msg, "is not a list of CPUs"));
}

static void test_list_parse(void **state)
{
	static const unsigned a[] = { 0, 1, 2, 3, 8, 10, 11 }, b[] = { 5 },
		c[] = { 1, 2 }, d[] = { 0, 65535 };

	(void)state;
	expect_list("0-3,8,10-11\n", a, 7);
	expect_list("0-3,8,10-11", a, 7);
	expect_list("5\n", b, 1);
	expect_list("1,1-2,2", c, 2);	/* repeats count once */
	expect_list("", NULL, 0);	/* a list may be empty */
	expect_list("\n", NULL, 0);
	expect_list("0,65535", d, 2);
}

static void test_list_refused(void **state)
{
	(void)state;
	expect_refused("3-1");
	expect_refused("1,,2");
	expect_refused("1,");
	expect_refused(",1");
	expect_refused("a");
	expect_refused("0-");
	expect_refused("-3");
	expect_refused("0 1");
	expect_refused("65536");
	expect_refused("4294967297");
	expect_refused("0-3\nx");
}

/* A directory laid out like /sys/devices/system/cpu: "online" holds
 * ONLINE, and cpuN/online (value 1) exists for each N in HOTPLUG. */
static char *make_cpu_dir(const char *online, const unsigned *hotplug, unsigned n)
{
	char tmpl[] = "/tmp/kjump-cpus-XXXXXX", path[256];
	char *dir = mkdtemp(tmpl);
	FILE *fp;

	assert_non_null(dir);
	dir = strdup(dir);
	snprintf(path, sizeof(path), "%s/online", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(online, fp);
	fclose(fp);
	for (unsigned i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/cpu%u", dir, hotplug[i]);
		assert_int_equal(mkdir(path, 0755), 0);
		snprintf(path, sizeof(path), "%s/cpu%u/online", dir, hotplug[i]);
		fp = fopen(path, "w");
		assert_non_null(fp);
		fputs("1\n", fp);
		fclose(fp);
	}
	return dir;
}

static char cpu_value(const char *dir, unsigned cpu)
{
	char path[256], c = '?';
	FILE *fp;

	snprintf(path, sizeof(path), "%s/cpu%u/online", dir, cpu);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_int_equal(fread(&c, 1, 1, fp), 1);
	fclose(fp);
	return c;
}

static void remove_dir(char *dir)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

/* The lowest online CPU stays; a CPU without an online file is left
 * alone; offline CPUs are not touched; all come back. */
static void test_offline_then_online(void **state)
{
	static const unsigned hot[] = { 2, 3, 5, 7, 9 };
	struct kj_offlined_cpus o;
	struct kj_err e = { 0 };
	char *dir = make_cpu_dir("2-5,7\n", hot, 5);	/* 4: online, no file; 9: offline */

	(void)state;
	assert_int_equal(kj_secondary_cpus_offline(dir, &o, &e), 0);
	assert_int_equal(o.count, 3);
	assert_int_equal(o.cpu[0], 3);
	assert_int_equal(o.cpu[1], 5);
	assert_int_equal(o.cpu[2], 7);
	assert_int_equal(cpu_value(dir, 2), '1');
	assert_int_equal(cpu_value(dir, 3), '0');
	assert_int_equal(cpu_value(dir, 5), '0');
	assert_int_equal(cpu_value(dir, 7), '0');
	assert_int_equal(cpu_value(dir, 9), '1');
	assert_int_equal(kj_secondary_cpus_online(dir, &o, &e), 0);
	assert_int_equal(o.count, 0);
	assert_null(o.cpu);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(cpu_value(dir, hot[i]), '1');
	remove_dir(dir);
}

/* One CPU online, or none that can go: nothing to do. */
static void test_nothing_to_take(void **state)
{
	static const unsigned hot[] = { 1 };
	struct kj_offlined_cpus o;
	struct kj_err e = { 0 };
	char *dir = make_cpu_dir("0\n", hot, 1);

	(void)state;
	assert_int_equal(kj_secondary_cpus_offline(dir, &o, &e), 0);
	assert_int_equal(o.count, 0);
	assert_int_equal(cpu_value(dir, 1), '1');
	assert_int_equal(kj_secondary_cpus_online(dir, &o, &e), 0);
	remove_dir(dir);
	dir = make_cpu_dir("0-1\n", NULL, 0);	/* cpu1 has no online file */
	assert_int_equal(kj_secondary_cpus_offline(dir, &o, &e), 0);
	assert_int_equal(o.count, 0);
	assert_null(o.cpu);
	remove_dir(dir);
}

/* A CPU that refuses stops the walk; those before it are listed, to come
 * back online. */
static void test_refusal(void **state)
{
	static const unsigned hot[] = { 1, 3 };
	struct kj_offlined_cpus o;
	struct kj_err e = { 0 };
	char *dir = make_cpu_dir("0-3\n", hot, 2), path[256];

	(void)state;
	/* cpu2/online a directory: the write fails (EISDIR) */
	snprintf(path, sizeof(path), "%s/cpu2", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/cpu2/online", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(kj_secondary_cpus_offline(dir, &o, &e), -1);
	assert_non_null(strstr(e.msg, "CPU 2 did not go offline"));
	assert_int_equal(o.count, 1);
	assert_int_equal(o.cpu[0], 1);
	assert_int_equal(cpu_value(dir, 1), '0');
	assert_int_equal(cpu_value(dir, 3), '1');	/* not tried */
	assert_int_equal(kj_secondary_cpus_online(dir, &o, &e), 0);
	assert_int_equal(cpu_value(dir, 1), '1');
	remove_dir(dir);
}

/* A CPU that does not come back is named with the command; the others
 * still come back. */
static void test_stays_offline(void **state)
{
	static const unsigned hot[] = { 1, 2, 3 };
	struct kj_offlined_cpus o;
	struct kj_err e = { 0 };
	char *dir = make_cpu_dir("0-3\n", hot, 3), path[256];

	(void)state;
	assert_int_equal(kj_secondary_cpus_offline(dir, &o, &e), 0);
	assert_int_equal(o.count, 3);
	snprintf(path, sizeof(path), "%s/cpu2/online", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(kj_secondary_cpus_online(dir, &o, &e), -1);
	assert_non_null(strstr(e.msg, "1 CPU stayed offline (2: "));
	assert_non_null(strstr(e.msg, "for c in 2; do echo 1 > "));
	assert_int_equal(cpu_value(dir, 1), '1');
	assert_int_equal(cpu_value(dir, 3), '1');
	assert_int_equal(o.count, 0);
	assert_null(o.cpu);
	remove_dir(dir);
}

static void test_unreadable_list(void **state)
{
	struct kj_offlined_cpus o;
	struct kj_err e = { 0 };
	char *dir = make_cpu_dir("0-x\n", NULL, 0);

	(void)state;
	assert_int_equal(kj_secondary_cpus_offline(dir, &o, &e), -1);
	assert_non_null(strstr(e.msg, "/online: '0-x' is not a list of CPUs"));
	assert_int_equal(o.count, 0);
	remove_dir(dir);
	assert_int_equal(kj_secondary_cpus_offline("/nonexistent/kjump", &o, &e), -1);
	assert_non_null(strstr(e.msg, "cannot open /nonexistent/kjump/online"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_parse),
		cmocka_unit_test(test_list_refused),
		cmocka_unit_test(test_offline_then_online),
		cmocka_unit_test(test_nothing_to_take),
		cmocka_unit_test(test_refusal),
		cmocka_unit_test(test_stays_offline),
		cmocka_unit_test(test_unreadable_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
