// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes the seed corpus of tests/fuzz/fuzz_image.c into a directory: one
 * small valid image and hostile variants of it, each forged with valid
 * checksums so that the reader's own checks (not a checksum) must refuse
 * it. The writer puts chunk 0 at 1 MiB; the seeds move the data to 4 KiB
 * (the reader allows any 4 KiB-aligned data offset) to stay a few KiB.
 *
 * Rebuild the committed seeds after a format change (`make` first):
 *
 *   gcc -std=gnu11 -D_GNU_SOURCE -o build/tests/make_image_seeds \
 *       tests/fuzz/make_image_seeds.c build/libkjump.a -lzstd -lxxhash -lz -lsodium \
 *       -lcrypto -lpthread
 *   build/tests/make_image_seeds tests/fuzz/corpus/image
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xxhash.h>

#include "../../lib/image.h"

#define PS KJ_IMG_PAGE_SIZE

static uint8_t *img;
static size_t len;

static void die(const char *what, const struct kj_err *e)
{
	fprintf(stderr, "make_image_seeds: %s: %s\n", what, e ? e->msg : strerror(errno));
	exit(1);
}

static struct kj_img_header *H(uint8_t *b)
{
	return (struct kj_img_header *)b;
}

static void *sect(uint8_t *b, uint32_t type)
{
	for (int i = 0; i < KJ_SECT_MAX; i++)
		if (H(b)->sect[i].type == type)
			return b + H(b)->index_offset + H(b)->sect[i].offset;
	fprintf(stderr, "make_image_seeds: no section %u\n", type);
	exit(1);
}

static void rehash(uint8_t *b, size_t n)
{
	struct kj_img_header *h = H(b);

	if (h->index_offset <= n && h->index_size <= n - h->index_offset)
		h->index_xxh64 = XXH64(b + h->index_offset, h->index_size, 0);
	h->header_xxh64 = kj_img_header_hash(h);
}

static void make_valid(void)
{
	static const struct kj_img_range mm[] = {
		{ 0x1000, 0x9fc00, 1, 0 },
		{ 0x100000, 0x800000, 1, 0 },
		{ 0xf0000, 0x100000, 2, 0 },
	};
	static const struct kj_img_remap rm[] = { { 0x600, 0x500, 2 } };
	static const struct kj_img_vmap vm[] = {
		{ 0, 0xffff888000000000ULL, 0x800000 },
		{ 0x200000, 0xffffffff81000000ULL, 0x200000 },
	};
	static const char vi[] = "OSRELEASE=6.12.0-seed\nPAGESIZE=4096\n";
	static const struct kj_img_fs fs[] = {
		{ .kind = KJ_FS_EXT, .status = KJ_FS_CHECKED, .major = 254, .minor = 32,
		  .uuid = { 1, 2, 3 }, .fingerprint = 0x1234, .counter = 3, .wtime = 1700000000,
		  .fstype = "ext4", .label = "data", .device = "/dev/vdc", .mountpoint = "/mnt" },
		{ .kind = KJ_FS_SWAP, .status = KJ_FS_NOT_IN_B, .major = 254, .minor = 48,
		  .fstype = "swap", .device = "/dev/vdd" },
	};
	struct kj_img_writer_opts o = {
		.threads = 1, .chunk_pages = 2, .release = "6.12.0-seed",
		.machine = "x86_64", .jump_back_entry = 0x7f001000,
		.ram_bytes = 0x7fec00, .region_start = 0x600000, .region_end = 0x700000,
	};
	static const uint64_t pfns[] = { 0x1, 0x2, 0x3, 0x100, 0x101, 0x200, 0x500, 0x501, 0x7ff };
	struct kj_img_writer *w;
	struct kj_err e = { 0 };
	uint8_t page[PS];
	int fd = memfd_create("seed", 0);
	uint64_t delta;

	if (fd < 0)
		die("memfd", NULL);
	if (kj_img_writer_open(&w, fd, 0, &o, &e))
		die("writer", &e);
	uint64_t x = 0x9E3779B97F4A7C15ull;

	for (size_t i = 0; i < sizeof(pfns) / sizeof(pfns[0]); i++) {
		/* pfn 0x3 is all zero: a ZERO extent; 0x200 and 0x500, chunk 2,
		 * random: a stored frame (lib/stored_frame.h) */
		memset(page, 0, PS);
		if (pfns[i] == 0x200 || pfns[i] == 0x500)
			for (size_t k = 0; k < PS; k++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				page[k] = (uint8_t)(x >> 32);
			}
		else if (pfns[i] != 0x3)
			for (size_t k = 0; k < PS; k += 64)
				page[k] = (uint8_t)(pfns[i] + k / 64);
		if (kj_img_writer_add(w, pfns[i], page, &e))
			die("add", &e);
	}
	if (kj_img_writer_set_memmap(w, mm, 3, &e) ||
	    kj_img_writer_set_remap(w, rm, 1, &e) ||
	    kj_img_writer_set_vmap(w, vm, 2, &e) ||
	    kj_img_writer_set_vmcoreinfo(w, vi, strlen(vi), &e) ||
	    kj_img_writer_set_filesystems(w, fs, 2, &e))
		die("sections", &e);
	kj_img_writer_set_counts(w, 0x7fe - 0x7 + 0x9e, 100, 256);
	if (kj_img_writer_finish(w, NULL, &e))
		die("finish", &e);

	/* Move the data area from 1 MiB to 4 KiB. */
	struct kj_img_header h;
	if (pread(fd, &h, sizeof(h), 0) != sizeof(h))
		die("read", NULL);
	delta = h.data_offset - PS;
	len = h.target_min_size - delta;
	img = calloc(1, len);
	if (!img || pread(fd, img + PS, len - PS, (off_t)h.data_offset) != (ssize_t)(len - PS))
		die("read", NULL);
	memcpy(img, &h, sizeof(h));
	H(img)->data_offset -= delta;
	H(img)->index_offset -= delta;
	H(img)->target_min_size -= delta;
	struct kj_img_chunk *c = sect(img, KJ_SECT_CHUNKS);
	for (uint64_t i = 0; i < H(img)->nchunks; i++)
		c[i].offset -= delta;
	rehash(img, len);
	close(fd);
}

