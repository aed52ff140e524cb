// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump as the init of B: the initramfs `kjump snapshot` and `kjump
 * hibernate` build holds nothing but the static kjump, as KJ_B_INIT_PATH
 * (cli.h). Started by B's kernel under that name, it mounts what
 * it needs, saves A's memory to the target named on its command line, and
 * then either jumps back to A (snapshot, or any failure) or powers the
 * machine off (hibernation, once the image is complete and verified and
 * the plan `kjump resume` will make for it fits: check_resume_fits). On a
 * failure it records why in the target's header (state FAILED), which A
 * prints.
 * Each later switch from A resumes it right after its jump back: it saves
 * again. PID 1 must never exit, so every path ends in a jump, a power-off,
 * or a wait.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "jump_back.h"
#include "save.h"
#include "state_file.h"
#include "../lib/b_command_line.h"
#include "../lib/b_job_block.h"
#include "../lib/chunk_places.h"
#include "../lib/direct_io.h"
#include "../lib/file_map.h"
#include "../lib/image.h"
#include "../lib/image_state.h"
#include "../lib/kernel_command_line.h"
#include "../lib/kexec.h"
#include "../lib/memmap.h"
#include "../lib/program.h"
#include "../lib/resume_check.h"
#include "../lib/resume_layout.h"
#include "../lib/seal.h"
#include "../lib/text.h"

#include <sodium.h>

static void mounts(void)
{
	mkdir("/proc", 0555);
	mkdir("/sys", 0555);
	mkdir("/dev", 0755);
	mkdir("/run", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("tmpfs", "/run", "tmpfs", 0, "mode=0755");
}

/* Drivers in the initramfs: /etc/kjump/modules.auto lists those A put
 * there for the target (src/b_modules.c), /etc/kjump/modules those the
 * user added (--initrd); .ko files, loaded in order. Compressed ones
 * (.ko.xz, .ko.zst, .ko.gz) are the kernel's to decompress. */
static void load_module_list(const char *list)
{
	FILE *f = fopen(list, "re");
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		const char *dot = strrchr(line, '.');
		unsigned flags = dot && strcmp(dot, ".ko") ? 4 /* MODULE_INIT_COMPRESSED_FILE */ : 0;
		int fd = open(line, O_RDONLY | O_CLOEXEC);

		if (fd < 0 || (syscall(SYS_finit_module, fd, "", flags) && errno != EEXIST))
			kj_info("cannot load module %s: %s", line, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	fclose(f);
}

static void load_modules(void)
{
	load_module_list("/etc/kjump/modules.auto");
	load_module_list("/etc/kjump/modules");
}

static void wait_for(const char *path)
{
	for (int i = 0; i < 300 && access(path, F_OK); i++)
		usleep(100000);
}

/* Where B's job block is on the device open as fd, when the device holds
 * an image file with its map at map_physical; 1 when it does not. */
static int job_in_file(int fd, uint64_t map_physical, uint64_t *at)
{
	struct kj_file_map m;
	struct kj_err e;
	uint64_t contiguous;
	int r = kj_file_map_read(fd, map_physical, &m, &e);

	if (r < 0)
		kj_info("an image file's map: %s; ignored", e.msg);
	if (r)
		return 1;
	r = kj_file_map_locate(&m, KJ_B_JOB_OFFSET, at, &contiguous) ||
		contiguous < KJ_B_JOB_BLOCK_BYTES;
	kj_file_map_free(&m);
	return r ? 1 : 0;
}

/* The newest job for our mailbox on any block device, newer than *last
 * (lib/b_job_block.h); 1 when there is none. */
static int scan_jobs(const uint8_t mailbox[16], uint64_t map_physical, uint64_t *last,
		     struct kj_b_job *j, uint8_t *block)
{
	DIR *d = opendir("/sys/class/block");
	struct dirent *de;
	uint64_t best = *last;
	int none = 1;

	if (!d)
		return 1;
	while ((de = readdir(d))) {
		char dev[sizeof(((struct kj_b_job *)0)->to)];
		struct kj_b_job k;
		struct kj_err e;
		uint64_t seq;
		int fd, r;

		if (de->d_name[0] == '.')
			continue;
		snprintf(dev, sizeof(dev), "/dev/%.200s", de->d_name);
		fd = open(dev, O_RDONLY | O_DIRECT | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			continue;
		/* a job on the device itself, and one in the image file whose
		 * map is where B's command line says (lib/file_map.h) */
		for (int in_file = 0; in_file <= (map_physical != 0); in_file++) {
			uint64_t at = KJ_B_JOB_OFFSET;

			if (in_file && job_in_file(fd, map_physical, &at))
				break;
			r = pread(fd, block, KJ_B_JOB_BLOCK_BYTES, (off_t)at) ==
				KJ_B_JOB_BLOCK_BYTES ?
				kj_b_job_block_decode(block, mailbox, &k, &seq, &e) : 1;
			if (r < 0)
				kj_info("%s: %s; ignored", dev, e.msg);
			if (r == 0 && seq > best) {
				best = seq;
				*j = k;
				/* the block lies on the target itself: that
				 * device is it, under B's own name for it (A's
				 * path may be a link that only A's udev made,
				 * or a file on it) */
				snprintf(j->to, sizeof(j->to), "%s", dev);
				j->map_physical = in_file ? map_physical : 0;
				none = 0;
			}
		}
		close(fd);
	}
	closedir(d);
	if (!none)
		*last = best;
	return none;
}

/*
 * This switch's job: A wrote it on the target before the jump. Devices
 * may still be probing on B's first boot, so look for 30 s. A job is
 * taken once: only a newer one counts, so a block left on an earlier
 * target never sends B back there.
 */
static int next_job(const uint8_t mailbox[16], uint64_t map_physical, uint64_t *last,
		    struct kj_b_job *j, struct kj_err *e)
{
	uint8_t *block = NULL;
	int r = 1;

	if (posix_memalign((void **)&block, 4096, KJ_B_JOB_BLOCK_BYTES))
		return kj_fail(e, ENOMEM, "out of memory");
	for (int i = 0; i < 300 && r; i++) {
		if (i)
			usleep(100000);
		r = scan_jobs(mailbox, map_physical, last, j, block);
	}
	free(block);
	if (r)
		return kj_fail(e, ENOENT, "A left no new job for this B on any block device "
			       "(B sees no target: is its driver in B?)");
	/* an image file: all I/O to its device goes through its map */
	if (!j->map_physical)
		kj_file_map_forget(j->to);	/* the device itself, this time */
	else if (kj_file_map_attach(j->to, j->map_physical, e))
		return -1;
	return 0;
}

/*
 * B's memory after a save, on its console: a B that saves in a loop must
 * end each save with as much free memory as after the first, or it dies
 * of it after enough snapshots (and takes A with it). The first line is
 * what tests compare (MemAvailable plus the per-CPU free lists); the
 * second says where memory went if it shrinks.
 */
/* Bytes of free pages held on the kernel's per-CPU lists (the "count:"
 * lines of /proc/zoneinfo): free, but not in MemFree or MemAvailable.
 * Right after a save they swing by several MiB (the unmapped buffers
 * land there first), which would hide or fake a trend. */
static uint64_t pcp_free_bytes(void)
{
	char *text, *p;
	struct kj_err e;
	uint64_t pages = 0;

	if (kj_read_text("/proc/zoneinfo", &text, NULL, &e))
		return 0;
	for (p = text; (p = strstr(p, "\n")); p++) {
		unsigned long long c;

		if (sscanf(p + 1, " count: %llu", &c) == 1)
			pages += c;
	}
	free(text);
	return pages * 4096;
}

static void report_memory(unsigned long n)
{
	static const char *const keys[] = { "MemFree:", "Cached:", "Buffers:",
		"AnonPages:", "Shmem:", "Slab:", "PageTables:", "KernelStack:" };
	char *text, more[256];
	struct kj_err e;
	size_t k = 0;

	if (kj_read_text("/proc/meminfo", &text, NULL, &e))
		return;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && k < sizeof(more); i++)
		k += (size_t)snprintf(more + k, sizeof(more) - k, " %.*s %llu KiB",
				      (int)strlen(keys[i]) - 1, keys[i],
				      (unsigned long long)(kj_meminfo_bytes(text, keys[i]) >> 10));
	uint64_t pcp = pcp_free_bytes();

	fprintf(stderr, "B: free memory after save %lu: %llu MiB\n", n,
		(unsigned long long)((kj_meminfo_available(text) + pcp) >> 20));
	fprintf(stderr, "B: memory after save %lu:%s per-CPU lists %llu KiB\n", n, more,
		(unsigned long long)(pcp >> 10));
	free(text);
}

/*
 * Threads for this save, from what B has now: as many as fit (CPUs, or
 * what A asked for), fewer when B is short, and none when even one
 * would not fit: then B refuses the save and goes back to A with the
 * reason, rather than run out of memory in the middle of it (a B that
 * does dies, and A with it: the kernel finds nothing to kill but init).
 */
static int pick_threads(unsigned asked, int level, unsigned *threads, struct kj_err *e)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned want = asked ? asked : cpus > 0 ? (unsigned)cpus : 1;
	uint64_t avail = kj_meminfo_read_available();
	struct stat st;

	/* /proc/vmcore is about A's RAM: what the index is sized by */
	if (stat("/proc/vmcore", &st))
		st.st_size = 0;
	if (kj_img_save_threads(avail, want, level, (uint64_t)st.st_size, threads, e))
		return -1;
	if (*threads < want)
		kj_info("B has %llu MiB of memory available: %u compression "
			"threads instead of %u", (unsigned long long)(avail >> 20),
			*threads, want);
	return 0;
}

/*
 * Would `kjump resume` accept this image on this machine? The same checks
 * and the same placement plan it runs (lib/resume_layout.h), for A's RAM
 * as the image's memory map has it, keeping `reserve` bytes for the resume
 * kernel's own memory, which B cannot see.
 */
static int check_resume_fits(const struct kj_img *img, uint64_t reserve, struct kj_err *e)
{
	struct kj_ranges ram = { 0 }, maps = { 0 };
	struct kj_program pay = { 0 };
	struct kj_resume_sizes sz;
	struct kj_resume_layout plan;
	const uint8_t *blob;
	size_t blen;
	int ret = -1;

	if (kj_blob_find("restore", &blob, &blen)) {
		kj_fail(e, ENOENT, "this kjump lacks its restore payload");
		return -1;
	}
	if (kj_program_parse(blob, blen, 16u << 20, &pay, e) ||
	    kj_resume_layout_saved_ram(img, &ram, e) ||
	    kj_resume_check_extents(img, &ram, e) || kj_resume_check_entry(img, e) ||
	    kj_resume_layout_plan(img, &ram, pay.span, reserve, &maps, &sz, &plan, e))
		goto out;
	kj_info("resume will fit: the saved system leaves %llu MiB free, enough for "
		"the resume kernel's %llu MiB, kjump resume's %llu MiB and the restore "
		"code (the compressed image is %llu MiB)",
		(unsigned long long)(plan.free_bytes >> 20), (unsigned long long)(reserve >> 20),
		(unsigned long long)(sz.overhead >> 20),
		(unsigned long long)(sz.data_pages * KJ_PAGE_SIZE >> 20));
	ret = 0;
out:
	kj_program_free(&pay);
	kj_ranges_free(&maps);
	kj_ranges_free(&ram);
	return ret;
}

/*
 * A sealed save: the master key and KDF record A put in this initramfs
 * (never the passphrase). Read once; the file's bytes are overwritten in
 * place (its pages are rootfs page cache, in B's region) and it is
 * removed, so a second save of this B finds no key and refuses.
 */
static int take_seal_key(struct kj_seal_params *sp, struct kj_err *e)
{
	uint8_t *buf = sodium_malloc(KJ_SEAL_PARAMS_WIRE + 1);
	ssize_t n;
	int fd, r;

	if (!buf)
		return kj_fail(e, ENOMEM, "cannot allocate locked memory for the seal key");
	fd = open(KJ_B_SEAL_KEY_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		kj_fail_errno(e, "A asked for a sealed image but gave no key (%s); "
			      "not saving it unsealed", KJ_B_SEAL_KEY_PATH);
		sodium_free(buf);
		return -1;
	}
	n = read(fd, buf, KJ_SEAL_PARAMS_WIRE + 1);
	if (n > 0) {
		uint8_t zero[KJ_SEAL_PARAMS_WIRE + 1] = { 0 };

		if (pwrite(fd, zero, (size_t)n, 0) != n)
			kj_info("warning: cannot wipe %s: %s", KJ_B_SEAL_KEY_PATH,
				strerror(errno));
		fsync(fd);
	}
	close(fd);
	unlink(KJ_B_SEAL_KEY_PATH);
	r = n < 0 ? kj_fail_errno(e, "cannot read %s", KJ_B_SEAL_KEY_PATH) :
		kj_seal_params_decode(buf, (size_t)n, sp, e);
	sodium_free(buf);
	return r;
}

static int save_job(const struct kj_b_job *j, const struct kj_seal_params *sp,
		    struct kj_err *e);

/* Seconds B's kernel has run: its boot, then every stay in B (its clock
 * stands still while A runs), for the timings on B's console. */
static double b_running_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run_job(const struct kj_b_job *j, struct kj_err *e)
{
	struct kj_seal_params *sp = NULL;
	int r;

	if (j->seal) {
		if (kj_seal_init(e))
			return -1;
		sp = sodium_malloc(sizeof(*sp));
		if (!sp)
			return kj_fail(e, ENOMEM, "cannot allocate locked memory for the "
				       "seal key");
		if (take_seal_key(sp, e)) {
			sodium_free(sp);
			return -1;
		}
	}
	r = save_job(j, sp, e);
	if (sp)
		sodium_free(sp);	/* wiped */
	return r;
}

/* Where the read-back reads: the image, and its target opened for
 * direct reads (or -1: then through the buffers BLKFLSBUF dropped). */
struct read_back {
	const struct kj_img *img;
	int direct_fd;
};

/* The read-back check's reader: chunk idx's bytes from the target. */
static int read_back_chunk(void *arg, uint64_t idx, void *buf, void **bytes, struct kj_err *e)
{
	const struct read_back *rb = arg;
	const struct kj_img *img = rb->img;
	const struct kj_img_chunk *c = &img->chunk[idx];

	if (kj_direct_pread(img->fd, rb->direct_fd, buf, c->csize, c->offset, bytes,
			    "the chunk", e))
		return kj_prefix(e, "chunk %llu of %llu at offset 0x%llx",
				 (unsigned long long)idx, (unsigned long long)img->nchunks,
				 (unsigned long long)c->offset);
	return 0;
}

/* What this B's last save left on its target, for the next one to keep
 * what did not change (lib/chunk_places.h). Lives as long as B does. */
static struct kj_chunk_memory last_save;

static int save_job(const struct kj_b_job *j, const struct kj_seal_params *sp,
		    struct kj_err *e)
{

	unsigned threads;

	if (pick_threads(j->threads, j->level, &threads, e))
		return -1;
	struct kj_save_opts o = {
		.target = j->to, .threads = threads, .level = j->level,
		.kind = j->kind, .tag_check = true, .seal = sp,
		/* A checked this target before the jump (snapshot, hibernate)
		 * and tagged it; the tag check makes sure it is the same one. */
		.force = true,
		.memory = &last_save,
	};
	struct kj_save_report r;

	memcpy(o.tag, j->tag, 16);
	kj_info("saving A's memory to %s (%s, %u threads%s)", j->to,
		kj_img_kind_name(j->kind), o.threads, sp ? ", sealed" : "");
	wait_for(j->to);
	if (kj_save(&o, &r, e))
		return -1;
	kj_save_print(&r, stderr);
	if (j->kind == KJ_IMG_HIBERNATION) {
		/* Power off only on an image read back from the device (not
		 * from the page cache) with every checksum right. */
		struct kj_img img;
		int fd = open(j->to, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return kj_fail_errno(e, "cannot reopen %s", j->to);
		double t_check = kj_now();

		ioctl(fd, BLKFLSBUF, 0);
		if (kj_img_open(&img, fd, 0, e)) {
			close(fd);
			return -1;
		}
		const struct kj_seal_secret ms = { KJ_SECRET_MASTER, sp ? sp->master : NULL,
						   KJ_SEAL_KEY_BYTES };
		if (sp && kj_img_unseal(&img, &ms, e)) {
			kj_img_close(&img);
			close(fd);
			return -1;
		}
		/* every chunk's checksum (and seal), read from the disk, by
		 * as many threads as resume's check would use */
		struct read_back rb = { &img, kj_direct_reopen(fd, false) };
		struct kj_resume_chunks_in ci = {
			.img = &img, .fetch = read_back_chunk, .arg = &rb,
			.threads = kj_resume_check_threads(&img, sysconf(_SC_NPROCESSORS_ONLN)),
			.checksums_only = true,
		};
		int bad = !img.complete ? kj_fail(e, EIO, "the image is not complete: %s",
						  img.problem) :
			kj_resume_check_chunks(&ci, NULL, e);
		if (rb.direct_fd >= 0)
			close(rb.direct_fd);
		if (bad) {
			kj_chunk_memory_forget(&last_save);	/* the target is not as written */
			kj_img_close(&img);
			close(fd);
			return -1;
		}
		/* Power off only with an image resume will accept here. */
		uint64_t reserve = j->resume_reserve ? j->resume_reserve :
			kj_resume_reserve_default(img.hdr.ram_bytes);
		if (check_resume_fits(&img, reserve, e)) {
			struct kj_err me;
			int wfd = open(j->to, O_RDWR | O_CLOEXEC);

			kj_img_close(&img);
			close(fd);
			kj_prefix(e, "the image could not be resumed on this machine");
			snprintf(e->msg + strlen(e->msg), sizeof(e->msg) - strlen(e->msg),
				 "; free memory in the saved system (drop caches, stop "
				 "programs), or pass a smaller --resume-reserve if the "
				 "resume kernel needs less");
			if (wfd < 0 || kj_img_set_failed(wfd, e->msg, &me))
				kj_info("cannot mark the image failed: %s",
					wfd < 0 ? strerror(errno) : me.msg);
			if (wfd >= 0)
				close(wfd);
			return -1;
		}
		kj_img_close(&img);
		close(fd);
		kj_info("image read back from %s and checked in %.2f s", j->to,
			kj_now() - t_check);
	}
	return 0;
}

/*
 * The job failed: say why in the target's header, for A to print after the
 * jump back, when the header is this job's: A's tag (B wrote nothing yet),
 * or a WRITING header B wrote after the tag check, so created since the
 * job began. Anything else is not ours to touch.
 */
static void record_failure(const struct kj_b_job *j, uint64_t started, const char *why)
{
	struct kj_img_header h;
	struct kj_err e;
	int fd = open(j->to, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	ioctl(fd, BLKFLSBUF, 0);
	if (kj_img_pread(fd, &h, sizeof(h), 0, "the image header", &e) == 0 &&
	    kj_img_header_check(&h, &e) == 0 && h.state != KJ_IMG_FAILED &&
	    (!memcmp(h.uuid, j->tag, sizeof(j->tag)) ||
	     (h.state == KJ_IMG_WRITING && h.created >= started)) &&
	    kj_img_set_failed(fd, why, &e))
		kj_info("cannot record the failure on %s: %s", j->to, e.msg);
	close(fd);
}

/* A complete hibernation image that A will run on from instead: marked
 * FAILED with the reason, synced (lib/image_state.h), before the jump
 * back, so that it is never resumed behind A's back even if A's kjump is
 * killed before it settles it; A prints the reason. */
static void give_up_image(const struct kj_b_job *j, const char *why)
{
	uint8_t uuid[16];
	struct kj_img_header h;
	struct kj_err e;
	int fd = open(j->to, O_RDWR | O_CLOEXEC);

	kj_img_request_uuid(j->tag, uuid);
	if (fd < 0 || kj_img_pread(fd, &h, sizeof(h), 0, "the image header", &e) ||
	    memcmp(h.uuid, uuid, 16) || kj_img_set_failed(fd, why, &e))
		kj_info("cannot mark the image on %s failed: %s; A will mark it consumed",
			j->to, fd < 0 ? strerror(errno) : e.msg);
	if (fd >= 0)
		close(fd);
}

int kj_b_init_main(void)
{
	struct kj_b_job j;
	struct kj_err e = { 0 };
	char *cmd = NULL;

	kj_cmd_name = "kjump (B)";
	/* This process saves again and again: keep malloc from moving its
	 * mmap threshold up (blocks freed after one save would stay in its
	 * heaps), and give back what it holds after each save. */
	mallopt(M_MMAP_THRESHOLD, 128 << 10);
	mallopt(M_TRIM_THRESHOLD, 256 << 10);
	mounts();
	load_modules();
	if (kj_read_text("/proc/cmdline", &cmd, NULL, &e) || kj_b_job_parse(cmd, &j, &e)) {
		kj_report(&e);
		free(cmd);
		for (;;)
			pause();	/* nothing sane to do: A's user sees this */
	}
	/* tests (hibernate-no-fit): kjump.test_poweroff=fail makes B act as
	 * if its power-off had failed */
	bool poweroff_fails = false;
	struct kj_cmdline_word w;

	for (const char *p = cmd; kj_cmdline_next(&p, &w); )
		if (kj_cmdline_is(&w, "kjump.test_poweroff") && w.val && w.val_len == 4 &&
		    !memcmp(w.val, "fail", 4))
			poweroff_fails = true;
	free(cmd);
	uint8_t mailbox[16];
	uint64_t last_job = 0;

	memcpy(mailbox, j.tag, sizeof(mailbox));	/* B's for its whole life */
	uint64_t map_physical = j.map_physical;	/* the image file B serves, if any */
	bool sealing_b = j.seal;	/* loaded with a seal key: seal every save */
	for (unsigned long n = 1;; n++) {
		uint64_t started = (uint64_t)time(NULL);
		bool ok;

		if (next_job(mailbox, map_physical, &last_job, &j, &e)) {
			kj_report(&e);	/* no target to record it on: A says why */
			ok = false;
		} else {
			j.seal = j.seal || sealing_b;
			if (j.prepare)
				kj_info("job %lu: none (kjump prepare): B is up and goes back "
					"to wait for the next (B has run %.2f s)", n,
					b_running_seconds());
			else
				kj_info("job %lu: %s to %s%s (B has run %.2f s)", n,
					kj_img_kind_name(j.kind), j.to,
					j.seal ? ", sealed" : "", b_running_seconds());
			ok = j.prepare || run_job(&j, &e) == 0;
			if (!ok) {
				kj_report(&e);
				record_failure(&j, started, e.msg);
			}
		}
		malloc_trim(0);
		report_memory(n);
		if (ok && !j.prepare && j.kind == KJ_IMG_HIBERNATION) {
			kj_info("image complete and verified; powering off (B has run %.2f s)",
				b_running_seconds());
			sync();
			if (poweroff_fails)
				errno = EPERM;
			else
				reboot(RB_POWER_OFF);
			/* Still here: the power-off failed, and A will run on.
			 * The image must never be resumed behind its back, even
			 * if A's kjump is killed before it settles it. */
			char why[256];

			snprintf(why, sizeof(why), "B could not power off (%s); the complete "
				 "image was given up, and this system ran on", strerror(errno));
			kj_info("%s", why);
			give_up_image(&j, why);
		}
		kj_info("jumping back to A");
		if (kj_peer_back(KJ_BACK_AUTO, NULL, NULL, &e)) {
			kj_report(&e);
			if (ok) {
				kj_info("cannot jump back; the image on %s is complete: power "
					"off and resume A with 'kjump resume %s'", j.to, j.to);
				sync();
				reboot(RB_POWER_OFF);
			}
			for (;;)
				pause();
		}
		/* A switched to us again: take the next snapshot */
	}
}
