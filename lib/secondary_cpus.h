/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The secondary CPUs, taken offline before a kexec jump that comes back
 * and brought online after it, through sysfs.
 *
 * Why not leave it to the kernel: kernel_kexec() with a preserve-context
 * image freezes user tasks but not kernel threads, suspends the devices
 * (PMSG_FREEZE), and only then takes the secondary CPUs offline. A kernel
 * thread that still writes (a filesystem's journal commit, writeback)
 * after a multi-queue block device has quiesced leaves its request in the
 * hardware queue of the CPU it ran on, and taking the last CPU of that
 * queue offline waits for the request to finish (blk-mq's CPU-offline
 * callback), which it never does: the system hangs with its tasks frozen.
 * The kernel's own hibernation freezes its kernel threads first; the
 * kexec jump does not, up to 7.3. Offline before the jump, while the
 * devices still run, each CPU's requests finish, and the kernel's jump
 * finds no secondary CPU left to take offline.
 *
 * The cost: a task that may run only on CPUs taken offline is moved, and
 * the kernel widens its affinity (the kernel's suspend keeps it, since
 * its tasks are frozen by then). With cgroup v1 cpusets, a CPU taken
 * offline also leaves the cpusets that held it.
 *
 * The directory is /sys/devices/system/cpu on a real system (a parameter
 * for the unit tests). The CPU that stays online is the lowest online one,
 * the one the kernel keeps for its own jump.
 */
#ifndef KJUMP_SECONDARY_CPUS_H
#define KJUMP_SECONDARY_CPUS_H

#include "error.h"

#define KJ_SYSFS_CPU_DIR "/sys/devices/system/cpu"

/* The CPUs a call took offline, in the order it did. */
struct kj_offlined_cpus {
	unsigned count;
	unsigned *cpu;
};

/* A sysfs CPU list ("0-3,8,10-11\n", or "" / "\n" for none) into a
 * sorted array of CPU numbers without repeats (*cpu is malloc'd, NULL when
 * *count is 0). Refuses text that is not such a list, a range whose end
 * comes before its start, and more than 65536 CPUs. */
int kj_cpu_list_parse(const char *text, unsigned **cpu, unsigned *count,
		      struct kj_err *e);

/* Take every online CPU of DIR but the lowest offline, by writing 0 to
 * DIR/cpuN/online; a CPU without that file (one the kernel cannot take
 * offline) is left alone. *o lists the CPUs that went offline. Returns
 * -1 when DIR/online cannot be read, or when a CPU refused: then e names
 * it and the kernel's reason, the CPUs after it were not tried, and *o
 * still lists those that went offline, for kj_secondary_cpus_online(). */
int kj_secondary_cpus_offline(const char *dir, struct kj_offlined_cpus *o,
			      struct kj_err *e);

/* Bring the CPUs of *o online again (writing 1), every one of them even
 * when one fails; frees and empties *o. Returns -1 when one stayed
 * offline: e names each, with the command that brings it back. */
int kj_secondary_cpus_online(const char *dir, struct kj_offlined_cpus *o,
			     struct kj_err *e);

#endif
