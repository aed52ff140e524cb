// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump snapshot --to TARGET: save a consistent image of this whole running
 * system (A) and continue.
 * kjump hibernate --to TARGET: the same, but B powers the machine off once
 * the image is complete and verified; A continues when some kernel C runs
 * `kjump resume TARGET`.
 * kjump prepare --to TARGET: load B and let it boot, with nothing to save
 * (its job says so): the next snapshot or hibernate to TARGET finds B
 * booted and waiting, and freezes A for the save alone.
 *
 * Both load, once, a second kernel B whose initramfs is this very (static)
 * kjump as its init, tell it the target on its command line, and switch to
 * it. Everything that can be checked is checked in A before the jump.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "b_loader.h"
#include "b_modules.h"
#include "cli.h"
#include "fs_devices.h"
#include "image_file.h"
#include "page_cache.h"
#include "save.h"
#include "seal_key.h"
#include "state_file.h"
#include "../lib/b_job_block.h"
#include "../lib/chunk_places.h"
#include "../lib/cpio.h"
#include "../lib/image.h"
#include "../lib/image_state.h"
#include "../lib/kexec.h"
#include "../lib/memmap.h"
#include "../lib/preflight.h"
#include "../lib/b_command_line.h"
#include "../lib/seal.h"
#include "../lib/target.h"
#include "../lib/text.h"

#include <sodium.h>

struct snap_opts {
	const char *to, *kernel, *initrd, *append;
	uint64_t reserve, resume_reserve;
	unsigned threads;
	int level;
	bool force, verbose, hibernate, keep_caches, seal, prepare;
	struct kj_key_opts ko;
};

static void help(bool hib, bool prep)
{
	printf("Usage: kjump %s --to TARGET [OPTION...]\n\n", prep ? "prepare" :
	       hib ? "hibernate" : "snapshot");
	if (prep)
		printf("Load the second kernel B that snapshots and hibernations to TARGET\n"
		       "use, and let it boot now (this system is frozen meanwhile, a few\n"
		       "seconds). The next 'kjump snapshot' or 'kjump hibernate' with the same\n"
		       "--kernel, --initrd, --append and --reserve finds B booted and waiting,\n"
		       "so this system is frozen only while B saves. Nothing is written to\n"
		       "TARGET but B's job (an image already there stays).\n");
	else if (hib)
		printf("Save an image of this whole running system to TARGET and power the\n"
		       "machine off. Resume it later from any kernel with 'kjump resume\n"
		       "TARGET'. If the image cannot be completed, the machine does not power\n"
		       "off: this system continues and the command fails with the reason.\n");
	else
		printf("Save a consistent image of this whole running system to TARGET and\n"
		       "continue. The system is frozen only while a second kernel writes the\n"
		       "image; that kernel stays loaded, so later snapshots are faster.\n");
	printf("\n"
	       "TARGET is a spare block device or partition (not mounted, no filesystem\n"
	       "signature unless --force), a swap partition not in use as swap, or a\n"
	       "file on ext4 or xfs: kjump makes it (as large as RAM, fully written),\n"
	       "pins it (chattr +i) and prints the --offset to resume it with. The\n"
	       "image holds every secret in memory: protect it.\n"
	       "\n"
	       "Options:\n"
	       "  -t, --to TARGET      where to write the image (required)\n"
	       "  -k, --kernel FILE    kernel for B (default: the running kernel's image)\n"
	       "  -i, --initrd FILE    extra cpio for B (drivers: list .ko files in\n"
	       "                       /etc/kjump/modules inside it)\n"
	       "  -a, --append ARGS    more command line for B\n"
	       "  -r, --reserve SIZE   B's region (see 'kjump load --help')\n"
	       "  -j, --threads N      compression threads in B (default: B's CPUs)\n"
	       "  -l, --level N        zstd level (default 1; negative is faster)\n");
	if (hib)
		printf("      --resume-reserve SIZE  memory the resume kernel needs for itself\n"
		       "                       (its kernel, initramfs, kjump): B powers off only\n"
		       "                       if the image fits beside it (default 224 MiB +\n"
		       "                       RAM/64; see kjump(8), LIMITS)\n"
		       "      --keep-caches    keep the clean page cache: by default it is\n"
		       "                       dropped first when over 2/5 of RAM is in use,\n"
		       "                       as the kernel's hibernation frees memory\n");
	if (!prep)
		printf("      --seal           encrypt and authenticate the image (docs/sealing.md)\n"
	       "                       with a passphrase asked twice on the terminal, or:\n"
	       "      --key-file FILE  a key file (16 bytes to 1 MiB) instead\n"
	       "      --passphrase-file FILE  the passphrase, first line of FILE\n"
	       "                       (B gets only the derived key, in its initramfs;\n"
	       "                       a sealed run always boots a fresh B and unloads it)\n");
	printf(
	       "  -f, --force          overwrite a target with a foreign signature\n"
	       "  -v, --verbose        show B's plan\n"
	       "  -h, --help           show this help\n");
}

/* Before a hibernation: the kernel's own frees memory down to its image
 * size first (src/page_cache.h). A failure only costs a larger image. */
