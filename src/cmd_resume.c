// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump resume TARGET (in any boot kernel C): bring back the system saved
 * by `kjump hibernate` (or `kjump snapshot`).
 *
 * Everything is checked before the jump, because after it there is no way
 * back to C: the image is complete, not resumed before, a hibernation
 * image (a snapshot only with --snapshot), this machine has RAM wherever
 * the saved system had, every extent lies in both machines' RAM and the
 * jump-back entry in a page the image restores, both run the same paging
 * mode, every chunk's checksum is right and it decompresses to its pages
 * (lib/resume_check.h, in parallel), and the saved system's pages fit in
 * this machine's memory beside this kernel: kjump holds memory, puts each
 * of A's pages whose frame it holds in place, and keeps the rest in pages
 * A does not need (src/staging_pages.h). Then C loads the restore payload
 * with an ordinary kexec, marks the image RESUMING on stable storage (read
 * back from the device), and jumps; the payload puts every page back and
 * enters the saved system, which marks the image consumed. From the mark
 * on, no crash or power loss lets the image be resumed again by accident:
 * resume refuses a RESUMING image without --force (lib/image_state.h).
 * A failed check changes nothing, and leaves the image for another try; a
 * failure or a signal after the load unloads the payload first, and puts
 * the state back if it was changed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "cli.h"
#include "fs_devices.h"
#include "seal_key.h"
#include "staging_pages.h"
#include "../lib/a_dump_facts.h"
#include "../lib/direct_io.h"
#include "../lib/image.h"
#include "../lib/image_state.h"
#include "../lib/kexec.h"
#include "../lib/memmap.h"
#include "../lib/page.h"
#include "../lib/preflight.h"
#include "../lib/program.h"
#include "../lib/file_map.h"
#include "../lib/resume_layout.h"
#include "../lib/resume_check.h"
#include "../lib/text.h"
#include "../lib/vmcoreinfo.h"
#include "../payload/include/kjump/restore.h"

#define STACK_BYTES KJ_RESUME_STACK_BYTES

static void help(void)
{
	printf("Usage: kjump resume [OPTION...] TARGET\n"
	       "\n"
	       "Bring back the system whose image 'kjump hibernate' wrote to TARGET.\n"
	       "Runs in any kernel with CONFIG_KEXEC on the same machine (a stock\n"
	       "distribution kernel will do), before anything mounts the saved\n"
	       "system's filesystems read-write: typically from the initramfs (see\n"
	       "RESUMING in kjump(8)). Verifies the whole image first; if anything is\n"
	       "wrong it says what and changes nothing. On success it does not\n"
	       "return: the saved system continues, and marks the image consumed.\n"
	       "\n"
	       "Options:\n"
	       "  -n, --dry-run   check everything and show the plan, but do not jump\n"
	       "  -f, --force     resume an image marked consumed or resuming (an\n"
	       "                  earlier resume started: only if it never reached the\n"
	       "                  saved system), or with this kernel's paging mode\n"
	       "                  unknown\n"
	       "      --snapshot  resume a snapshot image ('kjump snapshot'): its system\n"
	       "                  ran on after it was taken, and its disks moved on\n"
	       "                  with it, so resuming it rolls memory back behind\n"
	       "                  them; only when its disks are as they were then\n"
	       "      --ignore-changed-disks  resume even though a disk of the saved\n"
	       "                  system was mounted or written since the image was made\n"
	       "                  (or cannot be found): the saved system will then\n"
	       "                  corrupt that filesystem; only for disks you know it\n"
	       "                  will not touch\n"
	       "      --offset N  the image is in a file on the filesystem on TARGET:\n"
	       "                  N is the 4 KiB block of its map, as 'kjump hibernate'\n"
	       "                  printed (like the kernel's resume_offset)\n"
	       "  -q, --quiet     less progress\n"
	       "      --key-file FILE  a sealed image's key file\n"
	       "      --passphrase-file FILE  a sealed image's passphrase (the first\n"
	       "                  line of FILE); without either, the passphrase is\n"
	       "                  asked on the terminal (else /dev/console), echo off\n"
	       "      --tries N   times to ask for a mistyped passphrase (default 3)\n"
	       "  -h, --help      show this help\n");
}

