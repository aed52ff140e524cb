// SPDX-License-Identifier: GPL-2.0-or-later
#include "image_file.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cli.h"
#include "../lib/file_map.h"
#include "../lib/file_pinning.h"
#include "../lib/image.h"
#include "../lib/memmap.h"
#include "../lib/text.h"

#define ZERO_CHUNK	(1u << 20)

bool kj_image_file_wanted(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT;
	return S_ISREG(st.st_mode);
}

/* The file's extents, as FIEMAP gives them after a sync, each checked
 * against the rules (lib/file_pinning.h). */
static int file_extents(int fd, const char *path, struct kj_file_map_extent **out, size_t *n,
			struct kj_err *e)
{
	size_t cap = 512, got = 0;
	uint64_t start = 0;
	struct kj_file_map_extent *x = NULL;
	struct fiemap *fm = calloc(1, sizeof(*fm) + cap * sizeof(struct fiemap_extent));
	bool last = false;

	if (!fm)
		return kj_fail(e, ENOMEM, "out of memory");
	while (!last) {
		memset(fm, 0, sizeof(*fm));
		fm->fm_start = start;
		fm->fm_length = FIEMAP_MAX_OFFSET - start;
		fm->fm_flags = FIEMAP_FLAG_SYNC;
		fm->fm_extent_count = (uint32_t)cap;
		if (ioctl(fd, FS_IOC_FIEMAP, fm)) {
			kj_fail_errno(e, "%s: the filesystem does not say where the file's "
				      "blocks are (FIEMAP)", path);
			goto fail;
		}
		if (!fm->fm_mapped_extents)
			break;
		for (uint32_t i = 0; i < fm->fm_mapped_extents; i++) {
			const struct fiemap_extent *f = &fm->fm_extents[i];
			const char *why = kj_file_pinning_extent(f->fe_flags);

			if (why) {
				kj_fail(e, EINVAL, "%s %s", path, why);
				goto fail;
			}
			if (got == KJ_FILE_MAP_MAX_EXTENTS) {
				kj_fail(e, E2BIG, "%s is in more than %zu pieces on its "
					"device; make it on a less fragmented filesystem",
					path, (size_t)KJ_FILE_MAP_MAX_EXTENTS);
				goto fail;
			}
			void *p = realloc(x, (got + 1) * sizeof(*x));

			if (!p) {
				kj_fail(e, ENOMEM, "out of memory");
				goto fail;
			}
			x = p;
			x[got++] = (struct kj_file_map_extent){ f->fe_logical, f->fe_physical,
								f->fe_length };
			start = f->fe_logical + f->fe_length;
			if (f->fe_flags & FIEMAP_EXTENT_LAST)
				last = true;
		}
	}
	free(fm);
	*out = x;
	*n = got;
	return 0;
fail:
	free(fm);
	free(x);
	return -1;
}

static int file_map_now(int fd, const char *path, uint64_t file_bytes, uint64_t device_bytes,
			uint32_t fs_magic, struct kj_file_map *m, struct kj_err *e)
{
	struct kj_file_map_extent *x = NULL;
	size_t n = 0;
	int r;

	if (file_extents(fd, path, &x, &n, e))
		return -1;
	r = kj_file_map_build(x, n, file_bytes, device_bytes, fs_magic, m, e);
	free(x);
	return r ? kj_prefix(e, "%s", path) : 0;
}

/* The block device a filesystem is on, by its device number: one B and
 * C can open, so not device-mapper (LVM, LUKS), md or a loop device. */
static int find_device(const char *path, dev_t dev, char *out, size_t n, struct kj_err *e)
{
	char sys[128], *uevent = NULL, *p;
	unsigned maj = major(dev), min = minor(dev);
	struct stat st;
	struct kj_err ue;
	static const struct { const char *dir, *what; } stacked[] = {
		{ "dm", "device-mapper (LVM, LUKS, ...)" }, { "md", "an md RAID" },
		{ "loop", "a loop device" },
	};

	for (size_t i = 0; i < sizeof(stacked) / sizeof(stacked[0]); i++) {
		snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/%s", maj, min, stacked[i].dir);
		if (!access(sys, F_OK))
			return kj_fail(e, EINVAL, "%s is on %s, which B and the resume "
				       "kernel do not set up: put it on a filesystem on "
				       "a plain disk or partition", path, stacked[i].what);
	}
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/uevent", maj, min);
	if (kj_read_text(sys, &uevent, NULL, &ue))
		return kj_fail(e, EINVAL, "%s is on a filesystem with no block device "
			       "(device %u:%u)", path, maj, min);
	p = strstr(uevent, "DEVNAME=");
	if (!p) {
		free(uevent);
		return kj_fail(e, ENOENT, "cannot find the name of device %u:%u", maj, min);
	}
	p += 8;
	p[strcspn(p, "\n")] = '\0';
	snprintf(out, n, "/dev/%s", p);
	free(uevent);
	if (stat(out, &st) || !S_ISBLK(st.st_mode) || st.st_rdev != dev)
		return kj_fail(e, ENOENT, "%s is not device %u:%u, where %s is", out, maj,
			       min, path);
	return 0;
}

