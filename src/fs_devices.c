// SPDX-License-Identifier: GPL-2.0-or-later
/* The saved system's disks across A, B and C: see fs_devices.h. */
#include "fs_devices.h"
#include "../lib/file_map.h"

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
#include <xxhash.h>

#include "cli.h"
#include "../lib/fs_fingerprint.h"
#include "../lib/mountinfo.h"

#define REQ_MAGIC	0x31514552534a4b4bULL	/* "KKJSREQ1" in memory */
#define PROBE_ALLOC	((KJ_FS_PROBE_BYTES + 4095u) & ~4095u)
#define MAX_SCAN	512	/* block devices C and B look at */

/* A -> B, at KJ_FS_REQUEST_OFFSET of the target. */
struct fs_request {
	uint64_t magic;
	uint8_t tag[16];
	uint32_t count;		/* <= KJ_IMG_MAX_FS */
	uint32_t reserved;
	uint64_t xxh64;		/* of the whole struct with this field 0 */
	uint64_t pad;
	struct kj_img_fs fs[KJ_IMG_MAX_FS];
};
#define REQ_BYTES	((sizeof(struct fs_request) + 4095u) & ~4095u)
/* the list and an image file's map share the gap before the image data */
_Static_assert(KJ_FS_REQUEST_OFFSET + REQ_BYTES <= KJ_FILE_MAP_OFFSET,
	       "the disk list runs into an image file's map");

static void cpy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src);
}

/* The first KJ_FS_PROBE_BYTES of a block device, read from the device
 * (O_DIRECT; else with its buffers dropped) into buf (PROBE_ALLOC bytes,
 * 4 KiB aligned). Returns the bytes read, -1 when it cannot be opened or
 * read at all. */
static ssize_t probe(const char *path, uint8_t *buf)
{
	int fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC | O_NONBLOCK);
	size_t got = 0;

	if (fd < 0 && errno == EINVAL) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0)
			ioctl(fd, BLKFLSBUF, 0);
	}
	if (fd < 0)
		return -1;
	while (got < PROBE_ALLOC) {
		ssize_t r = pread(fd, buf + got, 4096, (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
		if (r < 4096)
			break;
	}
	close(fd);
	if (!got)
		return -1;
	return (ssize_t)(got < KJ_FS_PROBE_BYTES ? got : KJ_FS_PROBE_BYTES);
}

/* A path to open block device `dev`: /dev/NAME when it is that device,
 * else a node kjump makes in dir (which must exist). */
static int dev_path(dev_t dev, const char *name, const char *dir, char *path, size_t n)
{
	struct stat st;

	if (name) {
		snprintf(path, n, "/dev/%s", name);
		for (char *p = path + 5; *p; p++)
			if (*p == '!')
				*p = '/';	/* sysfs's name for cciss/c0d0 */
		if (!stat(path, &st) && S_ISBLK(st.st_mode) && st.st_rdev == dev)
			return 0;
	}
	if (!dir)
		return -1;
	snprintf(path, n, "%s/%u-%u", dir, major(dev), minor(dev));
	unlink(path);
	if (mknod(path, S_IFBLK | 0600, dev))
		return -1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* A                                                                   */

struct list {
	struct kj_img_fs fs[KJ_IMG_MAX_FS];
	size_t n;
	size_t dropped;		/* beyond KJ_IMG_MAX_FS */
};

static struct kj_img_fs *add_dev(struct list *l, dev_t dev, const char *type,
				 const char *devname, const char *mnt, bool dedupe)
{
	for (size_t i = 0; dedupe && i < l->n; i++)
		if (l->fs[i].major == major(dev) && l->fs[i].minor == minor(dev))
			return NULL;	/* mounted twice */
	if (l->n == KJ_IMG_MAX_FS) {
		l->dropped++;
		return NULL;
	}
	struct kj_img_fs *f = &l->fs[l->n++];

	memset(f, 0, sizeof(*f));
	f->major = major(dev);
	f->minor = minor(dev);
	f->kind = kj_fs_kind_of_type(type);
	f->status = KJ_FS_CHECKED;	/* for B to do */
	cpy(f->fstype, sizeof(f->fstype), type);
	cpy(f->device, sizeof(f->device), devname);
	cpy(f->mountpoint, sizeof(f->mountpoint), mnt);
	return f;
}

/* The block device behind a mount: its source when that is a device node
 * (btrfs shows an anonymous 0:N in mountinfo), else the number mountinfo
 * gives, when it is a block device's. */
static int mount_dev(const char *majmin, const char *source, dev_t *dev, char *name, size_t n)
{
	unsigned ma, mi;
	char link[256], target[256];
	struct stat st;
	ssize_t r;

	if (source[0] == '/' && !stat(source, &st) && S_ISBLK(st.st_mode)) {
		*dev = st.st_rdev;
		cpy(name, n, source);
		return 0;
	}
	if (sscanf(majmin, "%u:%u", &ma, &mi) != 2 || ma == 0)
		return -1;
	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", ma, mi);
	r = readlink(link, target, sizeof(target) - 1);
	if (r <= 0)
		return -1;
	target[r] = 0;
	const char *base = strrchr(target, '/');
	snprintf(name, n, "/dev/%.58s", base ? base + 1 : target);
	*dev = makedev(ma, mi);
	return 0;
}

static void collect_mounts(struct list *l)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		struct kj_mount m;
		char name[64], mm[32];
		dev_t dev;

		if (kj_mountinfo_parse(line, &m) || !m.writable)
			continue;
		snprintf(mm, sizeof(mm), "%u:%u", m.major, m.minor);
		if (mount_dev(mm, m.source, &dev, name, sizeof(name)))
			continue;	/* not on a block device: tmpfs, proc, nfs */
		add_dev(l, dev, m.fstype, name, m.mountpoint, true);
	}
	fclose(f);
}

