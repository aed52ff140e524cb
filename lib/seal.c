// SPDX-License-Identifier: GPL-2.0-or-later
/* Sealed images, the cryptography: see seal.h. */
#include "seal.h"
#include "aes_gcm.h"
#include "image.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

typedef unsigned long long ull;

_Static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == KJ_SEAL_KEY_BYTES, "key size");
_Static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == KJ_SEAL_TAG_BYTES, "tag size");
_Static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == 24, "nonce size");

int kj_seal_init(struct kj_err *e)
{
	if (sodium_init() < 0)
		return kj_fail(e, EIO, "libsodium cannot start (no randomness?)");
	return 0;
}

int kj_seal_check_kdf(uint32_t kdf, uint64_t opslimit, uint64_t memlimit,
		      struct kj_err *e)
{
	switch (kdf) {
	case KJ_SEAL_KDF_ARGON2ID:
		if (opslimit < 1 || opslimit > KJ_SEAL_MAX_OPSLIMIT ||
		    memlimit < KJ_SEAL_MIN_MEMLIMIT || memlimit > KJ_SEAL_MAX_MEMLIMIT ||
		    memlimit % 1024)
			return kj_fail(e, EINVAL, "the image asks for Argon2id with %llu "
				       "passes and %llu KiB of memory: kjump derives with "
				       "1 to %llu passes and 8 KiB to %llu MiB (in whole "
				       "KiB), so this header is not one kjump wrote",
				       (ull)opslimit, (ull)(memlimit >> 10),
				       (ull)KJ_SEAL_MAX_OPSLIMIT,
				       (ull)(KJ_SEAL_MAX_MEMLIMIT >> 20));
		return 0;
	case KJ_SEAL_KDF_KEYFILE:
		if (opslimit || memlimit)
			return kj_fail(e, EINVAL, "the image is sealed with a key file but "
				       "its header gives Argon2id limits: it is not one "
				       "kjump wrote");
		return 0;
	}
	return kj_fail(e, EINVAL, "the image is sealed with key derivation %u, which "
		       "this kjump does not know", kdf);
}

static const char keyfile_domain[16] = "kjump keyfile v1";

int kj_seal_master(uint32_t kdf, uint64_t opslimit, uint64_t memlimit,
		   const uint8_t salt[16], const struct kj_seal_secret *s,
		   uint8_t master[KJ_SEAL_KEY_BYTES], struct kj_err *e)
{
	if (kj_seal_init(e) || kj_seal_check_kdf(kdf, opslimit, memlimit, e))
		return -1;
	if (s->kind == KJ_SECRET_MASTER) {
		if (s->len != KJ_SEAL_KEY_BYTES)
			return kj_fail(e, EINVAL, "a master key is %u bytes", KJ_SEAL_KEY_BYTES);
		memcpy(master, s->bytes, KJ_SEAL_KEY_BYTES);
		return 0;
	}
	if (s->kind == KJ_SECRET_PASSPHRASE) {
		if (kdf != KJ_SEAL_KDF_ARGON2ID)
			return kj_fail(e, EINVAL, "this image is sealed with a key file, "
				       "not a passphrase: give --key-file");
		if (s->len > KJ_SEAL_PASSPHRASE_MAX)
			return kj_fail(e, EINVAL, "a passphrase of more than %u bytes",
				       KJ_SEAL_PASSPHRASE_MAX);
		if (crypto_pwhash(master, KJ_SEAL_KEY_BYTES, (const char *)s->bytes, s->len,
				  salt, opslimit, (size_t)memlimit,
				  crypto_pwhash_ALG_ARGON2ID13))
			return kj_fail(e, ENOMEM, "cannot derive the key from the "
				       "passphrase: Argon2id needs %llu MiB of memory",
				       (ull)(memlimit >> 20));
		return 0;
	}
	if (s->kind == KJ_SECRET_KEYFILE) {
		crypto_generichash_state st;

		if (kdf != KJ_SEAL_KDF_KEYFILE)
			return kj_fail(e, EINVAL, "this image is sealed with a passphrase, "
				       "not a key file");
		if (s->len < KJ_SEAL_KEYFILE_MIN || s->len > KJ_SEAL_KEYFILE_MAX)
			return kj_fail(e, EINVAL, "a key file holds %u bytes to %u KiB, "
				       "this one %zu", KJ_SEAL_KEYFILE_MIN,
				       KJ_SEAL_KEYFILE_MAX >> 10, s->len);
		crypto_generichash_init(&st, NULL, 0, KJ_SEAL_KEY_BYTES);
		crypto_generichash_update(&st, (const uint8_t *)keyfile_domain,
					  sizeof(keyfile_domain));
		crypto_generichash_update(&st, salt, 16);
		crypto_generichash_update(&st, s->bytes, s->len);
		crypto_generichash_final(&st, master, KJ_SEAL_KEY_BYTES);
		sodium_memzero(&st, sizeof(st));
		return 0;
	}
	return kj_fail(e, EINVAL, "no key given");
}

