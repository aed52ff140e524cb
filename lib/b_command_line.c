// SPDX-License-Identifier: GPL-2.0-or-later
#include "b_command_line.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_format.h"

static int hexbytes(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

int kj_b_job_parse(const char *cmdline, struct kj_b_job *j, struct kj_err *e)
{
	char buf[4096], *save = NULL;
	bool have_tag = false;

	memset(j, 0, sizeof(*j));
	j->kind = KJ_IMG_SNAPSHOT;
	snprintf(buf, sizeof(buf), "%s", cmdline);
	for (char *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
		if (!strncmp(t, "kjump.to=", 9))
			snprintf(j->to, sizeof(j->to), "%s", t + 9);
		else if (!strncmp(t, "kjump.tag=", 10))
			have_tag = strlen(t + 10) == 32 && !hexbytes(t + 10, j->tag, 16);
		else if (!strcmp(t, "kjump.kind=hibernation"))
			j->kind = KJ_IMG_HIBERNATION;
		else if (!strncmp(t, "kjump.threads=", 14))
			j->threads = (unsigned)strtoul(t + 14, NULL, 10);
		else if (!strncmp(t, "kjump.level=", 12))
			j->level = (int)strtol(t + 12, NULL, 10);
	}
	if (!j->to[0] || !have_tag)
		return kj_fail(e, EINVAL, "B's command line lacks kjump.to= or kjump.tag=");
	return 0;
}

int kj_b_reentry_parse(const char *cmdline, uint64_t *entry, struct kj_err *e)
{
	const char *k = strstr(cmdline, "kexec_jump_back_entry=");
	unsigned long long v;

	*entry = 0;
	if (!strstr(cmdline, "kjump.b=1") || !k)
		return kj_fail(e, EPERM, "this kernel was not started by 'kjump switch' "
			       "(no kjump.b=1 and kexec_jump_back_entry= on its command "
			       "line): there is no A to go back to");
	if (sscanf(k + strlen("kexec_jump_back_entry="), "%llx", &v) != 1 || !v)
		return kj_fail(e, EINVAL, "kexec_jump_back_entry on the command line is "
			       "empty: the purgatory did not record A's re-entry point");
	*entry = v;
	return 0;
}
