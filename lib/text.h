/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small pure helpers for the text kjump reads and writes.
 */
#ifndef KJUMP_TEXT_H
#define KJUMP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The value of one hex digit (either case), -1 for any other char. */
int kj_hex_digit(char c);

/* Decode `s`, which must be exactly 2*n hex digits (either case, nothing
 * before or after), into n bytes. 0 on success; -1 otherwise, and then
 * out may be partly written. */
int kj_hex_decode(const char *s, uint8_t *out, size_t n);

/* When a progress line is due: every `step` percent, the first at 0%. */
struct kj_progress {
	unsigned step;		/* percent from one line to the next */
	bool quiet;		/* no lines at all */
	int last;		/* the percentage of the last line */
	double t0;		/* the caller's start time, for its lines */
};
#define KJ_PROGRESS(STEP, QUIET, T0)					\
	((struct kj_progress){ .step = (STEP), .quiet = (QUIET),	\
			       .last = -(int)(STEP), .t0 = (T0) })

/* The percentage of done in total (100 when total is 0) if a line is
 * due, i.e. it reached another multiple of step since the last line;
 * -1 when no line is due, or quiet. */
int kj_progress_due(struct kj_progress *p, uint64_t done, uint64_t total);

#endif
