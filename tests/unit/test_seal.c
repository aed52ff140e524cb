// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of sealed images (lib/seal.h, and the writer and reader
 * with a seal): round trips with a passphrase and a key file; a wrong
 * key; every byte of the header changed (its checksum fixed, as anyone
 * can); the index and chunks changed even past their checksums; chunks
 * replayed from another place or another image; truncation; state
 * rollback (allowed, and documented); hostile KDF limits; and the target
 * holding no trace of a secret the pages held.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "assert_text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "../../lib/image.h"
#include "../../lib/image_state.h"
#include "../../lib/seal.h"

#define NPAGES 40		/* 10 chunks of 4 pages */
#define CHUNK_PAGES 4
#define SECRET "kjump-test-secret-0123456789"

static const char pass[] = "correct horse battery staple";
static const uint8_t keyfile[32] = "0123456789abcdef0123456789abcdef";

static const struct kj_img_range memmap[] = {
	{ 0x100000, 0x10000000, 1, 0 },
};

static int tmp_fd(void)
{
	char path[] = "/tmp/kjump-test-seal-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	return fd;
}

static uint8_t *file_bytes(int fd, size_t *len)
{
	struct stat st;
	uint8_t *b;

	assert_int_equal(fstat(fd, &st), 0);
	*len = (size_t)st.st_size;
	b = malloc(*len);
	assert_non_null(b);
	assert_int_equal(kj_img_pread(fd, b, *len, 0, "test", NULL), 0);
	return b;
}

static void put_bytes(int fd, const void *b, size_t len, uint64_t off)
{
	assert_int_equal(kj_img_pwrite(fd, b, len, off, "test", NULL), 0);
}

/* Page i: random (so chunks do not compress and all have one size),
 * zero for every 7th, the secret string repeated in page 5. */
static void page(uint8_t *p, unsigned i, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + i + 1;

	if (i % 7 == 6) {
		memset(p, 0, KJ_IMG_PAGE_SIZE);
		return;
	}
	for (size_t k = 0; k < KJ_IMG_PAGE_SIZE; k += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(p + k, &x, 8);
	}
	if (i == 5)
		for (size_t k = 0; k + sizeof(SECRET) < KJ_IMG_PAGE_SIZE; k += 512)
			memcpy(p + k, SECRET, sizeof(SECRET) - 1);
}

/* The cipher make_image seals with; 0: the writer's choice. */
static uint32_t use_aead;

/* An image on a new temporary file: sealed with `secret` (NULL: plain). */
static int make_image(const struct kj_seal_secret *secret, uint64_t seed)
{
	struct kj_seal_params sp;
	struct kj_img_writer_opts o = {
		.threads = 2, .chunk_pages = CHUNK_PAGES, .kind = KJ_IMG_HIBERNATION,
		.release = "6.12.0-test", .machine = "x86_64",
		.jump_back_entry = 0x1234000, .ram_bytes = 1 << 28,
	};
	struct kj_img_writer *w;
	struct kj_err e;
	uint8_t p[KJ_IMG_PAGE_SIZE];
	int fd = tmp_fd();

	if (secret) {
		/* the smallest Argon2id: tests derive keys thousands of times */
		assert_int_equal(kj_seal_params_new(&sp, secret, 1, 64 << 10, &e), 0);
		sp.aead = use_aead;
		o.seal = &sp;
	}
	assert_int_equal(kj_img_writer_open(&w, fd, 0, &o, &e), 0);
	for (unsigned i = 0; i < NPAGES; i++) {
		page(p, i, seed);
		assert_int_equal(kj_img_writer_add(w, 0x200 + i, p, &e), 0);
	}
	assert_int_equal(kj_img_writer_set_memmap(w, memmap, 1, &e), 0);
	kj_img_writer_set_counts(w, 0xff00, 100, 0);
	assert_int_equal(kj_img_writer_finish(w, NULL, &e), 0);
	return fd;
}

static const struct kj_seal_secret s_pass = {
	KJ_SECRET_PASSPHRASE, (const uint8_t *)pass, sizeof(pass) - 1 };