static void drop_caches_if_full(void)
{
	char *t = NULL;
	struct kj_err e;
	uint64_t total, free_bytes, freed;

	if (kj_read_text("/proc/meminfo", &t, NULL, &e))
		return;
	total = kj_meminfo_total(t);
	free_bytes = kj_meminfo_bytes(t, "MemFree:");
	free(t);
	if (!kj_page_cache_worth_dropping(total, free_bytes))
		return;
	if (kj_page_cache_drop(&freed, &e))
		kj_info("warning: %s; the image will hold the page cache too", e.msg);
	else
		kj_info("hibernate: %llu of %llu MiB in use: dropped %llu MiB of clean page "
			"cache first (--keep-caches keeps it)",
			(unsigned long long)((total - free_bytes) >> 20),
			(unsigned long long)(total >> 20), (unsigned long long)(freed >> 20));
}

/* The running kernel's image, where distributions keep it. */
static const char *running_kernel(char *buf, size_t n)
{
	struct utsname u;
	const char *fmt[] = { "/boot/vmlinuz-%s", "/lib/modules/%s/vmlinuz",
			      "/usr/lib/modules/%s/vmlinuz", NULL };

	uname(&u);
	for (int i = 0; fmt[i]; i++) {
		snprintf(buf, n, fmt[i], u.release);
		if (!access(buf, R_OK))
			return buf;
	}
	return NULL;
}

/* B's initramfs: this kjump as B's init (KJ_B_INIT_PATH), the seal key
 * when sealing (KJ_B_SEAL_KEY_PATH: memory of B's region is the only place
 * B ever gets it from), the modules B needs for the target
 * (src/b_modules.h), plus the user's extra cpio. The caller wipes c. */
static int build_initramfs(const char *extra, const char *kernel, const char *target,
			   bool verbose, const struct kj_seal_params *sp,
			   struct kj_cpio *c, struct kj_err *e)
{
	uint8_t *self = NULL, *more = NULL;
	size_t len, mlen = 0;
	Elf64_Ehdr eh;

	memset(c, 0, sizeof(*c));
	if (kj_read_file("/proc/self/exe", 64u << 20, &self, &len, e))
		return -1;
	memcpy(&eh, self, sizeof(eh) < len ? sizeof(eh) : len);
	uint64_t loaded_end = 0;	/* where the file's last PT_LOAD bytes end */
	for (int i = 0; i < eh.e_phnum && eh.e_phoff + (i + 1) * sizeof(Elf64_Phdr) <= len; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, self + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_INTERP) {
			free(self);
			return kj_fail(e, ENOEXEC, "this kjump is dynamically linked; only a "
				       "static kjump can be B's init (build it with 'make')");
		}
		if (ph.p_type == PT_LOAD && ph.p_offset + ph.p_filesz > loaded_end)
			loaded_end = ph.p_offset + ph.p_filesz;
	}
	/* B's copy without what only tools read: the sections after the
	 * loaded bytes (debug information, symbols; 1.9 of 7.5 MB), and the
	 * section headers that point at them. The kernel's ELF loader reads
	 * program headers only. Less initrd for B's region to hold. */
	if (len >= sizeof(eh) && !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
	    eh.e_ident[EI_CLASS] == ELFCLASS64 && loaded_end > eh.e_phoff &&
	    loaded_end < len && eh.e_phoff + eh.e_phnum * sizeof(Elf64_Phdr) <= loaded_end) {
		eh.e_shoff = 0;
		eh.e_shnum = 0;
		eh.e_shstrndx = SHN_UNDEF;
		memcpy(self, &eh, sizeof(eh));
		len = (size_t)loaded_end;
	}
	int r = kj_cpio_add(c, "dev", 040755, 0, 0, NULL, 0, e) ||
		kj_cpio_add(c, "dev/console", 020600, 5, 1, NULL, 0, e) ||
		kj_cpio_add(c, "dev/null", 020666, 1, 3, NULL, 0, e) ||
		kj_cpio_add(c, "proc", 040555, 0, 0, NULL, 0, e) ||
		kj_cpio_add(c, "sys", 040555, 0, 0, NULL, 0, e) ||
		kj_cpio_add(c, "run", 040755, 0, 0, NULL, 0, e) ||
		kj_cpio_add(c, KJ_B_INIT_PATH + 1, 0100755, 0, 0, self, len, e);
	if (!r && sp) {
		uint8_t key[KJ_SEAL_PARAMS_WIRE];

		kj_seal_params_encode(sp, key);
		r = kj_cpio_add(c, KJ_B_SEAL_KEY_PATH + 1, 0100400, 0, 0, key,
				sizeof(key), e);
		sodium_memzero(key, sizeof(key));
	}
	free(self);
	if (r)
		return -1;
	char release[128];

	kj_b_kernel_release(kernel, release, sizeof(release));
	if (kj_b_modules_add(c, target, release, verbose, e) || kj_cpio_finish(c, e))
		return -1;
	if (extra) {
		if (kj_read_file(extra, 1u << 30, &more, &mlen, e))
			return kj_prefix(e, "--initrd");
		/* cpio archives concatenate; pad to 4 bytes between them */
		uint8_t *p = realloc(c->p, c->len + mlen + 4);
		if (!p) {
			free(more);
			return kj_fail(e, ENOMEM, "out of memory");
		}
		c->p = p;
		memcpy(c->p + c->len, more, mlen);
		c->len += mlen;
		free(more);
	}
	return 0;
}