static int get_flags(int fd, uint32_t *flags)
{
	int f = 0;

	if (ioctl(fd, FS_IOC_GETFLAGS, &f))
		return -1;
	*flags = (uint32_t)f;
	return 0;
}

static int set_immutable(int fd, bool on, const char *path, struct kj_err *e)
{
	uint32_t flags;
	int f;

	if (get_flags(fd, &flags))
		return kj_fail_errno(e, "%s: cannot read its flags", path);
	f = (int)(on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL);
	if ((uint32_t)f != flags && ioctl(fd, FS_IOC_SETFLAGS, &f))
		return kj_fail_errno(e, "%s: cannot %s the immutable flag that pins it",
				     path, on ? "set" : "clear");
	return 0;
}

/* Does fd hold a map kjump wrote (at KJ_FILE_MAP_OFFSET)? */
static bool is_image_file(int fd)
{
	struct kj_file_map_header h;

	return pread(fd, &h, sizeof(h), KJ_FILE_MAP_OFFSET) == sizeof(h) &&
		h.magic == KJ_FILE_MAP_MAGIC;
}

/* Zeros over [from, to) of the file, through the filesystem, so that
 * every block is allocated and written. */
static int write_zeros(int fd, const char *path, uint64_t from, uint64_t to, struct kj_err *e)
{
	uint8_t *z = calloc(1, ZERO_CHUNK);
	double t0 = kj_now();
	struct kj_progress prog = KJ_PROGRESS(20, false, t0);

	if (!z)
		return kj_fail(e, ENOMEM, "out of memory");
	kj_info("%s: writing %llu MiB of zeros, so that every block of the image file "
		"is allocated and written", path, (unsigned long long)((to - from) >> 20));
	for (uint64_t off = from; off < to; off += ZERO_CHUNK) {
		size_t len = to - off < ZERO_CHUNK ? (size_t)(to - off) : ZERO_CHUNK;

		if (kj_img_pwrite(fd, z, len, off, "zeros", e)) {
			free(z);
			return kj_prefix(e, "%s", path);
		}
		int pct = kj_progress_due(&prog, off - from + len, to - from);

		if (pct >= 0 && pct < 100)
			kj_info("%s: %d%%", path, pct);
	}
	free(z);
	if (fsync(fd))
		return kj_fail_errno(e, "%s: cannot flush it", path);
	kj_info("%s: written in %.1f s", path, kj_now() - t0);
	return 0;
}

int kj_image_file_prepare(const char *path, uint64_t need, struct kj_image_file *f,
			  struct kj_err *e)
{
	struct stat st;
	struct statfs sf;
	struct kj_file_map m = { 0 }, back = { 0 };
	uint64_t want, have, device_bytes;
	uint8_t *buf = NULL;
	uint32_t flags;
	const char *why;
	int fd, dfd = -1, ret = -1;
	bool created = false;

