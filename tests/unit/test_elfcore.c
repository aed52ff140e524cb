// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/elfcore.c and kj_elfcorehdr_build (lib/elfcorehdr.c).
 *
 * elfcore: headers written then parsed back field for field; the bytes of
 * the ELF header; kj_core_locate across several PT_LOADs (edges, holes,
 * notes not counted); one hostile header per check of the parser
 * (truncated, class, byte order, type, machine, phentsize, phnum 0 or
 * huge, table past the end, segment past the file, filesz > memsz,
 * wrapping offsets and addresses) plus random corruptions, all in
 * exact-size heap blocks; notes built and found again (names of every
 * length mod 4, padding zeroed) and runs of notes cut at every length.
 *
 * corehdr: from synthetic facts and A/B RAM ranges, PT_NOTEs first, then
 * the kernel text PT_LOAD, then PT_LOADs that are exactly A's RAM minus
 * B's, with p_offset = paddr and vaddr = page_offset + paddr; the size
 * within kj_elfcorehdr_max_size, also for random maps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/a_dump_facts.h"
#include "../../lib/elfcorehdr.h"
#include "../../lib/elfcore.h"
#include "../../lib/page.h"

typedef unsigned long long ull;

static const struct kj_core_seg sample[] = {
	{ KJ_SEG_NOTE, 0x2d8f1000, 0, 0x2d8f1000, 0x1000, 0x1000 },
	{ KJ_SEG_NOTE, 0x7f3d2000, 0, 0x7f3d2000, 0x1a8, 0x1a8 },
	{ KJ_SEG_LOAD, 0x3000, 0xffffffff81000000ULL, 0x2a000000, 0x2800000, 0x2800000 },
	{ KJ_SEG_LOAD, 0x2803000, 0xffff888000100000ULL, 0x100000, 0x200000, 0x200000 },
	{ KJ_SEG_LOAD, 0x2a03000, 0xffff888001000000ULL, 0x1000000, 0x1000, 0x3000 },
	{ KJ_SEG_LOAD, 0x2a04000, 0xffff888100000000ULL, 0x100000000ULL, 0x80000000ULL,
	  0x80000000ULL },
};
#define NSAMPLE (sizeof(sample) / sizeof(sample[0]))

/* Headers for `sample` in a heap block of exactly their size. */
static uint8_t *write_sample(size_t *len)
{
	struct kj_err e = { 0 };
	uint8_t *buf;

	*len = kj_elfcore_headers_size(NSAMPLE);
	assert_int_equal(*len, 64 + NSAMPLE * 56);
	buf = malloc(*len);
	assert_non_null(buf);
	assert_int_equal(kj_elfcore_write(buf, *len, sample, NSAMPLE, &e), 0);
	return buf;
}

static Elf64_Ehdr *eh_of(uint8_t *buf)
{
	return (Elf64_Ehdr *)buf;
}

static Elf64_Phdr *ph_of(uint8_t *buf, size_t i)
{
	return (Elf64_Phdr *)(buf + 64 + i * 56);
}

/* --- write and parse ------------------------------------------------------ */

static void test_roundtrip(void **state)
{
	size_t len;
	uint8_t *buf = write_sample(&len);
	struct kj_core c;
	struct kj_err e = { 0 };

	for (int pass = 0; pass < 3; pass++) {
		/* no size check; the exact size the segments need; more */
		uint64_t fsize = pass == 0 ? 0 : pass == 1 ? 0x82a04000ULL : 1ULL << 40;

		assert_int_equal(kj_elfcore_parse(buf, len, fsize, &c, &e), 0);
		assert_int_equal(c.nseg, NSAMPLE);
		for (size_t i = 0; i < NSAMPLE; i++) {
			assert_int_equal(c.seg[i].type, sample[i].type);
			assert_int_equal(c.seg[i].offset, sample[i].offset);
			assert_int_equal(c.seg[i].vaddr, sample[i].vaddr);
			assert_int_equal(c.seg[i].paddr, sample[i].paddr);
			assert_int_equal(c.seg[i].filesz, sample[i].filesz);
			assert_int_equal(c.seg[i].memsz, sample[i].memsz);
		}
		kj_core_free(&c);
		assert_null(c.seg);
		assert_int_equal(c.nseg, 0);
	}
	free(buf);
}

