// SPDX-License-Identifier: GPL-2.0-or-later
#include "b_job_block.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <xxhash.h>

#define JOB_MAGIC 0x00314f424a424a4bULL	/* "KJBJOB1" */
#define JOB_SEAL 1u		/* seal the image with the key A gave B */
#define JOB_PREPARE 2u		/* save nothing: `kjump prepare` */

/* The block's layout; little-endian like the image (x86_64 only). */
struct job_block {
	uint64_t magic;
	uint8_t mailbox[16];
	uint64_t seq;
	uint8_t tag[16];
	uint32_t kind;
	int32_t level;
	uint32_t threads;
	uint32_t flags;		/* JOB_SEAL */
	uint64_t resume_reserve;
	char to[256];
	uint64_t xxh64;		/* XXH64 (seed 0) of the bytes before it */
};

_Static_assert(sizeof(struct job_block) <= KJ_B_JOB_BLOCK_BYTES, "job block too large");
_Static_assert(offsetof(struct job_block, xxh64) == 328, "job block layout");

void kj_b_job_block_encode(const struct kj_b_job *j, const uint8_t mailbox[16],
			   uint64_t seq, uint8_t block[KJ_B_JOB_BLOCK_BYTES])
{
	struct job_block b;

	memset(&b, 0, sizeof(b));
	b.magic = JOB_MAGIC;
	memcpy(b.mailbox, mailbox, 16);
	b.seq = seq;
	memcpy(b.tag, j->tag, 16);
	b.kind = j->kind;
	b.level = j->level;
	b.threads = j->threads;
	b.flags = (j->seal ? JOB_SEAL : 0) | (j->prepare ? JOB_PREPARE : 0);
	b.resume_reserve = j->resume_reserve;
	memcpy(b.to, j->to, sizeof(b.to) - 1);
	b.xxh64 = XXH64(&b, offsetof(struct job_block, xxh64), 0);
	memset(block, 0, KJ_B_JOB_BLOCK_BYTES);
	memcpy(block, &b, sizeof(b));
}

int kj_b_job_block_decode(const uint8_t block[KJ_B_JOB_BLOCK_BYTES], const uint8_t mailbox[16],
			  struct kj_b_job *j, uint64_t *seq, struct kj_err *e)
{
	struct job_block b;

	memcpy(&b, block, sizeof(b));
	if (b.magic != JOB_MAGIC || memcmp(b.mailbox, mailbox, 16))
		return 1;
	if (XXH64(&b, offsetof(struct job_block, xxh64), 0) != b.xxh64)
		return kj_fail(e, EINVAL, "a job block for this B has a bad checksum");
	if (!memchr(b.to, '\0', sizeof(b.to)) || b.to[0] != '/')
		return kj_fail(e, EINVAL, "a job block for this B names no target path");
	if (b.kind != KJ_IMG_SNAPSHOT && b.kind != KJ_IMG_HIBERNATION)
		return kj_fail(e, EINVAL, "a job block for this B has an unknown kind %u",
			       b.kind);
	if (b.flags & ~(JOB_SEAL | JOB_PREPARE))
		return kj_fail(e, EINVAL, "a job block for this B has unknown flags 0x%x",
			       b.flags);
	if (b.threads > KJ_IMG_MAX_THREADS || b.resume_reserve > (1ULL << 50))
		return kj_fail(e, EINVAL, "a job block for this B has %u threads or a "
			       "resume reserve of %llu bytes: out of range", b.threads,
			       (unsigned long long)b.resume_reserve);
	memset(j, 0, sizeof(*j));
	memcpy(j->to, b.to, sizeof(j->to));
	memcpy(j->tag, b.tag, 16);
	j->kind = b.kind;
	j->level = b.level;
	j->threads = b.threads;
	j->seal = b.flags & JOB_SEAL;
	j->prepare = b.flags & JOB_PREPARE;
	j->resume_reserve = b.resume_reserve;
	*seq = b.seq;
	return 0;
}