static const struct kj_seal_secret s_key = { KJ_SECRET_KEYFILE, keyfile, sizeof(keyfile) };

/* Open fd and unseal it with s: -1, or 0 with *complete. */
static int open_unseal(int fd, const struct kj_seal_secret *s, struct kj_img *img,
		       struct kj_err *e)
{
	if (kj_img_open(img, fd, 0, e))
		return -1;
	if (kj_img_unseal(img, s, e)) {
		kj_img_close(img);
		return -1;
	}
	return 0;
}

/* Open, unseal, verify: 0 only if everything passes. */
static int usable(int fd, const struct kj_seal_secret *s, struct kj_err *e)
{
	struct kj_img img;
	int r;

	if (open_unseal(fd, s, &img, e))
		return -1;
	r = img.complete ? kj_img_verify(&img, NULL, NULL, NULL, e) : -1;
	kj_img_close(&img);
	return r;
}

static void test_roundtrip_passphrase(void **state)
{
	int fd = make_image(&s_pass, 1);
	struct kj_img img;
	struct kj_err e;
	uint8_t out[CHUNK_PAGES * KJ_IMG_PAGE_SIZE], want[KJ_IMG_PAGE_SIZE];

	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	assert_true(img.sealed);
	assert_false(img.complete);
	assert_contains(img.problem, "sealed with a passphrase (argon2id, 1 pass");
	/* the public header says nothing private */
	assert_int_equal(img.hdr.jump_back_entry, 0);
	assert_string_equal(img.hdr.release, "");
	assert_int_equal(img.hdr.pages_data, 0);
	assert_int_equal(img.hdr.kind, KJ_IMG_HIBERNATION);
	assert_int_equal(img.hdr.state, KJ_IMG_COMPLETE);

	assert_int_equal(kj_img_unseal(&img, &s_pass, &e), 0);
	assert_true(img.complete);
	assert_int_equal(img.hdr.jump_back_entry, 0x1234000);
	assert_string_equal(img.hdr.release, "6.12.0-test");
	assert_int_equal(img.hdr.pages_data + img.hdr.pages_zero, NPAGES);
	assert_int_equal(kj_img_verify(&img, NULL, NULL, NULL, &e), 0);
	/* chunk 1's first page is stream page 4: pfn 0x204 */
	assert_int_equal(kj_img_read_chunk(&img, 1, out, &e), 0);
	page(want, 4, 1);
	assert_memory_equal(out, want, KJ_IMG_PAGE_SIZE);
	assert_int_equal(kj_img_check_resumable(&img, &e), 0);
	kj_img_close(&img);
	close(fd);
}

static void test_roundtrip_keyfile(void **state)
{
	int fd = make_image(&s_key, 2);
	struct kj_img img;
	struct kj_err e;

	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	assert_contains(img.problem, "sealed with a key file");
	assert_int_equal(kj_img_unseal(&img, &s_pass, &e), -1);
	assert_contains(e.msg, "sealed with a key file, not a passphrase");
	assert_int_equal(kj_img_unseal(&img, &s_key, &e), 0);
	assert_true(img.complete);
	kj_img_close(&img);
	assert_int_equal(usable(fd, &s_key, &e), 0);
	close(fd);
}

static void test_wrong_key(void **state)
{
	static const char wrong[] = "correct horse battery stapler";
	static const uint8_t other[32] = "0123456789abcdef0123456789abcdeF";
	const struct kj_seal_secret s_wrong = { KJ_SECRET_PASSPHRASE,
		(const uint8_t *)wrong, sizeof(wrong) - 1 };
	const struct kj_seal_secret s_other = { KJ_SECRET_KEYFILE, other, sizeof(other) };
	int fd = make_image(&s_pass, 3), fk = make_image(&s_key, 3);
	struct kj_err e;

	assert_int_equal(usable(fd, &s_wrong, &e), -1);
	assert_int_equal(e.code, EACCES);
	assert_contains(e.msg, "wrong passphrase or key");
	assert_int_equal(usable(fk, &s_other, &e), -1);
	assert_contains(e.msg, "wrong passphrase or key");
	/* an empty passphrase is a passphrase too, and wrong */
	const struct kj_seal_secret s_empty = { KJ_SECRET_PASSPHRASE, (const uint8_t *)"", 0 };
	assert_int_equal(usable(fd, &s_empty, &e), -1);
	close(fd);
	close(fk);
}

