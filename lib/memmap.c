// SPDX-License-Identifier: GPL-2.0-or-later
#include "memmap.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void kj_memmap_free(struct kj_memmap *m)
{
	kj_ranges_free(&m->ram);
	kj_ranges_free(&m->firmware);
	kj_ranges_free(&m->kernel);
}

static int classify(const char *name, int depth)
{
	if (depth == 0 && !strcmp(name, "System RAM"))
		return KJ_MEM_RAM;
	if (!strcasecmp(name, "Reserved"))
		return KJ_MEM_RESERVED;
	if (!strcmp(name, "ACPI Tables"))
		return KJ_MEM_ACPI;
	if (!strcmp(name, "ACPI Non-volatile Storage"))
		return KJ_MEM_NVS;
	if (!strcmp(name, "Unusable memory"))
		return KJ_MEM_UNUSABLE;
	if (!strncmp(name, "Persistent Memory", 17))
		return KJ_MEM_PMEM;
	if (!strncmp(name, "Kernel ", 7))
		return KJ_MEM_KERNEL;
	if (!strcmp(name, "Crash kernel"))
		return KJ_MEM_CRASHKERNEL;
	return 0;
}

int kj_memmap_parse_iomem(const char *text, struct kj_memmap *m, struct kj_err *e)
{
	const char *line = text;
	int nonzero = 0, lines = 0;

	memset(m, 0, sizeof(*m));
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char buf[256], name[200];
		unsigned long long s, t;
		int depth = 0, type;

		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = 0;
		line = nl ? nl + 1 : NULL;
		while (buf[depth] == ' ')
			depth++;
		if (sscanf(buf + depth, "%llx-%llx : %199[^\n]", &s, &t, name) != 3)
			continue;
		lines++;
		if (s || t)
			nonzero = 1;
		if (t < s || t == UINT64_MAX)
			continue;
		type = classify(name, depth / 2);
		if (!type)
			continue;
		struct kj_ranges *dst = type == KJ_MEM_RAM ? &m->ram :
			type >= KJ_MEM_KERNEL ? &m->kernel : &m->firmware;
		if (kj_ranges_add(dst, s, t + 1, type, e))
			goto fail;
	}
	if (!lines) {
		kj_fail(e, EINVAL, "/proc/iomem holds no memory ranges");
		goto fail;
	}
	if (!nonzero) {
		kj_fail(e, EPERM, "/proc/iomem shows every address as zero: the kernel "
			"hides physical addresses from this user; run as root");
		goto fail;
	}
	if (!m->ram.n) {
		kj_fail(e, EINVAL, "/proc/iomem lists no System RAM");
		goto fail;
	}
	kj_ranges_normalize(&m->ram);
	kj_ranges_normalize(&m->firmware);
	kj_ranges_normalize(&m->kernel);
	return 0;
fail:
	kj_memmap_free(m);
	return -1;
}

int kj_read_text(const char *path, char **out, size_t *lenp, struct kj_err *e)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (!buf) {
		if (fd >= 0)
			close(fd);
		return kj_fail(e, ENOMEM, "out of memory reading %s", path);
	}
	if (fd < 0) {
		free(buf);
		return kj_fail_errno(e, "cannot open %s", path);
	}
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				close(fd);
				return kj_fail(e, ENOMEM, "out of memory reading %s", path);
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			close(fd);
			return kj_fail_errno(e, "cannot read %s", path);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = 0;
	*out = buf;
	if (lenp)
		*lenp = len;
	return 0;
}

int kj_memmap_read(struct kj_memmap *m, struct kj_err *e)
{
	const char *path = getenv("KJUMP_IOMEM") ? getenv("KJUMP_IOMEM") : "/proc/iomem";
	char *text;
	int ret;

	if (kj_read_text(path, &text, NULL, e))
		return -1;
	ret = kj_memmap_parse_iomem(text, m, e);
	free(text);
	if (ret)
		return kj_prefix(e, "%s", path);
	return 0;
}

/* The value of "KEY:" in a /proc/meminfo text, in bytes; 0 if absent. */
uint64_t kj_meminfo_bytes(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	unsigned long long kb;

	if (!p || sscanf(p + strlen(key), " %llu kB", &kb) != 1)
		return 0;
	return (uint64_t)kb * 1024;
}

uint64_t kj_meminfo_total(const char *text)
{
	return kj_meminfo_bytes(text, "MemTotal:");
}

uint64_t kj_meminfo_available(const char *text)
{
	return kj_meminfo_bytes(text, "MemAvailable:");
}

int kj_meminfo_read_total(uint64_t *bytes, struct kj_err *e)
{
	char *text;

	if (kj_read_text("/proc/meminfo", &text, NULL, e))
		return -1;
	*bytes = kj_meminfo_total(text);
	free(text);
	if (!*bytes)
		return kj_fail(e, EINVAL, "/proc/meminfo has no MemTotal line");
	return 0;
}

uint64_t kj_meminfo_read_available(void)
{
	char *text;
	struct kj_err e;
	uint64_t bytes;

	if (kj_read_text("/proc/meminfo", &text, NULL, &e))
		return 0;
	bytes = kj_meminfo_available(text);
	free(text);
	return bytes;
}
