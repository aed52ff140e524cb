// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/vmcoreinfo.c: a VMCOREINFO text laid out the way a
 * Debian 6.12 x86_64 kernel writes it (kernel/vmcore_info.c, printk's
 * additions, arch/x86/kernel/vmcore_info_64.c), every value family, and
 * hostile texts: no final newline, NULs inside and after, overlong lines,
 * lines without '=', bad bytes, numbers that overflow, duplicate keys, too
 * many keys, too much text, and random bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/vmcoreinfo.h"

/* What a 6.12 x86_64 kernel with KASLR writes (values made up, layout and
 * formats as the kernel prints them). */
static const char real_612[] =
	"OSRELEASE=6.12.12-amd64\n"
	"BUILD-ID=3f9a0c5e7d21b84a6c0e9f13d2b7a85e41c06d97\n"
	"PAGESIZE=4096\n"
	"SYMBOL(init_uts_ns)=ffffffffa4a1b4e0\n"
	"OFFSET(uts_namespace.name)=0\n"
	"SYMBOL(node_online_map)=ffffffffa4b5e3c8\n"
	"SYMBOL(swapper_pg_dir)=ffffffffa4a2c000\n"
	"SYMBOL(_stext)=ffffffffa2e00000\n"
	"NUMBER(VMALLOC_START)=0xffffb0e1c0000000\n"
	"SYMBOL(vmemmap)=ffffd7a840000000\n"
	"SYMBOL(mem_section)=ffff8f0c7ffd2000\n"
	"LENGTH(mem_section)=2048\n"
	"SIZE(mem_section)=16\n"
	"OFFSET(mem_section.section_mem_map)=0\n"
	"NUMBER(SECTION_SIZE_BITS)=27\n"
	"NUMBER(MAX_PHYSMEM_BITS)=46\n"
	"SIZE(page)=64\n"
	"SIZE(pglist_data)=174720\n"
	"SIZE(zone)=1600\n"
	"SIZE(free_area)=104\n"
	"SIZE(list_head)=16\n"
	"SIZE(nodemask_t)=128\n"
	"OFFSET(page.flags)=0\n"
	"OFFSET(page._refcount)=52\n"
	"OFFSET(page.mapping)=24\n"
	"OFFSET(page.lru)=8\n"
	"OFFSET(page._mapcount)=48\n"
	"OFFSET(page.private)=40\n"
	"OFFSET(page.compound_head)=8\n"
	"OFFSET(pglist_data.node_zones)=0\n"
	"OFFSET(pglist_data.nr_zones)=172040\n"
	"OFFSET(pglist_data.node_start_pfn)=172048\n"
	"OFFSET(pglist_data.node_spanned_pages)=172064\n"
	"OFFSET(pglist_data.node_id)=172072\n"
	"OFFSET(zone.free_area)=192\n"
	"OFFSET(zone.vm_stat)=1408\n"
	"OFFSET(zone.spanned_pages)=104\n"
	"OFFSET(free_area.free_list)=0\n"
	"OFFSET(list_head.next)=0\n"
	"OFFSET(list_head.prev)=8\n"
	"LENGTH(zone.free_area)=11\n"
	"SYMBOL(prb)=ffffffffa4883a20\n"
	"SYMBOL(printk_rb_static)=ffffffffa4883a40\n"
	"SYMBOL(clear_seq)=ffffffffa5402de0\n"
	"SIZE(printk_ringbuffer)=80\n"
	"OFFSET(printk_ringbuffer.desc_ring)=0\n"
	"OFFSET(printk_ringbuffer.text_data_ring)=48\n"
	"OFFSET(printk_ringbuffer.fail)=72\n"
	"SIZE(prb_desc_ring)=48\n"
	"OFFSET(prb_desc_ring.count_bits)=0\n"
	"SIZE(atomic_long_t)=8\n"
	"OFFSET(atomic_long_t.counter)=0\n"
	"SIZE(latched_seq)=24\n"
	"OFFSET(latched_seq.val)=8\n"
	"LENGTH(free_area.free_list)=6\n"
	"NUMBER(NR_FREE_PAGES)=0\n"
	"NUMBER(PG_lru)=5\n"
	"NUMBER(PG_private)=14\n"
	"NUMBER(PG_swapcache)=10\n"
	"NUMBER(PG_swapbacked)=17\n"
	"NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-184549376\n"
	"NUMBER(PG_hwpoison)=21\n"
	"NUMBER(PG_head_mask)=64\n"
	"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456\n"
	"NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=-201326592\n"
	"NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-251658240\n"
	"SYMBOL(kallsyms_names)=ffffffffa3d0f1b8\n"
	"SYMBOL(kallsyms_num_syms)=ffffffffa3d0f1b0\n"
	"SYMBOL(kallsyms_token_table)=ffffffffa3ea2d28\n"
	"SYMBOL(kallsyms_token_index)=ffffffffa3ea30c0\n"
	"SYMBOL(kallsyms_offsets)=ffffffffa3c5c1a8\n"
	"SYMBOL(kallsyms_relative_base)=ffffffffa3d0f1a8\n"
	"NUMBER(phys_base)=1008730112\n"
	"SYMBOL(init_top_pgt)=ffffffffa4a0c000\n"
	"NUMBER(pgtable_l5_enabled)=0\n"
	"SYMBOL(node_data)=ffffffffa4b5a960\n"
	"LENGTH(node_data)=1024\n"
	"KERNELOFFSET=21e00000\n"
	"NUMBER(KERNEL_IMAGE_SIZE)=1073741824\n"
	"NUMBER(sme_mask)=0\n"
	"CRASHTIME=1739812345\n";

