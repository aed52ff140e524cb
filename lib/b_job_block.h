/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * B's job for one switch, handed over on the target itself: a B that stays
 * loaded serves snapshots and hibernations to any target, in any order,
 * although its command line is fixed when it is loaded.
 *
 * Before each switch A writes a job block at KJ_B_JOB_OFFSET of the
 * target (in the gap between the image header and the image data). It
 * names B's mailbox (the tag on B's command line, fixed for B's life), a
 * sequence number (A's time since boot, in ns: the newest job wins), and the job:
 * target path, request tag, kind, threads, level, resume reserve, and
 * whether to seal (with the key A put in B's initramfs, if any), or that
 * there is nothing to save this time (`kjump prepare`: B boots and comes
 * back, to be ready for the next switch). On each
 * entry B looks at that block on every block device it has and takes the
 * newest job for its mailbox that is newer than the last it ran; a block
 * with another mailbox, an older sequence or a bad checksum is not B's.
 * No secret goes in it (sealing keys travel in B's initramfs). Pure.
 */
#ifndef KJUMP_B_JOB_BLOCK_H
#define KJUMP_B_JOB_BLOCK_H

#include <stdint.h>

#include "b_command_line.h"
#include "error.h"
#include "image.h"

#define KJ_B_JOB_BLOCK_BYTES	4096u
#define KJ_B_JOB_OFFSET		(KJ_IMG_DATA_OFFSET - KJ_B_JOB_BLOCK_BYTES)

/* The job into a 4096-byte block. */
void kj_b_job_block_encode(const struct kj_b_job *j, const uint8_t mailbox[16],
			   uint64_t seq, uint8_t block[KJ_B_JOB_BLOCK_BYTES]);

/* The job in block, when it is one for `mailbox`: 0 and *j, *seq; 1 when
 * the block holds no job for this mailbox (nothing to say: most blocks);
 * -1 with a message when it claims to be one but is malformed. */
int kj_b_job_block_decode(const uint8_t block[KJ_B_JOB_BLOCK_BYTES], const uint8_t mailbox[16],
			  struct kj_b_job *j, uint64_t *seq, struct kj_err *e);

#endif
