// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/preflight.c: kj_config_value on kernel .config
 * texts, kj_lockdown_parse, and every decision of kj_preflight on
 * synthetic struct kj_sysinfo facts (one refusal per test, checked by the
 * key words of its message), plus kj_config_read through $KJUMP_KCONFIG.
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
#include <unistd.h>

#include "../../lib/preflight.h"

/* --- kj_config_value -------------------------------------------------- */

static const char config[] =
	"#\n"
	"# Automatically generated file; DO NOT EDIT.\n"
	"# Linux/x86 6.12.0 Kernel Configuration\n"
	"#\n"
	"CONFIG_CC_VERSION_TEXT=\"gcc (Debian 12.2.0-14) 12.2.0\"\n"
	"CONFIG_KEXEC_CORE=y\n"
	"CONFIG_KEXEC_JUMP=y\n"
	"CONFIG_KEXEC=y\n"
	"CONFIG_KEXEC_FILE=y\n"
	"# CONFIG_KEXEC_SIG is not set\n"
	"CONFIG_CRASH_DUMP=y\n"
	"CONFIG_IKCONFIG=m\n"
	"# CONFIG_IKCONFIG_PROC is not set\n"
	"CONFIG_NR_CPUS=64\n"
	"CONFIG_HIBERNATION=y";	/* no newline at the end */

static void test_config_values(void **state)
{
	assert_int_equal(kj_config_value(config, "CONFIG_KEXEC_JUMP"), 'y');
	assert_int_equal(kj_config_value(config, "CONFIG_KEXEC"), 'y');
	assert_int_equal(kj_config_value(config, "CONFIG_KEXEC_CORE"), 'y');
	assert_int_equal(kj_config_value(config, "CONFIG_IKCONFIG"), 'm');
	assert_int_equal(kj_config_value(config, "CONFIG_IKCONFIG_PROC"), 'n');
	assert_int_equal(kj_config_value(config, "CONFIG_KEXEC_SIG"), 'n');
	assert_int_equal(kj_config_value(config, "CONFIG_HIBERNATION"), 'y');
	assert_int_equal(kj_config_value(config, "CONFIG_KEXEC_HANDOVER"), 0);
	assert_int_equal(kj_config_value(config, "CONFIG_SMP"), 0);
	assert_int_equal(kj_config_value("", "CONFIG_KEXEC"), 0);
}

/* An option is matched whole, never as the prefix of a longer one. */
static void test_config_prefix_collisions(void **state)
{
	static const char only_longer[] =
		"CONFIG_KEXEC_JUMP=y\n"
		"# CONFIG_KEXEC_FILE is not set\n"
		"CONFIG_KEXECX=m\n";
	static const char only_shorter[] =
		"CONFIG_KEXEC=y\n"
		"# CONFIG_KEXEC_JUMP_X is not set\n";

	assert_int_equal(kj_config_value(only_longer, "CONFIG_KEXEC"), 0);
	assert_int_equal(kj_config_value(only_longer, "CONFIG_KEXEC_JUMP"), 'y');
	assert_int_equal(kj_config_value(only_shorter, "CONFIG_KEXEC_JUMP"), 0);
	assert_int_equal(kj_config_value(only_shorter, "CONFIG_KEXEC"), 'y');
	/* and not in the middle of a line or a comment */
	assert_int_equal(kj_config_value("XCONFIG_KEXEC=y\n", "CONFIG_KEXEC"), 0);
	assert_int_equal(kj_config_value("# CONFIG_KEXEC=y\n", "CONFIG_KEXEC"), 0);
	assert_int_equal(kj_config_value("# CONFIG_KEXEC_JUMP is not set\n",
					 "CONFIG_KEXEC"), 0);
	assert_int_equal(kj_config_value(" CONFIG_KEXEC=y\n", "CONFIG_KEXEC"), 0);
}

static void test_config_not_set(void **state)
{
	assert_int_equal(kj_config_value("# CONFIG_KEXEC_JUMP is not set\n",
					 "CONFIG_KEXEC_JUMP"), 'n');
	assert_int_equal(kj_config_value("# CONFIG_KEXEC_JUMP is not set",
					 "CONFIG_KEXEC_JUMP"), 'n');
	/* a comment that only starts like it */
	assert_int_equal(kj_config_value("# CONFIG_KEXEC_JUMP is nice\n",
					 "CONFIG_KEXEC_JUMP"), 0);
}

/* The first line, the last line without newline, and a line after
 * blank ones all count. */
static void test_config_line_positions(void **state)
{
	assert_int_equal(kj_config_value("CONFIG_A=y", "CONFIG_A"), 'y');
	assert_int_equal(kj_config_value("CONFIG_B=y\nCONFIG_A=m", "CONFIG_A"), 'm');
	assert_int_equal(kj_config_value("\n\n\nCONFIG_A=y\n", "CONFIG_A"), 'y');
	assert_int_equal(kj_config_value("CONFIG_B=y\n# CONFIG_A is not set",
					 "CONFIG_A"), 'n');
}

