/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fingerprints of the disks a saved system had in use. Pure: the caller
 * reads the first KJ_FS_PROBE_BYTES of a block device (from the device
 * itself, not a page cache) and hands them in.
 *
 * A hibernated system (A) holds its filesystems' state in memory: cached
 * metadata, a journal position, dirty pages. If anything mounts or writes
 * one of them before A resumes, A's memory no longer matches the disk and
 * A corrupts it when it writes next. B takes a fingerprint of each while A
 * is frozen; `resume` takes it again and refuses on any difference.
 *
 * What each fingerprint covers, and what it relies on (docs/limits.md):
 *
 *  ext2/3/4  XXH64 of the whole primary superblock (1024 bytes at byte
 *            1024). Every read-write mount writes it (s_mnt_count + 1,
 *            s_mtime; with a journal, the needs_recovery flag is set on
 *            mount and cleared on unmount), every unmount writes it again
 *            (s_wtime, s_kbytes_written, s_state), and the journal replay
 *            that any mount of A's filesystem needs (A had it mounted, so
 *            its needs_recovery flag is set) clears the flag, read-only
 *            mounts included. e2fsck with repairs rewrites it too. Not
 *            covered: writes to the raw device that bypass the filesystem
 *            (dd, a block-level tool), and a mount that skips both the
 *            replay and every write (ro,noload), which changes nothing.
 *  xfs       XXH64 of the primary superblock sector (512 bytes at 0),
 *            whose v5 sb_lsn moves whenever the superblock is written
 *            through the log; a clean unmount writes it (lazy counters).
 *            Log records written without a superblock write (a mount that
 *            crashed before unmounting) are not covered. Not verified in
 *            kjump's VMs (the test kernel has no XFS).
 *  btrfs     XXH64 of the primary superblock (4096 bytes at 64 KiB): every
 *            transaction commit writes it with generation + 1. A mount
 *            that commits nothing is not covered (it does not change the
 *            disk either). Only the device A named is read (the other
 *            devices of a multi-device filesystem are not). Not verified
 *            in kjump's VMs (the test kernel has no btrfs).
 *  swap      XXH64 of the header page (4096 bytes at 0): mkswap, and an
 *            in-kernel hibernation image's signature, change it. swapon
 *            does NOT write the header, so a later boot that uses the
 *            swap area, overwriting A's swapped-out pages, is not
 *            detected.
 */
#ifndef KJUMP_FS_FINGERPRINT_H
#define KJUMP_FS_FINGERPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image_format.h"

/* Bytes from the device's start that cover every kind's superblock. */
#define KJ_FS_PROBE_BYTES	(64u * 1024 + 4096)

struct kj_fs_id {
	uint32_t kind;		/* enum kj_img_fs_kind */
	uint8_t uuid[16];
	char label[48];		/* NUL-terminated, maybe cut */
	uint64_t fingerprint;
	uint64_t counter;	/* as struct kj_img_fs's */
	uint64_t wtime;
	uint64_t kbytes_written;
};

/* The kind of a filesystem type as /proc/self/mountinfo names it ("ext4"
 * -> KJ_FS_EXT, "swap" -> KJ_FS_SWAP), KJ_FS_UNKNOWN for any other. */
uint32_t kj_fs_kind_of_type(const char *fstype);
const char *kj_fs_kind_name(uint32_t kind);	/* "ext2/3/4", "xfs", ... */

/*
 * Recognise a `kind` superblock in the first len bytes of a device (len
 * may be short of KJ_FS_PROBE_BYTES for a small device) and fill *id.
 * Returns 0, or -1 when the bytes do not hold that kind (no magic, or
 * fields no such filesystem has, or too few bytes). Reads nothing beyond
 * buf[len - 1].
 */
int kj_fs_identify(uint32_t kind, const uint8_t *buf, size_t len, struct kj_fs_id *id);

/*
 * "the ext4 filesystem 'data' (UUID 0f3e..., /dev/vdc, mounted on /mnt)"
 * into buf; every part that is empty is left out.
 */
void kj_fs_describe(const struct kj_img_fs *f, char *buf, size_t n);

/*
 * What differs between the entry B recorded and what is on the disk now
 * (now->kind and uuid already match), in words, e.g. "it was mounted 1
 * time since (mount count 4, now 5), last written at 2026-12-02 10:00:01
 * UTC", or "" when the fingerprints are the same. Returns true when they
 * differ.
 */
bool kj_fs_changed(const struct kj_img_fs *then, const struct kj_fs_id *now,
		   char *buf, size_t n);

#endif
