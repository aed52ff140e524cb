// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump export --elf TARGET -o CORE: a standard ELF64 core of the saved
 * system (lib/image_export.h), with A's memory at its physical addresses
 * (as A saw it: backup pages followed back), A's VMCOREINFO note, and A's
 * virtual mappings, so that vmcore-dmesg, makedumpfile and crash can read it.
 *
 * CORE is written to a new temporary file in its directory and renamed
 * into place at the end, so a refused or failed export leaves nothing
 * behind, and a symlink at CORE is never followed: without --force an
 * existing CORE is refused; with it, the name is replaced (a symlink
 * itself, not its target).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "seal_key.h"
#include "../lib/file_map.h"
#include "../lib/image.h"
#include "../lib/image_export.h"

static void help(void)
{
	printf("Usage: kjump export --elf TARGET -o CORE [--force] [--offset N]\n"
	       "\n"
	       "Write the image on TARGET as an ELF64 core file CORE (sparse, mode\n"
	       "0600: it holds every secret the system had in memory). Pages the\n"
	       "image left out (free in the saved system) read as zeros.\n"
	       "Read it with vmcore-dmesg, makedumpfile, or crash (with the kernel's\n"
	       "vmlinux).\n"
	       "\n"
	       "CORE is written to a temporary file next to it and renamed into place\n"
	       "when complete; a failed export leaves nothing behind.\n"
	       "\n"
	       "Options:\n"
	       "  -o, --output CORE  the core file to create; an existing CORE is refused\n"
	       "      --offset N     the image is in a file on the filesystem on TARGET,\n"
	       "                     its map at 4 KiB block N (see kjump info --help)\n"
	       "  -f, --force        replace an existing CORE (a symlink is replaced\n"
	       "                     itself; its target is never written)\n"
	       "      --key-file FILE, --passphrase-file FILE  a sealed image's key\n"
	       "                     (else the passphrase is asked on the terminal)\n"
	       "      --tries N      times to ask for a mistyped passphrase (default 3)\n"
	       "  -h, --help         show this help\n");
}

static void progress(uint64_t done, uint64_t total, void *arg)
{
	uint64_t *last = arg, tenth = total ? done * 10 / total : 10;

	if (tenth != *last) {
		*last = tenth;
		kj_info("exported %llu%%", (unsigned long long)(tenth * 10));
	}
}

/* May CORE be created (or, forced, replaced)? Nothing is touched. */
static int check_output(const char *out, bool force, struct kj_err *e)
{
	struct stat st;

	if (lstat(out, &st)) {
		if (errno == ENOENT)
			return 0;
		return kj_fail_errno(e, "cannot check %s", out);
	}
	if (S_ISDIR(st.st_mode))
		return kj_fail(e, EISDIR, "%s is a directory; name the core file to "
			       "create in it", out);
	if (!force)
		return kj_fail(e, EEXIST, "%s exists%s; kjump will not overwrite it "
			       "(remove it, or pass --force to replace it)", out,
			       S_ISLNK(st.st_mode) ? " (a symlink)" : "");
	return 0;
}

static int export(struct kj_img *img, const char *out, bool force, struct kj_err *e)
{
	struct kj_export_plan p;
	char tmp[PATH_MAX], dir_buf[PATH_MAX], base_buf[PATH_MAX];
	uint64_t last = 0;
	int fd, r;

	if (kj_export_plan(img, &p, e))
		return -1;
	snprintf(dir_buf, sizeof(dir_buf), "%s", out);
	snprintf(base_buf, sizeof(base_buf), "%s", out);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dirname(dir_buf),
			     basename(base_buf)) >= sizeof(tmp)) {
		kj_export_plan_free(&p);
		return kj_fail(e, ENAMETOOLONG, "%s: name too long", out);
	}
	/* O_CREAT | O_EXCL on a fresh name: no symlink is followed */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		kj_export_plan_free(&p);
		return kj_fail_errno(e, "cannot create a temporary file for %s", out);
	}
	r = fchmod(fd, 0600) ? kj_fail_errno(e, "cannot chmod %s", tmp) : 0;
	if (!r)
		r = kj_export_write(img, &p, fd, progress, &last, NULL, e);
	if (!r && fsync(fd))
		r = kj_fail_errno(e, "cannot write %s", tmp);
	if (close(fd) && !r)
		r = kj_fail_errno(e, "cannot write %s", tmp);
	if (!r) {
		if (force) {
			if (rename(tmp, out))
				r = kj_fail_errno(e, "cannot rename %s to %s", tmp, out);
		} else if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out, RENAME_NOREPLACE)) {
			/* a filesystem without RENAME_NOREPLACE: link() also
			 * refuses an existing name */
			if ((errno == EINVAL || errno == ENOSYS) && link(tmp, out) == 0)
				unlink(tmp);
			else if (errno == EEXIST)
				r = kj_fail(e, EEXIST, "%s appeared while exporting; "
					    "kjump will not overwrite it (pass --force "
					    "to replace it)", out);
			else
				r = kj_fail_errno(e, "cannot rename %s to %s", tmp, out);
		}
	}
	if (r)
		unlink(tmp);
	kj_export_plan_free(&p);
	return r;
}

int cmd_export(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "elf", no_argument, NULL, 'E' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "offset", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		KJ_KEY_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct kj_err e = { 0 };
	struct kj_key_opts ko = { 0 };
	struct kj_img img;
	const char *out = NULL;
	bool elf = false, force = false;
	uint64_t offset = 0;
	int c, fd, bad;

	while ((c = getopt_long(argc, argv, ":o:fh", lo, NULL)) != -1) {
		if (kj_key_opt(c, optarg, &ko, &bad)) {
			if (bad)
				return KJ_EXIT_USAGE;
			continue;
		}
		switch (c) {
		case 'E': elf = true; break;
		case 'o': out = optarg; break;
		case 'f': force = true; break;
		case 'O':
			if (kj_opt_offset(optarg, &offset))
				return KJ_EXIT_USAGE;
			break;
		case 'h': help(); return KJ_EXIT_OK;
		default: return kj_bad_option(c, argv, lo);
		}
	}
	if (!elf)
		return kj_usage_error("which format? (--elf is the one there is)");
	if (argc - optind != 1 || !out)
		return kj_usage_error("want TARGET and -o CORE");
	if (check_output(out, force, &e))
		return kj_report(&e);
	if (offset && kj_file_map_attach(argv[optind], offset * 4096, &e))
		return kj_report(&e);
	if (kj_open_image(argv[optind], &img, &fd, &ko, false, &e))
		return kj_report(&e);
	if (!img.complete) {
		kj_fail(&e, EIO, "%s: %s", argv[optind], img.problem);
	} else if (export(&img, out, force, &e) == 0) {
		printf("wrote %s: Linux %s, %.0f MiB of RAM\n", out, img.hdr.release,
		       img.hdr.pages_total * 4096.0 / 1048576);
		kj_img_close(&img);
		close(fd);
		return KJ_EXIT_OK;
	}
	kj_img_close(&img);
	close(fd);
	return kj_report(&e);
}
