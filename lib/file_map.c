// SPDX-License-Identifier: GPL-2.0-or-later
#include "file_map.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

_Static_assert(sizeof(struct kj_file_map_header) == 64, "map header layout");
_Static_assert(sizeof(struct kj_file_map_extent) == 24, "map extent layout");

#define ALIGNED(x) (((x) & (KJ_FILE_MAP_BLOCK - 1)) == 0)

static int by_logical(const void *a, const void *b)
{
	const struct kj_file_map_extent *x = a, *y = b;

	return x->logical < y->logical ? -1 : x->logical > y->logical;
}

static int by_physical(const void *a, const void *b)
{
	const struct kj_file_map_extent *x = a, *y = b;

	return x->physical < y->physical ? -1 : x->physical > y->physical;
}

/* Sorted, joined extents in m->ext: check that they are a map of a file
 * of m->file_bytes on a device of device_bytes. */
static int check_extents(const struct kj_file_map *m, uint64_t device_bytes, struct kj_err *e)
{
	uint64_t next = 0;
	struct kj_file_map_extent *p;

	if (!m->n || m->n > KJ_FILE_MAP_MAX_EXTENTS)
		return kj_fail(e, E2BIG, "the file has %zu extents; a map holds 1 to %zu",
			       m->n, (size_t)KJ_FILE_MAP_MAX_EXTENTS);
	for (size_t i = 0; i < m->n; i++) {
		const struct kj_file_map_extent *x = &m->ext[i];

		if (!ALIGNED(x->logical) || !ALIGNED(x->physical) || !ALIGNED(x->length) ||
		    !x->length)
			return kj_fail(e, EINVAL, "extent %zu of the file is not in whole "
				       "4 KiB blocks", i);
		if (x->logical != next)
			return kj_fail(e, EINVAL, "the file's extents leave a hole (or "
				       "overlap) at offset %llu", (unsigned long long)next);
		if (x->physical >= device_bytes || x->length > device_bytes - x->physical)
			return kj_fail(e, EINVAL, "extent %zu of the file lies beyond the "
				       "end of the device", i);
		if (x->length > m->file_bytes - x->logical)
			return kj_fail(e, EINVAL, "extent %zu reaches past the file's end", i);
		next = x->logical + x->length;
	}
	if (next != m->file_bytes)
		return kj_fail(e, EINVAL, "the file's extents end at %llu of its %llu bytes",
			       (unsigned long long)next, (unsigned long long)m->file_bytes);
	/* two parts of the file in one place of the device: shared blocks */
	p = malloc(m->n * sizeof(*p));
	if (!p)
		return kj_fail(e, ENOMEM, "out of memory");
	memcpy(p, m->ext, m->n * sizeof(*p));
	qsort(p, m->n, sizeof(*p), by_physical);
	for (size_t i = 1; i < m->n; i++)
		if (p[i].physical < p[i - 1].physical + p[i - 1].length) {
			free(p);
			return kj_fail(e, EINVAL, "two parts of the file share blocks on "
				       "the device");
		}
	free(p);
	return 0;
}

int kj_file_map_build(const struct kj_file_map_extent *ext, size_t n, uint64_t file_bytes,
		      uint64_t device_bytes, uint32_t fs_magic, struct kj_file_map *m,
		      struct kj_err *e)
{
	uint64_t at, c;

	memset(m, 0, sizeof(*m));
	if (!ALIGNED(file_bytes) || file_bytes < KJ_FILE_MAP_OFFSET + KJ_FILE_MAP_SPACE)
		return kj_fail(e, EINVAL, "an image file must be a multiple of 4 KiB and "
			       "at least 1 MiB");
	if (!n)
		return kj_fail(e, EINVAL, "the file has no blocks on the device");
	m->ext = malloc(n * sizeof(*m->ext));
	if (!m->ext)
		return kj_fail(e, ENOMEM, "out of memory");
	memcpy(m->ext, ext, n * sizeof(*ext));
	qsort(m->ext, n, sizeof(*m->ext), by_logical);
	/* join what continues on both sides */
	for (size_t i = 0; i < n; i++) {
		struct kj_file_map_extent *last = m->n ? &m->ext[m->n - 1] : NULL;

		if (last && last->logical + last->length == m->ext[i].logical &&
		    last->physical + last->length == m->ext[i].physical)
			last->length += m->ext[i].length;
		else
			m->ext[m->n++] = m->ext[i];
	}
	m->file_bytes = file_bytes;
	m->fs_magic = fs_magic;
	if (check_extents(m, device_bytes, e) ||
	    kj_file_map_locate(m, KJ_FILE_MAP_OFFSET, &at, &c)) {
		kj_file_map_free(m);
		return -1;
	}
	m->map_physical = at;
	return 0;
}