/* B's job for this switch at KJ_B_JOB_OFFSET of the target, durable
 * before the jump (lib/b_job_block.h). */
static int write_job(int fd, const uint8_t mailbox[16], const uint8_t tag[16],
		     const struct snap_opts *o, uint32_t kind, struct kj_err *e)
{
	struct kj_b_job j = { .kind = kind, .threads = o->threads, .level = o->level,
			      .resume_reserve = o->resume_reserve, .seal = o->seal,
			      .prepare = o->prepare };
	uint8_t block[KJ_B_JOB_BLOCK_BYTES];
	struct timespec now;

	if (strlen(o->to) >= sizeof(j.to) || o->to[0] != '/')
		return kj_fail(e, EINVAL, "the target's path must be absolute and shorter "
			       "than %zu bytes for B to find it", sizeof(j.to));
	snprintf(j.to, sizeof(j.to), "%s", o->to);
	memcpy(j.tag, tag, 16);
	/* A's time since boot: never goes back while this B lives */
	clock_gettime(CLOCK_BOOTTIME, &now);
	kj_b_job_block_encode(&j, mailbox, (uint64_t)now.tv_sec * 1000000000ULL +
			      (uint64_t)now.tv_nsec, block);
	if (kj_img_pwrite(fd, block, sizeof(block), KJ_B_JOB_OFFSET, "B's job", e))
		return -1;
	if (fdatasync(fd))
		return kj_fail_errno(e, "cannot flush the target");
	return 0;
}

static void hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

/* `path` opened for reading, with what this kernel cached of it dropped,
 * so that reads come from the device as B left it; -1 on failure. */
static int open_uncached(const char *path, struct kj_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return kj_fail_errno(e, "cannot open %s", path);
	if (!fstat(fd, &st) && S_ISBLK(st.st_mode)) {
		ioctl(fd, BLKFLSBUF, 0);
	} else if (kj_page_cache_forget_file(fd, e)) {
		close(fd);	/* an image file: B wrote it behind the cache */
		return -1;
	}
	return fd;
}

/* After the jump: read what B wrote. */
static int read_result(const char *path, struct kj_img *img, int *fdp, struct kj_err *e)
{
	int fd = open_uncached(path, e);

	if (fd < 0)
		return -1;
	if (kj_img_open(img, fd, 0, e)) {
		close(fd);
		return -1;
	}
	*fdp = fd;
	return 0;
}

#define MARK_TRIES 5

/* The target still holds A's tag, and B did not mark it failed: B never
 * found this job there (a B that finds it and fails says why in the
 * header, src/b_init.c), or died first. The first is the usual one. */
#define UNTOUCHED_WHY "never started writing the image: it did not find this job " \
	"on the target, most often because B has no driver for the device ('kjump " \
	"snapshot -v' lists the modules kjump gives B; --initrd adds others), or it " \
	"stopped before it could record why"

/* Read the header on `path` from the device itself. */
static int read_header(const char *path, struct kj_img_header *h, struct kj_err *e)
{
	int fd = open_uncached(path, e);

	if (fd < 0)
		return -1;
	int r = kj_img_pread(fd, h, sizeof(*h), 0, "the image header", e) ||
		kj_img_header_check(h, e) ? -1 : 0;
	close(fd);
	return r;
}

/*
 * A runs again after the switch to B for a hibernation (or resumed from
 * its snapshot): whatever B did, this request's image must never be
 * resumed behind this system's back.
 * Judge the target by the request tag (never by clocks); when it holds
 * this request's image in a state resume might take (COMPLETE) or one
 * that says a resume started (RESUMING), mark it CONSUMED, synchronously,
 * retrying and saying so loudly on each failure. *r gets the judgement
 * (KJ_RET_FOREIGN when the header cannot be read). -1 when the image may
 * still be resumable, or its state cannot be read.
 */
static int settle_return(const char *path, const uint8_t tag[16], uint32_t kind,
			 enum kj_img_return *r, char *fail_reason, size_t n,
			 struct kj_err *e)
{
	struct kj_img_header h;
	uint8_t mine[16];

	kj_img_request_uuid(tag, mine);
	*r = KJ_RET_FOREIGN;
	fail_reason[0] = '\0';
	for (int i = 1; i <= MARK_TRIES; i++) {
		if (i > 1)
			sleep(1);
		if (read_header(path, &h, e)) {
			kj_info("ERROR: cannot read the image header on %s (try %d of %d): %s",
				path, i, MARK_TRIES, e->msg);
			continue;
		}
		*r = kj_img_judge_return(&h, tag, kind);
		if (*r == KJ_RET_FAILED)
			snprintf(fail_reason, n, "%s", h.fail_reason);
		if (!kj_img_return_needs_mark(*r))
			return 0;
		int fd = open(path, O_RDWR | O_CLOEXEC);
		struct stat fs;

		if (fd < 0) {
			kj_fail_errno(e, "cannot open %s", path);
		} else if (!fstat(fd, &fs) && S_ISREG(fs.st_mode) &&
			   kj_page_cache_forget_file(fd, e)) {
			close(fd);
		} else {
			int m = kj_img_set_state_of(fd, mine, KJ_IMG_CONSUMED, e);

			close(fd);
			if (m == 0)
				return 0;
		}
		kj_info("ERROR: cannot mark the image on %s consumed (try %d of %d): %s",
			path, i, MARK_TRIES, e->msg);
	}
	char first[KJ_ERR_MAX];

