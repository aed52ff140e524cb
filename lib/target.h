/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where an image may be written. An image holds every secret in memory and
 * is the only copy of a hibernated system, so a target must be a device
 * nothing else uses: not mounted, not swap, not held by device-mapper or
 * md, not carrying a filesystem or partition table (unless forced), and
 * large enough for the worst case.
 */
#ifndef KJUMP_TARGET_H
#define KJUMP_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define KJ_SIG_PROBE_SIZE (68 * 1024)	/* covers btrfs's superblock at 64 KiB */

/* The name of a filesystem, partition table or volume signature in the
 * first bytes of a device ("ext4", "gpt", ...), or NULL. A kjump image is
 * not reported: overwriting an old image is what a target is for. */
const char *kj_target_signature(const uint8_t *buf, size_t len);

/* Is device maj:min (or a partition of it) mounted, per a mountinfo text?
 * Returns the mount point (static buffer) or NULL. Pure. */
const char *kj_mountinfo_uses(const char *mountinfo, unsigned maj, unsigned min,
			      const unsigned (*parts)[2], size_t nparts);

struct kj_target {
	int fd;
	bool is_block;
	uint64_t size;
	char path[256];
	/* an inactive swap partition, taken as the target: the image will
	 * overwrite its swap signature (the caller says so); its UUID */
	bool was_swap;
	char swap_uuid[37];
};

enum {
	KJ_TARGET_WRITE = 1 << 0,	/* open for writing (else read-only) */
	KJ_TARGET_FORCE = 1 << 1,	/* accept a foreign signature */
	KJ_TARGET_NEW_FILE = 1 << 2,	/* a regular file may be created */
};

/* Open and check a target; need = minimum size in bytes (0: no check).
 * A swap partition that is not active swap is taken without force: it
 * holds nothing once swapped off. */
int kj_target_open(struct kj_target *t, const char *path, unsigned flags,
		   uint64_t need, struct kj_err *e);
void kj_target_close(struct kj_target *t);

#endif
