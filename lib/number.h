/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Numbers as the user writes them on kjump's command line. Pure.
 */
#ifndef KJUMP_NUMBER_H
#define KJUMP_NUMBER_H

#include <stdint.h>

#include "error.h"

/*
 * "4096", "0x1000", "010" (octal), optionally followed by a binary unit:
 * K, M or G (either case), each optionally followed by "i" and/or "B"
 * ("64K", "64KiB", "64KB", "256M", "1G") -> bytes. The text must start
 * with a digit: no sign, no leading space. Fails with EINVAL for anything
 * else (including trailing text) and ERANGE when the value does not fit in
 * 64 bits.
 */
int kj_parse_u64(const char *s, uint64_t *out, struct kj_err *e);

#endif
