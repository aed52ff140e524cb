/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Handing the machine to a kernel that wakes up where it stopped (A after a
 * restore, or after a one-way jump back) and does not probe the hardware
 * again: put back what another kernel may have changed and A will not.
 * Freestanding: port I/O and MSRs only.
 */
#ifndef KJUMP_HANDOVER_H
#define KJUMP_HANDOVER_H

/* Turn MSI and MSI-X off in every PCI function of segment 0 (config
 * mechanism #1); returns how many were on. */
unsigned pci_msi_off(void);

/* Leave the local APIC in xAPIC mode. Another kernel may have switched it
 * to x2APIC; a kernel without x2APIC support would then program its timer
 * through a register window that no longer exists and never wake up. From
 * xAPIC mode, A's resume reaches whichever mode A uses. x2APIC cannot go
 * back to xAPIC directly: disable, then enable. */
void apic_to_xapic(void);

#endif
