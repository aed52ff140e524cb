/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The key file the sealed fuzz seeds are sealed with: a test key, public. */
#ifndef KJUMP_FUZZ_KEY_H
#define KJUMP_FUZZ_KEY_H
#include <stdint.h>
static const uint8_t fuzz_key[32] = "kjump fuzz key, public, 32 bytes";
#endif