static void collect_swaps(struct list *l)
{
	FILE *f = fopen("/proc/swaps", "re");
	char line[4096];

	if (!f)
		return;
	if (!fgets(line, sizeof(line), f)) {	/* the heading */
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		const char *file;
		bool part;
		struct stat st;

		if (kj_swaps_parse(line, &file, &part) || stat(file, &st))
			continue;
		if (part && S_ISBLK(st.st_mode)) {
			add_dev(l, st.st_rdev, "swap", file, "", true);
		} else {
			/* a swap file: its blocks are written past its filesystem,
			 * whose own fingerprint does not see them */
			struct kj_img_fs *e = add_dev(l, st.st_dev, "swap", file, "", false);

			if (e)
				e->status = KJ_FS_UNSUPPORTED;
		}
	}
	fclose(f);
}

int kj_fs_request_write(int fd, const uint8_t tag[16], bool verbose, struct kj_err *e)
{
	struct list *l = calloc(1, sizeof(*l));
	struct fs_request *q = NULL;
	uint8_t *buf = NULL;
	char desc[320];
	int ret = -1;

	if (!l || posix_memalign((void **)&buf, 4096, PROBE_ALLOC) ||
	    posix_memalign((void **)&q, 4096, REQ_BYTES)) {
		kj_fail(e, ENOMEM, "out of memory");
		goto out;
	}
	collect_mounts(l);
	collect_swaps(l);
	for (size_t i = 0; i < l->n; i++) {
		struct kj_img_fs *f = &l->fs[i];
		struct kj_fs_id id;
		ssize_t got;

		if (f->status != KJ_FS_CHECKED)
			;
		else if (f->kind == KJ_FS_UNKNOWN)
			f->status = KJ_FS_UNSUPPORTED;
		else if ((got = probe(f->device, buf)) < 0 ||
			 kj_fs_identify(f->kind, buf, (size_t)got, &id))
			f->status = KJ_FS_UNSUPPORTED;
		else {
			memcpy(f->uuid, id.uuid, 16);
			cpy(f->label, sizeof(f->label), id.label);
		}
		kj_fs_describe(f, desc, sizeof(desc));
		if (f->status != KJ_FS_CHECKED)
			kj_info("warning: kjump cannot fingerprint %s: if something "
				"writes to it before this system resumes, resume will not "
				"notice", desc);
		else if (verbose)
			kj_info("%s: B will fingerprint it", desc);
	}
	if (l->dropped)
		kj_info("warning: %zu more writable disks than kjump records (%u): "
			"changes to them will not be noticed", l->dropped, KJ_IMG_MAX_FS);
	memset(q, 0, REQ_BYTES);
	q->magic = REQ_MAGIC;
	memcpy(q->tag, tag, 16);
	q->count = (uint32_t)l->n;
	memcpy(q->fs, l->fs, l->n * sizeof(l->fs[0]));
	q->xxh64 = XXH64(q, sizeof(*q), 0);
	if (kj_img_pwrite(fd, q, REQ_BYTES, KJ_FS_REQUEST_OFFSET, "the disk list", e))
		goto out;
	if (fdatasync(fd)) {
		kj_fail_errno(e, "cannot flush the target");
		goto out;
	}
	ret = 0;
out:
	free(l);
	free(q);
	free(buf);
	return ret;
}

