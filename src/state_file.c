// SPDX-License-Identifier: GPL-2.0-or-later
#include "state_file.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *dir(void)
{
	const char *d = getenv("KJUMP_STATE_DIR");

	return d ? d : "/run/kjump";
}

static void path_of(char role, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%c.state", dir(), role);
}

int kj_state_load(char role, struct kj_state *st, struct kj_err *e)
{
	char path[256], line[512];
	FILE *f;

	memset(st, 0, sizeof(*st));
	st->role = role;
	path_of(role, path, sizeof(path));
	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			return 1;
		return kj_fail_errno(e, "cannot read %s", path);
	}
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '='), *nl = strchr(line, '\n');
		unsigned long long v;

		if (!eq)
			continue;
		if (nl)
			*nl = 0;
		*eq++ = 0;
		v = strtoull(eq, NULL, 0);
		if (!strcmp(line, "loaded")) st->loaded = v;
		else if (!strcmp(line, "stale")) st->stale = v;
		else if (!strcmp(line, "same_kernel")) st->same_kernel = v;
		else if (!strcmp(line, "region_start")) st->region_start = v;
		else if (!strcmp(line, "region_end")) st->region_end = v;
		else if (!strcmp(line, "low_start")) st->low_start = v;
		else if (!strcmp(line, "low_end")) st->low_end = v;
		else if (!strcmp(line, "entry")) st->entry = v;
		else if (!strcmp(line, "peer_entry")) st->peer_entry = v;
		else if (!strcmp(line, "switches")) st->switches = (unsigned long)v;
		else if (!strcmp(line, "since")) st->since = (time_t)v;
		else if (!strcmp(line, "kernel")) snprintf(st->kernel, sizeof(st->kernel), "%s", eq);
		else if (!strcmp(line, "initrd")) snprintf(st->initrd, sizeof(st->initrd), "%s", eq);
		else if (!strcmp(line, "purpose")) snprintf(st->purpose, sizeof(st->purpose), "%s", eq);
		else if (!strcmp(line, "target")) snprintf(st->target, sizeof(st->target), "%s", eq);
		else if (!strcmp(line, "tag")) snprintf(st->tag, sizeof(st->tag), "%s", eq);
	}
	fclose(f);
	return 0;
}

int kj_state_save(const struct kj_state *st, struct kj_err *e)
{
	char path[256], tmp[272];
	FILE *f;

	mkdir(dir(), 0700);
	path_of(st->role, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return kj_fail_errno(e, "cannot write %s", tmp);
	fprintf(f, "loaded=%d\nstale=%d\nsame_kernel=%d\nregion_start=0x%" PRIx64 "\nregion_end=0x%" PRIx64
		"\nlow_start=0x%" PRIx64 "\nlow_end=0x%" PRIx64 "\nentry=0x%" PRIx64
		"\npeer_entry=0x%" PRIx64 "\nswitches=%lu\nsince=%lld\nkernel=%s\n"
		"initrd=%s\npurpose=%s\ntarget=%s\ntag=%s\n", st->loaded, st->stale, st->same_kernel, st->region_start, st->region_end,
		st->low_start, st->low_end, st->entry, st->peer_entry, st->switches,
		(long long)st->since, st->kernel, st->initrd, st->purpose, st->target,
		st->tag);
	if (fclose(f) || rename(tmp, path))
		return kj_fail_errno(e, "cannot write %s", path);
	return 0;
}

void kj_state_remove(char role)
{
	char path[256];

	path_of(role, path, sizeof(path));
	unlink(path);
}
