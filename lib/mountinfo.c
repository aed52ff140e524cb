// SPDX-License-Identifier: GPL-2.0-or-later
#include "mountinfo.h"

#include <stdio.h>
#include <string.h>

#define MAX_FIELDS 64

void kj_proc_unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = 0;
}

static int split(char *line, char **w, int max)
{
	char *save = NULL;
	int n = 0;

	for (char *t = strtok_r(line, " \t\n", &save); t && n < max;
	     t = strtok_r(NULL, " \t\n", &save))
		w[n++] = t;
	return n;
}

int kj_mountinfo_parse(char *line, struct kj_mount *m)
{
	char *w[MAX_FIELDS], end;
	int n = split(line, w, MAX_FIELDS), dash = -1;

	memset(m, 0, sizeof(*m));
	/* the separator comes after the six fixed fields and the optional ones */
	for (int i = 6; i < n; i++)
		if (!strcmp(w[i], "-")) {
			dash = i;
			break;
		}
	if (dash < 0 || n < dash + 4 ||
	    sscanf(w[2], "%u:%u%c", &m->major, &m->minor, &end) != 2)
		return -1;
	kj_proc_unescape(w[4]);
	kj_proc_unescape(w[dash + 2]);
	m->mountpoint = w[4];
	m->fstype = w[dash + 1];
	m->source = w[dash + 2];
	m->writable = !strncmp(w[dash + 3], "rw", 2) &&
		      (w[dash + 3][2] == 0 || w[dash + 3][2] == ',');
	return 0;
}

int kj_swaps_parse(char *line, const char **file, bool *partition)
{
	char *w[5];
	int n = split(line, w, 5);

	if (n < 2)
		return -1;
	kj_proc_unescape(w[0]);
	*file = w[0];
	*partition = !strcmp(w[1], "partition");
	return 0;
}
