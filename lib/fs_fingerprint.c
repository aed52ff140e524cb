// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Superblock recognition and fingerprints (fs_fingerprint.h). The layouts
 * come from the kernel's fs/ext4/ext4.h, fs/xfs/libxfs/xfs_format.h,
 * include/uapi/linux/btrfs_tree.h and include/linux/swap.h; only the
 * fields named below are interpreted, each read with a bounds check.
 */
#include "fs_fingerprint.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "image.h"

/* ext2/3/4: the superblock is 1024 bytes at byte 1024. */
#define EXT_SB_OFF		1024u
#define EXT_SB_LEN		1024u
#define EXT_LOG_BLOCK_SIZE	0x18
#define EXT_MTIME		0x2c
#define EXT_WTIME		0x30
#define EXT_MNT_COUNT		0x34
#define EXT_MAGIC		0x38	/* le16 0xef53 */
#define EXT_REV_LEVEL		0x4c
#define EXT_UUID		0x68
#define EXT_LABEL		0x78	/* 16 bytes */
#define EXT_KBYTES_WRITTEN	0x178
#define EXT_WTIME_HI		0x274

/* xfs: the superblock is in sector 0, big-endian. */
#define XFS_SB_LEN		512u
#define XFS_MAGIC		0x58465342u	/* "XFSB" */
#define XFS_BLOCKSIZE		4
#define XFS_UUID		32
#define XFS_VERSIONNUM		100	/* be16, low nibble the version */
#define XFS_LABEL		108	/* 12 bytes */
#define XFS_LSN			240	/* be64, v5 only */

/* btrfs: the primary superblock is 4096 bytes at 64 KiB. */
#define BTRFS_SB_OFF		0x10000u
#define BTRFS_SB_LEN		4096u
#define BTRFS_FSID		0x20
#define BTRFS_MAGIC		0x40	/* "_BHRfS_M" */
#define BTRFS_GENERATION	0x48
#define BTRFS_LABEL		0x12b	/* 256 bytes */

/* Linux swap: the header page; the signature ends it. */
#define SWAP_LEN		4096u
#define SWAP_VERSION		1024
#define SWAP_UUID		1036
#define SWAP_LABEL		1052	/* 16 bytes */
#define SWAP_SIG		4086	/* 10 bytes */

