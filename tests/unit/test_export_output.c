// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `kjump export -o CORE` and the file system (runs the real build/bin/kjump
 * in a temporary directory): a new CORE is made, mode 0600; an existing
 * one is refused without --force and left as it was; a symlink is never
 * followed, with or without --force; a refused or failed export leaves no
 * file behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../lib/image.h"

#define KJUMP_BINARY KJ_BUILD_DIR "/bin/kjump"

static char dir[64];
static char path_img[128], path_bare[128], path_core[128], path_link[128], path_victim[128];

static void write_image(const char *path, bool with_vmcoreinfo)
{
	static const struct kj_img_range mm[] = { { 0x100000, 0x200000, 1, 0 } };
	static const char vi[] = "OSRELEASE=6.12.0-test\n";
	struct kj_img_writer_opts o = { .threads = 1, .chunk_pages = 4,
					.release = "6.12.0-test", .machine = "x86_64" };
	struct kj_img_writer *w;
	struct kj_err e = { 0 };
	uint8_t page[KJ_IMG_PAGE_SIZE];
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);

	assert_true(fd >= 0);
	memset(page, 0x5a, sizeof(page));
	assert_int_equal(kj_img_writer_open(&w, fd, 0, &o, &e), 0);
	assert_int_equal(kj_img_writer_add(w, 0x100, page, &e), 0);
	assert_int_equal(kj_img_writer_set_memmap(w, mm, 1, &e), 0);
	if (with_vmcoreinfo)
		assert_int_equal(kj_img_writer_set_vmcoreinfo(w, vi, strlen(vi), &e), 0);
	kj_img_writer_set_counts(w, 256, 255, 0);
	assert_int_equal(kj_img_writer_finish(w, NULL, &e), 0);
	close(fd);
}

/* Run kjump export; its exit status. Output goes to the test's stderr. */
static int kjump_export(const char *img, const char *out, bool force)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[] = { "kjump", "export", "--elf", (char *)img, "-o", (char *)out,
				 force ? "--force" : NULL, NULL };
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execv(KJUMP_BINARY, argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void expect_text(const char *path, const char *text)
{
	char buf[64] = { 0 };
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	assert_true(fread(buf, 1, sizeof(buf) - 1, f) < sizeof(buf));
	fclose(f);
	assert_string_equal(buf, text);
}

/* No ".NAME.XXXXXX" temporary files left in dir. */
static void expect_no_temp_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (de->d_name[0] == '.' && strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			fail_msg("left behind: %s", de->d_name);
	closedir(d);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/kjump-export-test.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path_img, sizeof(path_img), "%s/img", dir);
	snprintf(path_bare, sizeof(path_bare), "%s/bare", dir);
	snprintf(path_core, sizeof(path_core), "%s/core", dir);
	snprintf(path_link, sizeof(path_link), "%s/link", dir);
	snprintf(path_victim, sizeof(path_victim), "%s/victim", dir);
	write_image(path_img, true);
	write_image(path_bare, false);
	return 0;
}

static int teardown(void **state)
{
	const char *p[] = { path_img, path_bare, path_core, path_link, path_victim };

	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		unlink(p[i]);
	rmdir(dir);
	return 0;
}

static void test_new_core(void **state)
{
	struct stat st;

	unlink(path_core);
	assert_int_equal(kjump_export(path_img, path_core, false), 0);
	assert_int_equal(lstat(path_core, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	expect_no_temp_files();
}

static void test_existing_refused(void **state)
{
	put(path_core, "mine\n");
	assert_int_not_equal(kjump_export(path_img, path_core, false), 0);
	expect_text(path_core, "mine\n");
	expect_no_temp_files();
	assert_int_equal(kjump_export(path_img, path_core, true), 0);
	struct stat st;
	assert_int_equal(stat(path_core, &st), 0);
	assert_true(st.st_size > 4096);
	expect_no_temp_files();
}

static void test_symlink_never_followed(void **state)
{
	struct stat st;

	unlink(path_link);
	put(path_victim, "victim\n");
	assert_int_equal(symlink(path_victim, path_link), 0);
	assert_int_not_equal(kjump_export(path_img, path_link, false), 0);
	expect_text(path_victim, "victim\n");
	assert_int_equal(lstat(path_link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	/* forced: the link is replaced, its target is not touched */
	assert_int_equal(kjump_export(path_img, path_link, true), 0);
	expect_text(path_victim, "victim\n");
	assert_int_equal(lstat(path_link, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	expect_no_temp_files();
}

static void test_dangling_symlink(void **state)
{
	struct stat st;

	unlink(path_link);
	unlink(path_victim);
	assert_int_equal(symlink(path_victim, path_link), 0);
	assert_int_not_equal(kjump_export(path_img, path_link, false), 0);
	assert_int_equal(lstat(path_victim, &st), -1);	/* not created */
	expect_no_temp_files();
}

static void test_refused_leaves_nothing(void **state)
{
	struct stat st;

	unlink(path_core);
	/* an image without VMCOREINFO can't be exported */
	assert_int_not_equal(kjump_export(path_bare, path_core, false), 0);
	assert_int_equal(lstat(path_core, &st), -1);
	expect_no_temp_files();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_core),
		cmocka_unit_test(test_existing_refused),
		cmocka_unit_test(test_symlink_never_followed),
		cmocka_unit_test(test_dangling_symlink),
		cmocka_unit_test(test_refused_leaves_nothing),
	};

	return cmocka_run_group_tests_name("export output", tests, setup, teardown);
}
