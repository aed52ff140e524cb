// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/aes_gcm.c: OpenSSL's AES-256-GCM as sealed images
 * use it gives the published answers (test cases 13, 14 and 16 of the
 * GCM specification, McGrew and Viega, 2005), opens what libsodium's
 * AES-256-GCM sealed (the images kjump wrote before it used OpenSSL)
 * and seals what libsodium opens; in place or not; and refuses, leaving
 * no plaintext behind, a changed byte of the message, the tag or the
 * associated data, or another nonce.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../../lib/aes_gcm.h"

static void unhex(const char *h, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void test_published_answers(void **state)
{
	uint8_t zero_key[32] = { 0 }, zero_nonce[12] = { 0 }, tag[16], want_tag[16];
	uint8_t block[16] = { 0 }, want[16];

	/* test case 13: no message, no associated data */
	assert_int_equal(kj_aes_gcm_seal(zero_key, zero_nonce, NULL, 0, NULL, NULL, 0, tag), 0);
	unhex("530f8afbc74536b9a963b4f1c4cb738b", want_tag, 16);
	assert_memory_equal(tag, want_tag, 16);
	assert_int_equal(kj_aes_gcm_open(zero_key, zero_nonce, NULL, 0, NULL, NULL, 0, tag), 0);

	/* test case 14: one zero block, in place */
	assert_int_equal(kj_aes_gcm_seal(zero_key, zero_nonce, NULL, 0, block, block, 16, tag), 0);
	unhex("cea7403d4d606b6e074ec5d3baf39d18", want, 16);
	unhex("d0d1c8a799996bf0265b98b5d48ab919", want_tag, 16);
	assert_memory_equal(block, want, 16);
	assert_memory_equal(tag, want_tag, 16);

	/* test case 16: 60 bytes (not whole blocks), 20 of associated data */
	uint8_t key[32], nonce[12], ad[20], msg[60], c[60], back[60];

	unhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", key, 32);
	unhex("cafebabefacedbaddecaf888", nonce, 12);
	unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2", ad, 20);
	unhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", msg, 60);
	assert_int_equal(kj_aes_gcm_seal(key, nonce, ad, 20, msg, c, 60, tag), 0);
	uint8_t want_c[60];

	unhex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	      "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662", want_c, 60);
	unhex("76fc6ece0f4e1768cddf8853bb2d551b", want_tag, 16);
	assert_memory_equal(c, want_c, 60);
	assert_memory_equal(tag, want_tag, 16);
	assert_int_equal(kj_aes_gcm_open(key, nonce, ad, 20, c, back, 60, tag), 0);
	assert_memory_equal(back, msg, 60);
}

#define BIG ((1u << 20) + 4093)	/* a chunk's size is any number of bytes */

struct fixture {
	uint8_t key[32], nonce[24], ad[40];
	uint8_t *msg, *c, *out;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || sodium_init() < 0)
		return -1;
	randombytes_buf(f->key, sizeof(f->key));
	randombytes_buf(f->nonce, sizeof(f->nonce));
	randombytes_buf(f->ad, sizeof(f->ad));
	f->msg = malloc(BIG);
	f->c = malloc(BIG);
	f->out = malloc(BIG);
	if (!f->msg || !f->c || !f->out)
		return -1;
	randombytes_buf(f->msg, BIG);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->msg);
	free(f->c);
	free(f->out);
	free(f);
	return 0;
}

/* What each implementation seals, the other opens: the same construction
 * (libsodium's AES-256-GCM takes a 12-byte nonce, as kjump passes). */
