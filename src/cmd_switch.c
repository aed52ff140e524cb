// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump switch (in A): jump to B, return when B jumps back.
 * kjump back (in B): jump back to A, return when A switches to B again.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "b_loader.h"
#include "cli.h"
#include "jump_cpus.h"
#include "jump_back.h"
#include "../lib/kexec.h"
#include "../lib/preflight.h"
#include "../lib/vmcore.h"

static int simple_opts(int argc, char **argv, void (*help)(void), bool *force)
{
	static const struct option lo[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+:fh", lo, NULL)) != -1) {
		switch (c) {
		case 'f': *force = true; break;
		case 'h': help(); return KJ_EXIT_OK;
		default: return kj_bad_option(c, argv, lo);
		}
	}
	if (optind != argc)
		return kj_usage_error("unexpected argument '%s'", argv[optind]);
	return -1;
}

static void switch_help(void)
{
	printf("Usage: kjump switch [--force]\n"
	       "\n"
	       "Jump from this kernel (A) to the kernel B that 'kjump load' loaded.\n"
	       "The first switch boots B; later ones resume B where it stopped.\n"
	       "Returns when B runs 'kjump back'. While B runs, A is frozen: its\n"
	       "tasks, devices and memory wait untouched.\n");
}

int kj_switch_to_b(struct kj_state *st, double *seconds, struct kj_err *e)
{
	struct kj_jump_cpus cpus;
	double t0;
	int r;

	sync();		/* should B never come back, A's files are on disk */
	kj_jump_cpus_offline(&cpus);
	t0 = kj_now();
	r = kj_kexec_jump(e);
	*seconds = kj_now() - t0;
	kj_jump_cpus_online(&cpus);
	if (r)
		return -1;
	st->switches++;
	return kj_state_save(st, e);
}

int cmd_switch(int argc, char **argv)
{
	struct kj_err e = { 0 };
	struct kj_sysinfo si;
	struct kj_state st;
	bool force = false;
	double secs;
	int r = simple_opts(argc, argv, switch_help, &force);

	if (r >= 0)
		return r;
	kj_sysinfo_read(&si);
	if (kj_preflight(&si, KJ_NEED_ROOT | KJ_NEED_JUMP, force, &e))
		return kj_report(&e);
	r = kj_state_load('a', &st, &e);
	if (r < 0)
		return kj_report(&e);
	if (si.kexec_loaded != 1) {
		if (r == 0)
			kj_state_remove('a');
		kj_fail(&e, ENOENT, "nothing is loaded to switch to; run 'kjump load "
			"KERNEL' first");
		return kj_report(&e);
	}
	if (r == 1 || !st.loaded) {
		kj_fail(&e, EPERM, "the loaded kexec image was not loaded by 'kjump "
			"load'; kjump will not jump into it");
		return kj_report(&e);
	}
	if (strcmp(st.purpose, "switch")) {
		/* that B would write an image to its target, not wait for us */
		kj_fail(&e, EPERM, "the loaded B is the image writer of 'kjump %s' "
			"(to %s); run 'kjump %s' again, or 'kjump unload' first",
			st.purpose, st.target, st.purpose);
		return kj_report(&e);
	}
	kj_info("switching to B (%s)", st.switches ? "resume" : "first boot");
	if (kj_switch_to_b(&st, &secs, &e))
		return kj_report(&e);
	printf("back in A after %.2f s in B (switch %lu)\n", secs, st.switches);
	return KJ_EXIT_OK;
}

static void back_help(void)
{
	printf("Usage: kjump back [--one-way] [--force]\n"
	       "\n"
	       "In a kernel B started by 'kjump switch': jump back to A, which\n"
	       "continues where it stopped. Returns when A switches to B again.\n"
	       "The first 'back' loads a small jump-back image; later ones only jump.\n"
	       "\n"
	       "  --one-way   for a B without CONFIG_KEXEC_JUMP: go back to A for good;\n"
	       "              B ends, and A must then run 'kjump unload'\n"
	       "  --force     jump even if CONFIG_KEXEC_JUMP cannot be confirmed\n");
}

int cmd_back(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "one-way", no_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kj_err e = { 0 };
	struct kj_sysinfo si;
	struct kj_peer peer;
	bool force = false, one_way = false;
	unsigned long n;
	double secs;
	int c;

	while ((c = getopt_long(argc, argv, "+:fh", lo, NULL)) != -1) {
		switch (c) {
		case 'o': one_way = true; break;
		case 'f': force = true; break;
		case 'h': back_help(); return KJ_EXIT_OK;
		default: return kj_bad_option(c, argv, lo);
		}
	}
	if (optind != argc)
		return kj_usage_error("unexpected argument '%s'", argv[optind]);
	kj_sysinfo_read(&si);
	if (kj_preflight(&si, KJ_NEED_ROOT | (one_way ? 0 : KJ_NEED_JUMP), force, &e)) {
		if (si.kexec_jump == 0)
			kj_prefix(&e, "use --one-way to go back to A for good");
		return kj_report(&e);
	}
	if (kj_peer_read(&peer, &e))
		return kj_report(&e);
	kj_info("back to A (entry 0x%llx)%s", (unsigned long long)peer.entry,
		one_way ? ", for good" : "");
	if (kj_peer_back(one_way ? KJ_BACK_ONE_WAY : KJ_BACK_PRESERVE, &secs, &n, &e))
		return kj_report(&e);
	printf("back in B after %.2f s in A (switch %lu)\n", secs, n);
	return KJ_EXIT_OK;
}
