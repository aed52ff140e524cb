// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/program.c, the ELF loader of `kjump call`.
 *
 * First the real example payloads (build/payload/hello.elf, checksum.elf):
 * they parse, are relocatable, carry a valid parameter block, flatten
 * byte for byte, place, and every truncated or corrupted copy is refused
 * cleanly. Then ELF files built in memory: ET_EXEC at a fixed address,
 * ET_DYN with R_X86_64_RELATIVE relocations, dynamic linking refused, and
 * one malformed input per check of the parser, each refused with -1, a
 * message, and no memory left behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "file_support.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/page.h"
#include "../../lib/program.h"
#include "../../payload/include/kjump/payload.h"

#define MAX_SPAN (16ULL << 20)

/*
 * Leak accounting: this file's malloc family forwards to glibc's and,
 * while `tracking` is on, remembers each block it hands out until the
 * block is freed. (Counting heap bytes with mallinfo2 does not work: freed
 * blocks sitting in the thread cache still count as in use.) Under a tool
 * that replaces malloc itself, such as valgrind, these functions are not
 * called; main() then turns the accounting off and the tool checks leaks.
 */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *old, size_t n);
extern void __libc_free(void *ptr);

#define MAX_TRACKED 64
static bool accounting = true;	/* false: malloc is not ours to watch */
static bool tracking;
static void *tracked[MAX_TRACKED];
static size_t ntracked;

static void track(void *ptr)
{
	if (!tracking || !ptr)
		return;
	for (size_t i = 0; i < MAX_TRACKED; i++)
		if (!tracked[i]) {
			tracked[i] = ptr;
			ntracked++;
			return;
		}
	fail_msg("more than %d blocks allocated at once", MAX_TRACKED);
}

static void untrack(void *ptr)
{
	for (size_t i = 0; ptr && ntracked && i < MAX_TRACKED; i++)
		if (tracked[i] == ptr) {
			tracked[i] = NULL;
			ntracked--;
			return;
		}
}

void *malloc(size_t n)
{
	void *ptr = __libc_malloc(n);

	track(ptr);
	return ptr;
}

void *calloc(size_t n, size_t size)
{
	void *ptr = __libc_calloc(n, size);

	track(ptr);
	return ptr;
}

void *realloc(void *old, size_t n)
{
	void *ptr = __libc_realloc(old, n);

	if (ptr || !n)
		untrack(old);
	track(ptr);
	return ptr;
}

void free(void *ptr)
{
	untrack(ptr);
	__libc_free(ptr);
}

static void track_begin(void)
{
	memset(tracked, 0, sizeof(tracked));
	ntracked = 0;
	tracking = true;
}

/* Blocks allocated since track_begin and not freed. */
static size_t track_end(void)
{
	tracking = false;
	return ntracked;
}

/* Do calls to calloc reach the function above? (Called through a pointer,
 * as the compiler could inline it here but not into lib/program.c.) */
