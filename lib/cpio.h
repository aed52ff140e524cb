/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A "newc" cpio archive in memory: the initramfs kjump builds for B (the
 * static kjump itself as /init). Pure.
 */
#ifndef KJUMP_CPIO_H
#define KJUMP_CPIO_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct kj_cpio {
	uint8_t *p;
	size_t len, cap;
	uint32_t ino;
};

/* mode includes the file type bits (S_IFREG, S_IFDIR, S_IFCHR). */
int kj_cpio_add(struct kj_cpio *c, const char *name, uint32_t mode,
		uint32_t rdev_major, uint32_t rdev_minor, const void *data,
		size_t len, struct kj_err *e);
int kj_cpio_finish(struct kj_cpio *c, struct kj_err *e);
void kj_cpio_free(struct kj_cpio *c);

#endif
