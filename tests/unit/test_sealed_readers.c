// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `kjump info`, `verify` and `export` on sealed images (runs the real
 * build/bin/kjump on image files in a temporary directory): without a
 * key, with a wrong one, with the right one; on a terminal (a pty), where
 * info of an image sealed with a key file shows its public part, and an
 * empty line typed for a passphrase is refused without a key derivation;
 * an image B gave up is not offered to be opened; a refused export leaves
 * no file; --key-file and --passphrase-file together are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../lib/image.h"
#include "../../lib/seal.h"

#define KJUMP_BINARY KJ_BUILD_DIR "/bin/kjump"
#define SECRET "kjump-sealed-reader-secret-5f1e"
#define PASS "a passphrase for the readers"

static char dir[64];
static char p_key[128], p_wrong[128], p_pass[128], p_kimg[128], p_pimg[128], p_fimg[128],
	p_core[128];

/* What a run of kjump printed, and its exit status. */
struct run {
	char out[16384];
	int status;
};

static void put(const char *path, const void *b, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, b, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* A sealed snapshot image at path: 8 pages, page 3 holding SECRET. */
static void write_image(const char *path, const struct kj_seal_secret *s, uint32_t state)
{
	static const struct kj_img_range mm[] = { { 0x100000, 0x200000, 1, 0 } };
	static const char vi[] = "OSRELEASE=6.12.0-test\nPAGESIZE=4096\n";
	struct kj_img_writer_opts o = { .threads = 1, .chunk_pages = 4, .kind = KJ_IMG_SNAPSHOT,
					.release = "6.12.0-test", .machine = "x86_64" };
	struct kj_seal_params sp;
	struct kj_img_writer *w;
	struct kj_err e = { 0 };
	uint8_t page[KJ_IMG_PAGE_SIZE];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	/* the smallest Argon2id: the test derives often */
	if (kj_seal_params_new(&sp, s, 1, 64 << 10, &e))
		fail_msg("seal: %s", e.msg);
	o.seal = &sp;
	assert_int_equal(kj_img_writer_open(&w, fd, 0, &o, &e), 0);
	for (unsigned i = 0; i < 8; i++) {
		memset(page, (int)(0x11 * (i + 1)), sizeof(page));
		if (i == 3)
			memcpy(page + 100, SECRET, sizeof(SECRET) - 1);
		assert_int_equal(kj_img_writer_add(w, 0x100 + i, page, &e), 0);
	}
	assert_int_equal(kj_img_writer_set_memmap(w, mm, 1, &e), 0);
	assert_int_equal(kj_img_writer_set_vmcoreinfo(w, vi, strlen(vi), &e), 0);
	kj_img_writer_set_counts(w, 256, 248, 0);
	assert_int_equal(kj_img_writer_finish(w, NULL, &e), 0);
	if (state) {
		/* as B leaves an image it gave up: the public state changed,
		 * its checksum fixed, as anyone can */
		struct kj_img_header h;

		assert_int_equal(kj_img_pread(fd, &h, sizeof(h), 0, "test", NULL), 0);
		h.state = state;
		h.header_xxh64 = kj_img_header_hash(&h);
		assert_int_equal(kj_img_pwrite(fd, &h, sizeof(h), 0, "test", NULL), 0);
	}
	close(fd);
}

static void collect(int fd, struct run *r)
{
	size_t n = 0;
	ssize_t got;

	while ((got = read(fd, r->out + n, sizeof(r->out) - 1 - n)) > 0 ||
	       (got < 0 && errno == EINTR))
		if (got > 0)
			n += (size_t)got;
	r->out[n] = '\0';
}

/* kjump ARGS... (NULL-terminated), stdin /dev/null, no terminal of its
 * own (a new session): stdout and stderr together in r. */
static void kjump(struct run *r, ...)
{
	char *argv[16] = { "kjump" };
	int p[2], st, argc = 1;
	va_list ap;
	pid_t pid;

	va_start(ap, r);
	while ((argv[argc] = va_arg(ap, char *)))
		assert_true(++argc < 15);
	va_end(ap);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		setsid();
		dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		execv(KJUMP_BINARY, argv);
		_exit(127);
	}
	close(p[1]);
	collect(p[0], r);
	close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	r->status = WEXITSTATUS(st);
}

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* kjump ARGS... on a new pty (its controlling terminal: stdin, stdout,
 * stderr). lines: what is typed, a line after each passphrase prompt
 * (so that nothing is typed while the terminal still echoes), NULL-ended.
 * What the terminal showed, in r. */
