/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading an image's chunks past the page cache (O_DIRECT).
 *
 * Read through the page cache, every page of a chunk is first allocated
 * and filled in the cache, then copied to the reader, then dropped: on a
 * 1 GiB guest under QEMU TCG that reads 300 MiB of a virtio disk in
 * 0.83 s, where O_DIRECT reads them in 0.11 s. A direct read also comes
 * from the device itself, never from what the kernel cached of it, which
 * is what B's read-back of a hibernation image means to check.
 *
 * O_DIRECT wants the offset, the length and the buffer aligned: a chunk
 * at any byte offset is read as the aligned blocks around it into a
 * buffer with room for them, and lies in it a little after its start.
 * Where the device or file system refuses (tmpfs, an odd block size, the
 * last partial block of a device), the read falls back to the page cache.
 */
#ifndef KJUMP_DIRECT_READ_H
#define KJUMP_DIRECT_READ_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Alignment of a direct read: offset, length and buffer. */
#define KJ_DIRECT_ALIGN 4096u

/* The file or device open as fd opened once more, read-only, for direct
 * reads (through /proc/self/fd, so that it is the same one whatever
 * became of its path), or -1 (no error: the caller reads through the
 * page cache instead). */
int kj_direct_reopen(int fd);

/* Bytes of a buffer that can take len bytes at any offset. */
size_t kj_direct_buffer_size(size_t len);

/*
 * The len bytes at off of the image open as fd (and as dfd for direct
 * reads, or -1), into buf: KJ_DIRECT_ALIGN-aligned, of
 * kj_direct_buffer_size(len) bytes. *bytes is where they begin in buf.
 * Reads through kj_img_pread() (so a mapped image file's extents apply),
 * directly where it can, else through fd. 0, or -1 naming `what`.
 */
int kj_direct_pread(int fd, int dfd, void *buf, size_t len, uint64_t off, void **bytes,
		    const char *what, struct kj_err *e);

#endif