/* ------------------------------------------------------------------ */
/* B and C: finding a filesystem among the block devices               */

struct scan {
	char dir[64];		/* private nodes, or "" */
	uint8_t *buf;		/* PROBE_ALLOC */
};

static void scan_open(struct scan *s)
{
	static const char *base[] = { "/run", "/tmp", "/dev", NULL };

	s->dir[0] = 0;
	for (int i = 0; base[i]; i++) {
		snprintf(s->dir, sizeof(s->dir), "%s/kjump-fs.XXXXXX", base[i]);
		if (mkdtemp(s->dir))
			return;
	}
	s->dir[0] = 0;
}

static void scan_close(struct scan *s)
{
	DIR *d;
	struct dirent *de;
	char p[sizeof(s->dir) + 260];

	if (!s->dir[0])
		return;
	if ((d = opendir(s->dir))) {
		while ((de = readdir(d)))
			if (de->d_name[0] != '.') {
				snprintf(p, sizeof(p), "%s/%s", s->dir, de->d_name);
				unlink(p);
			}
		closedir(d);
	}
	rmdir(s->dir);
}

/* Read device dev (name: its sysfs name, or NULL) and identify `kind`. */
static int look(struct scan *s, dev_t dev, const char *name, uint32_t kind,
		struct kj_fs_id *id, char *path, size_t n)
{
	ssize_t got;

	if (dev_path(dev, name, s->dir[0] ? s->dir : NULL, path, n))
		return -1;
	got = probe(path, s->buf);
	if (got < 0)
		return -1;
	return kj_fs_identify(kind, s->buf, (size_t)got, id);
}

typedef bool (*found_fn)(void *arg, dev_t dev, const char *path, const struct kj_fs_id *id);

/* Call fn for each block device holding `kind` with `uuid`, until it
 * returns false. Devices of size 0 (empty drives) are not read. */
static void scan_uuid(struct scan *s, uint32_t kind, const uint8_t uuid[16],
		      found_fn fn, void *arg)
{
	DIR *d = opendir("/sys/class/block");
	struct dirent *de;
	int seen = 0;

	if (!d)
		return;
	while ((de = readdir(d)) && seen < MAX_SCAN) {
		char p[300], v[64], path[160];
		unsigned ma, mi;
		unsigned long long size = 0;
		struct kj_fs_id id;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		seen++;
		snprintf(p, sizeof(p), "/sys/class/block/%s/dev", de->d_name);
		if (!(f = fopen(p, "re")))
			continue;
		int ok = fgets(v, sizeof(v), f) && sscanf(v, "%u:%u", &ma, &mi) == 2;
		fclose(f);
		snprintf(p, sizeof(p), "/sys/class/block/%s/size", de->d_name);
		if ((f = fopen(p, "re"))) {
			if (!fgets(v, sizeof(v), f) || sscanf(v, "%llu", &size) != 1)
				size = 0;
			fclose(f);
		}
		if (!ok || !size)
			continue;
		if (look(s, makedev(ma, mi), de->d_name, kind, &id, path, sizeof(path)) ||
		    memcmp(id.uuid, uuid, 16))
			continue;
		if (!fn(arg, makedev(ma, mi), path, &id))
			break;
	}
	closedir(d);
}

/* ------------------------------------------------------------------ */
/* B                                                                   */

