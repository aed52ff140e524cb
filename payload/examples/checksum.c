// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * checksum ADDR LEN [ADDR LEN ...]: the CRC-32 (the one of zlib, gzip and
 * busybox `crc32`) of the bytes of physical memory ranges, taken in order
 * as one stream.
 *
 * Arguments: up to 8 (address, length) pairs, each declared as a range so
 * kjump checks it is RAM and keeps this program's pages out of it.
 * Results: value[0] = CRC-32, value[1] = total length.
 * Status: 0, or 1 when no range was given.
 *
 * The CRC is computed bit by bit: no table, so the program needs no data
 * and stays tiny; speed is not the point of an example.
 */
#include "rt.h"

KJUMP_PROGRAM(KJUMP_RANGE_PAIR(0) | KJUMP_RANGE_PAIR(2) | KJUMP_RANGE_PAIR(4) |
	      KJUMP_RANGE_PAIR(6) | KJUMP_RANGE_PAIR(8) | KJUMP_RANGE_PAIR(10) |
	      KJUMP_RANGE_PAIR(12) | KJUMP_RANGE_PAIR(14));

uint64_t kjump_main(struct kjump_params *p, struct kjump_result *r)
{
	uint32_t crc = 0xffffffffu;
	uint64_t total = 0;

	if (p->argc < 2)
		return 1;
	for (uint32_t i = 0; i + 1 < p->argc; i += 2) {
		const volatile uint8_t *m = (const volatile uint8_t *)(uintptr_t)p->arg[i];

		for (uint64_t n = 0; n < p->arg[i + 1]; n++) {
			crc ^= m[n];
			for (int b = 0; b < 8; b++)
				crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1u));
		}
		total += p->arg[i + 1];
	}
	if (r) {
		r->value[0] = ~crc;
		r->value[1] = total;
		r->nvalues = 2;
		rt_result_text(r, "CRC-32 of the given ranges");
	}
	return 0;
}