static bool accounting_works(void)
{
	void *(*volatile alloc)(size_t, size_t) = calloc;
	void *ptr;
	size_t n;

	track_begin();
	ptr = alloc(1, 16);
	n = track_end();
	free(ptr);
	return n == 1 && ntracked == 0;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Parse, expecting a refusal whose message holds `word`; check that
 * nothing was allocated or left in *p. */
static void refused_with(const void *f, size_t size, uint64_t max_span,
			 int code, const char *word)
{
	struct kj_program p;
	struct kj_err e = { 0 };
	size_t left;
	int r;

	memset(&p, 0x5a, sizeof(p));
	track_begin();
	r = kj_program_parse(f, size, max_span, &p, &e);
	left = track_end();
	if (r != -1 || !strstr(e.msg, word))
		print_message("expected a refusal with \"%s\", got %d: \"%s\"\n",
			      word, r, e.msg);
	assert_int_equal(r, -1);
	assert_true(e.msg[0] != 0);
	assert_non_null(strstr(e.msg, word));
	if (code)
		assert_int_equal(e.code, code);
	if (accounting)
		assert_int_equal(left, 0);
	assert_null(p.image);
	assert_null(p.reloc_off);
	assert_null(p.reloc_add);
	assert_int_equal(p.nrelocs, 0);
}

static void parses(const void *f, size_t size, struct kj_program *p)
{
	struct kj_err e = { 0 };
	int r;

	track_begin();
	r = kj_program_parse(f, size, MAX_SPAN, p, &e);
	track_end();
	if (r)
		print_message("refused: %s\n", e.msg);
	assert_int_equal(r, 0);
	assert_non_null(p->image);
	if (accounting)
		assert_true(ntracked >= 1);
}

/* Free a parsed program and check that this returns all it allocated. */
static void release(struct kj_program *p)
{
	kj_program_free(p);
	if (accounting)
		assert_int_equal(ntracked, 0);
	assert_null(p->image);
}

/* --- the real payloads ------------------------------------------------ */

/* What the test itself reads from a payload's headers. */
struct facts {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[16];
	uint64_t lo, hi;	/* page-rounded extent of the PT_LOADs */
	uint64_t cut;		/* bytes of file the parser needs */
	size_t nrelative;	/* R_X86_64_RELATIVE entries */
};

static uint64_t file_off(const struct facts *x, uint64_t addr)
{
	for (int i = 0; i < x->eh.e_phnum; i++)
		if (x->ph[i].p_type == PT_LOAD && addr >= x->ph[i].p_vaddr &&
		    addr < x->ph[i].p_vaddr + x->ph[i].p_filesz)
			return addr - x->ph[i].p_vaddr + x->ph[i].p_offset;
	fail_msg("address 0x%llx is not in the file", (unsigned long long)addr);
	return 0;
}

static void read_facts(const uint8_t *f, size_t len, struct facts *x)
{
	uint64_t rela = 0, relasz = 0;

	memset(x, 0, sizeof(*x));
	memcpy(&x->eh, f, sizeof(x->eh));
	assert_int_equal(x->eh.e_phentsize, sizeof(Elf64_Phdr));
	assert_true(x->eh.e_phnum > 0 && x->eh.e_phnum <= 16);
	memcpy(x->ph, f + x->eh.e_phoff, x->eh.e_phnum * sizeof(Elf64_Phdr));
	x->lo = UINT64_MAX;
	x->cut = x->eh.e_phoff + x->eh.e_phnum * sizeof(Elf64_Phdr);
	for (int i = 0; i < x->eh.e_phnum; i++) {
		const Elf64_Phdr *h = &x->ph[i];

		if (h->p_type != PT_LOAD && h->p_type != PT_DYNAMIC)
			continue;
		if (h->p_offset + h->p_filesz > x->cut)
			x->cut = h->p_offset + h->p_filesz;
		if (h->p_type != PT_LOAD)
			continue;
		if (h->p_vaddr < x->lo)
			x->lo = h->p_vaddr;
		if (h->p_vaddr + h->p_memsz > x->hi)
			x->hi = h->p_vaddr + h->p_memsz;
	}
	x->lo &= ~(KJ_PAGE_SIZE - 1);
	x->hi = (x->hi + KJ_PAGE_SIZE - 1) & ~(KJ_PAGE_SIZE - 1);
	assert_true(x->cut <= len);
	for (int i = 0; i < x->eh.e_phnum; i++) {
		if (x->ph[i].p_type != PT_DYNAMIC)
			continue;
		for (uint64_t o = 0; o < x->ph[i].p_filesz; o += sizeof(Elf64_Dyn)) {
			Elf64_Dyn d;

			memcpy(&d, f + x->ph[i].p_offset + o, sizeof(d));
			if (d.d_tag == DT_RELA)
				rela = d.d_un.d_ptr;
			if (d.d_tag == DT_RELASZ)
				relasz = d.d_un.d_val;
		}
	}
	for (uint64_t o = 0; o < relasz; o += sizeof(Elf64_Rela)) {
		Elf64_Rela r;

		memcpy(&r, f + file_off(x, rela + o), sizeof(r));
		if (ELF64_R_TYPE(r.r_info) == R_X86_64_RELATIVE)
			x->nrelative++;
	}
}

static void check_payload(const char *path)
{
	size_t len;
	uint8_t *f = load_file(path, &len);
	struct facts x;
	struct kj_program p;
	struct kjump_params kp;
	struct kj_err e = { 0 };
	uint8_t *before;
	const uint64_t base = 0x1234000;

	read_facts(f, len, &x);
	assert_int_equal(x.eh.e_type, ET_DYN);
	parses(f, len, &p);
	assert_true(p.relocatable);
	assert_false(p.placed);
	assert_int_equal(p.link_base, x.lo);
	assert_int_equal(p.span, x.hi - x.lo);
	assert_int_equal(p.span % KJ_PAGE_SIZE, 0);
	assert_true(p.span > 0);
	assert_int_equal(p.entry_off, x.eh.e_entry - x.lo);
	assert_true(p.entry_off < p.span);
	assert_int_equal(p.nrelocs, x.nrelative);

	/* the flat image is the file's segments, zero-filled beyond */
	for (int i = 0; i < x.eh.e_phnum; i++) {
		const Elf64_Phdr *h = &x.ph[i];

		if (h->p_type != PT_LOAD)
			continue;
		assert_memory_equal(p.image + (h->p_vaddr - x.lo), f + h->p_offset,
				    h->p_filesz);
		assert_true(all_zero(p.image + (h->p_vaddr - x.lo) + h->p_filesz,
				     h->p_memsz - h->p_filesz));
	}

	/* the parameter block */
	assert_true(p.has_params);
	assert_int_equal(p.params_off % 8, 0);
	assert_true(p.params_off + sizeof(kp) <= p.span);
	memcpy(&kp, p.image + p.params_off, sizeof(kp));
	assert_int_equal(kp.magic, KJUMP_PARAMS_MAGIC);
	assert_int_equal(kp.version, KJUMP_ABI_VERSION);
	assert_int_equal(kp.size, sizeof(struct kjump_params));
	assert_int_equal(kp.argc, 0);
	assert_int_equal(kp.result_phys, 0);
	assert_int_equal(kp.load_base, 0);

	/* placing writes base + (addend - link base) at each relocation, and
	 * nothing else */
	before = malloc(p.span);
	assert_non_null(before);
	memcpy(before, p.image, p.span);
	assert_int_equal(kj_program_place(&p, base + 0x800, &e), -1);
	assert_non_null(strstr(e.msg, "page aligned"));
	assert_false(p.placed);
	assert_int_equal(kj_program_place(&p, base, &e), 0);
	assert_true(p.placed);
	assert_int_equal(p.placed_at, base);
	for (size_t i = 0; i < p.nrelocs; i++) {
		uint64_t v = base + p.reloc_add[i] - p.link_base;

		assert_true(p.reloc_off[i] + 8 <= p.span);
		assert_int_equal(rd64(p.image + p.reloc_off[i]), v);
		memcpy(before + p.reloc_off[i], &v, 8);
	}
	assert_memory_equal(p.image, before, p.span);
	assert_int_equal(kj_program_place(&p, base, &e), -1);
	assert_non_null(strstr(e.msg, "already placed"));
	free(before);
	kj_program_free(&p);
	assert_null(p.image);

	/* a limit just below what it needs */
	refused_with(f, len, x.hi - x.lo - KJ_PAGE_SIZE, EFBIG, "KiB");
	free(f);
}

static void test_hello(void **state)
{
	check_payload(KJ_BUILD_DIR "/payload/hello.elf");
}

static void test_checksum(void **state)
{
	check_payload(KJ_BUILD_DIR "/payload/checksum.elf");
}

/* Every prefix of the file: no crash, refused exactly while a loaded
 * segment (or the dynamic section, or a header) is cut. Each copy is
 * allocated at its exact length so valgrind sees any over-read. */
static void truncate_payload(const char *path)
{
	size_t len;
	uint8_t *f = load_file(path, &len);
	struct facts x;
	size_t refused = 0;

	read_facts(f, len, &x);
	for (size_t n = 0; n <= len; n++) {
		uint8_t *c = malloc(n ? n : 1);
		struct kj_program p;
		struct kj_err e = { 0 };
		int r;

		assert_non_null(c);
		memcpy(c, f, n);
		r = kj_program_parse(c, n, MAX_SPAN, &p, &e);
		if (n < x.cut) {
			if (r != -1)
				print_message("length %zu of %zu was accepted\n", n, len);
			assert_int_equal(r, -1);
			assert_true(e.msg[0] != 0);
			assert_null(p.image);
			refused++;
		} else {
			if (r != 0)
				print_message("length %zu: %s\n", n, e.msg);
			assert_int_equal(r, 0);
			kj_program_free(&p);
		}
		free(c);
	}
	assert_int_equal(refused, x.cut);
	free(f);
}

static void test_truncated_hello(void **state)
{
	truncate_payload(KJ_BUILD_DIR "/payload/hello.elf");
}

static void test_truncated_checksum(void **state)
{
	truncate_payload(KJ_BUILD_DIR "/payload/checksum.elf");
}

/* Overwrite each byte of the headers and of the dynamic section with a
 * few values: whatever the verdict, no crash, and a consistent result. */
static void test_corrupted_hello(void **state)
{
	static const uint8_t vals[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	size_t len;
	uint8_t *f = load_file(KJ_BUILD_DIR "/payload/hello.elf", &len);
	struct facts x;
	uint64_t dyn_off = 0, dyn_len = 0;
	size_t ok = 0, bad = 0;

	read_facts(f, len, &x);
	for (int i = 0; i < x.eh.e_phnum; i++)
		if (x.ph[i].p_type == PT_DYNAMIC) {
			dyn_off = x.ph[i].p_offset;
			dyn_len = x.ph[i].p_filesz;
		}
	for (uint64_t at = 0; at < len; at++) {
		uint8_t *c;

		if (at >= 64 + x.eh.e_phnum * sizeof(Elf64_Phdr) &&
		    (at < dyn_off || at >= dyn_off + dyn_len))
			continue;
		c = malloc(len);
		assert_non_null(c);
		for (size_t v = 0; v < sizeof(vals); v++) {
			struct kj_program p;
			struct kj_err e = { 0 };

			memcpy(c, f, len);
			c[at] = vals[v];
			if (kj_program_parse(c, len, MAX_SPAN, &p, &e) == 0) {
				assert_true(p.span > 0 && p.span <= MAX_SPAN);
				assert_int_equal(p.span % KJ_PAGE_SIZE, 0);
				assert_true(p.entry_off < p.span);
				for (size_t i = 0; i < p.nrelocs; i++)
					assert_true(p.reloc_off[i] + 8 <= p.span);
				assert_int_equal(kj_program_place(&p, p.relocatable ?
						 0x100000 : p.link_base, &e), 0);
				kj_program_free(&p);
				ok++;
			} else {
				assert_true(e.msg[0] != 0);
				assert_null(p.image);
				bad++;
			}
		}
		free(c);
	}
	assert_true(ok > 0);
	assert_true(bad > 0);
	free(f);
}

/* --- ELF files built in memory ---------------------------------------- */

struct seg {
	uint32_t type;
	uint64_t off, vaddr, paddr, filesz, memsz;
};

struct spec {
	uint16_t type, machine;
	uint64_t entry;
	int nph;
	struct seg ph[72];
	size_t size;
};

/* One ET_DYN PT_LOAD: file 0x1000..0x1400 at address 0, 8 KiB in memory. */
static struct spec base_dyn(void)
{
	struct spec s = {
		.type = ET_DYN, .machine = EM_X86_64, .entry = 0x10,
		.nph = 1, .size = 0x1400,
		.ph = { { PT_LOAD, 0x1000, 0, 0, 0x400, 0x2000 } },
	};

	return s;
}

/* A zeroed file of s->size bytes with the ELF and program headers. */
static uint8_t *mk(const struct spec *s)
{
	uint8_t *f = calloc(1, s->size > 64 ? s->size : 64);
	Elf64_Ehdr eh = { 0 };

	assert_non_null(f);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = s->type;
	eh.e_machine = s->machine;
	eh.e_version = EV_CURRENT;
	eh.e_entry = s->entry;
	eh.e_phoff = sizeof(Elf64_Ehdr);
	eh.e_ehsize = sizeof(Elf64_Ehdr);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (uint16_t)s->nph;
	memcpy(f, &eh, sizeof(eh));
	for (int i = 0; i < s->nph; i++) {
		Elf64_Phdr h = {
			.p_type = s->ph[i].type,
			.p_flags = PF_R | PF_W | PF_X,
			.p_offset = s->ph[i].off,
			.p_vaddr = s->ph[i].vaddr,
			.p_paddr = s->ph[i].paddr,
			.p_filesz = s->ph[i].filesz,
			.p_memsz = s->ph[i].memsz,
			.p_align = KJ_PAGE_SIZE,
		};
		size_t at = sizeof(eh) + (size_t)i * sizeof(h);

		if (at + sizeof(h) <= s->size)
			memcpy(f + at, &h, sizeof(h));
	}
	return f;
}

static Elf64_Ehdr *ehdr(uint8_t *f)
{
	return (Elf64_Ehdr *)f;	/* calloc'd: aligned */
}

static void put64(uint8_t *f, size_t at, uint64_t v)
{
	memcpy(f + at, &v, 8);
}

static void put_params(uint8_t *f, size_t at, uint32_t version, uint32_t size)
{
	struct kjump_params kp = {
		.magic = KJUMP_PARAMS_MAGIC, .version = version, .size = size,
	};

	memcpy(f + at, &kp, sizeof(kp));
}

static void test_synth_baseline(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f = mk(&s);
	struct kj_program p;

	for (int i = 0; i < 0x400; i++)
		f[0x1000 + i] = (uint8_t)(i ^ 0xa5);
	parses(f, s.size, &p);
	assert_true(p.relocatable);
	assert_int_equal(p.link_base, 0);
	assert_int_equal(p.span, 0x2000);
	assert_int_equal(p.entry_off, 0x10);
	assert_false(p.has_params);
	assert_int_equal(p.nrelocs, 0);
	assert_memory_equal(p.image, f + 0x1000, 0x400);
	assert_true(all_zero(p.image + 0x400, 0x2000 - 0x400));
	release(&p);
	free(f);
}

static void test_exec_fixed_address(void **state)
{
	struct spec s = {
		.type = ET_EXEC, .machine = EM_X86_64, .entry = 0x100020,
		.nph = 3, .size = 0x1200,
		.ph = {
			/* loaded by physical address; p_vaddr is ignored */
			{ PT_LOAD, 0x1000, 0xffffffff81000000ULL, 0x100000, 0x100, 0x1800 },
			{ PT_NOTE, 0x1180, 0, 0, 0x10, 0x10 },
			{ PT_LOAD, 0x1100, 0xffffffff81002000ULL, 0x102000, 0x80, 0x1000 },
		},
	};
	uint8_t *f = mk(&s);
	struct kj_program p;
	struct kj_err e = { 0 };

	memset(f + 0x1000, 0x11, 0x100);
	memset(f + 0x1100, 0x22, 0x80);
	parses(f, s.size, &p);
	assert_false(p.relocatable);
	assert_int_equal(p.link_base, 0x100000);
	assert_int_equal(p.span, 0x3000);
	assert_int_equal(p.entry_off, 0x20);
	assert_memory_equal(p.image, f + 0x1000, 0x100);
	assert_true(all_zero(p.image + 0x100, 0x1f00));
	assert_memory_equal(p.image + 0x2000, f + 0x1100, 0x80);
	assert_true(all_zero(p.image + 0x2080, 0xf80));

	/* it runs where it is linked, nowhere else */
	assert_int_equal(kj_program_place(&p, 0x200000, &e), -1);
	assert_int_equal(e.code, EINVAL);
	assert_non_null(strstr(e.msg, "0x100000"));
	assert_non_null(strstr(e.msg, "0x200000"));
	assert_non_null(strstr(e.msg, "-pie"));
	assert_false(p.placed);
	assert_int_equal(kj_program_place(&p, 0, &e), -1);
	assert_int_equal(kj_program_place(&p, 0x100000, &e), 0);
	assert_true(p.placed);
	assert_int_equal(p.placed_at, 0x100000);
	assert_int_equal(kj_program_place(&p, 0x100000, &e), -1);
	assert_non_null(strstr(e.msg, "already placed"));
	release(&p);
	free(f);
}

/*
 * An ET_DYN program with a dynamic section and a RELA table:
 *   file 0x1000.. = address link+0 (segment of 0x1000 bytes, 0x3000 in memory)
 *   dynamic at link+0x800, RELA table at link+0x900
 */
struct reloc_file {
	uint8_t *f;
	size_t size;
	uint64_t link;
	int ndyn;
};

static void add_dyn(struct reloc_file *rf, int64_t tag, uint64_t val)
{
	Elf64_Dyn d = { .d_tag = tag, .d_un.d_val = val };

	memcpy(rf->f + 0x1800 + rf->ndyn * sizeof(d), &d, sizeof(d));
	rf->ndyn++;
}

static void put_rela(struct reloc_file *rf, int i, uint64_t off, uint32_t type,
		     int64_t addend)
{
	Elf64_Rela r = {
		.r_offset = off, .r_info = ELF64_R_INFO(0, type), .r_addend = addend,
	};

	memcpy(rf->f + 0x1900 + i * sizeof(r), &r, sizeof(r));
}

static struct reloc_file reloc_file(uint64_t link)
{
	struct spec s = {
		.type = ET_DYN, .machine = EM_X86_64, .entry = link,
		.nph = 2, .size = 0x2000,
		.ph = {
			{ PT_LOAD, 0x1000, link, link, 0x1000, 0x3000 },
			{ PT_DYNAMIC, 0x1800, link + 0x800, link + 0x800, 0x100, 0x100 },
		},
	};
	struct reloc_file rf = { .f = mk(&s), .size = s.size, .link = link };

	return rf;
}

static void relative_relocs(uint64_t link)
{
	struct reloc_file rf = reloc_file(link);
	struct kj_program p;
	struct kj_err e = { 0 };
	const uint64_t base = 0x7654000;

	add_dyn(&rf, DT_RELA, link + 0x900);
	add_dyn(&rf, DT_RELASZ, 4 * sizeof(Elf64_Rela));
	add_dyn(&rf, DT_RELAENT, sizeof(Elf64_Rela));
	add_dyn(&rf, DT_NULL, 0);
	add_dyn(&rf, DT_NEEDED, 1);	/* after DT_NULL: not read */
	put_rela(&rf, 0, link + 0x100, R_X86_64_RELATIVE, (int64_t)link + 0x40);
	put_rela(&rf, 1, link + 0x108, R_X86_64_RELATIVE, (int64_t)link + 0x2ff0);
	put_rela(&rf, 2, 0, R_X86_64_NONE, 0);
	put_rela(&rf, 3, link + 0x2ff8, R_X86_64_RELATIVE, (int64_t)link);	/* in bss */
	put64(rf.f, 0x1100, 0x1111111111111111ULL);
	parses(rf.f, rf.size, &p);
	assert_int_equal(p.link_base, link);
	assert_int_equal(p.span, 0x3000);
	assert_int_equal(p.nrelocs, 3);
	assert_int_equal(rd64(p.image + 0x100), 0x1111111111111111ULL);
	assert_int_equal(kj_program_place(&p, base, &e), 0);
	assert_int_equal(rd64(p.image + 0x100), base + 0x40);
	assert_int_equal(rd64(p.image + 0x108), base + 0x2ff0);
	assert_int_equal(rd64(p.image + 0x2ff8), base);
	assert_int_equal(rd64(p.image + 0x110), 0);
	/* once only */
	assert_int_equal(kj_program_place(&p, 2 * base, &e), -1);
	assert_int_equal(rd64(p.image + 0x100), base + 0x40);
	release(&p);
	free(rf.f);
}

static void test_dyn_relative_at_zero(void **state)
{
	relative_relocs(0);
}

static void test_dyn_relative_linked_high(void **state)
{
	relative_relocs(0x400000);
}

static void test_dyn_unsupported_reloc(void **state)
{
	static const uint32_t types[] = { R_X86_64_64, R_X86_64_GLOB_DAT,
					  R_X86_64_JUMP_SLOT, R_X86_64_IRELATIVE };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct reloc_file rf = reloc_file(0);
		char word[32];

		add_dyn(&rf, DT_RELA, 0x900);
		add_dyn(&rf, DT_RELASZ, 2 * sizeof(Elf64_Rela));
		add_dyn(&rf, DT_NULL, 0);
		put_rela(&rf, 0, 0x100, R_X86_64_RELATIVE, 0x10);
		put_rela(&rf, 1, 0x108, types[i], 0x10);
		snprintf(word, sizeof(word), "relocation type %u", types[i]);
		refused_with(rf.f, rf.size, MAX_SPAN, ENOEXEC, word);
		free(rf.f);
	}
}

static void test_dyn_linking_refused(void **state)
{
	static const int64_t tags[] = { DT_NEEDED, DT_REL, DT_JMPREL, 36 };

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		struct reloc_file rf = reloc_file(0);
		char word[32];

		add_dyn(&rf, DT_RELA, 0x900);
		add_dyn(&rf, DT_RELASZ, sizeof(Elf64_Rela));
		add_dyn(&rf, tags[i], 0x10);
		add_dyn(&rf, DT_NULL, 0);
		put_rela(&rf, 0, 0x100, R_X86_64_RELATIVE, 0x10);
		refused_with(rf.f, rf.size, MAX_SPAN, ENOEXEC, "dynamic linking");
		snprintf(word, sizeof(word), "tag %lld", (long long)tags[i]);
		refused_with(rf.f, rf.size, MAX_SPAN, ENOEXEC, word);
		free(rf.f);
	}
}