/* Fields anyone may change without the key (docs/sealing.md). */
static bool mutable_byte(size_t i)
{
#define IN(f) (i >= offsetof(struct kj_img_header, f) && \
	       i < offsetof(struct kj_img_header, f) + sizeof(((struct kj_img_header *)0)->f))
	return IN(state) || IN(consumed) || IN(fail_reason) || IN(header_xxh64);
#undef IN
}

static void test_header_every_byte(void **state)
{
	int fd = make_image(&s_pass, 4);
	struct kj_img_header orig, h;
	struct kj_err e;
	unsigned refused = 0, passed = 0;

	assert_int_equal(kj_img_pread(fd, &orig, sizeof(orig), 0, "test", NULL), 0);
	for (size_t i = 0; i < sizeof(orig); i++) {
		if (mutable_byte(i))
			continue;
		h = orig;
		((uint8_t *)&h)[i] ^= 0x10;
		h.header_xxh64 = kj_img_header_hash(&h);	/* anyone can */
		put_bytes(fd, &h, sizeof(h), 0);
		if (usable(fd, &s_pass, &e) == 0) {
			passed++;
			print_message("header byte %zu changed, image still accepted\n", i);
		} else {
			refused++;
		}
	}
	assert_int_equal(passed, 0);
	assert_true(refused > 3000);
	put_bytes(fd, &orig, sizeof(orig), 0);
	assert_int_equal(usable(fd, &s_pass, &e), 0);
	close(fd);
}

/* The state is public and not authenticated: rolling it back is
 * possible without the key, and what stops the harm is elsewhere
 * (docs/sealing.md: the filesystem fingerprints). */
static void test_state_rollback(void **state)
{
	int fd = make_image(&s_pass, 5);
	struct kj_img img;
	struct kj_err e;

	assert_int_equal(kj_img_set_state(fd, KJ_IMG_CONSUMED, &e), 0);
	assert_int_equal(open_unseal(fd, &s_pass, &img, &e), 0);
	assert_true(img.complete);
	assert_int_equal(kj_img_check_resumable(&img, &e), -1);
	assert_contains(e.msg, "already resumed");
	kj_img_close(&img);
	assert_int_equal(kj_img_set_state(fd, KJ_IMG_COMPLETE, &e), 0);
	assert_int_equal(open_unseal(fd, &s_pass, &img, &e), 0);
	assert_int_equal(kj_img_check_resumable(&img, &e), 0);
	kj_img_close(&img);
	close(fd);
}

/* Re-seal the header around a changed index (as only the key holder
 * could): the index's own tag must still catch the change. */
static void test_index_every_byte(void **state)
{
	int fd = make_image(&s_pass, 6);
	struct kj_img img;
	struct kj_err e;
	struct kj_img_header full, orig_pub, sealed;
	uint8_t *ix;
	uint64_t off, len;

	assert_int_equal(open_unseal(fd, &s_pass, &img, &e), 0);
	assert_true(img.complete);
	full = img.hdr;
	orig_pub = img.pub;
	off = full.index_offset;
	len = full.index_size;
	ix = malloc(len);
	assert_non_null(ix);
	assert_int_equal(kj_img_pread(fd, ix, len, off, "test", NULL), 0);
	for (uint64_t i = 0; i < len; i++) {
		struct kj_img t;

		ix[i] ^= 0x01;
		put_bytes(fd, ix + i, 1, off + i);
		full.index_xxh64 = XXH64(ix, len, 0);
		full.state = KJ_IMG_COMPLETE;
		assert_int_equal(kj_seal_header(img.keys, &full, &sealed, &e), 0);
		put_bytes(fd, &sealed, sizeof(sealed), 0);
		assert_int_equal(open_unseal(fd, &s_pass, &t, &e), 0);
		assert_false(t.complete);
		assert_contains(t.problem, "the index does not authenticate");
		kj_img_close(&t);
		ix[i] ^= 0x01;
		put_bytes(fd, ix + i, 1, off + i);
	}
	put_bytes(fd, &orig_pub, sizeof(orig_pub), 0);
	assert_int_equal(usable(fd, &s_pass, &e), 0);
	free(ix);
	kj_img_close(&img);
	close(fd);
}

