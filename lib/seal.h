/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sealed images: the cryptography (libsodium; AES-256-GCM is OpenSSL's,
 * aes_gcm.h), and nothing else.
 *
 * A sealed image (image_format.h, version 2) is encrypted and
 * authenticated with AES-256-GCM (written where the CPU has AES-NI) or
 * XChaCha20-Poly1305, the header says which, under keys of its own:
 *
 *   secret   a passphrase, or a key file's bytes
 *   master   32 bytes: Argon2id(passphrase, salt, opslimit, memlimit),
 *            or BLAKE2b("kjump keyfile v1" || salt || key file); the salt
 *            is random per image, so the master key is per image too
 *   subkeys  BLAKE2b keyed with the master key over a purpose ("header",
 *            "index", "chunks") and the image's uuid: one key per use
 *
 * Nonces: the sealed header's is random and stored (it is written once
 * per image, but a random one costs nothing); the index has one key and
 * one message (nonce zero); chunk i is sealed with nonce i under the
 * chunk key. AES-256-GCM takes the first 12 bytes of each 24-byte nonce. The associated data binds each piece to this image and its
 * place: the header's its public fixed fields and KDF record; the index
 * its uuid, offset and size; a chunk the uuid, its number, first stream
 * page, page count and size. A chunk moved to another position, or taken
 * from another image, fails.
 *
 * The writer needs only the master key and the KDF record (struct
 * kj_seal_params): A derives it before the jump and gives B that, never
 * the passphrase.
 */
#ifndef KJUMP_SEAL_H
#define KJUMP_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "image_format.h"

#define KJ_SEAL_KEY_BYTES	32u
#define KJ_SEAL_TAG_BYTES	16u
/* What a reader accepts from a (hostile) header before it allocates
 * anything: Argon2id with at most 1 GiB and 64 passes. */
#define KJ_SEAL_MAX_MEMLIMIT	(1ULL << 30)
#define KJ_SEAL_MIN_MEMLIMIT	8192ULL		/* Argon2id's own minimum */
#define KJ_SEAL_MAX_OPSLIMIT	64ULL
/* What a writer picks: at most 256 MiB and 32 passes, at least 8 MiB
 * (kj_seal_calibrate), so that B and C with little memory derive too. */
#define KJ_SEAL_WRITE_MAX_MEMLIMIT (256ULL << 20)
#define KJ_SEAL_WRITE_MIN_MEMLIMIT (8ULL << 20)
#define KJ_SEAL_WRITE_MAX_OPSLIMIT 32ULL
/* Key files: 16 bytes to 1 MiB. */
#define KJ_SEAL_KEYFILE_MIN	16u
#define KJ_SEAL_KEYFILE_MAX	(1u << 20)
#define KJ_SEAL_PASSPHRASE_MAX	1024u

enum kj_seal_secret_kind {
	KJ_SECRET_PASSPHRASE = 1,
	KJ_SECRET_KEYFILE = 2,
	KJ_SECRET_MASTER = 3,	/* the 32-byte master key itself (A, B) */
};

struct kj_seal_secret {
	int kind;		/* enum kj_seal_secret_kind */
	const uint8_t *bytes;
	size_t len;
};

/* The writer's part: the KDF record that goes into the header, and the
 * master key derived from the secret with it. */
struct kj_seal_params {
	uint32_t aead;		/* enum kj_seal_aead; 0: kj_seal_best_aead() (not
				 * on the wire: B picks its own) */
	uint32_t kdf;		/* enum kj_seal_kdf */
	uint64_t opslimit, memlimit;
	uint8_t salt[16];
	uint8_t master[KJ_SEAL_KEY_BYTES];
};

/* The subkeys of one image. Lives in sodium_malloc'd memory (locked,
 * guarded); kj_seal_keys_free wipes it. */
struct kj_seal_keys {
	uint32_t aead;		/* enum kj_seal_aead */
	uint8_t hdr[KJ_SEAL_KEY_BYTES];
	uint8_t index[KJ_SEAL_KEY_BYTES];
	uint8_t chunk[KJ_SEAL_KEY_BYTES];
};

/* sodium_init() once; -1 if libsodium cannot start. */
int kj_seal_init(struct kj_err *e);

/* Refuse a KDF record kjump would not write or a reader should not run:
 * unknown kdf, Argon2id limits outside the reader's bounds above, a key
 * file record with limits. */
int kj_seal_check_kdf(uint32_t kdf, uint64_t opslimit, uint64_t memlimit,
		      struct kj_err *e);

/* The master key for this KDF record and secret. A passphrase needs
 * KJ_SEAL_KDF_ARGON2ID, a key file KJ_SEAL_KDF_KEYFILE (else EINVAL with
 * "this image is sealed with a ..."); KJ_SECRET_MASTER is copied. */