/* Reading and checking the chunks, several threads at once: each reads
 * a chunk, lib/resume_check.c checks and decompresses it, and its pages go
 * where the staging says (the chunks' pages do not overlap). */
struct chunk_io {
	int fd;
	int direct_fd;		/* the target opened for direct reads, or -1 */
	const struct kj_img *img;
	const struct kj_staging_pages *dp;
	struct kj_progress *vp;
};

static int fetch_chunk(void *arg, uint64_t c, void *buf, void **bytes, struct kj_err *e)
{
	struct chunk_io *io = arg;
	const struct kj_img_chunk *ch = &io->img->chunk[c];

	if (kj_direct_pread(io->fd, io->direct_fd, buf, ch->csize, ch->offset, bytes,
			    "a chunk", e))
		return -1;
	/* read once: leave C's memory to the pages kjump holds (after a
	 * direct read there is nothing cached to drop) */
	posix_fadvise(io->fd, (off_t)ch->offset, ch->csize, POSIX_FADV_DONTNEED);
	return 0;
}

static void stage_chunk(void *arg, uint64_t c, const void *frame, const void *pages)
{
	struct chunk_io *io = arg;

	kj_staging_pages_stage_chunk(io->dp, c, frame, pages);
}

static void progress(void *arg, uint64_t done, uint64_t total)
{
	struct chunk_io *io = arg;
	int pct = kj_progress_due(io->vp, done, total);

	if (pct >= 0)
		kj_info("read, decompressed and checked %3d%% of the image (%.1f s)", pct,
			kj_now() - io->vp->t0);
}

/* Signals that would end kjump between kexec_load and the jump: held
 * back from before the load, so that kjump, not the signal, decides, and
 * unloads first. They stay held until kjump exits, reporting the signal
 * (exit status 1): unblocked, a pending one would end it before that. */
static int check_interrupted(const sigset_t *held, struct kj_err *e)
{
	sigset_t p;

	if (sigpending(&p))
		return 0;
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(held, sig) == 1 && sigismember(&p, sig) == 1)
			return kj_fail(e, EINTR, "interrupted (%s) before the jump; "
				       "nothing was resumed, and the image is as it was: "
				       "run kjump resume again to resume it",
				       strsignal(sig));
	return 0;
}

/* This kernel's paging levels: 5-level kernels put the direct map below
 * the 4-level kernel half. 0 when unknown. */
static int my_levels(void)
{
	struct kj_a_dump_facts *f = calloc(1, sizeof(*f));
	struct kj_memmap mm;
	struct kj_err e;
	char *ci = NULL;
	int lv = 0;

	if (f && kj_memmap_read(&mm, &e) == 0) {
		if (kj_a_dump_facts_read(f, &mm, &e) == 0 || f->page_offset_known) {
			if (f->page_offset_known)
				lv = f->page_offset < 0xff80000000000000ULL ? 5 : 4;
		}
		kj_memmap_free(&mm);
	}
	free(f);
	if (!lv && kj_read_text("/proc/cpuinfo", &ci, NULL, &e) == 0) {
		if (!strstr(ci, " la57"))
			lv = 4;		/* no 5-level paging on this CPU at all */
		free(ci);
	}
	return lv;
}

struct resume_opts {
	bool dry_run, force, quiet, snapshot, ignore_changed_disks;
	const char *target;
	uint64_t offset_blocks;	/* --offset: an image file's map; 0: none */
	struct kj_key_opts ko;
};

/* The image's extents are copied into the manifest as they are. */
_Static_assert(sizeof(struct kj_img_extent) == sizeof(struct kj_restore_extent) &&
	       offsetof(struct kj_img_extent, pfn) == offsetof(struct kj_restore_extent, pfn) &&
	       offsetof(struct kj_img_extent, npages) ==
	       offsetof(struct kj_restore_extent, npages) &&
	       offsetof(struct kj_img_extent, kind) == offsetof(struct kj_restore_extent, kind),
	       "struct kj_img_extent and struct kj_restore_extent differ");
_Static_assert(KJ_EXT_DATA == KJ_RESTORE_EXT_DATA && KJ_EXT_ZERO == KJ_RESTORE_EXT_ZERO,
	       "extent kinds differ from the restore payload's (restore.h)");

