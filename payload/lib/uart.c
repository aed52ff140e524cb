// SPDX-License-Identifier: GPL-2.0-or-later
/* See uart.h. */
#include <stdint.h>

#include "uart.h"

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

void uart_putc(uint16_t port, char c)
{
	if (!port)
		return;
	for (int i = 0; i < 100000 && !(inb(port + 5) & 0x20); i++)
		;
	outb(port, (uint8_t)c);
}

void uart_puts(uint16_t port, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			uart_putc(port, '\r');
		uart_putc(port, *s);
	}
}

void uart_putdec(uint16_t port, uint64_t v)
{
	char b[21];
	int n = 0;

	do {
		b[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		uart_putc(port, b[--n]);
}

void uart_puthex(uint16_t port, uint64_t v)
{
	char buf[19] = "0x";

	for (int i = 0; i < 16; i++)
		buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
	buf[18] = 0;
	uart_puts(port, buf);
}