int kj_seal_master(uint32_t kdf, uint64_t opslimit, uint64_t memlimit,
		   const uint8_t salt[16], const struct kj_seal_secret *s,
		   uint8_t master[KJ_SEAL_KEY_BYTES], struct kj_err *e);

/* A new random salt and the master key from s (a passphrase or key file),
 * with the given Argon2id limits (ignored for a key file). */
int kj_seal_params_new(struct kj_seal_params *p, const struct kj_seal_secret *s,
		       uint64_t opslimit, uint64_t memlimit, struct kj_err *e);

/* Argon2id limits that take about `seconds` here: memlimit at most
 * mem_max (and within the writer's bounds), passes to fill the time.
 * *took: how long the last trial took. */
int kj_seal_calibrate(double seconds, uint64_t mem_max, uint64_t *opslimit,
		      uint64_t *memlimit, double *took, struct kj_err *e);

/* The params as 80 bytes (what A hands B in B's initramfs), and back. */
#define KJ_SEAL_PARAMS_WIRE 80u
void kj_seal_params_encode(const struct kj_seal_params *p, uint8_t out[KJ_SEAL_PARAMS_WIRE]);
int kj_seal_params_decode(const uint8_t *in, size_t len, struct kj_seal_params *p,
			  struct kj_err *e);

/* The cipher a writer uses here: AES-256-GCM where the CPU has AES-NI
 * and PCLMUL (several times faster there), else XChaCha20-Poly1305. */
uint32_t kj_seal_best_aead(void);
const char *kj_seal_aead_name(uint32_t aead);	/* "AES-256-GCM" */

/* Fails for an unknown cipher. AES-256-GCM opens on any CPU (OpenSSL
 * has a software AES). */
int kj_seal_keys_new(struct kj_seal_keys **k, const uint8_t master[KJ_SEAL_KEY_BYTES],
		     const uint8_t uuid[16], uint32_t aead, struct kj_err *e);
void kj_seal_keys_free(struct kj_seal_keys *k);

/* Is this a sealed header (version 2)? Says nothing of its validity. */
bool kj_seal_is_sealed(const struct kj_img_header *h);

/* The public view of a full header: the fields a sealed header keeps in
 * clear (image_format.h), everything else zero, version 2. */
void kj_seal_public(const struct kj_img_header *full, struct kj_img_header *pub);

/*
 * Seal: out = kj_seal_public(full) with a random nonce, full's first
 * KJ_SEAL_PRIVATE_SIZE bytes encrypted into out->seal.sealed, sealed_ok 1
 * and header_xxh64 set. full->seal holds the KDF record and index tag.
 */
int kj_seal_header(const struct kj_seal_keys *k, const struct kj_img_header *full,
		   struct kj_img_header *out, struct kj_err *e);

/*
 * Open a sealed header: authenticate and decrypt pub->seal.sealed; the
 * sealed copy's fixed public fields must be pub's. full = the sealed
 * copy, with pub's live fields (state, consumed, fail_reason,
 * header_xxh64) and seal block. -1 (EACCES) on any failure: wrong key, or
 * a modified header.
 */
int kj_seal_header_open(const struct kj_seal_keys *k, const struct kj_img_header *pub,
			struct kj_img_header *full, struct kj_err *e);

/* The index, in place. -1: the cipher could not start (out of memory). */
int kj_seal_index(const struct kj_seal_keys *k, const struct kj_img_header *full,
		  uint8_t *buf, uint64_t len, uint8_t tag[KJ_SEAL_TAG_BYTES]);
int kj_seal_index_open(const struct kj_seal_keys *k, const struct kj_img_header *full,
		       uint8_t *buf, uint64_t len, const uint8_t tag[KJ_SEAL_TAG_BYTES]);

/* Chunk idx (its first stream page, pages and size) of image uuid, in
 * place. Thread-safe: k is only read. kj_seal_chunk: -1 when the cipher
 * could not start (out of memory). _open: 0, or -1 when it does not
 * authenticate (buf is then garbage). */
int kj_seal_chunk(const struct kj_seal_keys *k, const uint8_t uuid[16], uint64_t idx,
		  uint64_t first_page, uint32_t npages, uint8_t *buf, uint32_t csize,
		  uint8_t tag[KJ_SEAL_TAG_BYTES]);
int kj_seal_chunk_open(const struct kj_seal_keys *k, const uint8_t uuid[16], uint64_t idx,
		       uint64_t first_page, uint32_t npages, uint8_t *buf, uint32_t csize,
		       const uint8_t tag[KJ_SEAL_TAG_BYTES]);

/* "argon2id, 3 passes, 64 MiB" or "key file" into buf. */
const char *kj_seal_kdf_desc(const struct kj_img_seal *s, char *buf, size_t n);

#endif
