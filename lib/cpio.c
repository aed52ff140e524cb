// SPDX-License-Identifier: GPL-2.0-or-later
#include "cpio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int put(struct kj_cpio *c, const void *d, size_t n, struct kj_err *e)
{
	if (!n)
		return 0;
	if (c->len + n + 4 > c->cap) {
		size_t cap = c->cap ? c->cap : 65536;

		while (cap < c->len + n + 4)
			cap *= 2;
		uint8_t *p = realloc(c->p, cap);
		if (!p)
			return kj_fail(e, ENOMEM, "out of memory building an initramfs");
		c->p = p;
		c->cap = cap;
	}
	memcpy(c->p + c->len, d, n);
	c->len += n;
	return 0;
}

static int pad4(struct kj_cpio *c, struct kj_err *e)
{
	static const uint8_t z[4];

	return put(c, z, (4 - c->len % 4) % 4, e);
}

int kj_cpio_add(struct kj_cpio *c, const char *name, uint32_t mode,
		uint32_t rdev_major, uint32_t rdev_minor, const void *data,
		size_t len, struct kj_err *e)
{
	char hdr[111];
	size_t nlen = strlen(name) + 1;

	if (len > 0xffffffffu || nlen > 4096)
		return kj_fail(e, EFBIG, "cpio entry %.64s is too large", name);
	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ++c->ino, mode, 0u, 0u, (mode & 0170000) == 0040000 ? 2u : 1u, 0u,
		 (unsigned)len, 0u, 0u, rdev_major, rdev_minor, (unsigned)nlen, 0u);
	if (put(c, hdr, 110, e) || put(c, name, nlen, e) || pad4(c, e) ||
	    put(c, data, len, e) || pad4(c, e))
		return -1;
	return 0;
}

int kj_cpio_finish(struct kj_cpio *c, struct kj_err *e)
{
	return kj_cpio_add(c, "TRAILER!!!", 0, 0, 0, NULL, 0, e);
}

void kj_cpio_free(struct kj_cpio *c)
{
	free(c->p);
	memset(c, 0, sizeof(*c));
}
