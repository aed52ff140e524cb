/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A kernel command line split into words the way the kernel splits it
 * (next_arg() in the kernel's lib/cmdline.c). Pure; the text is not
 * modified, words point into it.
 *
 *   - Words are separated by white space (isspace: space, \t, \n, \v, \f,
 *     \r), any amount, leading and trailing included.
 *   - A double quote starts or ends a quoted stretch in which white space
 *     does not separate words: key="a b" and "key=a b" are one word.
 *   - key is what comes before the first '=' (a '=' as the very first
 *     character does not count, as in the kernel); without one, the word
 *     is all key and has no value (val == NULL).
 *   - The quotes the kernel strips are stripped: one '"' opening the
 *     value and the word's last character if it is a '"' (when the value
 *     or the word began with one). Any other quote stays in the text.
 *   - "--" (which ends the kernel's own parameters) is a word like any
 *     other: /proc/cmdline shows what follows it too.
 */
#ifndef KJUMP_KERNEL_COMMAND_LINE_H
#define KJUMP_KERNEL_COMMAND_LINE_H

#include <stdbool.h>
#include <stddef.h>

struct kj_cmdline_word {
	const char *key;
	size_t key_len;
	const char *val;	/* NULL: the word has no '=' */
	size_t val_len;
};

/* The word at *pos, and *pos moved past it. false at the end of the text
 * (or when *pos is NULL). */
bool kj_cmdline_next(const char **pos, struct kj_cmdline_word *w);

/* Is the word's key exactly `key`? */
bool kj_cmdline_is(const struct kj_cmdline_word *w, const char *key);

#endif