void kj_file_map_free(struct kj_file_map *m)
{
	free(m->ext);
	memset(m, 0, sizeof(*m));
}

bool kj_file_map_equal(const struct kj_file_map *a, const struct kj_file_map *b)
{
	return a->file_bytes == b->file_bytes && a->map_physical == b->map_physical &&
		a->n == b->n && !memcmp(a->ext, b->ext, a->n * sizeof(*a->ext));
}

size_t kj_file_map_encoded_size(const struct kj_file_map *m)
{
	size_t b = sizeof(struct kj_file_map_header) + m->n * sizeof(*m->ext);

	return (b + KJ_FILE_MAP_BLOCK - 1) & ~(size_t)(KJ_FILE_MAP_BLOCK - 1);
}

static uint64_t map_hash(const struct kj_file_map_header *h, const uint8_t *ext, size_t n)
{
	struct kj_file_map_header c = *h;
	XXH64_state_t *s = XXH64_createState();
	uint64_t r;

	c.xxh64 = 0;
	if (!s)
		return 0;	/* matches no header: it was written with a hash */
	XXH64_reset(s, 0);
	XXH64_update(s, &c, sizeof(c));
	XXH64_update(s, ext, n * sizeof(struct kj_file_map_extent));
	r = XXH64_digest(s);
	XXH64_freeState(s);
	return r;
}

void kj_file_map_encode(const struct kj_file_map *m, uint8_t *buf)
{
	struct kj_file_map_header h = {
		.magic = KJ_FILE_MAP_MAGIC, .version = KJ_FILE_MAP_VERSION,
		.block_size = KJ_FILE_MAP_BLOCK, .file_bytes = m->file_bytes,
		.map_physical = m->map_physical, .extent_count = m->n,
		.fs_magic = m->fs_magic,
	};

	memset(buf, 0, kj_file_map_encoded_size(m));
	memcpy(buf + sizeof(h), m->ext, m->n * sizeof(*m->ext));
	h.xxh64 = map_hash(&h, buf + sizeof(h), m->n);
	memcpy(buf, &h, sizeof(h));
}

int kj_file_map_decode(const uint8_t *buf, size_t len, uint64_t at, uint64_t device_bytes,
		       struct kj_file_map *m, struct kj_err *e)
{
	struct kj_file_map_header h;
	uint64_t where, c;

	memset(m, 0, sizeof(*m));
	if (len < sizeof(h))
		return kj_fail(e, EINVAL, "the image file's map is cut short");
	memcpy(&h, buf, sizeof(h));
	if (h.magic != KJ_FILE_MAP_MAGIC)
		return 1;
	if (h.version != KJ_FILE_MAP_VERSION || h.block_size != KJ_FILE_MAP_BLOCK)
		return kj_fail(e, EINVAL, "the image file's map is version %u with %u-byte "
			       "blocks; this kjump reads version %u, 4096", h.version,
			       h.block_size, KJ_FILE_MAP_VERSION);
	if (!h.extent_count || h.extent_count > KJ_FILE_MAP_MAX_EXTENTS)
		return kj_fail(e, EINVAL, "the image file's map claims %llu extents",
			       (unsigned long long)h.extent_count);
	if (h.map_physical != at)
		return kj_fail(e, EINVAL, "the image file's map says it is at byte %llu of "
			       "the device, not %llu where it was found",
			       (unsigned long long)h.map_physical, (unsigned long long)at);
	if (len < sizeof(h) + h.extent_count * sizeof(struct kj_file_map_extent))
		return kj_fail(e, EINVAL, "the image file's map is cut short");
	if (map_hash(&h, buf + sizeof(h), h.extent_count) != h.xxh64)
		return kj_fail(e, EINVAL, "the image file's map has a bad checksum");
	if (!ALIGNED(h.file_bytes) || h.file_bytes < KJ_FILE_MAP_OFFSET + KJ_FILE_MAP_SPACE)
		return kj_fail(e, EINVAL, "the image file's map gives the file %llu bytes",
			       (unsigned long long)h.file_bytes);
	m->n = h.extent_count;
	m->ext = malloc(m->n * sizeof(*m->ext));
	if (!m->ext)
		return kj_fail(e, ENOMEM, "out of memory");
	memcpy(m->ext, buf + sizeof(h), m->n * sizeof(*m->ext));
	m->file_bytes = h.file_bytes;
	m->map_physical = h.map_physical;
	m->fs_magic = h.fs_magic;
	for (size_t i = 1; i < m->n; i++)
		if (m->ext[i].logical < m->ext[i - 1].logical)
			goto unsorted;
	if (check_extents(m, device_bytes, e))
		goto bad;
	if (kj_file_map_locate(m, KJ_FILE_MAP_OFFSET, &where, &c) || where != at) {
		kj_fail(e, EINVAL, "the image file's map does not place itself where it "
			"was found");
		goto bad;
	}
	return 0;
unsorted:
	kj_fail(e, EINVAL, "the image file's map is not in file order");
bad:
	kj_prefix(e, "the image file's map");
	kj_file_map_free(m);
	return -1;
}