static void test_header_bytes(void **state)
{
	size_t len;
	uint8_t *buf = write_sample(&len);
	Elf64_Ehdr *eh = eh_of(buf);

	assert_memory_equal(eh->e_ident, "\177ELF", 4);
	assert_int_equal(eh->e_ident[EI_CLASS], ELFCLASS64);
	assert_int_equal(eh->e_ident[EI_DATA], ELFDATA2LSB);
	assert_int_equal(eh->e_ident[EI_VERSION], EV_CURRENT);
	assert_int_equal(eh->e_type, ET_CORE);
	assert_int_equal(eh->e_machine, EM_X86_64);
	assert_int_equal(eh->e_version, EV_CURRENT);
	assert_int_equal(eh->e_entry, 0);
	assert_int_equal(eh->e_phoff, 64);
	assert_int_equal(eh->e_shoff, 0);
	assert_int_equal(eh->e_ehsize, 64);
	assert_int_equal(eh->e_phentsize, 56);
	assert_int_equal(eh->e_phnum, NSAMPLE);
	assert_int_equal(eh->e_shnum, 0);
	for (size_t i = 0; i < NSAMPLE; i++) {
		Elf64_Phdr *ph = ph_of(buf, i);

		assert_int_equal(ph->p_type, sample[i].type == KJ_SEG_LOAD ? PT_LOAD : PT_NOTE);
		assert_int_equal(ph->p_flags, sample[i].type == KJ_SEG_LOAD ?
				 (PF_R | PF_W | PF_X) : 0);
		assert_int_equal(ph->p_align, sample[i].type == KJ_SEG_LOAD ? 4096 : 0);
	}
	free(buf);
}

static void test_write_refusals(void **state)
{
	uint8_t buf[64 + 56 * 2];
	struct kj_core_seg *many = calloc(KJ_CORE_MAX_SEGS + 1, sizeof(*many));
	struct kj_err e = { 0 };

	assert_non_null(many);
	assert_int_equal(kj_elfcore_write(buf, sizeof(buf), sample, 0, &e), -1);
	assert_non_null(strstr(e.msg, "1 to 4096 segments, not 0"));
	assert_int_equal(kj_elfcore_write(buf, sizeof(buf), many, KJ_CORE_MAX_SEGS + 1,
					  &e), -1);
	assert_non_null(strstr(e.msg, "not 4097"));
	assert_int_equal(kj_elfcore_write(buf, sizeof(buf), sample, 3, &e), -1);
	assert_int_equal(e.code, ENOSPC);
	assert_int_equal(kj_elfcore_write(buf, sizeof(buf) - 1, sample, 2, &e), -1);
	assert_int_equal(kj_elfcore_write(buf, sizeof(buf), sample, 2, &e), 0);

	/* the largest table there may be, and it parses */
	{
		size_t len = kj_elfcore_headers_size(KJ_CORE_MAX_SEGS);
		uint8_t *big = malloc(len);
		struct kj_core c;

		for (size_t i = 0; i < KJ_CORE_MAX_SEGS; i++)
			many[i] = (struct kj_core_seg){ KJ_SEG_LOAD, i * KJ_PAGE_SIZE, 0, i * KJ_PAGE_SIZE,
							KJ_PAGE_SIZE, KJ_PAGE_SIZE };
		assert_int_equal(kj_elfcore_write(big, len, many, KJ_CORE_MAX_SEGS, &e), 0);
		assert_int_equal(kj_elfcore_parse(big, len, KJ_CORE_MAX_SEGS * KJ_PAGE_SIZE, &c, &e), 0);
		assert_int_equal(c.nseg, KJ_CORE_MAX_SEGS);
		assert_int_equal(c.seg[4095].paddr, 4095 * KJ_PAGE_SIZE);
		kj_core_free(&c);
		free(big);
	}
	free(many);
}

/* Program headers of other types are skipped, not refused. */
static void test_parse_skips_other_types(void **state)
{
	size_t len;
	uint8_t *buf = write_sample(&len);
	struct kj_core c;
	struct kj_err e = { 0 };

	ph_of(buf, 1)->p_type = PT_NULL;
	ph_of(buf, 3)->p_type = PT_GNU_STACK;
	/* garbage in a skipped header does not matter */
	ph_of(buf, 3)->p_offset = UINT64_MAX;
	ph_of(buf, 3)->p_filesz = UINT64_MAX;
	assert_int_equal(kj_elfcore_parse(buf, len, 0, &c, &e), 0);
	assert_int_equal(c.nseg, NSAMPLE - 2);
	assert_int_equal(c.seg[0].paddr, sample[0].paddr);
	assert_int_equal(c.seg[1].paddr, sample[2].paddr);
	assert_int_equal(c.seg[2].paddr, sample[4].paddr);
	assert_int_equal(c.seg[3].paddr, sample[5].paddr);
	kj_core_free(&c);
	free(buf);
}

/* --- locate --------------------------------------------------------------- */