/* Chunk idx's stored bytes. */
static uint8_t *chunk_bytes(const struct kj_img *img, uint64_t idx)
{
	const struct kj_img_chunk *c = &img->chunk[idx];
	uint8_t *b = malloc(c->csize);

	assert_non_null(b);
	assert_int_equal(kj_img_pread(img->fd, b, c->csize, c->offset, "test", NULL), 0);
	return b;
}

/* The reader's index is in memory: change a chunk's checksum there, so
 * that only the AEAD stands between a changed byte and the pages. */
static struct kj_img_chunk *chunk_rw(struct kj_img *img, uint64_t idx)
{
	return (struct kj_img_chunk *)&img->chunk[idx];
}

static void test_chunk_every_byte(void **state)
{
	int fd = make_image(&s_pass, 7);
	struct kj_img img;
	struct kj_err e;

	assert_int_equal(open_unseal(fd, &s_pass, &img, &e), 0);
	uint8_t *b = chunk_bytes(&img, 2), *t = malloc(img.chunk[2].csize);
	uint32_t n = img.chunk[2].csize;
	uint64_t keep = img.chunk[2].xxh64;

	assert_non_null(t);
	for (uint32_t i = 0; i < n; i += (i < 64 || i + 64 > n) ? 1 : 61) {
		memcpy(t, b, n);
		t[i] ^= 0x80;
		chunk_rw(&img, 2)->xxh64 = XXH64(t, n, 0);
		assert_int_equal(kj_img_check_frame(&img, 2, t, &e), -1);
		assert_contains(e.msg, "does not authenticate");
	}
	/* the tag itself */
	chunk_rw(&img, 2)->xxh64 = keep;
	((struct kj_img_tag *)img.tags)[2].tag[7] ^= 1;
	memcpy(t, b, n);
	assert_int_equal(kj_img_check_frame(&img, 2, t, &e), -1);
	assert_contains(e.msg, "does not authenticate");
	((struct kj_img_tag *)img.tags)[2].tag[7] ^= 1;
	memcpy(t, b, n);
	assert_int_equal(kj_img_check_frame(&img, 2, t, &e), 0);
	/* decrypted in place: a zstd frame now */
	assert_int_equal(t[0], 0x28);
	/* and on the target, without the index changed: the checksum */
	b[100] ^= 1;
	put_bytes(fd, b, 1 + 100, img.chunk[2].offset);
	assert_int_equal(kj_img_verify(&img, NULL, NULL, NULL, &e), -1);
	assert_contains(e.msg, "chunk 2 of 9");
	free(b);
	free(t);
	kj_img_close(&img);
	close(fd);
}

/* A chunk (with its tag and checksum) moved to another place of the same
 * image, or taken from another image under the same passphrase. */
