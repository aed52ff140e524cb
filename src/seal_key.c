// SPDX-License-Identifier: GPL-2.0-or-later
/* The key of a sealed image, from a file or the terminal: see seal_key.h. */
#include "seal_key.h"
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include <sodium.h>

#include "../lib/image.h"
#include "../lib/memmap.h"

int kj_key_opt(int c, const char *arg, struct kj_key_opts *k, int *bad)
{
	uint64_t v;
	struct kj_err e;

	*bad = 0;
	switch (c) {
	case KJ_KEY_OPT_KEYFILE:
	case KJ_KEY_OPT_PASSFILE:
		/* one key: which of the two would win is no one's guess */
		if (c == KJ_KEY_OPT_KEYFILE ? k->passphrase_file != NULL : k->key_file != NULL) {
			kj_usage_error("give --key-file or --passphrase-file, not both: an "
				       "image is sealed with one or the other");
			*bad = 1;
		}
		if (c == KJ_KEY_OPT_KEYFILE)
			k->key_file = arg;
		else
			k->passphrase_file = arg;
		return 1;
	case KJ_KEY_OPT_TRIES:
		if (kj_parse_u64(arg, &v, &e) || !v || v > 100) {
			kj_usage_error("--tries wants 1 to 100, not '%s'", arg);
			*bad = 1;
		}
		k->tries = (unsigned)v;
		return 1;
	}
	return 0;
}

void kj_key_free(struct kj_key *k)
{
	if (k->buf)
		sodium_free(k->buf);	/* wipes it */
	memset(k, 0, sizeof(*k));
}

static int key_alloc(struct kj_key *k, size_t cap, struct kj_err *e)
{
	memset(k, 0, sizeof(*k));
	if (sodium_init() < 0)
		return kj_fail(e, EIO, "libsodium cannot start");
	k->buf = sodium_malloc(cap);
	if (!k->buf)
		return kj_fail(e, ENOMEM, "cannot allocate locked memory for the key");
	k->cap = cap;
	return 0;
}

int kj_key_from_file(const char *path, bool passphrase, struct kj_key *k, struct kj_err *e)
{
	size_t max = passphrase ? KJ_SEAL_PASSPHRASE_MAX : KJ_SEAL_KEYFILE_MAX, got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return kj_fail_errno(e, "cannot open the %s %s",
				     passphrase ? "passphrase file" : "key file", path);
	if (key_alloc(k, max + 1, e)) {
		close(fd);
		return -1;
	}
	while (got <= max && (r = read(fd, k->buf + got, max + 1 - got)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			kj_fail_errno(e, "cannot read the %s %s",
				      passphrase ? "passphrase file" : "key file", path);
			close(fd);
			kj_key_free(k);
			return -1;
		}
		got += (size_t)r;
	}
	close(fd);
	if (got > max) {
		kj_key_free(k);
		return kj_fail(e, EFBIG, "%s is larger than a %s (%zu bytes at most)", path,
			       passphrase ? "passphrase" : "key file", max);
	}
	if (passphrase) {
		uint8_t *nl = memchr(k->buf, '\n', got);

		if (nl)
			got = (size_t)(nl - k->buf);
		if (got && k->buf[got - 1] == '\r')
			got--;
		k->s.kind = KJ_SECRET_PASSPHRASE;
	} else {
		if (got < KJ_SEAL_KEYFILE_MIN) {
			kj_key_free(k);
			return kj_fail(e, EINVAL, "%s holds %zu bytes: a key file needs at "
				       "least %u", path, got, KJ_SEAL_KEYFILE_MIN);
		}
		k->s.kind = KJ_SECRET_KEYFILE;
	}
	k->s.bytes = k->buf;
	k->s.len = got;
	return 0;
}

/* The terminal to ask on: the controlling one, else the console (an
 * initramfs, a test guest). -1 when there is none. */
static int open_terminal(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
	return fd;
}

