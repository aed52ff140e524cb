// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hello: the smallest useful physical-mode program.
 * Prints one line on COM1 and returns 0. Its result text says the same, so
 * kjump can show it even when nobody watches the serial console.
 */
#include "rt.h"

KJUMP_PROGRAM(0);

uint64_t kjump_main(struct kjump_params *p, struct kjump_result *r)
{
	rt_puts("kjump hello: running in physical mode at ");
	rt_puthex(p->load_base);
	rt_puts("\n");
	rt_result_text(r, "hello from physical mode");
	return 0;
}
