// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/module_deps.c: module names from paths (".ko" and
 * compression suffixes off, '-' as '_'); a modules.dep like Debian's,
 * looked up by either spelling, with its load order (every module after
 * what it needs, each once, shared dependencies once); refusals of a line
 * without ':', absolute or climbing paths, a dependency without a line of
 * its own, a NUL inside a line, oversized input; and a crafted cycle
 * that ends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../lib/module_deps.h"

static void test_names(void **state)
{
	char n[64];

	kj_module_name("kernel/drivers/block/virtio_blk.ko.xz", n, sizeof(n));
	assert_string_equal(n, "virtio_blk");
	kj_module_name("snd-hda-intel.ko", n, sizeof(n));
	assert_string_equal(n, "snd_hda_intel");
	kj_module_name("kernel/fs/ext4/ext4.ko.zst", n, sizeof(n));
	assert_string_equal(n, "ext4");
	kj_module_name("a/kobject.ko.gz", n, sizeof(n));	/* ".ko" inside a name */
	assert_string_equal(n, "kobject");
	kj_module_name("x/nvme.ko", n, 3);	/* truncated to its room */
	assert_string_equal(n, "nv");
}

static const char dep[] =
	"kernel/drivers/virtio/virtio_ring.ko.xz:\n"
	"kernel/drivers/virtio/virtio.ko.xz: kernel/drivers/virtio/virtio_ring.ko.xz\n"
	"kernel/drivers/block/virtio_blk.ko.xz: kernel/drivers/virtio/virtio.ko.xz "
	"kernel/drivers/virtio/virtio_ring.ko.xz\n"
	"\n"
	"kernel/drivers/scsi/virtio_scsi.ko.xz: kernel/drivers/virtio/virtio.ko.xz\r\n"
	"kernel/drivers/nvme/host/nvme-core.ko.xz:\n"
	"kernel/drivers/nvme/host/nvme.ko.xz: kernel/drivers/nvme/host/nvme-core.ko.xz\n";

static void test_parse_and_order(void **state)
{
	struct kj_module_deps d;
	struct kj_err e = { 0 };
	size_t order[16], n = 0;
	long i;

	if (kj_module_deps_parse(dep, strlen(dep), &d, &e))
		fail_msg("parse: %s", e.msg);
	assert_int_equal(d.n, 6);
	i = kj_module_deps_find(&d, "virtio-blk");
	assert_true(i >= 0);
	assert_string_equal(d.m[i].path, "kernel/drivers/block/virtio_blk.ko.xz");
	assert_int_equal(d.m[i].nneeds, 2);
	assert_int_equal(kj_module_deps_find(&d, "nvme_core"),
			 kj_module_deps_find(&d, "nvme-core"));
	assert_int_equal(kj_module_deps_find(&d, "e1000"), -1);
	/* virtio_blk: virtio_ring, virtio, virtio_blk */
	kj_module_deps_load_order(&d, (size_t)i, order, &n);
	assert_int_equal(n, 3);
	assert_string_equal(d.m[order[0]].name, "virtio_ring");
	assert_string_equal(d.m[order[1]].name, "virtio");
	assert_string_equal(d.m[order[2]].name, "virtio_blk");
	/* then virtio_scsi: its shared needs are not listed again */
	kj_module_deps_load_order(&d, (size_t)kj_module_deps_find(&d, "virtio_scsi"), order, &n);
	assert_int_equal(n, 4);
	assert_string_equal(d.m[order[3]].name, "virtio_scsi");
	kj_module_deps_free(&d);
}

static void refused(const char *text, const char *why)
{
	struct kj_module_deps d;
	struct kj_err e = { 0 };

	assert_int_equal(kj_module_deps_parse(text, strlen(text), &d, &e), -1);
	if (!strstr(e.msg, why))
		fail_msg("'%s' lacks '%s'", e.msg, why);
	assert_int_equal(d.n, 0);
	assert_null(d.m);
}

static void test_refusals(void **state)
{
	refused("kernel/a.ko\n", "line 1 has no ':'");
	refused("a.ko:\nb.ko c.ko:\n", "line 2: not one relative module path");
	refused("/lib/a.ko:\n", "line 1: not one relative module path");
	refused("kernel/../../etc/a.ko:\n", "not one relative module path");
	refused("a.ko: ../b.ko\n", "line 1: too many or bad paths");
	refused("a.ko: b.ko\n", "a.ko needs b.ko, which has no line of its own");

	struct kj_module_deps d;
	struct kj_err e = { 0 };
	/* a NUL where a dependency's path starts (found by fuzz_b_inputs) */
	static const char nul[] = "a.ko: \0\r\n";
	assert_int_equal(kj_module_deps_parse(nul, sizeof(nul) - 1, &d, &e), -1);
	assert_non_null(strstr(e.msg, "line 1: too many or bad paths"));
	assert_int_equal(kj_module_deps_parse("", KJ_MODULE_DEPS_MAX_TEXT + 1, &d, &e), -1);
	assert_non_null(strstr(e.msg, "larger than 16 MiB"));
}

/* A file that says a needs b and b needs a: the order ends, each once. */
static void test_cycle_ends(void **state)
{
	static const char t[] = "a.ko: b.ko\nb.ko: a.ko\n";
	struct kj_module_deps d;
	struct kj_err e = { 0 };
	size_t order[4], n = 0;

	assert_int_equal(kj_module_deps_parse(t, strlen(t), &d, &e), 0);
	kj_module_deps_load_order(&d, 0, order, &n);
	assert_int_equal(n, 2);
	assert_int_not_equal(order[0], order[1]);
	kj_module_deps_free(&d);
}

/* modules.builtin: a driver built in needs nothing from B's initramfs. */
static void test_builtin(void **state)
{
	const char text[] = "kernel/drivers/virtio/virtio_pci.ko\n"
		"kernel/drivers/virtio/virtio-mmio.ko\n\nkernel/fs/ext4/ext4.ko";

	assert_true(kj_module_builtin(text, sizeof(text) - 1, "virtio_pci"));
	assert_true(kj_module_builtin(text, sizeof(text) - 1, "virtio_mmio"));
	assert_true(kj_module_builtin(text, sizeof(text) - 1, "ext4"));
	assert_false(kj_module_builtin(text, sizeof(text) - 1, "virtio_blk"));
	assert_false(kj_module_builtin(text, sizeof(text) - 1, "virtio"));
	assert_false(kj_module_builtin("", 0, "virtio_pci"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_parse_and_order),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_cycle_ends),
		cmocka_unit_test(test_builtin),
	};

	return cmocka_run_group_tests_name("module_deps", tests, NULL, NULL);
}
