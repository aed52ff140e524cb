// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parts of the image library shared by the writer and the reader: names,
 * the header check and checksum, I/O helpers, size arithmetic, set_state.
 */
#include "image.h"
#include "file_map.h"
#include "image_state.h"
#include "page.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

_Static_assert(offsetof(struct kj_img_header, sect) == 296,
	       "kjump image header layout changed");
_Static_assert(offsetof(struct kj_img_header, header_xxh64) ==
	       KJ_IMG_HEADER_SIZE - 8, "header_xxh64 must end the header");
_Static_assert(sizeof(struct kj_img_extent) == 24, "extent layout");
_Static_assert(sizeof(struct kj_img_chunk) == 32, "chunk layout");
_Static_assert(sizeof(struct kj_img_range) == 24, "range layout");
_Static_assert(sizeof(struct kj_img_remap) == 24, "remap layout");
_Static_assert(KJ_IMG_PAGE_SIZE == KJ_PAGE_SIZE, "the image's pages are kjump's pages");
/* csize is 32 bits: the largest chunk's compress bound must fit. */
_Static_assert(ZSTD_COMPRESSBOUND((size_t)KJ_IMG_MAX_CHUNK_PAGES *
				  KJ_IMG_PAGE_SIZE) < UINT32_MAX,
	       "chunk too large for the csize field");

const char *kj_img_state_name(uint32_t state)
{
	switch (state) {
	case KJ_IMG_WRITING:
		return "writing";
	case KJ_IMG_COMPLETE:
		return "complete";
	case KJ_IMG_CONSUMED:
		return "consumed";
	case KJ_IMG_RESUMING:
		return "resuming";
	case KJ_IMG_FAILED:
		return "failed";
	}
	return "unknown";
}

const char *kj_img_kind_name(uint32_t kind)
{
	switch (kind) {
	case KJ_IMG_SNAPSHOT:
		return "snapshot";
	case KJ_IMG_HIBERNATION:
		return "hibernation";
	}
	return "unknown";
}

char *kj_img_uuid_str(const uint8_t uuid[16], char *buf)
{
	char *p = buf;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		p += sprintf(p, "%02x", uuid[i]);
	}
	return buf;
}

bool kj_img_page_is_zero(const void *page)
{
	const unsigned char *p = page;

	/* memcpy into words: no alignment assumption, and the compiler turns
	 * it into plain 8-byte loads. OR a 64-byte block at a time so the
	 * common non-zero page is rejected after the first block. */
	for (size_t off = 0; off < KJ_IMG_PAGE_SIZE; off += 64) {
		uint64_t w[8], acc = 0;

		memcpy(w, p + off, sizeof(w));
		for (int i = 0; i < 8; i++)
			acc |= w[i];
		if (acc)
			return false;
	}
	return true;
}

uint64_t kj_img_header_hash(const struct kj_img_header *h)
{
	return XXH64(h, offsetof(struct kj_img_header, header_xxh64), 0);
}

int kj_img_header_check(const struct kj_img_header *h, struct kj_err *e)
{
	/* Magic, then version and size (they decide where the checksum
	 * lives), then the checksum, then the rest. */
	if (h->magic != KJ_IMG_MAGIC)
		return kj_fail(e, EINVAL, "no kjump image on this target "
			       "(no \"KJUMPIMG\" magic at offset 0)");
	if (h->version != KJ_IMG_VERSION && h->version != KJ_IMG_VERSION_SEALED)
		return kj_fail(e, EINVAL, "unsupported kjump image version %u "
			       "(this kjump reads versions %u and %u, sealed); use "
			       "the kjump that wrote it", h->version, KJ_IMG_VERSION,
			       KJ_IMG_VERSION_SEALED);
	if (h->header_size != KJ_IMG_HEADER_SIZE)
		return kj_fail(e, EINVAL, "invalid image header size %u "
			       "(expected %u): the header is corrupt",
			       h->header_size, KJ_IMG_HEADER_SIZE);
	if (h->header_xxh64 != kj_img_header_hash(h))
		return kj_fail(e, EINVAL, "header checksum mismatch: the header "
			       "is corrupt");
	if (h->page_size != KJ_IMG_PAGE_SIZE)
		return kj_fail(e, EINVAL, "image page size is %u, kjump handles "
			       "only %u", h->page_size, KJ_IMG_PAGE_SIZE);
	if (h->arch != KJ_IMG_ARCH_X86_64)
		return kj_fail(e, EINVAL, "image is for ELF machine %u, kjump "
			       "handles only x86_64 (%u)", h->arch,
			       KJ_IMG_ARCH_X86_64);
	/* A sealed header's seal block (an unsealed one's is padding,
	 * zero from kjump's writers, and not looked at). */
	if (h->version == KJ_IMG_VERSION_SEALED &&
	    (h->seal.magic != KJ_SEAL_MAGIC || (h->seal.aead != KJ_SEAL_XCHACHA20POLY1305 &&
						 h->seal.aead != KJ_SEAL_AES256GCM)))
		return kj_fail(e, EINVAL, "the image says it is sealed, but with no "
			       "seal block this kjump knows (cipher %u)", h->seal.aead);
	return 0;
}

