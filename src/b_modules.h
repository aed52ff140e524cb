/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The drivers B needs for its target, brought along: B's kernel is the
 * running one, or another, and on a distribution kernel the target's
 * storage driver is usually a module that B's initramfs (kjump alone)
 * would lack.
 */
#ifndef KJUMP_B_MODULES_H
#define KJUMP_B_MODULES_H

#include <stdbool.h>

#include "../lib/cpio.h"
#include "../lib/error.h"

/* B's kernel's release, from the version string in its bzImage (the
 * running kernel's when that is empty), into out. */
void kj_b_kernel_release(const char *kernel, char *out, size_t size);

/*
 * Add to B's initramfs c the modules that drive `target` (a block device,
 * lib/device_modules.h) and all they need (modules.dep of `release`, in
 * /lib/modules/RELEASE), as lib/modules/FILE, and their paths in load
 * order in etc/kjump/modules.auto, which B's init loads before the
 * user's etc/kjump/modules. Nothing when every driver is built in. Fails,
 * naming the module, when one is not in that release's modules.dep.
 */
int kj_b_modules_add(struct kj_cpio *c, const char *target, const char *release,
		     bool verbose, struct kj_err *e);

#endif
