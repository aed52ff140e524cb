// SPDX-License-Identifier: GPL-2.0-or-later
#include "target.h"
#include "file_map.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "image_format.h"
#include "memmap.h"

static bool at(const uint8_t *b, size_t len, size_t off, const char *magic, size_t n)
{
	return off + n <= len && !memcmp(b + off, magic, n);
}

const char *kj_target_signature(const uint8_t *b, size_t len)
{
	uint64_t m = 0;

	if (len >= 8)
		memcpy(&m, b, 8);
	if (m == KJ_IMG_MAGIC)
		return NULL;
	if (at(b, len, 1080, "\x53\xef", 2))
		return "ext2/3/4";
	if (at(b, len, 0, "XFSB", 4))
		return "xfs";
	if (at(b, len, 0x10040, "_BHRfS_M", 8))
		return "btrfs";
	if (at(b, len, 4086, "SWAPSPACE2", 10) || at(b, len, 4086, "SWAP-SPACE", 10))
		return "swap";
	if (at(b, len, 0, "LUKS\xba\xbe", 6))
		return "LUKS";
	if (at(b, len, 512, "LABELONE", 8) || at(b, len, 0, "LABELONE", 8))
		return "LVM physical volume";
	if (at(b, len, 512, "EFI PART", 8))
		return "GPT partition table";
	if (at(b, len, 0x8001, "CD001", 5))
		return "ISO 9660";
	if (at(b, len, 0, "hsqs", 4))
		return "squashfs";
	if (at(b, len, 0x52, "FAT32", 5) || at(b, len, 0x36, "FAT1", 4))
		return "FAT";
	if (at(b, len, 3, "NTFS    ", 8))
		return "NTFS";
	if (at(b, len, 0x400, "\x10\x20\xf5\xf2", 4))
		return "f2fs";
	if (at(b, len, 510, "\x55\xaa", 2)) {
		/* an MBR: any partition entry with a type byte set */
		for (int i = 0; i < 4; i++)
			if (b[446 + 16 * i + 4])
				return "MBR partition table";
	}
	return NULL;
}

const char *kj_mountinfo_uses(const char *mi, unsigned maj, unsigned min,
			      const unsigned (*parts)[2], size_t nparts)
{
	static char where[256];

	for (const char *l = mi; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		unsigned a, b;
		char mnt[256];

		/* "36 35 98:0 /mnt1 /mnt2 rw ..." : field 3 is maj:min */
		if (sscanf(l, "%*u %*u %u:%u %*s %255s", &a, &b, mnt) != 3)
			continue;
		bool hit = a == maj && b == min;
		for (size_t i = 0; i < nparts && !hit; i++)
			hit = a == parts[i][0] && b == parts[i][1];
		if (hit) {
			snprintf(where, sizeof(where), "%s", mnt);
			return where;
		}
	}
	return NULL;
}

/* Partitions of a whole disk, from /sys/dev/block/MAJ:MIN/<part>/dev. */
static size_t partitions(unsigned maj, unsigned min, unsigned (*out)[2], size_t max)
{
	char path[128];
	size_t n = 0;
	DIR *d;
	struct dirent *de;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", maj, min);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		char p[512];
		FILE *f;
		unsigned a, b;

		snprintf(p, sizeof(p), "%s/%s/partition", path, de->d_name);
		if (access(p, F_OK))
			continue;
		snprintf(p, sizeof(p), "%s/%s/dev", path, de->d_name);
		f = fopen(p, "re");
		if (f && fscanf(f, "%u:%u", &a, &b) == 2) {
			out[n][0] = a;
			out[n][1] = b;
			n++;
		}
		if (f)
			fclose(f);
	}
	closedir(d);
	return n;
}

static bool has_holders(unsigned maj, unsigned min)
{
	char path[128];
	DIR *d;
	struct dirent *de;
	bool any = false;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/holders", maj, min);
	d = opendir(path);
	if (!d)
		return false;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			any = true;
	closedir(d);
	return any;
}

static bool is_swap(const char *path, dev_t rdev)
{
	FILE *f = fopen("/proc/swaps", "re");
	char line[512], dev[256];
	bool hit = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		struct stat st;

		if (sscanf(line, "%255s", dev) == 1 && dev[0] == '/' &&
		    (!strcmp(dev, path) || (!stat(dev, &st) && S_ISBLK(st.st_mode) &&
					     st.st_rdev == rdev)))
			hit = true;
	}
	fclose(f);
	return hit;
}

