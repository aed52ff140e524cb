/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every kjump subcommand shares: the command table, error reporting,
 * number parsing, clocks, and the programs built into the binary.
 */
#ifndef KJUMP_CLI_H
#define KJUMP_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/error.h"
#include "../lib/number.h"	/* kj_parse_u64 */

/* Exit statuses, the same for every subcommand. */
enum {
	KJ_EXIT_OK = 0,
	KJ_EXIT_FAIL = 1,	/* refused or failed; the message says why */
	KJ_EXIT_USAGE = 2,	/* bad command line */
	KJ_EXIT_STATUS = 3,	/* `call`: the program returned non-zero */
};

#define KJUMP_VERSION "0.1.0"

struct kj_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

extern const struct kj_cmd kj_cmds[];
extern const char *kj_cmd_name;	/* for messages: "kjump call" */

/* Print "kjump CMD: error: MSG" and return KJ_EXIT_FAIL. */
int kj_report(const struct kj_err *e);
/* Print a usage error plus a pointer to --help; return KJ_EXIT_USAGE. */
int kj_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The usage error for what getopt_long just refused (it returned c, '?'
 * or ':'; kjump sets opterr = 0 and puts ':' first in every optstring):
 * names the option and whether it is unknown, ambiguous, lacks its value
 * or has one it does not take. Returns KJ_EXIT_USAGE. */
struct option;
int kj_bad_option(int c, char *const *argv, const struct option *lo);
/* Progress and information lines, on stderr, prefixed by the command. */
void kj_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

double kj_now(void);	/* CLOCK_BOOTTIME seconds: counts time spent frozen */

/* The signals that end kjump from a terminal or a service manager (INT,
 * TERM, HUP, QUIT): what kjump holds back while a jump is under way. */
void kj_interrupting_signals(sigset_t *s);

/* Programs built into this binary: payload/examples, purgatory, restore. */
int kj_blob_find(const char *name, const uint8_t **data, size_t *len);
/* The names of the `kjump call` examples, NULL-terminated. */
extern const char *const kj_call_examples[];

/* Option values, with the usage error printed on failure (returns -1). */
int kj_opt_threads(const char *arg, unsigned *out);	/* 1 to 256 */
int kj_opt_level(const char *arg, int *out);		/* zstd: -100 to 19 */
int kj_opt_size(const char *opt, const char *arg, uint64_t *out); /* > 0 */
/* --offset N: an image file's map, in 4 KiB blocks (> 0) */
int kj_opt_offset(const char *arg, uint64_t *blocks);
/* Refuse (-1) when path is a kjump image file on a filesystem mounted
 * here: the saved system has that filesystem mounted too, so only a
 * kernel that has not mounted it may read or resume the image, from the
 * device (--offset); 0 for anything else. */
int kj_refuse_mounted_image_file(const char *path, struct kj_err *e);

struct kj_img;
struct kj_key_opts;
/* Open TARGET read-only and its image header and index (kj_img_open); a
 * sealed image is then opened with the key ko says (src/seal_key.h:
 * kj_key_unseal, `optional` for info). ko NULL: not unsealed. */
int kj_open_image(const char *path, struct kj_img *img, int *fd,
		  const struct kj_key_opts *ko, bool optional, struct kj_err *e);

/* Read a whole file (up to max bytes) into malloc'd memory. */
int kj_read_file(const char *path, size_t max, uint8_t **data, size_t *len,
		 struct kj_err *e);

/* B's init in the initramfs that snapshot and hibernate build. kjump runs
 * as B's init only when started as PID 1 under exactly this name (the
 * kernel passes rdinit= as argv[0]): as PID 1 of a container, or as /init
 * of another initramfs, kjump is an ordinary command. */
#define KJ_B_INIT_PATH "/kjump-b-init"
int kj_b_init_main(void);
int cmd_call(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_switch(int argc, char **argv);
int cmd_back(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_peek(int argc, char **argv);
int cmd_save(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);
int cmd_hibernate(int argc, char **argv);
int cmd_prepare(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_resume(int argc, char **argv);

#endif