	snprintf(first, sizeof(first), "%s", e->msg);
	return kj_fail(e, EIO, "the image on %s could NOT be marked consumed (%s). This "
		       "system runs again, so that image must never be resumed: %s. Make "
		       "it unresumable before anything reboots, e.g. wipe its header with "
		       "'dd if=/dev/zero of=%s bs=4096 count=1 oflag=direct,dsync'",
		       path, first, *r == KJ_RET_RESUMED ? "it reads as RESUMING, which "
		       "resume refuses without --force, but the boot path's retry would "
		       "take it" : "it may read as COMPLETE, which resume would take",
		       path);
}

static void report(const struct kj_img *img, double frozen, const char *what)
{
	const struct kj_img_header *h = &img->hdr;
	double ram = h->pages_total * 4096.0 / 1048576, size = kj_img_held_bytes(img) / 1048576.0;

	printf("%s of %s (%s) written to the target\n", what, h->release, h->machine);
	printf("pages: %llu total, %llu saved, %llu zero, %llu free (left out), "
	       "%llu B's own (left out)\n", (unsigned long long)h->pages_total,
	       (unsigned long long)h->pages_data, (unsigned long long)h->pages_zero,
	       (unsigned long long)h->pages_free, (unsigned long long)h->pages_excluded);
	printf("image: %.1f MiB for %.1f MiB of RAM (%.1f%%)\n", size, ram,
	       ram > 0 ? 100.0 * size / ram : 0);
	printf("frozen: %.2f s\n", frozen);
}

/* An image file's pin, lifted after the switch for A's own writes (the
 * mark of a consumed image), set again when kjump is done. */
static struct {
	bool due;
	const char *path;
	struct kj_image_file file;
} repin;

/* The seal key while run() holds it (sodium_malloc'd), for parse() to
 * wipe when run() returns before handing it to B. */
static struct kj_seal_params *held_key;

