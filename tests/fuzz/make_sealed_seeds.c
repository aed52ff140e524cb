// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes the seed corpus of tests/fuzz/fuzz_sealed.c into a directory: a
 * small image sealed with the fuzz key file (fuzz_key.h), its data moved
 * from 1 MiB to 4 KiB (re-sealing the index and header, as only the key
 * holder can) so that it stays a few KiB, and variants of its public
 * header with the header checksum fixed, as anyone can.
 *
 * Rebuild the committed seeds after a format change (`make` first):
 *
 *   gcc -std=gnu11 -D_GNU_SOURCE -o build/tests/make_sealed_seeds \
 *       tests/fuzz/make_sealed_seeds.c build/libkjump.a -lzstd -lxxhash -lz -lsodium -lcrypto -lpthread
 *   build/tests/make_sealed_seeds tests/fuzz/corpus/sealed
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
#include "../../lib/seal.h"
#include "fuzz_key.h"

#define PS KJ_IMG_PAGE_SIZE

static void die(const char *what, const struct kj_err *e)
{
	fprintf(stderr, "make_sealed_seeds: %s: %s\n", what, e ? e->msg : strerror(errno));
	exit(1);
}

static void put(const char *dir, const char *name, const void *b, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b, 1, n, f) != n || fclose(f))
		die(path, NULL);
}

int main(int argc, char **argv)
{
	static const struct kj_seal_secret key = { KJ_SECRET_KEYFILE, fuzz_key, sizeof(fuzz_key) };
	static const struct kj_img_range ram = { 0x100000, 0x1000000, 1, 0 };
	const char *dir = argc > 1 ? argv[1] : ".";
	struct kj_img_writer_opts o = { .threads = 1, .chunk_pages = 2, .release = "6.12.0",
					.machine = "x86_64", .jump_back_entry = 0x101000 };
	struct kj_seal_params sp;
	struct kj_img_writer *w;
	struct kj_img img;
	struct kj_err e;
	uint8_t page[PS];
	int fd = memfd_create("seed", 0);

	if (fd < 0 || kj_seal_params_new(&sp, &key, 0, 0, &e))
		die("setup", fd < 0 ? NULL : &e);
	o.seal = &sp;
	if (kj_img_writer_open(&w, fd, 0, &o, &e))
		die("writer", &e);
	for (unsigned i = 0; i < 5; i++) {
		memset(page, 0, PS);
		if (i != 3)
			snprintf((char *)page, PS, "page %u of the sealed fuzz seed", i);
		if (kj_img_writer_add(w, 0x100 + i, page, &e))
			die("add", &e);
	}
	kj_img_writer_set_counts(w, 0xf00, 0, 0);
	if (kj_img_writer_set_memmap(w, &ram, 1, &e) || kj_img_writer_finish(w, NULL, &e))
		die("finish", &e);
	if (kj_img_open(&img, fd, 0, &e) || kj_img_unseal(&img, &key, &e))
		die("reopen", &e);
	if (!img.complete) {
		fprintf(stderr, "make_sealed_seeds: %s\n", img.problem);
		return 1;
	}

	/* the small layout: chunks from 4 KiB on, then the index */
	struct kj_img_header h = img.hdr;
	uint64_t pos = PS;
	size_t n = 0;
	uint8_t *out = calloc(1, 1 << 20), *ix = malloc(h.index_size);
	struct kj_img_chunk *c = NULL;

	if (!out || !ix)
		die("memory", NULL);
	memcpy(ix, img.index, h.index_size);	/* plaintext */
	for (int s = 0; s < KJ_SECT_MAX; s++)
		if (h.sect[s].type == KJ_SECT_CHUNKS)
			c = (struct kj_img_chunk *)(ix + h.sect[s].offset);
	for (uint64_t i = 0; i < h.nchunks; i++) {
		if (kj_img_pread(fd, out + pos, c[i].csize, c[i].offset, "chunk", &e))
			die("chunk", &e);
		c[i].offset = pos;	/* the chunk AEAD does not bind the offset */
		pos += (c[i].csize + PS - 1) / PS * PS;
	}
	h.data_offset = PS;
	h.data_bytes = pos - PS;
	h.index_offset = pos;
	h.target_min_size = pos + h.index_size;
	h.state = KJ_IMG_COMPLETE;
	kj_seal_index(img.keys, &h, ix, h.index_size, h.seal.index_tag);
	h.index_xxh64 = XXH64(ix, h.index_size, 0);
	memcpy(out + pos, ix, h.index_size);
	n = (size_t)h.target_min_size;
	if (kj_seal_header(img.keys, &h, (struct kj_img_header *)out, &e))
		die("seal", &e);
	put(dir, "valid", out, n);

	/* public-header variants, checksum fixed */
	struct kj_img_header *p = (struct kj_img_header *)out, keep = *p;
#define VARIANT(name, stmt) do { *p = keep; stmt; p->header_xxh64 = kj_img_header_hash(p); \
		put(dir, name, out, n); } while (0)
	VARIANT("consumed", p->state = KJ_IMG_CONSUMED);
	VARIANT("memlimit-huge", p->seal.memlimit = 1ULL << 40);
	VARIANT("kdf-unknown", p->seal.kdf = 7);
	VARIANT("argon2-small", (p->seal.kdf = KJ_SEAL_KDF_ARGON2ID, p->seal.opslimit = 1,
				 p->seal.memlimit = 8192));
	VARIANT("not-sealed-ok", p->seal.sealed_ok = 0);
	VARIANT("private-field", p->jump_back_entry = 0xdead0000000ULL);
	VARIANT("salt", p->seal.salt[3] ^= 1);
	VARIANT("index-tag", p->seal.index_tag[0] ^= 1);
	VARIANT("sealed-byte", p->seal.sealed[500] ^= 1);
	VARIANT("writing", (p->state = KJ_IMG_WRITING, p->seal.sealed_ok = 0));
	*p = keep;
	put(dir, "truncated", out, n - 100);
	kj_img_close(&img);
	return 0;
}