static void test_libsodium_agrees(void **state)
{
	struct fixture *f = *state;
	uint8_t tag[16], tag2[16];

	if (!crypto_aead_aes256gcm_is_available())
		skip();	/* libsodium's AES-256-GCM needs AES-NI and PCLMULQDQ */
	assert_int_equal(crypto_aead_aes256gcm_encrypt_detached(f->c, tag, NULL, f->msg, BIG,
								f->ad, sizeof(f->ad), NULL,
								f->nonce, f->key), 0);
	assert_int_equal(kj_aes_gcm_open(f->key, f->nonce, f->ad, sizeof(f->ad), f->c, f->out,
					 BIG, tag), 0);
	assert_memory_equal(f->out, f->msg, BIG);

	assert_int_equal(kj_aes_gcm_seal(f->key, f->nonce, f->ad, sizeof(f->ad), f->msg, f->out,
					 BIG, tag2), 0);
	assert_memory_equal(f->out, f->c, BIG);
	assert_memory_equal(tag2, tag, 16);
	memset(f->c, 0, BIG);
	assert_int_equal(crypto_aead_aes256gcm_decrypt_detached(f->c, NULL, f->out, BIG, tag2,
								f->ad, sizeof(f->ad),
								f->nonce, f->key), 0);
	assert_memory_equal(f->c, f->msg, BIG);
}

/* Sealed then opened in place, as the writer and readers do. */
static void test_in_place(void **state)
{
	struct fixture *f = *state;
	uint8_t tag[16];

	memcpy(f->c, f->msg, BIG);
	assert_int_equal(kj_aes_gcm_seal(f->key, f->nonce, f->ad, sizeof(f->ad), f->c, f->c,
					 BIG, tag), 0);
	assert_memory_not_equal(f->c, f->msg, 4096);
	assert_int_equal(kj_aes_gcm_open(f->key, f->nonce, f->ad, sizeof(f->ad), f->c, f->c,
					 BIG, tag), 0);
	assert_memory_equal(f->c, f->msg, BIG);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Each change is refused, and what was decrypted is wiped. */
static void test_refusals(void **state)
{
	struct fixture *f = *state;
	uint8_t tag[16], bad[16], nonce[12];
	static const size_t at[] = { 0, 15, 16, 4096, BIG - 1 };

	assert_int_equal(kj_aes_gcm_seal(f->key, f->nonce, f->ad, sizeof(f->ad), f->msg, f->c,
					 BIG, tag), 0);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		f->c[at[i]] ^= 0x01;
		memset(f->out, 0xa5, BIG);
		assert_int_equal(kj_aes_gcm_open(f->key, f->nonce, f->ad, sizeof(f->ad), f->c,
						 f->out, BIG, tag), -1);
		assert_true(all_zero(f->out, BIG));
		f->c[at[i]] ^= 0x01;
	}
	for (int bit = 0; bit < 128; bit += 37) {
		memcpy(bad, tag, 16);
		bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(kj_aes_gcm_open(f->key, f->nonce, f->ad, sizeof(f->ad), f->c,
						 f->out, BIG, bad), -1);
	}
	f->ad[39] ^= 0x80;
	assert_int_equal(kj_aes_gcm_open(f->key, f->nonce, f->ad, sizeof(f->ad), f->c, f->out,
					 BIG, tag), -1);
	f->ad[39] ^= 0x80;
	assert_int_equal(kj_aes_gcm_open(f->key, f->nonce, f->ad, sizeof(f->ad) - 1, f->c,
					 f->out, BIG, tag), -1);
	memcpy(nonce, f->nonce, 12);
	nonce[11] ^= 1;
	assert_int_equal(kj_aes_gcm_open(f->key, nonce, f->ad, sizeof(f->ad), f->c, f->out,
					 BIG, tag), -1);
	/* a shorter message under the same tag (a truncated chunk) */
	assert_int_equal(kj_aes_gcm_open(f->key, f->nonce, f->ad, sizeof(f->ad), f->c, f->out,
					 BIG - 1, tag), -1);
	f->key[0] ^= 1;
	assert_int_equal(kj_aes_gcm_open(f->key, f->nonce, f->ad, sizeof(f->ad), f->c, f->out,
					 BIG, tag), -1);
	f->key[0] ^= 1;
	/* and the unchanged message still opens */
	assert_int_equal(kj_aes_gcm_open(f->key, f->nonce, f->ad, sizeof(f->ad), f->c, f->out,
					 BIG, tag), 0);
	assert_memory_equal(f->out, f->msg, BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_published_answers),
		cmocka_unit_test_setup_teardown(test_libsodium_agrees, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_place, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