bool kj_key_can_prompt(void)
{
	int fd = open_terminal();

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int write_all(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t r = write(fd, s, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		s += r;
		n -= (size_t)r;
	}
	return 0;
}

/* One line from the terminal, echo off, into buf (NUL-free, no newline). */
static int read_line(int fd, const char *prompt, uint8_t *buf, size_t cap, size_t *len,
		     struct kj_err *e)
{
	struct termios old, quiet;
	bool have_tio = tcgetattr(fd, &old) == 0;
	size_t got = 0;
	bool done = false, toolong = false;

	if (have_tio) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
		quiet.c_lflag |= ICANON;
		/* TCSANOW, not TCSAFLUSH: a line already typed (or fed to a
		 * serial console) must not be thrown away */
		tcsetattr(fd, TCSANOW, &quiet);
	}
	if (write_all(fd, prompt)) {
		if (have_tio)
			tcsetattr(fd, TCSANOW, &old);
		return kj_fail_errno(e, "cannot write to the terminal");
	}
	while (!done) {
		uint8_t c;
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (c == '\n' || c == '\r') {
			done = true;
		} else if (got < cap) {
			buf[got++] = c;
		} else {
			toolong = true;
		}
	}
	if (have_tio)
		tcsetattr(fd, TCSANOW, &old);
	write_all(fd, "\n");
	if (!done && !got)
		return kj_fail(e, EIO, "no passphrase given (end of input on the terminal)");
	if (toolong)
		return kj_fail(e, EINVAL, "the passphrase is longer than %zu bytes", cap);
	*len = got;
	return 0;
}

int kj_key_prompt(const char *prompt, bool confirm, struct kj_key *k, struct kj_err *e)
{
	int fd = open_terminal();
	struct kj_key again = { 0 };
	int r = -1;

	if (fd < 0)
		return kj_fail(e, ENXIO, "no terminal to ask for the passphrase on: give "
			       "--key-file or --passphrase-file");
	if (key_alloc(k, KJ_SEAL_PASSPHRASE_MAX, e))
		goto out;
	if (read_line(fd, prompt, k->buf, k->cap, &k->s.len, e))
		goto out;
	k->s.kind = KJ_SECRET_PASSPHRASE;
	k->s.bytes = k->buf;
	if (confirm) {
		if (key_alloc(&again, KJ_SEAL_PASSPHRASE_MAX, e) ||
		    read_line(fd, "Again, to be sure: ", again.buf, again.cap, &again.s.len, e))
			goto out;
		if (again.s.len != k->s.len || sodium_memcmp(again.buf, k->buf, k->s.len)) {
			kj_fail(e, EINVAL, "the two passphrases differ");
			goto out;
		}
	}
	r = 0;
out:
	kj_key_free(&again);
	if (r)
		kj_key_free(k);
	close(fd);
	return r;
}

uint64_t kj_key_kdf_memory(void)
{
	uint64_t m = kj_meminfo_read_available() / 8;

	if (m > KJ_SEAL_WRITE_MAX_MEMLIMIT)
		m = KJ_SEAL_WRITE_MAX_MEMLIMIT;
	if (m < KJ_SEAL_WRITE_MIN_MEMLIMIT)
		m = KJ_SEAL_WRITE_MIN_MEMLIMIT;
	return m;
}

int kj_key_seal_params(const struct kj_key_opts *ko, uint64_t mem_max, bool quiet,
		       struct kj_seal_params *p, struct kj_err *e)
{
	struct kj_key k;
	uint64_t ops = 0, mem = 0;
	double took = 0, t0;
	int r;

