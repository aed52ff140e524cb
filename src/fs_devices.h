/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The saved system's disks, across the three kernels (the fingerprints
 * themselves: lib/fs_fingerprint.h).
 *
 *  A  before the jump, kj_fs_request_write() lists the block devices A
 *     has mounted read-write (/proc/self/mountinfo, by the superblock's
 *     options, so a read-only bind of a writable filesystem counts) and
 *     its active swap (/proc/swaps), each with the UUID A reads from it,
 *     and writes that list, with the request tag, at KJ_FS_REQUEST_OFFSET
 *     of the target: between the header and the image data, which starts
 *     at 1 MiB. Every switch writes it anew (a B that stays loaded for
 *     many snapshots learns of filesystems mounted since).
 *  B  kj_fs_fingerprint() reads that list (only with A's tag) and, while
 *     A is frozen, finds each device (A's device number first, then any
 *     device whose superblock has the same kind and UUID: B's numbering
 *     may differ), reads it bypassing every cache and records the
 *     fingerprint in the image.
 *  C  kj_resume_check_filesystems() finds each one again by kind and UUID
 *     among all of C's block devices and refuses, naming it, when one
 *     changed or cannot be found.
 */
#ifndef KJUMP_FS_DEVICES_H
#define KJUMP_FS_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/error.h"
#include "../lib/image.h"

#define KJ_FS_REQUEST_OFFSET	4096u

/* A: list, report (kj_info) what will not be checked, and write it. */
int kj_fs_request_write(int fd, const uint8_t tag[16], bool verbose, struct kj_err *e);

/*
 * B: the fingerprints of the disks A listed, into *fs (malloc'd, *n
 * entries; the caller frees it). *asked is false when the target holds no
 * request with this tag (a `kjump save` run by hand): then *n is 0 and
 * the image should have no filesystems section. Fails only on I/O errors
 * on the target or lack of memory; a disk B cannot find is recorded as
 * KJ_FS_NOT_IN_B and said on the console.
 */
int kj_fs_fingerprint(int fd, const uint8_t tag[16], struct kj_img_fs **fs, size_t *n,
		      bool *asked, struct kj_err *e);

/*
 * C: every CHECKED filesystem of the image must be on this machine with
 * the fingerprint B recorded; else -1 naming it (the first; how many
 * more). ignore (--ignore-changed-disks) turns each refusal into a
 * warning. Entries B could not check, and an image without the section,
 * get a warning.
 */
int kj_resume_check_filesystems(const struct kj_img *img, bool ignore, struct kj_err *e);

/* `kjump info`: one line per entry of the filesystems section. */
void kj_fs_print(const struct kj_img *img);

#endif
