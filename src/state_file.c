// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The per-kernel state file, /run/kjump/a.state or b.state: reading and
 * writing it (its text is lib/state_file_format.c's).
 */
#include "state_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/memmap.h"	/* kj_read_text */

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
	char path[256], *text = NULL;
	size_t len = 0;
	int r;

	memset(st, 0, sizeof(*st));
	st->role = role;
	path_of(role, path, sizeof(path));
	if (kj_read_text(path, &text, &len, e))
		return e->code == ENOENT ? 1 : -1;
	r = kj_state_decode(text, len, st, e);
	free(text);
	st->role = role;
	return r ? kj_prefix(e, "%s", path) : 0;
}

int kj_state_save(const struct kj_state *st, struct kj_err *e)
{
	char path[256], tmp[272], text[KJ_STATE_TEXT_MAX];
	int len = kj_state_encode(st, text, sizeof(text), e);
	FILE *f;

	if (len < 0)
		return -1;
	mkdir(dir(), 0700);
	path_of(st->role, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return kj_fail_errno(e, "cannot write %s", tmp);
	if (fwrite(text, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		return kj_fail_errno(e, "cannot write %s", tmp);
	}
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