/* --- kj_lockdown_parse ------------------------------------------------ */

static void test_lockdown_parse(void **state)
{
	char out[32];

	kj_lockdown_parse("[none] integrity confidentiality\n", out, sizeof(out));
	assert_string_equal(out, "none");
	kj_lockdown_parse("none [integrity] confidentiality\n", out, sizeof(out));
	assert_string_equal(out, "integrity");
	kj_lockdown_parse("none integrity [confidentiality]\n", out, sizeof(out));
	assert_string_equal(out, "confidentiality");
	strcpy(out, "stale");
	kj_lockdown_parse("none integrity confidentiality\n", out, sizeof(out));
	assert_string_equal(out, "");
	strcpy(out, "stale");
	kj_lockdown_parse("", out, sizeof(out));
	assert_string_equal(out, "");
	strcpy(out, "stale");
	kj_lockdown_parse("none [integrity confidentiality\n", out, sizeof(out));
	assert_string_equal(out, "");
}

static void test_lockdown_parse_small_buffer(void **state)
{
	char out[8];

	memset(out, 'x', sizeof(out));
	kj_lockdown_parse("none integrity [confidentiality]", out, 5);
	assert_string_equal(out, "conf");
	assert_int_equal(out[5], 'x');
	kj_lockdown_parse("[none]", out, 1);
	assert_string_equal(out, "");
	/* no room at all: nothing written */
	memset(out, 'x', sizeof(out));
	kj_lockdown_parse("[none]", out, 0);
	assert_int_equal(out[0], 'x');
}

/* --- kj_preflight ----------------------------------------------------- */

#define ALL (KJ_NEED_ROOT | KJ_NEED_JUMP | KJ_NEED_UNLOADED)

/* A machine where everything is allowed. */
static struct kj_sysinfo good(void)
{
	struct kj_sysinfo si = {
		.euid = 0,
		.cap_sys_boot = 1,
		.kexec_load_disabled = 0,
		.kexec_load_limit = -1,
		.lockdown = "none",
		.kexec_jump = 1,
		.config_source = "/proc/config.gz",
		.kexec_loaded = 0,
		.release = "6.12.0-kjump",
	};

	return si;
}

/* Expect a refusal with `code` whose message holds every word given. */
static void refused(const struct kj_sysinfo *si, unsigned need, bool force,
		    int code, ...)
{
	struct kj_err e = { 0 };
	const char *word;
	va_list ap;
	int r = kj_preflight(si, need, force, &e);

	if (r != -1)
		print_message("kj_preflight passed; expected a refusal\n");
	assert_int_equal(r, -1);
	assert_int_equal(e.code, code);
	va_start(ap, code);
	while ((word = va_arg(ap, const char *))) {
		if (!strstr(e.msg, word))
			print_message("\"%s\" lacks \"%s\"\n", e.msg, word);
		assert_non_null(strstr(e.msg, word));
	}
	va_end(ap);
}

static void passes(const struct kj_sysinfo *si, unsigned need, bool force)
{
	struct kj_err e = { 0 };
	int r = kj_preflight(si, need, force, &e);

	if (r)
		print_message("refused: %s\n", e.msg);
	assert_int_equal(r, 0);
}

static void test_preflight_all_good(void **state)
{
	struct kj_sysinfo si = good();

	passes(&si, ALL, false);
	passes(&si, ALL, true);
	passes(&si, 0, false);
	si.lockdown[0] = 0;		/* no lockdown file: not a refusal */
	si.cap_sys_boot = KJ_UNKNOWN;	/* unknown capability: root decides */
	si.kexec_load_disabled = KJ_UNKNOWN;
	si.kexec_load_limit = 5;
	si.kexec_loaded = -1;
	passes(&si, ALL, false);
}

static void test_preflight_not_root(void **state)
{
	struct kj_sysinfo si = good();

	si.euid = 1000;
	refused(&si, ALL, false, EPERM, "root", "CAP_SYS_BOOT", NULL);
	refused(&si, KJ_NEED_ROOT, true, EPERM, "root", NULL);	/* force: no */
	passes(&si, KJ_NEED_JUMP | KJ_NEED_UNLOADED, false);
}

static void test_preflight_no_cap_sys_boot(void **state)
{
	struct kj_sysinfo si = good();

	si.cap_sys_boot = 0;
	refused(&si, KJ_NEED_ROOT, false, EPERM, "CAP_SYS_BOOT", "root", NULL);
}

static void test_preflight_kexec_load_disabled(void **state)
{
	struct kj_sysinfo si = good();

	si.kexec_load_disabled = 1;
	refused(&si, ALL, false, EPERM, "kexec_load_disabled", "disabled",
		"next boot", NULL);
	passes(&si, KJ_NEED_JUMP, false);
}

