// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/memmap.c: kj_memmap_parse_iomem on realistic
 * /proc/iomem texts (a QEMU pc guest with nested kernel ranges, a crash
 * kernel, ACPI tables and NVS, RAM above 4 GiB), the non-root all-zero
 * view, empty and garbage input; kj_meminfo_total and
 * kj_meminfo_available; and kj_memmap_read
 * through $KJUMP_IOMEM.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/memmap.h"

/* What a QEMU pc guest (SeaBIOS, 2 GiB below 4 GiB and 2 GiB above)
 * shows root, with ACPI regions as some firmware reports them. */
static const char qemu_iomem[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"0009fc00-0009ffff : Reserved\n"
	"000a0000-000bffff : PCI Bus 0000:00\n"
	"000c0000-000c99ff : Video ROM\n"
	"000ca000-000cadff : Adapter ROM\n"
	"000f0000-000fffff : Reserved\n"
	"  000f0000-000fffff : System ROM\n"
	"00100000-7ffdffff : System RAM\n"
	"  2a000000-2bffffff : Crash kernel\n"
	"  6b000000-6c002ba6 : Kernel code\n"
	"  6c200000-6cb4dfff : Kernel rodata\n"
	"  6cc00000-6cf1d5ff : Kernel data\n"
	"  6d4a6000-6d9fffff : Kernel bss\n"
	"7ffe0000-7ffeffff : ACPI Tables\n"
	"7fff0000-7fffffff : ACPI Non-volatile Storage\n"
	"80000000-afffffff : PCI Bus 0000:00\n"
	"b0000000-bfffffff : PCI MMCONFIG 0000 [bus 00-ff]\n"
	"  b0000000-bfffffff : Reserved\n"
	"c0000000-febfffff : PCI Bus 0000:00\n"
	"  fd000000-fdffffff : 0000:00:02.0\n"
	"    fd000000-fdffffff : bochs-drm\n"
	"fec00000-fec003ff : IOAPIC 0\n"
	"fed00000-fed003ff : HPET 0\n"
	"  fed00000-fed003ff : PNP0103:00\n"
	"fee00000-fee00fff : Local APIC\n"
	"feffc000-feffffff : Reserved\n"
	"fffc0000-ffffffff : Reserved\n"
	"100000000-17fffffff : System RAM\n"
	"380000000000-3807ffffffff : PCI Bus 0000:00\n";

/* The same machine as an unprivileged user sees it. */
static const char nonroot_iomem[] =
	"00000000-00000000 : Reserved\n"
	"00000000-00000000 : System RAM\n"
	"00000000-00000000 : Reserved\n"
	"00000000-00000000 : System RAM\n"
	"  00000000-00000000 : Kernel code\n"
	"  00000000-00000000 : Kernel data\n"
	"00000000-00000000 : System RAM\n";

static bool has_range(const struct kj_ranges *rs, uint64_t s, uint64_t t, int type)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rs->r[i].start == s && rs->r[i].end == t && rs->r[i].type == type)
			return true;
	return false;
}

static bool memmap_empty(const struct kj_memmap *m)
{
	return !m->ram.n && !m->ram.r && !m->firmware.n && !m->firmware.r &&
	       !m->kernel.n && !m->kernel.r;
}

static void test_qemu_ram(void **state)
{
	struct kj_memmap m;
	struct kj_err e = { 0 };

	assert_int_equal(kj_memmap_parse_iomem(qemu_iomem, &m, &e), 0);
	assert_int_equal(m.ram.n, 3);
	assert_int_equal(m.ram.r[0].start, 0x1000);
	assert_int_equal(m.ram.r[0].end, 0x9fc00);
	assert_int_equal(m.ram.r[1].start, 0x100000);
	assert_int_equal(m.ram.r[1].end, 0x7ffe0000);
	assert_int_equal(m.ram.r[2].start, 0x100000000ULL);
	assert_int_equal(m.ram.r[2].end, 0x180000000ULL);
	for (size_t i = 0; i < m.ram.n; i++)
		assert_int_equal(m.ram.r[i].type, KJ_MEM_RAM);
	assert_int_equal(kj_ranges_total(&m.ram, KJ_MEM_RAM),
			 (0x9fc00 - 0x1000) + (0x7ffe0000 - 0x100000) + 0x80000000ULL);
	/* the nested kernel ranges do not cut holes into RAM */
	assert_true(kj_ranges_covers(&m.ram, 0x100000, 0x7ffe0000, KJ_MEM_RAM));
	assert_false(kj_ranges_covers(&m.ram, 0x9f000, 0x101000, KJ_MEM_RAM));
	kj_memmap_free(&m);
	assert_true(memmap_empty(&m));
}