static void parse_ok(struct kj_vmcoreinfo *vi, const char *text, size_t len)
{
	struct kj_err e = { 0 };
	int rc = kj_vmcoreinfo_parse(text, len, vi, &e);

	if (rc)
		print_message("unexpected failure: %s\n", e.msg);
	assert_int_equal(rc, 0);
}

static uint64_t get(const struct kj_vmcoreinfo *vi, const char *key)
{
	uint64_t v = 0xdeadbeef;

	if (kj_vmcoreinfo_get(vi, key, &v))
		fail_msg("%s missing", key);
	return v;
}

static void assert_missing(const struct kj_vmcoreinfo *vi, const char *key)
{
	uint64_t v = 0x1234;

	assert_int_equal(kj_vmcoreinfo_get(vi, key, &v), -1);
	assert_int_equal(v, 0x1234);	/* untouched */
}

static void test_real_612(void **state)
{
	struct kj_vmcoreinfo vi;

	parse_ok(&vi, real_612, sizeof(real_612) - 1);
	assert_int_equal(vi.skipped, 0);
	assert_string_equal(kj_vmcoreinfo_str(&vi, "OSRELEASE"), "6.12.12-amd64");
	assert_string_equal(kj_vmcoreinfo_str(&vi, "BUILD-ID"),
			    "3f9a0c5e7d21b84a6c0e9f13d2b7a85e41c06d97");
	assert_int_equal(get(&vi, "PAGESIZE"), 4096);
	assert_int_equal(get(&vi, "SYMBOL(init_top_pgt)"), 0xffffffffa4a0c000ull);
	assert_int_equal(get(&vi, "SYMBOL(vmemmap)"), 0xffffd7a840000000ull);
	assert_int_equal(get(&vi, "SYMBOL(_stext)"), 0xffffffffa2e00000ull);
	assert_int_equal(get(&vi, "KERNELOFFSET"), 0x21e00000);
	/* _stext is the link address 0xffffffff81000000 moved by KASLR */
	assert_int_equal(get(&vi, "SYMBOL(_stext)") - get(&vi, "KERNELOFFSET"),
			 0xffffffff81000000ull);
	assert_int_equal(get(&vi, "NUMBER(VMALLOC_START)"), 0xffffb0e1c0000000ull);
	assert_int_equal(get(&vi, "NUMBER(phys_base)"), 0x3c200000);
	assert_int_equal(get(&vi, "NUMBER(pgtable_l5_enabled)"), 0);
	assert_int_equal(get(&vi, "NUMBER(sme_mask)"), 0);
	assert_int_equal(get(&vi, "NUMBER(KERNEL_IMAGE_SIZE)"), 1ull << 30);
	assert_int_equal(get(&vi, "SIZE(page)"), 64);
	assert_int_equal(get(&vi, "OFFSET(page._mapcount)"), 48);
	assert_int_equal(get(&vi, "OFFSET(page.private)"), 40);
	assert_int_equal(get(&vi, "OFFSET(uts_namespace.name)"), 0);
	assert_int_equal(get(&vi, "LENGTH(zone.free_area)"), 11);
	assert_int_equal(get(&vi, "LENGTH(mem_section)"), 2048);
	assert_int_equal(get(&vi, "SIZE(pglist_data)"), 174720);
	assert_int_equal(get(&vi, "CRASHTIME"), 1739812345);
	/* negative numbers come back as two's complement */
	assert_int_equal(get(&vi, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)"),
			 (uint64_t)(int64_t)-268435456);
	assert_int_equal((uint32_t)get(&vi, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)"),
			 0xf0000000u);
	assert_int_equal((uint32_t)get(&vi, "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)"),
			 0xf1000000u);
	assert_int_equal((uint32_t)get(&vi, "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)"),
			 0xf5000000u);
	assert_int_equal((uint32_t)get(&vi, "NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)"),
			 0xf4000000u);
	/* strings are not numbers; a missing key is missing */
	assert_missing(&vi, "OSRELEASE");
	assert_missing(&vi, "BUILD-ID");
	assert_missing(&vi, "SYMBOL(nonexistent)");
	assert_missing(&vi, "SYMBOL(init_top_pgt");	/* prefix only */
	assert_missing(&vi, "symbol(init_top_pgt)");	/* case matters */
	assert_missing(&vi, "");
	assert_null(kj_vmcoreinfo_str(&vi, "OSRELEAS"));
	assert_null(kj_vmcoreinfo_str(&vi, NULL));
	/* the value text of numbers is kept as written */
	assert_string_equal(kj_vmcoreinfo_str(&vi, "SYMBOL(vmemmap)"),
			    "ffffd7a840000000");
	/* val may be NULL: a presence test */
	assert_int_equal(kj_vmcoreinfo_get(&vi, "SIZE(page)", NULL), 0);
	kj_vmcoreinfo_free(&vi);
	assert_null(vi.ent);
	assert_int_equal(vi.n, 0);
	kj_vmcoreinfo_free(&vi);	/* twice is harmless */
	assert_missing(&vi, "SIZE(page)");	/* freed: empty */
}