static void test_chunk_replay(void **state)
{
	int fd = make_image(&s_pass, 8), other = make_image(&s_pass, 8);
	struct kj_img img, oimg;
	struct kj_err e;

	assert_int_equal(open_unseal(fd, &s_pass, &img, &e), 0);
	assert_int_equal(open_unseal(other, &s_pass, &oimg, &e), 0);
	assert_int_equal(img.chunk[1].csize, img.chunk[3].csize);
	/* chunk 3's bytes, tag and checksum in chunk 1's place */
	uint8_t *b = chunk_bytes(&img, 3);

	chunk_rw(&img, 1)->xxh64 = img.chunk[3].xxh64;
	memcpy(((struct kj_img_tag *)img.tags)[1].tag, img.tags[3].tag, 16);
	assert_int_equal(kj_img_check_frame(&img, 1, b, &e), -1);
	assert_contains(e.msg, "does not authenticate");
	free(b);
	/* the other image's chunk 1 (same pages, same passphrase) */
	assert_int_equal(oimg.chunk[1].csize, img.chunk[1].csize);
	b = chunk_bytes(&oimg, 1);
	chunk_rw(&img, 1)->xxh64 = oimg.chunk[1].xxh64;
	memcpy(((struct kj_img_tag *)img.tags)[1].tag, oimg.tags[1].tag, 16);
	assert_int_equal(kj_img_check_frame(&img, 1, b, &e), -1);
	assert_contains(e.msg, "does not authenticate");
	free(b);
	/* the other image's header, on this image's data */
	struct kj_img_header oh;

	assert_int_equal(kj_img_pread(other, &oh, sizeof(oh), 0, "test", NULL), 0);
	put_bytes(fd, &oh, sizeof(oh), 0);
	assert_int_equal(usable(fd, &s_pass, &e), -1);
	/* and the other image's index too: then chunk 0 fails (its
	 * checksum already, its tag if the checksum were forged too) */
	uint8_t *ix = malloc(oimg.hdr.index_size);

	assert_non_null(ix);
	assert_int_equal(kj_img_pread(other, ix, oimg.hdr.index_size, oimg.hdr.index_offset,
				      "test", NULL), 0);
	assert_int_equal(oimg.hdr.index_offset, img.hdr.index_offset);
	put_bytes(fd, ix, oimg.hdr.index_size, oimg.hdr.index_offset);
	assert_int_equal(usable(fd, &s_pass, &e), -1);
	assert_contains(e.msg, "chunk 0 of 9");
	free(ix);
	kj_img_close(&img);
	kj_img_close(&oimg);
	close(fd);
	close(other);
}

static void test_truncated(void **state)
{
	int fd = make_image(&s_pass, 9);
	struct kj_img img;
	struct kj_err e;
	size_t len;
	uint8_t *all = file_bytes(fd, &len);
	const size_t cuts[] = { len - 1, len - 200, len / 2, 1 << 20, 4096 + 1, 4096, 100, 0 };

	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		int t = tmp_fd();

		if (cuts[i])
			put_bytes(t, all, cuts[i], 0);
		if (kj_img_open(&img, t, 0, &e) == 0) {
			/* the header is there: the rest must be missing */
			int r = kj_img_unseal(&img, &s_pass, &e);

			assert_true(r == -1 || !img.complete);
			kj_img_close(&img);
		}
		close(t);
	}
	free(all);
	close(fd);
}

/* What B leaves on the target holds none of A's secret: the sealed
 * image's bytes do not contain the string; the plain image's do. */
static void test_no_plaintext(void **state)
{
	int sealed = make_image(&s_pass, 10), plain = make_image(NULL, 10);
	size_t ls, lp;
	uint8_t *bs = file_bytes(sealed, &ls), *bp = file_bytes(plain, &lp);

	assert_null(memmem(bs, ls, SECRET, sizeof(SECRET) - 1));
	assert_non_null(memmem(bp, lp, SECRET, sizeof(SECRET) - 1));
	assert_null(memmem(bs, ls, "6.12.0-test", 11));
	free(bs);
	free(bp);
	close(sealed);
	close(plain);
}

