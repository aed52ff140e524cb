// SPDX-License-Identifier: GPL-2.0-or-later
#include "kexec.h"
#include "page.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int kj_segments_check(const struct kj_segment *seg, int n, uint64_t ram_bytes,
		      struct kj_err *e)
{
	uint64_t limit = ram_bytes / KJ_PAGE_SIZE / 2, total = 0;

	if (n <= 0)
		return kj_fail(e, EINVAL, "no segments to load");
	if (n > KJ_KEXEC_SEGMENT_MAX)
		return kj_fail(e, E2BIG, "%d segments; the kernel takes at most %d",
			       n, KJ_KEXEC_SEGMENT_MAX);
	for (int i = 0; i < n; i++) {
		const struct kj_segment *s = &seg[i];

		if (s->memsz == 0)
			return kj_fail(e, EINVAL, "segment %d has no memory; an empty "
				       "segment makes every page a destination and "
				       "the load fails with ENOMEM", i);
		if ((s->mem | s->memsz) & (KJ_PAGE_SIZE - 1))
			return kj_fail(e, EINVAL, "segment %d (0x%llx+0x%llx) is not "
				       "page aligned", i, (unsigned long long)s->mem,
				       (unsigned long long)s->memsz);
		if (s->mem + s->memsz < s->mem)
			return kj_fail(e, EINVAL, "segment %d wraps around", i);
		if (s->bufsz > s->memsz)
			return kj_fail(e, EINVAL, "segment %d has %zu bytes of data for "
				       "%llu bytes of memory", i, s->bufsz,
				       (unsigned long long)s->memsz);
		for (int j = 0; j < i; j++)
			if (s->mem < seg[j].mem + seg[j].memsz &&
			    seg[j].mem < s->mem + s->memsz)
				return kj_fail(e, EINVAL, "segments %d and %d overlap "
					       "(0x%llx+0x%llx and 0x%llx+0x%llx)", j, i,
					       (unsigned long long)seg[j].mem,
					       (unsigned long long)seg[j].memsz,
					       (unsigned long long)s->mem,
					       (unsigned long long)s->memsz);
		total += s->memsz / KJ_PAGE_SIZE;
	}
	if (total > limit)
		return kj_fail(e, E2BIG, "the segments need %llu MiB; the kernel loads "
			       "at most half of RAM (%llu MiB of %llu MiB)",
			       (unsigned long long)((total * KJ_PAGE_SIZE + (1 << 20) - 1) >> 20),
			       (unsigned long long)(limit * KJ_PAGE_SIZE >> 20),
			       (unsigned long long)(ram_bytes >> 20));
	return 0;
}

int kj_kexec_load(uint64_t entry, const struct kj_segment *seg, int n,
		  unsigned long flags, struct kj_err *e)
{
	if (syscall(SYS_kexec_load, (unsigned long)entry, (unsigned long)n, seg,
		    flags | KJ_KEXEC_ARCH_X86_64) == 0)
		return 0;
	switch (errno) {
	case EPERM:
		return kj_fail_errno(e, "kexec_load refused: the kernel is locked down "
				     "(Secure Boot), kexec_load_disabled is set, the "
				     "kexec_load_limit_reboot count is used up, or a "
				     "security module forbids it");
	case EBUSY:
		return kj_fail_errno(e, "kexec_load: another kexec operation is in "
				     "progress; try again");
	case ENOMEM:
		return kj_fail_errno(e, "kexec_load: the kernel could not allocate "
				     "backup or control pages outside the destinations; "
				     "free some memory or use a smaller region");
	case ENOSYS:
		return kj_fail_errno(e, "kexec_load: this kernel has no CONFIG_KEXEC");
	default:
		return kj_fail_errno(e, "kexec_load rejected %d segments at entry 0x%llx",
				     n, (unsigned long long)entry);
	}
}

int kj_kexec_unload(struct kj_err *e)
{
	if (syscall(SYS_kexec_load, 0UL, 0UL, NULL, KJ_KEXEC_ARCH_X86_64) == 0)
		return 0;
	return kj_fail_errno(e, "cannot unload the kexec image");
}

int kj_kexec_jump(struct kj_err *e)
{
	if (syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		    LINUX_REBOOT_CMD_KEXEC, NULL) == 0)
		return 0;
	if (errno == EBUSY)
		return kj_fail_errno(e, "the jump did not happen: the kernel could not "
				     "freeze every task, or a device refused to suspend "
				     "(see dmesg); nothing changed");
	return kj_fail_errno(e, "reboot(LINUX_REBOOT_CMD_KEXEC) failed; see dmesg");
}

int kj_kexec_loaded(void)
{
	char c = 0;
	int fd = open("/sys/kernel/kexec_loaded", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == '1' ? 1 : c == '0' ? 0 : -1;
}
