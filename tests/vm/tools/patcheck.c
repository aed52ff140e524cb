// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * patcheck CORE LIST: test helper (host side). For every page patfill
 * recorded in LIST, read the exported ELF core at that physical address
 * and compare with the pattern. Prints how many pages match; exits 0 only
 * if all do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pattern.h"
#include "../../../lib/vmcore.h"

int main(int argc, char **argv)
{
	struct kj_vmcore v;
	struct kj_err e;
	unsigned long long seed, n, pa;
	uint64_t want[512], got[512], bad = 0, missing = 0;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: patcheck CORE LIST\n");
		return 2;
	}
	if (kj_vmcore_open(&v, argv[1], &e)) {
		fprintf(stderr, "patcheck: %s\n", e.msg);
		return 1;
	}
	f = fopen(argv[2], "r");
	if (!f || fscanf(f, "%llu %llu", &seed, &n) != 2) {
		fprintf(stderr, "patcheck: cannot read %s\n", argv[2]);
		return 1;
	}
	for (uint64_t i = 0; i < n; i++) {
		if (fscanf(f, "%llx", &pa) != 1) {
			fprintf(stderr, "patcheck: %s ends after %llu pages\n", argv[2],
				(unsigned long long)i);
			return 1;
		}
		pattern_page(seed, i, want);
		if (kj_vmcore_read(&v, pa, got, 4096, &e)) {
			missing++;
			continue;
		}
		if (memcmp(want, got, 4096)) {
			if (bad < 5)
				fprintf(stderr, "patcheck: page %llu at 0x%llx differs\n",
					(unsigned long long)i, pa);
			bad++;
		}
	}
	printf("patcheck: %llu of %llu pages match (%llu differ, %llu missing)\n",
	       n - bad - missing, n, (unsigned long long)bad, (unsigned long long)missing);
	return bad || missing ? 1 : 0;
}
