/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Output on a 16550 serial port, for payloads that run between kernels.
 * Freestanding: port I/O only, nothing set up beforehand (we never program
 * the baud rate: the kernel that ran before us did).
 */
#ifndef KJUMP_UART_H
#define KJUMP_UART_H

#include <stdint.h>

#define UART_COM1 0x3f8

/* One byte to the UART at I/O port `port`; port 0 means no console, and
 * nothing is written. The wait for the transmit holding register is
 * bounded: with no UART the status reads 0xff (ready), with a stuck one
 * we give up and write anyway. */
void uart_putc(uint16_t port, char c);
/* A string, "\n" written as "\r\n". */
void uart_puts(uint16_t port, const char *s);
/* An unsigned number in decimal. */
void uart_putdec(uint16_t port, uint64_t v);
/* An unsigned number as "0x" and 16 hex digits. */
void uart_puthex(uint16_t port, uint64_t v);

#endif