/* The note's descriptor as the kernel stores it: one page, NUL-padded. */
static void test_padded_page(void **state)
{
	char *page = calloc(1, 4096);
	struct kj_vmcoreinfo vi;

	assert_non_null(page);
	memcpy(page, real_612, sizeof(real_612) - 1);
	parse_ok(&vi, page, 4096);
	assert_int_equal(vi.skipped, 0);
	assert_int_equal(get(&vi, "SIZE(page)"), 64);
	assert_int_equal(get(&vi, "CRASHTIME"), 1739812345);
	kj_vmcoreinfo_free(&vi);
	free(page);
}

static void test_no_final_newline(void **state)
{
	static const char t[] = "PAGESIZE=4096\nSYMBOL(vmemmap)=ffffea0000000000";
	struct kj_vmcoreinfo vi;

	parse_ok(&vi, t, sizeof(t) - 1);
	assert_int_equal(get(&vi, "SYMBOL(vmemmap)"), 0xffffea0000000000ull);
	kj_vmcoreinfo_free(&vi);

	/* a length that cuts the last value short is honoured */
	parse_ok(&vi, t, sizeof(t) - 1 - 4);
	assert_int_equal(get(&vi, "SYMBOL(vmemmap)"), 0xffffea000000ull);
	kj_vmcoreinfo_free(&vi);
}

static void test_embedded_nuls(void **state)
{
	static const char t[] = "A=1\0garbage\0B=2\n\0\0C=3\0\0\0";
	struct kj_vmcoreinfo vi;

	parse_ok(&vi, t, sizeof(t) - 1);
	assert_int_equal(get(&vi, "A"), 1);
	assert_int_equal(get(&vi, "B"), 2);
	assert_int_equal(get(&vi, "C"), 3);
	assert_int_equal(vi.skipped, 1);	/* "garbage" */
	kj_vmcoreinfo_free(&vi);

	/* a NUL inside a value ends the line there */
	static const char u[] = "SIZE(page)=6\0004\n";
	parse_ok(&vi, u, sizeof(u) - 1);
	assert_int_equal(get(&vi, "SIZE(page)"), 6);
	assert_int_equal(vi.skipped, 1);	/* "4" */
	kj_vmcoreinfo_free(&vi);
}

