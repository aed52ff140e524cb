// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump export --elf TARGET -o CORE: a standard ELF64 core of the saved
 * system, with A's memory at its physical addresses (as A saw it: backup
 * pages followed back), A's VMCOREINFO note, and A's virtual mappings, so
 * that vmcore-dmesg, makedumpfile and crash can read it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../lib/elfcore.h"
#include "../lib/image.h"
#include "../lib/a_memory.h"
#include "../lib/page.h"
#include "../lib/ranges.h"

#define DIRECT_MAP_LO 0xff00000000000000ULL
#define KERNEL_MAP_LO 0xffffffff80000000ULL

static void help(void)
{
	printf("Usage: kjump export --elf TARGET -o CORE\n"
	       "\n"
	       "Write the image on TARGET as an ELF64 core file CORE (sparse, mode\n"
	       "0600: it holds every secret the system had in memory). Pages the\n"
	       "image left out (free in the saved system) read as zeros.\n"
	       "Read it with vmcore-dmesg, makedumpfile, or crash (with the kernel's\n"
	       "vmlinux).\n");
}

/* Direct-map offset (vaddr - paddr) of A, from the image's virtual map. */
static uint64_t direct_map_offset(const struct kj_img *img)
{
	for (uint64_t i = 0; i < img->nvmap; i++) {
		const struct kj_img_vmap *v = &img->vmap[i];

		if (v->vaddr >= DIRECT_MAP_LO && v->vaddr < KERNEL_MAP_LO)
			return v->vaddr - v->paddr;
	}
	return 0;
}