static void kjump_on_terminal(struct run *r, const char *const *lines, ...)
{
	char *argv[16] = { "kjump" };
	int master, st, argc = 1;
	size_t n = 0;
	unsigned typed = 0;
	va_list ap;
	pid_t pid;

	va_start(ap, lines);
	while ((argv[argc] = va_arg(ap, char *)))
		assert_true(++argc < 15);
	va_end(ap);
	pid = forkpty(&master, NULL, NULL, NULL);
	assert_true(pid >= 0);
	if (pid == 0) {
		execv(KJUMP_BINARY, argv);
		_exit(127);
	}
	for (;;) {
		struct pollfd pf = { master, POLLIN, 0 };
		ssize_t got;

		if (poll(&pf, 1, 60000) <= 0)
			fail_msg("kjump on the terminal is silent for 60 s:\n%.*s", (int)n, r->out);
		got = read(master, r->out + n, sizeof(r->out) - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;	/* EIO: kjump is gone */
		n += (size_t)got;
		r->out[n] = '\0';
		if (lines[typed] && count(r->out, "Passphrase") > typed) {
			const char *l = lines[typed++];

			assert_int_equal(write(master, l, strlen(l)), (ssize_t)strlen(l));
			assert_int_equal(write(master, "\n", 1), 1);
		}
	}
	r->out[n] = '\0';
	close(master);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	r->status = WEXITSTATUS(st);
	if (lines[typed])
		fail_msg("kjump asked for %u passphrases, not %u:\n%s", typed, typed + 1, r->out);
}

static void expect_out(const struct run *r, const char *text)
{
	if (!strstr(r->out, text))
		fail_msg("kjump's output lacks \"%s\":\n%s", text, r->out);
}

static void expect_not_out(const struct run *r, const char *text)
{
	if (strstr(r->out, text))
		fail_msg("kjump's output has \"%s\":\n%s", text, r->out);
}

/* Nothing in dir but the files setup made. */
static void expect_no_core(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strstr(de->d_name, "core"))
			fail_msg("left behind: %s", de->d_name);
	closedir(d);
}

