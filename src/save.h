/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KJUMP_SAVE_H
#define KJUMP_SAVE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../lib/error.h"

struct kj_chunk_memory;

struct kj_save_opts {
	const char *target;
	unsigned threads;	/* 0: online CPUs, bounded by memory */
	int level;		/* zstd level, 0: default */
	uint32_t kind;		/* KJ_IMG_SNAPSHOT or KJ_IMG_HIBERNATION */
	bool quiet;
	bool new_file;		/* the target may be a new regular file */
	/* Accept a target with a foreign signature (a filesystem, swap
	 * signature, partition table). Mounted, active swap, held and too
	 * small targets are refused even so. B's own init path sets it: A
	 * checked the target before the jump and tagged it (tag_check). */
	bool force;
	bool tag_check;		/* refuse a target whose header lacks `tag` */
	uint8_t tag[16];
	/* Seal the image with this master key and KDF record (lib/seal.h);
	 * NULL: a plain image. */
	const struct kj_seal_params *seal;
	/* What the last save of this process left on its target
	 * (lib/chunk_places.h): given, an unsealed save to a block device
	 * with room puts its chunks in fixed places and keeps those that did
	 * not change since; NULL: chunks packed, nothing kept. */
	struct kj_chunk_memory *memory;
};

struct kj_save_report {
	uint64_t pages_total, pages_data, pages_zero, pages_free, pages_excluded;
	uint64_t bytes_in, bytes_out;
	uint64_t chunks, chunks_stored;	/* stored: did not compress, written as they are */
	bool places;			/* fixed places */
	uint64_t chunks_kept, bytes_kept, span_bytes;
	char places_note[200];		/* why no chunk was kept, or why no places */
	double seconds;
};

/* In B: save A's memory to o->target. */
int kj_save(const struct kj_save_opts *o, struct kj_save_report *r, struct kj_err *e);
void kj_save_print(const struct kj_save_report *r, FILE *f);

/*
 * The target tag: before jumping to B, A writes a WRITING header whose
 * uuid is a random tag that B also finds on its command line. B writes
 * only to a device that carries it, so a device renamed between kernels
 * (B's /dev/vdb is not A's) is never overwritten by mistake, and an older
 * image on the target stops being resumable before A even jumps.
 */
int kj_save_write_tag(int fd, const uint8_t tag[16], uint32_t kind, struct kj_err *e);
int kj_save_check_tag(int fd, const uint8_t tag[16], struct kj_err *e);

#endif
