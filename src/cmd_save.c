// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump save -o TARGET (in B): write an image of A's memory. `snapshot`
 * and `hibernate` run the same code in their own B; this command is for a
 * B you started yourself with `kjump load` and `kjump switch`.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "save.h"
#include "../lib/image_format.h"
#include "../lib/seal.h"
#include "seal_key.h"
#include <errno.h>
#include <sodium.h>

static void help(void)
{
	printf("Usage: kjump save -o TARGET [OPTION...]\n"
	       "\n"
	       "In a kernel B started by kjump: read A's memory from /proc/vmcore and\n"
	       "write a kjump image to TARGET (a block device, or a file on a\n"
	       "filesystem B mounted itself; never one A has mounted). Pages free in\n"
	       "A are left out, zero pages are recorded as such, everything else is\n"
	       "compressed with zstd in several threads, a checksum per chunk.\n"
	       "\n"
	       "Options:\n"
	       "  -o, --output TARGET  where to write (a file is created with mode 0600)\n"
	       "  -j, --threads N      compression threads (default: online CPUs)\n"
	       "  -l, --level N        zstd level (default 1; negative is faster)\n"
	       "      --hibernation    mark the image as a hibernation image\n"
	       "  -f, --force          overwrite a target with a foreign signature (a\n"
	       "                       filesystem, swap, a partition table); mounted,\n"
	       "                       active swap, held or too small targets are\n"
	       "                       refused even so\n"
	       "      --seal           encrypt and authenticate the image (docs/sealing.md)\n"
	       "                       with a passphrase asked twice on the terminal, or:\n"
	       "      --key-file FILE  a key file (16 bytes to 1 MiB) instead\n"
	       "      --passphrase-file FILE  the passphrase, first line of FILE\n"
	       "  -q, --quiet          no progress\n"
	       "  -h, --help           show this help\n");
}

int cmd_save(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "threads", required_argument, NULL, 'j' },
		{ "level", required_argument, NULL, 'l' },
		{ "hibernation", no_argument, NULL, 'H' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "seal", no_argument, NULL, 'S' },
		KJ_KEY_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct kj_save_opts o = { .kind = KJ_IMG_SNAPSHOT, .new_file = true };
	struct kj_save_report r;
	struct kj_err e = { 0 };
	struct kj_key_opts ko = { 0 };
	struct kj_seal_params *sp = NULL;
	bool seal = false;
	int c, bad, rc;

	while ((c = getopt_long(argc, argv, ":o:j:l:qfh", lo, NULL)) != -1) {
		if (kj_key_opt(c, optarg, &ko, &bad)) {
			if (bad)
				return KJ_EXIT_USAGE;
			continue;
		}
		switch (c) {
		case 'S': seal = true; break;
		case 'o': o.target = optarg; break;
		case 'j':
			if (kj_opt_threads(optarg, &o.threads))
				return KJ_EXIT_USAGE;
			break;
		case 'l':
			if (kj_opt_level(optarg, &o.level))
				return KJ_EXIT_USAGE;
			break;
		case 'H': o.kind = KJ_IMG_HIBERNATION; break;
		case 'q': o.quiet = true; break;
		case 'f': o.force = true; break;
		case 'h': help(); return KJ_EXIT_OK;
		default: return kj_bad_option(c, argv, lo);
		}
	}
	if (optind != argc)
		return kj_usage_error("unexpected argument '%s'", argv[optind]);
	if (!o.target)
		return kj_usage_error("where to? (-o TARGET)");
	if (!seal && (ko.key_file || ko.passphrase_file))
		return kj_usage_error("--key-file and --passphrase-file seal the image: "
				      "add --seal");
	if (seal) {
		if (kj_seal_init(&e))
			return kj_report(&e);
		sp = sodium_malloc(sizeof(*sp));
		if (!sp) {
			kj_fail(&e, ENOMEM, "cannot allocate locked memory for the key");
			return kj_report(&e);
		}
		if (kj_key_seal_params(&ko, kj_key_kdf_memory(), o.quiet, sp, &e)) {
			sodium_free(sp);
			return kj_report(&e);
		}
		o.seal = sp;
	}
	rc = kj_save(&o, &r, &e);
	if (sp)
		sodium_free(sp);	/* wiped */
	if (rc)
		return kj_report(&e);
	kj_save_print(&r, stdout);
	if (seal)
		printf("sealed: open it with the same %s (kjump info, verify, resume)\n",
		       ko.key_file ? "key file" : "passphrase");
	return KJ_EXIT_OK;
}
