// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runs when: entry.S has moved to our own stack.
 * Does: counts the call in the result page, runs kjump_main, stores its
 * status. The result page is kjump's own locked page in the running
 * system, identity-mapped like all RAM.
 */
#include "rt.h"

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

#define COM1 0x3f8

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void rt_putc(char c)
{
	/* Bounded wait for the transmit holding register: with no UART the
	 * status reads 0xff (ready), with a stuck one we give up. */
	for (int i = 0; i < 100000; i++)
		if (inb(COM1 + 5) & 0x20)
			break;
	outb(COM1, (uint8_t)c);
}

void rt_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			rt_putc('\r');
		rt_putc(*s);
	}
}

void rt_puthex(uint64_t v)
{
	char buf[19] = "0x";

	for (int i = 0; i < 16; i++)
		buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
	buf[18] = 0;
	rt_puts(buf);
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