static bool first_found(void *arg, dev_t dev, const char *path, const struct kj_fs_id *id)
{
	*(struct kj_fs_id *)arg = *id;
	return false;
}

int kj_fs_fingerprint(int fd, const uint8_t tag[16], struct kj_img_fs **out, size_t *n,
		      bool *asked, struct kj_err *e)
{
	struct fs_request *q = NULL;
	struct scan s = { .buf = NULL };
	char desc[320], path[160];
	uint64_t h;

	*out = NULL;
	*n = 0;
	*asked = false;
	if (posix_memalign((void **)&q, 4096, REQ_BYTES) ||
	    posix_memalign((void **)&s.buf, 4096, PROBE_ALLOC)) {
		free(q);
		return kj_fail(e, ENOMEM, "out of memory");
	}
	if (kj_img_pread(fd, q, REQ_BYTES, KJ_FS_REQUEST_OFFSET, "the disk list", e)) {
		free(q);
		free(s.buf);
		return -1;
	}
	h = q->xxh64;
	q->xxh64 = 0;
	if (q->magic != REQ_MAGIC || memcmp(q->tag, tag, 16) || q->count > KJ_IMG_MAX_FS ||
	    XXH64(q, sizeof(*q), 0) != h) {
		free(q);
		free(s.buf);
		return 0;	/* not asked */
	}
	*asked = true;
	for (uint32_t i = 0; i < q->count; i++) {
		struct kj_img_fs *f = &q->fs[i];

		/* A's strings are A's; terminate them anyway */
		f->fstype[sizeof(f->fstype) - 1] = f->label[sizeof(f->label) - 1] = 0;
		f->device[sizeof(f->device) - 1] = f->mountpoint[sizeof(f->mountpoint) - 1] = 0;
		if (f->kind > KJ_FS_SWAP)
			f->kind = KJ_FS_UNKNOWN;
		if (f->status < KJ_FS_CHECKED || f->status > KJ_FS_NOT_IN_B ||
		    f->kind == KJ_FS_UNKNOWN)
			f->status = KJ_FS_UNSUPPORTED;
		f->fingerprint = f->counter = f->wtime = f->kbytes_written = 0;
	}
	scan_open(&s);
	for (uint32_t i = 0; i < q->count; i++) {
		struct kj_img_fs *f = &q->fs[i];
		struct kj_fs_id id = { .kind = KJ_FS_UNKNOWN };

		if (f->status != KJ_FS_CHECKED)
			continue;
		/* A's device number first: the same disks, likely the same
		 * numbers; then anything with the same kind and UUID */
		if (look(&s, makedev(f->major, f->minor), NULL, f->kind, &id, path,
			 sizeof(path)) || memcmp(id.uuid, f->uuid, 16)) {
			id.kind = KJ_FS_UNKNOWN;
			scan_uuid(&s, f->kind, f->uuid, first_found, &id);
		}
		kj_fs_describe(f, desc, sizeof(desc));
		if (id.kind == KJ_FS_UNKNOWN) {
			f->status = KJ_FS_NOT_IN_B;
			kj_info("warning: cannot find %s: it is not fingerprinted, and "
				"resume will not notice changes to it", desc);
			continue;
		}
		f->fingerprint = id.fingerprint;
		f->counter = id.counter;
		f->wtime = id.wtime;
		f->kbytes_written = id.kbytes_written;
		kj_info("fingerprinted %s: %016llx", desc,
			(unsigned long long)f->fingerprint);
	}
	scan_close(&s);
	*out = malloc((q->count ? q->count : 1) * sizeof(**out));
	if (!*out) {
		free(q);
		free(s.buf);
		return kj_fail(e, ENOMEM, "out of memory");
	}
	memcpy(*out, q->fs, q->count * sizeof(**out));
	*n = q->count;
	free(q);
	free(s.buf);
	return 0;
}

/* ------------------------------------------------------------------ */
/* C                                                                   */

struct verdict {
	const struct kj_img_fs *f;
	int found, changed;
	char path[160];
	char why[400];
};

