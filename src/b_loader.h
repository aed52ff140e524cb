/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loading the second kernel B into A and switching to it: what `load`,
 * `snapshot` and `hibernate` share (b_loader.c).
 */
#ifndef KJUMP_B_LOADER_H
#define KJUMP_B_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "state_file.h"
#include "../lib/error.h"

struct kj_load_opts {
	const char *kernel, *initrd, *append;
	const void *initrd_buf;	/* instead of reading `initrd` (a name for it) */
	size_t initrd_buf_len;
	uint64_t reserve;	/* 0: default */
	uint64_t region_addr;	/* 0: choose */
	const char *purpose;
	bool verbose;
};

/* Plan, check and load B with preserved context; record it in *st. */
int kj_load_b(const struct kj_load_opts *o, struct kj_state *st, struct kj_err *e);
/* The console arguments of A's command line, for B's. */
void kj_a_consoles(char *out, size_t n);
/* Jump to the loaded B; *seconds = how long A was stopped. */
int kj_switch_to_b(struct kj_state *st, double *seconds, struct kj_err *e);

#endif
