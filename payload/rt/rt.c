// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runs when: entry.S has moved to our own stack.
 * Does: counts the call in the result page, runs kjump_main, stores its
 * status. The result page is kjump's own locked page in the running
 * system, identity-mapped like all RAM.
 */
#include "rt.h"
#include "../lib/uart.h"

extern struct kjump_params kjump_params;

void kjump_rt_main(void);
void kjump_rt_main(void)
{
	struct kjump_params *p = &kjump_params;
	struct kjump_result *r = (struct kjump_result *)(uintptr_t)p->result_phys;

	if (r && r->magic != KJUMP_RESULT_MAGIC)
		r = NULL;	/* not a page we were told to write: don't */
	if (r)
		r->calls++;
	uint64_t status = kjump_main(p, r);
	if (r)
		r->status = status;
}

void rt_puts(const char *s)
{
	uart_puts(UART_COM1, s);
}

void rt_puthex(uint64_t v)
{
	uart_puthex(UART_COM1, v);
}

void rt_result_text(struct kjump_result *r, const char *s)
{
	uint32_t n = 0;

	if (!r)
		return;
	while (s[n] && n < KJUMP_TEXT_MAX - 1) {
		r->text[n] = s[n];
		n++;
	}
	r->text[n] = 0;
	r->text_len = n;
}

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *dp = d;
	const uint8_t *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memset(void *d, int c, size_t n)
{
	uint8_t *dp = d;

	while (n--)
		*dp++ = (uint8_t)c;
	return d;
}
