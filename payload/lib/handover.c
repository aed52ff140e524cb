// SPDX-License-Identifier: GPL-2.0-or-later
/* See handover.h. */
#include <stdbool.h>
#include <stdint.h>

#include "handover.h"

static uint32_t cfg_addr(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
	return 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (off & 0xfc);
}

static uint32_t cfg_read(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
	uint32_t v;

	__asm__ volatile("outl %0, %1" : : "a"(cfg_addr(bus, dev, fn, off)), "Nd"((uint16_t)0xcf8));
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"((uint16_t)0xcfc));
	return v;
}

static void cfg_write(unsigned bus, unsigned dev, unsigned fn, unsigned off, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(cfg_addr(bus, dev, fn, off)), "Nd"((uint16_t)0xcf8));
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"((uint16_t)0xcfc));
}

/*
 * C's drivers may have switched devices to MSI or MSI-X; C's shutdown
 * resets the devices but leaves those enabled, and a fresh kernel would
 * turn them off while enumerating the bus. A does not enumerate again: it
 * restores the state it saved. A device still sending MSI-X messages to
 * C's vectors would never interrupt A (which may use legacy INTx), so its
 * I/O would hang. Turning both off returns every function to INTx, the
 * state after reset; A's resume re-enables MSI where A used it.
 * Configuration mechanism #1 reaches segment 0, which is where these
 * capabilities live on the machines this runs on.
 */
static bool absent(uint32_t id)
{
	return (id & 0xffff) == 0xffff || (id & 0xffff) == 0;
}

/* Walk one function's capability list; clear the MSI and MSI-X enables. */
static unsigned msi_off_fn(unsigned bus, unsigned dev, unsigned fn)
{
	unsigned changed = 0, ptr;

	if (!(cfg_read(bus, dev, fn, 0x04) & 0x00100000))
		return 0;	/* no capability list */
	ptr = cfg_read(bus, dev, fn, 0x34) & 0xfc;
	for (int n = 0; n < 48 && ptr >= 0x40; n++) {
		uint32_t cap = cfg_read(bus, dev, fn, ptr), ctl = cap >> 16;

		if ((cap & 0xff) == 0x05 && (ctl & 0x0001)) {
			cfg_write(bus, dev, fn, ptr, cap & ~(0x0001u << 16));
			changed++;
		} else if ((cap & 0xff) == 0x11 && (ctl & 0x8000)) {
			cfg_write(bus, dev, fn, ptr, cap & ~(0x8000u << 16));
			changed++;
		}
		ptr = (cap >> 8) & 0xfc;
	}
	return changed;
}

unsigned pci_msi_off(void)
{
	unsigned changed = 0;

	for (unsigned bus = 0; bus < 256; bus++)
		for (unsigned dev = 0; dev < 32; dev++) {
			if (absent(cfg_read(bus, dev, 0, 0)))
				continue;
			unsigned nfn = cfg_read(bus, dev, 0, 0x0c) & 0x00800000 ? 8 : 1;

			for (unsigned fn = 0; fn < nfn; fn++)
				if (!absent(cfg_read(bus, dev, fn, 0)))
					changed += msi_off_fn(bus, dev, fn);
		}
	return changed;
}

void apic_to_xapic(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x1b));	/* APICBASE */
	if (!(lo & (1u << 10)))		/* EXTD clear: not x2APIC */
		return;
	lo &= ~((1u << 10) | (1u << 11));	/* EXTD and EN off */
	__asm__ volatile("wrmsr" : : "a"(lo), "d"(hi), "c"(0x1b));
	lo |= 1u << 11;				/* EN on: xAPIC */
	__asm__ volatile("wrmsr" : : "a"(lo), "d"(hi), "c"(0x1b));
}
