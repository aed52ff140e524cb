/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel modules and what they need: the modules.dep file depmod writes in
 * /lib/modules/RELEASE, read so that kjump can put the drivers of an image
 * target, and the modules they depend on, into B's initramfs in an order
 * in which they load.
 *
 * modules.dep has one line per module: its path (relative to the modules
 * directory), a colon, and the paths of every module it needs, separated by
 * spaces. A module's name is its file name without ".ko" and any
 * compression suffix, with '-' read as '_' (as the kernel does). Pure
 * functions; sizes are bounded, so a hostile file is refused, not obeyed.
 */
#ifndef KJUMP_MODULE_DEPS_H
#define KJUMP_MODULE_DEPS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define KJ_MODULE_DEPS_MAX_TEXT	(16u << 20)
#define KJ_MODULE_DEPS_MAX_MODULES 100000u
#define KJ_MODULE_DEPS_MAX_NEEDS 1024u

struct kj_module {
	char *name;		/* normalized: "virtio_blk" */
	char *path;		/* "kernel/drivers/block/virtio_blk.ko.xz" */
	size_t *needs;		/* indices of the modules it needs */
	size_t nneeds;
};

struct kj_module_deps {
	struct kj_module *m;
	size_t n;
};

/* Parse modules.dep's text. Fails on a line without its colon, a path
 * that is absolute or climbs out (".."), or a module it needs that has no
 * line of its own. */
int kj_module_deps_parse(const char *text, size_t len, struct kj_module_deps *d,
			 struct kj_err *e);
void kj_module_deps_free(struct kj_module_deps *d);

/* The module called name ('-' or '_' alike), or -1. */
long kj_module_deps_find(const struct kj_module_deps *d, const char *name);

/* Its name from a module's file name or path: the base name without ".ko"
 * and what follows, '-' as '_', into out (size bytes). */
void kj_module_name(const char *path, char *out, size_t size);

/* Is the module called name built into the kernel, per the text of its
 * modules.builtin (one path per line, "kernel/drivers/.../x.ko")? A
 * driver built in has a module link in sysfs too, but nothing to load. */
bool kj_module_builtin(const char *text, size_t len, const char *name);

/*
 * Add module idx and everything it needs to order[] (indices; *n of
 * them so far, room for d->n), each once, every module after those it
 * needs: the order to load them in.
 */
void kj_module_deps_load_order(const struct kj_module_deps *d, size_t idx, size_t *order,
			       size_t *n);

#endif
