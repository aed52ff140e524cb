// SPDX-License-Identifier: GPL-2.0-or-later
#include "device_modules.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "module_deps.h"

/* The base name of what `link` points to, or "" */
static void link_base(const char *link, char *out, size_t size)
{
	char t[PATH_MAX];
	ssize_t n = readlink(link, t, sizeof(t) - 1);
	const char *b;

	out[0] = '\0';
	if (n <= 0)
		return;
	t[n] = '\0';
	b = strrchr(t, '/');
	snprintf(out, size, "%.63s", b ? b + 1 : t);
}

int kj_device_modules_find(const char *sysfs_root, unsigned major, unsigned minor,
			   struct kj_device_modules *out, struct kj_err *e)
{
	char path[PATH_MAX], real[PATH_MAX], devices[PATH_MAX], probe[PATH_MAX + 32];
	struct stat st;
	size_t rootlen;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "%s/dev/block/%u:%u", sysfs_root, major, minor);
	if (!realpath(path, real))
		return kj_fail_errno(e, "cannot find block device %u:%u in %s/dev/block",
				     major, minor, sysfs_root);
	snprintf(path, sizeof(path), "%s/devices", sysfs_root);
	if (!realpath(path, devices))
		return kj_fail_errno(e, "cannot find %s", path);
	rootlen = strlen(devices);
	/* a partition: its disk is the parent directory */
	snprintf(probe, sizeof(probe), "%s/partition", real);
	if (!stat(probe, &st)) {
		char *slash = strrchr(real, '/');

		if (slash)
			*slash = '\0';
	}
	while (strlen(real) > rootlen && !strncmp(real, devices, rootlen)) {
		char mod[64];

		/* the device's driver is at DEV/device/driver for a disk's
		 * class directory, DEV/driver for a bus device */
		snprintf(probe, sizeof(probe), "%s/driver/module", real);
		link_base(probe, mod, sizeof(mod));
		if (mod[0]) {
			bool seen = false;
			char norm[64];

			kj_module_name(mod, norm, sizeof(norm));
			for (size_t i = 0; i < out->n; i++)
				seen |= !strcmp(out->name[i], norm);
			if (!seen) {
				if (out->n == KJ_DEVICE_MODULES_MAX)
					return kj_fail(e, E2BIG, "block device %u:%u has more "
						       "than %d driver modules", major, minor,
						       KJ_DEVICE_MODULES_MAX);
				snprintf(out->name[out->n++], sizeof(out->name[0]), "%s", norm);
			}
		}
		char *slash = strrchr(real, '/');

		if (!slash)
			break;
		*slash = '\0';
	}
	return 0;
}
