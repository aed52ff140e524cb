/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which files may hold an image (lib/file_map.h): B writes the image to
 * the device blocks the file has when A maps it, so those blocks must be
 * the file's alone, for as long as the image is there, and must be places
 * on a device B and C can open. The rules, as pure functions of what the
 * kernel says about the filesystem (statfs), the file (FS_IOC_GETFLAGS)
 * and each extent (FIEMAP): NULL when fine, else the reason, to be printed
 * after the file's name.
 */
#ifndef KJUMP_FILE_PINNING_H
#define KJUMP_FILE_PINNING_H

#include <stdint.h>

/* The filesystem, by statfs f_type; *name gets its name when known. */
const char *kj_file_pinning_filesystem(uint64_t f_type, const char **name);

/* The file's inode flags (FS_*_FL). FS_IMMUTABLE_FL is kjump's own pin. */
const char *kj_file_pinning_flags(uint32_t flags);

/* One extent's FIEMAP_EXTENT_* flags. */
const char *kj_file_pinning_extent(uint32_t flags);

#endif
