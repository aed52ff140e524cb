// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/device_modules.c on a sysfs tree built in a temporary
 * directory, shaped like a QEMU guest's: a virtio disk on PCI whose
 * virtio_blk driver is a module and whose PCI driver is built in (no
 * module link). The disk and its partition both give virtio_blk; a device
 * whose drivers are all built in gives none; an unknown device number is
 * refused, naming it.
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

#include "../../lib/device_modules.h"

static char root[256];

static void mk(const char *rel)
{
	char p[512], cmd[600];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", p);
	assert_int_equal(system(cmd), 0);
}

static void ln(const char *target, const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state)
{
	FILE *f;
	char p[512];

	snprintf(root, sizeof(root), "/tmp/kjump-sysfs-XXXXXX");
	assert_non_null(mkdtemp(root));
	mk("devices/pci0000:00/0000:00:04.0/virtio1/block/vdb/vdb1");
	mk("devices/platform/serial8250/block/ram0");
	mk("bus/virtio/drivers/virtio_blk");
	mk("bus/pci/drivers/virtio-pci");
	mk("bus/platform/drivers/brd");
	mk("module/virtio_blk");
	mk("dev/block");
	snprintf(p, sizeof(p), "%s/devices/pci0000:00/0000:00:04.0/virtio1/block/vdb/vdb1/partition",
		 root);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("1\n", f);
	fclose(f);
	ln("../../../../bus/virtio/drivers/virtio_blk",
	   "devices/pci0000:00/0000:00:04.0/virtio1/driver");
	ln("../../../../bus/pci/drivers/virtio-pci", "devices/pci0000:00/0000:00:04.0/driver");
	ln("../../../../module/virtio_blk", "bus/virtio/drivers/virtio_blk/module");
	ln("../../../../bus/platform/drivers/brd", "devices/platform/serial8250/driver");
	ln("../../devices/pci0000:00/0000:00:04.0/virtio1/block/vdb", "dev/block/254:16");
	ln("../../devices/pci0000:00/0000:00:04.0/virtio1/block/vdb/vdb1", "dev/block/254:17");
	ln("../../devices/platform/serial8250/block/ram0", "dev/block/1:0");
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static void test_disk_and_partition(void **state)
{
	struct kj_device_modules m;
	struct kj_err e = { 0 };

	if (kj_device_modules_find(root, 254, 16, &m, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.name[0], "virtio_blk");
	if (kj_device_modules_find(root, 254, 17, &m, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.name[0], "virtio_blk");
}

static void test_built_in_and_unknown(void **state)
{
	struct kj_device_modules m;
	struct kj_err e = { 0 };

	assert_int_equal(kj_device_modules_find(root, 1, 0, &m, &e), 0);
	assert_int_equal(m.n, 0);
	assert_int_equal(kj_device_modules_find(root, 8, 3, &m, &e), -1);
	assert_non_null(strstr(e.msg, "cannot find block device 8:3"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disk_and_partition),
		cmocka_unit_test(test_built_in_and_unknown),
	};

	return cmocka_run_group_tests_name("device_modules", tests, setup, teardown);
}
