// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * membuf [--low MiB] FILE [REPORT]: test helper. Copies FILE (up to 64
 * KiB) into locked, pinned pages of its own memory, prints their physical
 * ranges on one line as "ADDR LEN ADDR LEN ...", then waits until killed,
 * so that a test can hand those ranges to `kjump call checksum`, or look
 * for the bytes at those addresses in another kernel or an image. On
 * SIGUSR1 it compares its pages with FILE's bytes and writes "same" or
 * "changed" to REPORT.
 *
 * --low MiB: allocate that much memory and put FILE (one page at most) in
 * the page with the lowest physical address at or above 64 MiB, away from
 * the top of RAM where fresh pages (and the kernel's per-CPU data) usually
 * are, and far enough above the running kernel (loaded at 16 MiB) that a
 * region for a second kernel can start below it and still avoid the kernel.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../../../lib/pinned.h"

static char data[16 * 4096];
static volatile sig_atomic_t check;

static void on_usr1(int sig)
{
	check = 1;
}

/* The lowest-addressed page of a big locked buffer, pinned by a pipe. */
static int low_page(size_t mib, void **va, uint64_t *pa)
{
	size_t len = mib << 20, best = 0;
	uint64_t best_pa = UINT64_MAX;
	int p[2];
	struct kj_err e;
	char *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (buf == MAP_FAILED || mlock(buf, len))
		return -1;
	for (size_t off = 0; off < len; off += 4096) {
		uint64_t a;

		buf[off] = 1;
		if (kj_virt_to_phys(buf + off, &a, &e))
			return -1;
		if (a >= (64u << 20) && a < best_pa) {
			best_pa = a;
			best = off;
		}
	}
	if (best_pa == UINT64_MAX)
		return -1;
	memset(buf + best, 0, 4096);
	struct iovec iov = { buf + best, 4096 };
	if (pipe(p) || vmsplice(p[1], &iov, 1, 0) != 4096)
		return -1;
	*va = buf + best;
	*pa = best_pa;
	return 0;
}

int main(int argc, char **argv)
{
	struct kj_pinned pp;
	struct kj_err e;
	size_t len, low = 0;
	void *va;
	uint64_t pa;
	FILE *f;

	if (argc > 2 && !strcmp(argv[1], "--low")) {
		low = strtoul(argv[2], NULL, 0);
		argv += 2;
		argc -= 2;
	}
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: membuf [--low MiB] FILE [REPORT]\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	len = fread(data, 1, sizeof(data), f);
	fclose(f);
	if (!len || (low && len > 4096)) {
		fprintf(stderr, "membuf: %s is empty or too big\n", argv[1]);
		return 1;
	}
	if (low) {
		if (low_page(low, &va, &pa)) {
			perror("membuf: --low");
			return 1;
		}
		memcpy(va, data, len);
		printf("0x%llx %zu\n", (unsigned long long)pa, len);
	} else {
		if (kj_pinned_alloc(&pp, (len + 4095) / 4096, &e)) {
			fprintf(stderr, "membuf: %s\n", e.msg);
			return 1;
		}
		va = pp.va;
		memcpy(va, data, len);
		for (size_t i = 0; i < pp.npages; i++) {
			size_t n = len - i * 4096 < 4096 ? len - i * 4096 : 4096;
			printf("%s0x%llx %zu", i ? " " : "", (unsigned long long)pp.phys[i], n);
		}
		printf("\n");
	}
	fflush(stdout);
	signal(SIGUSR1, on_usr1);
	for (;;) {
		pause();
		if (check && argc == 3) {
			FILE *r = fopen(argv[2], "w");

			check = 0;
			if (r) {
				fputs(memcmp(va, data, len) ? "changed\n" : "same\n", r);
				fclose(r);
			}
		}
	}
}
