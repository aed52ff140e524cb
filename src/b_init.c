// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump as the init of B: the initramfs `kjump snapshot` and `kjump
 * hibernate` build holds nothing but the static kjump, as KJ_B_INIT_PATH
 * (cli.h). Started by B's kernel under that name, it mounts what
 * it needs, saves A's memory to the target named on its command line, and
 * then either jumps back to A (snapshot, or any failure) or powers the
 * machine off (hibernation, once the image is complete and verified).
 * Each later switch from A resumes it right after its jump back: it saves
 * again. PID 1 must never exit, so every path ends in a jump, a power-off,
 * or a wait.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli.h"
#include "jump_back.h"
#include "save.h"
#include "state_file.h"
#include "../lib/b_command_line.h"
#include "../lib/image.h"
#include "../lib/kexec.h"
#include "../lib/memmap.h"
#include "../lib/text.h"

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

/* Drivers the user put in the initramfs (--initrd): /etc/kjump/modules
 * lists .ko files, loaded in order. */
static void load_modules(void)
{
	FILE *f = fopen("/etc/kjump/modules", "re");
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		int fd = open(line, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0))
			kj_info("cannot load module %s: %s", line, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	fclose(f);
}

static void wait_for(const char *path)
{
	for (int i = 0; i < 300 && access(path, F_OK); i++)
		usleep(100000);
}

static unsigned pick_threads(unsigned asked)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t avail;
	unsigned t;

	if (asked)
		return asked;
	avail = kj_meminfo_read_available();
	t = cpus > 0 ? (unsigned)cpus : 1;
	/* leave half of B's free memory for everything else */
	while (t > 1 && kj_img_writer_memory(t, 0) > avail / 2)
		t--;
	return t;
}

static int run_job(const struct kj_b_job *j, struct kj_err *e)
{

	struct kj_save_opts o = {
		.target = j->to, .threads = pick_threads(j->threads), .level = j->level,
		.kind = j->kind, .tag_check = true,
		/* A checked this target before the jump (snapshot, hibernate)
		 * and tagged it; the tag check makes sure it is the same one. */
		.force = true,
	};
	struct kj_save_report r;

	memcpy(o.tag, j->tag, 16);
	kj_info("saving A's memory to %s (%s, %u threads)", j->to,
		kj_img_kind_name(j->kind), o.threads);
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
		ioctl(fd, BLKFLSBUF, 0);
		if (kj_img_open(&img, fd, 0, e)) {
			close(fd);
			return -1;
		}
		int bad = !img.complete ? kj_fail(e, EIO, "the image is not complete: %s",
						  img.problem) :
			kj_img_verify_mode(&img, false, NULL, NULL, NULL, e);
		if (bad) {
			kj_img_close(&img);
			close(fd);
			return -1;
		}
		kj_img_close(&img);
		close(fd);
	}
	return 0;
}

int kj_b_init_main(void)
{
	struct kj_b_job j;
	struct kj_err e = { 0 };
	char *cmd = NULL;

	kj_cmd_name = "kjump (B)";
	mounts();
	load_modules();
	if (kj_read_text("/proc/cmdline", &cmd, NULL, &e) || kj_b_job_parse(cmd, &j, &e)) {
		kj_report(&e);
		free(cmd);
		for (;;)
			pause();	/* nothing sane to do: A's user sees this */
	}
	free(cmd);
	for (;;) {
		bool ok = run_job(&j, &e) == 0;

		if (!ok)
			kj_report(&e);
		if (ok && j.kind == KJ_IMG_HIBERNATION) {
			kj_info("image complete and verified; powering off");
			sync();
			reboot(RB_POWER_OFF);
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