static int resume(const struct resume_opts *o, struct kj_err *e)
{
	struct kj_sysinfo si;
	struct kj_img img;
	struct kj_memmap mm = { 0 };
	struct kj_ranges maps = { 0 };
	struct kj_program pay = { 0 };
	struct kj_resume_layout plan = { 0 };
	struct kj_vmcoreinfo vi;
	struct kj_segment seg[KJ_KEXEC_SEGMENT_MAX];
	uint8_t *manifest = NULL;
	sigset_t held;
	struct kj_staging_pages dp = { 0 };
	const uint8_t *blob;
	size_t blen;
	uint64_t ram, l5 = 0;
	bool have_vi = false;
	int fd, wfd = -1, nseg = 0, ret = -1, loaded = 0, marked = 0;

	kj_sysinfo_read(&si);
	if (kj_preflight(&si, KJ_NEED_ROOT | KJ_NEED_UNLOADED, false, e))
		return -1;
	/* An image in a file: all that follows reads it through its map on
	 * the device (lib/file_map.h); one in a file on a filesystem this
	 * system has mounted is refused before anything else. */
	if (o->offset_blocks ? kj_file_map_attach(o->target, o->offset_blocks * 4096, e) :
	    kj_refuse_mounted_image_file(o->target, e))
		return -1;
	fd = open(o->target, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kj_fail_errno(e, "cannot open %s", o->target);
	if (kj_img_open(&img, fd, 0, e)) {
		close(fd);
		return kj_prefix(e, "%s", o->target);
	}
	/* A sealed image: the key first, then everything is authenticated
	 * before it is believed (every chunk too, below, before the jump). */
	if (kj_key_unseal(&img, o->target, &o->ko, false, e))
		goto out;
	if (img.sealed && !o->quiet && img.keys)
		kj_info("%s: sealed image opened: header and index authenticated",
			o->target);

	/* 1. The image itself. */
	if (!img.complete) {
		kj_fail(e, EIO, "%s: %s", o->target, img.problem);
		goto out;
	}
	if (kj_img_resume_allowed(&img.hdr, o->force, e)) {
		kj_prefix(e, "%s", o->target);
		goto out;
	}
	if (img.hdr.state != KJ_IMG_COMPLETE)
		kj_info("warning: %s is in state %s; resuming it anyway (--force)",
			o->target, kj_img_state_name(img.hdr.state));
	if (kj_resume_check_kind(&img, o->snapshot, e)) {
		kj_prefix(e, "%s", o->target);
		goto out;
	}
	if (!img.vmcoreinfo_len ||
	    kj_vmcoreinfo_parse(img.vmcoreinfo, img.vmcoreinfo_len, &vi, e)) {
		kj_fail(e, EINVAL, "%s: the image lacks the saved kernel's VMCOREINFO",
			o->target);
		goto out;
	}
	have_vi = true;
	kj_vmcoreinfo_get(&vi, "NUMBER(pgtable_l5_enabled)", &l5);
	int a_levels = l5 ? 5 : 4, c_levels = my_levels();
	if (c_levels != a_levels && !(c_levels == 0 && o->force)) {
		if (c_levels)
			kj_fail(e, EINVAL, "the saved system used %d-level paging, this "
				"kernel %d-level: the restore code cannot switch between "
				"them; resume from a kernel with the same paging mode "
				"(no5lvl on the command line turns 5-level off)",
				a_levels, c_levels);
		else
			kj_fail(e, EINVAL, "cannot tell this kernel's paging mode (no "
				"/proc/kcore); the saved system used %d-level paging. Pass "
				"--force if this kernel does too", a_levels);
		goto out;
	}

	/* 2. This machine. */
	if (kj_memmap_read(&mm, e) || kj_meminfo_read_total(&ram, e) ||
	    kj_resume_layout_check_machine(&img, &mm.ram, e))
		goto out;

	/* 3. The index against both machines, and the entry. */
	if (kj_resume_check_extents(&img, &mm.ram, e) || kj_resume_check_entry(&img, e)) {
		kj_prefix(e, "%s", o->target);
		goto out;
	}
	if (kj_resume_check_filesystems(&img, o->ignore_changed_disks, e))
		goto out;

	/* 4. The plan: payload and manifest as segments, A's pages in
	 *    memory kjump holds (lib/resume_layout.h, src/staging_pages.h). */
	if (kj_blob_find("restore", &blob, &blen) ||
	    kj_program_parse(blob, blen, 16u << 20, &pay, e) ||
	    kj_program_find_block(&pay, KJ_RESTORE_PARAMS_MAGIC, sizeof(struct kj_restore_params),
				  "the restore payload", &pay.params_off, e))
		goto out;
	struct kj_resume_sizes sz;
	unsigned threads = kj_resume_check_threads(&img, sysconf(_SC_NPROCESSORS_ONLN));
	double th = kj_now();
	/* A plan with room to stage every page uncompressed first (the
	 * payload then decompresses nothing); if that does not fit, the
	 * plan B checked before it powered off. */
	struct kj_err pe;
	bool may_copy_all = kj_resume_layout_plan_for_copies(&img, &mm.ram, pay.span, &maps,
							     &sz, &plan, &pe) == 0;
	if (!may_copy_all) {
		kj_ranges_free(&maps);
		if (kj_resume_layout_plan(&img, &mm.ram, pay.span, 0, &maps, &sz, &plan, e))
			goto out;
	}
	if (kj_staging_pages_hold(&dp, &img, &plan, kj_resume_check_buffers(&img, threads),
				  may_copy_all, threads, e))
		goto out;
	if (dp.spares_used > sz.max_spares) {
		kj_fail(e, EIO, "kjump's plan uses %llu spare pages, more than the %llu its "
			"manifest can name; nothing was changed",
			(unsigned long long)dp.spares_used, (unsigned long long)sz.max_spares);
		goto out;
	}
	if (!o->quiet)
		kj_info("holding %llu MiB for the saved system (%.1f s): %llu MiB of its pages "
			"in place, %llu MiB in pages it does not need%s",
			(unsigned long long)(dp.held_bytes >> 20), kj_now() - th,
			(unsigned long long)(dp.placement.in_place * KJ_PAGE_SIZE >> 20),
			(unsigned long long)(dp.spares_used * KJ_PAGE_SIZE >> 20),
			dp.placement.prefer_copies ? ", all uncompressed (memory to spare: the "
			"restore code only copies)" : "");
	uint64_t pgt = sz.pgt, scratch = sz.scratch, cin = sz.cin;

	/* 5. The manifest, then every chunk read into place, its checksum
	 *    checked and decompressed (lib/resume_check.h), in parallel. */
	manifest = calloc(1, plan.manifest_size);
	if (!manifest) {
		kj_fail(e, ENOMEM, "out of memory");
		goto out;
	}
	struct kj_restore_manifest *m = (void *)manifest;
	*m = (struct kj_restore_manifest){
		.magic = KJ_RESTORE_MANIFEST_MAGIC, .entry = img.hdr.jump_back_entry,
		.levels = (uint32_t)a_levels, .chunk_pages = (uint32_t)img.hdr.chunk_pages,
		.nextents = img.next, .nranges = maps.n,
		.npages = dp.spares_used, .ncopies = dp.placement.copied,
		.copies_first_page = dp.list_first, .pages_data = img.hdr.pages_data,
		.pages_zero = img.hdr.pages_zero, .console = 0x3f8,
	};
	m->extents_off = sizeof(*m);
	m->chunks_off = m->extents_off + img.next * sizeof(struct kj_restore_extent);
	/* only the chunks still compressed: the payload decompresses them */
	struct kj_restore_chunk *mc = (void *)(manifest + m->chunks_off);
	uint64_t nmc = 0, not_decompressed = 0;
	for (uint64_t c = 0; c < img.nchunks; c++) {
		if (kj_resume_placement_staging(&dp.placement, c) != KJ_CHUNK_COMPRESSED) {
			not_decompressed += img.chunk[c].npages;
			continue;
		}
		mc[nmc++] = (struct kj_restore_chunk){ dp.chunk_spare[c], img.chunk[c].csize,
						       img.chunk[c].npages,
						       img.chunk[c].first_page };
	}
	m->nchunks = nmc;
	m->pages_in_place = not_decompressed - dp.placement.copied;
	m->ranges_off = m->chunks_off + nmc * sizeof(struct kj_restore_chunk);
	m->pages_off = m->ranges_off + maps.n * sizeof(struct kj_restore_range);
	uint64_t man_bytes = m->pages_off + dp.spares_used * 8;
	memcpy(manifest + m->extents_off, img.ext, img.next * sizeof(struct kj_img_extent));
	struct kj_restore_range *mr = (void *)(manifest + m->ranges_off);
	for (size_t i = 0; i < maps.n; i++)
		mr[i] = (struct kj_restore_range){ maps.r[i].start, maps.r[i].end };
	memcpy(manifest + m->pages_off, dp.spare_pa, dp.spares_used * 8);
	struct kj_progress vp = KJ_PROGRESS(25, o->quiet, kj_now());
	struct chunk_io io = { fd, kj_direct_reopen(fd, false), &img, &dp, &vp };
	struct kj_resume_chunks_in ci = { &img, threads, fetch_chunk, stage_chunk,
					  progress, &io, false };
	int checked = kj_resume_check_chunks(&ci, NULL, e);

	if (io.direct_fd >= 0)
		close(io.direct_fd);
	if (checked) {
		kj_prefix(e, "%s: the image is damaged; nothing was changed", o->target);
		goto out;
	}

	if (kj_program_place(&pay, plan.payload_addr, e))
		goto out;
	uint64_t at = plan.payload_addr + pay.span;
	struct kj_restore_params rp = {
		.magic = KJ_RESTORE_PARAMS_MAGIC, .manifest = plan.manifest_addr,
		.pgt = at, .pgt_size = pgt,
		.scratch = at + pgt, .scratch_size = scratch,
		.cin = at + pgt + scratch, .cin_size = cin,
		.stack_top = at + pgt + scratch + cin + STACK_BYTES,
		.fs_area = at + pgt + scratch + cin + STACK_BYTES,
	};
	memcpy(pay.image + pay.params_off, &rp, sizeof(rp));
	seg[nseg++] = (struct kj_segment){ pay.image, pay.span, plan.payload_addr,
					   plan.payload_size };
	seg[nseg++] = (struct kj_segment){ manifest, man_bytes, plan.manifest_addr,
					   plan.manifest_size };
	if (kj_segments_check(seg, nseg, ram, e))
		goto out;
	uint64_t entry = plan.payload_addr + pay.entry_off;
	if (!o->quiet || o->dry_run) {
		kj_info("image: %s of Linux %s, %llu pages to place, %llu zero",
			kj_img_kind_name(img.hdr.kind), img.hdr.release,
			(unsigned long long)img.hdr.pages_data,
			(unsigned long long)img.hdr.pages_zero);
		kj_info("restore code at 0x%llx, manifest at 0x%llx; of the saved system's "
			"pages %llu are in place, %llu in %llu compressed chunks and %llu to "
			"copy, in %llu pages it does not need (of %llu MiB such)",
			(unsigned long long)plan.payload_addr,
			(unsigned long long)plan.manifest_addr,
			(unsigned long long)m->pages_in_place,
			(unsigned long long)(img.hdr.pages_data - not_decompressed),
			(unsigned long long)nmc, (unsigned long long)m->ncopies,
			(unsigned long long)dp.spares_used,
			(unsigned long long)(plan.free_bytes >> 20));
	}
	if (o->dry_run) {
		printf("%s: resumable on this machine (dry run: nothing loaded)\n", o->target);
		ret = 0;
		goto out;
	}

	/* 6. The jump. From the load on, every way out unloads first. */
	double tl = kj_now();
	kj_interrupting_signals(&held);
	if (sigprocmask(SIG_BLOCK, &held, NULL)) {
		kj_fail_errno(e, "cannot hold back signals for the jump");
		goto out;
	}
	if (kj_kexec_load(entry, seg, nseg, 0, e))
		goto out;
	loaded = 1;
	if (!o->quiet)
		kj_info("loaded in %.1f s", kj_now() - tl);
	if (kj_staging_pages_verify(&dp, e) || check_interrupted(&held, e))
		goto out;
	if (getenv("KJUMP_TEST_HOLD_LOADED")) {
		/* tests (resume-unsafe): stay loaded until a signal comes */
		kj_info("test: the restore code is loaded; waiting for a signal");
		fflush(NULL);
		while (check_interrupted(&held, e) == 0)
			usleep(10000);
		goto out;
	}
	sync();
	if (check_interrupted(&held, e))
		goto out;
	/* The image is made unresumable before the saved system can run:
	 * durably, so that a crash or power loss from here on never resumes
	 * it again behind disks that moved on. */
	wfd = open(o->target, O_RDWR | O_CLOEXEC);
	if (wfd < 0) {
		kj_fail_errno(e, "%s: cannot open it to mark the image RESUMING; nothing "
			      "was resumed", o->target);
		goto out;
	}
	if (kj_img_set_state_of(wfd, img.hdr.uuid, KJ_IMG_RESUMING, e)) {
		kj_prefix(e, "%s: cannot mark the image RESUMING, so not jumping: nothing "
			  "was resumed", o->target);
		marked = 1;	/* the header may have changed: put it back */
		goto out;
	}
	marked = 1;
	if (check_interrupted(&held, e))
		goto out;
	kj_info("image marked resuming; entering the saved system (Linux %s); this "
		"kernel ends here", img.hdr.release);
	fflush(NULL);
	if (kj_kexec_jump(e))
		goto out;
	kj_fail(e, EIO, "the kernel returned from the jump; nothing was resumed");
out:
	if (marked) {
		struct kj_err se;

		if (kj_img_set_state_of(wfd, img.hdr.uuid, img.hdr.state, &se)) {
			char first[KJ_ERR_MAX];

			snprintf(first, sizeof(first), "%s", e->msg);
			kj_fail(e, e->code, "%s; and the image state could not be put back "
				"to %s (%s): it may read as RESUMING, which resume refuses; "
				"since nothing was resumed, 'kjump resume --force %s' is safe",
				first, kj_img_state_name(img.hdr.state), se.msg, o->target);
		} else {
			kj_info("the image state was put back to %s",
				kj_img_state_name(img.hdr.state));
		}
	}
	if (wfd >= 0)
		close(wfd);
	if (loaded) {
		struct kj_err ue;

		if (kj_kexec_unload(&ue)) {
			char first[KJ_ERR_MAX];

			snprintf(first, sizeof(first), "%s", e->msg);
			kj_fail(e, e->code, "%s; and then %s: the restore code is still "
				"loaded; unload it (kexec -u) before anything reboots",
				first, ue.msg);
		} else if (!o->quiet)
			kj_info("the restore code was unloaded");
	}
	kj_staging_pages_free(&dp);
	free(manifest);
	kj_program_free(&pay);
	kj_ranges_free(&maps);
	kj_memmap_free(&mm);
	if (have_vi)
		kj_vmcoreinfo_free(&vi);
	kj_img_close(&img);
	close(fd);
	return ret;
}

int cmd_resume(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "snapshot", no_argument, NULL, 'S' },
		{ "ignore-changed-disks", no_argument, NULL, 'I' },
		{ "offset", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		KJ_KEY_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct resume_opts o = { 0 };
	struct kj_err e = { 0 };
	int c, bad;

	while ((c = getopt_long(argc, argv, ":nfqh", lo, NULL)) != -1) {
		if (kj_key_opt(c, optarg, &o.ko, &bad)) {
			if (bad)
				return KJ_EXIT_USAGE;
			continue;
		}
		switch (c) {
		case 'n': o.dry_run = true; break;
		case 'f': o.force = true; break;
		case 'q': o.quiet = true; break;
		case 'S': o.snapshot = true; break;
		case 'I': o.ignore_changed_disks = true; break;
		case 'O':
			if (kj_opt_offset(optarg, &o.offset_blocks))
				return KJ_EXIT_USAGE;
			break;
		case 'h': help(); return KJ_EXIT_OK;
		default: return kj_bad_option(c, argv, lo);
		}
	}
	if (argc - optind != 1)
		return kj_usage_error("which target?");
	o.target = argv[optind];
	if (resume(&o, &e))
		return kj_report(&e);
	return KJ_EXIT_OK;
}