int kj_target_open(struct kj_target *t, const char *path, unsigned flags,
		   uint64_t need, struct kj_err *e)
{
	struct stat st;
	bool wr = flags & KJ_TARGET_WRITE;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	snprintf(t->path, sizeof(t->path), "%s", path);
	if (stat(path, &st)) {
		if (errno == ENOENT && wr && (flags & KJ_TARGET_NEW_FILE)) {
			t->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
			if (t->fd < 0)
				return kj_fail_errno(e, "cannot create %s", path);
			return 0;
		}
		return kj_fail_errno(e, "%s", path);
	}
	if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))
		return kj_fail(e, EINVAL, "%s is neither a block device nor a file", path);
	t->is_block = S_ISBLK(st.st_mode);
	if (wr && t->is_block) {
		unsigned maj = major(st.st_rdev), min = minor(st.st_rdev);
		unsigned parts[64][2];
		size_t np = partitions(maj, min, parts, 64);
		char *mi = NULL;
		const char *where = NULL;

		if (kj_read_text("/proc/self/mountinfo", &mi, NULL, e) == 0) {
			where = kj_mountinfo_uses(mi, maj, min, (const unsigned (*)[2])parts, np);
			if (where) {
				char w[256];

				snprintf(w, sizeof(w), "%s", where);
				free(mi);
				return kj_fail(e, EBUSY, "%s is mounted on %s: an image must "
					       "never be written under a mounted filesystem; "
					       "use a spare partition or disk", path, w);
			}
			free(mi);
		}
		if (is_swap(path, st.st_rdev))
			return kj_fail(e, EBUSY, "%s is active swap; swapoff it first, "
				       "or use another device", path);
		if (has_holders(maj, min))
			return kj_fail(e, EBUSY, "%s is held by device-mapper, md or LVM "
				       "(see /sys/dev/block/%u:%u/holders)", path, maj, min);
	}
	t->fd = open(path, (wr ? O_RDWR : O_RDONLY) | O_CLOEXEC |
		     (wr && t->is_block ? O_EXCL : 0));
	if (t->fd < 0) {
		if (errno == EBUSY)
			return kj_fail(e, EBUSY, "%s is in use (the kernel refused "
				       "exclusive access)", path);
		return kj_fail_errno(e, "cannot open %s", path);
	}
	const struct kj_file_map *m = t->is_block ? kj_file_map_of(t->fd) : NULL;

	if (m) {
		/* an image file on this device (lib/file_map.h): the file is
		 * the target, and its size the target's */
		t->size = m->file_bytes;
	} else if (t->is_block) {
		uint64_t sz;

		if (ioctl(t->fd, BLKGETSIZE64, &sz)) {
			kj_fail_errno(e, "cannot get the size of %s", path);
			kj_target_close(t);
			return -1;
		}
		t->size = sz;
	} else {
		t->size = (uint64_t)st.st_size;
		if (wr)
			fchmod(t->fd, 0600);	/* an image holds every secret */
	}
	if (wr) {
		uint8_t *probe = calloc(1, KJ_SIG_PROBE_SIZE);
		ssize_t n = probe ? pread(t->fd, probe, KJ_SIG_PROBE_SIZE, 0) : -1;
		const char *sig = n > 0 ? kj_target_signature(probe, (size_t)n) : NULL;

		if (sig && !strcmp(sig, "swap") && t->is_block && n >= 0x40c + 16) {
			const uint8_t *u = probe + 0x40c;	/* the swap header's uuid */

			t->was_swap = true;
			snprintf(t->swap_uuid, sizeof(t->swap_uuid),
				 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
				 "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4],
				 u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
				 u[14], u[15]);
			sig = NULL;	/* not active (is_swap above): spare */
		}
		free(probe);
		if (sig && !(flags & KJ_TARGET_FORCE)) {
			kj_target_close(t);
			return kj_fail(e, EEXIST, "%s holds a %s signature; kjump will not "
				       "overwrite it (pass --force if it is really spare)",
				       path, sig);
		}
		if (need && t->is_block && t->size < need) {
			kj_target_close(t);
			return kj_fail(e, ENOSPC, "%s has %llu MiB; the image may need up to "
				       "%llu MiB (all of A's memory, incompressible)", path,
				       (unsigned long long)(t->size >> 20),
				       (unsigned long long)((need + (1 << 20) - 1) >> 20));
		}
	}
	return 0;
}

void kj_target_close(struct kj_target *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}
