// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loading the second kernel B into A (used by `load`, `snapshot` and
 * `hibernate`). Everything is read, planned and checked first; the only
 * change to the system is the final kexec_load, and the state file after
 * it succeeded.
 */
#include "b_loader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "cli.h"
#include "../lib/a_dump_facts.h"
#include "../lib/elfcorehdr.h"
#include "../lib/b_layout.h"
#include "../lib/bzimage.h"
#include "../lib/kexec.h"
#include "../lib/memmap.h"
#include "../lib/program.h"
#include "../payload/include/kjump/purgatory.h"

#define MAX_KERNEL (512u << 20)
#define MAX_INITRD (1u << 30)
#define ENTRY_KEY "kexec_jump_back_entry=0x"
/* The placeholder the purgatory overwrites with A's re-entry address. */
#define ENTRY_PLACEHOLDER "0000000000000000"
_Static_assert(sizeof(ENTRY_PLACEHOLDER) - 1 == KJ_PURGATORY_ENTRY_DIGITS,
	       "the placeholder is not as long as what the purgatory writes");

/* The console arguments of A's command line (console=, earlycon,
 * loglevel=, quiet): B talks where and as much as A does. */
void kj_a_consoles(char *out, size_t n)
{
	char *cmd = NULL, *save = NULL;
	struct kj_err e;
	size_t used = 0;

	out[0] = 0;
	if (kj_read_text("/proc/cmdline", &cmd, NULL, &e))
		return;
	for (char *t = strtok_r(cmd, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
		if (!strncmp(t, "console=", 8) || !strncmp(t, "earlycon", 8) ||
		    !strncmp(t, "loglevel=", 9) || !strcmp(t, "quiet")) {
			int w = snprintf(out + used, n - used, "%s%s", used ? " " : "", t);

			if (w < 0 || (size_t)w >= n - used)
				break;
			used += (size_t)w;
		}
	free(cmd);
}

int kj_load_b(const struct kj_load_opts *o, struct kj_state *st, struct kj_err *e)
{
	struct kj_bzimage bz;
	struct kj_memmap mm = { 0 };
	struct kj_a_dump_facts *af = calloc(1, sizeof(*af));
	struct kj_program purg = { 0 };
	struct kj_b_layout plan;
	struct kj_ranges b_ram = { 0 };
	struct kj_e820 e820[KJ_E820_MAX];
	struct kj_segment seg[KJ_KEXEC_SEGMENT_MAX];
	uint8_t *kernel = NULL, *initrd = NULL, *blob = NULL, *core = NULL;
	size_t kernel_len = 0, initrd_len = 0, core_len = 0;
	uint64_t ram;
	char base[1024], cmdline[4096];
	const uint8_t *pblob;
	size_t plen;
	int ne820, nseg, ret = -1;

	if (!af)
		return kj_fail(e, ENOMEM, "out of memory");
	/* 1. Read and validate every input. */
	if (kj_read_file(o->kernel, MAX_KERNEL, &kernel, &kernel_len, e) ||
	    kj_bzimage_parse(kernel, kernel_len, &bz, e)) {
		kj_prefix(e, "kernel %s", o->kernel);
		goto out;
	}
	if (o->initrd_buf) {
		initrd = malloc(o->initrd_buf_len);
		if (!initrd) {
			kj_fail(e, ENOMEM, "out of memory");
			goto out;
		}
		memcpy(initrd, o->initrd_buf, o->initrd_buf_len);
		initrd_len = o->initrd_buf_len;
	} else if (o->initrd && kj_read_file(o->initrd, MAX_INITRD, &initrd, &initrd_len, e)) {
		kj_prefix(e, "initrd");
		goto out;
	}
	if (kj_memmap_read(&mm, e) || kj_meminfo_read_total(&ram, e) ||
	    kj_a_dump_facts_read(af, &mm, e))
		goto out;
	if (kj_blob_find("purgatory", &pblob, &plen) ||
	    kj_program_parse(pblob, plen, 1u << 20, &purg, e)) {
		kj_prefix(e, "built-in purgatory");
		goto out;
	}

	/* 2. The blob: purgatory | zero page | command line | elfcorehdr. */
	uint64_t p_size = purg.span;
	uint64_t bp_off = p_size;
	uint64_t cl_off = bp_off + KJ_BOOT_PARAMS_SIZE;
	uint64_t cl_size = kj_align_up((uint64_t)bz.cmdline_size + 1, 4096);
	uint64_t core_off = cl_off + cl_size;
	uint64_t blob_size = core_off + kj_elfcorehdr_max_size(af, &mm.ram);

	/* B reads A's notes in place: keep its region off them. */
	struct kj_ranges keep_out = { 0 };
	if (kj_ranges_add(&keep_out, kj_align_down(af->vmcoreinfo_addr, 4096),
			  kj_align_up(af->vmcoreinfo_addr + af->vmcoreinfo_size, 4096), 0, e))
		goto out;
	for (size_t i = 0; i < af->ncrash; i++)
		if (kj_ranges_add(&keep_out, kj_align_down(af->crash_notes[i], 4096),
				  kj_align_up(af->crash_notes[i] + af->crash_notes_size, 4096),
				  0, e)) {
			kj_ranges_free(&keep_out);
			goto out;
		}
	struct kj_b_layout_in in = {
		.mm = &mm, .ram_bytes = ram, .region_size = o->reserve,
		.region_addr = o->region_addr, .kernel_align = bz.kernel_alignment,
		.kernel_min = bz.pref_address,
		.kernel_memsz = kj_align_up(bz.init_size, 4096),
		.kernel_filesz = bz.kernel_size, .initrd_size = initrd_len,
		.blob_size = blob_size, .keep_out = &keep_out,
	};
	int planned = kj_b_layout_make(&in, &plan, e);
	kj_ranges_free(&keep_out);
	if (planned || kj_b_layout_b_ram(&plan, &b_ram, e) ||
	    kj_elfcorehdr_build(af, &mm.ram, &b_ram, &core, &core_len, e))
		goto out;
	if (core_off + core_len > blob_size) {
		kj_fail(e, EOVERFLOW, "internal: elfcorehdr larger than planned");
		goto out;
	}
	blob = calloc(1, blob_size);
	if (!blob) {
		kj_fail(e, ENOMEM, "out of memory");
		goto out;
	}

	/* 3. B's command line, ending in the placeholder the purgatory fills. */
	if (o->append)
		snprintf(base, sizeof(base), "%s", o->append);
	else
		kj_a_consoles(base, sizeof(base));
	int cl_len = snprintf(cmdline, sizeof(cmdline), "%s%selfcorehdr=0x%llx kjump.b=1 "
			      ENTRY_KEY ENTRY_PLACEHOLDER, base, base[0] ? " " : "",
			      (unsigned long long)(plan.blob_addr + core_off));
	if (cl_len < 0 || (size_t)cl_len >= sizeof(cmdline) || (uint32_t)cl_len > bz.cmdline_size) {
		kj_fail(e, E2BIG, "B's command line would be %d bytes; the kernel takes "
			"%u", cl_len, bz.cmdline_size);
		goto out;
	}
	memcpy(blob + cl_off, cmdline, (size_t)cl_len + 1);
	memcpy(blob + core_off, core, core_len);

	/* 4. B's zero page: its memory map shows only its own memory as RAM. */
	if (kj_b_layout_e820(&plan, blob_size, &mm, e820, &ne820, e))
		goto out;
	struct kj_boot_info bi = {
		.cmdline_addr = plan.blob_addr + cl_off, .cmdline_len = (uint32_t)cl_len,
		.initrd_addr = initrd_len ? plan.initrd_addr : 0, .initrd_size = initrd_len,
		.acpi_rsdp = af->acpi_rsdp, .e820 = e820, .ne820 = ne820,
	};
	if (kj_boot_params_build(blob + bp_off, &bz, &bi, e))
		goto out;

	/* 5. The purgatory, told where everything is. */
	if (kj_program_find_block(&purg, KJ_PURGATORY_MAGIC, sizeof(struct kj_purgatory_params),
				  "the purgatory", &purg.params_off, e) ||
	    kj_program_place(&purg, plan.blob_addr, e))
		goto out;
	struct kj_purgatory_params pp = {
		.magic = KJ_PURGATORY_MAGIC,
		.kernel_entry = plan.kernel_addr + KJ_BZ_ENTRY64_OFFSET,
		.boot_params = plan.blob_addr + bp_off,
		.entry_digits = plan.blob_addr + cl_off + (uint64_t)cl_len -
				KJ_PURGATORY_ENTRY_DIGITS,
	};
	memcpy(purg.image + purg.params_off, &pp, sizeof(pp));
	memcpy(blob, purg.image, purg.span);

	/* 6. Segments over every page of B's memory; then the one change. */
	if (kj_b_layout_segments(&plan, bz.kernel, bz.kernel_size, in.kernel_memsz,
			      initrd, initrd_len, blob, blob_size, seg, &nseg, e) ||
	    kj_segments_check(seg, nseg, ram, e))
		goto out;
	uint64_t entry = plan.blob_addr + purg.entry_off;
	if (o->verbose) {
		kj_info("B's region 0x%llx-0x%llx (%llu MiB), low memory 0x%llx-0x%llx",
			(unsigned long long)plan.region_start,
			(unsigned long long)plan.region_end,
			(unsigned long long)((plan.region_end - plan.region_start) >> 20),
			(unsigned long long)plan.low_start, (unsigned long long)plan.low_end);
		for (int i = 0; i < nseg; i++)
			kj_info("segment %2d: 0x%09llx-0x%09llx %s", i,
				(unsigned long long)seg[i].mem,
				(unsigned long long)(seg[i].mem + seg[i].memsz),
				seg[i].bufsz ? "data" : "backup");
		kj_info("B's command line: %s", cmdline);
	}
	if (kj_kexec_load(entry, seg, nseg, KJ_KEXEC_PRESERVE_CONTEXT, e))
		goto out;

	memset(st, 0, sizeof(*st));
	st->role = 'a';
	st->loaded = true;
	st->region_start = plan.region_start;
	st->region_end = plan.region_end;
	st->low_start = plan.low_start;
	st->low_end = plan.low_end;
	st->entry = entry;
	st->since = time(NULL);
	struct utsname u;
	size_t rl;
	uname(&u);
	rl = strlen(u.release);
	st->same_kernel = !strncmp(bz.version_string, u.release, rl) &&
		(bz.version_string[rl] == ' ' || !bz.version_string[rl]);
	snprintf(st->kernel, sizeof(st->kernel), "%s", o->kernel);
	snprintf(st->initrd, sizeof(st->initrd), "%s", o->initrd ? o->initrd : "");
	snprintf(st->purpose, sizeof(st->purpose), "%s", o->purpose ? o->purpose : "switch");
	if (kj_state_save(st, e)) {
		struct kj_err ue;

		kj_kexec_unload(&ue);	/* an image we cannot account for: none */
		goto out;
	}
	ret = 0;
out:
	free(kernel);
	if (initrd)	/* it may hold a seal key (cmd_snapshot.c) */
		explicit_bzero(initrd, initrd_len);
	free(initrd);
	free(blob);
	free(core);
	free(af);
	kj_program_free(&purg);
	kj_ranges_free(&b_ram);
	kj_memmap_free(&mm);
	return ret;
}