int kj_seal_params_new(struct kj_seal_params *p, const struct kj_seal_secret *s,
		       uint64_t opslimit, uint64_t memlimit, struct kj_err *e)
{
	if (kj_seal_init(e))
		return -1;
	memset(p, 0, sizeof(*p));
	if (s->kind == KJ_SECRET_KEYFILE) {
		p->kdf = KJ_SEAL_KDF_KEYFILE;
	} else if (s->kind == KJ_SECRET_PASSPHRASE) {
		p->kdf = KJ_SEAL_KDF_ARGON2ID;
		p->opslimit = opslimit;
		p->memlimit = memlimit;
	} else {
		return kj_fail(e, EINVAL, "a new seal needs a passphrase or a key file");
	}
	randombytes_buf(p->salt, sizeof(p->salt));
	if (kj_seal_master(p->kdf, p->opslimit, p->memlimit, p->salt, s, p->master, e)) {
		sodium_memzero(p, sizeof(*p));
		return -1;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int kj_seal_calibrate(double seconds, uint64_t mem_max, uint64_t *opslimit,
		      uint64_t *memlimit, double *took, struct kj_err *e)
{
	static const char pw[] = "kjump calibration";
	uint8_t salt[16] = { 0 }, out[KJ_SEAL_KEY_BYTES];
	uint64_t mem = mem_max, ops = 1;
	double t0, t;

	if (kj_seal_init(e))
		return -1;
	if (mem > KJ_SEAL_WRITE_MAX_MEMLIMIT)
		mem = KJ_SEAL_WRITE_MAX_MEMLIMIT;
	if (mem < KJ_SEAL_WRITE_MIN_MEMLIMIT)
		mem = KJ_SEAL_WRITE_MIN_MEMLIMIT;
	mem &= ~((1ULL << 20) - 1);
	/* One pass, then adjust: less memory while a pass is too slow (the
	 * first trial also pays for faulting the memory in, so try again at
	 * the new size), then as many passes as fill the time. */
	for (int trial = 0; trial < 4; trial++) {
		t0 = now();
		if (crypto_pwhash(out, sizeof(out), pw, sizeof(pw) - 1, salt, 1, (size_t)mem,
				  crypto_pwhash_ALG_ARGON2ID13))
			return kj_fail(e, ENOMEM, "cannot run Argon2id with %llu MiB of "
				       "memory", (ull)(mem >> 20));
		t = now() - t0;
		if (t <= 0)
			t = 1e-3;
		if (t <= seconds * 1.25 || mem == KJ_SEAL_WRITE_MIN_MEMLIMIT)
			break;
		uint64_t m = (uint64_t)((double)mem * seconds / t);

		m &= ~((1ULL << 20) - 1);
		mem = m < KJ_SEAL_WRITE_MIN_MEMLIMIT ? KJ_SEAL_WRITE_MIN_MEMLIMIT : m;
	}
	ops = (uint64_t)(seconds / t + 0.5);
	if (ops < 1)
		ops = 1;
	if (ops > KJ_SEAL_WRITE_MAX_OPSLIMIT)
		ops = KJ_SEAL_WRITE_MAX_OPSLIMIT;
	sodium_memzero(out, sizeof(out));
	*opslimit = ops;
	*memlimit = mem;
	if (took)
		*took = t;
	return 0;
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static const uint8_t params_magic[8] = "KJSEALKY";

void kj_seal_params_encode(const struct kj_seal_params *p, uint8_t out[KJ_SEAL_PARAMS_WIRE])
{
	memset(out, 0, KJ_SEAL_PARAMS_WIRE);
	memcpy(out, params_magic, 8);
	put64(out + 8, p->kdf);
	put64(out + 16, p->opslimit);
	put64(out + 24, p->memlimit);
	memcpy(out + 32, p->salt, 16);
	memcpy(out + 48, p->master, KJ_SEAL_KEY_BYTES);
}

int kj_seal_params_decode(const uint8_t *in, size_t len, struct kj_seal_params *p,
			  struct kj_err *e)
{
	memset(p, 0, sizeof(*p));
	if (len != KJ_SEAL_PARAMS_WIRE || memcmp(in, params_magic, 8))
		return kj_fail(e, EINVAL, "not a kjump seal key (%zu bytes)", len);
	if (get64(in + 8) > UINT32_MAX)
		return kj_fail(e, EINVAL, "invalid seal key");
	p->kdf = (uint32_t)get64(in + 8);
	p->opslimit = get64(in + 16);
	p->memlimit = get64(in + 24);
	memcpy(p->salt, in + 32, 16);
	memcpy(p->master, in + 48, KJ_SEAL_KEY_BYTES);
	if (kj_seal_check_kdf(p->kdf, p->opslimit, p->memlimit, e)) {
		sodium_memzero(p, sizeof(*p));
		return -1;
	}
	return 0;
}

static void subkey(uint8_t out[KJ_SEAL_KEY_BYTES], const uint8_t master[KJ_SEAL_KEY_BYTES],
		   const char *purpose, const uint8_t uuid[16])
{
	uint8_t msg[32 + 16] = { 0 };

	snprintf((char *)msg, 32, "kjump seal v1 %s", purpose);
	memcpy(msg + 32, uuid, 16);
	crypto_generichash(out, KJ_SEAL_KEY_BYTES, msg, sizeof(msg), master,
			   KJ_SEAL_KEY_BYTES);
}

/* AES-256-GCM where the CPU has AES-NI and PCLMULQDQ (libsodium's test
 * for its own AES-256-GCM, the same instructions OpenSSL's fast code
 * needs); elsewhere OpenSSL's software AES would be slower than
 * XChaCha20-Poly1305, which needs nothing. */
uint32_t kj_seal_best_aead(void)
{
	if (sodium_init() >= 0 && crypto_aead_aes256gcm_is_available())
		return KJ_SEAL_AES256GCM;
	return KJ_SEAL_XCHACHA20POLY1305;
}

const char *kj_seal_aead_name(uint32_t aead)
{
	return aead == KJ_SEAL_AES256GCM ? "AES-256-GCM" :
	       aead == KJ_SEAL_XCHACHA20POLY1305 ? "XChaCha20-Poly1305" : "an unknown cipher";
}

int kj_seal_keys_new(struct kj_seal_keys **kp, const uint8_t master[KJ_SEAL_KEY_BYTES],
		     const uint8_t uuid[16], uint32_t aead, struct kj_err *e)
{
	struct kj_seal_keys *k;

	if (kj_seal_init(e))
		return -1;
	if (aead != KJ_SEAL_AES256GCM && aead != KJ_SEAL_XCHACHA20POLY1305)
		return kj_fail(e, EINVAL, "the image is sealed with cipher %u, which this "
			       "kjump does not know", aead);
	/* started here, so that a failure to start is not taken later for a
	 * wrong key or a modified image */
	if (aead == KJ_SEAL_AES256GCM && kj_aes_gcm_ready())
		return kj_fail(e, ENOMEM, "OpenSSL's AES-256-GCM cannot start (out of "
			       "memory?)");
	k = sodium_malloc(sizeof(*k));
	if (!k)
		return kj_fail(e, ENOMEM, "cannot allocate locked memory for the keys");
	k->aead = aead;
	subkey(k->hdr, master, "header", uuid);
	subkey(k->index, master, "index", uuid);
	subkey(k->chunk, master, "chunks", uuid);
	*kp = k;
	return 0;
}

void kj_seal_keys_free(struct kj_seal_keys *k)
{
	if (k)
		sodium_free(k);	/* wipes it first */
}

bool kj_seal_is_sealed(const struct kj_img_header *h)
{
	return h->version == KJ_IMG_VERSION_SEALED;
}

void kj_seal_public(const struct kj_img_header *full, struct kj_img_header *pub)
{
	struct kj_img_header p;

	memset(&p, 0, sizeof(p));
	p.magic = full->magic;
	p.version = KJ_IMG_VERSION_SEALED;
	p.header_size = full->header_size;
	p.state = full->state;
	p.kind = full->kind;
	p.page_size = full->page_size;
	p.arch = full->arch;
	memcpy(p.uuid, full->uuid, sizeof(p.uuid));
	p.consumed = full->consumed;
	memcpy(p.fail_reason, full->fail_reason, sizeof(p.fail_reason));
	p.seal = full->seal;
	p.header_xxh64 = kj_img_header_hash(&p);
	*pub = p;
}

/* Both ciphers, in place or not, tags apart. An AES-256-GCM nonce is the
 * first 12 bytes of the 24 kjump makes; AES-256-GCM is OpenSSL's
 * (aes_gcm.h), XChaCha20-Poly1305 libsodium's. -1: libcrypto could not
 * allocate. */
static int enc(const struct kj_seal_keys *k, const uint8_t *key, uint8_t *c, uint8_t *tag,
	       const uint8_t *m, uint64_t len, const uint8_t *ad, uint64_t adlen,
	       const uint8_t nonce[24])
{
	if (k->aead == KJ_SEAL_AES256GCM)
		return kj_aes_gcm_seal(key, nonce, ad, adlen, m, c, len, tag);
	crypto_aead_xchacha20poly1305_ietf_encrypt_detached(c, tag, NULL, m, len, ad,
							    adlen, NULL, nonce, key);
	return 0;
}

static int dec(const struct kj_seal_keys *k, const uint8_t *key, uint8_t *m,
	       const uint8_t *c, uint64_t len, const uint8_t *tag, const uint8_t *ad,
	       uint64_t adlen, const uint8_t nonce[24])
{
	if (k->aead == KJ_SEAL_AES256GCM)
		return kj_aes_gcm_open(key, nonce, ad, adlen, c, m, len, tag);
	return crypto_aead_xchacha20poly1305_ietf_decrypt_detached(m, NULL, c, len, tag, ad,
								   adlen, nonce, key) ? -1 : 0;
}

/* The header's associated data: its fixed public fields and the seal
 * block up to hdr_tag. */
#define HDR_AD_SIZE (48 + offsetof(struct kj_img_seal, hdr_tag))
static void header_ad(const struct kj_img_header *h, uint8_t ad[HDR_AD_SIZE])
{
	put64(ad, h->magic);
	put64(ad + 8, (uint64_t)h->version | (uint64_t)h->header_size << 32);
	put64(ad + 16, (uint64_t)h->kind | (uint64_t)h->page_size << 32);
	put64(ad + 24, h->arch);
	memcpy(ad + 32, h->uuid, 16);
	memcpy(ad + 48, &h->seal, offsetof(struct kj_img_seal, hdr_tag));
}

int kj_seal_header(const struct kj_seal_keys *k, const struct kj_img_header *full,
		   struct kj_img_header *out, struct kj_err *e)
{
	uint8_t ad[HDR_AD_SIZE], priv[KJ_SEAL_PRIVATE_SIZE];
	struct kj_img_header h;

	kj_seal_public(full, &h);
	randombytes_buf(h.seal.hdr_nonce, sizeof(h.seal.hdr_nonce));
	h.seal.sealed_ok = 1;
	h.seal.reserved = 0;
	memcpy(priv, full, sizeof(priv));
	/* the sealed copy says version 2 as the public header does */
	memcpy(priv + offsetof(struct kj_img_header, version),
	       &(uint32_t){ KJ_IMG_VERSION_SEALED }, sizeof(uint32_t));
	header_ad(&h, ad);
	if (h.seal.aead != k->aead)
		return kj_fail(e, EINVAL, "internal: the header's cipher is not the keys'");
	if (enc(k, k->hdr, h.seal.sealed, h.seal.hdr_tag, priv, sizeof(priv), ad, sizeof(ad),
		h.seal.hdr_nonce)) {
		sodium_memzero(priv, sizeof(priv));
		return kj_fail(e, ENOMEM, "cannot seal the header: OpenSSL's AES-256-GCM "
			       "did not start (out of memory?)");
	}
	sodium_memzero(priv, sizeof(priv));
	h.header_xxh64 = kj_img_header_hash(&h);
	*out = h;
	return 0;
}

int kj_seal_header_open(const struct kj_seal_keys *k, const struct kj_img_header *pub,
			struct kj_img_header *full, struct kj_err *e)
{
	uint8_t ad[HDR_AD_SIZE];
	struct kj_img_header h;

	if (!pub->seal.sealed_ok)
		return kj_fail(e, EINVAL, "the sealed header was never written (the save "
			       "did not finish)");
	memset(&h, 0, sizeof(h));
	header_ad(pub, ad);
	if (pub->seal.aead != k->aead ||
	    dec(k, k->hdr, (uint8_t *)&h, pub->seal.sealed, KJ_SEAL_PRIVATE_SIZE,
		pub->seal.hdr_tag, ad, sizeof(ad), pub->seal.hdr_nonce)) {
		sodium_memzero(&h, sizeof(h));
		return kj_fail(e, EACCES, "wrong passphrase or key, or the image header "
			       "was modified: it does not authenticate");
	}
	if (h.magic != pub->magic || h.version != pub->version ||
	    h.header_size != pub->header_size || h.kind != pub->kind ||
	    h.page_size != pub->page_size || h.arch != pub->arch ||
	    memcmp(h.uuid, pub->uuid, sizeof(h.uuid)) || h.state != KJ_IMG_COMPLETE) {
		sodium_memzero(&h, sizeof(h));
		return kj_fail(e, EACCES, "the sealed header does not match its public "
			       "part: the image was modified");
	}
	h.state = pub->state;
	h.consumed = pub->consumed;
	memcpy(h.fail_reason, pub->fail_reason, sizeof(h.fail_reason));
	h.seal = pub->seal;
	h.header_xxh64 = pub->header_xxh64;
	*full = h;
	return 0;
}

static void index_ad(const struct kj_img_header *full, uint8_t ad[32])
{
	memcpy(ad, full->uuid, 16);
	put64(ad + 16, full->index_offset);
	put64(ad + 24, full->index_size);
}

static const uint8_t zero_nonce[24];

int kj_seal_index(const struct kj_seal_keys *k, const struct kj_img_header *full,
		  uint8_t *buf, uint64_t len, uint8_t tag[KJ_SEAL_TAG_BYTES])
{
	uint8_t ad[32];

	index_ad(full, ad);
	return enc(k, k->index, buf, tag, buf, len, ad, sizeof(ad), zero_nonce);
}

int kj_seal_index_open(const struct kj_seal_keys *k, const struct kj_img_header *full,
		       uint8_t *buf, uint64_t len, const uint8_t tag[KJ_SEAL_TAG_BYTES])
{
	uint8_t ad[32];

	index_ad(full, ad);
	return dec(k, k->index, buf, buf, len, tag, ad, sizeof(ad), zero_nonce);
}

static void chunk_ad(const uint8_t uuid[16], uint64_t idx, uint64_t first_page,
		     uint32_t npages, uint32_t csize, uint8_t ad[40], uint8_t nonce[24])
{
	memcpy(ad, uuid, 16);
	put64(ad + 16, idx);
	put64(ad + 24, first_page);
	put64(ad + 32, (uint64_t)npages | (uint64_t)csize << 32);
	memset(nonce, 0, 24);
	put64(nonce, idx);
}

int kj_seal_chunk(const struct kj_seal_keys *k, const uint8_t uuid[16], uint64_t idx,
		  uint64_t first_page, uint32_t npages, uint8_t *buf, uint32_t csize,
		  uint8_t tag[KJ_SEAL_TAG_BYTES])
{
	uint8_t ad[40], nonce[24];

	chunk_ad(uuid, idx, first_page, npages, csize, ad, nonce);
	return enc(k, k->chunk, buf, tag, buf, csize, ad, sizeof(ad), nonce);
}

int kj_seal_chunk_open(const struct kj_seal_keys *k, const uint8_t uuid[16], uint64_t idx,
		       uint64_t first_page, uint32_t npages, uint8_t *buf, uint32_t csize,
		       const uint8_t tag[KJ_SEAL_TAG_BYTES])
{
	uint8_t ad[40], nonce[24];

	chunk_ad(uuid, idx, first_page, npages, csize, ad, nonce);
	return dec(k, k->chunk, buf, buf, csize, tag, ad, sizeof(ad), nonce);
}

const char *kj_seal_kdf_desc(const struct kj_img_seal *s, char *buf, size_t n)
{
	/* kjump writes whole MiB; a reader takes whole KiB (kj_seal_check_kdf),
	 * so that is what the rest is said in, never rounded to 0 MiB */
	if (s->kdf == KJ_SEAL_KDF_ARGON2ID && s->memlimit % (1ULL << 20) == 0)
		snprintf(buf, n, "passphrase (argon2id, %llu pass%s, %llu MiB)",
			 (ull)s->opslimit, s->opslimit == 1 ? "" : "es",
			 (ull)(s->memlimit >> 20));
	else if (s->kdf == KJ_SEAL_KDF_ARGON2ID)
		snprintf(buf, n, "passphrase (argon2id, %llu pass%s, %llu KiB)",
			 (ull)s->opslimit, s->opslimit == 1 ? "" : "es",
			 (ull)(s->memlimit >> 10));
	else if (s->kdf == KJ_SEAL_KDF_KEYFILE)
		snprintf(buf, n, "key file");
	else
		snprintf(buf, n, "unknown key derivation %u", s->kdf);
	return buf;
}