int kj_file_map_locate(const struct kj_file_map *m, uint64_t off, uint64_t *physical,
		       uint64_t *contiguous)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {	/* the last extent starting at or before off */
		size_t mid = lo + (hi - lo) / 2;

		if (m->ext[mid].logical <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return -1;
	const struct kj_file_map_extent *x = &m->ext[lo - 1];

	if (off - x->logical >= x->length)
		return -1;
	*physical = x->physical + (off - x->logical);
	*contiguous = x->length - (off - x->logical);
	return 0;
}

/* Where block k of a map that starts with the extents seen so far lies:
 * the extents are not checked yet, only looked up (sorted or not). */
static int locate_unchecked(const uint8_t *buf, size_t n, uint64_t off, uint64_t *physical)
{
	for (size_t i = 0; i < n; i++) {
		struct kj_file_map_extent x;

		memcpy(&x, buf + sizeof(struct kj_file_map_header) + i * sizeof(x), sizeof(x));
		if (off >= x.logical && off - x.logical < x.length &&
		    x.physical <= UINT64_MAX - x.length) {
			*physical = x.physical + (off - x.logical);
			return ALIGNED(*physical) ? 0 : -1;
		}
	}
	return -1;
}

static int read_block(int fd, void *buf, uint64_t off, struct kj_err *e)
{
	ssize_t r;

	do
		r = pread(fd, buf, KJ_FILE_MAP_BLOCK, (off_t)off);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return kj_fail_errno(e, "cannot read the image file's map at byte %llu",
				     (unsigned long long)off);
	if (r != KJ_FILE_MAP_BLOCK)
		return kj_fail(e, EIO, "the device ends inside the image file's map");
	return 0;
}

int kj_file_map_read(int fd, uint64_t at, struct kj_file_map *m, struct kj_err *e)
{
	struct kj_file_map_header h;
	uint64_t device_bytes;
	uint8_t *buf = NULL;
	size_t blocks;
	int r = -1;

	struct stat st;

	memset(m, 0, sizeof(*m));
	/* a device, or a file holding an image of one (tests, forensics) */
	if (fstat(fd, &st))
		return kj_fail_errno(e, "cannot stat the device");
	if (S_ISREG(st.st_mode))
		device_bytes = (uint64_t)st.st_size;
	else if (ioctl(fd, BLKGETSIZE64, &device_bytes))
		return kj_fail_errno(e, "cannot get the size of the device");
	if (at >= device_bytes || device_bytes - at < KJ_FILE_MAP_BLOCK)
		return 1;	/* a smaller device: no map of that file here */
	if (!ALIGNED(at))
		return kj_fail(e, EINVAL, "byte %llu is not the start of a 4 KiB block",
			       (unsigned long long)at);
	/* aligned: the descriptor may be O_DIRECT */
	if (posix_memalign((void **)&buf, KJ_FILE_MAP_BLOCK, KJ_FILE_MAP_SPACE))
		return kj_fail(e, ENOMEM, "out of memory");
	if (read_block(fd, buf, at, e))
		goto out;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != KJ_FILE_MAP_MAGIC) {
		r = 1;
		goto out;
	}
	if (!h.extent_count || h.extent_count > KJ_FILE_MAP_MAX_EXTENTS) {
		kj_fail(e, EINVAL, "the image file's map claims %llu extents",
			(unsigned long long)h.extent_count);
		goto out;
	}
	blocks = (sizeof(h) + h.extent_count * sizeof(struct kj_file_map_extent) +
		  KJ_FILE_MAP_BLOCK - 1) / KJ_FILE_MAP_BLOCK;
	for (size_t k = 1; k < blocks; k++) {
		/* extents wholly in the blocks read so far */
		size_t seen = (k * KJ_FILE_MAP_BLOCK - sizeof(h)) /
			sizeof(struct kj_file_map_extent);
		uint64_t where;

		if (seen > h.extent_count)
			seen = h.extent_count;
		if (locate_unchecked(buf, seen, KJ_FILE_MAP_OFFSET + k * KJ_FILE_MAP_BLOCK,
				     &where) || where > device_bytes - KJ_FILE_MAP_BLOCK) {
			kj_fail(e, EINVAL, "the image file's map does not say where its "
				"block %zu is", k);
			goto out;
		}
		if (read_block(fd, buf + k * KJ_FILE_MAP_BLOCK, where, e))
			goto out;
	}
	r = kj_file_map_decode(buf, blocks * KJ_FILE_MAP_BLOCK, at, device_bytes, m, e);
	if (r > 0)
		r = -1;		/* cannot happen: the magic was right */
out:
	free(buf);
	return r;
}

