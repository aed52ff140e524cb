// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rawjump N [ADDR]: the peer of `kjump call --repeat` in bench/call. The
 * least a program can do to jump with preserved context and come back:
 * kexec_load one page whose code just returns (leaving its own entry for
 * the next jump), then reboot(LINUX_REBOOT_CMD_KEXEC) N times. No checks,
 * no parameter block, no result page. Prints one latency per line.
 */
#include <linux/reboot.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct seg { const void *buf; size_t bufsz; uint64_t mem, memsz; };

/* popq %rax; leaq -8(%rip),%rcx (= entry); pushq %rcx; pushq %rax; ret */
static const uint8_t code[] = {
	0x58, 0x48, 0x8d, 0x0d, 0xf8, 0xff, 0xff, 0xff, 0x51, 0x50, 0xc3,
};

int main(int argc, char **argv)
{
	static uint8_t page[4096];
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 10;
	uint64_t addr = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x100000;
	struct seg s = { page, sizeof(page), addr, sizeof(page) };
	struct timespec a, b;

	memcpy(page, code, sizeof(code));
	if (syscall(SYS_kexec_load, addr, 1UL, &s, 0x2UL | (62UL << 16))) {
		perror("rawjump: kexec_load");
		return 1;
	}
	for (unsigned long i = 0; i < n; i++) {
		clock_gettime(CLOCK_BOOTTIME, &a);
		if (syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
			    LINUX_REBOOT_CMD_KEXEC, NULL)) {
			perror("rawjump: reboot");
			return 1;
		}
		clock_gettime(CLOCK_BOOTTIME, &b);
		printf("raw %.3f ms\n", (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6);
	}
	syscall(SYS_kexec_load, 0UL, 0UL, NULL, 62UL << 16);
	return 0;
}
