/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers for the headers of this directory that C and assembly share
 * (purgatory.h, jumpback.h, restore.h). Each of those defines a block's
 * magic, field offsets and size as macros, which a .S file uses, and,
 * for C only, the struct, checked field by field against those macros:
 * a change on one side that the other does not follow fails to compile.
 */
#ifndef KJUMP_LAYOUT_H
#define KJUMP_LAYOUT_H

/* A 64-bit constant: 0x...ULL in C, plain 0x... for the assembler. */
#ifdef __ASSEMBLER__
#define KJ_U64(x) x
#else
#define KJ_U64(x) x##ULL
#endif

#ifndef __ASSEMBLER__
#include <stddef.h>

/* The field sits at offset `off` of the struct. */
#define KJ_LAYOUT_FIELD(type, field, off)				\
	_Static_assert(offsetof(type, field) == (off),			\
		       #type "." #field " is not at " #off)
/* The struct is `size` bytes long. */
#define KJ_LAYOUT_SIZE(type, size)					\
	_Static_assert(sizeof(type) == (size), "sizeof(" #type ") is not " #size)
#endif

#endif
