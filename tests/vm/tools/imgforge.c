// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * imgforge: tamper with a kjump image the way a forger would, fixing up
 * every checksum kj_img_open() and the chunk reads check, so that only
 * the checks `kjump resume` makes beyond those can catch it (the
 * resume-unsafe scenario). Test tool; not installed.
 *
 *   imgforge TARGET BACKUP kind snapshot|hibernation
 *   imgforge TARGET BACKUP chunk-corrupt N   one byte of chunk N's frame
 *                                            flipped, its XXH64 recomputed
 *   imgforge TARGET BACKUP chunk-short N     chunk N replaced by a valid
 *                                            zstd frame of one page fewer
 *   imgforge TARGET BACKUP extent-pfn N|last PFN
 *   imgforge TARGET BACKUP restore           undo, from BACKUP
 *
 * Every change first saves the bytes it overwrites in BACKUP, so that
 * `restore` puts the image back exactly as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include "../../../lib/image.h"

static int fd;
static FILE *bak;

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "imgforge: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

static void rd(void *buf, size_t len, uint64_t off)
{
	struct kj_err e;

	if (kj_img_pread(fd, buf, len, off, "the target", &e))
		die("%s", e.msg);
}

/* Write, saving what was there first. */
static void wr(const void *buf, size_t len, uint64_t off)
{
	void *old = malloc(len);
	uint64_t l = len;
	struct kj_err e;

	if (!old)
		die("%s", "out of memory");
	rd(old, len, off);
	if (fwrite(&off, 8, 1, bak) != 1 || fwrite(&l, 8, 1, bak) != 1 ||
	    fwrite(old, 1, len, bak) != len || fflush(bak))
		die("%s", "cannot write the backup");
	if (kj_img_pwrite(fd, buf, len, off, "the target", &e))
		die("%s", e.msg);
	free(old);
}

static void restore(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct kj_err e;
	uint64_t n = 0, cap = 0;
	struct { uint64_t off, len; void *b; } *r = NULL;

	if (!f)
		die("cannot open the backup %s", path);
	for (;;) {
		uint64_t off, len;

		if (fread(&off, 8, 1, f) != 1)
			break;
		if (fread(&len, 8, 1, f) != 1 || len > (1u << 30))
			die("%s", "a truncated backup");
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			r = realloc(r, cap * sizeof(*r));
		}
		r[n].off = off;
		r[n].len = len;
		r[n].b = malloc(len);
		if (!r || !r[n].b || fread(r[n].b, 1, len, f) != len)
			die("%s", "a truncated backup");
		n++;
	}
	while (n--)	/* last change first */
		if (kj_img_pwrite(fd, r[n].b, r[n].len, r[n].off, "the target", &e))
			die("%s", e.msg);
	fclose(f);
}

static const struct kj_img_sect *sect(const struct kj_img_header *h, uint32_t type)
{
	for (int i = 0; i < KJ_SECT_MAX; i++)
		if (h->sect[i].type == type)
			return &h->sect[i];
	die("%s", "the image lacks a section");
	return NULL;
}

int main(int argc, char **argv)
{
	struct kj_img_header h;
	uint8_t *index;
	const char *op;

	if (argc < 4)
		die("%s", "usage: imgforge TARGET BACKUP OP [ARG...]");
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("cannot open %s", argv[1]);
	op = argv[3];
	if (!strcmp(op, "restore")) {
		restore(argv[2]);
		goto out;
	}
	bak = fopen(argv[2], "wb");
	if (!bak)
		die("cannot create %s", argv[2]);
	rd(&h, sizeof(h), 0);
	index = malloc(h.index_size);
	if (!index || h.index_size > KJ_IMG_MAX_INDEX_SIZE)
		die("%s", "no index");
	rd(index, h.index_size, h.index_offset);
	struct kj_img_chunk *ch = (void *)(index + sect(&h, KJ_SECT_CHUNKS)->offset);
	const struct kj_img_sect *xs = sect(&h, KJ_SECT_EXTENTS);
	struct kj_img_extent *ext = (void *)(index + xs->offset);
	uint64_t n = argc > 4 ? strtoull(argv[4], NULL, 0) : 0;

	if (!strcmp(op, "kind") && argc == 5) {
		h.kind = !strcmp(argv[4], "snapshot") ? KJ_IMG_SNAPSHOT : KJ_IMG_HIBERNATION;
	} else if (!strcmp(op, "state") && argc == 5) {
		/* as an interrupted resume leaves it: RESUMING, since now */
		h.state = !strcmp(argv[4], "resuming") ? KJ_IMG_RESUMING :
			!strcmp(argv[4], "consumed") ? KJ_IMG_CONSUMED : (uint32_t)n;
		h.consumed = (uint64_t)time(NULL);
	} else if (!strcmp(op, "chunk-corrupt") && argc == 5 && n < h.nchunks) {
		uint8_t *b = malloc(ch[n].csize);

		rd(b, ch[n].csize, ch[n].offset);
		b[ch[n].csize / 2] ^= 0x5a;
		wr(b, ch[n].csize, ch[n].offset);
		ch[n].xxh64 = XXH64(b, ch[n].csize, 0);
		free(b);
	} else if (!strcmp(op, "chunk-short") && argc == 5 && n < h.nchunks &&
		   ch[n].npages > 1) {
		size_t in = (size_t)ch[n].npages * KJ_IMG_PAGE_SIZE, cap = ZSTD_compressBound(in);
		uint8_t *b = malloc(ch[n].csize), *pages = malloc(in), *f = malloc(cap);
		ZSTD_CCtx *c = ZSTD_createCCtx();
		size_t r;

		rd(b, ch[n].csize, ch[n].offset);
		r = ZSTD_decompress(pages, in, b, ch[n].csize);
		if (ZSTD_isError(r) || r != in)
			die("%s", "the chunk does not decompress to begin with");
		ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
		r = ZSTD_compress2(c, f, cap, pages, in - KJ_IMG_PAGE_SIZE);
		if (ZSTD_isError(r) || r > ch[n].csize)
			die("%s", "the shorter frame does not fit in the chunk's place");
		wr(f, r, ch[n].offset);
		ch[n].csize = (uint32_t)r;
		ch[n].xxh64 = XXH64(f, r, 0);
	} else if (!strcmp(op, "extent-pfn") && argc == 6) {
		n = !strcmp(argv[4], "last") ? xs->count - 1 : n;
		if (n >= xs->count)
			die("no extent %s", argv[4]);
		ext[n].pfn = strtoull(argv[5], NULL, 0);
	} else {
		die("cannot do %s", op);
	}
	if (strcmp(op, "kind") && strcmp(op, "state"))
		wr(index, h.index_size, h.index_offset);
	h.index_xxh64 = XXH64(index, h.index_size, 0);
	h.header_xxh64 = kj_img_header_hash(&h);
	wr(&h, sizeof(h), 0);
	fclose(bak);
out:
	if (fdatasync(fd))
		die("%s", "fdatasync failed");
	close(fd);
	return 0;
}
