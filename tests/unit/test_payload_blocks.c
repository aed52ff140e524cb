// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The parameter blocks kjump shares with its assembly payloads
 * (payload/include/kjump/{purgatory,jumpback,restore}.h).
 *
 * The headers check each struct against the offset macros the .S files
 * use at compile time. This test pins both to the layout the payloads
 * were written for, byte by byte, and checks that the block each built
 * payload reserves (the magic the loader searches for, then zeros) is
 * as long as the struct kjump copies over it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "file_support.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/program.h"
#include "../../payload/include/kjump/jumpback.h"
#include "../../payload/include/kjump/purgatory.h"
#include "../../payload/include/kjump/restore.h"

static uint64_t le64(const void *p, size_t off)
{
	const uint8_t *b = (const uint8_t *)p + off;
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

static void test_purgatory_layout(void **state)
{
	struct kj_purgatory_params p = {
		.magic = KJ_PURGATORY_MAGIC, .kernel_entry = 0x1111, .boot_params = 0x2222,
		.entry_digits = 0x3333, .recorded = 0x4444,
	};

	assert_int_equal(sizeof(p), 40);
	assert_memory_equal(&p, "KJPPRG1", 8);
	assert_int_equal(le64(&p, 8), 0x1111);
	assert_int_equal(le64(&p, 16), 0x2222);
	assert_int_equal(le64(&p, 24), 0x3333);
	assert_int_equal(le64(&p, 32), 0x4444);
	assert_int_equal(KJ_PURGATORY_ENTRY_DIGITS, 16);
}

static void test_jumpback_layout(void **state)
{
	struct kj_jumpback_params p = {
		.magic = KJ_JUMPBACK_MAGIC, .entry = 0x1111, .flags = KJ_JUMPBACK_ONE_WAY,
	};

	assert_int_equal(sizeof(p), 24);
	assert_memory_equal(&p, "KJBCK1\0", 8);
	assert_int_equal(le64(&p, 8), 0x1111);
	assert_int_equal(le64(&p, 16), 1);
}

static void test_restore_layout(void **state)
{
	struct kj_restore_params p = {
		.magic = KJ_RESTORE_PARAMS_MAGIC, .manifest = 1, .pgt = 2, .pgt_size = 3,
		.scratch = 4, .scratch_size = 5, .cin = 6, .cin_size = 7, .stack_top = 8,
		.fs_area = 9, .progress = 10,
	};
	struct kj_restore_manifest m = { .magic = KJ_RESTORE_MANIFEST_MAGIC };

	assert_int_equal(sizeof(p), 88);
	assert_memory_equal(&p, "KJRSTP1", 8);
	for (unsigned i = 1; i <= 10; i++)
		assert_int_equal(le64(&p, 8 * i), i);
	assert_memory_equal(&m, "KJRSMN2", 8);
	assert_int_equal(sizeof(m), 136);
	assert_int_equal(offsetof(struct kj_restore_manifest, ncopies), 88);
	assert_int_equal(offsetof(struct kj_restore_manifest, copies_first_page), 96);
	assert_int_equal(offsetof(struct kj_restore_manifest, pages_in_place), 120);
	assert_int_equal(sizeof(struct kj_restore_chunk), 24);
	assert_int_equal(offsetof(struct kj_restore_chunk, stream_first), 16);
	assert_int_equal(sizeof(struct kj_restore_copy), 16);
}

/* The symbol `name` in the ELF's symbol table; fails if absent. */
static Elf64_Sym find_symbol(const uint8_t *f, size_t len, const char *name)
{
	Elf64_Ehdr eh;

	memcpy(&eh, f, sizeof(eh));
	assert_true(eh.e_shoff && eh.e_shoff + (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr) <= len);
	for (int i = 0; i < eh.e_shnum; i++) {
		Elf64_Shdr sh, str;

		memcpy(&sh, f + eh.e_shoff + i * sizeof(Elf64_Shdr), sizeof(sh));
		if (sh.sh_type != SHT_SYMTAB)
			continue;
		assert_true(sh.sh_link < eh.e_shnum);
		memcpy(&str, f + eh.e_shoff + sh.sh_link * sizeof(Elf64_Shdr), sizeof(str));
		assert_true(sh.sh_offset + sh.sh_size <= len && str.sh_offset + str.sh_size <= len);
		for (uint64_t o = 0; o + sizeof(Elf64_Sym) <= sh.sh_size; o += sizeof(Elf64_Sym)) {
			Elf64_Sym s;

			memcpy(&s, f + sh.sh_offset + o, sizeof(s));
			if (s.st_name < str.sh_size &&
			    strcmp((const char *)f + str.sh_offset + s.st_name, name) == 0)
				return s;
		}
	}
	fail_msg("no symbol %s", name);
	return (Elf64_Sym){ 0 };
}

/* The built payload holds its block where its symbol says, as long as
 * the struct, holding the magic and then zeros; the loader finds it. */
static void check_block(const char *elf, const char *symbol, uint64_t magic, size_t size)
{
	size_t len;
	uint8_t *f = load_file(elf, &len);
	struct kj_program p;
	struct kj_err e = { 0 };
	uint64_t off;

	assert_int_equal(kj_program_parse(f, len, 16u << 20, &p, &e), 0);
	assert_int_equal(kj_program_find_block(&p, magic, size, "the payload", &off, &e), 0);

	Elf64_Sym s = find_symbol(f, len, symbol);

	assert_int_equal(s.st_value - p.link_base, off);
	assert_int_equal(s.st_size, size);
	assert_int_equal(off % 8, 0);
	assert_int_equal(le64(p.image, off), magic);
	for (size_t i = 8; i < size; i++)
		assert_int_equal(p.image[off + i], 0);
	kj_program_free(&p);
	free(f);
}

static void test_purgatory_block(void **state)
{
	check_block(KJ_BUILD_DIR "/payload/purgatory.elf", "kj_purgatory_params",
		    KJ_PURGATORY_MAGIC, sizeof(struct kj_purgatory_params));
}

static void test_jumpback_block(void **state)
{
	check_block(KJ_BUILD_DIR "/payload/jumpback.elf", "kj_jumpback_params",
		    KJ_JUMPBACK_MAGIC, sizeof(struct kj_jumpback_params));
}

static void test_restore_block(void **state)
{
	check_block(KJ_BUILD_DIR "/payload/restore.elf", "kj_restore_params",
		    KJ_RESTORE_PARAMS_MAGIC, sizeof(struct kj_restore_params));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_purgatory_layout),
		cmocka_unit_test(test_jumpback_layout),
		cmocka_unit_test(test_restore_layout),
		cmocka_unit_test(test_purgatory_block),
		cmocka_unit_test(test_jumpback_block),
		cmocka_unit_test(test_restore_block),
	};

	return cmocka_run_group_tests_name("payload_blocks", tests, NULL, NULL);
}