static void test_dyn_malformed(void **state)
{
	static const uint64_t outside[] = { 0x3000, 0x2ff9, 0xfffffffffffffff8ULL };
	struct reloc_file rf;
	Elf64_Phdr *dyn;

	/* entry size other than Elf64_Rela */
	rf = reloc_file(0);
	add_dyn(&rf, DT_RELA, 0x900);
	add_dyn(&rf, DT_RELASZ, 32);
	add_dyn(&rf, DT_RELAENT, 16);
	refused_with(rf.f, rf.size, MAX_SPAN, ENOEXEC, "malformed relocation");
	free(rf.f);

	/* size not a multiple of the entry */
	rf = reloc_file(0);
	add_dyn(&rf, DT_RELA, 0x900);
	add_dyn(&rf, DT_RELASZ, sizeof(Elf64_Rela) + 1);
	refused_with(rf.f, rf.size, MAX_SPAN, ENOEXEC, "malformed relocation");
	free(rf.f);

	/* table beyond the image, or running off its end */
	rf = reloc_file(0);
	add_dyn(&rf, DT_RELA, 0x100000);
	add_dyn(&rf, DT_RELASZ, sizeof(Elf64_Rela));
	refused_with(rf.f, rf.size, MAX_SPAN, ENOEXEC, "relocation table outside");
	free(rf.f);
	rf = reloc_file(0);
	add_dyn(&rf, DT_RELA, 0x3000 - sizeof(Elf64_Rela));
	add_dyn(&rf, DT_RELASZ, 2 * sizeof(Elf64_Rela));
	refused_with(rf.f, rf.size, MAX_SPAN, ENOEXEC, "relocation table outside");
	free(rf.f);
	rf = reloc_file(0x200000);
	add_dyn(&rf, DT_RELA, 0x900);		/* below the link base */
	add_dyn(&rf, DT_RELASZ, sizeof(Elf64_Rela));
	refused_with(rf.f, rf.size, MAX_SPAN, ENOEXEC, "relocation table outside");
	free(rf.f);

	/* a relocation that patches outside the image */
	for (size_t i = 0; i < 3; i++) {
		rf = reloc_file(0);
		add_dyn(&rf, DT_RELA, 0x900);
		add_dyn(&rf, DT_RELASZ, sizeof(Elf64_Rela));
		put_rela(&rf, 0, outside[i], R_X86_64_RELATIVE, 0);
		refused_with(rf.f, rf.size, MAX_SPAN, ENOEXEC, "relocation outside");
		free(rf.f);
	}

	/* PT_DYNAMIC itself outside the file, or of a partial entry */
	rf = reloc_file(0);
	dyn = (Elf64_Phdr *)(rf.f + 64 + sizeof(Elf64_Phdr));
	dyn->p_offset = 0x1f80;
	refused_with(rf.f, rf.size, MAX_SPAN, ENOEXEC, "PT_DYNAMIC");
	dyn->p_offset = 0x100000;
	refused_with(rf.f, rf.size, MAX_SPAN, ENOEXEC, "PT_DYNAMIC");
	dyn->p_offset = 0x1800;
	dyn->p_filesz = 0x18;
	refused_with(rf.f, rf.size, MAX_SPAN, ENOEXEC, "PT_DYNAMIC");
	free(rf.f);
}

