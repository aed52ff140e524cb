/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A cmocka assertion on text: an error message must name its cause.
 * Include after <cmocka.h>.
 */
#ifndef KJUMP_TEST_ASSERT_TEXT_H
#define KJUMP_TEST_ASSERT_TEXT_H

#include <string.h>

/* Fails, showing both, unless `s` contains `sub`. */
#define assert_contains(s, sub)						\
	do {								\
		if (!strstr((s), (sub)))				\
			fail_msg("\"%s\" does not contain \"%s\"",	\
				 (s), (sub));				\
	} while (0)

#endif
