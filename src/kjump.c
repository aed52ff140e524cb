// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump: kexec jump and kexec-based hibernation from user space.
 * This file only dispatches: each subcommand has its cmd_<name>() in
 * src/cmd_*.c (commands that share their code, such as info and verify,
 * share a file).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const struct kj_cmd kj_cmds[] = {
	{ "call", cmd_call, "call a physical-mode program and come back" },
	{ "load", cmd_load, "load a second kernel B beside this one (A)" },
	{ "switch", cmd_switch, "in A: jump to B; returns when B jumps back" },
	{ "back", cmd_back, "in B: jump back to A; returns when A switches again" },
	{ "status", cmd_status, "which role this kernel plays, what is loaded" },
	{ "unload", cmd_unload, "in A: drop the loaded B" },
	{ "peek", cmd_peek, "in B: show A's physical memory" },
	{ "save", cmd_save, "in B: write an image of A's memory" },
	{ "snapshot", cmd_snapshot, "save an image of this running system and go on" },
	{ "hibernate", cmd_hibernate, "save an image of this system and power off" },
	{ "prepare", cmd_prepare, "boot B now, so that the next snapshot or hibernate is quicker" },
	{ "resume", cmd_resume, "bring back a hibernated system (in any kernel)" },
	{ "info", cmd_info, "show what an image is" },
	{ "verify", cmd_verify, "check every checksum of an image" },
	{ "export", cmd_export, "write an image as an ELF core for crash tools" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kjump COMMAND [OPTION...] [ARG...]\n"
		"\n"
		"kexec jump for x86_64 Linux: call physical-mode programs, switch\n"
		"between kernels, snapshot and hibernate the running system.\n"
		"\n"
		"Commands:\n");
	for (const struct kj_cmd *c = kj_cmds; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f,
		"\n"
		"Run 'kjump COMMAND --help' for a command's options.\n"
		"Exit status: 0 success, 1 refused or failed (the message says why),\n"
		"2 bad usage, 3 a called program returned a non-zero status.\n");
}

int main(int argc, char **argv)
{
	static char name[64];

	/* getopt_long stays quiet: kj_bad_option says what was wrong, once. */
	opterr = 0;
	/* As B's init (the initramfs of snapshot and hibernate); PID 1 alone
	 * is not enough: kjump may be the first process of a PID namespace. */
	if (getpid() == 1 && argc >= 1 && !strcmp(argv[0], KJ_B_INIT_PATH))
		return kj_b_init_main();

	if (argc < 2) {
		usage(stderr);
		return KJ_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		if (argc > 2 && strcmp(argv[1], "help") == 0)
			for (const struct kj_cmd *c = kj_cmds; c->name; c++)
				if (!strcmp(c->name, argv[2])) {
					char *help[] = { argv[2], "--help", NULL };

					snprintf(name, sizeof(name), "kjump %s", c->name);
					kj_cmd_name = name;
					return c->fn(2, help);
				}
		usage(stdout);
		return KJ_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("kjump %s\n", KJUMP_VERSION);
		return KJ_EXIT_OK;
	}
	for (const struct kj_cmd *c = kj_cmds; c->name; c++)
		if (!strcmp(c->name, argv[1])) {
			snprintf(name, sizeof(name), "kjump %s", c->name);
			kj_cmd_name = name;
			return c->fn(argc - 1, argv + 1);
		}
	fprintf(stderr, "kjump: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return KJ_EXIT_USAGE;
}
