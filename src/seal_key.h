/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the key of a sealed image comes from (docs/sealing.md): a key
 * file, a passphrase file, or a passphrase typed on the terminal (the
 * controlling one, else /dev/console, as in an initramfs), echo off.
 * Never from a command line or the environment. Every copy lives in
 * sodium_malloc'd memory (locked, guarded) and is wiped when freed.
 */
#ifndef KJUMP_SEAL_KEY_H
#define KJUMP_SEAL_KEY_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/error.h"
#include "../lib/seal.h"

struct kj_img;

/* What the user gave on the command line. */
struct kj_key_opts {
	const char *key_file;		/* --key-file FILE */
	const char *passphrase_file;	/* --passphrase-file FILE: its first line */
	unsigned tries;			/* prompts before giving up; 0: 3 */
};

/* The getopt_long entries every reader and writer takes, and their
 * handling: returns 1 when c was one of them (and stored), else 0. */
#define KJ_KEY_OPT_KEYFILE	0x4b01
#define KJ_KEY_OPT_PASSFILE	0x4b02
#define KJ_KEY_OPT_TRIES	0x4b03
#define KJ_KEY_OPTIONS \
	{ "key-file", required_argument, NULL, KJ_KEY_OPT_KEYFILE }, \
	{ "passphrase-file", required_argument, NULL, KJ_KEY_OPT_PASSFILE }, \
	{ "tries", required_argument, NULL, KJ_KEY_OPT_TRIES }
int kj_key_opt(int c, const char *arg, struct kj_key_opts *k, int *bad);

/* A secret, for kj_seal_params_new or kj_img_unseal; kj_key_free wipes it. */
struct kj_key {
	struct kj_seal_secret s;
	uint8_t *buf;		/* sodium_malloc'd */
	size_t cap;
};
void kj_key_free(struct kj_key *k);

/* Read a key file (16 bytes to 1 MiB) or a passphrase file's first line. */
int kj_key_from_file(const char *path, bool passphrase, struct kj_key *k, struct kj_err *e);

/* Ask for a passphrase on the terminal with `prompt`; twice, compared,
 * when confirm. */
int kj_key_prompt(const char *prompt, bool confirm, struct kj_key *k, struct kj_err *e);

/* Is there a terminal to ask on (the controlling one or the console)? */
bool kj_key_can_prompt(void);

/*
 * A writer's --seal: the secret from ko (key file, passphrase file, or
 * the terminal, asked twice), Argon2id calibrated to about a second here
 * with at most mem_max bytes, a fresh salt, the master key. The secret is
 * wiped before this returns; *p is the caller's to wipe (sodium_memzero).
 */
/* The memory a writer lets Argon2id use: an eighth of what is available
 * here, within the writer's bounds (lib/seal.h). */
uint64_t kj_key_kdf_memory(void);
int kj_key_seal_params(const struct kj_key_opts *ko, uint64_t mem_max, bool quiet,
		       struct kj_seal_params *p, struct kj_err *e);

/*
 * A reader: when img (opened by kj_img_open) is sealed and can be opened,
 * get the key as ko says (else the terminal, up to ko->tries times on a
 * wrong passphrase) and kj_img_unseal it. `path` names the image in the
 * prompt. With `optional` (info without a terminal), no key given leaves img
 * at its public part and returns 0. Returns -1 with the reason otherwise.
 */
int kj_key_unseal(struct kj_img *img, const char *path, const struct kj_key_opts *ko,
		  bool optional, struct kj_err *e);

#endif