static int run(const struct snap_opts *o)
{
	struct kj_err e = { 0 };
	struct kj_sysinfo si;
	struct kj_state st;
	struct kj_target t = { .fd = -1 };
	struct kj_memmap mm = { 0 };
	struct kj_cpio c = { 0 };
	struct kj_img img;
	char kbuf[256], tag_hex[33], tag_hex_long[37], append[2048];
	uint8_t tag[16];
	const char *purpose = o->prepare ? "prepare" : o->hibernate ? "hibernate" : "snapshot";
	uint32_t kind = o->hibernate ? KJ_IMG_HIBERNATION : KJ_IMG_SNAPSHOT;
	const char *kernel = o->kernel;
	double frozen;
	int rs, fd = -1;

	kj_sysinfo_read(&si);
	if (kj_preflight(&si, KJ_NEED_ROOT | KJ_NEED_JUMP, o->force, &e))
		return kj_report(&e);
	rs = kj_state_load('a', &st, &e);
	if (rs < 0)
		return kj_report(&e);

	/* The key: asked (or read) and derived first, before anything is
	 * changed (a B kept loaded, an image file) and before signals are
	 * held (Ctrl-C at the prompt ends kjump); B gets only the master key
	 * and the KDF record. parse() wipes it if run() returns early. */
	struct kj_seal_params *sp = NULL;

	if (o->seal) {
		if (kj_seal_init(&e))
			return kj_report(&e);
		sp = held_key = sodium_malloc(sizeof(*sp));
		if (!sp)
			kj_fail(&e, ENOMEM, "cannot allocate locked memory for the key");
		if (!sp || kj_key_seal_params(&o->ko, kj_key_kdf_memory(), false, sp, &e))
			return kj_report(&e);
	}

	/* The target, checked against the worst case: all of A's RAM. */
	uint64_t ram;
	if (kj_memmap_read(&mm, &e) || kj_meminfo_read_total(&ram, &e))
		return kj_report(&e);
	uint64_t need = kj_img_worst_case_size(kj_ranges_total(&mm.ram, -1) / 4096);
	/* An image file kjump makes gets room for fixed places too
	 * (lib/chunk_places.h), plus a place for B's view of the RAM ranges
	 * differing at an edge: then later snapshots keep what did not
	 * change. A partition only has to hold the worst case: without the
	 * room, B packs the chunks and writes them all. */
	uint64_t file_need = need;
	struct kj_chunk_places places;

	if (kj_chunk_places_for_ram(&places, &mm.ram, &e) == 0) {
		uint64_t n = kj_chunk_places_target_size(&places) + 2 * places.place_bytes;

		if (n > file_need)
			file_need = n;
		kj_chunk_places_free(&places);
	}
	kj_memmap_free(&mm);

	/* An image in a file (src/image_file.h): made, or checked, first,
	 * since B must be told where its map is. */
	struct kj_image_file imgf = { 0 };
	bool in_file = kj_image_file_wanted(o->to);

	if (in_file) {
		if (o->to[0] != '/') {
			kj_fail(&e, EINVAL, "%s: give the image file's absolute path", o->to);
			return kj_report(&e);
		}
		if (kj_image_file_prepare(o->to, file_need, &imgf, &e))
			return kj_report(&e);
		kj_info("%s: an image file on %s (%s, %llu MiB); resume it with 'kjump "
			"resume %s --offset %llu', or from the initramfs with kjump.resume=%s "
			"kjump.resume_offset=%llu", o->to, imgf.device, imgf.fs_name,
			(unsigned long long)(imgf.file_bytes >> 20), imgf.device,
			(unsigned long long)(imgf.map_physical / 4096), imgf.device,
			(unsigned long long)(imgf.map_physical / 4096));
	}
	/* One booted B serves snapshots and hibernations to any target: its
	 * job comes with each switch (lib/b_job_block.h). Its mailbox is the
	 * tag it was loaded with. A B loaded with other options is replaced.
	 * A sealed run never reuses a B: the key goes in a fresh B's
	 * initramfs, and that B is unloaded when it comes back (a B kept
	 * loaded would keep the key, docs/sealing.md). */
	uint8_t mailbox[16];
	bool kjump_b = rs == 0 && st.loaded && si.kexec_loaded == 1;
	/* (a B looks for jobs in one image file: the one it was loaded for) */
	bool other_file = in_file && st.job_map != imgf.map_physical;
	bool reuse = kjump_b && (!kernel || !strcmp(kernel, st.kernel)) && !o->initrd &&
		!o->append && !o->reserve && st.same_kernel && !o->seal && !other_file &&
		!kj_hex_decode(st.tag, mailbox, 16);
	const char *why_new = o->seal ? "a sealed run boots a fresh B" :
		!st.same_kernel ? "it runs another kernel" :
		other_file ? "it was loaded for another image file" :
		"other --kernel, --initrd, --append or --reserve";
	if (!reuse && si.kexec_loaded == 1) {
		struct kj_err ue;

		if (!kjump_b) {
			kj_fail(&e, EBUSY, "a kexec image kjump did not load is loaded; "
				"unload it first (kexec -u)");
			return kj_report(&e);
		}
		if (kj_kexec_unload(&ue)) {
			kj_fail(&e, EBUSY, "the B loaded for '%s' cannot serve this %s (%s) and "
				"cannot be unloaded: %s", st.purpose, purpose, why_new, ue.msg);
			return kj_report(&e);
		}
		kj_state_remove('a');
		si.kexec_loaded = 0;
		kj_info("%s: replacing the B loaded for '%s' (%s)", purpose, st.purpose, why_new);
	}
	if (o->prepare && reuse && st.switches > 0) {
		printf("B is already booted and waiting (since switch %lu); the next snapshot "
		       "or hibernate to %s uses it\n", st.switches, o->to);
		return KJ_EXIT_OK;
	}
	if (!reuse && !kernel && !(kernel = running_kernel(kbuf, sizeof(kbuf)))) {
		kj_fail(&e, ENOENT, "cannot find the running kernel's image in /boot; "
			"pass --kernel");
		return kj_report(&e);
	}

	double t_start = kj_now();
#define STEP(what) do { if (o->verbose) kj_info("%6.2f s: %s", kj_now() - t_start, what); } while (0)
	if (kj_target_open(&t, o->to, KJ_TARGET_WRITE | (o->force ? KJ_TARGET_FORCE : 0),
			   need, &e))
		return kj_report(&e);
	if (t.was_swap)
		kj_info("%s is a swap partition not in use as swap: the image overwrites its "
			"swap signature, so nothing swaps on it (and over the image) until it "
			"is made swap again. Once the image is consumed: mkswap -U %s %s "
			"(the same UUID, for /etc/fstab), then swapon", o->to, t.swap_uuid, o->to);
	if (!t.is_block && !in_file) {
		kj_target_close(&t);
		kj_fail(&e, EINVAL, "%s is a file; B cannot write through A's mounted "
			"filesystems: use a spare block device or partition", o->to);
		return kj_report(&e);
	}

	/* From loading B until the image is settled, a signal must not end
	 * kjump half way: held back here, delivered when kjump is done
	 * (parse() restores the mask). SIGKILL still can: every state it
	 * can leave on the target is one resume refuses (hibernation.md). */
	sigset_t hold;

	kj_interrupting_signals(&hold);
	if (sigprocmask(SIG_BLOCK, &hold, NULL)) {
		kj_target_close(&t);
		kj_fail_errno(&e, "cannot hold back signals for the switch");
		return kj_report(&e);
	}

	/* Every request has a tag of its own: the image on the target is
	 * this request's when its uuid derives from it (lib/image_state.h). */
	if (getrandom(tag, sizeof(tag), 0) != sizeof(tag)) {
		kj_target_close(&t);
		kj_fail_errno(&e, "getrandom");
		return kj_report(&e);
	}
	if (!reuse) {
		struct kj_load_opts lo = {
			/* B only writes the image: it needs far less than a
			 * B to work in, and every page of its region costs a
			 * swap on each jump */
			.kernel = kernel, .reserve = o->reserve ? o->reserve : 128u << 20,
			.purpose = purpose,
			.verbose = o->verbose, .initrd = "(built in)",
		};
		memcpy(mailbox, tag, sizeof(mailbox));	/* the first request's */
		hex(tag, 16, tag_hex);
		STEP("target checked");
		int bi = build_initramfs(o->initrd, kernel, o->to, o->verbose, sp, &c, &e);

		/* from here on only B's initramfs (and the kernel's copy of
		 * it, which becomes B's region at the jump) holds the key */
		if (sp)
			sodium_free(sp);
		sp = held_key = NULL;
		if (bi) {
			if (c.p)
				sodium_memzero(c.p, c.len);
			kj_cpio_free(&c);
			kj_target_close(&t);
			return kj_report(&e);
		}
		/* A's console settings, as kjump load uses; quiet first: B's
		 * boot log costs time, its own messages still show */
		char cons[1024] = "quiet ";
		if (!o->append)
			kj_a_consoles(cons + 6, sizeof(cons) - 6);
		strncat(cons, " ", sizeof(cons) - strlen(cons) - 1);
		char rr[48] = "";
		if (o->resume_reserve)
			snprintf(rr, sizeof(rr), " kjump.resume_reserve=%llu",
				 (unsigned long long)o->resume_reserve);
		char map[40] = "";
		if (in_file)
			snprintf(map, sizeof(map), " kjump.map=%llu",
				 (unsigned long long)imgf.map_physical);
		snprintf(append, sizeof(append), "%s%srdinit=" KJ_B_INIT_PATH " kjump.to=%s kjump.tag=%s "
			 "kjump.kind=%s kjump.threads=%u kjump.level=%d%s%s%s",
			 o->append ? o->append : cons, o->append ? " " : "", o->to, tag_hex,
			 o->hibernate ? "hibernation" : "snapshot", o->threads, o->level, rr,
			 o->seal ? " kjump.seal=1" : "", map);
		lo.append = append;
		lo.initrd_buf = c.p;
		lo.initrd_buf_len = c.len;
		STEP("B's initramfs built");
		int lb = kj_load_b(&lo, &st, &e);

		sodium_memzero(c.p, c.len);	/* the seal key, if any */
		kj_cpio_free(&c);
		if (lb) {
			kj_target_close(&t);
			return kj_report(&e);
		}
		snprintf(st.target, sizeof(st.target), "%s", o->to);
		snprintf(st.tag, sizeof(st.tag), "%s", tag_hex);
		st.job_map = in_file ? imgf.map_physical : 0;
		if (kj_state_save(&st, &e)) {
			kj_target_close(&t);
			return kj_report(&e);
		}
	}

	/* From here the old image on the target is gone: B will write anew.
	 * (Not for prepare: B writes nothing, and only its job goes there.) */
	STEP("B loaded");
	if (!o->prepare && kj_save_write_tag(t.fd, tag, kind, &e)) {
		kj_target_close(&t);
		return kj_report(&e);
	}
	/* The disks B fingerprints while this system is frozen (a B that
	 * stays loaded learns of disks mounted since the last snapshot) */
	if (!o->prepare && kj_fs_request_write(t.fd, tag, o->verbose, &e)) {
		kj_target_close(&t);
		return kj_report(&e);
	}
	/* And B's job for this switch, which B finds on the target */
	if (write_job(t.fd, mailbox, tag, o, kind, &e)) {
		kj_target_close(&t);
		return kj_report(&e);
	}
	if (reuse) {	/* for kjump status: what B serves now */
		snprintf(st.target, sizeof(st.target), "%s", o->to);
		snprintf(st.purpose, sizeof(st.purpose), "%s", purpose);
		if (kj_state_save(&st, &e)) {
			kj_target_close(&t);
			return kj_report(&e);
		}
	}
	kj_target_close(&t);
	/* the file's blocks stay where B will write them from here on */
	if (in_file && kj_image_file_pin(o->to, &imgf, true, &e))
		return kj_report(&e);
	STEP("target tagged");
	if (o->hibernate && !o->keep_caches) {
		drop_caches_if_full();
		STEP("page cache looked at");
	}
	if (o->prepare)
		kj_info("prepare: switching to B (%s), which comes back at once", reuse ?
			"already booted" : "boots first");
	else
		kj_info("%s: switching to B (%s), which writes the image to %s", purpose,
			reuse ? "already booted" : "boots first", o->to);
	if (kj_switch_to_b(&st, &frozen, &e))
		return kj_report(&e);
	if (in_file) {
		/* for A's own writes (the consumed mark); pinned again when
		 * kjump is done (parse) */
		struct kj_err pe;

		repin.due = true;
		repin.path = o->to;
		repin.file = imgf;
		if (kj_image_file_pin(o->to, &imgf, false, &pe))
			kj_info("warning: %s", pe.msg);
	}

	if (o->prepare && !st.same_kernel) {
		struct kj_err ue;

		if (kj_kexec_unload(&ue) == 0)
			kj_state_remove('a');
		kj_fail(&e, EINVAL, "B runs another kernel than this one, and only a B of "
			"this very kernel stays loaded between switches: kjump unloaded it, "
			"and prepare cannot help (leave out --kernel)");
		return kj_report(&e);
	}
	if (o->prepare) {
		printf("B is booted and waiting (this system was frozen %.2f s); the next "
		       "snapshot or hibernate to %s uses it\n", frozen, o->to);
		return KJ_EXIT_OK;
	}

	/* Back in A: either B finished (snapshot), or this system was resumed
	 * from the hibernation image, or B failed and jumped back. Which one,
	 * the request tag on the target says (lib/image_state.h). */
	if (o->hibernate) {
		enum kj_img_return r;
		char reason[KJ_IMG_FAIL_REASON_MAX];
		int bad = settle_return(o->to, tag, KJ_IMG_HIBERNATION, &r, reason,
					sizeof(reason), &e);
		struct kj_err ue;

		if (r == KJ_RET_RESUMED) {
			/* We were resumed: B's state did not survive the
			 * power-off, so B must never be entered again. */
			if (kj_kexec_unload(&ue))
				kj_info("warning: %s", ue.msg);
			kj_state_remove('a');
			if (bad) {
				char why[KJ_ERR_MAX];

				snprintf(why, sizeof(why), "%s", e.msg);
				kj_fail(&e, EIO, "resumed from hibernation after %.1f s, but %s",
					frozen, why);
				return kj_report(&e);
			}
			printf("resumed from hibernation after %.1f s; image on %s marked "
			       "consumed\n", frozen, o->to);
			return KJ_EXIT_OK;
		}
		/* A B that gave up is dropped too, so that the next try may
		 * pass it other options (--resume-reserve); a sealed run's B
		 * always (it held the key). */
		if ((!st.same_kernel || r == KJ_RET_FAILED || o->seal) &&
		    kj_kexec_unload(&ue) == 0)
			kj_state_remove('a');
		if (bad)
			return kj_report(&e);
		if (r == KJ_RET_FAILED) {
			kj_fail(&e, EIO, "B did not power off: %s; this system continues "
				"unchanged, and no resumable image is on %s",
				reason[0] ? reason : "it gave no reason; its messages on the "
				"console say why", o->to);
			return kj_report(&e);
		}
		kj_fail(&e, EIO, "B %s; this system continues, and no resumable "
			"image is on %s. B's messages on the console say why", r ==
			KJ_RET_UNTOUCHED ? UNTOUCHED_WHY :
			r == KJ_RET_UNFINISHED ? "started writing the image but did not "
			"finish it" : r == KJ_RET_COMPLETE ? "wrote the image but came back "
			"to this system instead of powering off (the image is marked "
			"consumed, since this system ran on)" : "left something on the "
			"target that is not this request's image", o->to);
		return kj_report(&e);
	}
	if (read_result(o->to, &img, &fd, &e))
		return kj_report(&e);
	enum kj_img_return r = kj_img_judge_return(&img.hdr, tag, kind);
	if (r == KJ_RET_RESUMED) {
		/* This system was resumed from its own snapshot (resume
		 * --snapshot): like a resumed hibernation, the image is now
		 * spent, and B's memory did not survive, so B must never be
		 * entered again. */
		char reason[KJ_IMG_FAIL_REASON_MAX];
		struct kj_err ue;
		int bad;

		kj_img_close(&img);
		close(fd);
		bad = settle_return(o->to, tag, kind, &r, reason, sizeof(reason), &e);
		if (kj_kexec_unload(&ue))
			kj_info("warning: %s", ue.msg);
		kj_state_remove('a');
		if (bad)
			return kj_report(&e);
		printf("resumed from the snapshot on %s (memory rolled back to when it was "
		       "taken); image marked consumed\n", o->to);
		return KJ_EXIT_OK;
	}
	/* A sealed image shows A only its public part: B checked the rest
	 * before it came back (a snapshot's B does not power off on it, but
	 * it wrote it with the key A gave it) */
	bool done = img.complete || (img.sealed && img.pub.seal.sealed_ok);

	if (o->seal) {
		struct kj_err ue;

		/* B held the key: it must not stay loaded */
		if (kj_kexec_unload(&ue) == 0)
			kj_state_remove('a');
		else
			kj_info("warning: cannot unload B, which held the seal key: %s",
				ue.msg);
		if (r == KJ_RET_COMPLETE && !img.sealed) {
			kj_fail(&e, EIO, "B wrote an image that is not sealed, though --seal "
				"was asked; wipe it (%s)", o->to);
			kj_img_close(&img);
			close(fd);
			return kj_report(&e);
		}
	}
	if (!done || r != KJ_RET_COMPLETE) {
		if (!st.same_kernel) {
			struct kj_err ue;

			/* a B of another kernel may have come back one way only */
			if (kj_kexec_unload(&ue) == 0)
				kj_state_remove('a');
		}
		if (r == KJ_RET_FAILED) {
			struct kj_err ue;

			/* B said why in the header (src/b_init.c). Drop B, so
			 * that the next try may pass other options to it. */
			if (st.same_kernel && kj_kexec_unload(&ue) == 0)
				kj_state_remove('a');
			kj_fail(&e, EIO, "B did not save the image: %s; this system "
				"continues unchanged, and no resumable image is on %s",
				img.hdr.fail_reason[0] ? img.hdr.fail_reason :
				"it gave no reason; its messages on the console say why",
				o->to);
			kj_img_close(&img);
			close(fd);
			return kj_report(&e);
		}
		kj_fail(&e, EIO, "B %s; this system continues unchanged, and no "
			"resumable image is on %s. B's messages on the console say why",
			r == KJ_RET_UNTOUCHED ? UNTOUCHED_WHY :
			r == KJ_RET_FOREIGN ? "wrote an image that is not the one it was asked for" :
			"started writing the image but did not finish it", o->to);
		kj_img_close(&img);
		close(fd);
		return kj_report(&e);
	}
	if (img.sealed && !img.keys) {
		printf("sealed snapshot written to %s (uuid %s); its contents need the key "
		       "('kjump info' with it shows them)\nfrozen: %.2f s\n", o->to,
		       kj_img_uuid_str(img.hdr.uuid, tag_hex_long), frozen);
	} else {
		report(&img, frozen, "snapshot");
	}
	kj_img_close(&img);
	close(fd);
	if (!st.same_kernel && !o->seal) {
		struct kj_err ue;

		/* Only a B running this very kernel is sure to come back from a
		 * second jump (CONFIG_KEXEC_JUMP, CONFIG_ACPI): drop any other. */
		if (kj_kexec_unload(&ue) == 0)
			kj_state_remove('a');
		kj_info("B runs another kernel than this one, so kjump unloaded it; the "
			"next snapshot boots it again");
	}
	return KJ_EXIT_OK;
}

