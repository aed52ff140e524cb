/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AES-256-GCM through OpenSSL's libcrypto, for sealed images' chunks,
 * index and header (seal.c).
 *
 * Why not libsodium's, which kjump used first: libsodium 1.0.18
 * (Debian bookworm) runs AES-256-GCM at about 1.9 GiB/s per core on an
 * AVX-512 machine, OpenSSL 3.0 at 3 to 4.5 (its VAES code), and resume
 * authenticates every byte of the image on the way up (issue 12: at
 * most 10 % of resume time). OpenSSL also has a software AES, so an
 * image sealed on a machine with AES-NI opens on one without.
 *
 * The construction is the standard one (NIST SP 800-38D, 96-bit nonce,
 * 128-bit tag): what libsodium wrote, this opens, and the reverse
 * (tests/unit/test_aes_gcm.c).
 */
#ifndef KJUMP_AES_GCM_H
#define KJUMP_AES_GCM_H

#include <stddef.h>
#include <stdint.h>

#define KJ_AES_GCM_KEY_BYTES	32u
#define KJ_AES_GCM_NONCE_BYTES	12u
#define KJ_AES_GCM_TAG_BYTES	16u

/* 0 once libcrypto and its AES-256-GCM have started (the first call
 * starts them), -1 if they cannot (out of memory). */
int kj_aes_gcm_ready(void);

/* Encrypts len bytes of in into out (out == in is allowed) and writes
 * the tag. -1 only if libcrypto cannot allocate or start. */
int kj_aes_gcm_seal(const uint8_t key[KJ_AES_GCM_KEY_BYTES],
		    const uint8_t nonce[KJ_AES_GCM_NONCE_BYTES],
		    const uint8_t *ad, size_t adlen, const uint8_t *in, uint8_t *out,
		    size_t len, uint8_t tag[KJ_AES_GCM_TAG_BYTES]);

/* Decrypts and authenticates: 0 if the tag matches, -1 if it does not
 * (or libcrypto cannot start: kj_aes_gcm_ready() first tells the two
 * apart). On -1, out holds no plaintext: it is
 * wiped, so a caller that decrypts in place never sees unauthenticated
 * bytes. */
int kj_aes_gcm_open(const uint8_t key[KJ_AES_GCM_KEY_BYTES],
		    const uint8_t nonce[KJ_AES_GCM_NONCE_BYTES],
		    const uint8_t *ad, size_t adlen, const uint8_t *in, uint8_t *out,
		    size_t len, const uint8_t tag[KJ_AES_GCM_TAG_BYTES]);

#endif
