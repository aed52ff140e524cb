// SPDX-License-Identifier: GPL-2.0-or-later
#include "program.h"
#include "page.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ranges.h"
#include "../payload/include/kjump/payload.h"

static int bad(struct kj_err *e, const char *what)
{
	return kj_fail(e, ENOEXEC, "not a usable x86_64 ELF program: %s", what);
}

void kj_program_free(struct kj_program *p)
{
	free(p->image);
	free(p->reloc_off);
	free(p->reloc_add);
	memset(p, 0, sizeof(*p));
}

/* Offset in the flat image of link-time address `addr`, or -1. */
static int64_t image_off(const struct kj_program *p, uint64_t addr, uint64_t len)
{
	if (addr < p->link_base || addr - p->link_base > p->span ||
	    len > p->span - (addr - p->link_base))
		return -1;
	return (int64_t)(addr - p->link_base);
}

static int parse_dynamic(const uint8_t *f, size_t size, const Elf64_Phdr *dyn,
			 struct kj_program *p, struct kj_err *e)
{
	uint64_t rela = 0, relasz = 0, relaent = sizeof(Elf64_Rela);

	if (dyn->p_offset > size || dyn->p_filesz > size - dyn->p_offset ||
	    dyn->p_filesz % sizeof(Elf64_Dyn))
		return bad(e, "PT_DYNAMIC lies outside the file");
	size_t n = dyn->p_filesz / sizeof(Elf64_Dyn);

	for (size_t i = 0; i < n; i++) {
		Elf64_Dyn d;	/* copied: p_offset need not be aligned */

		memcpy(&d, f + dyn->p_offset + i * sizeof(d), sizeof(d));
		if (d.d_tag == DT_NULL)
			break;
		switch (d.d_tag) {
		case DT_RELA: rela = d.d_un.d_ptr; break;
		case DT_RELASZ: relasz = d.d_un.d_val; break;
		case DT_RELAENT: relaent = d.d_un.d_val; break;
		case DT_REL: case DT_JMPREL: case DT_NEEDED: case 36 /* DT_RELR */:
			return kj_fail(e, ENOEXEC, "program needs dynamic linking "
				       "(dynamic tag %lld); link it with -pie, "
				       "--no-dynamic-linker and no shared libraries",
				       (long long)d.d_tag);
		default: break;
		}
	}
	if (!relasz)
		return 0;
	if (relaent != sizeof(Elf64_Rela) || relasz % sizeof(Elf64_Rela))
		return bad(e, "malformed relocation table");
	int64_t off = image_off(p, rela, relasz);
	if (off < 0)
		return bad(e, "relocation table outside the loaded image");
	size_t nr = relasz / sizeof(Elf64_Rela);
	p->reloc_off = calloc(nr ? nr : 1, sizeof(uint64_t));
	p->reloc_add = calloc(nr ? nr : 1, sizeof(uint64_t));
	if (!p->reloc_off || !p->reloc_add)
		return kj_fail(e, ENOMEM, "out of memory");
	for (size_t i = 0; i < nr; i++) {
		Elf64_Rela r;

		memcpy(&r, p->image + off + i * sizeof(r), sizeof(r));
		if (ELF64_R_TYPE(r.r_info) == R_X86_64_NONE)
			continue;
		if (ELF64_R_TYPE(r.r_info) != R_X86_64_RELATIVE)
			return kj_fail(e, ENOEXEC, "relocation type %u is not supported "
				       "(only R_X86_64_RELATIVE): build the program "
				       "position-independent with hidden visibility",
				       (unsigned)ELF64_R_TYPE(r.r_info));
		int64_t at = image_off(p, r.r_offset, 8);
		if (at < 0)
			return bad(e, "relocation outside the loaded image");
		p->reloc_off[p->nrelocs] = (uint64_t)at;
		p->reloc_add[p->nrelocs] = (uint64_t)r.r_addend;
		p->nrelocs++;
	}
	return 0;
}

static int find_params(struct kj_program *p, uint64_t file_end, struct kj_err *e)
{
	for (uint64_t off = 0; off + sizeof(struct kjump_params) <= file_end; off += 8) {
		uint64_t magic;

		memcpy(&magic, p->image + off, 8);
		if (magic != KJUMP_PARAMS_MAGIC)
			continue;
		if (p->has_params)
			return bad(e, "two kjump parameter blocks");
		struct kjump_params kp;
		memcpy(&kp, p->image + off, sizeof(kp));
		if (kp.version != KJUMP_ABI_VERSION || kp.size != sizeof(kp))
			return kj_fail(e, ENOEXEC, "program's parameter block is version "
				       "%u, size %u; this kjump speaks version %u, size %zu: "
				       "rebuild the program against this kjump's "
				       "payload/include/kjump/payload.h",
				       kp.version, kp.size, KJUMP_ABI_VERSION, sizeof(kp));
		p->has_params = true;
		p->params_off = off;
	}
	return 0;
}

int kj_program_parse(const void *file, size_t size, uint64_t max_span,
		     struct kj_program *p, struct kj_err *e)
{
	const uint8_t *f = file;
	Elf64_Ehdr eh;
	uint64_t lo = UINT64_MAX, hi = 0, file_hi = 0;
	const Elf64_Phdr *dyn = NULL;
	int nload = 0;

