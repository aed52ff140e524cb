/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One line of /proc/self/mountinfo or /proc/swaps, split in place. Pure.
 *
 * mountinfo (Documentation/filesystems/proc.rst): "ID PARENT MAJ:MIN ROOT
 * MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER_OPTIONS". Paths
 * have blanks, tabs, newlines and backslashes escaped as \ooo; the parsed
 * fields are unescaped. A filesystem is writable when its superblock
 * options (not the mount's: a read-only bind of a writable filesystem
 * still lets it be written) begin with "rw".
 */
#ifndef KJUMP_MOUNTINFO_H
#define KJUMP_MOUNTINFO_H

#include <stdbool.h>

struct kj_mount {
	unsigned major, minor;	/* st_dev of the filesystem (0:N: anonymous) */
	const char *mountpoint;
	const char *fstype;
	const char *source;	/* "/dev/vdc", "tmpfs", "none" */
	bool writable;		/* superblock options say rw */
};

/* Split `line` (modified in place; fields point into it). -1 when it is
 * not a mountinfo line. */
int kj_mountinfo_parse(char *line, struct kj_mount *m);

/* A line of /proc/swaps after the heading: "FILENAME TYPE SIZE USED PRIO".
 * *file unescaped, *partition true for TYPE "partition". -1 when not. */
int kj_swaps_parse(char *line, const char **file, bool *partition);

/* \ooo escapes of /proc files, in place. */
void kj_proc_unescape(char *s);

#endif
