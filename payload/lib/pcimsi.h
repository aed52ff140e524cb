/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KJUMP_PCIMSI_H
#define KJUMP_PCIMSI_H

/* Turn MSI and MSI-X off in every PCI function of segment 0 (config
 * mechanism #1); returns how many were on. */
unsigned pci_msi_off(void);

#endif