	memset(p, 0, sizeof(*p));
	if (size < sizeof(eh))
		return bad(e, "file shorter than an ELF header");
	memcpy(&eh, f, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG))
		return bad(e, "no ELF magic");
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return bad(e, "not a 64-bit little-endian ELF file");
	if (eh.e_machine != EM_X86_64)
		return bad(e, "built for another machine (e_machine is not x86_64)");
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		return bad(e, "not an executable (ET_EXEC or ET_DYN)");
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > 64)
		return bad(e, "bad program header table size");
	if (eh.e_phoff > size || (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > size - eh.e_phoff)
		return bad(e, "program headers lie outside the file");

	Elf64_Phdr ph[64];
	memcpy(ph, f + eh.e_phoff, eh.e_phnum * sizeof(Elf64_Phdr));
	p->relocatable = eh.e_type == ET_DYN;

	for (int i = 0; i < eh.e_phnum; i++) {
		const Elf64_Phdr *h = &ph[i];
		uint64_t addr = p->relocatable ? h->p_vaddr : h->p_paddr;

		if (h->p_type == PT_INTERP)
			return bad(e, "it asks for a program interpreter (PT_INTERP)");
		if (h->p_type == PT_DYNAMIC)
			dyn = h;
		if (h->p_type != PT_LOAD || h->p_memsz == 0)
			continue;
		if (h->p_filesz > h->p_memsz)
			return bad(e, "a segment's file size exceeds its memory size");
		if (h->p_offset > size || h->p_filesz > size - h->p_offset)
			return bad(e, "a segment lies outside the file (truncated?)");
		if (addr + h->p_memsz < addr)
			return bad(e, "a segment wraps around the address space");
		for (int j = 0; j < i; j++) {
			const Elf64_Phdr *o = &ph[j];
			uint64_t oa = p->relocatable ? o->p_vaddr : o->p_paddr;

			if (o->p_type != PT_LOAD || o->p_memsz == 0)
				continue;
			if (kj_align_down(addr, KJ_PAGE_SIZE) < kj_align_up(oa + o->p_memsz, KJ_PAGE_SIZE) &&
			    kj_align_down(oa, KJ_PAGE_SIZE) < kj_align_up(addr + h->p_memsz, KJ_PAGE_SIZE))
				return kj_fail(e, ENOEXEC, "program segments %d and %d "
					       "overlap (in memory, at page granularity)",
					       j, i);
		}
		if (addr < lo)
			lo = addr;
		if (addr + h->p_memsz > hi)
			hi = addr + h->p_memsz;
		nload++;
	}
	if (!nload)
		return bad(e, "no loadable segment");
	lo = kj_align_down(lo, KJ_PAGE_SIZE);
	hi = kj_align_up(hi, KJ_PAGE_SIZE);
	if (hi - lo > max_span)
		return kj_fail(e, EFBIG, "program needs %llu KiB of memory; the limit "
			       "is %llu KiB", (unsigned long long)(hi - lo) / 1024,
			       (unsigned long long)max_span / 1024);
	if (eh.e_entry < lo || eh.e_entry >= hi)
		return bad(e, "entry point outside the loaded segments");

	p->link_base = lo;
	p->span = hi - lo;
	p->entry_off = eh.e_entry - lo;
	p->image = calloc(1, p->span);
	if (!p->image)
		return kj_fail(e, ENOMEM, "out of memory for a %llu-byte program",
			       (unsigned long long)p->span);
	for (int i = 0; i < eh.e_phnum; i++) {
		const Elf64_Phdr *h = &ph[i];
		uint64_t addr = p->relocatable ? h->p_vaddr : h->p_paddr;

		if (h->p_type != PT_LOAD || h->p_memsz == 0)
			continue;
		memcpy(p->image + (addr - lo), f + h->p_offset, h->p_filesz);
		if (addr - lo + h->p_filesz > file_hi)
			file_hi = addr - lo + h->p_filesz;
	}
	if (p->relocatable && dyn && parse_dynamic(f, size, dyn, p, e))
		goto fail;
	if (find_params(p, file_hi, e))
		goto fail;
	return 0;
fail:
	kj_program_free(p);
	return -1;
}

int kj_program_place(struct kj_program *p, uint64_t base, struct kj_err *e)
{
	if (base & (KJ_PAGE_SIZE - 1))
		return kj_fail(e, EINVAL, "load address 0x%llx is not page aligned",
			       (unsigned long long)base);
	if (!p->relocatable && base != p->link_base)
		return kj_fail(e, EINVAL, "program is linked to run at 0x%llx and "
			       "cannot move to 0x%llx (link it as -pie to let kjump "
			       "place it)", (unsigned long long)p->link_base,
			       (unsigned long long)base);
	if (p->placed)
		return kj_fail(e, EINVAL, "program already placed");
	for (size_t i = 0; i < p->nrelocs; i++) {
		uint64_t v = base + (p->reloc_add[i] - p->link_base);

		memcpy(p->image + p->reloc_off[i], &v, 8);
	}
	p->placed = true;
	p->placed_at = base;
	return 0;
}

int kj_program_find_block(const struct kj_program *p, uint64_t magic, size_t size,
			  const char *what, uint64_t *off, struct kj_err *e)
{
	for (uint64_t o = 0; o + size <= p->span; o += 8) {
		uint64_t m;

		memcpy(&m, p->image + o, 8);
		if (m == magic) {
			*off = o;
			return 0;
		}
	}
	return kj_fail(e, EINVAL, "internal: %s has no parameter block", what);
}
