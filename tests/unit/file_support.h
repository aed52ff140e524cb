/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a whole file in a unit test (the built payloads, fixtures):
 * include after <cmocka.h>. A missing file fails the test and says what
 * to build.
 */
#ifndef KJUMP_TEST_FILE_SUPPORT_H
#define KJUMP_TEST_FILE_SUPPORT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static inline uint8_t *load_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!fp)
		fail_msg("cannot open %s (run make first)", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	assert_true(n > 0);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

#endif