int kj_img_target_size(int fd, uint64_t *size, struct kj_err *e)
{
	struct stat st;

	if (fstat(fd, &st))
		return kj_fail_errno(e, "cannot stat the target");
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
	if (S_ISBLK(st.st_mode)) {
		const struct kj_file_map *m = kj_file_map_of(fd);

		if (m) {
			*size = m->file_bytes;
			return 0;
		}
		if (ioctl(fd, BLKGETSIZE64, size))
			return kj_fail_errno(e, "cannot get the size of the "
					     "target block device");
		return 0;
	}
	return kj_fail(e, EINVAL, "the target is neither a regular file nor a "
		       "block device");
}

/* An image in a file, on the device under it (lib/file_map.h): the
 * device offset of image offset *at, and *run cut to what is contiguous
 * there. */
static int mapped_place(const struct kj_file_map *m, uint64_t *at, uint64_t *run)
{
	uint64_t physical, contiguous;

	if (kj_file_map_locate(m, *at, &physical, &contiguous))
		return -1;
	*at = physical;
	if (*run > contiguous)
		*run = contiguous;
	return 0;
}

int kj_img_pread(int fd, void *buf, size_t len, uint64_t off, const char *what,
		 struct kj_err *e)
{
	uint8_t *p = buf;
	size_t done = 0;

	if (off > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX - off)
		return kj_fail(e, EINVAL, "cannot read %s: offset 0x%llx out of "
			       "range", what, (unsigned long long)off);
	const struct kj_file_map *m = kj_file_map_of(fd);

	while (done < len) {
		uint64_t at = off + done, run = len - done;
		ssize_t n;

		if (m && mapped_place(m, &at, &run))
			return kj_fail(e, EIO, "cannot read %s: unexpected end "
				       "of the image file at offset 0x%llx", what,
				       (unsigned long long)(off + done));
		n = pread(fd, p + done, (size_t)run, (off_t)at);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return kj_fail_errno(e, "cannot read %s at offset 0x%llx",
					     what, (unsigned long long)(off + done));
		}
		if (n == 0)
			return kj_fail(e, EIO, "cannot read %s: unexpected end "
				       "of the target at offset 0x%llx", what,
				       (unsigned long long)(off + done));
		done += (size_t)n;
	}
	return 0;
}

int kj_img_pwrite(int fd, const void *buf, size_t len, uint64_t off,
		  const char *what, struct kj_err *e)
{
	const uint8_t *p = buf;
	size_t done = 0;

	if (off > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX - off)
		return kj_fail(e, EINVAL, "cannot write %s: offset 0x%llx out "
			       "of range", what, (unsigned long long)off);
	const struct kj_file_map *m = kj_file_map_of(fd);

	while (done < len) {
		uint64_t at = off + done, run = len - done;
		ssize_t n;

		if (m && mapped_place(m, &at, &run))
			return kj_fail(e, ENOSPC, "cannot write %s at offset "
				       "0x%llx: the image file ends there", what,
				       (unsigned long long)(off + done));
		n = pwrite(fd, p + done, (size_t)run, (off_t)at);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return kj_fail_errno(e, "cannot write %s at offset 0x%llx",
					     what, (unsigned long long)(off + done));
		}
		if (n == 0)
			return kj_fail(e, ENOSPC, "cannot write %s at offset "
				       "0x%llx: the target takes no more bytes",
				       what, (unsigned long long)(off + done));
		done += (size_t)n;
	}
	return 0;
}

/* a + b and a * b saturating at UINT64_MAX: a size that does not fit in
 * 64 bits fits on no target, which is all the worst case needs to say. */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

uint64_t kj_img_chunk_disk_bound(uint64_t npages)
{
	uint64_t b = ZSTD_compressBound((size_t)(npages * KJ_IMG_PAGE_SIZE));

	return (b + KJ_IMG_ALIGN - 1) & ~(uint64_t)(KJ_IMG_ALIGN - 1);
}

/* The index of an image of `pages` pages in `nchunks` chunks, at most. */
static uint64_t worst_case_index(uint64_t pages, uint64_t nchunks)
{
	uint64_t index;

	/* One extent per page at most (each holds >= 1 page), one chunk
	 * entry per chunk, the largest small sections, 8 bytes of section
	 * alignment each, and the 4 KiB padding of the index. */
	index = sat_mul(pages, sizeof(struct kj_img_extent));
	index = sat_add(index, sat_mul(nchunks, sizeof(struct kj_img_chunk)));
	index = sat_add(index, (uint64_t)KJ_IMG_MAX_MEMMAP *
			sizeof(struct kj_img_range));
	index = sat_add(index, (uint64_t)KJ_IMG_MAX_REMAP *
			sizeof(struct kj_img_remap));
	index = sat_add(index, KJ_IMG_MAX_VMCOREINFO);
	index = sat_add(index, (uint64_t)KJ_IMG_MAX_VMAP *
			sizeof(struct kj_img_vmap));
	index = sat_add(index, (uint64_t)KJ_IMG_MAX_FS * sizeof(struct kj_img_fs));
	return sat_add(index, 8 * KJ_SECT_MAX + KJ_IMG_ALIGN);
}

