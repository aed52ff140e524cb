// SPDX-License-Identifier: GPL-2.0-or-later
/* See text.h. */
#include "text.h"

int kj_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int kj_hex_decode(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi = kj_hex_digit(s[2 * i]), lo;

		if (hi < 0)
			return -1;
		lo = kj_hex_digit(s[2 * i + 1]);
		if (lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return s[2 * n] ? -1 : 0;
}

int kj_progress_due(struct kj_progress *p, uint64_t done, uint64_t total)
{
	int step = p->step ? (int)p->step : 1;
	int pct = total ? (int)(done * 100 / total) : 100;

	if (p->quiet || pct / step == p->last / step)
		return -1;
	p->last = pct;
	return pct;
}
