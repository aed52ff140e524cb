// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the subcommands share (cli.h): error and usage reporting, option
 * errors, opening images, reading files, clocks.
 */
#include "cli.h"
#include "page_cache.h"
#include "seal_key.h"
#include "../lib/file_map.h"
#include "../lib/image.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *kj_cmd_name = "kjump";

int kj_report(const struct kj_err *e)
{
	fprintf(stderr, "%s: error: %s\n", kj_cmd_name, e->msg);
	return KJ_EXIT_FAIL;
}

int kj_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", kj_cmd_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", kj_cmd_name);
	return KJ_EXIT_USAGE;
}

/* The long options `arg` ("--na" or "--na=v") abbreviates or names, and
 * the first of them. */
static int long_matches(const char *arg, const struct option *lo,
			const struct option **first)
{
	size_t len = strcspn(arg + 2, "=");
	int n = 0;

	*first = NULL;
	for (const struct option *o = lo; o->name; o++) {
		if (strncmp(o->name, arg + 2, len))
			continue;
		if (strlen(o->name) == len) {	/* exact: never ambiguous */
			*first = o;
			return 1;
		}
		if (!n++)
			*first = o;
	}
	return n;
}

int kj_bad_option(int c, char *const *argv, const struct option *lo)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	bool is_long = !strncmp(arg, "--", 2) && arg[2];
	int len = is_long ? (int)strcspn(arg, "=") : 0;
	const struct option *o = NULL;

	/* A value is missing only at the end of argv, so arg is the
	 * option's own element. */
	if (c == ':') {
		if (is_long && long_matches(arg, lo, &o) == 1)
			return kj_usage_error("option '--%s' needs a value", o->name);
		if (is_long)
			return kj_usage_error("option '%.*s' needs a value", len, arg);
		return kj_usage_error("option '-%c' needs a value", optopt);
	}
	/* An unknown or ambiguous long option sets no optopt; one given a
	 * value it does not take sets its val. A short option's optopt is
	 * its letter; arg may then be the element before it, when the
	 * letter stands inside a cluster (-Zf). */
	if (is_long && !optopt) {
		if (long_matches(arg, lo, &o) > 1)
			return kj_usage_error("option '%.*s' is ambiguous", len, arg);
		return kj_usage_error("unknown option '%.*s'", len, arg);
	}
	if (is_long && arg[len] == '=' && long_matches(arg, lo, &o) == 1 &&
	    o->has_arg == no_argument && !o->flag && o->val == optopt)
		return kj_usage_error("option '--%s' takes no value", o->name);
	if (optopt > ' ' && optopt < 0x7f)
		return kj_usage_error("unknown option '-%c'", optopt);
	return kj_usage_error("unknown option '%s'", arg);
}

void kj_info(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", kj_cmd_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void kj_interrupting_signals(sigset_t *s)
{
	sigemptyset(s);
	sigaddset(s, SIGINT);
	sigaddset(s, SIGTERM);
	sigaddset(s, SIGHUP);
	sigaddset(s, SIGQUIT);
}

double kj_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int kj_read_file(const char *path, size_t max, uint8_t **data, size_t *len,
		 struct kj_err *e)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint8_t *buf;
	size_t got = 0;

	if (fd < 0)
		return kj_fail_errno(e, "cannot open %s", path);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return kj_fail(e, EINVAL, "%s is not a regular file", path);
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return kj_fail(e, EFBIG, "%s is %lld bytes; the limit is %zu", path,
			       (long long)st.st_size, max);
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return kj_fail(e, ENOMEM, "out of memory reading %s", path);
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			kj_fail_errno(e, "cannot read %s", path);
			free(buf);
			close(fd);
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	*data = buf;
	*len = got;
	return 0;
}

int kj_opt_threads(const char *arg, unsigned *out)
{
	struct kj_err e;
	uint64_t v;

	if (kj_parse_u64(arg, &v, &e) || !v || v > 256) {
		kj_usage_error("--threads wants 1 to 256, not '%s'", arg);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

int kj_opt_level(const char *arg, int *out)
{
	char *end;
	long l = strtol(arg, &end, 10);

	if (end == arg || *end || l < -100 || l > 19) {
		kj_usage_error("--level wants -100 to 19, not '%s'", arg);
		return -1;
	}
	*out = (int)l;
	return 0;
}

int kj_opt_size(const char *opt, const char *arg, uint64_t *out)
{
	struct kj_err e = { 0 };

	if (kj_parse_u64(arg, out, &e) || !*out) {
		kj_usage_error("%s: %s", opt, e.msg[0] ? e.msg : "must not be zero");
		return -1;
	}
	return 0;
}

int kj_opt_offset(const char *arg, uint64_t *blocks)
{
	struct kj_err e = { 0 };

	if (kj_parse_u64(arg, blocks, &e) || !*blocks || *blocks >= (1ULL << 50)) {
		kj_usage_error("--offset: %s", e.msg[0] ? e.msg : "a block number from 1 "
			       "to 2^50, as 'kjump hibernate' printed it");
		return -1;
	}
	return 0;
}

int kj_refuse_mounted_image_file(const char *path, struct kj_err *e)
{
	struct kj_file_map_header h;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool mapped;

	if (fd < 0)
		return 0;	/* the caller says why */
	mapped = !fstat(fd, &st) && S_ISREG(st.st_mode) &&
		pread(fd, &h, sizeof(h), KJ_FILE_MAP_OFFSET) == sizeof(h) &&
		h.magic == KJ_FILE_MAP_MAGIC;
	close(fd);
	if (!mapped)
		return 0;
	return kj_fail(e, EBUSY, "%s is an image file on a filesystem mounted here; the "
		       "saved system has that filesystem mounted too, so resuming it now "
		       "would corrupt it. Resume before anything mounts it, from the "
		       "initramfs: 'kjump resume DEVICE --offset %llu' (DEVICE: the one "
		       "under %s), or kjump.resume=DEVICE kjump.resume_offset=%llu on the "
		       "kernel command line", path, (unsigned long long)(h.map_physical / 4096),
		       path, (unsigned long long)(h.map_physical / 4096));
}

int kj_open_image(const char *path, struct kj_img *img, int *fd,
		  const struct kj_key_opts *ko, bool optional, struct kj_err *e)
{
	struct stat st;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return kj_fail_errno(e, "cannot open %s", path);
	/* an image file B wrote through the device: not what this kernel
	 * may have cached of it */
	if (!fstat(*fd, &st) && S_ISREG(st.st_mode) && kj_page_cache_forget_file(*fd, e)) {
		close(*fd);
		*fd = -1;
		return kj_prefix(e, "%s", path);
	}
	if (kj_img_open(img, *fd, 0, e)) {
		close(*fd);
		*fd = -1;
		return kj_prefix(e, "%s", path);
	}
	if (ko && kj_key_unseal(img, path, ko, optional, e)) {
		kj_img_close(img);
		close(*fd);
		*fd = -1;
		return -1;
	}
	return 0;
}
