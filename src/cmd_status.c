// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump status: which role this kernel plays, what is loaded, the peer's
 * entry. Reads only; needs no privileges beyond reading /proc and /run.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "jump_back.h"
#include "state_file.h"
#include "../lib/kexec.h"
#include "../lib/preflight.h"

static void help(void)
{
	printf("Usage: kjump status\n"
	       "\n"
	       "Say whether this kernel is A (it loaded a B), B (kjump started it),\n"
	       "or neither; what kexec image is loaded; and the peer's entry point.\n");
}

static void since(time_t t)
{
	char buf[64];
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	printf("  since:    %s\n", buf);
}

int cmd_status(int argc, char **argv)
{
	struct kj_err e = { 0 };
	struct kj_sysinfo si;
	struct kj_state a, b;
	struct kj_peer peer;
	int ra, rb;
	bool is_b;

	if (argc > 1) {
		if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			help();
			return KJ_EXIT_OK;
		}
		return kj_usage_error("unexpected argument '%s'", argv[1]);
	}
	kj_sysinfo_read(&si);
	is_b = kj_peer_read(&peer, &e) == 0;
	ra = kj_state_load('a', &a, &e);
	rb = kj_state_load('b', &b, &e);

	printf("kernel:     %s, CONFIG_KEXEC_JUMP %s\n", si.release,
	       si.kexec_jump == 1 ? "yes" : si.kexec_jump == 0 ? "no" : "unknown");
	printf("kexec image loaded: %s\n", si.kexec_loaded == 1 ? "yes" :
	       si.kexec_loaded == 0 ? "no" : "unknown");
	if (is_b) {
		printf("role:       B (started by kjump from A)\n");
		printf("  A's entry: 0x%llx\n", (unsigned long long)peer.entry);
		if (rb == 0 && b.loaded && si.kexec_loaded == 1) {
			printf("  jump-back image: loaded\n");
			printf("  switches back to A: %lu\n", b.switches);
			since(b.since);
		} else {
			printf("  jump-back image: not yet (the first 'kjump back' loads it)\n");
		}
	}
	if (ra == 0 && a.loaded && si.kexec_loaded == 1) {
		printf("role:       A (loaded a B)\n");
		printf("  B:        %s%s%s (%s)\n", a.kernel, a.initrd[0] ? " with " : "",
		       a.initrd, a.purpose);
		printf("  region:   0x%llx-0x%llx (%llu MiB) and 0x%llx-0x%llx\n",
		       (unsigned long long)a.region_start, (unsigned long long)a.region_end,
		       (unsigned long long)((a.region_end - a.region_start) >> 20),
		       (unsigned long long)a.low_start, (unsigned long long)a.low_end);
		printf("  switches: %lu\n", a.switches);
		if (a.switches == 0)
			printf("  B's entry: 0x%llx (purgatory; B has not run yet)\n",
			       (unsigned long long)a.entry);
		else
			printf("  B's entry: B's re-entry point, held by this kernel "
			       "(B first entered at 0x%llx)\n", (unsigned long long)a.entry);
		since(a.since);
	} else if (!is_b) {
		printf("role:       none (no B loaded by kjump, not started by kjump)\n");
	}
	return KJ_EXIT_OK;
}