static void test_locate(void **state)
{
	size_t len;
	uint8_t *buf = write_sample(&len);
	struct kj_core c;
	struct kj_err e = { 0 };
	uint64_t off = 0, avail = 0;

	assert_int_equal(kj_elfcore_parse(buf, len, 0, &c, &e), 0);

	/* inside each PT_LOAD */
	assert_int_equal(kj_core_locate(&c, 0x2a000000, &off, &avail), 0);
	assert_int_equal(off, 0x3000);
	assert_int_equal(avail, 0x2800000);
	assert_int_equal(kj_core_locate(&c, 0x2a000000 + 0x1234, &off, &avail), 0);
	assert_int_equal(off, 0x3000 + 0x1234);
	assert_int_equal(avail, 0x2800000 - 0x1234);
	assert_int_equal(kj_core_locate(&c, 0x100000, &off, &avail), 0);
	assert_int_equal(off, 0x2803000);
	assert_int_equal(avail, 0x200000);
	assert_int_equal(kj_core_locate(&c, 0x2fffff, &off, &avail), 0);
	assert_int_equal(off, 0x2803000 + 0x1fffff);
	assert_int_equal(avail, 1);
	assert_int_equal(kj_core_locate(&c, 0x1000fff, &off, &avail), 0);
	assert_int_equal(off, 0x2a03fff);
	assert_int_equal(avail, 1);
	assert_int_equal(kj_core_locate(&c, 0x17fffffffULL, &off, &avail), 0);
	assert_int_equal(off, 0x2a04000 + 0x7fffffffULL);
	assert_int_equal(avail, 1);

	/* outside: below, between, past the end, past filesz inside memsz */
	off = avail = 77;
	assert_int_equal(kj_core_locate(&c, 0, &off, &avail), -1);
	assert_int_equal(kj_core_locate(&c, 0xfffff, &off, &avail), -1);
	assert_int_equal(kj_core_locate(&c, 0x300000, &off, &avail), -1);
	assert_int_equal(kj_core_locate(&c, 0x1001000, &off, &avail), -1);
	assert_int_equal(kj_core_locate(&c, 0x1002fff, &off, &avail), -1);
	assert_int_equal(kj_core_locate(&c, 0x180000000ULL, &off, &avail), -1);
	assert_int_equal(kj_core_locate(&c, UINT64_MAX, &off, &avail), -1);
	/* notes hold no memory */
	assert_int_equal(kj_core_locate(&c, 0x2d8f1000, &off, &avail), -1);
	assert_int_equal(kj_core_locate(&c, 0x7f3d2000, &off, &avail), -1);
	assert_int_equal(off, 77);
	assert_int_equal(avail, 77);
	kj_core_free(&c);

	/* an empty core finds nothing */
	assert_int_equal(kj_core_locate(&c, 0x100000, &off, &avail), -1);
	free(buf);
}

/* --- hostile headers --------------------------------------------------------- */

/* Parse a copy of buf[0..len) in a block of exactly len bytes. */
static void expect_bad(const uint8_t *buf, size_t len, uint64_t fsize, const char *why)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct kj_core c;
	struct kj_err e = { 0 };

	assert_non_null(copy);
	memcpy(copy, buf, len);
	assert_int_equal(kj_elfcore_parse(copy, len, fsize, &c, &e), -1);
	assert_int_equal(e.code, EINVAL);
	assert_null(c.seg);
	assert_int_equal(c.nseg, 0);
	if (!strstr(e.msg, why))
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, why);
	free(copy);
}

static void test_hostile_ident(void **state)
{
	size_t len;
	uint8_t *buf = write_sample(&len);
	uint8_t *b2 = malloc(len);

	assert_non_null(b2);
	for (size_t n = 0; n < 64; n++)
		expect_bad(buf, n, 0, "too short");
	/* the table cut off at every length */
	for (size_t n = 64; n < len; n++)
		expect_bad(buf, n, 0, "cut off");

#define MUTATE(stmt, why) do { \
		memcpy(b2, buf, len); \
		stmt; \
		expect_bad(b2, len, 0, why); \
	} while (0)
	MUTATE(b2[0] = 0x7e, "64-bit little-endian");
	MUTATE(b2[3] = 'f', "64-bit little-endian");
	MUTATE(b2[EI_CLASS] = ELFCLASS32, "64-bit little-endian");
	MUTATE(b2[EI_CLASS] = ELFCLASSNONE, "64-bit little-endian");
	MUTATE(b2[EI_DATA] = ELFDATA2MSB, "64-bit little-endian");
	MUTATE(eh_of(b2)->e_type = ET_EXEC, "not a core");
	MUTATE(eh_of(b2)->e_type = ET_DYN, "not a core");
	MUTATE(eh_of(b2)->e_machine = EM_386, "another machine");
	MUTATE(eh_of(b2)->e_machine = EM_AARCH64, "another machine");
	MUTATE(eh_of(b2)->e_phentsize = 32, "(6 entries of 32 bytes)");
	MUTATE(eh_of(b2)->e_phentsize = 57, "bad program header table");
	MUTATE(eh_of(b2)->e_phnum = 0, "(0 entries of 56 bytes)");
	MUTATE(eh_of(b2)->e_phnum = PN_XNUM, "bad program header table");
	MUTATE(eh_of(b2)->e_phnum = KJ_CORE_MAX_SEGS + 1, "bad program header table");
	MUTATE(eh_of(b2)->e_phnum = NSAMPLE + 1, "cut off");
	MUTATE(eh_of(b2)->e_phoff = 65, "cut off");
	MUTATE(eh_of(b2)->e_phoff = len, "cut off");
	MUTATE(eh_of(b2)->e_phoff = len + 1, "cut off");
	MUTATE(eh_of(b2)->e_phoff = UINT64_MAX - 8, "cut off");
	MUTATE(eh_of(b2)->e_phoff = UINT64_MAX / 56 + 1, "cut off");
