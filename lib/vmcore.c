// SPDX-License-Identifier: GPL-2.0-or-later
#include "vmcore.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

int kj_vmcore_open(struct kj_vmcore *v, const char *path, struct kj_err *e)
{
	Elf64_Ehdr eh;
	struct stat st;
	uint8_t *hdr = NULL;
	size_t hlen;

	memset(v, 0, sizeof(*v));
	v->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (v->fd < 0) {
		if (errno == ENOENT && !strcmp(path, "/proc/vmcore"))
			return kj_fail(e, ENOENT, "/proc/vmcore does not exist: this kernel "
				       "was not started by kjump (or lacks "
				       "CONFIG_PROC_VMCORE)");
		return kj_fail_errno(e, "cannot open %s", path);
	}
	if (fstat(v->fd, &st) || pread_full(v->fd, &eh, sizeof(eh), 0)) {
		kj_fail_errno(e, "cannot read %s", path);
		goto fail;
	}
	v->size = (uint64_t)st.st_size;
	if (eh.e_phnum > KJ_CORE_MAX_SEGS || eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    eh.e_phoff > (1u << 20)) {
		kj_fail(e, EINVAL, "%s: not a core kjump can read", path);
		goto fail;
	}
	hlen = eh.e_phoff + (size_t)eh.e_phnum * sizeof(Elf64_Phdr);
	hdr = malloc(hlen);
	if (!hdr || pread_full(v->fd, hdr, hlen, 0)) {
		kj_fail(e, EIO, "%s: cannot read its program headers", path);
		goto fail;
	}
	if (kj_elfcore_parse(hdr, hlen, v->size ? v->size : 0, &v->core, e)) {
		kj_prefix(e, "%s", path);
		goto fail;
	}
	free(hdr);
	hdr = NULL;
	for (size_t i = 0; i < v->core.nseg; i++) {
		struct kj_core_seg *s = &v->core.seg[i];

		if (s->type != KJ_SEG_NOTE || !s->filesz)
			continue;
		if (s->filesz > (16u << 20) || v->notes_len > (16u << 20)) {
			kj_fail(e, EINVAL, "%s: implausibly large notes", path);
			goto fail;
		}
		uint8_t *n = realloc(v->notes, v->notes_len + s->filesz);
		if (!n) {
			kj_fail(e, ENOMEM, "out of memory");
			goto fail;
		}
		v->notes = n;
		if (pread_full(v->fd, v->notes + v->notes_len, s->filesz, s->offset)) {
			kj_fail_errno(e, "%s: cannot read its notes", path);
			goto fail;
		}
		v->notes_len += s->filesz;
	}
	/* Reading /proc/vmcore with pread costs a mapping of old memory per
	 * page; a mapping of the whole file costs it once. */
	if (v->size) {
		void *m = mmap(NULL, v->size, PROT_READ, MAP_SHARED, v->fd, 0);

		if (m != MAP_FAILED)
			v->map = m;
	}
	/* VMCOREINFO notes live in several segments; search each note run. */
	const uint8_t *d;
	size_t dl;
	if (v->notes && kj_note_find(v->notes, v->notes_len, "VMCOREINFO", &d, &dl) == 0) {
		v->vmcoreinfo = (const char *)d;
		v->vmcoreinfo_len = dl;
	}
	return 0;
fail:
	free(hdr);
	kj_vmcore_close(v);
	return -1;
}

void kj_vmcore_close(struct kj_vmcore *v)
{
	if (v->map)
		munmap((void *)v->map, v->size);
	if (v->fd >= 0)
		close(v->fd);
	kj_core_free(&v->core);
	free(v->notes);
	memset(v, 0, sizeof(*v));
	v->fd = -1;
}

const void *kj_vmcore_mapped(const struct kj_vmcore *v, uint64_t pa, size_t len)
{
	uint64_t off, avail;

	if (!v->map || kj_core_locate(&v->core, pa, &off, &avail) || avail < len ||
	    off > v->size || len > v->size - off)
		return NULL;
	return v->map + off;
}

int kj_vmcore_read(struct kj_vmcore *v, uint64_t pa, void *buf, size_t len,
		   struct kj_err *e)
{
	uint8_t *out = buf;

	while (len) {
		uint64_t off, avail;
		size_t n;

		if (kj_core_locate(&v->core, pa, &off, &avail))
			return kj_fail(e, ENXIO, "physical address 0x%llx is not in the "
				       "saved memory", (unsigned long long)pa);
		n = avail < len ? (size_t)avail : len;
		if (v->map && off <= v->size && n <= v->size - off)
			memcpy(out, v->map + off, n);
		else if (pread_full(v->fd, out, n, off))
			return kj_fail_errno(e, "cannot read physical 0x%llx from the core",
					     (unsigned long long)pa);
		out += n;
		pa += n;
		len -= n;
	}
	return 0;
}