/* Hostile KDF limits are refused before anything is allocated. */
static void test_hostile_kdf(void **state)
{
	int fd = make_image(&s_pass, 11);
	struct kj_img_header orig, h;
	struct kj_img img;
	struct kj_err e;

	assert_int_equal(kj_img_pread(fd, &orig, sizeof(orig), 0, "test", NULL), 0);
	h = orig;
	h.seal.memlimit = 1ULL << 40;
	h.header_xxh64 = kj_img_header_hash(&h);
	put_bytes(fd, &h, sizeof(h), 0);
	assert_int_equal(kj_img_open(&img, fd, 0, &e), -1);
	assert_contains(e.msg, "Argon2id with 1 passes and 1073741824 KiB");
	h = orig;
	h.seal.opslimit = 1000000;
	h.header_xxh64 = kj_img_header_hash(&h);
	put_bytes(fd, &h, sizeof(h), 0);
	assert_int_equal(kj_img_open(&img, fd, 0, &e), -1);
	h = orig;
	h.seal.kdf = 9;
	h.header_xxh64 = kj_img_header_hash(&h);
	put_bytes(fd, &h, sizeof(h), 0);
	assert_int_equal(kj_img_open(&img, fd, 0, &e), -1);
	assert_contains(e.msg, "key derivation 9");
	close(fd);

	assert_int_equal(kj_seal_check_kdf(KJ_SEAL_KDF_KEYFILE, 1, 0, &e), -1);
	assert_int_equal(kj_seal_check_kdf(KJ_SEAL_KDF_ARGON2ID, 3, 64 << 20, &e), 0);
	assert_int_equal(kj_seal_check_kdf(KJ_SEAL_KDF_ARGON2ID, 0, 64 << 20, &e), -1);
}

static void test_params_wire(void **state)
{
	struct kj_seal_params p, q;
	uint8_t w[KJ_SEAL_PARAMS_WIRE];
	struct kj_err e;

	assert_int_equal(kj_seal_params_new(&p, &s_pass, 2, 1 << 20, &e), 0);
	kj_seal_params_encode(&p, w);
	assert_int_equal(kj_seal_params_decode(w, sizeof(w), &q, &e), 0);
	assert_memory_equal(&p, &q, sizeof(p));
	assert_int_equal(kj_seal_params_decode(w, sizeof(w) - 1, &q, &e), -1);
	w[0] ^= 1;
	assert_int_equal(kj_seal_params_decode(w, sizeof(w), &q, &e), -1);
	/* a fresh salt each time: another master key from the same passphrase */
	assert_int_equal(kj_seal_params_new(&q, &s_pass, 2, 1 << 20, &e), 0);
	assert_memory_not_equal(p.salt, q.salt, 16);
	assert_memory_not_equal(p.master, q.master, 32);
	/* the master key opens what the passphrase sealed (A and B use it) */
	int fd = make_image(&s_key, 12);
	struct kj_img img;
	uint8_t master[32];

	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	assert_int_equal(kj_seal_master(img.pub.seal.kdf, 0, 0, img.pub.seal.salt, &s_key,
					master, &e), 0);
	kj_img_close(&img);
	const struct kj_seal_secret s_master = { KJ_SECRET_MASTER, master, 32 };
	assert_int_equal(usable(fd, &s_master, &e), 0);
	close(fd);
	/* key files: too short is refused */
	const struct kj_seal_secret s_short = { KJ_SECRET_KEYFILE, keyfile, 8 };
	assert_int_equal(kj_seal_params_new(&q, &s_short, 0, 0, &e), -1);
}

/* How info and the prompts name a seal: whole MiB as kjump writes them,
 * else KiB (a reader takes any whole KiB; "0 MiB" was printed before). */
static void test_kdf_desc(void **state)
{
	struct kj_img_seal s = { .kdf = KJ_SEAL_KDF_ARGON2ID, .opslimit = 3,
				 .memlimit = 19ULL << 20 };
	char buf[96];

	assert_string_equal(kj_seal_kdf_desc(&s, buf, sizeof(buf)),
			    "passphrase (argon2id, 3 passes, 19 MiB)");
	s.opslimit = 1;
	s.memlimit = 64 << 10;
	assert_string_equal(kj_seal_kdf_desc(&s, buf, sizeof(buf)),
			    "passphrase (argon2id, 1 pass, 64 KiB)");
	s.memlimit = (1ULL << 20) + 8192;
	assert_string_equal(kj_seal_kdf_desc(&s, buf, sizeof(buf)),
			    "passphrase (argon2id, 1 pass, 1032 KiB)");
	s = (struct kj_img_seal){ .kdf = KJ_SEAL_KDF_KEYFILE };
	assert_string_equal(kj_seal_kdf_desc(&s, buf, sizeof(buf)), "key file");
	s.kdf = 77;
	assert_string_equal(kj_seal_kdf_desc(&s, buf, sizeof(buf)), "unknown key derivation 77");
}

