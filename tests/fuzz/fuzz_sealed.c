// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the sealed reader: kj_img_open() of a sealed
 * target's public header (the only part read before the key), then
 * kj_img_unseal() with the key file the seeds were sealed with
 * (FUZZ_KEY below), then verify (every chunk authenticated, decrypted and
 * decompressed) and a read of every chunk.
 *
 * An input is the bytes of a target. It must be refused with a message,
 * or (the AEAD keeps forgeries out, so only unchanged sealed parts get
 * here) give a complete image whose chunks all verify. The seeds
 * (tests/fuzz/corpus/sealed/, make_sealed_seeds.c) are a small sealed
 * image and variants of its public header. Build and run with
 * tests/fuzz/run (target "sealed").
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../lib/image.h"
#include "../../lib/seal.h"
#include "fuzz_key.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static int img_fd = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool msg_ok(const struct kj_err *e)
{
	return e->msg[0] && strnlen(e->msg, sizeof(e->msg)) < sizeof(e->msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct kj_seal_secret key = { KJ_SECRET_KEYFILE, fuzz_key,
						   sizeof(fuzz_key) };
	struct kj_img img;
	struct kj_err e = { 0 };
	uint8_t *out;

	if (img_fd < 0) {
		img_fd = memfd_create("fuzz-sealed", 0);
		CHECK(img_fd >= 0);
	}
	CHECK(ftruncate(img_fd, 0) == 0);
	if (size)
		CHECK(pwrite(img_fd, data, size, 0) == (ssize_t)size);
	if (kj_img_open(&img, img_fd, 0, &e)) {
		CHECK(msg_ok(&e));
		return 0;
	}
	if (!img.sealed) {
		kj_img_close(&img);
		return 0;	/* fuzz_image's business */
	}
	CHECK(!img.complete && img.problem[0] && !img.keys && !img.index);
	e.msg[0] = '\0';
	if (kj_img_unseal(&img, &key, &e)) {
		CHECK(msg_ok(&e));
		CHECK(!img.complete);
		kj_img_close(&img);
		return 0;
	}
	if (!img.complete) {
		CHECK(img.problem[0]);
		kj_img_close(&img);
		return 0;
	}
	/* past authentication: the header and index are the writer's */
	CHECK(img.keys && img.ntags == img.nchunks);
	CHECK(kj_seal_is_sealed(&img.hdr) && img.hdr.seal.sealed_ok == 1);
	if (kj_img_verify(&img, NULL, NULL, NULL, &e)) {
		CHECK(msg_ok(&e));
	} else {
		out = malloc((size_t)img.hdr.chunk_pages * KJ_IMG_PAGE_SIZE);
		CHECK(out);
		for (uint64_t i = 0; i < img.nchunks; i++)
			CHECK(kj_img_read_chunk(&img, i, out, &e) == 0);
		free(out);
	}
	kj_img_close(&img);
	return 0;
}
