// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump call PROGRAM [ARG...]: run a physical-mode program and come back.
 *
 * Order matters here: everything that can be checked is checked before the
 * kexec load, and once the program is loaded every exit path unloads it, so
 * a refused or failed call leaves the system as it found it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "jump_cpus.h"
#include "../lib/kexec.h"
#include "../lib/memmap.h"
#include "../lib/pinned.h"
#include "../lib/preflight.h"
#include "../lib/program.h"
#include "../payload/include/kjump/payload.h"

#define MAX_PROGRAM_FILE (64u << 20)
#define MAX_PROGRAM_SPAN (16u << 20)
#define MIN_LOAD_ADDR    (1u << 20)	/* keep clear of firmware's low 1 MiB */

static void help(void)
{
	printf("Usage: kjump call [OPTION...] PROGRAM [ARG...]\n"
	       "\n"
	       "Load PROGRAM (an x86_64 ELF executable, or the name of a built-in\n"
	       "example) with preserved context, jump to it in physical mode, and\n"
	       "come back to the running system with its status and results.\n"
	       "\n"
	       "Each ARG is a number (decimal, 0x hex, or with a K/M/G suffix);\n"
	       "the program finds them in its parameter block.\n"
	       "\n"
	       "Options:\n"
	       "  -n, --repeat N   call N times without reloading; print latencies\n"
	       "      --at ADDR    load a relocatable program at physical ADDR\n"
	       "  -f, --force      jump even if CONFIG_KEXEC_JUMP cannot be confirmed\n"
	       "  -q, --quiet      print only the results\n"
	       "  -e, --each       print every call's latency (with --repeat)\n"
	       "  -h, --help       show this help\n"
	       "\n"
	       "Built-in programs:\n"
	       "  hello            print a line on COM1, return 0\n"
	       "  checksum A L...  CRC-32 of physical memory ranges given as (A, L) pairs\n"
	       "\n"
	       "The running kernel needs CONFIG_KEXEC_JUMP=y. No other kexec image\n"
	       "may be loaded. Exit status: 0 when the program returned 0, 3 when\n"
	       "it returned another status, 1 when kjump refused or failed.\n");
}

struct call_opts {
	unsigned long repeat;
	bool force, quiet, have_at, each;
	uint64_t at;
};

static int load_program(const char *name, struct kj_program *p, struct kj_err *e)
{
	const uint8_t *blob;
	uint8_t *file;
	size_t len;
	int ret;

	bool builtin = false;

	for (const char *const *x = kj_call_examples; *x; x++)
		builtin |= !strcmp(*x, name);
	if (!strchr(name, '/') && builtin && kj_blob_find(name, &blob, &len) == 0)
		return kj_program_parse(blob, len, MAX_PROGRAM_SPAN, p, e) ?
			kj_prefix(e, "built-in program %s", name) : 0;
	if (kj_read_file(name, MAX_PROGRAM_FILE, &file, &len, e)) {
		if (e->code == ENOENT && !strchr(name, '/'))
			return kj_fail(e, ENOENT, "no file or built-in program named "
				       "'%s' (built in: hello, checksum)", name);
		return -1;
	}
	ret = kj_program_parse(file, len, MAX_PROGRAM_SPAN, p, e);
	free(file);
	return ret ? kj_prefix(e, "%s", name) : 0;
}

/* Check the program's declared ranges are RAM, and collect them (plus the
 * result page) as what the program's own pages must not cover. */
static int collect_avoid(const struct kj_program *p, const struct kjump_params *kp,
			 const struct kj_memmap *mm, const struct kj_pinned *res,
			 struct kj_ranges *avoid, struct kj_err *e)
{
	for (uint32_t i = 0; p->has_params && i + 1 < kp->argc; i++) {
		uint64_t a = kp->arg[i], l = kp->arg[i + 1];

		if (!(kp->range_args & KJUMP_RANGE_PAIR(i)))
			continue;
		if (l == 0 || a + l < a)
			return kj_fail(e, EINVAL, "arguments %u and %u (0x%llx, %llu) are "
				       "not a valid memory range", i + 1, i + 2,
				       (unsigned long long)a, (unsigned long long)l);
		if (!kj_ranges_covers(&mm->ram, a, a + l, KJ_MEM_RAM))
			return kj_fail(e, EINVAL, "range 0x%llx+%llu (arguments %u, %u) "
				       "is not all System RAM (see /proc/iomem)",
				       (unsigned long long)a, (unsigned long long)l,
				       i + 1, i + 2);
		if (kj_ranges_add(avoid, kj_align_down(a, 4096),
				  kj_align_up(a + l, 4096), 0, e))
			return -1;
		i++;
	}
	for (size_t i = 0; i < res->npages; i++)
		if (kj_ranges_add(avoid, res->phys[i], res->phys[i] + 4096, 0, e))
			return -1;
	kj_ranges_normalize(avoid);
	return 0;
}