static void test_calibrate(void **state)
{
	uint64_t ops, mem;
	double took;
	struct kj_err e;

	assert_int_equal(kj_seal_calibrate(0.05, 8 << 20, &ops, &mem, &took, &e), 0);
	assert_true(ops >= 1 && ops <= KJ_SEAL_WRITE_MAX_OPSLIMIT);
	assert_int_equal(mem, KJ_SEAL_WRITE_MIN_MEMLIMIT);
	assert_int_equal(kj_seal_check_kdf(KJ_SEAL_KDF_ARGON2ID, ops, mem, &e), 0);
}

/* Both ciphers: the writer's choice here, and each forced. */
static void test_ciphers(void **state)
{
	const uint32_t all[] = { KJ_SEAL_XCHACHA20POLY1305, KJ_SEAL_AES256GCM };
	static const char wrong[] = "wrong";
	const struct kj_seal_secret s_wrong = { KJ_SECRET_PASSPHRASE,
		(const uint8_t *)wrong, 5 };
	struct kj_err e;

	for (size_t i = 0; i < 2; i++) {
		struct kj_img img;
		int fd;

		if (all[i] == KJ_SEAL_AES256GCM && kj_seal_best_aead() != KJ_SEAL_AES256GCM) {
			print_message("no AES-NI here: AES-256-GCM not tested\n");
			continue;
		}
		use_aead = all[i];
		fd = make_image(&s_pass, 20 + i);
		use_aead = 0;
		assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
		assert_int_equal(img.pub.seal.aead, all[i]);
		kj_img_close(&img);
		assert_int_equal(usable(fd, &s_pass, &e), 0);
		assert_int_equal(usable(fd, &s_wrong, &e), -1);
		assert_contains(e.msg, "wrong passphrase or key");
		/* a chunk byte, its checksum fixed in memory */
		assert_int_equal(open_unseal(fd, &s_pass, &img, &e), 0);
		uint8_t *b = chunk_bytes(&img, 0);

		b[9] ^= 4;
		chunk_rw(&img, 0)->xxh64 = XXH64(b, img.chunk[0].csize, 0);
		assert_int_equal(kj_img_check_frame(&img, 0, b, &e), -1);
		assert_contains(e.msg, "does not authenticate");
		free(b);
		kj_img_close(&img);
		close(fd);
	}
	assert_int_equal(kj_seal_best_aead() == KJ_SEAL_AES256GCM ||
			 kj_seal_best_aead() == KJ_SEAL_XCHACHA20POLY1305, 1);
}

/* The unsealed format is unchanged: no tags section, version 1. */
static void test_plain_unchanged(void **state)
{
	int fd = make_image(NULL, 13);
	struct kj_img img;
	struct kj_err e;

	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	assert_false(img.sealed);
	assert_true(img.complete);
	assert_int_equal(img.hdr.version, KJ_IMG_VERSION);
	assert_null(img.tags);
	assert_int_equal(kj_img_unseal(&img, &s_pass, &e), -1);
	assert_int_equal(kj_img_verify(&img, NULL, NULL, NULL, &e), 0);
	kj_img_close(&img);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_passphrase),
		cmocka_unit_test(test_roundtrip_keyfile),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_header_every_byte),
		cmocka_unit_test(test_state_rollback),
		cmocka_unit_test(test_index_every_byte),
		cmocka_unit_test(test_chunk_every_byte),
		cmocka_unit_test(test_chunk_replay),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_no_plaintext),
		cmocka_unit_test(test_hostile_kdf),
		cmocka_unit_test(test_params_wire),
		cmocka_unit_test(test_kdf_desc),
		cmocka_unit_test(test_calibrate),
		cmocka_unit_test(test_plain_unchanged),
		cmocka_unit_test(test_ciphers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
