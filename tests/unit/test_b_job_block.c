// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/b_job_block.c: a job written and read back field for
 * field; a block for another mailbox, an empty one, or garbage is not this
 * B's (1, no message); one for this mailbox with a flipped byte, a target
 * that is not an absolute NUL-terminated path, an unknown kind or too
 * many threads is refused, naming what.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <xxhash.h>

#include "../../lib/b_job_block.h"

static const uint8_t box[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

static struct kj_b_job sample(void)
{
	struct kj_b_job j = { .kind = KJ_IMG_HIBERNATION, .threads = 3, .level = -5,
			      .resume_reserve = 300u << 20, .seal = true };

	strcpy(j.to, "/dev/disk/by-partlabel/kjump image");
	memset(j.tag, 0xab, 16);
	return j;
}

static void test_round_trip(void **state)
{
	uint8_t b[KJ_B_JOB_BLOCK_BYTES];
	struct kj_b_job j = sample(), k;
	struct kj_err e = { 0 };
	uint64_t seq = 0;

	kj_b_job_block_encode(&j, box, 1764643200123456789ULL, b);
	assert_int_equal(kj_b_job_block_decode(b, box, &k, &seq, &e), 0);
	assert_int_equal(seq, 1764643200123456789ULL);
	assert_string_equal(k.to, j.to);
	assert_memory_equal(k.tag, j.tag, 16);
	assert_int_equal(k.kind, KJ_IMG_HIBERNATION);
	assert_int_equal(k.threads, 3);
	assert_int_equal(k.level, -5);
	assert_int_equal(k.resume_reserve, 300u << 20);
	assert_true(k.seal);
	j.seal = false;
	kj_b_job_block_encode(&j, box, 1, b);
	assert_int_equal(kj_b_job_block_decode(b, box, &k, &seq, &e), 0);
	assert_false(k.seal);
	assert_false(k.prepare);
	j.prepare = true;		/* kjump prepare: nothing to save */
	kj_b_job_block_encode(&j, box, 2, b);
	assert_int_equal(kj_b_job_block_decode(b, box, &k, &seq, &e), 0);
	assert_true(k.prepare);
	assert_false(k.seal);
	/* the job block sits in the gap before the image data */
	assert_int_equal(KJ_B_JOB_OFFSET + KJ_B_JOB_BLOCK_BYTES, KJ_IMG_DATA_OFFSET);
}

static void test_not_ours(void **state)
{
	uint8_t b[KJ_B_JOB_BLOCK_BYTES], other[16];
	struct kj_b_job j = sample(), k;
	struct kj_err e = { 0 };
	uint64_t seq;

	memcpy(other, box, 16);
	other[15] ^= 1;
	kj_b_job_block_encode(&j, other, 7, b);
	assert_int_equal(kj_b_job_block_decode(b, box, &k, &seq, &e), 1);
	memset(b, 0, sizeof(b));
	assert_int_equal(kj_b_job_block_decode(b, box, &k, &seq, &e), 1);
	memset(b, 0x5a, sizeof(b));
	assert_int_equal(kj_b_job_block_decode(b, box, &k, &seq, &e), 1);
}

/* Re-checksummed after a change, so only the field check can refuse. */
static void rehash(uint8_t *b)
{
	uint64_t h = XXH64(b, 328, 0);

	memcpy(b + 328, &h, 8);
}

static void refused(uint8_t *b, const char *why)
{
	struct kj_b_job k;
	struct kj_err e = { 0 };
	uint64_t seq;

	assert_int_equal(kj_b_job_block_decode(b, box, &k, &seq, &e), -1);
	if (!strstr(e.msg, why))
		fail_msg("'%s' lacks '%s'", e.msg, why);
}

static void test_malformed(void **state)
{
	uint8_t b[KJ_B_JOB_BLOCK_BYTES];
	struct kj_b_job j = sample();

	kj_b_job_block_encode(&j, box, 7, b);
	b[100] ^= 0x20;			/* a byte of the path */
	refused(b, "bad checksum");
	kj_b_job_block_encode(&j, box, 7, b);
	memset(b + 72, 'x', 256);	/* the path without its NUL */
	rehash(b);
	refused(b, "names no target path");
	strcpy(j.to, "relative");
	kj_b_job_block_encode(&j, box, 7, b);
	refused(b, "names no target path");
	j = sample();
	j.kind = 9;
	kj_b_job_block_encode(&j, box, 7, b);
	refused(b, "unknown kind 9");
	j = sample();
	j.threads = KJ_IMG_MAX_THREADS + 1;
	kj_b_job_block_encode(&j, box, 7, b);
	refused(b, "out of range");
	j = sample();
	kj_b_job_block_encode(&j, box, 7, b);
	b[60] |= 0x80;			/* a flag nobody knows */
	rehash(b);
	refused(b, "unknown flags 0x81");
	b[60] = 0x04;
	rehash(b);
	refused(b, "unknown flags 0x4");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests_name("b_job_block", tests, NULL, NULL);
}