static void test_overlong_lines(void **state)
{
	size_t cap = 20000, n = 0;
	char *t = malloc(cap);
	struct kj_vmcoreinfo vi;
	char key127[128], key128[129];

	assert_non_null(t);
	/* a 10000-byte line, then good lines */
	n += (size_t)sprintf(t + n, "SYMBOL(long)=");
	memset(t + n, 'f', 10000);
	n += 10000;
	t[n++] = '\n';
	n += (size_t)sprintf(t + n, "SIZE(page)=64\n");
	/* a key of exactly the limit, and one over */
	memset(key127, 'K', 127);
	key127[127] = '\0';
	memset(key128, 'L', 128);
	key128[128] = '\0';
	n += (size_t)sprintf(t + n, "%s=7\n%s=8\n", key127, key128);
	/* a value of exactly the limit, and one over */
	n += (size_t)sprintf(t + n, "V255=");
	memset(t + n, 'v', 255);
	n += 255;
	n += (size_t)sprintf(t + n, "\nV256=");
	memset(t + n, 'w', 256);
	n += 256;
	n += (size_t)sprintf(t + n, "\nOFFSET(page.private)=40");
	assert_true(n < cap);

	parse_ok(&vi, t, n);
	assert_int_equal(get(&vi, "SIZE(page)"), 64);
	assert_int_equal(get(&vi, "OFFSET(page.private)"), 40);
	assert_int_equal(get(&vi, key127), 7);
	assert_missing(&vi, key128);
	assert_missing(&vi, "SYMBOL(long)");
	assert_non_null(kj_vmcoreinfo_str(&vi, "V255"));
	assert_int_equal(strlen(kj_vmcoreinfo_str(&vi, "V255")), 255);
	assert_null(kj_vmcoreinfo_str(&vi, "V256"));
	assert_int_equal(vi.skipped, 3);
	kj_vmcoreinfo_free(&vi);
	free(t);
}

static void test_garbage_lines(void **state)
{
	static const char t[] =
		"no equals sign here\n"
		"=value without key\n"
		"\n\n   \n"
		"KEY WITH SPACE=1\n"
		"TAB\tKEY=1\n"
		"CTRL=a\001b\n"
		"HIGH\xff=1\n"
		"VAL=\xc3\xa9\n"
		"GOOD=5\r\n"
		"TRAIL=6  \t\n"
		"EQ=a=b\n"
		"EMPTY=\n";
	struct kj_vmcoreinfo vi;

	parse_ok(&vi, t, sizeof(t) - 1);
	assert_int_equal(get(&vi, "GOOD"), 5);	/* CR stripped */
	assert_int_equal(get(&vi, "TRAIL"), 6);
	assert_string_equal(kj_vmcoreinfo_str(&vi, "EQ"), "a=b");
	assert_string_equal(kj_vmcoreinfo_str(&vi, "EMPTY"), "");
	assert_missing(&vi, "EMPTY");
	assert_null(kj_vmcoreinfo_str(&vi, "CTRL"));
	assert_null(kj_vmcoreinfo_str(&vi, "VAL"));
	assert_null(kj_vmcoreinfo_str(&vi, "KEY WITH SPACE"));
	assert_int_equal(vi.n, 4);
	assert_int_equal(vi.skipped, 7);
	kj_vmcoreinfo_free(&vi);
}