	if (ko->key_file)
		r = kj_key_from_file(ko->key_file, false, &k, e);
	else if (ko->passphrase_file)
		r = kj_key_from_file(ko->passphrase_file, true, &k, e);
	else
		r = kj_key_prompt("Passphrase to seal the image with: ", true, &k, e);
	if (r)
		return -1;
	if (k.s.kind == KJ_SECRET_PASSPHRASE && !k.s.len) {
		kj_key_free(&k);
		return kj_fail(e, EINVAL, "an empty passphrase seals nothing");
	}
	if (k.s.kind == KJ_SECRET_PASSPHRASE &&
	    kj_seal_calibrate(1.0, mem_max, &ops, &mem, &took, e)) {
		kj_key_free(&k);
		return -1;
	}
	t0 = kj_now();
	r = kj_seal_params_new(p, &k.s, ops, mem, e);
	kj_key_free(&k);
	if (r)
		return -1;
	if (!quiet && p->kdf == KJ_SEAL_KDF_ARGON2ID)
		kj_info("sealing: key from the passphrase with Argon2id, %llu pass%s over "
			"%llu MiB (%.2f s here; resume takes as long to open it)",
			(unsigned long long)ops, ops == 1 ? "" : "es",
			(unsigned long long)(mem >> 20), kj_now() - t0);
	else if (!quiet)
		kj_info("sealing: key from the key file %s", ko->key_file);
	return 0;
}

int kj_key_unseal(struct kj_img *img, const char *path, const struct kj_key_opts *ko,
		  bool optional, struct kj_err *e)
{
	const struct kj_img_header *pub = &img->pub;
	unsigned tries = ko->tries ? ko->tries : 3;
	char prompt[512], uuid[37], kdf[96];
	struct kj_key k;

	if (!img->sealed || img->keys)
		return 0;
	if (pub->state == KJ_IMG_WRITING || pub->state == KJ_IMG_FAILED ||
	    !pub->seal.sealed_ok)
		return 0;	/* nothing sealed to open; img->problem says why */
	if (ko->key_file || ko->passphrase_file) {
		int r = kj_key_from_file(ko->key_file ? ko->key_file : ko->passphrase_file,
					 !ko->key_file, &k, e);

		if (r == 0 && k.s.kind == KJ_SECRET_PASSPHRASE && !k.s.len) {
			/* as the writers refuse it: not worth an Argon2id run,
			 * nor a "wrong passphrase" that hides the cause */
			kj_key_free(&k);
			r = kj_fail(e, EINVAL, "the first line of %s is empty: no image is "
				    "sealed with an empty passphrase", ko->passphrase_file);
		} else if (r == 0) {
			r = kj_img_unseal(img, &k.s, e);
			kj_key_free(&k);
		}
		return r ? kj_prefix(e, "%s", path) : 0;
	}
	if (optional)
		return 0;	/* info in a script: the public part */
	if (pub->seal.kdf != KJ_SEAL_KDF_ARGON2ID)
		return kj_fail(e, EACCES, "%s is sealed with a key file: give --key-file",
			       path);
	if (!kj_key_can_prompt())
		return kj_fail(e, EACCES, "%s is sealed with a passphrase and there is no "
			       "terminal to ask on: give --passphrase-file or --key-file",
			       path);
	snprintf(prompt, sizeof(prompt), "Passphrase for the kjump image %s on %s (%s): ",
		 kj_img_uuid_str(pub->uuid, uuid), path,
		 kj_seal_kdf_desc(&pub->seal, kdf, sizeof(kdf)));
	for (unsigned i = 1;; i++) {
		int r;

		if (kj_key_prompt(prompt, false, &k, e))
			return kj_prefix(e, "%s", path);
		/* an empty line: no image is sealed with an empty passphrase
		 * (the writers refuse it), so it costs no Argon2id run */
		if (k.s.len == 0) {
			kj_key_free(&k);
			r = kj_fail(e, EACCES, "no passphrase typed (an empty one seals "
				    "no image)");
		} else {
			r = kj_img_unseal(img, &k.s, e);
			kj_key_free(&k);
		}
		if (r == 0)
			return 0;
		if (e->code != EACCES || i >= tries)
			return kj_prefix(e, "%s", path);
		kj_info("%s: %s; try again (%u of %u)", path, e->msg, i + 1, tries);
	}
}