static void put(const char *dir, const char *name, const uint8_t *b, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b, 1, n, f) != n || fclose(f))
		die(path, NULL);
}

/* A forged copy: edit, rehash, write. */
#define VARIANT(name, ...) do {					\
	uint8_t *b = malloc(len);					\
	size_t n = len;							\
	if (!b)								\
		die("malloc", NULL);					\
	memcpy(b, img, len);						\
	__VA_ARGS__;							\
	rehash(b, n);							\
	put(dir, name, b, n);						\
	free(b);							\
} while (0)

#define MM(b) ((struct kj_img_range *)sect(b, KJ_SECT_MEMMAP))
#define EXT(b) ((struct kj_img_extent *)sect(b, KJ_SECT_EXTENTS))
#define CHK(b) ((struct kj_img_chunk *)sect(b, KJ_SECT_CHUNKS))
#define RMP(b) ((struct kj_img_remap *)sect(b, KJ_SECT_REMAP))
#define FS(b) ((struct kj_img_fs *)sect(b, KJ_SECT_FILESYSTEMS))

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";

	make_valid();
	put(dir, "valid", img, len);
	/* valid too: RAM ranges of less than a page (export divided by zero) */
	VARIANT("subpage-ram", MM(b)[2] = (struct kj_img_range){ 0x800000, 0x800800, 1, 0 });
	VARIANT("huge-ram", MM(b)[1].end = 1ULL << 60);
	VARIANT("ram-52bit", MM(b)[1].end = 1ULL << 52);
	VARIANT("ram-overlap", MM(b)[1].start = 0x9f000);
	VARIANT("ext-outside-ram", MM(b)[1].start = 0x180000);
	VARIANT("ext-huge-zero", EXT(b)[H(b)->sect[0].count - 1].npages = 1ULL << 40);
	VARIANT("counts", H(b)->pages_total = 1);
	VARIANT("counts-overflow", H(b)->pages_excluded = UINT64_MAX);
	VARIANT("memmap-count", { H(b)->sect[2].count = 9000; H(b)->index_size += 9000 * 24;
				  H(b)->target_min_size += 9000 * 24; });
	VARIANT("remap-huge", RMP(b)[0].npages = 1ULL << 30);
	VARIANT("chunk-pages", H(b)->chunk_pages = 1ULL << 40);
	VARIANT("chunk-offset", CHK(b)[1].offset += PS);
	VARIANT("chunk-bytes", { b[PS + 10] ^= 0x40; CHK(b)[0].xxh64 = XXH64(b + CHK(b)[0].offset, CHK(b)[0].csize, 0); });
	/* the stored chunk's content changed, its checksum in the index
	 * made to match: the frame's own content checksum refuses it */
	VARIANT("stored-content", { b[CHK(b)[2].offset + 100] ^= 0x40;
				    CHK(b)[2].xxh64 = XXH64(b + CHK(b)[2].offset, CHK(b)[2].csize, 0); });
	VARIANT("index-size", { H(b)->index_size = 1ULL << 31; });
	VARIANT("truncated", n = len - 7);
	VARIANT("writing", H(b)->state = KJ_IMG_WRITING);
	VARIANT("fs-count", H(b)->sect[6].count = 3);
	VARIANT("fs-unterminated", memset(FS(b)[0].label, 'x', sizeof(FS(b)[0].label)));
	VARIANT("fs-kind", FS(b)[1].kind = 9);
	free(img);
	return 0;
}
