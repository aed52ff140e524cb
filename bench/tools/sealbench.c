// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sealbench: what sealing costs the image writer and reader, on the host.
 * Writes MIB MiB of synthetic memory (a mix of incompressible, patterned
 * and zero pages, as bench/save's guests hold) into an image in a file in
 * DIR (tmpfs: the disk out of the picture), plain and sealed in turn, with
 * THREADS compression threads, then reads each back as resume does
 * (every chunk checked, decrypted when sealed, decompressed). Prints the
 * medians of ROUNDS rounds and the ratios. Not the full bench: no B, no
 * /proc/vmcore, no resume kernel (see docs/BENCHMARKS.md).
 * With KEEP, a directory, it then writes both images once more there
 * (plain.img, sealed.img) with the key file (seal.key), for bench/seal
 * to time `kjump verify` on them, from a disk.
 * Usage: sealbench DIR [MIB [THREADS [ROUNDS [KEEP]]]]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/image.h"
#include "../../lib/seal.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t x = 88172645463325252ULL;
static uint64_t rnd(void)
{
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

static void fill(uint8_t *p, uint64_t i)
{
	switch (i % 10) {
	case 0: case 1: case 2:	/* incompressible */
		for (int k = 0; k < 4096; k += 8) {
			uint64_t w = rnd();
			memcpy(p + k, &w, 8);
		}
		break;
	case 3: case 4: case 5: case 6:	/* text-like, compressible */
		for (int k = 0; k < 4096; k++)
			p[k] = (uint8_t)("kjump sealed images bench "[(k + i) % 26] ^ (rnd() % 7 == 0));
		break;
	default:
		memset(p, 0, 4096);
		break;
	}
}

static int cmp(const void *a, const void *b)
{
	double d = *(const double *)a - *(const double *)b;

	return d < 0 ? -1 : d > 0;
}

/* Writes the pages of mem into a new image at path; the open descriptor,
 * or -1 with e set. */
static int write_image(const char *path, const uint8_t *mem, uint64_t pages,
		       unsigned threads, const struct kj_seal_params *sp, struct kj_err *e)
{
	struct kj_img_writer_opts o = { .threads = threads, .seal = sp };
	struct kj_img_writer *wr;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0) {
		kj_fail(e, errno, "cannot create %s", path);
		return -1;
	}
	if (kj_img_writer_open(&wr, fd, 0, &o, e)) {
		close(fd);
		return -1;
	}
	for (uint64_t i = 0; i < pages; i++)
		if (kj_img_writer_add(wr, 0x100 + i, mem + i * 4096, e))
			goto fail;
	if (kj_img_writer_finish(wr, NULL, e)) {	/* frees wr, failed or not */
		close(fd);
		return -1;
	}
	return fd;
fail:
	kj_img_writer_abort(wr);	/* stops its threads, frees it */
	close(fd);
	return -1;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/dev/shm";
	uint64_t mib = argc > 2 ? strtoull(argv[2], NULL, 0) : 512;
	unsigned threads = argc > 3 ? (unsigned)atoi(argv[3]) : 2;
	int rounds = argc > 4 ? atoi(argv[4]) : 3;
	uint64_t pages = mib * 256;
	uint8_t *mem = malloc(pages * 4096), *out = malloc(1024 * 4096);
	static const uint8_t key[32] = "sealbench key file, not a secret";
	const struct kj_seal_secret s = { KJ_SECRET_KEYFILE, key, sizeof(key) };
	struct kj_seal_params sp;
	struct kj_err e;
	double w[2][64], r[2][64];
	char path[4096];

	if (!mem || !out || rounds < 1 || rounds > 64 || kj_seal_params_new(&sp, &s, 0, 0, &e))
		return 1;
	for (uint64_t i = 0; i < pages; i++)
		fill(mem + i * 4096, i);
	snprintf(path, sizeof(path), "%s/sealbench.img", dir);
	for (int round = 0; round < rounds; round++) {
		for (int sealed = 0; sealed < 2; sealed++) {
			struct kj_img img;
			double t0 = (unlink(path), now());	/* truncating is not the write's */
			int fd = write_image(path, mem, pages, threads, sealed ? &sp : NULL, &e);

			if (fd < 0)
				goto fail;
			w[sealed][round] = now() - t0;
			t0 = now();
			if (kj_img_open(&img, fd, 0, &e) ||
			    (sealed && kj_img_unseal(&img, &s, &e)) || !img.complete)
				goto fail;
			for (uint64_t i = 0; i < img.nchunks; i++)
				if (kj_img_read_chunk(&img, i, out, &e))
					goto fail;
			r[sealed][round] = now() - t0;
			kj_img_close(&img);
			close(fd);
		}
	}
	unlink(path);
	if (argc > 5) {
		const char *name[2] = { "plain.img", "sealed.img" };
		int kf;

		for (int sealed = 0; sealed < 2; sealed++) {
			int fd;

			snprintf(path, sizeof(path), "%s/%s", argv[5], name[sealed]);
			fd = write_image(path, mem, pages, threads, sealed ? &sp : NULL, &e);
			if (fd < 0)
				goto fail;
			if (fsync(fd)) {
				fprintf(stderr, "sealbench: cannot write %s to its disk\n", path);
				return 1;
			}
			close(fd);
		}
		snprintf(path, sizeof(path), "%s/seal.key", argv[5]);
		kf = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (kf < 0 || write(kf, key, sizeof(key)) != (ssize_t)sizeof(key) || close(kf))
			return fprintf(stderr, "sealbench: cannot write %s\n", path), 1;
	}
	for (int k = 0; k < 2; k++) {
		qsort(w[k], (size_t)rounds, sizeof(double), cmp);
		qsort(r[k], (size_t)rounds, sizeof(double), cmp);
	}
	double wp = w[0][rounds / 2], ws = w[1][rounds / 2];
	double rp = r[0][rounds / 2], rs = r[1][rounds / 2];
	printf("%llu MiB, %u threads, %d rounds (medians)\n", (unsigned long long)mib,
	       threads, rounds);
	printf("write  plain %.3f s (%.0f MiB/s)  sealed %.3f s (%.0f MiB/s)  sealed/plain %.3f\n",
	       wp, mib / wp, ws, mib / ws, ws / wp);
	printf("read   plain %.3f s (%.0f MiB/s)  sealed %.3f s (%.0f MiB/s)  sealed/plain %.3f\n",
	       rp, mib / rp, rs, mib / rs, rs / rp);
	return 0;
fail:
	fprintf(stderr, "sealbench: %s\n", e.msg);
	return 1;
}