static int choose_base(const struct kj_program *p, const struct call_opts *o,
		       const struct kj_memmap *mm, const struct kj_ranges *avoid,
		       uint64_t *base, struct kj_err *e)
{
	uint64_t b;

	if (!p->relocatable || o->have_at) {
		b = p->relocatable ? o->at : p->link_base;
		if (!p->relocatable && o->have_at && o->at != p->link_base)
			return kj_fail(e, EINVAL, "--at: the program is linked to run at "
				       "0x%llx only", (unsigned long long)p->link_base);
		if (b & 4095)
			return kj_fail(e, EINVAL, "load address 0x%llx is not page "
				       "aligned", (unsigned long long)b);
		if (!kj_ranges_covers(&mm->ram, b, b + p->span, KJ_MEM_RAM))
			return kj_fail(e, EINVAL, "the program's pages 0x%llx-0x%llx are "
				       "not all System RAM", (unsigned long long)b,
				       (unsigned long long)(b + p->span));
		if (kj_ranges_overlaps(avoid, b, b + p->span))
			return kj_fail(e, EINVAL, "the program's pages 0x%llx-0x%llx "
				       "overlap a memory range it was asked to read, "
				       "or the result page", (unsigned long long)b,
				       (unsigned long long)(b + p->span));
		*base = b;
		return 0;
	}
	if (kj_ranges_find_fit(&mm->ram, KJ_MEM_RAM, avoid, p->span, 4096,
			       MIN_LOAD_ADDR, UINT64_MAX, false, base))
		return kj_fail(e, ENOSPC, "no %llu KiB of RAM above 1 MiB is free of "
			       "the ranges the program reads",
			       (unsigned long long)p->span / 1024);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void print_result(const struct kjump_result *r)
{
	char text[KJUMP_TEXT_MAX];
	uint32_t n = r->text_len < KJUMP_TEXT_MAX ? r->text_len : KJUMP_TEXT_MAX - 1;

	printf("status: %llu\n", (unsigned long long)r->status);
	memcpy(text, r->text, n);
	text[n] = 0;
	if (n)
		printf("text: %s\n", text);
	for (uint32_t i = 0; i < r->nvalues && i < KJUMP_MAX_RESULTS; i++)
		printf("value[%u]: 0x%llx (%llu)\n", i, (unsigned long long)r->value[i],
		       (unsigned long long)r->value[i]);
}

static int run_calls(const struct call_opts *o, const struct kj_program *p,
		     const struct kj_pinned *res, struct kjump_result *r,
		     double *lat, struct kj_err *e)
{
	sync();	/* a program that crashes the machine should lose nothing */
	for (unsigned long i = 0; i < o->repeat; i++) {
		uint64_t before = r->calls;
		struct kj_jump_cpus cpus;
		bool jumped;
		double t0;

		if (kj_pinned_verify(res, e))
			return kj_prefix(e, "before call %lu", i + 1);
		t0 = kj_now();
		kj_jump_cpus_offline(&cpus);
		jumped = kj_kexec_jump(e) == 0;
		kj_jump_cpus_online(&cpus);
		if (!jumped)
			return kj_prefix(e, "call %lu", i + 1);
		lat[i] = kj_now() - t0;
		if (kj_pinned_verify(res, e))
			return kj_prefix(e, "after call %lu", i + 1);
		if (p->has_params && r->calls != before + 1)
			return kj_fail(e, EIO, "call %lu came back but the program did not "
				       "run (its call count is %llu, expected %llu)",
				       i + 1, (unsigned long long)r->calls,
				       (unsigned long long)before + 1);
		if (!o->quiet && o->repeat > 1 && (i + 1) % 10 == 0)
			kj_info("%lu of %lu calls done", i + 1, o->repeat);
	}
	return 0;
}

int cmd_call(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "repeat", required_argument, NULL, 'n' },
		{ "at", required_argument, NULL, 'A' },
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "each", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct call_opts o = { .repeat = 1 };
	struct kj_err e = { 0 };
	struct kj_program prog = { 0 };
	struct kj_memmap mm = { 0 };
	struct kj_ranges avoid = { 0 };
	struct kj_pinned res = { .pipefd = { -1, -1 } };
	struct kj_sysinfo si;
	struct kjump_params kp = { 0 };
	struct kjump_result *r;
	uint64_t base, ram, v;
	double *lat = NULL;
	int c, rc = KJ_EXIT_FAIL, loaded = 0;

	while ((c = getopt_long(argc, argv, "+:n:fqeh", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (kj_parse_u64(optarg, &v, &e) || v == 0 || v > 1000000)
				return kj_usage_error("--repeat wants a count from 1 to "
						      "1000000, not '%s'", optarg);
			o.repeat = (unsigned long)v;
			break;
		case 'A':
			if (kj_parse_u64(optarg, &o.at, &e))
				return kj_usage_error("--at: %s", e.msg);
			o.have_at = true;
			break;
		case 'f': o.force = true; break;
		case 'q': o.quiet = true; break;
		case 'e': o.each = true; break;
		case 'h': help(); return KJ_EXIT_OK;
		default: return kj_bad_option(c, argv, lo);
		}
	}
	if (optind >= argc)
		return kj_usage_error("which program? (e.g. 'kjump call hello')");
	const char *name = argv[optind++];
	if (argc - optind > KJUMP_MAX_ARGS)
		return kj_usage_error("at most %d arguments", KJUMP_MAX_ARGS);
	kp.argc = (uint32_t)(argc - optind);
	for (uint32_t i = 0; i < kp.argc; i++)
		if (kj_parse_u64(argv[optind + i], &kp.arg[i], &e))
			return kj_usage_error("argument %u: %s", i + 1, e.msg);

	/* 1. Can this system jump and come back at all? */
	kj_sysinfo_read(&si);
	if (kj_preflight(&si, KJ_NEED_ROOT | KJ_NEED_JUMP | KJ_NEED_UNLOADED, o.force, &e))
		return kj_report(&e);

	/* 2. Is the program sound, and where may it go? */
	if (load_program(name, &prog, &e))
		goto out;
	if (prog.has_params) {
		struct kjump_params orig;

		memcpy(&orig, prog.image + prog.params_off, sizeof(orig));
		kp.range_args = orig.range_args;
	} else if (kp.argc) {
		kj_fail(&e, EINVAL, "%s has no kjump parameter block, so it cannot "
			"take arguments", name);
		goto out;
	}
	if (kj_memmap_read(&mm, &e) || kj_meminfo_read_total(&ram, &e))
		goto out;
	if (kj_pinned_alloc(&res, 1, &e))
		goto out;
	r = res.va;
	r->magic = KJUMP_RESULT_MAGIC;
	if (collect_avoid(&prog, &kp, &mm, &res, &avoid, &e) ||
	    choose_base(&prog, &o, &mm, &avoid, &base, &e) ||
	    kj_program_place(&prog, base, &e))
		goto out;
	if (prog.has_params) {
		struct kjump_params *dst = (void *)(prog.image + prog.params_off);

		kp.magic = KJUMP_PARAMS_MAGIC;
		kp.version = KJUMP_ABI_VERSION;
		kp.size = sizeof(kp);
		kp.result_phys = res.phys[0];
		kp.load_base = base;
		memcpy(dst, &kp, sizeof(kp));
	}
	struct kj_segment seg = { prog.image, prog.span, base, prog.span };
	if (kj_segments_check(&seg, 1, ram, &e))
		goto out;
	lat = calloc(o.repeat, sizeof(*lat));
	if (!lat) {
		kj_fail(&e, ENOMEM, "out of memory");
		goto out;
	}

	/* 3. Load, jump, unload. */
	if (kj_kexec_load(base + prog.entry_off, &seg, 1, KJ_KEXEC_PRESERVE_CONTEXT, &e))
		goto out;
	loaded = 1;
	if (!o.quiet)
		kj_info("%s loaded at 0x%llx (%llu KiB), entry 0x%llx; jumping", name,
			(unsigned long long)base, (unsigned long long)prog.span / 1024,
			(unsigned long long)(base + prog.entry_off));
	if (run_calls(&o, &prog, &res, r, lat, &e))
		goto out;
	if (kj_kexec_unload(&e))
		goto out;
	loaded = 0;

	if (prog.has_params)
		print_result(r);
	else
		printf("status: unknown (the program has no kjump parameter block)\n");
	if (o.repeat == 1) {
		printf("latency: %.1f ms\n", lat[0] * 1e3);
	} else {
		double sum = 0;

		for (unsigned long i = 0; i < o.repeat; i++) {
			sum += lat[i];
			if (o.each)
				printf("call %lu: %.3f ms\n", i + 1, lat[i] * 1e3);
		}
		qsort(lat, o.repeat, sizeof(*lat), cmp_double);
		printf("calls: %lu\n", o.repeat);
		printf("latency: min %.1f ms, median %.1f ms, mean %.1f ms, max %.1f ms\n",
		       lat[0] * 1e3, lat[o.repeat / 2] * 1e3, sum / o.repeat * 1e3,
		       lat[o.repeat - 1] * 1e3);
	}
	rc = (prog.has_params && r->status) ? KJ_EXIT_STATUS : KJ_EXIT_OK;
out:
	if (loaded) {
		struct kj_err ue;

		if (kj_kexec_unload(&ue))
			fprintf(stderr, "%s: warning: %s\n", kj_cmd_name, ue.msg);
	}
	if (rc == KJ_EXIT_FAIL)
		kj_report(&e);
	free(lat);
	kj_pinned_free(&res);
	kj_ranges_free(&avoid);
	kj_memmap_free(&mm);
	kj_program_free(&prog);
	return rc;
}
