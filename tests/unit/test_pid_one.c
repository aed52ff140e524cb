// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump as the first process of a PID namespace (a container's entry
 * point) is an ordinary command: it must not take itself for B's init,
 * which mounts over /proc, /sys and /dev and never exits. Only a PID 1
 * started under B's init name (KJ_B_INIT_PATH) is B.
 *
 * Each case runs the real build/bin/kjump as PID 1 of a new PID namespace,
 * inside a new private mount namespace (so that a regression cannot mount
 * anything over the host's /proc), with a time limit, and compares what it
 * prints and its exit status with the same command run as an ordinary
 * process. Needs root (unshare); skipped, visibly, without it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KJUMP_BINARY KJ_BUILD_DIR "/bin/kjump"
#define LIMIT_SECONDS 20

struct run {
	char out[8192];
	size_t len;
	int status;		/* wait status */
	bool timed_out;
	bool pid_was_one;	/* the child's getpid() was 1 when it exec'd */
	bool no_namespace;	/* the namespaces could not be made here */
};

enum { REPORT_NOT_ONE, REPORT_ONE, REPORT_NO_NAMESPACE };

/* The child side: optionally become PID 1 of new namespaces, then exec. */
static void child(int out_fd, int report_fd, bool as_pid_one, char *const argv[])
{
	dup2(out_fd, 1);
	dup2(out_fd, 2);
	if (as_pid_one) {
		/* In a chroot whose root is no mount point, "/" cannot be made
		 * private: rather skip than risk mounts reaching the host. */
		if (unshare(CLONE_NEWPID | CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
			char no = REPORT_NO_NAMESPACE;

			if (write(report_fd, &no, 1) != 1)
				_exit(120);
			_exit(121);
		}
		pid_t p = fork();	/* the first child in the new namespace is PID 1 */

		if (p < 0)
			_exit(122);
		if (p > 0) {
			int st;

			/* forward the grandchild's status; SIGKILL reaches both */
			if (waitpid(p, &st, 0) < 0)
				_exit(123);
			if (WIFSIGNALED(st))
				raise(WTERMSIG(st));
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 124);
		}
	}
	char one = getpid() == 1 ? REPORT_ONE : REPORT_NOT_ONE;

	if (write(report_fd, &one, 1) != 1)
		_exit(125);
	close(report_fd);
	execv(KJUMP_BINARY, argv);
	_exit(126);
}

static void run_kjump(bool as_pid_one, char *const argv[], struct run *r)
{
	int out[2], report[2];

	memset(r, 0, sizeof(*r));
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	assert_int_equal(pipe2(report, O_CLOEXEC), 0);
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		child(out[1], report[1], as_pid_one, argv);
	close(out[1]);
	close(report[1]);

	char report_byte = REPORT_NOT_ONE;

	if (read(report[0], &report_byte, 1) == 1) {
		r->pid_was_one = report_byte == REPORT_ONE;
		r->no_namespace = report_byte == REPORT_NO_NAMESPACE;
	}
	close(report[0]);

	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = out[0], .events = POLLIN };
		int left;

		clock_gettime(CLOCK_MONOTONIC, &t);
		left = LIMIT_SECONDS * 1000 - (int)((t.tv_sec - t0.tv_sec) * 1000 +
						    (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0) {
			r->timed_out = true;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&p, 1, left) <= 0)
			continue;
		ssize_t n = read(out[0], r->out + r->len, sizeof(r->out) - 1 - r->len);

		if (n <= 0)
			break;	/* EOF: every writer exec'd away or exited */
		r->len += (size_t)n;
	}
	close(out[0]);
	r->out[r->len] = 0;
	assert_int_equal(waitpid(pid, &r->status, 0), pid);
}

static int need_root_and_binary(void **state)
{
	(void)state;
	if (access(KJUMP_BINARY, X_OK))
		fail_msg("%s is missing: build kjump first ('make')", KJUMP_BINARY);
	return 0;
}

static void skip_unless_namespaces(void)
{
	if (geteuid() != 0) {
		print_message("not root: cannot make a PID namespace\n");
		skip();
	}
}

static void same_as_anywhere(char *const argv[])
{
	struct run plain, ns;

	skip_unless_namespaces();
	run_kjump(false, argv, &plain);
	run_kjump(true, argv, &ns);
	if (ns.no_namespace) {
		print_message("cannot make a PID and a private mount namespace here "
			      "(a chroot whose root is no mount point?)\n");
		skip();
	}
	assert_false(plain.timed_out);
	assert_false(plain.pid_was_one);
	assert_true(ns.pid_was_one);
	if (ns.timed_out)
		fail_msg("kjump %s as PID 1 did not exit within %d s; it printed:\n%s",
			 argv[1], LIMIT_SECONDS, ns.out);
	assert_true(WIFEXITED(ns.status));
	assert_int_equal(WEXITSTATUS(ns.status), WEXITSTATUS(plain.status));
	assert_null(strstr(ns.out, "(B)"));
	assert_string_equal(ns.out, plain.out);
}

static void test_version_as_pid_one(void **state)
{
	char *argv[] = { "kjump", "--version", NULL };

	(void)state;
	same_as_anywhere(argv);
	struct run r;

	run_kjump(true, argv, &r);
	assert_non_null(strstr(r.out, "kjump "));
	assert_int_equal(WEXITSTATUS(r.status), 0);
}

static void test_status_as_pid_one(void **state)
{
	char *argv[] = { "kjump", "status", NULL };

	(void)state;
	same_as_anywhere(argv);
}

/* Even called "init" or "/init", as the entry point of a container or of
 * another initramfs may be, kjump stays an ordinary command. */
static void test_named_init_as_pid_one(void **state)
{
	char *argv[] = { "/init", "--version", NULL };

	(void)state;
	same_as_anywhere(argv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_as_pid_one),
		cmocka_unit_test(test_status_as_pid_one),
		cmocka_unit_test(test_named_init_as_pid_one),
	};

	return cmocka_run_group_tests_name("pid_one", tests, need_root_and_binary, NULL);
}
