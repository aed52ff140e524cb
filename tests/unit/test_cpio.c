// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/cpio.c, the "newc" initramfs writer.
 *
 * A strict reader written here parses what kj_cpio_add/kj_cpio_finish
 * produce: the "070701" magic, 13 fields of 8 upper-case hex digits, the
 * name (NUL included) padded to 4 bytes from the start of the entry, the
 * data padded to 4, and TRAILER!!! as the last entry ending the archive.
 * Checked: names, modes (directory, regular file, character device),
 * rdev major/minor of device nodes, link counts, distinct inode numbers,
 * file contents of every length mod 4, zeroed padding; refusals (name too
 * long, file too large). The system's cpio (GNU or compatible), when
 * installed, must list the same names, show the device node's type and
 * numbers, and extract a file's bytes unchanged; skipped if absent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/cpio.h"

struct entry {
	char name[4100];
	uint32_t ino, mode, uid, gid, nlink, mtime, filesize;
	uint32_t devmajor, devminor, rdevmajor, rdevminor, namesize, check;
	const uint8_t *data;
};

static bool hexfield(const uint8_t *p, uint32_t *v)
{
	uint32_t x = 0;

	for (int i = 0; i < 8; i++) {
		int c = p[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;	/* the writer uses upper case only */
		x = x << 4 | (uint32_t)d;
	}
	*v = x;
	return true;
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* Read the archive into `out` (at most max entries, trailer included).
 * Fails the test on any violation of the format. */
static size_t read_newc(const uint8_t *p, size_t len, struct entry *out, size_t max)
{
	size_t at = 0, n = 0;

	assert_int_equal(len % 4, 0);
	for (;;) {
		struct entry *en = &out[n];
		uint32_t *f[13] = { &en->ino, &en->mode, &en->uid, &en->gid, &en->nlink,
				    &en->mtime, &en->filesize, &en->devmajor, &en->devminor,
				    &en->rdevmajor, &en->rdevminor, &en->namesize, &en->check };

		assert_true(n < max);
		assert_int_equal(at % 4, 0);
		assert_true(len - at >= 110);
		assert_memory_equal(p + at, "070701", 6);
		for (int i = 0; i < 13; i++)
			if (!hexfield(p + at + 6 + 8 * i, f[i]))
				fail_msg("entry %zu: field %d is not 8 hex digits", n, i);
		assert_true(en->namesize >= 2 && en->namesize <= sizeof(en->name));
		assert_true(len - at - 110 >= en->namesize);
		assert_int_equal(p[at + 110 + en->namesize - 1], 0);
		memcpy(en->name, p + at + 110, en->namesize);
		assert_int_equal(strlen(en->name) + 1, en->namesize);
		/* padding after the name: zeros, up to a multiple of 4 */
		for (size_t k = 110 + en->namesize; k < pad4(110 + en->namesize); k++)
			assert_int_equal(p[at + k], 0);
		at += pad4(110 + en->namesize);
		assert_true(len - at >= pad4(en->filesize));
		en->data = p + at;
		for (size_t k = en->filesize; k < pad4(en->filesize); k++)
			assert_int_equal(p[at + k], 0);
		at += pad4(en->filesize);
		n++;
		if (!strcmp(en->name, "TRAILER!!!"))
			break;
	}
	assert_int_equal(at, len);	/* nothing after the trailer */
	return n;
}

/* --- the archive kjump builds --------------------------------------------- */

#define INIT_LEN 10001

struct built {
	struct kj_cpio c;
	uint8_t *init;
	uint8_t small[3];
};

static void build(struct built *b)
{
	struct kj_err e = { 0 };

	memset(b, 0, sizeof(*b));
	b->init = malloc(INIT_LEN);
	assert_non_null(b->init);
	for (size_t i = 0; i < INIT_LEN; i++)
		b->init[i] = (uint8_t)(i * 131 + 7);
	memcpy(b->small, "ab\n", 3);
	assert_int_equal(kj_cpio_add(&b->c, "dev", 040755, 0, 0, NULL, 0, &e), 0);
	assert_int_equal(kj_cpio_add(&b->c, "dev/console", 020600, 5, 1, NULL, 0, &e), 0);
	assert_int_equal(kj_cpio_add(&b->c, "dev/null", 020666, 1, 3, NULL, 0, &e), 0);
	assert_int_equal(kj_cpio_add(&b->c, "dev/nvme0n1", 060600, 259, 0x12345, NULL, 0,
				     &e), 0);
	assert_int_equal(kj_cpio_add(&b->c, "proc", 040555, 0, 0, NULL, 0, &e), 0);
	assert_int_equal(kj_cpio_add(&b->c, "init", 0100755, 0, 0, b->init, INIT_LEN, &e), 0);
	assert_int_equal(kj_cpio_add(&b->c, "etc", 040755, 0, 0, NULL, 0, &e), 0);
	assert_int_equal(kj_cpio_add(&b->c, "etc/a", 0100644, 0, 0, b->small, 1, &e), 0);
	assert_int_equal(kj_cpio_add(&b->c, "etc/ab", 0100644, 0, 0, b->small, 2, &e), 0);
	assert_int_equal(kj_cpio_add(&b->c, "etc/abc", 0100644, 0, 0, b->small, 3, &e), 0);
	assert_int_equal(kj_cpio_add(&b->c, "etc/empty", 0100600, 0, 0, NULL, 0, &e), 0);
	assert_int_equal(kj_cpio_finish(&b->c, &e), 0);
}

static void unbuild(struct built *b)
{
	kj_cpio_free(&b->c);
	assert_null(b->c.p);
	assert_int_equal(b->c.len, 0);
	free(b->init);
}

static const struct {
	const char *name;
	uint32_t mode, rmaj, rmin, nlink, size;
} expect[] = {
	{ "dev", 040755, 0, 0, 2, 0 },
	{ "dev/console", 020600, 5, 1, 1, 0 },
	{ "dev/null", 020666, 1, 3, 1, 0 },
	{ "dev/nvme0n1", 060600, 259, 0x12345, 1, 0 },
	{ "proc", 040555, 0, 0, 2, 0 },
	{ "init", 0100755, 0, 0, 1, INIT_LEN },
	{ "etc", 040755, 0, 0, 2, 0 },
	{ "etc/a", 0100644, 0, 0, 1, 1 },
	{ "etc/ab", 0100644, 0, 0, 1, 2 },
	{ "etc/abc", 0100644, 0, 0, 1, 3 },
	{ "etc/empty", 0100600, 0, 0, 1, 0 },
	{ "TRAILER!!!", 0, 0, 0, 1, 0 },
};
#define NEXPECT (sizeof(expect) / sizeof(expect[0]))

static void test_archive(void **state)
{
	struct built b;
	struct entry *en = calloc(32, sizeof(*en));
	size_t n;

	assert_non_null(en);
	build(&b);
	n = read_newc(b.c.p, b.c.len, en, 32);
	assert_int_equal(n, NEXPECT);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(en[i].name, expect[i].name);
		assert_int_equal(en[i].mode, expect[i].mode);
		assert_int_equal(en[i].rdevmajor, expect[i].rmaj);
		assert_int_equal(en[i].rdevminor, expect[i].rmin);
		assert_int_equal(en[i].nlink, expect[i].nlink);
		assert_int_equal(en[i].filesize, expect[i].size);
		assert_int_equal(en[i].uid, 0);
		assert_int_equal(en[i].gid, 0);
		assert_int_equal(en[i].devmajor, 0);
		assert_int_equal(en[i].devminor, 0);
		assert_int_equal(en[i].check, 0);
		/* inode numbers: distinct, so no two entries become hard links */
		for (size_t j = 0; j < i; j++)
			assert_int_not_equal(en[i].ino, en[j].ino);
	}
	/* the device nodes, as the kernel's initramfs unpacker reads them */
	assert_true(S_ISCHR(en[1].mode));
	assert_int_equal(en[1].mode & 07777, 0600);
	assert_true(S_ISCHR(en[2].mode));
	assert_true(S_ISBLK(en[3].mode));
	assert_true(S_ISDIR(en[0].mode));
	assert_true(S_ISREG(en[5].mode));
	/* contents */
	assert_memory_equal(en[5].data, b.init, INIT_LEN);
	assert_memory_equal(en[7].data, "a", 1);
	assert_memory_equal(en[8].data, "ab", 2);
	assert_memory_equal(en[9].data, "ab\n", 3);
	free(en);
	unbuild(&b);
}

/* The exact bytes of one small entry. */
static void test_bytes(void **state)
{
	struct kj_cpio c = { 0 };
	struct kj_err e = { 0 };
	static const char want[] =
		"070701" "00000001" "000081A4" "00000000" "00000000" "00000001"
		"00000000" "00000005" "00000000" "00000000" "00000000" "00000000"
		"00000003" "00000000" "hi\0" "\0\0\0" "hello" "\0\0\0";

	assert_int_equal(kj_cpio_add(&c, "hi", 0100644, 0, 0, "hello", 5, &e), 0);
	assert_int_equal(c.len, 124);
	assert_int_equal(sizeof(want) - 1, 124);
	assert_memory_equal(c.p, want, 124);
	kj_cpio_free(&c);
}

/* Names of every length mod 4 and data of every length mod 4. */
static void test_padding(void **state)
{
	struct kj_cpio c = { 0 };
	struct kj_err e = { 0 };
	struct entry *en = calloc(40, sizeof(*en));
	uint8_t data[16];
	char name[16];
	size_t n, k = 0;

	assert_non_null(en);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(0xa0 + i);
	for (int nl = 1; nl <= 6; nl++)
		for (int dl = 0; dl <= 5; dl++) {
			memset(name, 'a' + dl, sizeof(name));
			name[nl] = 0;
			assert_int_equal(kj_cpio_add(&c, name, 0100644, 0, 0, data,
						     (size_t)dl, &e), 0);
		}
	assert_int_equal(kj_cpio_finish(&c, &e), 0);
	n = read_newc(c.p, c.len, en, 40);
	assert_int_equal(n, 37);
	for (int nl = 1; nl <= 6; nl++)
		for (int dl = 0; dl <= 5; dl++, k++) {
			assert_int_equal(strlen(en[k].name), nl);
			assert_int_equal(en[k].name[0], 'a' + dl);
			assert_int_equal(en[k].filesize, dl);
			assert_memory_equal(en[k].data, data, dl);
		}
	free(en);
	kj_cpio_free(&c);
}

/* An archive larger than the first allocation, growing several times. */
static void test_growth(void **state)
{
	struct kj_cpio c = { 0 };
	struct kj_err e = { 0 };
	struct entry *en = calloc(8, sizeof(*en));
	size_t big = 300000;
	uint8_t *data = malloc(big);
	size_t n;

	assert_non_null(en);
	assert_non_null(data);
	for (size_t i = 0; i < big; i++)
		data[i] = (uint8_t)(i ^ (i >> 9));
	assert_int_equal(kj_cpio_add(&c, "a", 0100644, 0, 0, data, 1000, &e), 0);
	assert_int_equal(kj_cpio_add(&c, "big", 0100755, 0, 0, data, big, &e), 0);
	assert_int_equal(kj_cpio_add(&c, "c", 0100644, 0, 0, data + 5, 70001, &e), 0);
	assert_int_equal(kj_cpio_finish(&c, &e), 0);
	assert_true(c.cap >= c.len);
	n = read_newc(c.p, c.len, en, 8);
	assert_int_equal(n, 4);
	assert_int_equal(en[1].filesize, big);
	assert_memory_equal(en[1].data, data, big);
	assert_memory_equal(en[2].data, data + 5, 70001);
	free(data);
	free(en);
	kj_cpio_free(&c);
}

static void test_refusals(void **state)
{
	struct kj_cpio c = { 0 };
	struct kj_err e = { 0 };
	char *name = malloc(4097);
	static const uint8_t one = 1;

	assert_non_null(name);
	memset(name, 'n', 4096);
	name[4096] = 0;		/* 4097 bytes with the NUL */
	assert_int_equal(kj_cpio_add(&c, name, 0100644, 0, 0, NULL, 0, &e), -1);
	assert_int_equal(e.code, EFBIG);
	assert_int_equal(strncmp(e.msg, "cpio entry nnnn", 15), 0);
	assert_true(strlen(e.msg) < KJ_ERR_MAX);
	assert_int_equal(c.len, 0);
	name[4095] = 0;		/* 4096: the longest accepted */
	assert_int_equal(kj_cpio_add(&c, name, 0100644, 0, 0, NULL, 0, &e), 0);
	/* more than 4 GiB of data: refused before a byte is read */
	assert_int_equal(kj_cpio_add(&c, "huge", 0100644, 0, 0, &one, 0x100000000ULL, &e), -1);
	assert_int_equal(e.code, EFBIG);
	assert_non_null(strstr(e.msg, "cpio entry huge is too large"));
	assert_int_equal(c.len, 110 + 4096 + 2);	/* only the first entry */
	free(name);
	kj_cpio_free(&c);
	kj_cpio_free(&c);	/* twice is fine */
}

/* --- the system's cpio ------------------------------------------------------ */

static bool have_cpio(void)
{
	return system("command -v cpio >/dev/null 2>&1") == 0;
}

static char *run(const char *cmd, size_t *len)
{
	FILE *p = popen(cmd, "r");
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);

	assert_non_null(p);
	assert_non_null(buf);
	for (;;) {
		size_t r;

		if (n + 4096 > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		r = fread(buf + n, 1, cap - n - 1, p);
		if (!r)
			break;
		n += r;
	}
	buf[n] = 0;
	if (pclose(p) != 0)
		fail_msg("%s failed", cmd);
	if (len)
		*len = n;
	return buf;
}

static void test_system_cpio(void **state)
{
	char path[] = "/tmp/kjump-test-cpio.XXXXXX";
	char cmd[256];
	struct built b;
	char *out, *line;
	size_t i = 0, len;
	int fd;

	if (!have_cpio()) {
		print_message("# no cpio on this system\n");
		skip();
	}
	build(&b);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b.c.p, b.c.len), (ssize_t)b.c.len);
	close(fd);

	/* the names, in order (cpio does not list the trailer) */
	snprintf(cmd, sizeof(cmd), "cpio -t --quiet < %s 2>&1", path);
	out = run(cmd, NULL);
	for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n"), i++) {
		assert_true(i < NEXPECT - 1);
		assert_string_equal(line, expect[i].name);
	}
	assert_int_equal(i, NEXPECT - 1);
	free(out);

	/* types, permissions and device numbers, line by line */
	snprintf(cmd, sizeof(cmd), "cpio -tv --quiet < %s 2>&1", path);
	out = run(cmd, NULL);
	i = 0;
	for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n"), i++) {
		static const char *const perms[] = {
			"drwxr-xr-x", "crw-------", "crw-rw-rw-", "brw-------", "dr-xr-xr-x",
			"-rwxr-xr-x", "drwxr-xr-x", "-rw-r--r--", "-rw-r--r--", "-rw-r--r--",
			"-rw-------",
		};
		char perm[16];
		unsigned a, m;
		size_t nl = strlen(line), ln = strlen(expect[i].name);

		assert_true(i < NEXPECT - 1);
		assert_int_equal(sscanf(line, "%15s", perm), 1);
		assert_string_equal(perm, perms[i]);
		/* the name ends the line */
		assert_true(nl > ln && line[nl - ln - 1] == ' ');
		assert_string_equal(line + nl - ln, expect[i].name);
		if (perm[0] == 'c' || perm[0] == 'b') {
			assert_int_equal(sscanf(line, "%*s %*u %*s %*s %u, %u", &a, &m), 2);
			assert_int_equal(a, expect[i].rmaj);
			assert_int_equal(m, expect[i].rmin);
		} else if (perm[0] == '-') {
			assert_int_equal(sscanf(line, "%*s %*u %*s %*s %u", &a), 1);
			assert_int_equal(a, expect[i].size);
		}
	}
	assert_int_equal(i, NEXPECT - 1);
	free(out);

	/* a file's bytes */
	snprintf(cmd, sizeof(cmd), "cpio -i --quiet --to-stdout init < %s", path);
	out = run(cmd, &len);
	assert_int_equal(len, INIT_LEN);
	assert_memory_equal(out, b.init, INIT_LEN);
	free(out);
	snprintf(cmd, sizeof(cmd), "cpio -i --quiet --to-stdout etc/abc < %s", path);
	out = run(cmd, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(out, "ab\n", 3);
	free(out);

	unlink(path);
	unbuild(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_archive),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_system_cpio),
	};

	return cmocka_run_group_tests_name("cpio", tests, NULL, NULL);
}