	memset(f, 0, sizeof(*f));
	want = (need + KJ_IMG_DATA_OFFSET + (1u << 20) - 1) & ~(uint64_t)((1u << 20) - 1);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && !strncmp(path, "/dev/", 5))
		return kj_fail(e, ENOENT, "%s: no such device (kjump makes image files, "
			       "but not under /dev)", path);
	if (fd < 0 && errno == ENOENT) {
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		created = fd >= 0;
	}
	if (fd < 0)
		return kj_fail_errno(e, "cannot open %s", path);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		kj_fail(e, EINVAL, "%s is not a regular file", path);
		goto out;
	}
	if (!created && st.st_size && !is_image_file(fd)) {
		kj_fail(e, EEXIST, "%s holds something that is not a kjump image file; "
			"kjump only overwrites files it made: remove it, or name a new file",
			path);
		goto out;
	}
	if (fstatfs(fd, &sf)) {
		kj_fail_errno(e, "%s: cannot tell its filesystem", path);
		goto out;
	}
	why = kj_file_pinning_filesystem((uint64_t)sf.f_type, &f->fs_name);
	if (!why && get_flags(fd, &flags) == 0)
		why = kj_file_pinning_flags(flags);
	if (why) {
		kj_fail(e, EINVAL, "%s %s; an image file needs blocks that stay where "
			"they are: use a spare partition, or a file on ext4 or xfs", path, why);
		goto out;
	}
	if (find_device(path, st.st_dev, f->device, sizeof(f->device), e))
		goto out;
	/* writable from here: clear kjump's pin (an image file's only) */
	if (!created) {
		int w;

		if (set_immutable(fd, false, path, e))
			goto out;
		w = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
		if (w < 0) {
			kj_fail_errno(e, "cannot open %s for writing", path);
			goto out;
		}
		close(fd);
		fd = w;
	}
	have = (uint64_t)st.st_size;
	if (have < want) {
		int r = fallocate(fd, 0, 0, (off_t)want);

		if (r && errno == ENOSPC) {
			kj_fail(e, ENOSPC, "%s needs %llu MiB (the worst case: all of RAM, "
				"incompressible) and its filesystem has %llu MiB free", path,
				(unsigned long long)(want >> 20),
				(unsigned long long)(((uint64_t)sf.f_bavail * sf.f_bsize) >> 20));
			goto out;
		}
		if (r && errno != EOPNOTSUPP) {
			kj_fail_errno(e, "%s: cannot allocate %llu MiB", path,
				      (unsigned long long)(want >> 20));
			goto out;
		}
		if (write_zeros(fd, path, have, want, e))
			goto out;
		have = want;
	}
	{
		/* direct: the device's cache may hold blocks from before */
		int dev = open(f->device, O_RDONLY | O_DIRECT | O_CLOEXEC);

		if (dev < 0 || ioctl(dev, BLKGETSIZE64, &device_bytes)) {
			kj_fail_errno(e, "cannot open %s, the device under %s", f->device, path);
			if (dev >= 0)
				close(dev);
			goto out;
		}
		dfd = dev;
	}
	if (file_map_now(fd, path, have, device_bytes, (uint32_t)sf.f_type, &m, e))
		goto out;
	size_t len = kj_file_map_encoded_size(&m);

	buf = malloc(len);
	if (!buf) {
		kj_fail(e, ENOMEM, "out of memory");
		goto out;
	}
	kj_file_map_encode(&m, buf);
	if (kj_img_pwrite(fd, buf, len, KJ_FILE_MAP_OFFSET, "the image file's map", e) ||
	    (fdatasync(fd) && kj_fail_errno(e, "cannot flush")))
		goto out;
	/* The proof that FIEMAP gave the device's addresses: the map, read
	 * from the device where it says it is, is the map. */
	int r = kj_file_map_read(dfd, m.map_physical, &back, e);

	if (r || !kj_file_map_equal(&m, &back)) {
		if (r <= 0)
			kj_fail(e, EIO, "%s: its map is not at byte %llu of %s, where FIEMAP "
				"says it is: this filesystem's block addresses are not the "
				"device's, so kjump cannot put an image in a file here", path,
				(unsigned long long)m.map_physical, f->device);
		else
			kj_prefix(e, "%s: reading its map back from %s", path, f->device);
		goto out;
	}
	f->map_physical = m.map_physical;
	f->file_bytes = have;
	ret = 0;
out:
	if (ret && created)
		unlink(path);
	free(buf);
	kj_file_map_free(&m);
	kj_file_map_free(&back);
	if (dfd >= 0)
		close(dfd);
	close(fd);
	return ret;
}

int kj_image_file_pin(const char *path, const struct kj_image_file *f, bool pin,
		      struct kj_err *e)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), dfd, r = -1;
	struct kj_file_map now = { 0 }, map = { 0 };
	uint64_t device_bytes;
	struct statfs sf;

	if (fd < 0)
		return kj_fail_errno(e, "cannot open %s", path);
	if (set_immutable(fd, pin, path, e))
		goto out;
	if (!pin) {
		r = 0;
		goto out;
	}
	/* Pinned: now check that nothing moved while it was not. */
	dfd = open(f->device, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (dfd < 0 || ioctl(dfd, BLKGETSIZE64, &device_bytes) || fstatfs(fd, &sf)) {
		kj_fail_errno(e, "cannot open %s", f->device);
		if (dfd >= 0)
			close(dfd);
		goto out;
	}
	int rm = kj_file_map_read(dfd, f->map_physical, &map, e);

	close(dfd);
	if (rm) {
		if (rm > 0)
			kj_fail(e, EIO, "its map is gone from %s", f->device);
		kj_prefix(e, "%s", path);
		goto out;
	}
	if (file_map_now(fd, path, f->file_bytes, device_bytes, (uint32_t)sf.f_type, &now, e))
		goto out;
	if (!kj_file_map_equal(&now, &map)) {
		kj_fail(e, EIO, "%s: the filesystem moved its blocks (a defragmenter?) "
			"since kjump mapped it; run the command again to map it anew", path);
		goto out;
	}
	r = 0;
out:
	kj_file_map_free(&now);
	kj_file_map_free(&map);
	close(fd);
	return r;
}
