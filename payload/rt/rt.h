/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The small runtime of `kjump call` programs: what a freestanding program
 * needs and nothing else. There is no libc between kernels, so the few
 * helpers below are our own (serial output, memory and hex formatting).
 */
#ifndef KJUMP_RT_H
#define KJUMP_RT_H

#include <stddef.h>
#include <stdint.h>
#include <kjump/payload.h>

/* Every program defines its parameter block with this macro, once.
 * RANGES is a mask of KJUMP_RANGE_PAIR() bits, 0 for none. */
#define KJUMP_PROGRAM(RANGES)						\
	struct kjump_params kjump_params				\
	__attribute__((aligned(8), used, section(".data.kjump"))) = {	\
		.magic = KJUMP_PARAMS_MAGIC,				\
		.version = KJUMP_ABI_VERSION,				\
		.size = sizeof(struct kjump_params),			\
		.range_args = (RANGES),					\
	}

/* The program's body: returns its status; r is NULL when kjump gave no
 * result page (a loader other than kjump). */
uint64_t kjump_main(struct kjump_params *p, struct kjump_result *r);

void rt_puts(const char *s);		/* to COM1, "\n" -> "\r\n" */
void rt_puthex(uint64_t v);
void rt_result_text(struct kjump_result *r, const char *s);

void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);

#endif