/*
 * The maps of this process, by device number. Set before any thread that
 * does image I/O starts (kjump's threads are the writer's and resume's,
 * started after the target is open) and never changed under them; the
 * lock is for the rare attach that comes later.
 */
#define MAX_MAPPED 4

static struct {
	dev_t dev;
	struct kj_file_map map;
} mapped[MAX_MAPPED];
static size_t n_mapped;
static pthread_mutex_t mapped_lock = PTHREAD_MUTEX_INITIALIZER;

int kj_file_map_attach(const char *path, uint64_t at, struct kj_err *e)
{
	struct kj_file_map m;
	struct stat st;
	/* the map as it is on the disk, not as a cache remembers it */
	int fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC), r;
	size_t i;

	if (fd < 0)
		return kj_fail_errno(e, "cannot open %s", path);
	if (fstat(fd, &st) || !S_ISBLK(st.st_mode)) {
		close(fd);
		return kj_fail(e, EINVAL, "%s is not a block device: an offset names a "
			       "place on a device", path);
	}
	r = kj_file_map_read(fd, at, &m, e);
	close(fd);
	if (r > 0)
		return kj_fail(e, ENOENT, "%s holds no kjump image file's map at block %llu "
			       "(byte %llu): is the offset the one 'kjump hibernate' printed?",
			       path, (unsigned long long)(at / KJ_FILE_MAP_BLOCK),
			       (unsigned long long)at);
	if (r < 0)
		return kj_prefix(e, "%s", path);
	pthread_mutex_lock(&mapped_lock);
	for (i = 0; i < n_mapped && mapped[i].dev != st.st_rdev; i++)
		;
	if (i == MAX_MAPPED) {
		pthread_mutex_unlock(&mapped_lock);
		kj_file_map_free(&m);
		return kj_fail(e, E2BIG, "too many image files at once");
	}
	if (i < n_mapped)
		kj_file_map_free(&mapped[i].map);
	else
		n_mapped++;
	mapped[i].dev = st.st_rdev;
	mapped[i].map = m;
	pthread_mutex_unlock(&mapped_lock);
	return 0;
}

void kj_file_map_forget(const char *path)
{
	struct stat st;

	if (stat(path, &st) || !S_ISBLK(st.st_mode))
		return;
	pthread_mutex_lock(&mapped_lock);
	for (size_t i = 0; i < n_mapped; i++)
		if (mapped[i].dev == st.st_rdev) {
			kj_file_map_free(&mapped[i].map);
			mapped[i] = mapped[--n_mapped];
			break;
		}
	pthread_mutex_unlock(&mapped_lock);
}

const struct kj_file_map *kj_file_map_of(int fd)
{
	struct stat st;

	if (!n_mapped || fstat(fd, &st) || !S_ISBLK(st.st_mode))
		return NULL;
	for (size_t i = 0; i < n_mapped; i++)
		if (mapped[i].dev == st.st_rdev)
			return &mapped[i].map;
	return NULL;
}
