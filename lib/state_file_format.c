// SPDX-License-Identifier: GPL-2.0-or-later
#include "state_file_format.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { BOOL, U64, ULONG, TIME, STR };

struct field {
	const char *key;
	enum kind kind;
	size_t off, size;
};

#define F(name, kind) { #name, kind, offsetof(struct kj_state, name), \
			sizeof(((struct kj_state *)0)->name) }
static const struct field fields[] = {
	F(loaded, BOOL), F(stale, BOOL), F(same_kernel, BOOL),
	F(region_start, U64), F(region_end, U64), F(low_start, U64), F(low_end, U64),
	F(entry, U64), F(peer_entry, U64), F(switches, ULONG), F(since, TIME),
	F(kernel, STR), F(initrd, STR), F(purpose, STR), F(target, STR), F(tag, STR),
	F(job_map, U64),
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

int kj_state_encode(const struct kj_state *st, char *buf, size_t n, struct kj_err *e)
{
	const char *base = (const char *)st;
	size_t used = 0;

	for (size_t i = 0; i < NFIELDS; i++) {
		const struct field *f = &fields[i];
		const void *p = base + f->off;
		int k;

		switch (f->kind) {
		case BOOL:
			k = snprintf(buf + used, n - used, "%s=%d\n", f->key, *(const bool *)p);
			break;
		case U64:
			k = snprintf(buf + used, n - used, "%s=0x%" PRIx64 "\n", f->key,
				     *(const uint64_t *)p);
			break;
		case ULONG:
			k = snprintf(buf + used, n - used, "%s=%lu\n", f->key,
				     *(const unsigned long *)p);
			break;
		case TIME:
			k = snprintf(buf + used, n - used, "%s=%lld\n", f->key,
				     (long long)*(const time_t *)p);
			break;
		default:
			if (!memchr(p, 0, f->size) || strchr(p, '\n'))
				return kj_fail(e, EINVAL, "state: %s holds a newline or is not "
					       "terminated; it cannot be saved", f->key);
			k = snprintf(buf + used, n - used, "%s=%s\n", f->key, (const char *)p);
			break;
		}
		if (k < 0 || (size_t)k >= n - used)
			return kj_fail(e, E2BIG, "state: the text does not fit %zu bytes", n);
		used += (size_t)k;
	}
	return (int)used;
}

/* The whole of s (len bytes) as a number: 0x-hex, octal or decimal,
 * a '-' only when sign; no space, no '+'. */
static int number(const char *s, size_t len, bool sign, uint64_t *u, int64_t *v)
{
	char buf[32], *end;
	const char *d = s;

	if (!len || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = 0;
	if (sign && *d == '-')
		d++;
	if (*d < '0' || *d > '9')
		return -1;
	errno = 0;
	if (sign)
		*v = strtoll(buf, &end, 0);
	else
		*u = strtoull(buf, &end, 0);
	return errno || *end ? -1 : 0;
}

static int decode_line(const char *line, size_t len, struct kj_state *st, bool *seen)
{
	const char *eq = memchr(line, '=', len), *val;
	size_t klen, vlen;
	char *base = (char *)st;
	uint64_t u = 0;
	int64_t v = 0;

	if (!eq)
		return -1;
	klen = (size_t)(eq - line);
	val = eq + 1;
	vlen = len - klen - 1;
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct field *f = &fields[i];
		void *p = base + f->off;

		if (strlen(f->key) != klen || memcmp(f->key, line, klen))
			continue;
		if (seen[i])
			return -1;
		seen[i] = true;
		switch (f->kind) {
		case BOOL:
			if (vlen != 1 || (val[0] != '0' && val[0] != '1'))
				return -1;
			*(bool *)p = val[0] == '1';
			return 0;
		case U64:
			if (number(val, vlen, false, &u, &v))
				return -1;
			*(uint64_t *)p = u;
			return 0;
		case ULONG:
			if (number(val, vlen, false, &u, &v) || u > ULONG_MAX)
				return -1;
			*(unsigned long *)p = (unsigned long)u;
			return 0;
		case TIME:
			if (number(val, vlen, true, &u, &v))
				return -1;
			*(time_t *)p = (time_t)v;
			return 0;
		default:
			if (vlen >= f->size)
				return -1;
			memcpy(p, val, vlen);
			((char *)p)[vlen] = 0;
			return 0;
		}
	}
	return 0;	/* a key this kjump does not know */
}

int kj_state_decode(const char *text, size_t len, struct kj_state *st, struct kj_err *e)
{
	bool seen[NFIELDS] = { false };
	size_t lineno = 0;

	memset(st, 0, sizeof(*st));
	if (memchr(text, 0, len))
		return kj_fail(e, EINVAL, "state: a NUL byte in the text");
	while (len) {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) : len;

		lineno++;
		if (n && decode_line(text, n, st, seen))
			return kj_fail(e, EINVAL, "state: line %zu is malformed: '%.*s'",
				       lineno, (int)(n > 80 ? 80 : n), text);
		text += n + (nl ? 1 : 0);
		len -= n + (nl ? 1 : 0);
	}
	return 0;
}
