/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small pure helpers for the text kjump reads and writes.
 */
#ifndef KJUMP_TEXT_H
#define KJUMP_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* The value of one hex digit (either case), -1 for any other char. */
int kj_hex_digit(char c);

/* Decode `s`, which must be exactly 2*n hex digits (either case, nothing
 * before or after), into n bytes. 0 on success; -1 otherwise, and then
 * out may be partly written. */
int kj_hex_decode(const char *s, uint8_t *out, size_t n);

#endif