/* A dynamic section at an odd file offset must still be read correctly. */
static void test_dyn_unaligned_dynamic(void **state)
{
	struct reloc_file rf = reloc_file(0);
	Elf64_Phdr *dyn = (Elf64_Phdr *)(rf.f + 64 + sizeof(Elf64_Phdr));
	Elf64_Dyn d[3] = {
		{ .d_tag = DT_RELA, .d_un.d_ptr = 0x900 },
		{ .d_tag = DT_RELASZ, .d_un.d_val = sizeof(Elf64_Rela) },
		{ .d_tag = DT_NULL },
	};
	struct kj_program p;
	struct kj_err e = { 0 };

	memcpy(rf.f + 0x1c03, d, sizeof(d));
	dyn->p_offset = 0x1c03;
	dyn->p_filesz = sizeof(d);
	put_rela(&rf, 0, 0x100, R_X86_64_RELATIVE, 0x40);
	parses(rf.f, rf.size, &p);
	assert_int_equal(p.nrelocs, 1);
	assert_int_equal(kj_program_place(&p, 0x10000, &e), 0);
	assert_int_equal(rd64(p.image + 0x100), 0x10040);
	release(&p);
	free(rf.f);
}

/* An ET_EXEC program's dynamic section is not read. */
static void test_exec_ignores_dynamic(void **state)
{
	struct reloc_file rf = reloc_file(0x100000);
	struct kj_program p;
	struct kj_err e = { 0 };

	ehdr(rf.f)->e_type = ET_EXEC;
	add_dyn(&rf, DT_RELA, 0x100900);
	add_dyn(&rf, DT_RELASZ, sizeof(Elf64_Rela));
	put_rela(&rf, 0, 0x100100, R_X86_64_RELATIVE, 0x100040);
	parses(rf.f, rf.size, &p);
	assert_false(p.relocatable);
	assert_int_equal(p.nrelocs, 0);
	assert_int_equal(kj_program_place(&p, 0x100000, &e), 0);
	assert_int_equal(rd64(p.image + 0x100), 0);
	release(&p);
	free(rf.f);
}

