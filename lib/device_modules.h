/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which kernel modules drive a block device: its sysfs device and every
 * parent up to the root, each one's driver, and that driver's module
 * (drivers/.../module links to it; a built-in driver registered by name
 * has one too, which modules.builtin tells apart: src/b_modules.c). A
 * partition is driven by its disk's drivers. The sysfs root is a
 * parameter, so that tests can build a tree of their own.
 */
#ifndef KJUMP_DEVICE_MODULES_H
#define KJUMP_DEVICE_MODULES_H

#include <stddef.h>

#include "error.h"

#define KJ_DEVICE_MODULES_MAX 16

struct kj_device_modules {
	char name[KJ_DEVICE_MODULES_MAX][64];	/* from the device outwards */
	size_t n;
};

/* The modules of block device major:minor under sysfs_root ("/sys"). */
int kj_device_modules_find(const char *sysfs_root, unsigned major, unsigned minor,
			   struct kj_device_modules *out, struct kj_err *e);

#endif
