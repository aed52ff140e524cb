// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * patfill SEED MIB LIST: test helper. Fills MIB MiB of its own locked
 * memory with the pattern of pattern.h, writes "SEED NPAGES" and then the
 * physical address of every page (from /proc/self/pagemap) to LIST, and
 * waits until killed, keeping the pages where they are. patcheck looks for
 * the pattern at those addresses in an exported core. On SIGUSR1 it checks
 * its own memory against the pattern and writes "same N" or "changed N"
 * (N: pages that differ) to LIST.check.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pattern.h"
#include "../../../lib/pinned.h"

static volatile sig_atomic_t check;

static void on_usr1(int sig)
{
	(void)sig;
	check = 1;
}

int main(int argc, char **argv)
{
	struct kj_err e;
	uint64_t seed, npages;
	uint8_t *buf;
	FILE *out;

	if (argc != 4) {
		fprintf(stderr, "usage: patfill SEED MIB LIST\n");
		return 2;
	}
	seed = strtoull(argv[1], NULL, 0);
	npages = strtoull(argv[2], NULL, 0) * 256;
	buf = mmap(NULL, npages * 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED || mlock(buf, npages * 4096)) {
		perror("patfill");
		return 1;
	}
	for (uint64_t i = 0; i < npages; i++)
		pattern_page(seed, i, (uint64_t *)(buf + i * 4096));
	out = fopen(argv[3], "w");
	if (!out) {
		perror(argv[3]);
		return 1;
	}
	fprintf(out, "%llu %llu\n", (unsigned long long)seed, (unsigned long long)npages);
	int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint64_t pa[4096];

	if (pm < 0) {
		perror("/proc/self/pagemap");
		return 1;
	}
	for (uint64_t i = 0; i < npages; i += 4096) {	/* 16 MiB at a time */
		uint64_t n = npages - i < 4096 ? npages - i : 4096;

		if (kj_pagemap_read(pm, buf + i * 4096, n, pa, &e)) {
			fprintf(stderr, "patfill: %s\n", e.msg);
			return 1;
		}
		for (uint64_t k = 0; k < n; k++)
			fprintf(out, "%llx\n", (unsigned long long)pa[k]);
	}
	close(pm);
	fclose(out);
	signal(SIGUSR1, on_usr1);
	printf("patfill: %llu pages ready\n", (unsigned long long)npages);
	fflush(stdout);
	for (;;) {
		char path[512];
		uint64_t want[512], bad = 0;

		pause();
		if (!check)
			continue;
		check = 0;
		for (uint64_t i = 0; i < npages; i++) {
			pattern_page(seed, i, want);
			bad += memcmp(want, buf + i * 4096, 4096) != 0;
		}
		snprintf(path, sizeof(path), "%s.check", argv[3]);
		out = fopen(path, "w");
		if (out) {
			fprintf(out, "%s %llu\n", bad ? "changed" : "same", (unsigned long long)bad);
			fclose(out);
		}
	}
}