/* --- malformed headers ------------------------------------------------ */

static void test_bad_truncated_header(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f = mk(&s);

	refused_with(f, 0, MAX_SPAN, ENOEXEC, "shorter than an ELF header");
	refused_with(f, 1, MAX_SPAN, ENOEXEC, "shorter than an ELF header");
	refused_with(f, sizeof(Elf64_Ehdr) - 1, MAX_SPAN, ENOEXEC,
		     "shorter than an ELF header");
	/* header complete, program headers cut */
	refused_with(f, sizeof(Elf64_Ehdr) + 10, MAX_SPAN, ENOEXEC,
		     "program headers lie outside");
	free(f);
}

static void test_bad_ident(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f = mk(&s);
	struct kj_program p;

	f[EI_MAG1] = 'F';
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "magic");
	f[EI_MAG1] = 'E';
	f[EI_MAG0] = 0;
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "magic");
	f[EI_MAG0] = ELFMAG0;
	f[EI_CLASS] = ELFCLASS32;
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "64-bit");
	f[EI_CLASS] = ELFCLASSNONE;
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "64-bit");
	f[EI_CLASS] = ELFCLASS64;
	f[EI_DATA] = ELFDATA2MSB;
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "little-endian");
	f[EI_DATA] = ELFDATA2LSB;
	parses(f, s.size, &p);	/* all put back */
	release(&p);
	free(f);
}