static uint32_t le16(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }
static uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint64_t be64(const uint8_t *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

/* A label field of `len` bytes, maybe unterminated, into id->label:
 * printable ASCII kept, anything else shown as '?'. */
static void label(struct kj_fs_id *id, const uint8_t *p, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len && p[i] && n + 1 < sizeof(id->label); i++)
		id->label[n++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	id->label[n] = 0;
}

static uint64_t hash(uint32_t kind, const uint8_t *p, size_t len)
{
	return XXH64(p, len, kind);
}

uint32_t kj_fs_kind_of_type(const char *t)
{
	if (!strcmp(t, "ext2") || !strcmp(t, "ext3") || !strcmp(t, "ext4"))
		return KJ_FS_EXT;
	if (!strcmp(t, "xfs"))
		return KJ_FS_XFS;
	if (!strcmp(t, "btrfs"))
		return KJ_FS_BTRFS;
	if (!strcmp(t, "swap"))
		return KJ_FS_SWAP;
	return KJ_FS_UNKNOWN;
}

const char *kj_fs_kind_name(uint32_t kind)
{
	switch (kind) {
	case KJ_FS_EXT: return "ext2/3/4";
	case KJ_FS_XFS: return "xfs";
	case KJ_FS_BTRFS: return "btrfs";
	case KJ_FS_SWAP: return "swap";
	}
	return "unknown";
}

int kj_fs_identify(uint32_t kind, const uint8_t *b, size_t len, struct kj_fs_id *id)
{
	memset(id, 0, sizeof(*id));
	id->kind = kind;
	switch (kind) {
	case KJ_FS_EXT: {
		const uint8_t *s = b + EXT_SB_OFF;

		if (len < EXT_SB_OFF + EXT_SB_LEN || le16(s + EXT_MAGIC) != 0xef53 ||
		    le32(s + EXT_LOG_BLOCK_SIZE) > 6 || le32(s + EXT_REV_LEVEL) > 1)
			return -1;
		memcpy(id->uuid, s + EXT_UUID, 16);
		label(id, s + EXT_LABEL, 16);
		id->counter = le16(s + EXT_MNT_COUNT);
		id->wtime = le32(s + EXT_WTIME) | (uint64_t)s[EXT_WTIME_HI] << 32;
		id->kbytes_written = le64(s + EXT_KBYTES_WRITTEN);
		id->fingerprint = hash(kind, s, EXT_SB_LEN);
		return 0;
	}
	case KJ_FS_XFS: {
		uint32_t bs;

		if (len < XFS_SB_LEN || be32(b) != XFS_MAGIC)
			return -1;
		bs = be32(b + XFS_BLOCKSIZE);
		if (bs < 512 || bs > 65536 || (bs & (bs - 1)))
			return -1;
		memcpy(id->uuid, b + XFS_UUID, 16);
		label(id, b + XFS_LABEL, 12);
		if ((be16(b + XFS_VERSIONNUM) & 0xf) == 5)
			id->counter = be64(b + XFS_LSN);
		id->fingerprint = hash(kind, b, XFS_SB_LEN);
		return 0;
	}
	case KJ_FS_BTRFS: {
		const uint8_t *s = b + BTRFS_SB_OFF;

		if (len < BTRFS_SB_OFF + BTRFS_SB_LEN || memcmp(s + BTRFS_MAGIC, "_BHRfS_M", 8))
			return -1;
		memcpy(id->uuid, s + BTRFS_FSID, 16);
		label(id, s + BTRFS_LABEL, 256);
		id->counter = le64(s + BTRFS_GENERATION);
		id->fingerprint = hash(kind, s, BTRFS_SB_LEN);
		return 0;
	}
	case KJ_FS_SWAP:
		if (len < SWAP_LEN || memcmp(b + SWAP_SIG, "SWAPSPACE2", 10) ||
		    le32(b + SWAP_VERSION) != 1)
			return -1;
		memcpy(id->uuid, b + SWAP_UUID, 16);
		label(id, b + SWAP_LABEL, 16);
		id->fingerprint = hash(kind, b, SWAP_LEN);
		return 0;
	}
	return -1;
}

/* Append to buf (of n bytes, already holding a string). */
static void add(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(char *buf, size_t n, const char *fmt, ...)
{
	size_t l = strnlen(buf, n);
	va_list ap;

	if (l + 1 >= n)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + l, n - l, fmt, ap);
	va_end(ap);
}

void kj_fs_describe(const struct kj_img_fs *f, char *buf, size_t n)
{
	static const uint8_t nil[16];
	char u[40];
	bool open = false;

	if (!n)
		return;
	buf[0] = 0;
	if (f->kind == KJ_FS_SWAP)
		add(buf, n, "the swap area");
	else
		add(buf, n, "the %s filesystem", f->fstype[0] ? f->fstype : kj_fs_kind_name(f->kind));
	if (f->label[0])
		add(buf, n, " '%s'", f->label);
	if (memcmp(f->uuid, nil, 16)) {
		add(buf, n, " (UUID %s", kj_img_uuid_str(f->uuid, u));
		open = true;
	}
	if (f->device[0]) {
		add(buf, n, "%s%s", open ? ", " : " (", f->device);
		open = true;
	}
	if (f->mountpoint[0] && f->kind != KJ_FS_SWAP) {
		add(buf, n, "%smounted on %s", open ? ", " : " (", f->mountpoint);
		open = true;
	}
	if (open)
		add(buf, n, ")");
}

static void when(uint64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t > (1ULL << 40) || !gmtime_r(&tt, &tm) ||
	    !strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, n, "%llu", (unsigned long long)t);
}

bool kj_fs_changed(const struct kj_img_fs *then, const struct kj_fs_id *now,
		   char *buf, size_t n)
{
	char t[40];

	if (n)
		buf[0] = 0;
	if (then->fingerprint == now->fingerprint)
		return false;
	switch (then->kind) {
	case KJ_FS_EXT:
		if (now->counter != then->counter) {
			/* s_mnt_count is 16 bits; e2fsck resets it */
			unsigned d = (unsigned)((now->counter - then->counter) & 0xffff);

			add(buf, n, "it was mounted since: its mount count went from %llu to "
			    "%llu", (unsigned long long)then->counter,
			    (unsigned long long)now->counter);
			if (now->counter > then->counter)
				add(buf, n, " (%u mount%s)", d, d == 1 ? "" : "s");
		} else {
			add(buf, n, "its superblock changed without a read-write mount "
			    "(mount count still %llu): a read-only mount replayed its "
			    "journal, or a tool such as e2fsck or tune2fs rewrote it",
			    (unsigned long long)now->counter);
		}
		if (now->wtime != then->wtime) {
			when(now->wtime, t, sizeof(t));
			add(buf, n, ", last written %s", t);
		}
		if (now->kbytes_written > then->kbytes_written)
			add(buf, n, ", %llu KiB written since",
			    (unsigned long long)(now->kbytes_written - then->kbytes_written));
		break;
	case KJ_FS_BTRFS:
		add(buf, n, "its superblock changed (generation %llu, now %llu): it was "
		    "mounted and written since", (unsigned long long)then->counter,
		    (unsigned long long)now->counter);
		break;
	case KJ_FS_XFS:
		add(buf, n, "its superblock changed (log sequence 0x%llx, now 0x%llx): "
		    "it was mounted or repaired since", (unsigned long long)then->counter,
		    (unsigned long long)now->counter);
		break;
	case KJ_FS_SWAP:
		add(buf, n, "its swap header changed: it was made anew (mkswap) or "
		    "another system hibernated to it");
		break;
	default:
		add(buf, n, "it changed");
	}
	return true;
}
