/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What kjump remembers between invocations in one kernel: a small
 * key=value file in /run/kjump (tmpfs: it must not outlive the boot, and
 * in B it lives in B's own memory, preserved across switches).
 */
#ifndef KJUMP_STATE_FILE_H
#define KJUMP_STATE_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "../lib/error.h"
#include "../lib/state_file_format.h"	/* struct kj_state, its text */

/* 0: loaded into *st; 1: no state; -1: error. */
int kj_state_load(char role, struct kj_state *st, struct kj_err *e);
int kj_state_save(const struct kj_state *st, struct kj_err *e);
void kj_state_remove(char role);

#endif
