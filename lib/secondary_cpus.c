// SPDX-License-Identifier: GPL-2.0-or-later
#include "secondary_cpus.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memmap.h"

#define CPU_NUMBER_LIMIT 65536u

/* One decimal CPU number at *p, moved past it. */
static int cpu_number(const char **p, unsigned *out)
{
	unsigned long v = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v >= CPU_NUMBER_LIMIT)
			return -1;
		s++;
	}
	*p = s;
	*out = (unsigned)v;
	return 0;
}

int kj_cpu_list_parse(const char *text, unsigned **cpu, unsigned *count,
		      struct kj_err *e)
{
	unsigned char *seen = calloc(CPU_NUMBER_LIMIT, 1);
	const char *p = text;
	unsigned n = 0;

	*cpu = NULL;
	*count = 0;
	if (!seen)
		return kj_fail(e, ENOMEM, "out of memory");
	while (*p && *p != '\n') {
		unsigned first, last;

		if (cpu_number(&p, &first))
			goto bad;
		last = first;
		if (*p == '-') {
			p++;
			if (cpu_number(&p, &last) || last < first)
				goto bad;
		}
		for (unsigned c = first; c <= last; c++) {
			n += !seen[c];
			seen[c] = 1;
		}
		if (*p == ',') {
			p++;
			if (*p == 0 || *p == '\n')
				goto bad;
		} else if (*p && *p != '\n') {
			goto bad;
		}
	}
	if (*p == '\n' && p[1])
		goto bad;
	if (n) {
		unsigned k = 0;

		*cpu = malloc(n * sizeof(**cpu));
		if (!*cpu) {
			free(seen);
			return kj_fail(e, ENOMEM, "out of memory");
		}
		for (unsigned c = 0; c < CPU_NUMBER_LIMIT && k < n; c++)
			if (seen[c])
				(*cpu)[k++] = c;
	}
	*count = n;
	free(seen);
	return 0;
bad:
	free(seen);
	return kj_fail(e, EINVAL, "'%.*s' is not a list of CPUs such as 0-3,8",
		       (int)strcspn(text, "\n"), text);
}

/* Write "0" or "1" to DIR/cpuN/online: 0, 1 when the CPU has no such file,
 * or -1 with errno. */
static int set_online(const char *dir, unsigned cpu, char value)
{
	char path[4096];
	int fd, saved;

	if ((size_t)snprintf(path, sizeof(path), "%s/cpu%u/online", dir, cpu) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 1 : -1;
	if (write(fd, &value, 1) == 1) {
		close(fd);
		return 0;
	}
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int kj_secondary_cpus_offline(const char *dir, struct kj_offlined_cpus *o,
			      struct kj_err *e)
{
	char path[4096], *text;
	unsigned *online, n;
	int r;

	o->count = 0;
	o->cpu = NULL;
	snprintf(path, sizeof(path), "%s/online", dir);
	if (kj_read_text(path, &text, NULL, e))
		return -1;
	r = kj_cpu_list_parse(text, &online, &n, e);
	free(text);
	if (r)
		return kj_prefix(e, "%s", path);
	if (n < 2) {
		free(online);
		return 0;
	}
	o->cpu = malloc((n - 1) * sizeof(*o->cpu));
	if (!o->cpu) {
		free(online);
		return kj_fail(e, ENOMEM, "out of memory");
	}
	/* online[0], the lowest, stays: the kernel keeps it for the jump */
	for (unsigned i = 1; i < n; i++) {
		r = set_online(dir, online[i], '0');
		if (r == 1)
			continue;
		if (r < 0) {
			kj_fail_errno(e, "CPU %u did not go offline", online[i]);
			break;
		}
		o->cpu[o->count++] = online[i];
	}
	free(online);
	if (!o->count) {
		free(o->cpu);
		o->cpu = NULL;
	}
	return r < 0 ? -1 : 0;
}

int kj_secondary_cpus_online(const char *dir, struct kj_offlined_cpus *o,
			     struct kj_err *e)
{
	char list[512] = "";
	size_t used = 0;
	unsigned failed = 0;
	int first_errno = 0;

	for (unsigned i = 0; i < o->count; i++) {
		if (set_online(dir, o->cpu[i], '1') == 0)
			continue;
		if (!failed++)
			first_errno = errno;
		if (used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%u",
						 used ? " " : "", o->cpu[i]);
	}
	free(o->cpu);
	o->cpu = NULL;
	o->count = 0;
	if (!failed)
		return 0;
	if (used >= sizeof(list))
		snprintf(list + sizeof(list) - 5, 5, " ...");
	return kj_fail(e, first_errno, "%u CPU%s stayed offline (%s: %s); bring %s back "
		       "with: for c in %s; do echo 1 > %s/cpu$c/online; done", failed,
		       failed == 1 ? "" : "s", list, strerror(first_errno),
		       failed == 1 ? "it" : "them", list, dir);
}
