/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A's side of an image in a file (lib/file_map.h for the map, B's and
 * C's side): `kjump snapshot|hibernate --to FILE`.
 *
 * kjump makes the file itself, on a filesystem A has mounted read-write
 * (lib/file_pinning.h says which), fully written (no holes, no unwritten
 * extents) at the worst case's size; records its extents (FIEMAP) in the
 * map inside it; reads that map back from the device under the
 * filesystem, which proves the addresses are the device's; and pins the
 * file with the immutable flag, which keeps defragmenters (ext4's
 * EXT4_IOC_MOVE_EXT, xfs's extent swaps) and every write, truncation or
 * unlink off it. kjump lifts the pin only for its own writes in A, and
 * checks the extents again each time it pins. To remove such a file:
 * chattr -i FILE && rm FILE.
 */
#ifndef KJUMP_IMAGE_FILE_H
#define KJUMP_IMAGE_FILE_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/error.h"

struct kj_image_file {
	char device[256];	/* the block device under the file */
	uint64_t map_physical;	/* where the file's map is on it, in bytes */
	uint64_t file_bytes;
	const char *fs_name;	/* "ext4", "xfs" */
};

/* Is `path` meant as an image file: a regular file, or nothing yet (not
 * a block device, not a symbolic link)? */
bool kj_image_file_wanted(const char *path);

/* Make or check the image file at path, for an image of up to `need`
 * bytes. Leaves it unpinned, for A's writes. */
int kj_image_file_prepare(const char *path, uint64_t need, struct kj_image_file *f,
			  struct kj_err *e);

/* Pin (or unpin) the file. Pinning checks that its extents are still
 * those of its map. */
int kj_image_file_pin(const char *path, const struct kj_image_file *f, bool pin,
		      struct kj_err *e);

#endif