static void test_preflight_kexec_load_limit(void **state)
{
	struct kj_sysinfo si = good();

	si.kexec_load_limit = 0;
	refused(&si, ALL, false, EPERM, "kexec_load_limit_reboot", "= 0", NULL);
	si.kexec_load_limit = 1;
	passes(&si, ALL, false);
}

static void test_preflight_lockdown(void **state)
{
	struct kj_sysinfo si = good();

	strcpy(si.lockdown, "integrity");
	refused(&si, ALL, false, EPERM, "locked down", "integrity",
		"lockdown=none", NULL);
	strcpy(si.lockdown, "confidentiality");
	refused(&si, ALL, true, EPERM, "locked down", "confidentiality", NULL);
	passes(&si, KJ_NEED_JUMP | KJ_NEED_UNLOADED, false);
}

static void test_preflight_no_kexec_jump(void **state)
{
	struct kj_sysinfo si = good();

	si.kexec_jump = 0;
	strcpy(si.config_source, "/boot/config-6.12.0-kjump");
	refused(&si, ALL, false, ENOTSUP, "CONFIG_KEXEC_JUMP", "6.12.0-kjump",
		"/boot/config-6.12.0-kjump", "come back", NULL);
	/* force does not override a known "no" */
	refused(&si, ALL, true, ENOTSUP, "CONFIG_KEXEC_JUMP", NULL);
	/* only a jump needs it */
	passes(&si, KJ_NEED_ROOT | KJ_NEED_UNLOADED, false);
}

static void test_preflight_kexec_jump_unknown(void **state)
{
	struct kj_sysinfo si = good();

	si.kexec_jump = KJ_UNKNOWN;
	strcpy(si.config_source, "neither /proc/config.gz nor /boot/config-x exists");
	refused(&si, ALL, false, ENOTSUP, "--force", "CONFIG_KEXEC_JUMP",
		"CONFIG_IKCONFIG_PROC", "neither /proc/config.gz", NULL);
	passes(&si, ALL, true);
	passes(&si, KJ_NEED_ROOT, false);
}

static void test_preflight_already_loaded(void **state)
{
	struct kj_sysinfo si = good();

	si.kexec_loaded = 1;
	refused(&si, ALL, false, EBUSY, "already loaded", "kexec -u", NULL);
	refused(&si, KJ_NEED_UNLOADED, true, EBUSY, "already loaded", NULL);
	passes(&si, KJ_NEED_ROOT | KJ_NEED_JUMP, false);
}

/* With several problems the first in order is reported: privileges, then
 * the kernel's ability to come back, then the loaded image. */
static void test_preflight_order(void **state)
{
	struct kj_sysinfo si = good();

	si.euid = 1000;
	si.kexec_jump = 0;
	si.kexec_loaded = 1;
	refused(&si, ALL, false, EPERM, "root", NULL);
	si.euid = 0;
	refused(&si, ALL, false, ENOTSUP, "CONFIG_KEXEC_JUMP", NULL);
	si.kexec_jump = 1;
	refused(&si, ALL, false, EBUSY, "already loaded", NULL);
}

/* --- kj_config_read --------------------------------------------------- */

static void test_config_read_env(void **state)
{
	char path[] = "/tmp/kjump-test-config-XXXXXX";
	char source[160];
	char *text = NULL;
	int fd = mkstemp(path);
	struct kj_err e = { 0 };

	assert_true(fd >= 0);
	assert_int_equal(write(fd, config, strlen(config)), (ssize_t)strlen(config));
	close(fd);
	setenv("KJUMP_KCONFIG", path, 1);
	assert_int_equal(kj_config_read(&text, source, sizeof(source), &e), 0);
	assert_string_equal(source, path);
	assert_string_equal(text, config);
	assert_int_equal(kj_config_value(text, "CONFIG_KEXEC_JUMP"), 'y');
	free(text);
	unlink(path);
	assert_int_equal(kj_config_read(&text, source, sizeof(source), &e), -1);
	assert_non_null(strstr(e.msg, path));
	unsetenv("KJUMP_KCONFIG");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_values),
		cmocka_unit_test(test_config_prefix_collisions),
		cmocka_unit_test(test_config_not_set),
		cmocka_unit_test(test_config_line_positions),
		cmocka_unit_test(test_lockdown_parse),
		cmocka_unit_test(test_lockdown_parse_small_buffer),
		cmocka_unit_test(test_preflight_all_good),
		cmocka_unit_test(test_preflight_not_root),
		cmocka_unit_test(test_preflight_no_cap_sys_boot),
		cmocka_unit_test(test_preflight_kexec_load_disabled),
		cmocka_unit_test(test_preflight_kexec_load_limit),
		cmocka_unit_test(test_preflight_lockdown),
		cmocka_unit_test(test_preflight_no_kexec_jump),
		cmocka_unit_test(test_preflight_kexec_jump_unknown),
		cmocka_unit_test(test_preflight_already_loaded),
		cmocka_unit_test(test_preflight_order),
		cmocka_unit_test(test_config_read_env),
	};

	return cmocka_run_group_tests_name("preflight", tests, NULL, NULL);
}
