// SPDX-License-Identifier: GPL-2.0-or-later
#include "b_modules.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>

#include "cli.h"
#include "../lib/bzimage.h"
#include "../lib/device_modules.h"
#include "../lib/module_deps.h"

void kj_b_kernel_release(const char *kernel, char *out, size_t size)
{
	struct kj_bzimage bz;
	struct kj_err e;
	struct utsname u;
	uint8_t *file = NULL;
	size_t len;

	uname(&u);
	snprintf(out, size, "%s", u.release);
	if (kj_read_file(kernel, 256u << 20, &file, &len, &e))
		return;
	if (kj_bzimage_parse(file, len, &bz, &e) == 0 && bz.version_string[0]) {
		size_t n = strcspn(bz.version_string, " ");

		if (n && n < size) {
			memcpy(out, bz.version_string, n);
			out[n] = '\0';
		}
	}
	free(file);
}

int kj_b_modules_add(struct kj_cpio *c, const char *target, const char *release,
		     bool verbose, struct kj_err *e)
{
	struct kj_device_modules dm;
	struct kj_module_deps deps = { 0 };
	struct stat st;
	char path[512], *list = NULL;
	uint8_t *text = NULL;
	size_t len, *order = NULL, n = 0, listlen = 0;
	int ret = -1;

	if (stat(target, &st))
		return kj_fail_errno(e, "cannot stat %s", target);
	if (!S_ISBLK(st.st_mode))
		return 0;	/* the target checks say what is wrong with it */
	if (kj_device_modules_find("/sys", major(st.st_rdev), minor(st.st_rdev), &dm, e))
		return kj_prefix(e, "finding the drivers of %s", target);
	if (!dm.n)
		return 0;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", release);
	if (kj_read_file(path, KJ_MODULE_DEPS_MAX_TEXT, &text, &len, e)) {
		kj_prefix(e, "%s is driven by module %s, which B (Linux %s) must load, "
			  "but its list of modules is missing", target, dm.name[0], release);
		return -1;
	}
	if (kj_module_deps_parse((const char *)text, len, &deps, e)) {
		kj_prefix(e, "%s", path);
		goto out;
	}
	order = calloc(deps.n ? deps.n : 1, sizeof(*order));
	if (!order) {
		kj_fail(e, ENOMEM, "out of memory");
		goto out;
	}
	/* built into B's kernel: nothing to load (a missing list: none) */
	char bpath[512];
	uint8_t *builtin = NULL;
	size_t blen = 0;
	struct kj_err be;

	snprintf(bpath, sizeof(bpath), "/lib/modules/%s/modules.builtin", release);
	if (kj_read_file(bpath, KJ_MODULE_DEPS_MAX_TEXT, &builtin, &blen, &be))
		blen = 0;
	for (size_t i = dm.n; i-- > 0; ) {	/* outermost (the bus) first */
		long m = kj_module_deps_find(&deps, dm.name[i]);

		if (m < 0 && builtin && kj_module_builtin((const char *)builtin, blen, dm.name[i]))
			continue;
		if (m < 0) {
			free(builtin);
			kj_fail(e, ENOENT, "%s is driven by module %s, which %s does not list: "
				"B (Linux %s) could not reach it", target, dm.name[i], path,
				release);
			goto out;
		}
		kj_module_deps_load_order(&deps, (size_t)m, order, &n);
	}
	free(builtin);
	if (kj_cpio_add(c, "lib", 040755, 0, 0, NULL, 0, e) ||
	    kj_cpio_add(c, "lib/modules", 040755, 0, 0, NULL, 0, e) ||
	    kj_cpio_add(c, "etc", 040755, 0, 0, NULL, 0, e) ||
	    kj_cpio_add(c, "etc/kjump", 040755, 0, 0, NULL, 0, e))
		goto out;
	for (size_t i = 0; i < n; i++) {
		const char *p = deps.m[order[i]].path, *base = strrchr(p, '/');
		char src[1024], dst[512];
		uint8_t *ko = NULL;
		size_t kolen;

		base = base ? base + 1 : p;
		snprintf(src, sizeof(src), "/lib/modules/%s/%s", release, p);
		snprintf(dst, sizeof(dst), "lib/modules/%s", base);
		if (kj_read_file(src, 64u << 20, &ko, &kolen, e)) {
			kj_prefix(e, "a module B needs for %s", target);
			goto out;
		}
		int r = kj_cpio_add(c, dst, 0100644, 0, 0, ko, kolen, e);

		free(ko);
		if (r)
			goto out;
		char *nl = realloc(list, listlen + strlen(dst) + 3);

		if (!nl) {
			kj_fail(e, ENOMEM, "out of memory");
			goto out;
		}
		list = nl;
		listlen += (size_t)sprintf(list + listlen, "/%s\n", dst);
		if (verbose)
			kj_info("B gets module %s (for %s)", deps.m[order[i]].name, target);
	}
	if (kj_cpio_add(c, "etc/kjump/modules.auto", 0100644, 0, 0, (const uint8_t *)list,
			listlen, e))
		goto out;
	ret = 0;
out:
	free(list);
	free(order);
	free(text);
	kj_module_deps_free(&deps);
	return ret;
}
