/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An image that lives in a file (docs/hibernate.md, "An image in a file").
 *
 * A reads and writes such an image through its filesystem, as any file.
 * B and C cannot: the filesystem is A's, mounted in A, and must never be
 * mounted by them. They write and read the blocks of the device under it,
 * where the file's map says the file is. The map sits in the file itself,
 * at KJ_FILE_MAP_OFFSET, in the gap between the image's header and its
 * data that the image format leaves free; so a byte's offset in the image
 * is its offset in the file, and the map tells where on the device that
 * offset lies. Its own place on the device is what `kjump resume DEVICE
 * --offset N` is given (N in 4 KiB blocks, as the kernel's resume_offset).
 *
 * Layout of the map, little-endian:
 *   struct kj_file_map_header, then extent_count struct kj_file_map_extent,
 *   sorted by offset in the file, covering the whole file without a gap,
 *   every field a multiple of 4096. xxh64 covers the header (with xxh64
 *   zero) and the extents. Nothing else is in those blocks.
 *
 * Reading a map from a device (kj_file_map_read) needs no more than its
 * first block's place: block k of the map is found through the extents in
 * blocks 0..k-1 (a block holds more extents than there are blocks in the
 * map, so it is always there). Everything in it is checked before use: a
 * map is input from a disk, as hostile as an image.
 *
 * Process-wide, a device may carry one map (kj_file_map_attach): from
 * then on kj_img_pread/kj_img_pwrite on any descriptor of that device go
 * through it, so all of image I/O works on a mapped file unchanged.
 */
#ifndef KJUMP_FILE_MAP_H
#define KJUMP_FILE_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define KJ_FILE_MAP_OFFSET	(512u << 10)	/* in the file, and in the image */
#define KJ_FILE_MAP_SPACE	((512u << 10) - 4096u)	/* up to B's job block */
#define KJ_FILE_MAP_BLOCK	4096u
#define KJ_FILE_MAP_MAGIC	0x50414d454c494a4bULL	/* "KJILEMAP" */
#define KJ_FILE_MAP_VERSION	1u

struct kj_file_map_extent {
	uint64_t logical;	/* offset in the file */
	uint64_t physical;	/* offset on the device */
	uint64_t length;	/* bytes */
};

struct kj_file_map_header {
	uint64_t magic;
	uint32_t version;
	uint32_t block_size;	/* KJ_FILE_MAP_BLOCK */
	uint64_t file_bytes;	/* the file's size: what the image may use */
	uint64_t map_physical;	/* where on the device this header is */
	uint64_t extent_count;
	uint32_t fs_magic;	/* statfs f_type of the filesystem (for info) */
	uint32_t reserved;
	uint64_t xxh64;
	uint8_t pad[8];
};

#define KJ_FILE_MAP_MAX_EXTENTS \
	((KJ_FILE_MAP_SPACE - sizeof(struct kj_file_map_header)) / \
	 sizeof(struct kj_file_map_extent))

struct kj_file_map {
	uint64_t file_bytes, map_physical;
	uint32_t fs_magic;
	size_t n;
	struct kj_file_map_extent *ext;	/* malloc'd */
};

/*
 * A map from extents as FIEMAP gives them (any order; adjacent ones are
 * joined): checked to cover [0, file_bytes) exactly, 4 KiB aligned,
 * inside [0, device_bytes) and not overlapping on the device. The map's
 * own place is where file offset KJ_FILE_MAP_OFFSET lies.
 */
int kj_file_map_build(const struct kj_file_map_extent *ext, size_t n, uint64_t file_bytes,
		      uint64_t device_bytes, uint32_t fs_magic, struct kj_file_map *m,
		      struct kj_err *e);
void kj_file_map_free(struct kj_file_map *m);
bool kj_file_map_equal(const struct kj_file_map *a, const struct kj_file_map *b);

/* Bytes of the encoded map (a multiple of 4096). */
size_t kj_file_map_encoded_size(const struct kj_file_map *m);
/* The map into buf (kj_file_map_encoded_size bytes). */
void kj_file_map_encode(const struct kj_file_map *m, uint8_t *buf);
/*
 * The map in buf (len bytes, the encoded map or more), found on a device
 * of device_bytes at `at`: 0; 1 when buf holds no map (wrong magic);
 * -1 with the reason when it claims to be one and is not sound. Pure.
 */
int kj_file_map_decode(const uint8_t *buf, size_t len, uint64_t at, uint64_t device_bytes,
		       struct kj_file_map *m, struct kj_err *e);

/* Where file offset `off` lies on the device, and how many bytes from
 * there on are contiguous (to the end of its extent); -1 past the end. */
int kj_file_map_locate(const struct kj_file_map *m, uint64_t off, uint64_t *physical,
		       uint64_t *contiguous);

/* Read and check the map at `at` on the device open as fd (or a file
 * holding a copy of the device): 0, 1 when there is no map there, -1
 * with the reason. */
int kj_file_map_read(int fd, uint64_t at, struct kj_file_map *m, struct kj_err *e);

/* The map at `at` on block device `path` serves all image I/O to that
 * device from now on (it replaces an earlier one for the same device). */
int kj_file_map_attach(const char *path, uint64_t at, struct kj_err *e);
/* No map for block device `path` any more. */
void kj_file_map_forget(const char *path);
/* The map serving fd, or NULL (fd is not a mapped device). */
const struct kj_file_map *kj_file_map_of(int fd);

#endif