#undef MUTATE
	free(b2);
	free(buf);
}

static void test_hostile_segments(void **state)
{
	size_t len;
	uint8_t *buf = write_sample(&len);
	uint8_t *b2 = malloc(len);
	const uint64_t fsize = 0x82a04000ULL;	/* exactly what sample needs */

	assert_non_null(b2);
#define MUTATE(stmt, fs, why) do { \
		memcpy(b2, buf, len); \
		stmt; \
		expect_bad(b2, len, fs, why); \
	} while (0)
	/* the last segment one byte past the file */
	expect_bad(buf, len, fsize - 1, "segment 5 (offset 0x2a04000");
	expect_bad(buf, len, 0x1000, "segment 0 (offset 0x2d8f1000, 4096 bytes)");
	MUTATE(ph_of(b2, 0)->p_offset = 0, 0x7f3d2000, "segment 1 (offset 0x7f3d2000, 424 bytes)");
	MUTATE(ph_of(b2, 2)->p_offset = fsize - 0x2800000 + 1, fsize,
	       "segment 2 (offset");
	/* more bytes in the file than in memory */
	MUTATE(ph_of(b2, 4)->p_filesz = 0x3001, 0, "segment 4");
	MUTATE(ph_of(b2, 0)->p_memsz = 0, 0, "segment 0");
	/* offsets and addresses that wrap */
	MUTATE(ph_of(b2, 3)->p_offset = UINT64_MAX - 0x1000, 0, "wraps");
	MUTATE((ph_of(b2, 3)->p_offset = UINT64_MAX - 0x1000,
		ph_of(b2, 3)->p_filesz = 0x1001), 0, "wraps");
	MUTATE(ph_of(b2, 5)->p_paddr = UINT64_MAX - 0x1000, 0, "segment 5");
	MUTATE((ph_of(b2, 4)->p_filesz = UINT64_MAX, ph_of(b2, 4)->p_memsz = UINT64_MAX),
	       0, "segment 4");
#undef MUTATE
	/* on the edge: fine */
	{
		struct kj_core c;
		struct kj_err e = { 0 };

		memcpy(b2, buf, len);
		ph_of(b2, 3)->p_offset = UINT64_MAX - 0x200000;
		ph_of(b2, 5)->p_paddr = UINT64_MAX - 0x80000000ULL;
		assert_int_equal(kj_elfcore_parse(b2, len, 0, &c, &e), 0);
		kj_core_free(&c);
	}
	free(b2);
	free(buf);
}

/* Random corruption of a valid header: never a crash, never a read past
 * the block (valgrind), and every accepted segment is consistent. */
static void test_hostile_random(void **state)
{
	size_t len;
	uint8_t *buf = write_sample(&len);
	uint8_t *b2 = malloc(len);
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	int accepted = 0, refused = 0;

	assert_non_null(b2);
	for (int it = 0; it < 20000; it++) {
		struct kj_core c;
		struct kj_err e = { 0 };
		size_t n = len;

		memcpy(b2, buf, len);
		for (int k = 0; k < 1 + it % 4; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			b2[x % len] ^= (uint8_t)(1u << ((x >> 32) % 8));
		}
		if (it % 5 == 0)
			n = 64 + (size_t)((x >> 40) % (len - 63));
		if (kj_elfcore_parse(b2, n, 0x82a04000ULL, &c, &e)) {
			assert_null(c.seg);
			assert_true(e.msg[0] != 0);
			refused++;
			continue;
		}
		accepted++;
		assert_true(c.nseg <= NSAMPLE);
		for (size_t i = 0; i < c.nseg; i++) {
			assert_true(c.seg[i].type == KJ_SEG_LOAD || c.seg[i].type == KJ_SEG_NOTE);
			assert_true(c.seg[i].filesz <= c.seg[i].memsz);
			assert_true(c.seg[i].offset + c.seg[i].filesz <= 0x82a04000ULL);
			assert_true(c.seg[i].paddr + c.seg[i].memsz >= c.seg[i].paddr);
		}
		kj_core_free(&c);
	}
	assert_true(accepted > 100);
	assert_true(refused > 100);
	free(b2);
	free(buf);
}