static void test_qemu_kernel(void **state)
{
	struct kj_memmap m;
	struct kj_err e = { 0 };

	assert_int_equal(kj_memmap_parse_iomem(qemu_iomem, &m, &e), 0);
	assert_int_equal(m.kernel.n, 5);
	assert_true(has_range(&m.kernel, 0x2a000000, 0x2c000000, KJ_MEM_CRASHKERNEL));
	assert_true(has_range(&m.kernel, 0x6b000000, 0x6c002ba7, KJ_MEM_KERNEL));
	assert_true(has_range(&m.kernel, 0x6c200000, 0x6cb4e000, KJ_MEM_KERNEL));
	assert_true(has_range(&m.kernel, 0x6cc00000, 0x6cf1d600, KJ_MEM_KERNEL));
	assert_true(has_range(&m.kernel, 0x6d4a6000, 0x6da00000, KJ_MEM_KERNEL));
	/* sorted by start */
	for (size_t i = 1; i < m.kernel.n; i++)
		assert_true(m.kernel.r[i - 1].start < m.kernel.r[i].start);
	/* none of it in the firmware list */
	assert_false(kj_ranges_overlaps(&m.firmware, 0x2a000000, 0x6da00000));
	kj_memmap_free(&m);
}

static void test_qemu_firmware(void **state)
{
	struct kj_memmap m;
	struct kj_err e = { 0 };

	assert_int_equal(kj_memmap_parse_iomem(qemu_iomem, &m, &e), 0);
	assert_true(has_range(&m.firmware, 0, 0x1000, KJ_MEM_RESERVED));
	assert_true(has_range(&m.firmware, 0x9fc00, 0xa0000, KJ_MEM_RESERVED));
	assert_true(has_range(&m.firmware, 0xf0000, 0x100000, KJ_MEM_RESERVED));
	assert_true(has_range(&m.firmware, 0x7ffe0000, 0x7fff0000, KJ_MEM_ACPI));
	assert_true(has_range(&m.firmware, 0x7fff0000, 0x80000000, KJ_MEM_NVS));
	/* nested under "PCI MMCONFIG" */
	assert_true(has_range(&m.firmware, 0xb0000000, 0xc0000000, KJ_MEM_RESERVED));
	assert_true(has_range(&m.firmware, 0xfeffc000, 0xff000000, KJ_MEM_RESERVED));
	assert_true(has_range(&m.firmware, 0xfffc0000, 0x100000000ULL, KJ_MEM_RESERVED));
	assert_int_equal(m.firmware.n, 8);
	/* ROMs, PCI windows, APICs are not firmware memory */
	assert_false(kj_ranges_overlaps(&m.firmware, 0xa0000, 0xf0000));
	assert_false(kj_ranges_overlaps(&m.firmware, 0xc0000000, 0xfeffc000));
	assert_false(kj_ranges_overlaps(&m.firmware, 0x100000000ULL, UINT64_MAX));
	/* nor RAM */
	for (size_t i = 0; i < m.firmware.n; i++)
		assert_false(kj_ranges_overlaps(&m.ram, m.firmware.r[i].start,
						m.firmware.r[i].end));
	kj_memmap_free(&m);
}

/* Same-type neighbours merge; a nested "System RAM" (hotplugged dax
 * memory, say) is not top-level RAM; "reserved" in lower case counts. */