static int parse(int argc, char **argv, bool hib, bool prep)
{
	static const struct option lo[] = {
		{ "to", required_argument, NULL, 't' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "append", required_argument, NULL, 'a' },
		{ "reserve", required_argument, NULL, 'r' },
		{ "threads", required_argument, NULL, 'j' },
		{ "level", required_argument, NULL, 'l' },
		{ "resume-reserve", required_argument, NULL, 'R' },
		{ "keep-caches", no_argument, NULL, 'K' },
		{ "force", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "seal", no_argument, NULL, 'S' },
		KJ_KEY_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct snap_opts o = { .hibernate = hib, .prepare = prep };
	sigset_t old;
	int c, r, bad;

	while ((c = getopt_long(argc, argv, ":t:k:i:a:r:j:l:fvh", lo, NULL)) != -1) {
		if (kj_key_opt(c, optarg, &o.ko, &bad)) {
			if (bad)
				return KJ_EXIT_USAGE;
			continue;
		}
		switch (c) {
		case 'S': o.seal = true; break;
		case 't': o.to = optarg; break;
		case 'k': o.kernel = optarg; break;
		case 'i': o.initrd = optarg; break;
		case 'a': o.append = optarg; break;
		case 'r':
			if (kj_opt_size("--reserve", optarg, &o.reserve))
				return KJ_EXIT_USAGE;
			break;
		case 'j':
			if (kj_opt_threads(optarg, &o.threads))
				return KJ_EXIT_USAGE;
			break;
		case 'l':
			if (kj_opt_level(optarg, &o.level))
				return KJ_EXIT_USAGE;
			break;
		case 'R':
			if (!hib)
				return kj_usage_error("--resume-reserve is for kjump hibernate: "
						      "a snapshot does not power off");
			if (kj_opt_size("--resume-reserve", optarg, &o.resume_reserve))
				return KJ_EXIT_USAGE;
			break;
		case 'K':
			if (!hib)
				return kj_usage_error("--keep-caches is for kjump hibernate: "
						      "a snapshot keeps the page cache");
			o.keep_caches = true;
			break;
		case 'f': o.force = true; break;
		case 'v': o.verbose = true; break;
		case 'h': help(hib, prep); return KJ_EXIT_OK;
		default: return kj_bad_option(c, argv, lo);
		}
	}
	if (optind != argc)
		return kj_usage_error("unexpected argument '%s'", argv[optind]);
	if (!o.to)
		return kj_usage_error("where to? (--to TARGET)");
	if (prep && (o.seal || o.ko.key_file || o.ko.passphrase_file))
		return kj_usage_error("prepare takes no key: a sealed snapshot or hibernation "
				      "always boots a B of its own, which holds the key");
	if (!o.seal && (o.ko.key_file || o.ko.passphrase_file))
		return kj_usage_error("--key-file and --passphrase-file seal the image: "
				      "add --seal");
	sigprocmask(SIG_BLOCK, NULL, &old);
	r = run(&o);
	if (held_key) {
		sodium_free(held_key);	/* wiped */
		held_key = NULL;
	}
	if (repin.due) {
		struct kj_err e;

		if (kj_image_file_pin(repin.path, &repin.file, true, &e)) {
			kj_info("ERROR: %s; the image file is not pinned: B must not write to "
				"it until a snapshot or hibernation has mapped it again", e.msg);
			if (r == KJ_EXIT_OK)
				r = KJ_EXIT_FAIL;
		}
	}
	/* a signal held back during the switch ends kjump only now */
	fflush(NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

int cmd_snapshot(int argc, char **argv)
{
	return parse(argc, argv, false, false);
}

int cmd_hibernate(int argc, char **argv)
{
	return parse(argc, argv, true, false);
}

int cmd_prepare(int argc, char **argv)
{
	return parse(argc, argv, false, true);
}