static void test_bad_machine_and_type(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f = mk(&s);

	ehdr(f)->e_machine = EM_386;
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "machine");
	ehdr(f)->e_machine = EM_AARCH64;
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "machine");
	ehdr(f)->e_machine = EM_X86_64;
	ehdr(f)->e_type = ET_REL;
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "ET_EXEC or ET_DYN");
	ehdr(f)->e_type = ET_CORE;
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "ET_EXEC or ET_DYN");
	ehdr(f)->e_type = ET_NONE;
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "ET_EXEC or ET_DYN");
	free(f);
}

static void test_bad_phdr_table(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f = mk(&s);

	ehdr(f)->e_phentsize = 32;
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "program header table size");
	ehdr(f)->e_phentsize = sizeof(Elf64_Phdr) + 8;
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "program header table size");
	ehdr(f)->e_phentsize = sizeof(Elf64_Phdr);
	ehdr(f)->e_phnum = 0;
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "program header table size");
	ehdr(f)->e_phnum = 65;
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "program header table size");
	ehdr(f)->e_phnum = 0xffff;
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "program header table size");
	ehdr(f)->e_phnum = 1;
	ehdr(f)->e_phoff = s.size;
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "program headers lie outside");
	ehdr(f)->e_phoff = s.size - sizeof(Elf64_Phdr) + 1;
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "program headers lie outside");
	ehdr(f)->e_phoff = UINT64_MAX - 8;
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "program headers lie outside");
	free(f);
}

/* 64 program headers are allowed, 65 are not. */
static void test_phnum_limit(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f;
	struct kj_program p;

	s.nph = 64;
	for (int i = 1; i < 64; i++)
		s.ph[i] = (struct seg){ PT_NULL, 0, 0, 0, 0, 0 };
	s.ph[63] = s.ph[0];
	s.ph[0] = (struct seg){ PT_NOTE, 0, 0, 0, 0, 0 };
	f = mk(&s);
	parses(f, s.size, &p);
	assert_int_equal(p.span, 0x2000);
	release(&p);
	free(f);
}