static void test_merge_and_nesting(void **state)
{
	static const char text[] =
		"00000000-00000fff : reserved\n"
		"00001000-00001fff : Reserved\n"
		"00002000-0009ffff : System RAM\n"
		"000a0000-000fffff : System RAM\n"
		"00100000-001fffff : Unusable memory\n"
		"00200000-002fffff : Persistent Memory (legacy)\n"
		"  00200000-002fffff : namespace0.0\n"
		"00300000-003fffff : Persistent Memory\n"
		"  00300000-003fffff : dax0.0\n"
		"    00300000-003fffff : System RAM (kmem)\n"
		"    00300000-003fffff : System RAM\n";
	struct kj_memmap m;
	struct kj_err e = { 0 };

	assert_int_equal(kj_memmap_parse_iomem(text, &m, &e), 0);
	assert_int_equal(m.ram.n, 1);
	assert_true(has_range(&m.ram, 0x2000, 0x100000, KJ_MEM_RAM));
	assert_true(has_range(&m.firmware, 0, 0x2000, KJ_MEM_RESERVED));
	assert_true(has_range(&m.firmware, 0x100000, 0x200000, KJ_MEM_UNUSABLE));
	assert_true(has_range(&m.firmware, 0x200000, 0x400000, KJ_MEM_PMEM));
	assert_int_equal(m.firmware.n, 3);
	assert_int_equal(m.kernel.n, 0);
	kj_memmap_free(&m);
}

static void test_nonroot_all_zero(void **state)
{
	struct kj_memmap m;
	struct kj_err e = { 0 };

	memset(&m, 0x5a, sizeof(m));
	assert_int_equal(kj_memmap_parse_iomem(nonroot_iomem, &m, &e), -1);
	assert_non_null(strstr(e.msg, "root"));
	assert_non_null(strstr(e.msg, "zero"));
	assert_int_equal(e.code, EPERM);
	assert_true(memmap_empty(&m));
	kj_memmap_free(&m);	/* harmless after a failure */
}

static void test_empty_text(void **state)
{
	struct kj_memmap m;
	struct kj_err e = { 0 };

	assert_int_equal(kj_memmap_parse_iomem("", &m, &e), -1);
	assert_true(e.msg[0] != 0);
	assert_non_null(strstr(e.msg, "no memory ranges"));
	assert_true(memmap_empty(&m));

	e.msg[0] = 0;
	assert_int_equal(kj_memmap_parse_iomem("\n\n  \n", &m, &e), -1);
	assert_true(e.msg[0] != 0);
	assert_true(memmap_empty(&m));
}

static void test_no_system_ram(void **state)
{
	static const char text[] =
		"00000000-00000fff : Reserved\n"
		"000f0000-000fffff : Reserved\n"
		"  00100000-7fffffff : System RAM\n";	/* nested: not it */
	struct kj_memmap m;
	struct kj_err e = { 0 };

	assert_int_equal(kj_memmap_parse_iomem(text, &m, &e), -1);
	assert_non_null(strstr(e.msg, "System RAM"));
	assert_true(memmap_empty(&m));
}

static void test_garbage_lines_skipped(void **state)
{
	char longline[600];
	char *text;
	struct kj_memmap m;
	struct kj_err e = { 0 };

	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = 0;
	assert_true(asprintf(&text,
		"hello world\n"
		"\n"
		"zzzz-1000 : System RAM\n"
		"1000-2000 System RAM\n"
		"-1000 : System RAM\n"
		"5000-4000 : System RAM\n"		/* reversed */
		"0-ffffffffffffffff : System RAM\n"	/* ends at 2^64 */
		"%s\n"
		"10000-1ffff : %s\n"			/* name too long */
		"\t\t\n"
		"00001000-00001fff : System RAM\n"
		": : :\n"
		"00100000-001fffff : System RAM", longline, longline) > 0);
	assert_int_equal(kj_memmap_parse_iomem(text, &m, &e), 0);
	assert_int_equal(m.ram.n, 2);
	assert_true(has_range(&m.ram, 0x1000, 0x2000, KJ_MEM_RAM));
	/* the last line has no newline and still counts */
	assert_true(has_range(&m.ram, 0x100000, 0x200000, KJ_MEM_RAM));
	assert_int_equal(m.firmware.n, 0);
	assert_int_equal(m.kernel.n, 0);
	kj_memmap_free(&m);
	free(text);
}

static void test_only_garbage(void **state)
{
	struct kj_memmap m;
	struct kj_err e = { 0 };

	assert_int_equal(kj_memmap_parse_iomem("MemTotal: 1 kB\nfoo\nbar : baz\n",
					       &m, &e), -1);
	assert_true(e.msg[0] != 0);
	assert_true(memmap_empty(&m));
}

