/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kexec system calls, and the kernel's rules for a segment list.
 *
 * kj_segments_check() is pure: it applies the rules of the kernel's
 * sanity_check_segment_list() (kernel/kexec_core.c) before the load, so a
 * refusal comes with numbers instead of a bare EINVAL. The rest is the thin
 * edge to the kernel.
 */
#ifndef KJUMP_KEXEC_H
#define KJUMP_KEXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "page.h"

#define KJ_KEXEC_SEGMENT_MAX	16
#define KJ_KEXEC_PRESERVE_CONTEXT 0x00000002UL
#define KJ_KEXEC_ARCH_X86_64	(62UL << 16)

/* Same layout as the kernel's struct kexec_segment on x86_64. */
struct kj_segment {
	const void *buf;
	size_t bufsz;
	uint64_t mem;
	uint64_t memsz;
};

int kj_segments_check(const struct kj_segment *seg, int n, uint64_t ram_bytes,
		      struct kj_err *e);

/* kexec_load(2) with the kernel's errno turned into an explanation. */
int kj_kexec_load(uint64_t entry, const struct kj_segment *seg, int n,
		  unsigned long flags, struct kj_err *e);
int kj_kexec_unload(struct kj_err *e);
/* reboot(LINUX_REBOOT_CMD_KEXEC). With a preserve-context image loaded it
 * returns 0 once the image has jumped back. */
int kj_kexec_jump(struct kj_err *e);
/* /sys/kernel/kexec_loaded: 1, 0, or -1 when it cannot be read. */
int kj_kexec_loaded(void);

#endif