static int setup(void **state)
{
	uint8_t key[32], wrong[32];
	const struct kj_seal_secret s_key = { KJ_SECRET_KEYFILE, key, sizeof(key) };
	const struct kj_seal_secret s_pass = { KJ_SECRET_PASSPHRASE, (const uint8_t *)PASS,
					       sizeof(PASS) - 1 };

	snprintf(dir, sizeof(dir), "/tmp/kjump-sealed-readers.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(p_key, sizeof(p_key), "%s/key", dir);
	snprintf(p_wrong, sizeof(p_wrong), "%s/wrong", dir);
	snprintf(p_pass, sizeof(p_pass), "%s/pass", dir);
	snprintf(p_kimg, sizeof(p_kimg), "%s/img-key", dir);
	snprintf(p_pimg, sizeof(p_pimg), "%s/img-pass", dir);
	snprintf(p_fimg, sizeof(p_fimg), "%s/img-failed", dir);
	snprintf(p_core, sizeof(p_core), "%s/core", dir);
	for (unsigned i = 0; i < sizeof(key); i++) {
		key[i] = (uint8_t)(i * 37 + 5);
		wrong[i] = (uint8_t)(i * 37 + 6);
	}
	put(p_key, key, sizeof(key));
	put(p_wrong, wrong, sizeof(wrong));
	put(p_pass, PASS "\n", sizeof(PASS));
	write_image(p_kimg, &s_key, 0);
	write_image(p_pimg, &s_pass, 0);
	write_image(p_fimg, &s_key, KJ_IMG_FAILED);
	return 0;
}

static int teardown(void **state)
{
	const char *p[] = { p_key, p_wrong, p_pass, p_kimg, p_pimg, p_fimg, p_core };

	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		unlink(p[i]);
	rmdir(dir);
	return 0;
}

static void test_info(void **state)
{
	struct run r;

	/* no key, no terminal: the public part, exit 0 */
	kjump(&r, "info", p_kimg, NULL);
	assert_int_equal(r.status, 0);
	expect_out(&r, "sealed:     key file, ");
	expect_out(&r, "the rest is encrypted: give --key-file to see more");
	expect_not_out(&r, "system:");
	/* a wrong key: refused, nothing shown */
	kjump(&r, "info", "--key-file", p_wrong, p_kimg, NULL);
	assert_int_equal(r.status, 1);
	expect_out(&r, "wrong passphrase or key");
	expect_not_out(&r, "system:");
	/* a passphrase for an image sealed with a key file */
	kjump(&r, "info", "--passphrase-file", p_pass, p_kimg, NULL);
	assert_int_equal(r.status, 1);
	expect_out(&r, "sealed with a key file, not a passphrase: give --key-file");
	kjump(&r, "info", "--key-file", p_key, p_kimg, NULL);
	assert_int_equal(r.status, 0);
	expect_out(&r, "system:     Linux 6.12.0-test (x86_64)");
	expect_out(&r, "(opened: header and index authenticated)");
	kjump(&r, "info", "--passphrase-file", p_pass, p_pimg, NULL);
	assert_int_equal(r.status, 0);
	expect_out(&r, "sealed:     passphrase (argon2id, 1 pass, 64 KiB)");
	expect_out(&r, "system:     Linux 6.12.0-test (x86_64)");
	/* a passphrase file whose first line is empty: said so, not "wrong" */
	put(p_core, "\n" PASS "\n", sizeof(PASS) + 1);
	kjump(&r, "info", "--passphrase-file", p_core, p_pimg, NULL);
	unlink(p_core);
	assert_int_equal(r.status, 1);
	expect_out(&r, "core is empty: no image is sealed with an empty passphrase");
	expect_not_out(&r, "wrong passphrase");
}

/* On a terminal, info asks for a passphrase; a key file no one types:
 * its public part, as in a script (before: "give --key-file", exit 1). */
static void test_info_terminal(void **state)
{
	static const char *const none[] = { NULL }, *const right[] = { PASS, NULL };
	struct run r;

	kjump_on_terminal(&r, none, "info", p_kimg, NULL);
	assert_int_equal(r.status, 0);
	expect_out(&r, "sealed:     key file, ");
	expect_out(&r, "the rest is encrypted: give --key-file to see more");
	expect_not_out(&r, "Passphrase");
	kjump_on_terminal(&r, right, "info", p_pimg, NULL);
	assert_int_equal(r.status, 0);
	expect_out(&r, "Passphrase for the kjump image ");
	expect_out(&r, "system:     Linux 6.12.0-test (x86_64)");
	expect_not_out(&r, PASS);	/* echo off */
}

/* An empty line is no passphrase: refused, asked again (a try spent). */
static void test_empty_line_typed(void **state)
{
	static const char *const empty_then_right[] = { "", PASS, NULL }, *const empty[] = { "", NULL };
	struct run r;

	kjump_on_terminal(&r, empty_then_right, "verify", "--quiet", p_pimg, NULL);
	assert_int_equal(r.status, 0);
	expect_out(&r, "no passphrase typed (an empty one seals no image); try again (2 of 3)");
	expect_out(&r, "image OK: ");
	kjump_on_terminal(&r, empty, "verify", "--quiet", "--tries", "1", p_pimg, NULL);
	assert_int_equal(r.status, 1);
	expect_out(&r, "no passphrase typed");
	expect_not_out(&r, "image OK");
}

/* B gave the image up: its key opens nothing, and info does not say it would. */
static void test_failed_not_offered(void **state)
{
	struct run r;

	kjump(&r, "info", "--key-file", p_key, p_fimg, NULL);
	assert_int_equal(r.status, 1);
	expect_out(&r, "state:      failed");
	expect_out(&r, "not opened, even with its key: the image is failed");
	expect_not_out(&r, "give --key-file");
	expect_not_out(&r, "system:");
	kjump(&r, "verify", "--key-file", p_key, p_fimg, NULL);
	assert_int_equal(r.status, 1);
	expect_out(&r, "B gave up on this image");
}

static void test_verify(void **state)
{
	struct run r;

	kjump(&r, "verify", "--quiet", p_kimg, NULL);
	assert_int_equal(r.status, 1);
	expect_out(&r, "is sealed with a key file: give --key-file");
	kjump(&r, "verify", "--quiet", "--key-file", p_wrong, p_kimg, NULL);
	assert_int_equal(r.status, 1);
	expect_out(&r, "wrong passphrase or key");
	kjump(&r, "verify", "--quiet", "--key-file", p_key, p_kimg, NULL);
	assert_int_equal(r.status, 0);
	expect_out(&r, "image OK: 2 chunks, 0.0 MiB of pages, state complete, sealed: every "
		   "chunk authenticated");
	/* a key file that is not there: named as the key file */
	kjump(&r, "verify", "--quiet", "--key-file", "/nonexistent/kjump.key", p_kimg, NULL);
	assert_int_equal(r.status, 1);
	expect_out(&r, "cannot open the key file /nonexistent/kjump.key: No such file");
	/* two keys: which one? refused as a usage error */
	kjump(&r, "verify", "--key-file", p_key, "--passphrase-file", p_pass, p_kimg, NULL);
	assert_int_equal(r.status, 2);
	expect_out(&r, "give --key-file or --passphrase-file, not both");
	expect_not_out(&r, "image OK");
}

static void test_export(void **state)
{
	struct run r;
	size_t len;
	uint8_t *core;
	FILE *f;

	unlink(p_core);
	kjump(&r, "export", "--elf", "--key-file", p_wrong, p_kimg, "-o", p_core, NULL);
	assert_int_equal(r.status, 1);
	expect_out(&r, "wrong passphrase or key");
	expect_no_core();
	kjump(&r, "export", "--elf", p_kimg, "-o", p_core, NULL);
	assert_int_equal(r.status, 1);
	expect_out(&r, "give --key-file");
	expect_no_core();
	kjump(&r, "export", "--elf", "--key-file", p_key, p_kimg, "-o", p_core, NULL);
	assert_int_equal(r.status, 0);
	f = fopen(p_core, "rb");
	assert_non_null(f);
	core = malloc(4 << 20);
	assert_non_null(core);
	len = fread(core, 1, 4 << 20, f);
	fclose(f);
	assert_true(len > 4096);
	assert_memory_equal(core, "\177ELF\2\1\1", 7);
	assert_int_equal(core[16], 4);	/* ET_CORE */
	assert_non_null(memmem(core, len, SECRET, sizeof(SECRET) - 1));
	free(core);
	unlink(p_core);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_info_terminal),
		cmocka_unit_test(test_empty_line_typed),
		cmocka_unit_test(test_failed_not_offered),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_export),
	};

	return cmocka_run_group_tests_name("sealed readers", tests, setup, teardown);
}