static void test_numbers(void **state)
{
	static const char t[] =
		"SIZE(max)=18446744073709551615\n"
		"SIZE(over)=18446744073709551616\n"
		"SIZE(neg)=-1\n"
		"SIZE(hex)=0x40\n"
		"SIZE(junk)=64k\n"
		"OFFSET(huge)=99999999999999999999999999\n"
		"SYMBOL(max)=ffffffffffffffff\n"
		"SYMBOL(over)=1ffffffffffffffff\n"
		"SYMBOL(zeros)=0000000000000000000000ff\n"
		"SYMBOL(prefixed)=0xffffffff81000000\n"
		"SYMBOL(upper)=FFFFFFFF81000000\n"
		"SYMBOL(bad)=ffffffffg1000000\n"
		"SYMBOL(neg)=-1\n"
		"KERNELOFFSET=0\n"
		"NUMBER(min)=-9223372036854775808\n"
		"NUMBER(under)=-9223372036854775809\n"
		"NUMBER(minus1)=-1\n"
		"NUMBER(big)=18446744073709551615\n"
		"NUMBER(hex)=0xffffb0e1c0000000\n"
		"NUMBER(neghex)=-0x10\n"
		"NUMBER(dash)=-\n"
		"NUMBER(x)=0x\n"
		"NUMBER(space)= 5\n"
		"NUMBER(plus)=+5\n"
		"NUMBER(octal)=010\n"
		"NUMBER(hexword)=ff\n"
		"CRASHTIME=-5\n"
		"PAGESIZE=4096x\n";
	struct kj_vmcoreinfo vi;

	parse_ok(&vi, t, sizeof(t) - 1);
	assert_int_equal(get(&vi, "SIZE(max)"), UINT64_MAX);
	assert_missing(&vi, "SIZE(over)");
	assert_missing(&vi, "SIZE(neg)");	/* sizes are unsigned */
	assert_int_equal(get(&vi, "SIZE(hex)"), 64);
	assert_missing(&vi, "SIZE(junk)");
	assert_missing(&vi, "OFFSET(huge)");
	assert_int_equal(get(&vi, "SYMBOL(max)"), UINT64_MAX);
	assert_missing(&vi, "SYMBOL(over)");
	assert_int_equal(get(&vi, "SYMBOL(zeros)"), 0xff);
	assert_int_equal(get(&vi, "SYMBOL(prefixed)"), 0xffffffff81000000ull);
	assert_int_equal(get(&vi, "SYMBOL(upper)"), 0xffffffff81000000ull);
	assert_missing(&vi, "SYMBOL(bad)");
	assert_missing(&vi, "SYMBOL(neg)");
	assert_int_equal(get(&vi, "KERNELOFFSET"), 0);
	assert_int_equal(get(&vi, "NUMBER(min)"), 0x8000000000000000ull);
	assert_missing(&vi, "NUMBER(under)");
	assert_int_equal(get(&vi, "NUMBER(minus1)"), UINT64_MAX);
	assert_int_equal(get(&vi, "NUMBER(big)"), UINT64_MAX);
	assert_int_equal(get(&vi, "NUMBER(hex)"), 0xffffb0e1c0000000ull);
	assert_int_equal(get(&vi, "NUMBER(neghex)"), (uint64_t)(int64_t)-16);
	assert_missing(&vi, "NUMBER(dash)");
	assert_missing(&vi, "NUMBER(x)");
	assert_missing(&vi, "NUMBER(space)");
	assert_missing(&vi, "NUMBER(plus)");
	assert_int_equal(get(&vi, "NUMBER(octal)"), 10);	/* %ld: decimal */
	assert_missing(&vi, "NUMBER(hexword)");
	assert_int_equal(get(&vi, "CRASHTIME"), (uint64_t)(int64_t)-5);
	assert_missing(&vi, "PAGESIZE");
	assert_int_equal(vi.skipped, 0);
	kj_vmcoreinfo_free(&vi);
}

static void test_duplicates_last_wins(void **state)
{
	static const char t[] =
		"SIZE(page)=64\n"
		"OSRELEASE=6.1.0\n"
		"SIZE(page)=80\n"
		"OSRELEASE=6.12.12\n"
		"NUMBER(x)=5\n"
		"NUMBER(x)=junk\n";
	struct kj_vmcoreinfo vi;

	parse_ok(&vi, t, sizeof(t) - 1);
	assert_int_equal(vi.n, 3);
	assert_int_equal(get(&vi, "SIZE(page)"), 80);
	assert_string_equal(kj_vmcoreinfo_str(&vi, "OSRELEASE"), "6.12.12");
	/* the last value is not a number: no stale number survives */
	assert_missing(&vi, "NUMBER(x)");
	kj_vmcoreinfo_free(&vi);
}

static void test_entry_limit(void **state)
{
	size_t cap = 64 * 1024, n = 0;
	char *t = malloc(cap);
	struct kj_vmcoreinfo vi;

	assert_non_null(t);
	for (int i = 0; i < 2000; i++)
		n += (size_t)snprintf(t + n, cap - n, "K%d=%d\n", i, i);
	n += (size_t)snprintf(t + n, cap - n, "K5=55\n");	/* existing key */
	assert_true(n < cap);
	parse_ok(&vi, t, n);
	assert_int_equal(vi.n, KJ_VMCOREINFO_MAX_ENTRIES);
	assert_int_equal(vi.skipped, 2000 - KJ_VMCOREINFO_MAX_ENTRIES);
	assert_int_equal(get(&vi, "K0"), 0);
	assert_int_equal(get(&vi, "K1023"), 1023);
	assert_int_equal(get(&vi, "K5"), 55);	/* updates still work */
	assert_missing(&vi, "K1024");
	kj_vmcoreinfo_free(&vi);
	free(t);
}

