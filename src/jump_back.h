/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * B's view of its peer A: A's re-entry address (left in B's command line
 * by the purgatory) and the one-page image that jumps there.
 */
#ifndef KJUMP_JUMP_BACK_H
#define KJUMP_JUMP_BACK_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/error.h"
#include "state_file.h"

struct kj_peer {
	uint64_t entry;		/* A's re-entry address */
};

/* Fails unless this kernel was started by kjump (kjump.b=1 and a recorded
 * kexec_jump_back_entry on /proc/cmdline): kj_b_reentry_parse() in
 * lib/b_command_line.h. */
int kj_peer_read(struct kj_peer *p, struct kj_err *e);

/* Load (once) the image that jumps back to A; one_way for a B without
 * CONFIG_KEXEC_JUMP; *stale: see jump_back.c. */
int kj_peer_load_jump_back(const struct kj_peer *p, bool one_way, bool *stale,
			   struct kj_err *e);
/* Can this kernel be re-entered after a jump (CONFIG_KEXEC_JUMP)? */
bool kj_self_can_return(void);

enum kj_back_mode {
	KJ_BACK_PRESERVE,	/* B comes back when A switches again */
	KJ_BACK_ONE_WAY,	/* B ends (a B without CONFIG_KEXEC_JUMP) */
	KJ_BACK_AUTO,		/* preserve if this kernel can, else one way */
};

/* In B: jump back to A, loading the jump-back image the first time, and
 * return when A switches to B again; *seconds spent in A. */
int kj_peer_back(enum kj_back_mode mode, double *seconds, unsigned long *switches,
		 struct kj_err *e);

#endif