/* --- notes ------------------------------------------------------------------- */

struct note_case {
	const char *name;
	uint32_t type;
	size_t descsz;
};

static const struct note_case notes[] = {
	{ "CORE", NT_PRSTATUS, 336 },	/* namesz 5: 3 bytes of padding */
	{ "VMCOREINFO", 0, 13 },	/* namesz 11, descsz 13 */
	{ "", 7, 0 },			/* namesz 1 */
	{ "ABC", 8, 4 },		/* namesz 4: no padding */
	{ "ABCDEF", 9, 1 },		/* namesz 7 */
	{ "LINUX", 0x46494c45, 6 },	/* namesz 6 */
	{ "CORE", NT_PRPSINFO, 136 },	/* the same name again */
};
#define NNOTES (sizeof(notes) / sizeof(notes[0]))

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* Build the run; ends[i]: where note i ends. */
static uint8_t *build_notes(size_t *len, size_t ends[NNOTES])
{
	size_t total = 0, at = 0;
	uint8_t *run;

	for (size_t i = 0; i < NNOTES; i++) {
		size_t n = kj_note_build(NULL, notes[i].name, notes[i].type, NULL,
					 notes[i].descsz);

		assert_int_equal(n, 12 + pad4(strlen(notes[i].name) + 1) +
				 pad4(notes[i].descsz));
		total += n;
	}
	run = malloc(total);
	assert_non_null(run);
	memset(run, 0xee, total);
	for (size_t i = 0; i < NNOTES; i++) {
		uint8_t desc[512];

		for (size_t k = 0; k < notes[i].descsz; k++)
			desc[k] = (uint8_t)(i * 31 + k + 1);
		at += kj_note_build(run + at, notes[i].name, notes[i].type, desc,
				    notes[i].descsz);
		ends[i] = at;
	}
	assert_int_equal(at, total);
	*len = total;
	return run;
}

static void test_notes_roundtrip(void **state)
{
	size_t len, ends[NNOTES];
	uint8_t *run = build_notes(&len, ends);
	size_t at = 0;

	/* the bytes: header, name, zero padding, desc, zero padding */
	for (size_t i = 0; i < NNOTES; i++) {
		Elf64_Nhdr nh;
		size_t namesz = strlen(notes[i].name) + 1;

		memcpy(&nh, run + at, sizeof(nh));
		assert_int_equal(nh.n_namesz, namesz);
		assert_int_equal(nh.n_descsz, notes[i].descsz);
		assert_int_equal(nh.n_type, notes[i].type);
		assert_memory_equal(run + at + 12, notes[i].name, namesz);
		for (size_t k = namesz; k < pad4(namesz); k++)
			assert_int_equal(run[at + 12 + k], 0);
		for (size_t k = 0; k < notes[i].descsz; k++)
			assert_int_equal(run[at + 12 + pad4(namesz) + k],
					 (uint8_t)(i * 31 + k + 1));
		for (size_t k = notes[i].descsz; k < pad4(notes[i].descsz); k++)
			assert_int_equal(run[at + 12 + pad4(namesz) + k], 0);
		at = ends[i];
	}

	/* find each (the first of two with one name) */
	for (size_t i = 0; i + 1 < NNOTES; i++) {
		const uint8_t *desc = NULL;
		size_t descsz = 99999;
		size_t start = i ? ends[i - 1] : 0;

		assert_int_equal(kj_note_find(run, len, notes[i].name, &desc, &descsz), 0);
		assert_ptr_equal(desc, run + start + 12 + pad4(strlen(notes[i].name) + 1));
		assert_int_equal(descsz, notes[i].descsz);
	}
	/* names that are not there: prefixes, extensions, case */
	{
		static const char *absent[] = { "COR", "CORE2", "VMCOREINF", "VMCOREINFO1",
						"core", "AB", "ABCD", "LINUX\n" };
		const uint8_t *desc = (const uint8_t *)"x";
		size_t descsz = 5;

		for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
			assert_int_equal(kj_note_find(run, len, absent[i], &desc, &descsz), -1);
		assert_string_equal((const char *)desc, "x");
		assert_int_equal(descsz, 5);
	}
	free(run);
}

/* Cut the run at every length: a note is found only when it is whole,
 * padding included, and nothing is read past the cut (valgrind). */
