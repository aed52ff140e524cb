// SPDX-License-Identifier: GPL-2.0-or-later
#include "jump_cpus.h"

#include "cli.h"

void kj_jump_cpus_offline(struct kj_jump_cpus *j)
{
	struct kj_err e;
	sigset_t hold;

	kj_interrupting_signals(&hold);
	sigprocmask(SIG_BLOCK, &hold, &j->old_mask);
	if (kj_secondary_cpus_offline(KJ_SYSFS_CPU_DIR, &j->offlined, &e))
		kj_info("warning: %s; the kernel takes the CPUs still online offline "
			"at the jump", e.msg);
}

void kj_jump_cpus_online(struct kj_jump_cpus *j)
{
	struct kj_err e;

	if (kj_secondary_cpus_online(KJ_SYSFS_CPU_DIR, &j->offlined, &e))
		kj_info("warning: %s", e.msg);
	sigprocmask(SIG_SETMASK, &j->old_mask, NULL);
}
