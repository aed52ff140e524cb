// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VMCOREINFO text parser. One pass over the text, no allocation that the
 * text can make larger than KJ_VMCOREINFO_MAX_ENTRIES fixed-size entries.
 * Numbers are decoded once, at parse time, according to the family of the
 * key (see vmcoreinfo.h), so lookups are plain table searches.
 */
#include "vmcoreinfo.h"
#include "text.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct kj_vmcoreinfo_entry {
	uint32_t hash;
	uint32_t klen;
	bool has_num;
	uint64_t num;
	char key[KJ_VMCOREINFO_MAX_KEY + 1];
	char val[KJ_VMCOREINFO_MAX_VALUE + 1];
};

static uint32_t hash_key(const char *s, size_t n)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/* Digits only (no sign, no prefix), the whole string, no overflow. */
static bool parse_digits(const char *s, unsigned base, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		int d = kj_hex_digit(*s);

		if (d < 0 || (unsigned)d >= base)
			return false;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return false;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return true;
}

/* An unsigned number: "0x" hex, or digits in `base`. */
static bool parse_unsigned(const char *s, unsigned base, uint64_t *out)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_digits(s + 2, 16, out);
	return parse_digits(s, base, out);
}

/* A number the kernel printed with %ld (or as 0x-hex): an optional '-'
 * then decimal or 0x-hex. Negative values become two's complement; their
 * magnitude may not pass 2^63. */
static bool parse_signed(const char *s, uint64_t *out)
{
	uint64_t v;

	if (*s == '-') {
		if (!parse_unsigned(s + 1, 10, &v) || v > (UINT64_C(1) << 63))
			return false;
		*out = (uint64_t)0 - v;
		return true;
	}
	return parse_unsigned(s, 10, out);
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Decode the value of `key` the way the kernel printed that family. */
static bool decode_number(const char *key, const char *val, uint64_t *out)
{
	if (starts_with(key, "SYMBOL(") || strcmp(key, "KERNELOFFSET") == 0)
		return parse_unsigned(val, 16, out);
	if (starts_with(key, "SIZE(") || starts_with(key, "OFFSET(") ||
	    starts_with(key, "LENGTH(") || strcmp(key, "PAGESIZE") == 0)
		return parse_unsigned(val, 10, out);
	return parse_signed(val, out);
}

static struct kj_vmcoreinfo_entry *find(const struct kj_vmcoreinfo *vi,
					const char *key, size_t klen,
					uint32_t h)
{
	for (size_t i = 0; i < vi->n; i++) {
		struct kj_vmcoreinfo_entry *x = &vi->ent[i];

		if (x->hash == h && x->klen == klen &&
		    memcmp(x->key, key, klen) == 0)
			return x;
	}
	return NULL;
}

static bool key_char_ok(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '=';
}

static bool val_char_ok(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

/* One line, without its terminator. Returns -1 only for out-of-memory;
 * a line that is not a well-formed KEY=VALUE is counted and skipped. */
static int take_line(struct kj_vmcoreinfo *vi, const char *s, size_t n,
		     struct kj_err *e)
{
	const char *eq;
	size_t klen, vlen;
	struct kj_vmcoreinfo_entry *x;
	uint32_t h;

	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!n)
		return 0;	/* blank lines are not worth a count */
	eq = memchr(s, '=', n);
	if (!eq)
		goto skip;
	klen = (size_t)(eq - s);
	vlen = n - klen - 1;
	if (!klen || klen > KJ_VMCOREINFO_MAX_KEY || vlen > KJ_VMCOREINFO_MAX_VALUE)
		goto skip;
	for (size_t i = 0; i < klen; i++)
		if (!key_char_ok((unsigned char)s[i]))
			goto skip;
	for (size_t i = 0; i < vlen; i++)
		if (!val_char_ok((unsigned char)eq[1 + i]))
			goto skip;

	h = hash_key(s, klen);
	x = find(vi, s, klen, h);
	if (!x) {
		if (vi->n == KJ_VMCOREINFO_MAX_ENTRIES)
			goto skip;
		if (vi->n == vi->cap) {
			size_t cap = vi->cap ? vi->cap * 2 : 64;
			struct kj_vmcoreinfo_entry *ne;

			if (cap > KJ_VMCOREINFO_MAX_ENTRIES)
				cap = KJ_VMCOREINFO_MAX_ENTRIES;
			ne = realloc(vi->ent, cap * sizeof(*ne));
			if (!ne)
				return kj_fail(e, ENOMEM,
					       "out of memory for %zu VMCOREINFO entries",
					       cap);
			vi->ent = ne;
			vi->cap = cap;
		}
		x = &vi->ent[vi->n++];
		memcpy(x->key, s, klen);
		x->key[klen] = '\0';
		x->hash = h;
		x->klen = (uint32_t)klen;
	}
	/* last one wins */
	memcpy(x->val, eq + 1, vlen);
	x->val[vlen] = '\0';
	x->has_num = decode_number(x->key, x->val, &x->num);
	return 0;
skip:
	vi->skipped++;
	return 0;
}

int kj_vmcoreinfo_parse(const char *text, size_t len, struct kj_vmcoreinfo *vi,
			struct kj_err *e)
{
	size_t pos = 0;

	memset(vi, 0, sizeof(*vi));
	if (!text)
		len = 0;
	while (len && text[len - 1] == '\0')
		len--;
	if (len > KJ_VMCOREINFO_MAX_TEXT)
		return kj_fail(e, E2BIG,
			       "VMCOREINFO is %zu bytes, more than the %d allowed "
			       "(the kernel writes at most one page): the note is "
			       "corrupt or not a VMCOREINFO note",
			       len, KJ_VMCOREINFO_MAX_TEXT);
	while (pos < len) {
		size_t end = pos;

		while (end < len && text[end] != '\n' && text[end] != '\0')
			end++;
		if (take_line(vi, text + pos, end - pos, e)) {
			kj_vmcoreinfo_free(vi);
			return -1;
		}
		pos = end + 1;
	}
	if (!vi->n) {
		size_t skipped = vi->skipped;

		kj_vmcoreinfo_free(vi);
		return kj_fail(e, EINVAL,
			       "VMCOREINFO (%zu bytes) has no KEY=VALUE line "
			       "(%zu lines skipped): the note is empty, corrupt "
			       "or not a VMCOREINFO note",
			       len, skipped);
	}
	return 0;
}

void kj_vmcoreinfo_free(struct kj_vmcoreinfo *vi)
{
	if (!vi)
		return;
	free(vi->ent);
	memset(vi, 0, sizeof(*vi));
}

static const struct kj_vmcoreinfo_entry *lookup(const struct kj_vmcoreinfo *vi,
						const char *key)
{
	size_t klen;

	if (!vi || !key)
		return NULL;
	klen = strlen(key);
	if (!klen || klen > KJ_VMCOREINFO_MAX_KEY)
		return NULL;
	return find(vi, key, klen, hash_key(key, klen));
}

int kj_vmcoreinfo_get(const struct kj_vmcoreinfo *vi, const char *key,
		      uint64_t *val)
{
	const struct kj_vmcoreinfo_entry *x = lookup(vi, key);

	if (!x || !x->has_num)
		return -1;
	if (val)
		*val = x->num;
	return 0;
}

const char *kj_vmcoreinfo_str(const struct kj_vmcoreinfo *vi, const char *key)
{
	const struct kj_vmcoreinfo_entry *x = lookup(vi, key);

	return x ? x->val : NULL;
}
