// SPDX-License-Identifier: GPL-2.0-or-later
#include "b_command_line.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "kernel_command_line.h"
#include "text.h"

/* The value of w as a string in buf; -1 when it does not fit. */
static int value(const struct kj_cmdline_word *w, char *buf, size_t n)
{
	if (w->val_len >= n)
		return -1;
	memcpy(buf, w->val, w->val_len);
	buf[w->val_len] = 0;
	return 0;
}

/* A decimal integer in [min, max], nothing else: no space, no '+'. */
static int decimal(const struct kj_cmdline_word *w, long long min, long long max,
		   long long *out)
{
	char buf[24], *end;
	long long v;

	if (value(w, buf, sizeof(buf)) || !buf[0] ||
	    !(buf[0] == '-' || (buf[0] >= '0' && buf[0] <= '9')))
		return -1;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || *end || end == buf || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int kj_b_job_parse(const char *cmdline, struct kj_b_job *j, struct kj_err *e)
{
	struct kj_cmdline_word w;
	const char *p = cmdline;
	bool have_tag = false;
	long long v;

	memset(j, 0, sizeof(*j));
	j->kind = KJ_IMG_SNAPSHOT;
	/* Every word is looked at; the last of a key counts. */
	while (kj_cmdline_next(&p, &w)) {
		if (!w.val) {	/* "kjump.to" alone sets nothing */
			if (kj_cmdline_is(&w, "kjump.kind"))
				return kj_fail(e, EINVAL, "B's command line: kjump.kind= is "
					       "neither snapshot nor hibernation");
			continue;
		}
		if (kj_cmdline_is(&w, "kjump.to")) {
			if (value(&w, j->to, sizeof(j->to)))
				return kj_fail(e, EINVAL, "B's command line: kjump.to= is too "
					       "long (%zu bytes, at most %zu)", w.val_len,
					       sizeof(j->to) - 1);
		} else if (kj_cmdline_is(&w, "kjump.tag")) {
			char tag[2 * sizeof(j->tag) + 1];

			if (value(&w, tag, sizeof(tag)) ||
			    kj_hex_decode(tag, j->tag, sizeof(j->tag)))
				return kj_fail(e, EINVAL, "B's command line: kjump.tag= is not "
					       "%zu hex digits", 2 * sizeof(j->tag));
			have_tag = true;
		} else if (kj_cmdline_is(&w, "kjump.kind")) {
			if (w.val_len == 11 && !memcmp(w.val, "hibernation", 11))
				j->kind = KJ_IMG_HIBERNATION;
			else if (w.val_len == 8 && !memcmp(w.val, "snapshot", 8))
				j->kind = KJ_IMG_SNAPSHOT;
			else
				return kj_fail(e, EINVAL, "B's command line: kjump.kind= is "
					       "neither snapshot nor hibernation");
		} else if (kj_cmdline_is(&w, "kjump.threads")) {
			if (decimal(&w, 0, KJ_IMG_MAX_THREADS, &v))
				return kj_fail(e, EINVAL, "B's command line: kjump.threads= is "
					       "not a number from 0 to %u", KJ_IMG_MAX_THREADS);
			j->threads = (unsigned)v;
		} else if (kj_cmdline_is(&w, "kjump.level")) {
			if (decimal(&w, -2147483647LL - 1, 2147483647LL, &v))
				return kj_fail(e, EINVAL, "B's command line: kjump.level= is "
					       "not a number");
			j->level = (int)v;
		} else if (kj_cmdline_is(&w, "kjump.resume_reserve")) {
			if (decimal(&w, 1, 1LL << 50, &v))
				return kj_fail(e, EINVAL, "B's command line: kjump.resume_reserve= "
					       "is not a number of bytes from 1 to 2^50");
			j->resume_reserve = (uint64_t)v;
		} else if (kj_cmdline_is(&w, "kjump.map")) {
			/* decimal bytes, 4 KiB aligned, below 2^62 */
			if (decimal(&w, 1, 1LL << 62, &v) || (v & 4095))
				return kj_fail(e, EINVAL, "B's command line: kjump.map= is not "
					       "a byte offset in whole 4 KiB blocks");
			j->map_physical = (uint64_t)v;
		} else if (kj_cmdline_is(&w, "kjump.seal")) {
			if (decimal(&w, 0, 1, &v))
				return kj_fail(e, EINVAL, "B's command line: kjump.seal= is "
					       "neither 0 nor 1");
			j->seal = v == 1;
		}
	}
	if (!j->to[0] || !have_tag)
		return kj_fail(e, EINVAL, "B's command line lacks kjump.to= or kjump.tag=");
	return 0;
}

int kj_b_reentry_parse(const char *cmdline, uint64_t *entry, struct kj_err *e)
{
	struct kj_cmdline_word w, k = { 0 };
	const char *p = cmdline;
	bool b = false, ok;
	const char *h;
	uint64_t v = 0;
	size_t n;

	*entry = 0;
	while (kj_cmdline_next(&p, &w)) {
		if (kj_cmdline_is(&w, "kjump.b"))
			b = w.val && w.val_len == 1 && w.val[0] == '1';
		else if (kj_cmdline_is(&w, "kexec_jump_back_entry") && w.val)
			k = w;
	}
	if (!b || !k.val)
		return kj_fail(e, EPERM, "this kernel was not started by 'kjump switch' "
			       "(no kjump.b=1 and kexec_jump_back_entry= on its command "
			       "line): there is no A to go back to");
	/* "0x" and up to 16 hex digits, as the purgatory writes them */
	h = k.val;
	n = k.val_len;
	if (n >= 2 && h[0] == '0' && (h[1] == 'x' || h[1] == 'X')) {
		h += 2;
		n -= 2;
	}
	ok = n >= 1 && n <= 16;
	for (size_t i = 0; ok && i < n; i++) {
		int d = kj_hex_digit(h[i]);

		ok = d >= 0;
		v = v << 4 | (uint64_t)(d & 0xf);
	}
	if (!ok || !v)
		return kj_fail(e, EINVAL, "kexec_jump_back_entry on the command line is "
			       "empty or not a hex address: the purgatory did not record "
			       "A's re-entry point");
	*entry = v;
	return 0;
}