static bool judge(void *arg, dev_t dev, const char *path, const struct kj_fs_id *id)
{
	struct verdict *v = arg;

	v->found++;
	if (!v->changed && kj_fs_changed(v->f, id, v->why, sizeof(v->why))) {
		v->changed = 1;
		snprintf(v->path, sizeof(v->path), "%s", path);
	}
	return true;	/* every copy must be as it was (a mirror's halves) */
}

int kj_resume_check_filesystems(const struct kj_img *img, bool ignore, struct kj_err *e)
{
	struct scan s = { .buf = NULL };
	char desc[320], first[KJ_ERR_MAX] = "";
	unsigned bad = 0, checked = 0;

	if (!img->have_fs) {
		kj_info("warning: the image records no fingerprints of the saved system's "
			"disks (made by an older kjump, or by 'kjump save' by hand): kjump "
			"cannot tell whether they were mounted or written since");
		return 0;
	}
	if (posix_memalign((void **)&s.buf, 4096, PROBE_ALLOC))
		return kj_fail(e, ENOMEM, "out of memory");
	scan_open(&s);
	for (uint64_t i = 0; i < img->nfs; i++) {
		const struct kj_img_fs *f = &img->fs[i];
		struct verdict v = { .f = f };
		char msg[KJ_ERR_MAX + 512];

		kj_fs_describe(f, desc, sizeof(desc));
		if (f->status != KJ_FS_CHECKED) {
			kj_info("warning: %s was not fingerprinted (%s): kjump cannot tell "
				"whether it changed", desc, f->status == KJ_FS_NOT_IN_B ?
				"the saving kernel could not find it" :
				f->kind == KJ_FS_SWAP ? "a swap file" : "a type kjump does not know");
			continue;
		}
		checked++;
		scan_uuid(&s, f->kind, f->uuid, judge, &v);
		if (!v.found)
			snprintf(msg, sizeof(msg), "%s is not on this machine (no block device "
				 "holds it), so kjump cannot tell whether it changed since the "
				 "image was made; attach it (or load its driver) and try again, or "
				 "(only if the saved system will never write to it) kjump resume "
				 "--ignore-changed-disks", desc);
		else if (v.changed)
			snprintf(msg, sizeof(msg), "%s changed since the image was made (read "
				 "from %s here): %s. Resuming would corrupt it: the saved system "
				 "holds it in memory as it was, and writes it back so. Boot on "
				 "without resuming (the image is left as it was); only if the saved "
				 "system will never write to that filesystem again: kjump resume "
				 "--ignore-changed-disks", desc, v.path, v.why);
		else
			continue;
		if (ignore) {
			kj_info("warning: %s; resuming anyway (--ignore-changed-disks)", msg);
			continue;
		}
		if (!bad++)
			snprintf(first, sizeof(first), "%.*s", (int)sizeof(first) - 1, msg);
	}
	scan_close(&s);
	free(s.buf);
	if (bad)
		return kj_fail(e, EEXIST, "%s%s", first, bad > 1 ? " (and more disks: "
			       "run 'kjump resume --dry-run' to see all)" : "");
	if (checked)
		kj_info("%u disk%s of the saved system unchanged since the image was made",
			checked, checked == 1 ? "" : "s");
	return 0;
}

void kj_fs_print(const struct kj_img *img)
{
	char desc[320];

	if (!img->complete)
		return;
	if (!img->have_fs) {
		printf("disks:      not recorded (an older kjump, or kjump save by hand)\n");
		return;
	}
	printf("disks:      %llu recorded\n", (unsigned long long)img->nfs);
	for (uint64_t i = 0; i < img->nfs; i++) {
		const struct kj_img_fs *f = &img->fs[i];

		kj_fs_describe(f, desc, sizeof(desc));
		if (f->status == KJ_FS_CHECKED)
			printf("            %s: fingerprint %016llx (%s %llu)\n", desc,
			       (unsigned long long)f->fingerprint,
			       f->kind == KJ_FS_EXT ? "mount count" : f->kind == KJ_FS_BTRFS ?
			       "generation" : f->kind == KJ_FS_XFS ? "lsn" : "counter",
			       (unsigned long long)f->counter);
		else
			printf("            %s: not checked (%s)\n", desc, f->status == KJ_FS_NOT_IN_B ?
			       "B could not find it" : "kjump cannot fingerprint it");
	}
}
