// SPDX-License-Identifier: GPL-2.0-or-later
#include "a_dump_facts.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static int read_hex_pair(const char *path, uint64_t *a, uint64_t *b)
{
	FILE *f = fopen(path, "re");
	unsigned long long x, y = 0;
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "%llx %llx", &x, &y);
	fclose(f);
	if (n < 1)
		return -1;
	*a = x;
	if (b)
		*b = y;
	return 0;
}

/* The direct map's base, from /proc/kcore's program headers: for RAM,
 * p_vaddr = page_offset + p_paddr. */
static void read_page_offset(struct kj_a_dump_facts *f)
{
	Elf64_Ehdr eh;
	int fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (pread(fd, &eh, sizeof(eh), 0) == sizeof(eh) &&
	    !memcmp(eh.e_ident, ELFMAG, SELFMAG) && eh.e_phentsize == sizeof(Elf64_Phdr) &&
	    eh.e_phnum < 4096) {
		for (unsigned i = 0; i < eh.e_phnum; i++) {
			Elf64_Phdr ph;

			if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) !=
			    sizeof(ph))
				break;
			/* direct map: below the kernel image map, above user space */
			if (ph.p_type == PT_LOAD && ph.p_paddr != (Elf64_Addr)-1 &&
			    ph.p_vaddr >= 0xff00000000000000ULL &&
			    ph.p_vaddr < 0xffffffff80000000ULL && ph.p_vaddr > ph.p_paddr) {
				f->page_offset = ph.p_vaddr - ph.p_paddr;
				f->page_offset_known = true;
				break;
			}
		}
	}
	close(fd);
}

/* The kernel image mapping: "Kernel code" in /proc/iomem starts at _text,
 * whose virtual address /proc/kallsyms gives (to root). */
static void read_ktext(struct kj_a_dump_facts *f, const struct kj_memmap *mm)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	FILE *k;
	char line[256];

	for (size_t i = 0; i < mm->kernel.n; i++)
		if (mm->kernel.r[i].type == KJ_MEM_KERNEL) {
			if (mm->kernel.r[i].start < lo)
				lo = mm->kernel.r[i].start;
			if (mm->kernel.r[i].end > hi)
				hi = mm->kernel.r[i].end;
		}
	if (hi <= lo)
		return;
	k = fopen("/proc/kallsyms", "re");
	if (!k)
		return;
	while (fgets(line, sizeof(line), k)) {
		unsigned long long va;
		char type, name[128];

		if (sscanf(line, "%llx %c %127s", &va, &type, name) == 3 &&
		    !strcmp(name, "_text")) {
			if (va) {
				f->ktext_pa = lo;
				f->ktext_size = hi - lo;
				f->ktext_va = va;
				f->ktext_known = true;
			}
			break;
		}
	}
	fclose(k);
}

static void read_rsdp(struct kj_a_dump_facts *f)
{
	FILE *s = fopen("/sys/firmware/efi/systab", "re");
	char line[128];
	unsigned long long v;

	if (!s)
		return;	/* BIOS boot: B finds the RSDP in the BIOS area itself */
	while (fgets(line, sizeof(line), s)) {
		if (sscanf(line, "ACPI20=%llx", &v) == 1 ||
		    (!f->acpi_rsdp && sscanf(line, "ACPI=%llx", &v) == 1))
			f->acpi_rsdp = v;
	}
	fclose(s);
}

int kj_a_dump_facts_read(struct kj_a_dump_facts *f, const struct kj_memmap *mm, struct kj_err *e)
{
	char path[96];

	memset(f, 0, sizeof(*f));
	if (read_hex_pair("/sys/kernel/vmcoreinfo", &f->vmcoreinfo_addr,
			  &f->vmcoreinfo_size) || !f->vmcoreinfo_addr)
		return kj_fail(e, ENOENT, "/sys/kernel/vmcoreinfo is missing: the running "
			       "kernel lacks CONFIG_CRASH_DUMP (VMCOREINFO), so B could "
			       "not make sense of its memory");
	for (size_t cpu = 0; cpu < KJ_MAX_CPUS; cpu++) {
		uint64_t a;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%zu/crash_notes", cpu);
		if (read_hex_pair(path, &a, NULL))
			break;
		f->crash_notes[f->ncrash++] = a;
	}
	/* crash_notes_size is decimal, unlike the addresses */
	FILE *s = fopen("/sys/devices/system/cpu/cpu0/crash_notes_size", "re");
	if (s) {
		unsigned long long v;

		if (fscanf(s, "%llu", &v) == 1)
			f->crash_notes_size = v;
		fclose(s);
	}
	read_page_offset(f);
	read_ktext(f, mm);
	read_rsdp(f);
	return 0;
}
