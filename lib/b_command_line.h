/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What B reads from its own kernel command line (/proc/cmdline). Pure.
 *
 * kjump writes B's command line in A: src/b_loader.c ends it with
 * "kjump.b=1 kexec_jump_back_entry=0x<16 hex digits>" (the purgatory
 * fills the digits in with A's re-entry address), and `kjump snapshot` /
 * `kjump hibernate` (src/cmd_snapshot.c) add B's job before that:
 * "kjump.to=TARGET kjump.tag=<32 hex digits> kjump.kind=snapshot|hibernation
 * kjump.threads=N kjump.level=N", and for a hibernation
 * "kjump.resume_reserve=BYTES" (see kj_resume_reserve_default), and for
 * an image in a file "kjump.map=BYTES" (lib/file_map.h).
 *
 * The text is split into words as the kernel splits it
 * (lib/kernel_command_line.h: white space, double quotes, so
 * kjump.to="/a path/with spaces" works) and keys match whole: kjump.b=10,
 * xkjump.b=1 or kjump.tox= are other parameters. When a key comes more
 * than once the last one counts, as for kernel parameters (kjump's own
 * words come after whatever the user appended). A value of one of kjump's
 * keys that is malformed is refused, never cut or guessed: a target path
 * that does not fit, a tag that is not 32 hex digits, a number with
 * trailing text or out of range, an unknown kind.
 */
#ifndef KJUMP_B_COMMAND_LINE_H
#define KJUMP_B_COMMAND_LINE_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* B's job, run by kjump as B's /init (src/b_init.c). */
struct kj_b_job {
	char to[256];		/* the target to save A's memory to */
	uint8_t tag[16];	/* the tag `kjump snapshot` wrote there */
	uint32_t kind;		/* enum kj_img_kind */
	unsigned threads;	/* 0: B picks */
	int level;		/* zstd level; 0: the writer's default */
	uint64_t resume_reserve; /* bytes kept for the resume kernel's own
				  * memory; 0: not given, B uses the default */
	bool seal;		/* kjump.seal=1: seal the image with the key A
				 * put in B's initramfs (KJ_B_SEAL_KEY_PATH) */
	bool prepare;		/* a job block's only: boot (if B has not yet),
				 * save nothing, go back: `kjump prepare` */
	uint64_t map_physical;	/* kjump.map=BYTES: where on its device the map
				 * of an image file is (lib/file_map.h), whose
				 * job B also looks for; in a job, the map of
				 * the target ("to" is then its device); 0:
				 * none */
};

/* Where A puts the seal key (lib/seal.h, kj_seal_params_encode) in B's
 * initramfs (its rootfs: B mounts a tmpfs over /run): memory of B's
 * region only, read once and wiped by B. */
#define KJ_B_SEAL_KEY_PATH "/kjump-seal-key"

/* B's job; fails unless kjump.to= and kjump.tag= are there. */
int kj_b_job_parse(const char *cmdline, struct kj_b_job *j, struct kj_err *e);

/* A's re-entry address; fails unless this kernel was started by kjump
 * (kjump.b=1 and a filled-in kexec_jump_back_entry=). */
int kj_b_reentry_parse(const char *cmdline, uint64_t *entry, struct kj_err *e);

#endif
