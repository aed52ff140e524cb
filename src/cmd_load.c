// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump load KERNEL: load a second kernel B with A's context preserved.
 * kjump unload: drop it again.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "b_loader.h"
#include "cli.h"
#include "../lib/kexec.h"
#include "../lib/preflight.h"

static void help(void)
{
	printf("Usage: kjump load [OPTION...] KERNEL\n"
	       "\n"
	       "Load KERNEL (an x86_64 bzImage) as a second kernel B that runs beside\n"
	       "this one (A) without disturbing it. B gets a contiguous region of RAM\n"
	       "and A's RAM below 1 MiB, both backed up by the kernel on every switch;\n"
	       "B's memory map shows nothing else as RAM. B can read A's memory\n"
	       "through /proc/vmcore. Nothing runs until 'kjump switch'.\n"
	       "\n"
	       "Options:\n"
	       "  -i, --initrd FILE    B's initramfs\n"
	       "  -a, --append ARGS    B's command line (default: A's console= args);\n"
	       "                       kjump adds elfcorehdr= and kexec_jump_back_entry=\n"
	       "  -r, --reserve SIZE   size of B's region (default: RAM/8, 160M to 512M)\n"
	       "      --region ADDR    physical start of B's region (default: chosen)\n"
	       "  -f, --force          load even if CONFIG_KEXEC_JUMP cannot be confirmed\n"
	       "  -v, --verbose        show the plan: region, segments, command line\n"
	       "  -h, --help           show this help\n"
	       "\n"
	       "A needs CONFIG_KEXEC_JUMP=y and CONFIG_CRASH_DUMP=y. B needs\n"
	       "CONFIG_KEXEC_JUMP, CONFIG_CRASH_DUMP, CONFIG_PROC_VMCORE and CONFIG_ACPI\n"
	       "to switch back (see KERNELS in kjump(8)).\n");
}

int cmd_load(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "initrd", required_argument, NULL, 'i' },
		{ "append", required_argument, NULL, 'a' },
		{ "reserve", required_argument, NULL, 'r' },
		{ "region", required_argument, NULL, 'R' },
		{ "force", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kj_load_opts o = { .purpose = "switch" };
	struct kj_sysinfo si;
	struct kj_state st;
	struct kj_err e = { 0 };
	bool force = false;
	int c;

	while ((c = getopt_long(argc, argv, ":i:a:r:fvh", lo, NULL)) != -1) {
		switch (c) {
		case 'i': o.initrd = optarg; break;
		case 'a': o.append = optarg; break;
		case 'r':
			if (kj_opt_size("--reserve", optarg, &o.reserve))
				return KJ_EXIT_USAGE;
			break;
		case 'R':
			if (kj_opt_size("--region", optarg, &o.region_addr))
				return KJ_EXIT_USAGE;
			break;
		case 'f': force = true; break;
		case 'v': o.verbose = true; break;
		case 'h': help(); return KJ_EXIT_OK;
		default: return kj_bad_option(c, argv, lo);
		}
	}
	if (optind != argc - 1)
		return kj_usage_error("which kernel? (kjump load [OPTION...] KERNEL)");
	o.kernel = argv[optind];

	kj_sysinfo_read(&si);
	if (kj_preflight(&si, KJ_NEED_ROOT | KJ_NEED_JUMP | KJ_NEED_UNLOADED, force, &e))
		return kj_report(&e);
	if (kj_load_b(&o, &st, &e))
		return kj_report(&e);
	printf("loaded %s as B: region 0x%llx-0x%llx (%llu MiB), entry 0x%llx\n",
	       o.kernel, (unsigned long long)st.region_start,
	       (unsigned long long)st.region_end,
	       (unsigned long long)((st.region_end - st.region_start) >> 20),
	       (unsigned long long)st.entry);
	printf("run 'kjump switch' to start it\n");
	return KJ_EXIT_OK;
}

static void unload_help(void)
{
	printf("Usage: kjump unload\n"
	       "\n"
	       "Drop the kernel B that 'kjump load' loaded. B's state is lost; A is\n"
	       "not affected. Refuses an image kjump did not load unless --force.\n");
}

int cmd_unload(int argc, char **argv)
{
	struct kj_err e = { 0 };
	struct kj_state st;
	struct kj_sysinfo si;
	int loaded = kj_kexec_loaded(), r;
	bool force = argc > 1 && (!strcmp(argv[1], "--force") || !strcmp(argv[1], "-f"));

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		unload_help();
		return KJ_EXIT_OK;
	}
	if (argc > 1 && !force)
		return kj_usage_error("unexpected argument '%s'", argv[1]);
	kj_sysinfo_read(&si);
	if (kj_preflight(&si, KJ_NEED_ROOT, false, &e))
		return kj_report(&e);
	r = kj_state_load('a', &st, &e);
	if (r < 0)
		return kj_report(&e);
	if (loaded == 0) {
		kj_state_remove('a');
		printf("nothing loaded\n");
		return KJ_EXIT_OK;
	}
	if (r == 1 && !force) {
		kj_fail(&e, EPERM, "the loaded kexec image was not loaded by kjump; "
			"unload it with kexec -u, or pass --force");
		return kj_report(&e);
	}
	if (kj_kexec_unload(&e))
		return kj_report(&e);
	kj_state_remove('a');
	printf("unloaded\n");
	return KJ_EXIT_OK;
}
