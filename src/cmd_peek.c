// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump peek ADDR LEN: in B, print A's physical memory from /proc/vmcore
 * (hex and text), or write it raw with --raw. A debugging aid.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "jump_back.h"
#include "../lib/a_memory.h"
#include "../lib/vmcore.h"

static void help(void)
{
	printf("Usage: kjump peek [--raw] [--physical] [--core FILE] ADDR LEN\n"
	       "\n"
	       "Show LEN bytes of A's physical memory at ADDR, read from /proc/vmcore\n"
	       "(in a kernel B started by kjump) or from an exported core FILE.\n"
	       "In B, addresses inside B's own memory are followed to the backup\n"
	       "pages that hold A's content of them, so ADDR reads what A sees.\n"
	       "  --raw        write the bytes to standard output unchanged\n"
	       "  --physical   in B, read /proc/vmcore as it is (no backup pages)\n");
}

int cmd_peek(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "raw", no_argument, NULL, 'r' },
		{ "physical", no_argument, NULL, 'p' },
		{ "core", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "/proc/vmcore";
	struct kj_err e = { 0 };
	struct kj_vmcore v;
	uint64_t addr, len;
	bool raw = false, physical = false;
	struct kj_peer peer;
	struct kj_a_from_vmcore am;
	uint8_t *buf;
	int c;

	while ((c = getopt_long(argc, argv, "+:rpc:h", lo, NULL)) != -1) {
		switch (c) {
		case 'r': raw = true; break;
		case 'p': physical = true; break;
		case 'c': path = optarg; break;
		case 'h': help(); return KJ_EXIT_OK;
		default: return kj_bad_option(c, argv, lo);
		}
	}
	if (argc - optind != 2)
		return kj_usage_error("want ADDR LEN");
	if (kj_parse_u64(argv[optind], &addr, &e) || kj_parse_u64(argv[optind + 1], &len, &e))
		return kj_usage_error("%s", e.msg);
	if (len == 0 || len > (64u << 20))
		return kj_usage_error("LEN must be 1 byte to 64 MiB");
	buf = malloc(len);
	if (!buf)
		return KJ_EXIT_FAIL;
	if (!physical && !strcmp(path, "/proc/vmcore") && kj_peer_read(&peer, &e) == 0) {
		if (kj_a_from_vmcore_open(&am, peer.entry, &e) || kj_a_from_vmcore_read(&am, addr, buf, len, &e)) {
			free(buf);
			kj_a_from_vmcore_close(&am);
			return kj_report(&e);
		}
		kj_a_from_vmcore_close(&am);
	} else {
		if (kj_vmcore_open(&v, path, &e)) {
			free(buf);
			return kj_report(&e);
		}
		if (kj_vmcore_read(&v, addr, buf, len, &e)) {
			free(buf);
			kj_vmcore_close(&v);
			return kj_report(&e);
		}
		kj_vmcore_close(&v);
	}
	if (raw) {
		fwrite(buf, 1, len, stdout);
	} else {
		for (uint64_t i = 0; i < len; i += 16) {
			printf("%016llx ", (unsigned long long)(addr + i));
			for (uint64_t j = i; j < i + 16; j++)
				j < len ? printf(" %02x", buf[j]) : printf("   ");
			printf("  ");
			for (uint64_t j = i; j < i + 16 && j < len; j++)
				putchar(buf[j] >= 0x20 && buf[j] < 0x7f ? buf[j] : '.');
			putchar('\n');
		}
	}
	free(buf);
	return KJ_EXIT_OK;
}
