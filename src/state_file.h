/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What kjump remembers between invocations in one kernel: a small
 * key=value file in /run/kjump (tmpfs: it must not outlive the boot, and
 * in B it lives in B's own memory, preserved across switches).
 */
#ifndef KJUMP_STATE_FILE_H
#define KJUMP_STATE_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "../lib/error.h"

struct kj_state {
	char role;			/* 'a': kjump load ran here; 'b': we are B */
	bool loaded;			/* our image is loaded in this kernel */
	bool stale;			/* B: A's re-entry page is a copy (jump_back.c) */
	bool same_kernel;		/* A: B runs this very kernel release */
	uint64_t region_start, region_end, low_start, low_end;
	uint64_t entry;			/* where our image is entered */
	uint64_t peer_entry;		/* B: A's re-entry address */
	unsigned long switches;		/* jumps made from this kernel */
	time_t since;
	char kernel[256], initrd[256];
	char purpose[32];		/* "switch", "snapshot", "hibernate" */
	char target[256];		/* snapshot/hibernate: where B saves */
	char tag[33];			/* ... and the tag it checks there (hex) */
};

/* 0: loaded into *st; 1: no state; -1: error. */
int kj_state_load(char role, struct kj_state *st, struct kj_err *e);
int kj_state_save(const struct kj_state *st, struct kj_err *e);
void kj_state_remove(char role);

#endif