static void test_notes_truncated(void **state)
{
	size_t len, ends[NNOTES];
	uint8_t *run = build_notes(&len, ends);

	for (size_t cut = 0; cut <= len; cut++) {
		uint8_t *p = malloc(cut ? cut : 1);

		assert_non_null(p);
		memcpy(p, run, cut);
		for (size_t i = 0; i + 1 < NNOTES; i++) {
			const uint8_t *desc;
			size_t descsz;
			int r = kj_note_find(p, cut, notes[i].name, &desc, &descsz);

			assert_int_equal(r, cut >= ends[i] ? 0 : -1);
		}
		free(p);
	}
	free(run);
}

static void test_notes_hostile(void **state)
{
	size_t len, ends[NNOTES];
	uint8_t *run = build_notes(&len, ends);
	const uint8_t *desc;
	size_t descsz;
	Elf64_Nhdr nh;

	/* an all-zero header ends the run */
	memset(run + ends[1], 0, 12);
	assert_int_equal(kj_note_find(run, len, "VMCOREINFO", &desc, &descsz), 0);
	assert_int_equal(kj_note_find(run, len, "ABC", &desc, &descsz), -1);
	free(run);

	/* sizes that point past the end, up to 2^32 - 1 */
	run = build_notes(&len, ends);
	for (int k = 0; k < 4; k++) {
		static const uint32_t big[] = { 0xffffffffu, 0xfffffffdu, 0x80000000u, 4096 };

		memcpy(&nh, run, sizeof(nh));
		nh.n_namesz = big[k];
		memcpy(run, &nh, sizeof(nh));
		assert_int_equal(kj_note_find(run, len, "VMCOREINFO", &desc, &descsz), -1);
		nh.n_namesz = 5;
		nh.n_descsz = big[k];
		memcpy(run, &nh, sizeof(nh));
		assert_int_equal(kj_note_find(run, len, "CORE", &desc, &descsz), -1);
		assert_int_equal(kj_note_find(run, len, "LINUX", &desc, &descsz), -1);
		nh.n_descsz = 336;
		memcpy(run, &nh, sizeof(nh));
		assert_int_equal(kj_note_find(run, len, "LINUX", &desc, &descsz), 0);
	}
	/* an empty run, and a run shorter than a header */
	assert_int_equal(kj_note_find(run, 0, "CORE", &desc, &descsz), -1);
	assert_int_equal(kj_note_find(run, 11, "CORE", &desc, &descsz), -1);
	free(run);
}

/* --- kj_elfcorehdr_build ---------------------------------------------------------- */

#define PAGE_OFFSET 0xffff888000000000ULL
#define KTEXT_VA 0xffffffff81000000ULL

static struct kj_a_dump_facts *facts(void)
{
	struct kj_a_dump_facts *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->vmcoreinfo_addr = 0x2d8f1000;
	f->vmcoreinfo_size = 0x1000;
	f->ncrash = 4;
	for (size_t i = 0; i < f->ncrash; i++)
		f->crash_notes[i] = 0x7f3d2000 + i * 0x1000 + 0x28;
	f->crash_notes_size = 0x1a8;
	f->page_offset_known = true;
	f->page_offset = PAGE_OFFSET;
	f->ktext_known = true;
	f->ktext_pa = 0x2a000000;
	f->ktext_size = 0x2800000;
	f->ktext_va = KTEXT_VA;
	return f;
}

static void add(struct kj_ranges *rs, uint64_t s, uint64_t t)
{
	struct kj_err e = { 0 };

	assert_int_equal(kj_ranges_add(rs, s, t, 1, &e), 0);
}

