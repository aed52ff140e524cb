/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Errors as values.
 *
 * Every fallible function in libkjump takes a `struct kj_err *` and returns
 * -1 after filling it with a message that names the cause and, where there
 * is one, the fix. Callers add context by prefixing, never by replacing, so
 * the user sees the whole chain: "load: kernel.bzImage: not a bzImage (...)".
 */
#ifndef KJUMP_ERROR_H
#define KJUMP_ERROR_H

#include <stddef.h>

#define KJ_ERR_MAX 1024

struct kj_err {
	int code;		/* errno when one applies, else 0 */
	char msg[KJ_ERR_MAX];
};

/* Fill *e from a printf format; always returns -1. */
int kj_fail(struct kj_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like kj_fail, with ": strerror(errno)" appended; code = errno. */
int kj_fail_errno(struct kj_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prefix an existing message with "context: "; always returns -1. */
int kj_prefix(struct kj_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