static void test_bad_segment_file_range(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f;

	s.ph[0].off = s.size + 1;
	f = mk(&s);
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "segment lies outside the file");
	free(f);

	s = base_dyn();
	s.ph[0].filesz = 0x401;		/* one byte past the end */
	f = mk(&s);
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "segment lies outside the file");
	free(f);

	s = base_dyn();
	s.ph[0].off = 0x1000;
	s.ph[0].filesz = UINT64_MAX - 0x800;	/* offset + size wraps */
	s.ph[0].memsz = UINT64_MAX - 0x800;
	f = mk(&s);
	refused_with(f, s.size, UINT64_MAX, ENOEXEC, "outside the file");
	free(f);
}

static void test_bad_filesz_over_memsz(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f;

	s.ph[0].memsz = 0x3ff;
	f = mk(&s);
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "file size exceeds");
	free(f);
}

static void test_bad_overlap(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f;
	struct kj_program p;

	/* plainly overlapping */
	s.nph = 2;
	s.size = 0x1200;
	s.ph[0] = (struct seg){ PT_LOAD, 0x1000, 0, 0, 0x100, 0x2000 };
	s.ph[1] = (struct seg){ PT_LOAD, 0x1100, 0x1000, 0x1000, 0x100, 0x2000 };
	f = mk(&s);
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "segments 0 and 1 overlap");
	free(f);

	/* one inside the other, listed second */
	s.ph[1] = (struct seg){ PT_LOAD, 0x1100, 0x800, 0x800, 0x100, 0x100 };
	f = mk(&s);
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "overlap");
	free(f);

	/* disjoint bytes, shared page */
	s.ph[0] = (struct seg){ PT_LOAD, 0x1000, 0, 0, 0x100, 0x800 };
	s.ph[1] = (struct seg){ PT_LOAD, 0x1100, 0x800, 0x800, 0x100, 0x800 };
	f = mk(&s);
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "overlap");
	free(f);

	/* third against first, with a gap segment between */
	s.nph = 3;
	s.ph[0] = (struct seg){ PT_LOAD, 0x1000, 0x10000, 0x10000, 0x100, 0x1000 };
	s.ph[1] = (struct seg){ PT_LOAD, 0x1100, 0x20000, 0x20000, 0x100, 0x1000 };
	s.ph[2] = (struct seg){ PT_LOAD, 0x1100, 0x10fff, 0x10fff, 0x10, 0x10 };
	s.entry = 0x10000;
	f = mk(&s);
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "segments 0 and 2 overlap");
	free(f);

	/* adjacent pages, in reverse order: fine */
	s.nph = 2;
	s.entry = 0x1000;
	s.ph[0] = (struct seg){ PT_LOAD, 0x1100, 0x1000, 0x1000, 0x100, 0x1000 };
	s.ph[1] = (struct seg){ PT_LOAD, 0x1000, 0, 0, 0x100, 0x1000 };
	f = mk(&s);
	memset(f + 0x1000, 0xaa, 0x100);
	memset(f + 0x1100, 0xbb, 0x100);
	parses(f, s.size, &p);
	assert_int_equal(p.span, 0x2000);
	assert_int_equal(p.entry_off, 0x1000);
	assert_memory_equal(p.image, f + 0x1000, 0x100);
	assert_memory_equal(p.image + 0x1000, f + 0x1100, 0x100);
	release(&p);
	free(f);
}

static void test_bad_wraparound(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f;

	s.ph[0].vaddr = 0xfffffffffffff000ULL;
	s.ph[0].memsz = 0x2000;
	s.entry = 0xfffffffffffff000ULL;
	f = mk(&s);
	refused_with(f, s.size, UINT64_MAX, ENOEXEC, "wraps around");
	free(f);

	/* ET_EXEC: the physical address is the one that counts */
	s = base_dyn();
	s.type = ET_EXEC;
	s.ph[0].paddr = UINT64_MAX - 0xfff;
	s.ph[0].memsz = 0x1000;
	f = mk(&s);
	refused_with(f, s.size, UINT64_MAX, ENOEXEC, "wraps around");
	free(f);
}

static void test_bad_too_large(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f;
	struct kj_program p;
	struct kj_err e = { 0 };

	s.ph[0].memsz = 0x10000;
	f = mk(&s);
	refused_with(f, s.size, 0x8000, EFBIG, "program needs 64 KiB");
	refused_with(f, s.size, 0x8000, EFBIG, "limit is 32 KiB");
	refused_with(f, s.size, 0xffff, EFBIG, "KiB");
	assert_int_equal(kj_program_parse(f, s.size, 0x10000, &p, &e), 0);
	release(&p);
	free(f);

	/* a terabyte of bss is refused before anything is allocated */
	s.ph[0].memsz = 1ULL << 40;
	f = mk(&s);
	refused_with(f, s.size, MAX_SPAN, EFBIG, "KiB");
	free(f);

	/* segments far apart make a large span too */
	s = base_dyn();
	s.nph = 2;
	s.size = 0x1500;
	s.ph[1] = (struct seg){ PT_LOAD, 0x1400, 0x40000000, 0x40000000, 0x100, 0x1000 };
	f = mk(&s);
	refused_with(f, s.size, MAX_SPAN, EFBIG, "KiB");
	free(f);
}

static void test_bad_entry(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f;
	struct kj_program p;

	s.entry = 0x2000;	/* the end of the 8 KiB image */
	f = mk(&s);
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "entry point");
	ehdr(f)->e_entry = 0x5000;
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "entry point");
	ehdr(f)->e_entry = UINT64_MAX;
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "entry point");
	ehdr(f)->e_entry = 0x1fff;
	parses(f, s.size, &p);
	assert_int_equal(p.entry_off, 0x1fff);
	release(&p);
	free(f);

	s.ph[0].vaddr = 0x10000;
	s.entry = 0xfff0;	/* just below */
	f = mk(&s);
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "entry point");
	free(f);
}

static void test_bad_interp(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f;

	s.nph = 2;
	s.ph[1] = (struct seg){ PT_INTERP, 0x1000, 0, 0, 0x1c, 0x1c };
	f = mk(&s);
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "PT_INTERP");
	free(f);
}