static void test_meminfo_total(void **state)
{
	static const char meminfo[] =
		"MemTotal:        2014636 kB\n"
		"MemFree:         1731412 kB\n"
		"MemAvailable:    1795228 kB\n";

	assert_int_equal(kj_meminfo_total(meminfo), 2014636ULL * 1024);
	assert_int_equal(kj_meminfo_total("Buffers: 1 kB\nMemTotal: 65536 kB"),
			 65536ULL * 1024);
	assert_int_equal(kj_meminfo_total("MemTotal:  4294967296 kB\n"),
			 4294967296ULL * 1024);
	assert_int_equal(kj_meminfo_total(""), 0);
	assert_int_equal(kj_meminfo_total("MemFree: 1 kB\n"), 0);
	assert_int_equal(kj_meminfo_total("MemTotal: lots\n"), 0);
}

static void test_meminfo_available(void **state)
{
	static const char meminfo[] =
		"MemTotal:        2014636 kB\n"
		"MemFree:         1731412 kB\n"
		"MemAvailable:    1795228 kB\n"
		"Buffers:           10240 kB\n";
	uint64_t total = 0;
	struct kj_err e = { 0 };

	assert_int_equal(kj_meminfo_available(meminfo), 1795228ULL * 1024);
	assert_int_equal(kj_meminfo_available("MemAvailable: 8589934592 kB"),
			 8589934592ULL * 1024);
	assert_int_equal(kj_meminfo_available("MemTotal: 1 kB\nMemFree: 1 kB\n"), 0);
	assert_int_equal(kj_meminfo_available(""), 0);
	assert_int_equal(kj_meminfo_available("MemAvailable:\n"), 0);
	/* this machine's: there, and no more than MemTotal */
	if (kj_meminfo_read_total(&total, &e) == 0) {
		assert_true(kj_meminfo_read_available() > 0);
		assert_true(kj_meminfo_read_available() <= total);
	}
}

static void test_memmap_read_env(void **state)
{
	char path[] = "/tmp/kjump-test-iomem-XXXXXX";
	int fd = mkstemp(path);
	struct kj_memmap m;
	struct kj_err e = { 0 };

	assert_true(fd >= 0);
	assert_int_equal(write(fd, qemu_iomem, strlen(qemu_iomem)),
			 (ssize_t)strlen(qemu_iomem));
	close(fd);
	setenv("KJUMP_IOMEM", path, 1);
	assert_int_equal(kj_memmap_read(&m, &e), 0);
	assert_int_equal(m.ram.n, 3);
	kj_memmap_free(&m);

	/* a parse error names the file */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, nonroot_iomem, strlen(nonroot_iomem)),
			 (ssize_t)strlen(nonroot_iomem));
	close(fd);
	assert_int_equal(kj_memmap_read(&m, &e), -1);
	assert_non_null(strstr(e.msg, path));
	assert_non_null(strstr(e.msg, "root"));
	unlink(path);

	/* a missing file */
	assert_int_equal(kj_memmap_read(&m, &e), -1);
	assert_non_null(strstr(e.msg, path));
	assert_int_equal(e.code, ENOENT);
	unsetenv("KJUMP_IOMEM");
}

static void test_read_text(void **state)
{
	char path[] = "/tmp/kjump-test-text-XXXXXX";
	int fd = mkstemp(path);
	size_t big = 300000, len = 0;
	char *buf = malloc(big), *text = NULL;
	struct kj_err e = { 0 };

	assert_true(fd >= 0);
	assert_non_null(buf);
	for (size_t i = 0; i < big; i++)
		buf[i] = (char)('a' + i % 26);
	assert_int_equal(write(fd, buf, big), (ssize_t)big);
	close(fd);
	assert_int_equal(kj_read_text(path, &text, &len, &e), 0);
	assert_int_equal(len, big);
	assert_memory_equal(text, buf, big);
	assert_int_equal(text[big], 0);
	free(text);
	unlink(path);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_ram),
		cmocka_unit_test(test_qemu_kernel),
		cmocka_unit_test(test_qemu_firmware),
		cmocka_unit_test(test_merge_and_nesting),
		cmocka_unit_test(test_nonroot_all_zero),
		cmocka_unit_test(test_empty_text),
		cmocka_unit_test(test_no_system_ram),
		cmocka_unit_test(test_garbage_lines_skipped),
		cmocka_unit_test(test_only_garbage),
		cmocka_unit_test(test_meminfo_total),
		cmocka_unit_test(test_meminfo_available),
		cmocka_unit_test(test_memmap_read_env),
		cmocka_unit_test(test_read_text),
	};

	return cmocka_run_group_tests_name("memmap", tests, NULL, NULL);
}
