// SPDX-License-Identifier: GPL-2.0-or-later
#include "number.h"

#include <errno.h>
#include <stdlib.h>

int kj_parse_u64(const char *s, uint64_t *out, struct kj_err *e)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	/* strtoull would skip leading space and take a sign ("-1" is 2^64 - 1) */
	if (!s || *s < '0' || *s > '9')
		return kj_fail(e, EINVAL, "'%s' is not a number", s ? s : "");
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return kj_fail(e, ERANGE, "'%s' is too large", s);
	if (errno || end == s)
		return kj_fail(e, EINVAL, "'%s' is not a number", s);
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end == 'i' && shift)
		end++;
	if (*end == 'B' && shift)
		end++;
	if (*end)
		return kj_fail(e, EINVAL, "'%s' is not a number (trailing '%s')", s, end);
	if (shift && v > (UINT64_MAX >> shift))
		return kj_fail(e, ERANGE, "'%s' is too large", s);
	*out = (uint64_t)v << shift;
	return 0;
}