static void test_bad_no_load(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f;

	s.ph[0].type = PT_NOTE;
	f = mk(&s);
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "no loadable segment");
	free(f);

	s = base_dyn();
	s.ph[0].filesz = 0;
	s.ph[0].memsz = 0;
	f = mk(&s);
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "no loadable segment");
	free(f);
}

/* --- the parameter block ---------------------------------------------- */

static void test_params_found(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f = mk(&s);
	struct kj_program p;

	put_params(f, 0x1040, KJUMP_ABI_VERSION, sizeof(struct kjump_params));
	parses(f, s.size, &p);
	assert_true(p.has_params);
	assert_int_equal(p.params_off, 0x40);
	release(&p);
	free(f);
}

static void test_params_in_second_segment(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f;
	struct kj_program p;

	s.nph = 2;
	s.size = 0x1500;
	s.ph[1] = (struct seg){ PT_LOAD, 0x1400, 0x3000, 0x3000, 0x100, 0x100 };
	f = mk(&s);
	put_params(f, 0x1408, KJUMP_ABI_VERSION, sizeof(struct kjump_params));
	parses(f, s.size, &p);
	assert_true(p.has_params);
	assert_int_equal(p.params_off, 0x3008);
	release(&p);
	free(f);
}

/* Only 8-byte aligned blocks count. */
static void test_params_unaligned_ignored(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f = mk(&s);
	struct kj_program p;

	put_params(f, 0x1044, KJUMP_ABI_VERSION, sizeof(struct kjump_params));
	parses(f, s.size, &p);
	assert_false(p.has_params);
	release(&p);
	free(f);
}

static void test_params_two_blocks(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f = mk(&s);

	put_params(f, 0x1000, KJUMP_ABI_VERSION, sizeof(struct kjump_params));
	put_params(f, 0x1100, KJUMP_ABI_VERSION, sizeof(struct kjump_params));
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "two kjump parameter blocks");
	free(f);
}

static void test_params_wrong_version(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f = mk(&s);
	char word[64];

	put_params(f, 0x1040, KJUMP_ABI_VERSION + 1, sizeof(struct kjump_params));
	snprintf(word, sizeof(word), "version %u", KJUMP_ABI_VERSION + 1);
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, word);
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, "rebuild");
	put_params(f, 0x1040, KJUMP_ABI_VERSION, sizeof(struct kjump_params) - 8);
	snprintf(word, sizeof(word), "size %zu", sizeof(struct kjump_params) - 8);
	refused_with(f, s.size, MAX_SPAN, ENOEXEC, word);
	free(f);
}

/* A block that runs past the file-backed bytes is not a block. */
static void test_params_cut_by_bss(void **state)
{
	struct spec s = base_dyn();
	uint8_t *f = mk(&s);
	struct kj_program p;

	put64(f, 0x1400 - sizeof(struct kjump_params) + 8, KJUMP_PARAMS_MAGIC);
	parses(f, s.size, &p);
	assert_false(p.has_params);
	release(&p);
	free(f);
}

/* Refusals after the image is allocated free it. */
static void test_late_refusal_frees(void **state)
{
	struct reloc_file rf = reloc_file(0);

	add_dyn(&rf, DT_RELA, 0x900);
	add_dyn(&rf, DT_RELASZ, sizeof(Elf64_Rela));
	put_rela(&rf, 0, 0x100, R_X86_64_RELATIVE, 0x10);
	put_params(rf.f, 0x1040, KJUMP_ABI_VERSION, sizeof(struct kjump_params));
	put_params(rf.f, 0x1200, KJUMP_ABI_VERSION, sizeof(struct kjump_params));
	refused_with(rf.f, rf.size, MAX_SPAN, ENOEXEC, "two kjump parameter blocks");
	free(rf.f);
}

int main(void)
{
	accounting = accounting_works();
	if (!accounting)
		print_message("# malloc is replaced (valgrind?): leak accounting off\n");

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello),
		cmocka_unit_test(test_checksum),
		cmocka_unit_test(test_truncated_hello),
		cmocka_unit_test(test_truncated_checksum),
		cmocka_unit_test(test_corrupted_hello),
		cmocka_unit_test(test_synth_baseline),
		cmocka_unit_test(test_exec_fixed_address),
		cmocka_unit_test(test_dyn_relative_at_zero),
		cmocka_unit_test(test_dyn_relative_linked_high),
		cmocka_unit_test(test_dyn_unsupported_reloc),
		cmocka_unit_test(test_dyn_linking_refused),
		cmocka_unit_test(test_dyn_malformed),
		cmocka_unit_test(test_dyn_unaligned_dynamic),
		cmocka_unit_test(test_exec_ignores_dynamic),
		cmocka_unit_test(test_bad_truncated_header),
		cmocka_unit_test(test_bad_ident),
		cmocka_unit_test(test_bad_machine_and_type),
		cmocka_unit_test(test_bad_phdr_table),
		cmocka_unit_test(test_phnum_limit),
		cmocka_unit_test(test_bad_segment_file_range),
		cmocka_unit_test(test_bad_filesz_over_memsz),
		cmocka_unit_test(test_bad_overlap),
		cmocka_unit_test(test_bad_wraparound),
		cmocka_unit_test(test_bad_too_large),
		cmocka_unit_test(test_bad_entry),
		cmocka_unit_test(test_bad_interp),
		cmocka_unit_test(test_bad_no_load),
		cmocka_unit_test(test_params_found),
		cmocka_unit_test(test_params_in_second_segment),
		cmocka_unit_test(test_params_unaligned_ignored),
		cmocka_unit_test(test_params_two_blocks),
		cmocka_unit_test(test_params_wrong_version),
		cmocka_unit_test(test_params_cut_by_bss),
		cmocka_unit_test(test_late_refusal_frees),
	};

	return cmocka_run_group_tests_name("program", tests, NULL, NULL);
}
