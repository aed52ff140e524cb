/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Checks made before any kexec load or jump: privileges, kexec policy,
 * lockdown, and whether the running kernel can come back from a
 * preserve-context jump at all (CONFIG_KEXEC_JUMP).
 *
 * kj_sysinfo_read() gathers the facts (I/O); kj_preflight() decides (pure),
 * so every refusal is unit-tested with synthetic facts.
 */
#ifndef KJUMP_PREFLIGHT_H
#define KJUMP_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define KJ_UNKNOWN (-1)

struct kj_sysinfo {
	int euid;
	int cap_sys_boot;		/* 1, 0, KJ_UNKNOWN */
	int kexec_load_disabled;	/* 1, 0, KJ_UNKNOWN */
	long kexec_load_limit;		/* kexec_load_limit_reboot; -1 = no limit */
	char lockdown[32];		/* "none", "integrity", ...; "" unknown */
	int kexec_jump;			/* CONFIG_KEXEC_JUMP: 1, 0, KJ_UNKNOWN */
	char config_source[160];	/* where that was read, or why unknown */
	int kexec_loaded;		/* /sys/kernel/kexec_loaded */
	char release[65];
};

enum {
	KJ_NEED_ROOT = 1 << 0,		/* may load and jump */
	KJ_NEED_JUMP = 1 << 1,		/* this kernel must come back */
	KJ_NEED_UNLOADED = 1 << 2,	/* no other kexec image may be lost */
};

/* Value of option `opt` ("CONFIG_X") in a kernel .config text:
 * 'y', 'm', 'n' (explicitly not set), or 0 when the text does not say. */
int kj_config_value(const char *text, const char *opt);
/* The bracketed word of /sys/kernel/security/lockdown ("none" ...). */
void kj_lockdown_parse(const char *text, char *out, size_t outsz);

void kj_sysinfo_read(struct kj_sysinfo *si);
int kj_preflight(const struct kj_sysinfo *si, unsigned need, bool force,
		 struct kj_err *e);

/* Read the running kernel's config text from /proc/config.gz or
 * /boot/config-$(uname -r). */
int kj_config_read(char **text, char *source, size_t sourcesz, struct kj_err *e);

#endif