/* Check a corehdr against the facts and A's RAM minus B's. */
static void check_corehdr(const struct kj_a_dump_facts *f, const struct kj_ranges *a,
			  const struct kj_ranges *b, const uint8_t *hdr, size_t len)
{
	struct kj_ranges want = { 0 }, got = { 0 };
	struct kj_core c;
	struct kj_err e = { 0 };
	size_t i = 0, nnotes = f->crash_notes_size ? 1 + f->ncrash : 1;
	bool ktext = f->ktext_known &&
		!kj_ranges_overlaps(b, f->ktext_pa, f->ktext_pa + f->ktext_size);

	assert_int_equal(len % 4096, 0);
	assert_true(len <= kj_elfcorehdr_max_size(f, a));
	if (kj_elfcore_parse(hdr, len, 0, &c, &e))
		fail_msg("corehdr does not parse: %s", e.msg);
	assert_true(kj_elfcore_headers_size(c.nseg) <= len);

	/* PT_NOTEs first: VMCOREINFO, then each CPU's crash notes */
	assert_true(c.nseg >= nnotes);
	assert_int_equal(c.seg[0].type, KJ_SEG_NOTE);
	assert_int_equal(c.seg[0].offset, f->vmcoreinfo_addr);
	assert_int_equal(c.seg[0].paddr, f->vmcoreinfo_addr);
	assert_int_equal(c.seg[0].filesz, f->vmcoreinfo_size);
	assert_int_equal(c.seg[0].memsz, f->vmcoreinfo_size);
	for (i = 1; i < nnotes; i++) {
		assert_int_equal(c.seg[i].type, KJ_SEG_NOTE);
		assert_int_equal(c.seg[i].offset, f->crash_notes[i - 1]);
		assert_int_equal(c.seg[i].paddr, f->crash_notes[i - 1]);
		assert_int_equal(c.seg[i].filesz, f->crash_notes_size);
	}
	/* then the kernel text mapping, when known and not in B's memory */
	if (ktext) {
		assert_int_equal(c.seg[i].type, KJ_SEG_LOAD);
		assert_int_equal(c.seg[i].vaddr, f->ktext_va);
		assert_int_equal(c.seg[i].paddr, f->ktext_pa);
		assert_int_equal(c.seg[i].offset, f->ktext_pa);
		assert_int_equal(c.seg[i].filesz, f->ktext_size);
		assert_int_equal(c.seg[i].memsz, f->ktext_size);
		i++;
	}
	/* then A's RAM minus B's, each in the direct map */
	for (; i < c.nseg; i++) {
		const struct kj_core_seg *s = &c.seg[i];

		assert_int_equal(s->type, KJ_SEG_LOAD);
		assert_int_equal(s->offset, s->paddr);
		assert_int_equal(s->filesz, s->memsz);
		assert_true(s->memsz > 0);
		assert_int_equal(s->vaddr, f->page_offset_known ? PAGE_OFFSET + s->paddr : 0);
		assert_false(kj_ranges_overlaps(&got, s->paddr, s->paddr + s->memsz));
		add(&got, s->paddr, s->paddr + s->memsz);
	}
	assert_int_equal(kj_ranges_copy(&want, a, -1, &e), 0);
	for (size_t k = 0; k < b->n; k++)
		assert_int_equal(kj_ranges_subtract(&want, b->r[k].start, b->r[k].end, &e), 0);
	kj_ranges_normalize(&want);
	kj_ranges_normalize(&got);
	if (got.n != want.n)
		fail_msg("%zu RAM PT_LOADs (merged), want %zu", got.n, want.n);
	for (size_t k = 0; k < want.n; k++) {
		assert_int_equal(got.r[k].start, want.r[k].start);
		assert_int_equal(got.r[k].end, want.r[k].end);
	}
	kj_ranges_free(&want);
	kj_ranges_free(&got);
	kj_core_free(&c);
}

static void build_check(const struct kj_a_dump_facts *f, const struct kj_ranges *a,
			const struct kj_ranges *b, size_t *nseg)
{
	uint8_t *hdr = NULL;
	size_t len = 0;
	struct kj_err e = { 0 };

	if (kj_elfcorehdr_build(f, a, b, &hdr, &len, &e))
		fail_msg("kj_elfcorehdr_build: %s", e.msg);
	assert_non_null(hdr);
	check_corehdr(f, a, b, hdr, len);
	if (nseg)
		*nseg = eh_of(hdr)->e_phnum;
	free(hdr);
}

static void test_corehdr_qemu(void **state)
{
	struct kj_a_dump_facts *f = facts();
	struct kj_ranges a = { 0 }, b = { 0 };
	size_t n;
	uint8_t *hdr = NULL;
	size_t len = 0;
	struct kj_err e = { 0 };
	struct kj_core c;

	add(&a, 0x1000, 0x9f000);
	add(&a, 0x100000, 0x7ffe0000);
	add(&a, 0x100000000ULL, 0x180000000ULL);
	add(&b, 0x1000, 0x9f000);
	add(&b, 0x6fe00000, 0x7fe00000);
	build_check(f, &a, &b, &n);
	/* 5 notes, kernel text, 3 RAM ranges */
	assert_int_equal(n, 9);

	/* the RAM PT_LOADs by hand */
	assert_int_equal(kj_elfcorehdr_build(f, &a, &b, &hdr, &len, &e), 0);
	assert_int_equal(len, 4096);
	assert_int_equal(kj_elfcore_parse(hdr, len, 0, &c, &e), 0);
	assert_int_equal(c.seg[6].paddr, 0x100000);
	assert_int_equal(c.seg[6].memsz, 0x6fe00000 - 0x100000);
	assert_int_equal(c.seg[6].vaddr, PAGE_OFFSET + 0x100000);
	assert_int_equal(c.seg[7].paddr, 0x7fe00000);
	assert_int_equal(c.seg[7].memsz, 0x1e0000);
	assert_int_equal(c.seg[8].paddr, 0x100000000ULL);
	assert_int_equal(c.seg[8].memsz, 0x80000000ULL);
	assert_int_equal(c.seg[8].vaddr, PAGE_OFFSET + 0x100000000ULL);
	kj_core_free(&c);
	free(hdr);
	kj_ranges_free(&a);
	kj_ranges_free(&b);
	free(f);
}

