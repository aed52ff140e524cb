// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * membuf FILE: test helper. Copies FILE (up to 64 KiB) into locked, pinned
 * pages of its own memory, prints their physical ranges on one line as
 * "ADDR LEN ADDR LEN ...", then waits until killed, so that a test can hand
 * those ranges to `kjump call checksum` and compare with `cksum FILE`.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../../lib/pinned.h"

int main(int argc, char **argv)
{
	static char data[16 * 4096];
	struct kj_pinned pp;
	struct kj_err e;
	size_t len;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: membuf FILE\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	len = fread(data, 1, sizeof(data), f);
	fclose(f);
	if (!len) {
		fprintf(stderr, "membuf: %s is empty\n", argv[1]);
		return 1;
	}
	if (kj_pinned_alloc(&pp, (len + 4095) / 4096, &e)) {
		fprintf(stderr, "membuf: %s\n", e.msg);
		return 1;
	}
	memcpy(pp.va, data, len);
	for (size_t i = 0; i < pp.npages; i++) {
		size_t n = len - i * 4096 < 4096 ? len - i * 4096 : 4096;
		printf("%s0x%llx %zu", i ? " " : "", (unsigned long long)pp.phys[i], n);
	}
	printf("\n");
	fflush(stdout);
	for (;;)
		pause();
}
