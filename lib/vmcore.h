/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a stopped system's physical memory through an ELF core:
 * /proc/vmcore in B, or a core file exported by kjump. Thin I/O over the
 * pure header parser of elfcore.h.
 */
#ifndef KJUMP_VMCORE_H
#define KJUMP_VMCORE_H

#include <stddef.h>
#include <stdint.h>

#include "elfcore.h"

struct kj_vmcore {
	int fd;
	uint64_t size;
	struct kj_core core;
	uint8_t *notes;		/* all PT_NOTE contents, concatenated */
	size_t notes_len;
	const uint8_t *map;	/* the whole file, mapped; NULL: use pread */
	const char *vmcoreinfo;	/* inside notes, not NUL-terminated */
	size_t vmcoreinfo_len;
};

int kj_vmcore_open(struct kj_vmcore *v, const char *path, struct kj_err *e);
/* Only for a kj_vmcore that kj_vmcore_open succeeded on. */
void kj_vmcore_close(struct kj_vmcore *v);
/* The len bytes at physical address pa where the core is mapped, one
 * run in one segment; NULL when they are not (then kj_vmcore_read()).
 * Saves a copy: the saved system is stopped, so the bytes stay put. */
const void *kj_vmcore_mapped(const struct kj_vmcore *v, uint64_t pa, size_t len);
/* Read len bytes at physical address pa; fails unless all are present. */
int kj_vmcore_read(struct kj_vmcore *v, uint64_t pa, void *buf, size_t len,
		   struct kj_err *e);

#endif