static void test_refusals(void **state)
{
	struct kj_vmcoreinfo vi;
	struct kj_err e = { 0 };
	char *big;

	/* nothing at all */
	assert_int_equal(kj_vmcoreinfo_parse("", 0, &vi, &e), -1);
	assert_non_null(strstr(e.msg, "no KEY=VALUE"));
	assert_null(vi.ent);
	assert_int_equal(kj_vmcoreinfo_parse(NULL, 100, &vi, &e), -1);
	assert_int_equal(kj_vmcoreinfo_parse("\0\0\0\0", 4, &vi, &e), -1);
	/* only garbage */
	e.msg[0] = '\0';
	assert_int_equal(kj_vmcoreinfo_parse("hello\nworld\n", 12, &vi, &e), -1);
	assert_non_null(strstr(e.msg, "2 lines skipped"));
	assert_null(vi.ent);

	/* more text than any kernel writes ... */
	big = malloc(KJ_VMCOREINFO_MAX_TEXT + 2);
	assert_non_null(big);
	memset(big, 'A', KJ_VMCOREINFO_MAX_TEXT + 2);
	memcpy(big, "SIZE(page)=64\n", 14);
	assert_int_equal(kj_vmcoreinfo_parse(big, KJ_VMCOREINFO_MAX_TEXT + 1, &vi,
					     &e), -1);
	assert_non_null(strstr(e.msg, "more than"));
	assert_null(vi.ent);
	/* ... but padding NULs do not count */
	memset(big + 14, 0, KJ_VMCOREINFO_MAX_TEXT + 2 - 14);
	parse_ok(&vi, big, KJ_VMCOREINFO_MAX_TEXT + 2);
	assert_int_equal(get(&vi, "SIZE(page)"), 64);
	kj_vmcoreinfo_free(&vi);
	free(big);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Random texts, biased towards the syntax, must never crash (valgrind
 * checks every read); whatever parses must answer lookups. */
static void test_random_texts(void **state)
{
	static const char alphabet[] = "SYMBOL(NUMBER)SIZE.=-0x19af\n\n\0\r ~\x80\xff";
	static const char *const keys[] = { "SYMBOL(", "NUMBER(", "SIZE(", "=",
		"S", "SYMBOL(S)", "NUMBER(N)", "SIZE(S)", "KERNELOFFSET" };
	char *t = malloc(6000);

	assert_non_null(t);
	for (int iter = 0; iter < 3000; iter++) {
		size_t n = (size_t)(rnd() % 6000);
		struct kj_vmcoreinfo vi;
		struct kj_err e = { 0 };

		for (size_t i = 0; i < n; i++) {
			uint64_t r = rnd();

			t[i] = (r & 3) ? alphabet[(r >> 8) % (sizeof(alphabet) - 1)]
				       : (char)(r >> 16);
		}
		if (kj_vmcoreinfo_parse(t, n, &vi, &e)) {
			assert_true(e.msg[0] != '\0');
			assert_null(vi.ent);
			continue;
		}
		assert_true(vi.n >= 1 && vi.n <= KJ_VMCOREINFO_MAX_ENTRIES);
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			uint64_t v;
			const char *s = kj_vmcoreinfo_str(&vi, keys[k]);

			if (kj_vmcoreinfo_get(&vi, keys[k], &v) == 0)
				assert_non_null(s);
			if (s)
				assert_true(strlen(s) <= KJ_VMCOREINFO_MAX_VALUE);
		}
		kj_vmcoreinfo_free(&vi);
	}
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_612),
		cmocka_unit_test(test_padded_page),
		cmocka_unit_test(test_no_final_newline),
		cmocka_unit_test(test_embedded_nuls),
		cmocka_unit_test(test_overlong_lines),
		cmocka_unit_test(test_garbage_lines),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_duplicates_last_wins),
		cmocka_unit_test(test_entry_limit),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_random_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
