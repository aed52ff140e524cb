/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The contract between kjump and a physical-mode program (`kjump call`).
 *
 * This header is shared by kjump (user space) and by the freestanding
 * programs in payload/. It holds only plain fixed-size types.
 *
 * HOW THE PROGRAM IS ENTERED
 *   kjump loads the program with kexec_load(KEXEC_PRESERVE_CONTEXT) and
 *   jumps with reboot(LINUX_REBOOT_CMD_KEXEC). The kernel freezes tasks,
 *   suspends devices, swaps the program's pages into place and does
 *   `call *entry` with:
 *     - 64-bit long mode, paging on, page tables that identity-map the RAM
 *       the running kernel knows plus the program's own pages;
 *     - CR4 = PAE only (LA57 if the kernel uses 5-level paging): no
 *       OSFXSR, so SSE/AVX instructions fault. Build with
 *       -mgeneral-regs-only -mno-red-zone;
 *     - interrupts off; IDT and GDT invalid (limit 0): any exception
 *       triple-faults and resets the machine;
 *     - %rsp at the top of a one-page stack; 0(%rsp) = the kernel's
 *       re-entry address. No other register carries anything.
 *
 * HOW THE PROGRAM FINDS ITS ARGUMENTS
 *   The program image contains one `struct kjump_params` (8-byte aligned,
 *   found by its magic). kjump patches it in the image before the load:
 *   numeric arguments, the physical address of the result page, the
 *   program's load address.
 *
 * HOW THE PROGRAM RETURNS
 *   It writes its status and results into the result page (a page of
 *   kjump's own memory, locked and pinned for the duration of the call)
 *   and returns with `ret`. The kernel takes the value at 0(%rsp) *after*
 *   the `ret` as the program's entry for the next call, so before `ret`
 *   the program must leave its own entry address at 8(%rsp). The runtime
 *   in payload/rt/ does all of this: a program only writes
 *   `uint64_t kjump_main(struct kjump_params *, struct kjump_result *)`.
 *
 * WHAT THE PROGRAM MUST NOT DO
 *   Touch memory the running kernel did not identity-map, enable
 *   interrupts, or take longer than the machine's watchdogs allow.
 */
#ifndef KJUMP_PAYLOAD_H
#define KJUMP_PAYLOAD_H

#include <stdint.h>

#define KJUMP_PARAMS_MAGIC   0x314d524150504a4bULL	/* "KJPPARM1" */
#define KJUMP_RESULT_MAGIC   0x31544c5345524a4bULL	/* "KJRESLT1" */
#define KJUMP_ABI_VERSION    1
#define KJUMP_MAX_ARGS       16
#define KJUMP_MAX_RESULTS    16
#define KJUMP_TEXT_MAX       256

/* Bits of kjump_params.range_args: argument pairs (i, i+1) that are a
 * physical (address, length) range the program reads. kjump checks such a
 * range is RAM and keeps the program's own pages out of it. */
#define KJUMP_RANGE_PAIR(i)  (1u << (i))

struct kjump_params {
	uint64_t magic;			/* KJUMP_PARAMS_MAGIC */
	uint32_t version;		/* KJUMP_ABI_VERSION */
	uint32_t size;			/* sizeof(struct kjump_params) */
	uint32_t range_args;		/* set by the program (see above) */
	uint32_t argc;			/* set by kjump */
	uint64_t arg[KJUMP_MAX_ARGS];	/* set by kjump: numeric arguments */
	uint64_t result_phys;		/* set by kjump: struct kjump_result */
	uint64_t load_base;		/* set by kjump: where the image lives */
	uint64_t reserved[4];
};

struct kjump_result {
	uint64_t magic;			/* KJUMP_RESULT_MAGIC, set by kjump */
	uint64_t calls;			/* incremented by the runtime per call */
	uint64_t status;		/* kjump_main's return value */
	uint32_t nvalues;		/* how many value[] the program set */
	uint32_t text_len;		/* bytes of text[] the program set */
	uint64_t value[KJUMP_MAX_RESULTS];
	char text[KJUMP_TEXT_MAX];
};

#endif
