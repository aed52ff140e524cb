// SPDX-License-Identifier: GPL-2.0-or-later
#include "elfcore.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

size_t kj_elfcore_headers_size(size_t nseg)
{
	return sizeof(Elf64_Ehdr) + nseg * sizeof(Elf64_Phdr);
}

int kj_elfcore_write(uint8_t *buf, size_t bufsz, const struct kj_core_seg *seg,
		     size_t nseg, struct kj_err *e)
{
	Elf64_Ehdr eh = { 0 };

	if (nseg == 0 || nseg > KJ_CORE_MAX_SEGS)
		return kj_fail(e, EINVAL, "a core needs 1 to %d segments, not %zu",
			       KJ_CORE_MAX_SEGS, nseg);
	if (bufsz < kj_elfcore_headers_size(nseg))
		return kj_fail(e, ENOSPC, "core header buffer too small");
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(Elf64_Ehdr);
	eh.e_ehsize = sizeof(Elf64_Ehdr);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (Elf64_Half)nseg;
	memcpy(buf, &eh, sizeof(eh));
	for (size_t i = 0; i < nseg; i++) {
		Elf64_Phdr ph = { 0 };

		ph.p_type = seg[i].type;
		ph.p_offset = seg[i].offset;
		ph.p_vaddr = seg[i].vaddr;
		ph.p_paddr = seg[i].paddr;
		ph.p_filesz = seg[i].filesz;
		ph.p_memsz = seg[i].memsz;
		ph.p_flags = seg[i].type == KJ_SEG_LOAD ? PF_R | PF_W | PF_X : 0;
		ph.p_align = seg[i].type == KJ_SEG_LOAD ? 4096 : 0;
		memcpy(buf + sizeof(eh) + i * sizeof(ph), &ph, sizeof(ph));
	}
	return 0;
}

int kj_elfcore_parse(const void *buf, size_t len, uint64_t file_size,
		     struct kj_core *c, struct kj_err *e)
{
	const uint8_t *b = buf;
	Elf64_Ehdr eh;

	memset(c, 0, sizeof(*c));
	if (len < sizeof(eh))
		return kj_fail(e, EINVAL, "not an ELF core: too short");
	memcpy(&eh, b, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return kj_fail(e, EINVAL, "not a 64-bit little-endian ELF file");
	if (eh.e_type != ET_CORE)
		return kj_fail(e, EINVAL, "an ELF file, but not a core (ET_CORE)");
	if (eh.e_machine != EM_X86_64)
		return kj_fail(e, EINVAL, "an ELF core of another machine");
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
	    eh.e_phnum >= PN_XNUM || eh.e_phnum > KJ_CORE_MAX_SEGS)
		return kj_fail(e, EINVAL, "ELF core has a bad program header table "
			       "(%u entries of %u bytes)", eh.e_phnum, eh.e_phentsize);
	if (eh.e_phoff > len || (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > len - eh.e_phoff)
		return kj_fail(e, EINVAL, "ELF core program headers are cut off "
			       "(need %llu bytes)", (unsigned long long)(eh.e_phoff +
			       (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr)));
	c->seg = calloc(eh.e_phnum, sizeof(*c->seg));
	if (!c->seg)
		return kj_fail(e, ENOMEM, "out of memory");
	for (size_t i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, b + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD && ph.p_type != PT_NOTE)
			continue;
		if (ph.p_offset + ph.p_filesz < ph.p_offset ||
		    ph.p_paddr + ph.p_memsz < ph.p_paddr || ph.p_filesz > ph.p_memsz ||
		    (file_size && ph.p_offset + ph.p_filesz > file_size)) {
			kj_core_free(c);
			return kj_fail(e, EINVAL, "ELF core segment %zu (offset 0x%llx, "
				       "%llu bytes) lies outside the file or wraps",
				       i, (unsigned long long)ph.p_offset,
				       (unsigned long long)ph.p_filesz);
		}
		c->seg[c->nseg++] = (struct kj_core_seg){
			ph.p_type, ph.p_offset, ph.p_vaddr, ph.p_paddr,
			ph.p_filesz, ph.p_memsz };
	}
	return 0;
}

void kj_core_free(struct kj_core *c)
{
	free(c->seg);
	memset(c, 0, sizeof(*c));
}

int kj_core_locate(const struct kj_core *c, uint64_t pa, uint64_t *offset,
		   uint64_t *avail)
{
	for (size_t i = 0; i < c->nseg; i++) {
		const struct kj_core_seg *s = &c->seg[i];

		if (s->type != KJ_SEG_LOAD || pa < s->paddr || pa - s->paddr >= s->filesz)
			continue;
		*offset = s->offset + (pa - s->paddr);
		*avail = s->filesz - (pa - s->paddr);
		return 0;
	}
	return -1;
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

size_t kj_note_build(uint8_t *buf, const char *name, uint32_t type,
		     const void *desc, size_t descsz)
{
	size_t namesz = strlen(name) + 1;
	size_t total = sizeof(Elf64_Nhdr) + pad4(namesz) + pad4(descsz);

	if (buf) {
		Elf64_Nhdr nh = { (Elf64_Word)namesz, (Elf64_Word)descsz, type };

		memset(buf, 0, total);
		memcpy(buf, &nh, sizeof(nh));
		memcpy(buf + sizeof(nh), name, namesz);
		memcpy(buf + sizeof(nh) + pad4(namesz), desc, descsz);
	}
	return total;
}

int kj_note_find(const uint8_t *notes, size_t len, const char *name,
		 const uint8_t **desc, size_t *descsz)
{
	size_t at = 0, want = strlen(name) + 1;

	while (len - at >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr nh;

		memcpy(&nh, notes + at, sizeof(nh));
		if (nh.n_namesz == 0 && nh.n_descsz == 0)
			break;
		size_t nlen = pad4(nh.n_namesz), dlen = pad4(nh.n_descsz);
		if (nlen > len - at - sizeof(nh) || dlen > len - at - sizeof(nh) - nlen)
			break;
		const uint8_t *n = notes + at + sizeof(nh);
		if (nh.n_namesz == want && !memcmp(n, name, want)) {
			*desc = n + nlen;
			*descsz = nh.n_descsz;
			return 0;
		}
		at += sizeof(nh) + nlen + dlen;
	}
	return -1;
}