uint64_t kj_img_worst_case_size_cp(uint64_t pages, uint32_t chunk_pages)
{
	uint64_t full, rest, data;

	if (chunk_pages == 0)
		chunk_pages = KJ_IMG_DEFAULT_CHUNK_PAGES;
	if (chunk_pages > KJ_IMG_MAX_CHUNK_PAGES)
		return UINT64_MAX;
	full = pages / chunk_pages;
	rest = pages % chunk_pages;
	data = sat_mul(full, kj_img_chunk_disk_bound(chunk_pages));
	if (rest)
		data = sat_add(data, kj_img_chunk_disk_bound(rest));
	return sat_add(sat_add(KJ_IMG_DATA_OFFSET, data),
		       worst_case_index(pages, full + (rest != 0)));
}

uint64_t kj_img_worst_case_size_places(uint64_t pages, uint64_t places_bytes,
				       uint64_t nplaces)
{
	return sat_add(sat_add(KJ_IMG_DATA_OFFSET, places_bytes),
		       worst_case_index(pages, nplaces));
}

uint64_t kj_img_worst_case_size(uint64_t pages)
{
	return kj_img_worst_case_size_cp(pages, KJ_IMG_DEFAULT_CHUNK_PAGES);
}

int kj_img_set_state(int fd, uint32_t state, struct kj_err *e)
{
	return kj_img_set_state_of(fd, NULL, state, e);
}

int kj_img_set_state_of(int fd, const uint8_t uuid[16], uint32_t state, struct kj_err *e)
{
	struct kj_img_header h, back;
	struct stat st;

	if (!kj_img_state_known(state))
		return kj_fail(e, EINVAL, "invalid image state %u", state);
	if (kj_img_pread(fd, &h, sizeof(h), 0, "the image header", e))
		return -1;
	if (kj_img_header_check(&h, e))
		return kj_prefix(e, "cannot change the image state");
	if (uuid && memcmp(h.uuid, uuid, 16))
		return kj_fail(e, ESTALE, "cannot change the image state: the target "
			       "holds another image than the one expected (it changed "
			       "under kjump)");
	h.state = state;
	/* RESUMING and CONSUMED both record when the resume started */
	h.consumed = state == KJ_IMG_CONSUMED || state == KJ_IMG_RESUMING ?
		(uint64_t)time(NULL) : 0;
	h.header_xxh64 = kj_img_header_hash(&h);
	/* One aligned 4 KiB block at offset 0. Should a crash tear it, the
	 * checksum no longer matches and the image reads as corrupt, never
	 * as resumable: the failure is on the safe side. */
	if (kj_img_pwrite(fd, &h, sizeof(h), 0, "the image header", e))
		return -1;
	/* The mark must be on stable storage before anything it guards runs
	 * (the jump into the saved system, A going on): else a power loss
	 * could let the image be resumed twice. */
	if (fdatasync(fd))
		return kj_fail_errno(e, "cannot flush the image header to the "
				     "target");
	/* And check that the device kept it: drop what the kernel caches of
	 * the target and read the block back from the device itself. */
	if (!fstat(fd, &st) && S_ISBLK(st.st_mode)) {
		if (fsync(fd) || ioctl(fd, BLKFLSBUF, 0))
			return kj_fail_errno(e, "cannot flush the target's buffers to "
					     "check the new image header");
	} else {
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	}
	if (kj_img_pread(fd, &back, sizeof(back), 0, "the image header", e))
		return kj_prefix(e, "reading the new image header back");
	if (memcmp(&back, &h, sizeof(h)))
		return kj_fail(e, EIO, "the target does not hold the image header just "
			       "written and flushed (state %s): the device does not "
			       "honour flushes", kj_img_state_name(state));
	return 0;
}

int kj_img_set_failed(int fd, const char *reason, struct kj_err *e)
{
	struct kj_img_header h;

	if (kj_img_pread(fd, &h, sizeof(h), 0, "the image header", e))
		return -1;
	if (kj_img_header_check(&h, e))
		return kj_prefix(e, "cannot mark the image failed");
	h.state = KJ_IMG_FAILED;
	h.consumed = 0;
	memset(h.fail_reason, 0, sizeof(h.fail_reason));
	snprintf(h.fail_reason, sizeof(h.fail_reason), "%s", reason ? reason : "");
	h.header_xxh64 = kj_img_header_hash(&h);
	if (kj_img_pwrite(fd, &h, sizeof(h), 0, "the image header", e))
		return -1;
	if (fdatasync(fd))
		return kj_fail_errno(e, "cannot flush the image header to the "
				     "target");
	return 0;
}