static void test_corehdr_variants(void **state)
{
	struct kj_a_dump_facts *f = facts();
	struct kj_ranges a = { 0 }, b = { 0 };
	size_t n;

	add(&a, 0x1000, 0x9f000);
	add(&a, 0x100000, 0x7ffe0000);
	add(&b, 0x1000, 0x9f000);
	add(&b, 0x40000000, 0x50000000);

	/* without crash notes (crash_notes_size unknown) */
	f->crash_notes_size = 0;
	build_check(f, &a, &b, &n);
	assert_int_equal(n, 1 + 1 + 2);
	f->crash_notes_size = 0x1a8;

	/* direct map unknown: vaddr 0 */
	f->page_offset_known = false;
	build_check(f, &a, &b, &n);
	assert_int_equal(n, 5 + 1 + 2);
	f->page_offset_known = true;

	/* kernel text unknown, or inside B's memory: no PT_LOAD for it */
	f->ktext_known = false;
	build_check(f, &a, &b, &n);
	assert_int_equal(n, 5 + 2);
	f->ktext_known = true;
	f->ktext_pa = 0x4f000000;
	build_check(f, &a, &b, &n);
	assert_int_equal(n, 5 + 2);
	f->ktext_pa = 0x50000000;	/* right after: there */
	build_check(f, &a, &b, &n);
	assert_int_equal(n, 5 + 1 + 2);

	/* B covering all of A: notes and kernel text only */
	kj_ranges_free(&b);
	add(&b, 0, 0x100000000ULL);
	f->ktext_known = false;
	build_check(f, &a, &b, &n);
	assert_int_equal(n, 5);

	/* no B at all */
	kj_ranges_free(&b);
	build_check(f, &a, &b, &n);
	assert_int_equal(n, 5 + 2);

	/* every CPU there may be */
	f->ncrash = KJ_MAX_CPUS;
	for (size_t i = 0; i < f->ncrash; i++)
		f->crash_notes[i] = 0x7f000000 + i * 0x400;
	add(&b, 0x1000, 0x9f000);
	add(&b, 0x40000000, 0x50000000);
	build_check(f, &a, &b, &n);
	assert_int_equal(n, 1 + KJ_MAX_CPUS + 2);

	kj_ranges_free(&a);
	kj_ranges_free(&b);
	free(f);
}

/* Random A maps (many ranges) with B as the planner makes it (a low range
 * and a region, each possibly splitting an A range): always exact, always
 * within kj_elfcorehdr_max_size. */
static void test_corehdr_random(void **state)
{
	struct kj_a_dump_facts *f = facts();
	uint64_t x = 12345;

	for (int it = 0; it < 300; it++) {
		struct kj_ranges a = { 0 }, b = { 0 };
		uint64_t at = 0x1000;
		size_t na;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		na = 1 + (x >> 33) % 300;
		for (size_t i = 0; i < na; i++) {
			uint64_t len, gap;

			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			len = (1 + (x >> 40) % 4096) * KJ_PAGE_SIZE;
			gap = (1 + (x >> 20) % 64) * KJ_PAGE_SIZE;
			add(&a, at, at + len);
			at += len + gap;
		}
		kj_ranges_normalize(&a);
		for (int k = 0; k < 2; k++) {
			uint64_t s, t;

			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			s = ((x >> 20) % at) & ~(KJ_PAGE_SIZE - 1);
			t = s + (1 + (x >> 45) % 2048) * KJ_PAGE_SIZE;
			add(&b, s, t);
		}
		kj_ranges_normalize(&b);
		f->ncrash = (x >> 7) % 9;
		f->ktext_known = (x >> 3) & 1;
		f->page_offset_known = (x >> 4) & 1;
		build_check(f, &a, &b, NULL);
		kj_ranges_free(&a);
		kj_ranges_free(&b);
	}
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_header_bytes),
		cmocka_unit_test(test_write_refusals),
		cmocka_unit_test(test_parse_skips_other_types),
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_hostile_ident),
		cmocka_unit_test(test_hostile_segments),
		cmocka_unit_test(test_hostile_random),
		cmocka_unit_test(test_notes_roundtrip),
		cmocka_unit_test(test_notes_truncated),
		cmocka_unit_test(test_notes_hostile),
		cmocka_unit_test(test_corehdr_qemu),
		cmocka_unit_test(test_corehdr_variants),
		cmocka_unit_test(test_corehdr_random),
	};

	return cmocka_run_group_tests_name("elfcore", tests, NULL, NULL);
}
