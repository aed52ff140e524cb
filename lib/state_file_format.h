/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The text of kjump's state file (src/state_file.c reads and writes the
 * file, in /run/kjump): what kjump remembers between invocations in one
 * kernel. Pure.
 *
 * One "key=value" line per field, in the order of struct kj_state, e.g.
 *
 *   loaded=1
 *   stale=0
 *   same_kernel=0
 *   region_start=0x7f000000
 *   ...
 *   switches=3
 *   since=1764633600
 *   kernel=/boot/vmlinuz-6.12.0
 *   ...
 *   tag=00112233445566778899aabbccddeeff
 *
 * Booleans are 0 or 1, addresses 0x-hex, switches and since decimal
 * (since may be negative), strings as they are up to the end of the line.
 * The role is not in the text: it is the file's name (a.state, b.state).
 */
#ifndef KJUMP_STATE_FILE_FORMAT_H
#define KJUMP_STATE_FILE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "error.h"

struct kj_state {
	char role;			/* 'a': kjump load ran here; 'b': we are B */
	bool loaded;			/* our image is loaded in this kernel */
	bool stale;			/* B: A's re-entry page is a copy (jump_back.c) */
	bool same_kernel;		/* A: B runs this very kernel release */
	uint64_t region_start, region_end, low_start, low_end;
	uint64_t entry;			/* where our image is entered */
	uint64_t peer_entry;		/* B: A's re-entry address */
	unsigned long switches;		/* jumps made from this kernel */
	time_t since;
	char kernel[256], initrd[256];
	char purpose[32];		/* "switch", "snapshot", "hibernate" */
	char target[256];		/* snapshot/hibernate: where B saves */
	char tag[33];			/* ... and the tag it checks there (hex) */
	uint64_t job_map;		/* ... and the image file's map B looks at
					 * (kjump.map=, lib/file_map.h), 0: none */
};

/* Large enough for the text of any struct kj_state. */
#define KJ_STATE_TEXT_MAX 2048

/*
 * The text for st (role aside) into buf, NUL-terminated; returns its
 * length. -1 (EINVAL) when a string field holds a newline or is not
 * NUL-terminated inside its array, which the text could not carry back,
 * or (E2BIG) when buf is too small.
 */
int kj_state_encode(const struct kj_state *st, char *buf, size_t n, struct kj_err *e);

/*
 * The fields in the `len` bytes of text into *st (zeroed first; role left
 * 0). Keys it does not know are skipped (a newer kjump's); keys that are
 * missing leave their field 0. Refused (EINVAL), with the line number: a
 * NUL byte, a line without '=', a key given twice, a number that is not
 * one (or is not 0/1 for a boolean, or does not fit), a string longer
 * than its field.
 */
int kj_state_decode(const char *text, size_t len, struct kj_state *st, struct kj_err *e);

#endif