static int export(struct kj_img *img, const char *out, struct kj_err *e)
{
	struct kj_core_seg *seg = NULL;
	struct kj_a_from_image m;
	size_t nseg = 0, nram = 0;
	uint64_t pgoff = direct_map_offset(img), data_off, at;
	uint8_t *hdr = NULL, *note = NULL, page[KJ_PAGE_SIZE];
	size_t note_len, hdr_len;
	int fd = -1, ret = -1;

	if (!img->vmcoreinfo_len)
		return kj_fail(e, ENOENT, "the image has no VMCOREINFO; tools could not "
			       "read the core");
	if (kj_a_from_image_init(&m, img, e))
		return -1;
	for (uint64_t i = 0; i < img->nmemmap; i++)
		nram += img->memmap[i].type == 1;
	seg = calloc(1 + nram + img->nvmap, sizeof(*seg));
	note_len = kj_note_build(NULL, "VMCOREINFO", 0, NULL, img->vmcoreinfo_len);
	note = calloc(1, note_len);
	if (!seg || !note) {
		kj_fail(e, ENOMEM, "out of memory");
		goto out;
	}
	kj_note_build(note, "VMCOREINFO", 0, img->vmcoreinfo, img->vmcoreinfo_len);

	/* Layout: headers | note | RAM ranges, each page aligned. */
	nseg = 1 + nram;
	for (uint64_t i = 0; i < img->nvmap; i++)
		if (img->vmap[i].vaddr >= KERNEL_MAP_LO)
			nseg++;
	hdr_len = kj_elfcore_headers_size(nseg);
	seg[0] = (struct kj_core_seg){ KJ_SEG_NOTE, hdr_len, 0, 0, note_len, note_len };
	data_off = kj_align_up(hdr_len + note_len, KJ_PAGE_SIZE);
	at = data_off;
	size_t k = 1;
	for (uint64_t i = 0; i < img->nmemmap; i++) {
		const struct kj_img_range *r = &img->memmap[i];

		if (r->type != 1)
			continue;
		seg[k++] = (struct kj_core_seg){ KJ_SEG_LOAD, at, pgoff ? pgoff + r->start : 0,
						 r->start, r->end - r->start, r->end - r->start };
		at += kj_align_up(r->end - r->start, KJ_PAGE_SIZE);
	}
	/* kernel image mappings share the file bytes of the RAM holding them */
	for (uint64_t i = 0; i < img->nvmap; i++) {
		const struct kj_img_vmap *v = &img->vmap[i];

		if (v->vaddr < KERNEL_MAP_LO)
			continue;
		for (size_t j = 1; j <= nram; j++)
			if (v->paddr >= seg[j].paddr && v->paddr + v->size <= seg[j].paddr + seg[j].filesz) {
				seg[k++] = (struct kj_core_seg){ KJ_SEG_LOAD,
					seg[j].offset + (v->paddr - seg[j].paddr), v->vaddr,
					v->paddr, v->size, v->size };
				break;
			}
	}
	nseg = k;
	hdr_len = kj_elfcore_headers_size(nseg);
	if (hdr_len > seg[0].offset) {	/* fewer kernel maps matched: fine */
		kj_fail(e, EINVAL, "internal: core header grew");
		goto out;
	}
	hdr = calloc(1, hdr_len);
	if (!hdr || kj_elfcore_write(hdr, hdr_len, seg, nseg, e))
		goto out;

	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		kj_fail_errno(e, "cannot create %s", out);
		goto out;
	}
	fchmod(fd, 0600);
	if (ftruncate(fd, (off_t)at) || pwrite(fd, hdr, hdr_len, 0) != (ssize_t)hdr_len ||
	    pwrite(fd, note, note_len, (off_t)seg[0].offset) != (ssize_t)note_len) {
		kj_fail_errno(e, "cannot write %s", out);
		goto out;
	}
	uint64_t done = 0, total = 0, last = 0;
	for (size_t j = 1; j <= nram; j++)
		total += seg[j].filesz / KJ_PAGE_SIZE;
	for (size_t j = 1; j <= nram; j++) {
		for (uint64_t pa = seg[j].paddr; pa < seg[j].paddr + seg[j].filesz; pa += KJ_PAGE_SIZE) {
			bool present;

			if (kj_a_from_image_page(&m, pa / KJ_PAGE_SIZE, page, &present, e))
				goto out;
			done++;
			if (present && !kj_img_page_is_zero(page) &&
			    pwrite(fd, page, KJ_PAGE_SIZE, (off_t)(seg[j].offset + (pa - seg[j].paddr))) !=
			    (ssize_t)KJ_PAGE_SIZE) {
				kj_fail_errno(e, "cannot write %s", out);
				goto out;
			}
			if (done * 10 / total != last) {
				last = done * 10 / total;
				kj_info("exported %llu%%", (unsigned long long)(last * 10));
			}
		}
	}
	if (fsync(fd)) {
		kj_fail_errno(e, "cannot write %s", out);
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	free(hdr);
	free(note);
	free(seg);
	kj_a_from_image_free(&m);
	return ret;
}

int cmd_export(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "elf", no_argument, NULL, 'E' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kj_err e = { 0 };
	struct kj_img img;
	const char *out = NULL;
	bool elf = false;
	int c, fd;

	while ((c = getopt_long(argc, argv, ":o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'E': elf = true; break;
		case 'o': out = optarg; break;
		case 'h': help(); return KJ_EXIT_OK;
		default: return kj_bad_option(c, argv, lo);
		}
	}
	if (!elf)
		return kj_usage_error("which format? (--elf is the one there is)");
	if (argc - optind != 1 || !out)
		return kj_usage_error("want TARGET and -o CORE");
	if (kj_open_image(argv[optind], &img, &fd, &e))
		return kj_report(&e);
	if (!img.complete) {
		kj_fail(&e, EIO, "%s: %s", argv[optind], img.problem);
	} else if (export(&img, out, &e) == 0) {
		printf("wrote %s: Linux %s, %.0f MiB of RAM\n", out, img.hdr.release,
		       img.hdr.pages_total * 4096.0 / 1048576);
		kj_img_close(&img);
		close(fd);
		return KJ_EXIT_OK;
	}
	kj_img_close(&img);
	close(fd);
	return kj_report(&e);
}
