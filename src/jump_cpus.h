/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Around a kexec jump that comes back (switch and snapshot to B, `kjump
 * call`, B's jump back to A): the secondary CPUs go offline before it and
 * online after it, from here rather than in the kernel's jump, where a
 * write still on its way to a multi-queue disk can hang the system
 * (lib/secondary_cpus.h says how). Signals that would end kjump between
 * the two are held back until after.
 *
 * Neither step fails the jump. A CPU that refuses to go offline is named,
 * and the kernel takes it offline at the jump as it always did (or refuses
 * the jump, and A goes on); one that stays offline afterwards is named
 * with the command that brings it back.
 */
#ifndef KJUMP_JUMP_CPUS_H
#define KJUMP_JUMP_CPUS_H

#include <signal.h>

#include "../lib/secondary_cpus.h"

struct kj_jump_cpus {
	struct kj_offlined_cpus offlined;
	sigset_t old_mask;
};

void kj_jump_cpus_offline(struct kj_jump_cpus *j);
void kj_jump_cpus_online(struct kj_jump_cpus *j);

#endif
