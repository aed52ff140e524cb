/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading and writing an image's chunks past the page cache (O_DIRECT).
 *
 * Through the page cache, every page of a chunk is first allocated and
 * filled in the cache, then copied to the reader, then dropped (or, when
 * writing, copied in and written back later): on a 1 GiB guest under
 * QEMU TCG that reads 300 MiB of a virtio disk in 0.83 s, where O_DIRECT
 * reads them in 0.11 s. A direct read also comes from the device itself,
 * never from what the kernel cached of it, which is what B's read-back of
 * a hibernation image means to check.
 *
 * O_DIRECT wants the offset, the length and the buffer aligned: a chunk
 * at any byte offset is read as the aligned blocks around it into a
 * buffer with room for them, and lies in it a little after its start;
 * the writer writes whole aligned blocks from aligned buffers already
 * (lib/image_write.c). Where the device or file system refuses (tmpfs,
 * an odd block size, the last partial block of a device), the I/O goes
 * through the page cache instead.
 */
#ifndef KJUMP_DIRECT_IO_H
#define KJUMP_DIRECT_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Alignment of direct I/O: offset, length and buffer. */
#define KJ_DIRECT_ALIGN 4096u

/* The file or device open as fd opened once more for direct I/O
 * (read-only, or read-write with `write`), through /proc/self/fd so that
 * it is the same one whatever became of its path; or -1 (no error: the
 * caller goes through the page cache instead). */
int kj_direct_reopen(int fd, bool write);

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

/*
 * Write len bytes from buf at off through kj_img_pwrite(): to dfd (open
 * for direct writes, or -1) when buf, len and off are all aligned and it
 * takes them, else to fd. 0, or -1 naming `what`. Flushing is the
 * caller's, on fd (fsync flushes what either descriptor wrote).
 */
int kj_direct_pwrite(int fd, int dfd, const void *buf, size_t len, uint64_t off,
		     const char *what, struct kj_err *e);

#endif
