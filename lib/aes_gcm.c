// SPDX-License-Identifier: GPL-2.0-or-later
/* AES-256-GCM through OpenSSL's libcrypto: see aes_gcm.h. */
#include "aes_gcm.h"

#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

static EVP_CIPHER *cipher;

/* Once per process: no openssl.cnf (kjump runs in B's and C's
 * initramfs too, and a configuration there must not change what
 * decrypts an image), then the default provider's AES-256-GCM, fetched
 * once rather than at each chunk. */
static void start(void)
{
	/* NO_ATEXIT: no clean-up at exit under a thread still sealing */
	if (OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT,
				NULL) == 1)
		cipher = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
}

int kj_aes_gcm_ready(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, start);
	return cipher ? 0 : -1;
}

static EVP_CIPHER_CTX *begin(int encrypt, const uint8_t *key, const uint8_t *nonce,
			     const uint8_t *ad, size_t adlen)
{
	EVP_CIPHER_CTX *ctx;
	int n;

	if (kj_aes_gcm_ready() || adlen > INT_MAX)
		return NULL;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return NULL;
	/* a 12-byte nonce is GCM's default IV length */
	if (EVP_CipherInit_ex(ctx, cipher, NULL, key, nonce, encrypt) != 1 ||
	    (adlen && EVP_CipherUpdate(ctx, NULL, &n, ad, (int)adlen) != 1)) {
		EVP_CIPHER_CTX_free(ctx);	/* frees the key schedule wiped */
		return NULL;
	}
	return ctx;
}

/* EVP takes int lengths: a long message goes in pieces of 1 GiB. */
static int update(EVP_CIPHER_CTX *ctx, const uint8_t *in, uint8_t *out, size_t len)
{
	while (len) {
		int step = len > (1u << 30) ? 1 << 30 : (int)len, n;

		if (EVP_CipherUpdate(ctx, out, &n, in, step) != 1 || n != step)
			return -1;
		in += step;
		out += step;
		len -= (size_t)step;
	}
	return 0;
}

int kj_aes_gcm_seal(const uint8_t key[KJ_AES_GCM_KEY_BYTES],
		    const uint8_t nonce[KJ_AES_GCM_NONCE_BYTES],
		    const uint8_t *ad, size_t adlen, const uint8_t *in, uint8_t *out,
		    size_t len, uint8_t tag[KJ_AES_GCM_TAG_BYTES])
{
	EVP_CIPHER_CTX *ctx = begin(1, key, nonce, ad, adlen);
	uint8_t none[16];	/* what GCM's final step writes: nothing */
	int n, r = -1;

	if (!ctx)
		return -1;
	if (!update(ctx, in, out, len) && EVP_CipherFinal_ex(ctx, none, &n) == 1 &&
	    n == 0 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, KJ_AES_GCM_TAG_BYTES, tag) == 1)
		r = 0;
	EVP_CIPHER_CTX_free(ctx);
	return r;
}

int kj_aes_gcm_open(const uint8_t key[KJ_AES_GCM_KEY_BYTES],
		    const uint8_t nonce[KJ_AES_GCM_NONCE_BYTES],
		    const uint8_t *ad, size_t adlen, const uint8_t *in, uint8_t *out,
		    size_t len, const uint8_t tag[KJ_AES_GCM_TAG_BYTES])
{
	EVP_CIPHER_CTX *ctx = begin(0, key, nonce, ad, adlen);
	uint8_t t[KJ_AES_GCM_TAG_BYTES], none[16];
	int n, r = -1;

	if (ctx) {
		memcpy(t, tag, sizeof(t));	/* the ctrl takes a non-const pointer */
		if (!update(ctx, in, out, len) &&
		    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, sizeof(t), t) == 1 &&
		    EVP_CipherFinal_ex(ctx, none, &n) == 1 && n == 0)
			r = 0;
		EVP_CIPHER_CTX_free(ctx);
	}
	if (r)
		OPENSSL_cleanse(out, len);
	return r;
}
