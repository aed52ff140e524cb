// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the kjump image library: round trips through temporary
 * files with a synthetic memory, and hostile images (truncated, corrupt,
 * forged with valid checksums) that must be rejected cleanly.
 *
 * KJ_TEST_FILTER=pattern runs only the matching tests (e.g. under
 * valgrind --tool=helgrind); KJ_FUZZ_ITERS sets the number of random
 * forgeries (default 1500).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "assert_text.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "../../lib/image.h"

typedef unsigned long long ull;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static int tmp_fd(void)
{
	char path[] = "/tmp/kjump-test-image-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	return fd;
}

static uint8_t *load_fd(int fd, size_t *len)
{
	struct stat st;
	uint8_t *buf;

	assert_int_equal(fstat(fd, &st), 0);
	*len = (size_t)st.st_size;
	buf = malloc(*len ? *len : 1);
	assert_non_null(buf);
	assert_int_equal(kj_img_pread(fd, buf, *len, 0, "test", NULL), 0);
	return buf;
}

static int store_buf(const void *buf, size_t len)
{
	int fd = tmp_fd();

	assert_int_equal(kj_img_pwrite(fd, buf, len, 0, "test", NULL), 0);
	return fd;
}

/* The synthetic memory: slots of pages, each a gap (left out), a zero
 * page or a data page, in runs of random length; pfns jump once in the
 * middle. */
enum { M_GAP, M_ZERO, M_DATA };

struct mem {
	uint64_t n;
	uint64_t *pfn;
	uint8_t *kind;
	uint8_t *data;
	uint64_t ndata, nzero, nextents;
};

static void fill_data_page(uint8_t *p, uint64_t pfn)
{
	uint64_t w;

	memset(p, 0, KJ_IMG_PAGE_SIZE);
	switch (rnd() % 4) {
	case 0:		/* incompressible */
		for (size_t i = 0; i < KJ_IMG_PAGE_SIZE; i += 8) {
			w = rnd();
			memcpy(p + i, &w, 8);
		}
		break;
	case 1:		/* compressible pattern */
		for (size_t i = 0; i < KJ_IMG_PAGE_SIZE; i += 8) {
			w = pfn * 0x9e3779b97f4a7c15ULL + (i / 64);
			memcpy(p + i, &w, 8);
		}
		break;
	case 2:		/* zero but the very last byte */
		p[KJ_IMG_PAGE_SIZE - 1] = (uint8_t)(1 + (pfn & 0x7f));
		break;
	default:	/* zero but one byte somewhere */
		p[rnd() % KJ_IMG_PAGE_SIZE] = (uint8_t)(1 + (rnd() & 0x7f));
		break;
	}
}

static void gen_mem(struct mem *m, uint64_t n, uint64_t seed)
{
	uint64_t i = 0, last_pfn = 0;
	int last_kind = M_GAP;

	rng_state = seed;
	m->n = n;
	m->pfn = calloc(n, sizeof(*m->pfn));
	m->kind = calloc(n, 1);
	m->data = calloc(n, KJ_IMG_PAGE_SIZE);
	assert_non_null(m->pfn);
	assert_non_null(m->kind);
	assert_non_null(m->data);
	m->ndata = m->nzero = m->nextents = 0;
	while (i < n) {
		uint64_t r = rnd() % 8;
		int kind = r < 4 ? M_DATA : r < 6 ? M_ZERO : M_GAP;
		uint64_t len = 1 + rnd() % (rnd() % 4 == 0 ? 64 : 6);

		for (; len && i < n; len--, i++) {
			m->pfn[i] = 0x100 + i + (i >= n / 2 ? 0x100000 : 0);
			m->kind[i] = (uint8_t)kind;
			if (kind == M_DATA)
				fill_data_page(m->data + i * KJ_IMG_PAGE_SIZE, m->pfn[i]);
		}
	}
	/* Count what the writer should produce. */
	for (i = 0; i < n; i++) {
		if (m->kind[i] == M_GAP) {
			last_kind = M_GAP;
			continue;
		}
		if (m->kind[i] == M_DATA)
			m->ndata++;
		else
			m->nzero++;
		if (m->kind[i] != last_kind || m->pfn[i] != last_pfn + 1)
			m->nextents++;
		last_kind = m->kind[i];
		last_pfn = m->pfn[i];
	}
}

static void free_mem(struct mem *m)
{
	free(m->pfn);
	free(m->kind);
	free(m->data);
}

static const struct kj_img_range test_memmap[] = {
	{ 0x1000, 0x9f000, 1, 0 },
	{ 0x100000, 0x80000000, 1, 0 },
	{ 0xfec00000, 0xfec01000, 2, 0 },
	{ 0x100000000, 0x200000000, 1, 0 },	/* gen_mem's upper half */
};
#define N_TEST_MEMMAP (sizeof(test_memmap) / sizeof(test_memmap[0]))
static const struct kj_img_remap test_remap[] = {
	{ 0x200, 0x100200, 16 },
};
static const char test_vmcoreinfo[] = "OSRELEASE=6.12.0\nPAGESIZE=4096\n";

static int write_mem(int fd, uint64_t target_size,
		     const struct kj_img_writer_opts *o, const struct mem *m,
		     struct kj_img_stats *st, struct kj_err *e)
{
	struct kj_img_writer *w;

	if (kj_img_writer_open(&w, fd, target_size, o, e))
		return -1;
	for (uint64_t i = 0; i < m->n; i++) {
		static const uint8_t zero[KJ_IMG_PAGE_SIZE];
		const void *p = m->kind[i] == M_DATA ? m->data + i * KJ_IMG_PAGE_SIZE : zero;

		if (m->kind[i] == M_GAP)
			continue;
		if (kj_img_writer_add(w, m->pfn[i], p, e)) {
			kj_img_writer_abort(w);
			return -1;
		}
	}
	/* With its trailing NUL, which the writer drops. */
	if (kj_img_writer_set_memmap(w, test_memmap, N_TEST_MEMMAP, e) ||
	    kj_img_writer_set_remap(w, test_remap, 1, e) ||
	    kj_img_writer_set_vmcoreinfo(w, test_vmcoreinfo,
					 sizeof(test_vmcoreinfo), e)) {
		kj_img_writer_abort(w);
		return -1;
	}
	kj_img_writer_set_counts(w, m->n, 1234, 56);
	return kj_img_writer_finish(w, st, e);
}

struct progress {
	uint64_t calls, last_done, last_total;
};

static void on_progress(uint64_t done, uint64_t total, void *arg)
{
	struct progress *p = arg;

	assert_int_equal(done, p->last_done + 1);
	p->calls++;
	p->last_done = done;
	p->last_total = total;
}

/* Open the image on fd and check it holds exactly m. */
static void check_mem(int fd, const struct mem *m, uint32_t chunk_pages)
{
	struct kj_img img;
	struct kj_err e = { 0 };
	struct progress pr = { 0 };
	uint64_t bad = 0, seen = 0;
	uint8_t *buf;

	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	if (!img.complete)
		fail_msg("image not complete: %s", img.problem);
	assert_string_equal(img.problem, "");
	assert_int_equal(img.hdr.state, KJ_IMG_COMPLETE);
	assert_int_equal(kj_img_check_resumable(&img, &e), 0);
	assert_int_equal(img.hdr.pages_data, m->ndata);
	assert_int_equal(img.hdr.pages_zero, m->nzero);
	assert_int_equal(img.hdr.pages_total, m->n);
	assert_int_equal(img.hdr.pages_free, 1234);
	assert_int_equal(img.hdr.pages_excluded, 56);
	assert_int_equal(img.hdr.chunk_pages, chunk_pages);
	assert_int_equal(img.next, m->nextents);
	assert_int_equal(img.nchunks, (m->ndata + chunk_pages - 1) / chunk_pages);
	assert_int_equal(img.hdr.data_offset, KJ_IMG_DATA_OFFSET);
	assert_int_equal(img.hdr.index_offset % KJ_IMG_ALIGN, 0);
	assert_string_equal(img.hdr.release, "6.12.0-test");
	assert_string_equal(img.hdr.machine, "x86_64");
	assert_int_equal(img.hdr.jump_back_entry, 0x1234000);

	/* The small sections. */
	assert_int_equal(img.nmemmap, N_TEST_MEMMAP);
	assert_memory_equal(img.memmap, test_memmap, sizeof(test_memmap));
	assert_int_equal(img.nremap, 1);
	assert_memory_equal(img.remap, test_remap, sizeof(test_remap));
	assert_int_equal(img.vmcoreinfo_len, strlen(test_vmcoreinfo));
	assert_memory_equal(img.vmcoreinfo, test_vmcoreinfo,
			    strlen(test_vmcoreinfo));

	assert_int_equal(kj_img_verify(&img, on_progress, &pr, &bad, &e), 0);
	assert_int_equal(bad, UINT64_MAX);
	assert_int_equal(pr.calls, img.nchunks);
	assert_int_equal(pr.last_total, img.nchunks);

	/* Every stored page, chunk by chunk, against the memory. */
	buf = malloc((size_t)chunk_pages * KJ_IMG_PAGE_SIZE);
	assert_non_null(buf);
	for (uint64_t c = 0, i = 0; c < img.nchunks; c++) {
		if (kj_img_read_chunk(&img, c, buf, &e))
			fail_msg("chunk %llu: %s", (ull)c, e.msg);
		for (uint32_t j = 0; j < img.chunk[c].npages; j++) {
			uint64_t s = img.chunk[c].first_page + j, pfn, si = 0;
			int kind;

			assert_int_equal(kj_img_stream_pfn(&img, s, &pfn), 0);
			while (i < m->n && m->kind[i] != M_DATA)
				i++;
			assert_true(i < m->n);
			assert_int_equal(pfn, m->pfn[i]);
			assert_memory_equal(buf + (size_t)j * KJ_IMG_PAGE_SIZE,
					    m->data + i * KJ_IMG_PAGE_SIZE, KJ_IMG_PAGE_SIZE);
			assert_int_equal(kj_img_find_page(&img, pfn, &kind, &si), 0);
			assert_int_equal(kind, KJ_EXT_DATA);
			assert_int_equal(si, s);
			seen++;
			i++;
		}
	}
	assert_int_equal(seen, m->ndata);
	assert_int_not_equal(kj_img_stream_pfn(&img, m->ndata, &(uint64_t){0}), 0);

	/* Every pfn's kind, gaps and the pfns around the memory included. */
	for (uint64_t i = 0; i < m->n; i++) {
		int kind = -1;

		assert_int_equal(kj_img_find_page(&img, m->pfn[i], &kind, NULL), 0);
		assert_int_equal(kind, m->kind[i] == M_DATA ? KJ_EXT_DATA :
				 m->kind[i] == M_ZERO ? KJ_EXT_ZERO : 0);
	}
	for (uint64_t pfn = 0; pfn < 0x100; pfn++) {
		int kind = -1;

		assert_int_equal(kj_img_find_page(&img, pfn, &kind, NULL), 0);
		assert_int_equal(kind, 0);
	}
	{
		int kind = -1;

		assert_int_equal(kj_img_find_page(&img, m->pfn[m->n - 1] + 1,
						  &kind, NULL), 0);
		assert_int_equal(kind, 0);
		assert_int_equal(kj_img_find_page(&img, UINT64_MAX, &kind,
						  NULL), 0);
		assert_int_equal(kind, 0);
	}
	free(buf);
	kj_img_close(&img);
}

static struct kj_img_writer_opts base_opts(unsigned threads, int level,
					   uint32_t chunk_pages)
{
	return (struct kj_img_writer_opts){
		.threads = threads,
		.level = level,
		.chunk_pages = chunk_pages,
		.kind = KJ_IMG_SNAPSHOT,
		.release = "6.12.0-test",
		.machine = "x86_64",
		.jump_back_entry = 0x1234000,
		.ram_bytes = 2ULL << 30,
		.region_start = 0x40000000,
		.region_end = 0x50000000,
	};
}

static void roundtrip(uint64_t npages, uint64_t seed, unsigned threads,
		      int level, uint32_t chunk_pages)
{
	struct kj_img_writer_opts o = base_opts(threads, level, chunk_pages);
	struct kj_img_stats st;
	struct kj_err e = { 0 };
	struct mem m;
	int fd = tmp_fd();

	gen_mem(&m, npages, seed);
	if (write_mem(fd, 0, &o, &m, &st, &e))
		fail_msg("write: %s", e.msg);
	assert_int_equal(st.pages_data, m.ndata);
	assert_int_equal(st.pages_zero, m.nzero);
	assert_int_equal(st.extents, m.nextents);
	assert_int_equal(st.bytes_in, m.ndata * KJ_IMG_PAGE_SIZE);
	assert_int_equal(st.chunks, (m.ndata + chunk_pages - 1) / chunk_pages);
	assert_true(st.bytes_out > 0 && st.bytes_out < st.bytes_in);
	assert_true(st.seconds >= 0);
	{
		struct stat sb;

		assert_int_equal(fstat(fd, &sb), 0);
		assert_int_equal((uint64_t)sb.st_size, st.image_bytes);
	}
	check_mem(fd, &m, chunk_pages);
	free_mem(&m);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Writer and round trips                                              */

static void test_page_is_zero(void **state)
{
	uint8_t *p = calloc(1, KJ_IMG_PAGE_SIZE + 1);

	assert_true(kj_img_page_is_zero(p));
	assert_true(kj_img_page_is_zero(p + 1));	/* unaligned */
	p[0] = 1;
	assert_false(kj_img_page_is_zero(p));
	p[0] = 0;
	p[KJ_IMG_PAGE_SIZE - 1] = 0x80;
	assert_false(kj_img_page_is_zero(p));
	p[KJ_IMG_PAGE_SIZE - 1] = 0;
	p[2049] = 1;
	assert_false(kj_img_page_is_zero(p));
	free(p);
}

static void test_names(void **state)
{
	static const uint8_t u[16] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
		0xde, 0xf0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
	char buf[37];

	assert_string_equal(kj_img_state_name(KJ_IMG_WRITING), "writing");
	assert_string_equal(kj_img_state_name(KJ_IMG_COMPLETE), "complete");
	assert_string_equal(kj_img_state_name(KJ_IMG_CONSUMED), "consumed");
	assert_string_equal(kj_img_state_name(KJ_IMG_FAILED), "failed");
	assert_string_equal(kj_img_state_name(99), "unknown");
	assert_string_equal(kj_img_kind_name(KJ_IMG_HIBERNATION), "hibernation");
	assert_string_equal(kj_img_uuid_str(u, buf),
			    "12345678-9abc-def0-0123-456789abcdef");
}

/* B refuses a save it cannot finish, and lowers threads when short. */
static void test_save_threads(void **state)
{
	uint64_t ram = 1ull << 30, one = kj_img_save_memory(1, 1, ram),
		two = kj_img_save_memory(2, 1, ram);
	struct kj_err e = { 0 };
	unsigned t = 99;

	(void)state;
	assert_true(one > kj_img_writer_memory(1, 0));
	assert_true(two > one && kj_img_save_memory(1, 1, 4 * ram) > one);
	assert_int_equal(kj_img_save_threads(1ull << 40, 4, 1, ram, &t, &e), 0);
	assert_int_equal(t, 4);
	assert_int_equal(kj_img_save_threads(two, 4, 1, ram, &t, &e), 0);
	assert_int_equal(t, 2);
	assert_int_equal(kj_img_save_threads(two - 1, 4, 1, ram, &t, &e), 0);
	assert_int_equal(t, 1);
	assert_int_equal(kj_img_save_threads(one, 0, 1, ram, &t, &e), 0);
	assert_int_equal(t, 1);
	t = 99;
	assert_int_equal(kj_img_save_threads(one - 1, 2, 1, ram, &t, &e), -1);
	assert_int_equal(e.code, ENOMEM);
	assert_int_equal(t, 99);
	assert_non_null(strstr(e.msg, "not saving"));
	assert_non_null(strstr(e.msg, "--reserve"));
}

static long rss_kib(void)
{
	long size = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld %ld", &size, &res), 2);
	fclose(f);
	return res * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Saves in a row in one process (B's init does this) keep its memory
 * where it was after the first: the writer's buffers go back to the
 * system, not into malloc's heaps (before the fix, about 12 MiB more
 * after each save with two threads). */
static void test_writer_memory_repeats(void **state)
{
	struct kj_img_writer_opts o = base_opts(2, 1, 0);
	long first = 0, last = 0;
	struct mem m;

	(void)state;
	gen_mem(&m, 3000, 7);
	for (int n = 1; n <= 6; n++) {
		struct kj_img_stats st;
		struct kj_err e = { 0 };
		int fd = tmp_fd();

		if (write_mem(fd, 0, &o, &m, &st, &e))
			fail_msg("save %d: %s", n, e.msg);
		close(fd);
		last = rss_kib();
		if (n == 1)
			first = last;
	}
	free_mem(&m);
	if (last - first > 2048)
		fail_msg("resident memory grew from %ld KiB after save 1 to %ld KiB "
			 "after save 6", first, last);
}

static void test_roundtrip_1thread(void **state)
{
	roundtrip(4000, 1, 1, 1, 16);
}

static void test_roundtrip_4threads(void **state)
{
	roundtrip(4000, 2, 4, 1, 16);
}

static void test_roundtrip_1page_chunks(void **state)
{
	/* Many tiny chunks: the most hand-overs between threads. */
	roundtrip(3000, 3, 4, 1, 1);
}

static void test_roundtrip_default_chunks(void **state)
{
	/* Default 4 MiB chunks: a partial last chunk. */
	roundtrip(5000, 4, 2, 3, KJ_IMG_DEFAULT_CHUNK_PAGES);
}

static void test_roundtrip_odd(void **state)
{
	roundtrip(2500, 5, 3, -5, 7);
}

static void test_roundtrip_defaults(void **state)
{
	struct kj_img_writer *w;
	struct kj_img_stats st;
	struct kj_err e = { 0 };
	struct kj_img img;
	uint8_t page[KJ_IMG_PAGE_SIZE];
	int fd = tmp_fd();

	/* NULL options: online CPUs, level 1, 1024-page chunks, snapshot. */
	assert_int_equal(kj_img_writer_open(&w, fd, 0, NULL, &e), 0);
	memset(page, 0xa5, sizeof(page));
	assert_int_equal(kj_img_writer_add(w, 7, page, &e), 0);
	assert_int_equal(kj_img_writer_finish(w, &st, &e), 0);
	assert_int_equal(st.pages_data, 1);
	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	assert_true(img.complete);
	assert_int_equal(img.hdr.kind, KJ_IMG_SNAPSHOT);
	assert_int_equal(img.hdr.chunk_pages, KJ_IMG_DEFAULT_CHUNK_PAGES);
	assert_string_equal(img.hdr.release, "");
	assert_true(img.hdr.created > 1600000000);
	assert_int_equal(img.hdr.uuid[6] >> 4, 4);	/* v4 UUID */
	assert_int_equal(kj_img_verify(&img, NULL, NULL, NULL, &e), 0);
	kj_img_close(&img);
	close(fd);
}

static void test_empty_image(void **state)
{
	struct kj_img_writer_opts o = base_opts(2, 1, 16);
	struct kj_img_writer *w;
	struct kj_err e = { 0 };
	struct kj_img img;
	int kind = -1;
	int fd = tmp_fd();

	assert_int_equal(kj_img_writer_open(&w, fd, 0, &o, &e), 0);
	assert_int_equal(kj_img_writer_finish(w, NULL, &e), 0);
	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	if (!img.complete)
		fail_msg("%s", img.problem);
	assert_int_equal(img.next, 0);
	assert_int_equal(img.nchunks, 0);
	assert_int_equal(img.hdr.index_offset, KJ_IMG_DATA_OFFSET);
	assert_int_equal(kj_img_verify(&img, NULL, NULL, NULL, &e), 0);
	assert_int_equal(kj_img_find_page(&img, 5, &kind, NULL), 0);
	assert_int_equal(kind, 0);
	kj_img_close(&img);
	close(fd);
}

static void test_zero_only(void **state)
{
	struct kj_img_writer_opts o = base_opts(1, 1, 16);
	struct kj_img_writer *w;
	struct kj_err e = { 0 };
	struct kj_img img;
	static const uint8_t zero[KJ_IMG_PAGE_SIZE];
	int kind = -1;
	int fd = tmp_fd();

	assert_int_equal(kj_img_writer_open(&w, fd, 0, &o, &e), 0);
	for (uint64_t pfn = 10; pfn < 110; pfn++)
		assert_int_equal(kj_img_writer_add(w, pfn, zero, &e), 0);
	assert_int_equal(kj_img_writer_finish(w, NULL, &e), 0);
	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	assert_true(img.complete);
	assert_int_equal(img.next, 1);
	assert_int_equal(img.ext[0].pfn, 10);
	assert_int_equal(img.ext[0].npages, 100);
	assert_int_equal(img.ext[0].kind, KJ_EXT_ZERO);
	assert_int_equal(img.hdr.pages_zero, 100);
	assert_int_equal(img.nchunks, 0);
	assert_int_equal(kj_img_find_page(&img, 109, &kind, NULL), 0);
	assert_int_equal(kind, KJ_EXT_ZERO);
	assert_int_equal(kj_img_find_page(&img, 110, &kind, NULL), 0);
	assert_int_equal(kind, 0);
	assert_int_equal(kj_img_extent_from(&img, 0), 0);
	assert_int_equal(kj_img_extent_from(&img, 109), 0);
	assert_int_equal(kj_img_extent_from(&img, 110), 1);
	kj_img_close(&img);
	close(fd);
}

static void test_add_order(void **state)
{
	struct kj_img_writer_opts o = base_opts(2, 1, 16);
	struct kj_img_writer *w;
	struct kj_err e = { 0 };
	struct kj_img img;
	uint8_t page[KJ_IMG_PAGE_SIZE];
	int fd = tmp_fd();

	memset(page, 1, sizeof(page));
	assert_int_equal(kj_img_writer_open(&w, fd, 0, &o, &e), 0);
	assert_int_equal(kj_img_writer_add(w, 100, page, &e), 0);
	assert_int_equal(kj_img_writer_add(w, 100, page, &e), -1);
	assert_contains(e.msg, "strictly ascending");
	assert_int_equal(kj_img_writer_add(w, 99, page, &e), -1);
	assert_contains(e.msg, "page 0x63 added after page 0x64");
	assert_int_equal(kj_img_writer_add(w, KJ_IMG_MAX_PFN, page, &e), -1);
	assert_contains(e.msg, "beyond any physical address");
	/* Refusals are not sticky: the writer goes on. */
	assert_int_equal(kj_img_writer_add(w, 101, page, &e), 0);
	assert_int_equal(kj_img_writer_finish(w, NULL, &e), 0);
	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	assert_true(img.complete);
	assert_int_equal(img.hdr.pages_data, 2);
	assert_int_equal(img.next, 1);
	kj_img_close(&img);
	close(fd);
}

static void test_writer_bad_args(void **state)
{
	struct kj_img_writer_opts o;
	struct kj_img_writer *w = (void *)1;
	struct kj_err e = { 0 };
	struct kj_img_range rev = { 0x2000, 0x1000, 1, 0 };
	struct kj_img_remap rm = { 0x10, 0x20, 0 };
	char long_release[80];
	int fd = tmp_fd();

	o = base_opts(1, 1000, 16);
	assert_int_equal(kj_img_writer_open(&w, fd, 0, &o, &e), -1);
	assert_null(w);
	assert_contains(e.msg, "zstd level 1000");
	o = base_opts(1, 1, KJ_IMG_MAX_CHUNK_PAGES + 1);
	assert_int_equal(kj_img_writer_open(&w, fd, 0, &o, &e), -1);
	assert_contains(e.msg, "too large");
	o = base_opts(KJ_IMG_MAX_THREADS + 1, 1, 16);
	assert_int_equal(kj_img_writer_open(&w, fd, 0, &o, &e), -1);
	assert_contains(e.msg, "threads");
	o = base_opts(1, 1, 16);
	o.kind = 7;
	assert_int_equal(kj_img_writer_open(&w, fd, 0, &o, &e), -1);
	assert_contains(e.msg, "kind");
	o = base_opts(1, 1, 16);
	memset(long_release, 'x', sizeof(long_release) - 1);
	long_release[sizeof(long_release) - 1] = 0;
	o.release = long_release;
	assert_int_equal(kj_img_writer_open(&w, fd, 0, &o, &e), -1);
	assert_contains(e.msg, "release string");
	/* Nothing was written by any of these. */
	{
		struct stat sb;

		assert_int_equal(fstat(fd, &sb), 0);
		assert_int_equal(sb.st_size, 0);
	}

	o = base_opts(1, 1, 16);
	assert_int_equal(kj_img_writer_open(&w, fd, 0, &o, &e), 0);
	assert_int_equal(kj_img_writer_set_memmap(w, &rev, 1, &e), -1);
	assert_contains(e.msg, "reversed");
	assert_int_equal(kj_img_writer_set_remap(w, &rm, 1, &e), -1);
	assert_contains(e.msg, "remap entry 0");
	assert_int_equal(kj_img_writer_set_vmcoreinfo(w, "A=1\0B=2", 7, &e), -1);
	assert_contains(e.msg, "NUL");
	kj_img_writer_abort(w);
	kj_img_writer_abort(NULL);
	close(fd);
}

static void test_target_too_small_at_open(void **state)
{
	struct kj_img_writer_opts o = base_opts(1, 1, 16);
	struct kj_img_writer *w;
	struct kj_err e = { 0 };
	uint64_t need;
	char num[32];
	int fd = tmp_fd();
	struct stat sb;

	assert_int_equal(kj_img_writer_open(&w, fd, 4096, &o, &e), -1);
	assert_contains(e.msg, "too small");
	assert_contains(e.msg, "the target has 4096");

	o.worst_case_pages = 100000;
	need = kj_img_worst_case_size_cp(100000, 16);
	assert_int_equal(kj_img_writer_open(&w, fd, need - 1, &o, &e), -1);
	assert_contains(e.msg, "too small");
	snprintf(num, sizeof(num), "%llu", (ull)(need - 1));
	assert_contains(e.msg, num);
	/* Refused before anything was written. */
	assert_int_equal(fstat(fd, &sb), 0);
	assert_int_equal(sb.st_size, 0);

	assert_int_equal(kj_img_writer_open(&w, fd, need, &o, &e), 0);
	kj_img_writer_abort(w);
	close(fd);
}

static void test_worst_case_size(void **state)
{
	struct kj_img_writer_opts o = base_opts(2, 1, 16);
	struct kj_img_writer *w;
	struct kj_img_stats st;
	struct kj_err e = { 0 };
	uint8_t page[KJ_IMG_PAGE_SIZE];
	uint64_t need;
	int fd = tmp_fd();

	assert_true(kj_img_worst_case_size(0) > KJ_IMG_DATA_OFFSET);
	assert_true(kj_img_worst_case_size(1) > kj_img_worst_case_size(0));
	assert_true(kj_img_worst_case_size(1000) >= KJ_IMG_DATA_OFFSET +
		    1000ULL * KJ_IMG_PAGE_SIZE);
	assert_true(kj_img_worst_case_size(1025) > kj_img_worst_case_size(1024));
	assert_int_equal(kj_img_worst_case_size(1ULL << 62), UINT64_MAX);
	assert_int_equal(kj_img_worst_case_size(UINT64_MAX), UINT64_MAX);
	assert_int_equal(kj_img_worst_case_size_cp(10, KJ_IMG_MAX_CHUNK_PAGES + 1),
			 UINT64_MAX);

	/* Incompressible pages, alternating with zero pages (one extent per
	 * page) fill a target of exactly the worst case size. */
	rng_state = 77;
	o.worst_case_pages = 301;
	need = kj_img_worst_case_size_cp(301, 16);
	assert_int_equal(kj_img_writer_open(&w, fd, need, &o, &e), 0);
	for (uint64_t pfn = 0; pfn < 301; pfn++) {
		if (pfn % 2) {
			memset(page, 0, sizeof(page));
		} else {
			for (size_t i = 0; i < KJ_IMG_PAGE_SIZE; i += 8) {
				uint64_t r = rnd();

				memcpy(page + i, &r, 8);
			}
		}
		assert_int_equal(kj_img_writer_add(w, pfn, page, &e), 0);
	}
	assert_int_equal(kj_img_writer_set_memmap(w, test_memmap, N_TEST_MEMMAP, &e), 0);
	if (kj_img_writer_finish(w, &st, &e))
		fail_msg("%s", e.msg);
	assert_true(st.image_bytes <= need);
	assert_int_equal(st.extents, 301);
	close(fd);
}

static void test_target_full_while_writing(void **state)
{
	struct kj_img_writer_opts o = base_opts(2, 1, 16);
	uint64_t target = KJ_IMG_DATA_OFFSET + 8 * KJ_IMG_PAGE_SIZE;
	struct kj_img_writer *w;
	struct kj_err e = { 0 };
	struct kj_img img;
	uint8_t page[KJ_IMG_PAGE_SIZE];
	char num[32];
	struct stat sb;
	bool failed = false;
	int fd = tmp_fd();

	rng_state = 99;
	assert_int_equal(kj_img_writer_open(&w, fd, target, &o, &e), 0);
	for (uint64_t pfn = 0; pfn < 2000 && !failed; pfn++) {
		for (size_t i = 0; i < KJ_IMG_PAGE_SIZE; i += 8) {
			uint64_t r = rnd();

			memcpy(page + i, &r, 8);
		}
		failed = kj_img_writer_add(w, pfn, page, &e) != 0;
	}
	if (failed) {
		/* Sticky: another add fails the same way. */
		struct kj_err e2 = { 0 };

		assert_int_equal(kj_img_writer_add(w, 5000, page, &e2), -1);
		assert_string_equal(e2.msg, e.msg);
		kj_img_writer_abort(w);
	} else {
		assert_int_equal(kj_img_writer_finish(w, NULL, &e), -1);
	}
	assert_contains(e.msg, "too small");
	assert_contains(e.msg, "chunk 0");
	assert_contains(e.msg, "would end at offset 0x");
	snprintf(num, sizeof(num), "has only %llu bytes", (ull)target);
	assert_contains(e.msg, num);
	assert_int_equal(e.code, ENOSPC);
	/* Nothing past the target's end, and nothing committed. */
	assert_int_equal(fstat(fd, &sb), 0);
	assert_true((uint64_t)sb.st_size <= target);
	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	assert_false(img.complete);
	assert_contains(img.problem, "state WRITING");
	kj_img_close(&img);
	close(fd);
}

static void test_index_past_target(void **state)
{
	struct kj_img_writer_opts o = base_opts(1, 1, 16);
	uint64_t target = KJ_IMG_DATA_OFFSET + KJ_IMG_PAGE_SIZE;
	struct kj_img_writer *w;
	struct kj_err e = { 0 };
	static const uint8_t zero[KJ_IMG_PAGE_SIZE];
	int fd = tmp_fd();

	/* 400 separate zero extents: no chunks, but 9600 bytes of index. */
	assert_int_equal(kj_img_writer_open(&w, fd, target, &o, &e), 0);
	for (uint64_t pfn = 0; pfn < 800; pfn += 2)
		assert_int_equal(kj_img_writer_add(w, pfn, zero, &e), 0);
	assert_int_equal(kj_img_writer_finish(w, NULL, &e), -1);
	assert_contains(e.msg, "too small: the index");
	assert_contains(e.msg, "has only 1052672 bytes");
	close(fd);
}

static void test_write_error(void **state)
{
	struct kj_img_writer_opts o = base_opts(2, 1, 16);
	struct kj_img_writer *w;
	struct kj_err e = { 0 };
	struct rlimit old, lim;
	uint8_t page[KJ_IMG_PAGE_SIZE];
	bool failed = false;
	int fd = tmp_fd(), ro;
	char path[64];

	/* A file the writer can't write to. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ro = open(path, O_RDONLY);
	assert_true(ro >= 0);
	assert_int_equal(kj_img_writer_open(&w, ro, 0, &o, &e), -1);
	assert_contains(e.msg, "cannot write the image header");
	close(ro);

	/* Writes that start failing midway: the file size limit makes
	 * pwrite fail with EFBIG past 1 MiB + 64 KiB. */
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = KJ_IMG_DATA_OFFSET + 16 * KJ_IMG_PAGE_SIZE;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rng_state = 5;
	assert_int_equal(kj_img_writer_open(&w, fd, 0, &o, &e), 0);
	for (uint64_t pfn = 0; pfn < 1000 && !failed; pfn++) {
		for (size_t i = 0; i < KJ_IMG_PAGE_SIZE; i += 8) {
			uint64_t r = rnd();

			memcpy(page + i, &r, 8);
		}
		failed = kj_img_writer_add(w, pfn, page, &e) != 0;
	}
	if (failed)
		kj_img_writer_abort(w);
	else
		assert_int_equal(kj_img_writer_finish(w, NULL, &e), -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_contains(e.msg, "cannot write chunk");
	assert_int_equal(e.code, EFBIG);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Hostile images                                                      */

static uint8_t *g_img;		/* a good image, as bytes */
static size_t g_len;
static struct mem g_mem;

static int setup_golden(void **state)
{
	struct kj_img_writer_opts o = base_opts(2, 1, 16);
	struct kj_err e = { 0 };
	int fd = tmp_fd();

	gen_mem(&g_mem, 1500, 42);
	if (write_mem(fd, 0, &o, &g_mem, NULL, &e)) {
		fprintf(stderr, "golden image: %s\n", e.msg);
		return -1;
	}
	g_img = load_fd(fd, &g_len);
	close(fd);
	return 0;
}

static int teardown_golden(void **state)
{
	free(g_img);
	free_mem(&g_mem);
	g_img = NULL;
	return 0;
}

static uint8_t *golden_copy(void)
{
	uint8_t *b = malloc(g_len);

	assert_non_null(b);
	memcpy(b, g_img, g_len);
	return b;
}

static struct kj_img_header *H(uint8_t *b)
{
	return (struct kj_img_header *)b;
}

static void *sect(uint8_t *b, uint32_t type)
{
	struct kj_img_header *h = H(b);

	for (int i = 0; i < KJ_SECT_MAX; i++)
		if (h->sect[i].type == type)
			return b + h->index_offset + h->sect[i].offset;
	fail_msg("no section %u", type);
	return NULL;
}

static struct kj_img_sect *sect_entry(uint8_t *b, uint32_t type)
{
	for (int i = 0; i < KJ_SECT_MAX; i++)
		if (H(b)->sect[i].type == type)
			return &H(b)->sect[i];
	fail_msg("no section %u", type);
	return NULL;
}

#define EXT(b) ((struct kj_img_extent *)sect(b, KJ_SECT_EXTENTS))
#define CHK(b) ((struct kj_img_chunk *)sect(b, KJ_SECT_CHUNKS))

/* After editing: checksums that match again, as a forger would make. */
static void rehash(uint8_t *b)
{
	struct kj_img_header *h = H(b);

	if (h->index_offset < g_len && h->index_size <= g_len - h->index_offset)
		h->index_xxh64 = XXH64(b + h->index_offset, h->index_size, 0);
	h->header_xxh64 = kj_img_header_hash(h);
}

/* Open bytes as an image; returns the fd (for the caller to close). */
static int open_bytes(const uint8_t *b, size_t len, struct kj_img *img,
		      struct kj_err *e, int *rc)
{
	int fd = store_buf(b, len);

	*rc = kj_img_open(img, fd, 0, e);
	return fd;
}

/* Open b and expect a header that is intact but an image that is not
 * usable, for `expect`. Everything that needs the index must refuse. */
static void expect_problem(const uint8_t *b, size_t len, const char *expect)
{
	struct kj_img img;
	struct kj_err e = { 0 };
	uint8_t page[KJ_IMG_PAGE_SIZE];
	uint64_t bad = 0;
	int rc, kind = 0;
	int fd = open_bytes(b, len, &img, &e, &rc);

	if (rc)
		fail_msg("open failed (%s), expected problem \"%s\"", e.msg,
			 expect);
	assert_false(img.complete);
	assert_contains(img.problem, expect);
	assert_null(img.index);
	assert_int_equal(img.next, 0);
	assert_int_equal(img.nchunks, 0);
	assert_int_equal(kj_img_verify(&img, NULL, NULL, &bad, &e), -1);
	assert_int_equal(bad, UINT64_MAX);
	assert_contains(e.msg, expect);
	assert_int_equal(kj_img_read_chunk(&img, 0, page, &e), -1);
	assert_int_equal(kj_img_find_page(&img, 0x100, &kind, NULL), -1);
	assert_int_equal(kj_img_check_resumable(&img, &e), -1);
	/* The strings stay printable whatever the image. */
	assert_true(strlen(img.hdr.release) < sizeof(img.hdr.release));
	assert_true(strlen(img.hdr.machine) < sizeof(img.hdr.machine));
	kj_img_close(&img);
	close(fd);
}

static void expect_error(const uint8_t *b, size_t len, const char *expect)
{
	struct kj_img img;
	struct kj_err e = { 0 };
	int rc;
	int fd = open_bytes(b, len, &img, &e, &rc);

	assert_int_equal(rc, -1);
	assert_contains(e.msg, expect);
	assert_false(img.complete);
	assert_null(img.index);
	kj_img_close(&img);	/* harmless after -1 */
	close(fd);
}

static void test_golden_ok(void **state)
{
	int fd = store_buf(g_img, g_len);

	check_mem(fd, &g_mem, 16);
	close(fd);
}

static void test_no_magic(void **state)
{
	uint8_t *b = calloc(1, 3 << 20);

	assert_non_null(b);
	expect_error(b, 3 << 20, "no kjump image on this target");
	/* Garbage, not zeros. */
	rng_state = 3;
	for (size_t i = 0; i < (3 << 20); i++)
		b[i] = (uint8_t)rnd();
	expect_error(b, 3 << 20, "no kjump image on this target");
	expect_error(b, 0, "no kjump image on this target");
	expect_error(b, 5, "no kjump image on this target");
	free(b);
}

static void test_wrong_version(void **state)
{
	uint8_t *b = golden_copy();

	/* (version 2 is a sealed image: test_seal.c) */
	H(b)->version = 3;
	expect_error(b, g_len, "unsupported kjump image version 3");
	rehash(b);
	expect_error(b, g_len, "unsupported kjump image version 3");
	H(b)->version = KJ_IMG_VERSION;
	H(b)->header_size = 8192;
	rehash(b);
	expect_error(b, g_len, "header size");
	H(b)->header_size = KJ_IMG_HEADER_SIZE;
	H(b)->page_size = 65536;
	rehash(b);
	expect_error(b, g_len, "page size");
	H(b)->page_size = KJ_IMG_PAGE_SIZE;
	H(b)->arch = 183;	/* aarch64 */
	rehash(b);
	expect_error(b, g_len, "x86_64");
	free(b);
}

static void test_header_flip(void **state)
{
	static const size_t where[] = { 16, 40, 80, 200, 300, 1000, 4087, 4088 };
	uint8_t *b = golden_copy();

	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		b[where[i]] ^= 0x10;
		expect_error(b, g_len, "header checksum mismatch: the header is "
			     "corrupt");
		b[where[i]] ^= 0x10;
	}
	free(b);
}

static void test_state_writing(void **state)
{
	struct kj_img_writer_opts o = base_opts(2, 1, 16);
	struct kj_img_writer *w;
	struct kj_err e = { 0 };
	struct kj_img img;
	int fd = store_buf(g_img, g_len);

	/* A good image; a new save starts on the same target and dies: the
	 * old image must no longer be resumable. */
	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	assert_true(img.complete);
	kj_img_close(&img);
	assert_int_equal(kj_img_writer_open(&w, fd, 0, &o, &e), 0);
	assert_int_equal(kj_img_writer_add(w, 1, g_mem.data, &e), 0);
	kj_img_writer_abort(w);

	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	assert_false(img.complete);
	assert_string_equal(img.problem, "incomplete: the save did not finish "
			    "(state WRITING)");
	assert_int_equal(img.hdr.state, KJ_IMG_WRITING);
	assert_string_equal(img.hdr.release, "6.12.0-test");
	assert_int_equal(kj_img_check_resumable(&img, &e), -1);
	assert_contains(e.msg, "state WRITING");
	assert_int_equal(kj_img_verify(&img, NULL, NULL, NULL, &e), -1);
	kj_img_close(&img);
	close(fd);
}

/* B gave up on an image (it would not fit for resume, or the save failed):
 * state FAILED and the reason in the header, bounded and NUL-terminated;
 * the rest of the header as it was; never resumable. */
static void test_state_failed(void **state)
{
	static const char why[] = "the image could not be resumed on this machine: "
		"compressed data 3171 MiB + restore code 9000 KiB do not fit in the "
		"2771 MiB the saved system does not need, less 200 MiB for the "
		"resume kernel's own memory (610 MiB short)";
	struct kj_err e = { 0 };
	struct kj_img img;
	char *longer = malloc(2000);
	int fd = store_buf(g_img, g_len);

	/* images that never had a reason (all older ones): the field is zero */
	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	assert_true(img.complete);
	assert_int_equal(img.hdr.fail_reason[0], 0);
	for (size_t i = 0; i < sizeof(img.hdr.fail_reason); i++)
		assert_int_equal(img.hdr.fail_reason[i], 0);
	kj_img_close(&img);

	assert_int_equal(kj_img_set_failed(fd, why, &e), 0);
	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	assert_false(img.complete);
	assert_int_equal(img.hdr.state, KJ_IMG_FAILED);
	assert_string_equal(img.hdr.fail_reason, why);
	assert_contains(img.problem, "must not be resumed");
	assert_contains(img.problem, why);
	assert_memory_equal(img.hdr.uuid, H(g_img)->uuid, 16);
	assert_string_equal(img.hdr.release, "6.12.0-test");
	assert_int_equal(img.hdr.pages_data, H(g_img)->pages_data);
	assert_int_equal(kj_img_check_resumable(&img, &e), -1);
	assert_contains(e.msg, why);
	assert_int_equal(kj_img_verify(&img, NULL, NULL, NULL, &e), -1);
	kj_img_close(&img);

	/* a longer reason is cut to the field, NUL-terminated */
	assert_non_null(longer);
	memset(longer, 'x', 1999);
	longer[1999] = 0;
	assert_int_equal(kj_img_set_failed(fd, longer, &e), 0);
	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	assert_int_equal(strlen(img.hdr.fail_reason), KJ_IMG_FAIL_REASON_MAX - 1);
	kj_img_close(&img);
	/* a forged one without its NUL reads bounded */
	uint8_t *b = golden_copy();
	H(b)->state = KJ_IMG_FAILED;
	memset(H(b)->fail_reason, 'y', sizeof(H(b)->fail_reason));
	rehash(b);
	expect_problem(b, g_len, "must not be resumed (yyy");
	int fd2 = store_buf(b, g_len);
	assert_int_equal(kj_img_open(&img, fd2, 0, &e), 0);
	assert_int_equal(strlen(img.hdr.fail_reason), KJ_IMG_FAIL_REASON_MAX - 1);
	kj_img_close(&img);
	close(fd2);
	/* an empty reason still says the image failed */
	H(b)->fail_reason[0] = 0;
	rehash(b);
	expect_problem(b, g_len, "no reason recorded");
	free(b);

	/* a save that died (state WRITING) can be marked failed too */
	struct kj_img_writer_opts o = base_opts(2, 1, 16);
	struct kj_img_writer *w;
	assert_int_equal(kj_img_writer_open(&w, fd, 0, &o, &e), 0);
	kj_img_writer_abort(w);
	assert_int_equal(kj_img_set_failed(fd, "cannot write: No space left", &e), 0);
	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	assert_int_equal(img.hdr.state, KJ_IMG_FAILED);
	assert_contains(img.problem, "cannot write: No space left");
	kj_img_close(&img);
	close(fd);

	/* no image there: refused */
	free(longer);
	uint8_t *zero = calloc(1, 2 * KJ_IMG_HEADER_SIZE);
	assert_non_null(zero);
	fd = store_buf(zero, 2 * KJ_IMG_HEADER_SIZE);
	assert_int_equal(kj_img_set_failed(fd, why, &e), -1);
	assert_contains(e.msg, "cannot mark the image failed");
	close(fd);
	free(zero);
}

static void test_truncated(void **state)
{
	const struct kj_img_header *h = (const void *)g_img;
	const struct kj_img_chunk *c;
	uint64_t cuts[16];
	size_t n = 0;
	char want[128];
	uint8_t *b = golden_copy();

	c = (const void *)(g_img + h->index_offset +
			   sect_entry(b, KJ_SECT_CHUNKS)->offset);
	assert_int_equal(h->target_min_size, g_len);

	/* Inside the header: not even the header can be read. */
	expect_error(g_img, 7, "no kjump image on this target");
	expect_error(g_img, 8, "holds only 8 bytes of the 4096-byte image "
		     "header");
	expect_error(g_img, 100, "truncated copy");
	expect_error(g_img, 4095, "truncated copy");

	/* After it: the header tells how much is missing. */
	cuts[n++] = 4096;
	cuts[n++] = 8192;
	cuts[n++] = KJ_IMG_DATA_OFFSET;			/* no data */
	cuts[n++] = c[0].offset + c[0].csize / 2;	/* inside chunk 0 */
	cuts[n++] = c[3].offset;
	cuts[n++] = c[h->nchunks - 1].offset + c[h->nchunks - 1].csize - 1;
	cuts[n++] = h->index_offset;			/* no index */
	cuts[n++] = h->index_offset + 1;
	cuts[n++] = h->index_offset + h->index_size / 2;
	cuts[n++] = g_len - 1;				/* last byte gone */
	for (size_t i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "incomplete: the image needs %llu "
			 "bytes but the target has %llu", (ull)g_len,
			 (ull)cuts[i]);
		expect_problem(g_img, cuts[i], want);
	}
	free(b);
}

static void test_chunk_flip(void **state)
{
	struct kj_img img;
	struct kj_err e = { 0 };
	uint8_t *b = golden_copy(), *page;
	uint64_t bad = 0, first, last;
	const struct kj_img_chunk *c;
	char want[160];
	int rc, fd;

	fd = open_bytes(b, g_len, &img, &e, &rc);
	assert_int_equal(rc, 0);
	assert_true(img.nchunks > 10);
	c = &img.chunk[5];
	assert_int_equal(kj_img_stream_pfn(&img, c->first_page, &first), 0);
	assert_int_equal(kj_img_stream_pfn(&img, c->first_page + c->npages - 1,
					   &last), 0);
	snprintf(want, sizeof(want), "chunk 5 of %llu at offset 0x%llx (pages "
		 "0x%llx-0x%llx): checksum mismatch", (ull)img.nchunks,
		 (ull)c->offset, (ull)first, (ull)last);
	b[c->offset + c->csize / 2] ^= 0x01;
	kj_img_close(&img);
	close(fd);

	fd = open_bytes(b, g_len, &img, &e, &rc);
	assert_int_equal(rc, 0);
	/* The index is intact: only reading the chunk can tell. */
	assert_true(img.complete);
	assert_int_equal(kj_img_verify(&img, NULL, NULL, &bad, &e), -1);
	assert_int_equal(bad, 5);
	assert_string_equal(e.msg, want);
	page = malloc((size_t)16 * KJ_IMG_PAGE_SIZE);
	assert_non_null(page);
	assert_int_equal(kj_img_read_chunk(&img, 4, page, &e), 0);
	assert_int_equal(kj_img_read_chunk(&img, 5, page, &e), -1);
	assert_string_equal(e.msg, want);
	assert_int_equal(kj_img_read_chunk(&img, img.nchunks, page, &e), -1);
	assert_contains(e.msg, "no chunk");
	kj_img_close(&img);
	close(fd);
	free(page);
	free(b);
}

static void test_chunk_forged(void **state)
{
	struct kj_img img;
	struct kj_err e = { 0 };
	uint8_t *b = golden_copy();
	struct kj_img_chunk *c = &CHK(b)[7];
	uint64_t bad = 0;
	int rc, fd;

	/* Corrupt the frame's content checksum (its last 4 bytes) and fix
	 * the chunk's xxh64 so it matches: zstd must catch it. */
	b[c->offset + c->csize - 2] ^= 0x40;
	c->xxh64 = XXH64(b + c->offset, c->csize, 0);
	rehash(b);
	fd = open_bytes(b, g_len, &img, &e, &rc);
	assert_int_equal(rc, 0);
	assert_true(img.complete);
	assert_int_equal(kj_img_verify(&img, NULL, NULL, &bad, &e), -1);
	assert_int_equal(bad, 7);
	assert_contains(e.msg, "chunk 7 of");
	assert_contains(e.msg, "cannot decompress");
	kj_img_close(&img);
	close(fd);

	/* A frame cut short with a matching xxh64 and csize. */
	memcpy(b, g_img, g_len);
	c = &CHK(b)[2];
	c->csize -= 4;
	c->xxh64 = XXH64(b + c->offset, c->csize, 0);
	rehash(b);
	fd = open_bytes(b, g_len, &img, &e, &rc);
	assert_int_equal(rc, 0);
	assert_true(img.complete);
	assert_int_equal(kj_img_verify(&img, NULL, NULL, &bad, &e), -1);
	assert_int_equal(bad, 2);
	assert_contains(e.msg, "chunk 2 of");
	kj_img_close(&img);
	close(fd);
	free(b);
}

static void test_index_flip(void **state)
{
	const struct kj_img_header *h = (const void *)g_img;
	uint8_t *b = golden_copy();
	uint64_t where[] = { 0, h->index_size / 3, h->index_size - 1 };

	for (size_t i = 0; i < 3; i++) {
		b[h->index_offset + where[i]] ^= 0x04;
		expect_problem(b, g_len, "index checksum mismatch: the index is "
			       "corrupt");
		b[h->index_offset + where[i]] ^= 0x04;
	}
	free(b);
}

/* Forgeries: fields edited, checksums recomputed. */
struct forgery {
	const char *name;
	void (*edit)(uint8_t *b);
	const char *expect;
};

static void f_huge_count(uint8_t *b)
{
	sect_entry(b, KJ_SECT_EXTENTS)->count = 1ULL << 62;
}

static void f_count_overflow(uint8_t *b)
{
	sect_entry(b, KJ_SECT_CHUNKS)->count = UINT64_MAX / 16;
}

static void f_sect_beyond(uint8_t *b)
{
	sect_entry(b, KJ_SECT_CHUNKS)->offset = H(b)->index_size + 8;
}

static void f_sect_offset_wrap(uint8_t *b)
{
	sect_entry(b, KJ_SECT_MEMMAP)->offset = UINT64_MAX - 7;
}

static void f_sect_misaligned(uint8_t *b)
{
	struct kj_img_sect *s = sect_entry(b, KJ_SECT_EXTENTS);

	s->offset += 4;
	s->count--;
}

static void f_entry_size(uint8_t *b)
{
	sect_entry(b, KJ_SECT_CHUNKS)->entry_size = 24;
}

static void f_dup_sect(uint8_t *b)
{
	H(b)->sect[7] = *sect_entry(b, KJ_SECT_EXTENTS);
}

static void f_unused_slot(uint8_t *b)
{
	H(b)->sect[7].offset = 8;
}

static void f_unknown_type(uint8_t *b)
{
	H(b)->sect[7] = (struct kj_img_sect){ KJ_SECT_LAST + 1, 1, 0, 1 };
}

static void f_no_chunks(uint8_t *b)
{
	*sect_entry(b, KJ_SECT_CHUNKS) = (struct kj_img_sect){ 0 };
}

static void f_overlap_chunks(uint8_t *b)
{
	CHK(b)[3].offset = CHK(b)[2].offset;
}

static void f_chunk_misaligned(uint8_t *b)
{
	CHK(b)[4].offset += 8;
}

static void f_chunk_outside(uint8_t *b)
{
	CHK(b)[H(b)->nchunks - 1].offset = H(b)->index_offset;
}

static void f_chunk_wrap(uint8_t *b)
{
	CHK(b)[H(b)->nchunks - 1].offset = UINT64_MAX & ~4095ULL;
}

static void f_csize_zero(uint8_t *b)
{
	CHK(b)[0].csize = 0;
}

static void f_csize_huge(uint8_t *b)
{
	CHK(b)[1].csize = UINT32_MAX;
}

static void f_chunk_npages(uint8_t *b)
{
	CHK(b)[1].npages = 17;
}

static void f_chunk_short(uint8_t *b)
{
	CHK(b)[1].npages = 15;
}

static void f_chunk_first(uint8_t *b)
{
	CHK(b)[2].first_page++;
}

static void f_nchunks(uint8_t *b)
{
	H(b)->nchunks++;
}

static void f_unsorted(uint8_t *b)
{
	struct kj_img_extent t = EXT(b)[1];

	EXT(b)[1] = EXT(b)[2];
	EXT(b)[2] = t;
}

static void f_overlap_ext(uint8_t *b)
{
	EXT(b)[3].npages += EXT(b)[4].pfn - EXT(b)[3].pfn;
}

static void f_ext_empty(uint8_t *b)
{
	EXT(b)[0].npages = 0;
}

static void f_ext_kind(uint8_t *b)
{
	EXT(b)[2].kind = 9;
}

static void f_ext_wrap(uint8_t *b)
{
	struct kj_img_extent *x = &EXT(b)[H(b)->sect[0].count - 1];

	x->pfn = UINT64_MAX - 2;
}

static void f_ext_huge(uint8_t *b)
{
	struct kj_img_extent *x = &EXT(b)[H(b)->sect[0].count - 1];

	x->npages = UINT64_MAX - x->pfn + 5;
}

static void f_pages_data(uint8_t *b)
{
	H(b)->pages_data++;
}

static void f_pages_zero(uint8_t *b)
{
	H(b)->pages_zero--;
}

static void f_state(uint8_t *b)
{
	H(b)->state = 9;
}

static void f_kind(uint8_t *b)
{
	H(b)->kind = 0;
}

static void f_chunk_pages0(uint8_t *b)
{
	H(b)->chunk_pages = 0;
}

static void f_chunk_pages_huge(uint8_t *b)
{
	H(b)->chunk_pages = 1ULL << 40;
}

static void f_chunk_pages_small(uint8_t *b)
{
	H(b)->chunk_pages = 8;
}

static void f_index_huge(uint8_t *b)
{
	H(b)->index_size = 2ULL << 30;
	H(b)->target_min_size = H(b)->index_offset + H(b)->index_size;
}

static void f_index_far(uint8_t *b)
{
	H(b)->index_offset = 1ULL << 50;
	H(b)->target_min_size = H(b)->index_offset + H(b)->index_size;
}

static void f_index_wrap(uint8_t *b)
{
	H(b)->index_offset = UINT64_MAX - 100;
	H(b)->target_min_size = H(b)->index_offset + H(b)->index_size;
}

static void f_min_size(uint8_t *b)
{
	H(b)->target_min_size--;
}

static void f_data_bytes(uint8_t *b)
{
	H(b)->data_bytes = UINT64_MAX - 4095;
}

static void f_data_offset(uint8_t *b)
{
	H(b)->data_offset = 100;
}

static void f_data_offset0(uint8_t *b)
{
	H(b)->data_offset = 0;
}

static void f_release(uint8_t *b)
{
	memset(H(b)->release, 'A', sizeof(H(b)->release));
}

static void f_machine(uint8_t *b)
{
	memset(H(b)->machine, 'B', sizeof(H(b)->machine));
}

static void f_memmap(uint8_t *b)
{
	struct kj_img_range *r = sect(b, KJ_SECT_MEMMAP);

	r[1].end = r[1].start;
}

static void f_remap(uint8_t *b)
{
	struct kj_img_remap *r = sect(b, KJ_SECT_REMAP);

	r[0].src_pfn = UINT64_MAX - 3;
}

static void f_vmcoreinfo(uint8_t *b)
{
	((char *)sect(b, KJ_SECT_VMCOREINFO))[3] = '\0';
}

/* Hostile memory maps and counts (issue "Never lose a system"). */
static struct kj_img_range *MM(uint8_t *b)
{
	return sect(b, KJ_SECT_MEMMAP);
}

static void f_memmap_huge(uint8_t *b)
{
	MM(b)[3].end = 1ULL << 60;	/* the range export once looped over */
}

static void f_memmap_wraps_phys(uint8_t *b)
{
	MM(b)[2].start = (1ULL << 52) - 0x1000;
	MM(b)[2].end = (1ULL << 52) + 0x1000;
}

static void f_ram_overlap(uint8_t *b)
{
	MM(b)[1].start = 0x9e000;	/* into range 0 */
}

static void f_ext_outside_ram(uint8_t *b)
{
	MM(b)[1].start = 0x200000;	/* extent 0 is at pfn 0x100 */
}

static void f_ext_in_firmware(uint8_t *b)
{
	MM(b)[3].type = 2;		/* the upper half is no longer RAM */
}

static void f_saved_more_than_total(uint8_t *b)
{
	H(b)->pages_total = H(b)->pages_data + H(b)->pages_zero - 1;
}

static void f_counts_overflow(uint8_t *b)
{
	H(b)->pages_free = UINT64_MAX - 5;
}

static void f_remap_too_many_pages(uint8_t *b)
{
	((struct kj_img_remap *)sect(b, KJ_SECT_REMAP))[0].npages =
		KJ_IMG_MAX_REMAP_PAGES + 1;
}

static const struct forgery forgeries[] = {
	{ "huge extent count", f_huge_count, "the extents section" },
	{ "count * size overflows", f_count_overflow, "does not fit" },
	{ "section beyond the index", f_sect_beyond, "does not fit in the index" },
	{ "section offset wraps", f_sect_offset_wrap, "the memmap section" },
	{ "section misaligned", f_sect_misaligned, "not 8-byte aligned" },
	{ "entry size", f_entry_size, "chunks entries are 24 bytes" },
	{ "duplicate section", f_dup_sect, "two extents sections" },
	{ "unused slot", f_unused_slot, "slot 7 is not empty" },
	{ "unknown section type", f_unknown_type, "unknown type 9" },
	{ "no chunk section", f_no_chunks, "no chunks section" },
	{ "overlapping chunks", f_overlap_chunks, "chunk 3 at offset" },
	{ "misaligned chunk", f_chunk_misaligned, "misaligned" },
	{ "chunk in the index", f_chunk_outside, "outside the data area" },
	{ "chunk offset wraps", f_chunk_wrap, "outside the data area" },
	{ "csize 0", f_csize_zero, "chunk 0 has an impossible compressed size 0" },
	{ "csize huge", f_csize_huge, "impossible compressed size 4294967295" },
	{ "chunk too many pages", f_chunk_npages, "chunk 1 holds 17 pages" },
	/* a short chunk is allowed (fixed places end chunks with their
	 * span), but the stream must stay contiguous */
	{ "inner chunk short", f_chunk_short, "chunk 2 starts at stream page" },
	{ "chunk first page", f_chunk_first, "chunk 2 starts at stream page" },
	{ "nchunks", f_nchunks, "chunk entries, the header says" },
	{ "extents unsorted", f_unsorted, "extent 2 (pfn" },
	{ "extents overlap", f_overlap_ext, "overlaps the one before" },
	{ "empty extent", f_ext_empty, "extent 0 (pfn" },
	{ "extent kind", f_ext_kind, "extent 2 has unknown kind 9" },
	{ "extent pfn wraps", f_ext_wrap, "beyond any physical address" },
	{ "extent npages wraps", f_ext_huge, "beyond any physical address" },
	{ "pages_data mismatch", f_pages_data, "the extents hold" },
	{ "pages_zero mismatch", f_pages_zero, "the extents hold" },
	{ "unknown state", f_state, "unknown state 9" },
	{ "unknown kind", f_kind, "unknown image kind 0" },
	{ "chunk_pages 0", f_chunk_pages0, "0 pages per chunk" },
	{ "chunk_pages huge", f_chunk_pages_huge, "pages per chunk" },
	{ "chunk_pages smaller than chunks", f_chunk_pages_small, "holds 16 pages" },
	{ "index size absurd", f_index_huge, "index size 2147483648 is absurd" },
	{ "index far away", f_index_far, "incomplete: the image needs" },
	{ "index offset wraps", f_index_wrap, "target_min_size" },
	{ "target_min_size", f_min_size, "target_min_size" },
	{ "data_bytes wraps", f_data_bytes, "runs past the index offset" },
	{ "data offset misaligned", f_data_offset, "data offset 0x64" },
	{ "data offset 0", f_data_offset0, "data offset 0x0" },
	{ "release unterminated", f_release, "release string" },
	{ "machine unterminated", f_machine, "machine string" },
	{ "memmap range empty", f_memmap, "memory map range 1" },
	{ "remap wraps", f_remap, "remap entry 0" },
	{ "NUL in vmcoreinfo", f_vmcoreinfo, "VMCOREINFO text holds a NUL" },
	{ "memmap range of 2^60 bytes", f_memmap_huge, "beyond the 52-bit physical address space" },
	{ "memmap range across 2^52", f_memmap_wraps_phys, "memory map range 2" },
	{ "RAM ranges overlap", f_ram_overlap, "RAM range 1 (0x9e000-0x80000000) is out of order or overlaps" },
	{ "extent outside RAM", f_ext_outside_ram, "extent 0 (pfn 0x100" },
	{ "extent in a firmware range", f_ext_in_firmware, "which is not RAM in the image's memory map" },
	{ "more pages saved than RAM", f_saved_more_than_total, "pages saved of only" },
	{ "page counts overflow", f_counts_overflow, "the page counts overflow" },
	{ "remap moves too many pages", f_remap_too_many_pages, "moves more than 1048576 pages" },
};

/*
 * A copy of the golden image whose index has `extra` more bytes at its end
 * (zero), and the index offset where they start (8-byte aligned): room for
 * sections larger than the writer makes.
 */
static uint8_t *grow_index(uint64_t extra, size_t *len, uint64_t *at)
{
	struct kj_img_header *h;
	uint8_t *b;

	assert_int_equal(H(g_img)->index_offset + H(g_img)->index_size, g_len);
	*at = (H(g_img)->index_size + 7) & ~7ULL;
	*len = H(g_img)->index_offset + *at + extra;
	b = calloc(1, *len);
	assert_non_null(b);
	memcpy(b, g_img, g_len);
	h = H(b);
	h->index_size = *at + extra;
	h->target_min_size = h->index_offset + h->index_size;
	return b;
}

static void rehash_len(uint8_t *b)
{
	struct kj_img_header *h = H(b);

	h->index_xxh64 = XXH64(b + h->index_offset, h->index_size, 0);
	h->header_xxh64 = kj_img_header_hash(h);
}

static void test_too_many_memmap_ranges(void **state)
{
	uint64_t n = KJ_IMG_MAX_MEMMAP + 1, at;
	size_t len;
	uint8_t *b = grow_index(n * sizeof(struct kj_img_range), &len, &at);
	struct kj_img_range *r = (struct kj_img_range *)(b + H(b)->index_offset + at);

	/* each range fine on its own: reserved pages below 4 GiB */
	for (uint64_t i = 0; i < n; i++)
		r[i] = (struct kj_img_range){ 0xc0000000 + i * 0x1000,
					      0xc0000000 + i * 0x1000 + 0x1000, 2, 0 };
	sect_entry(b, KJ_SECT_MEMMAP)->offset = at;
	sect_entry(b, KJ_SECT_MEMMAP)->count = n;
	rehash_len(b);
	expect_problem(b, len, "8193 memory map ranges (kjump writes at most 8192)");
	free(b);
}

static void test_too_many_vmap_entries(void **state)
{
	uint64_t n = KJ_IMG_MAX_VMAP + 1, at;
	size_t len;
	uint8_t *b = grow_index(n * sizeof(struct kj_img_vmap), &len, &at);
	struct kj_img_vmap *v = (struct kj_img_vmap *)(b + H(b)->index_offset + at);

	for (uint64_t i = 0; i < n; i++)
		v[i] = (struct kj_img_vmap){ i * 0x1000, 0xffff888000000000ULL + i * 0x1000, 0x1000 };
	for (int i = 0; i < KJ_SECT_MAX; i++)	/* the golden image has none */
		if (H(b)->sect[i].type == 0) {
			H(b)->sect[i] = (struct kj_img_sect){ KJ_SECT_VMAP,
				sizeof(struct kj_img_vmap), at, n };
			break;
		}
	rehash_len(b);
	expect_problem(b, len, "8193 virtual map entries");
	free(b);
}

static void test_vmcoreinfo_too_long(void **state)
{
	uint64_t n = KJ_IMG_MAX_VMCOREINFO + 1, at;
	size_t len;
	uint8_t *b = grow_index(n, &len, &at);

	memset(b + H(b)->index_offset + at, 'x', n);
	sect_entry(b, KJ_SECT_VMCOREINFO)->offset = at;
	sect_entry(b, KJ_SECT_VMCOREINFO)->count = n;
	rehash_len(b);
	expect_problem(b, len, "65537 bytes of VMCOREINFO");
	free(b);
}

/* A filesystems section of n entries put in a copy of the golden image
 * (which has none) at the end of its index, count as given. */
static uint8_t *with_fs(uint64_t n, uint64_t count, size_t *len)
{
	uint64_t at;
	uint8_t *b = grow_index(n * sizeof(struct kj_img_fs), len, &at);
	struct kj_img_fs *f = (struct kj_img_fs *)(b + H(b)->index_offset + at);

	for (uint64_t i = 0; i < n; i++) {
		f[i] = (struct kj_img_fs){ .kind = KJ_FS_EXT, .status = KJ_FS_CHECKED,
					   .major = 254, .minor = (uint32_t)i,
					   .fingerprint = 0x1234 + i };
		snprintf(f[i].fstype, sizeof(f[i].fstype), "ext4");
		snprintf(f[i].device, sizeof(f[i].device), "/dev/vd%c", (char)('a' + i % 26));
	}
	for (int i = 0; i < KJ_SECT_MAX; i++)
		if (H(b)->sect[i].type == 0) {
			H(b)->sect[i] = (struct kj_img_sect){ KJ_SECT_FILESYSTEMS,
				sizeof(struct kj_img_fs), at, count };
			break;
		}
	rehash_len(b);
	return b;
}

static void test_fs_section_ok(void **state)
{
	struct kj_img img;
	struct kj_err e = { 0 };
	size_t len;
	uint8_t *b = with_fs(3, 3, &len);
	int rc, fd = open_bytes(b, len, &img, &e, &rc);

	assert_int_equal(rc, 0);
	if (!img.complete)
		fail_msg("%s", img.problem);
	assert_true(img.have_fs);
	assert_int_equal(img.nfs, 3);
	assert_int_equal(img.fs[2].minor, 2);
	assert_int_equal(img.fs[2].fingerprint, 0x1236);
	assert_string_equal(img.fs[1].device, "/dev/vdb");
	kj_img_close(&img);
	close(fd);
	free(b);
	/* and the golden image (an older writer's) has no section at all */
	fd = open_bytes(g_img, g_len, &img, &e, &rc);
	assert_int_equal(rc, 0);
	assert_true(img.complete);
	assert_false(img.have_fs);
	assert_int_equal(img.nfs, 0);
	kj_img_close(&img);
	close(fd);
}

static void test_fs_section_bad(void **state)
{
	size_t len;
	uint8_t *b;

	/* more entries than kjump writes */
	b = with_fs(KJ_IMG_MAX_FS + 1, KJ_IMG_MAX_FS + 1, &len);
	expect_problem(b, len, "65 filesystem entries (kjump writes at most 64)");
	free(b);
	/* a count past the end of the index: truncated */
	b = with_fs(2, 3, &len);
	expect_problem(b, len, "the filesystems section (3 entries");
	free(b);
	/* an absurd count that would overflow count * 256 */
	b = with_fs(2, UINT64_MAX / 16, &len);
	expect_problem(b, len, "does not fit in the index");
	free(b);
	/* an entry whose strings are not terminated */
	b = with_fs(2, 2, &len);
	{
		struct kj_img_sect *s = sect_entry(b, KJ_SECT_FILESYSTEMS);
		struct kj_img_fs *f = (struct kj_img_fs *)(b + H(b)->index_offset + s->offset);

		memset(f[1].label, 'x', sizeof(f[1].label));
		rehash_len(b);
		expect_problem(b, len, "filesystem entry 1 has an unknown kind or status");
		f[1].label[0] = 0;
		f[1].status = 9;
		rehash_len(b);
		expect_problem(b, len, "filesystem entry 1 has an unknown kind or status");
		f[1].status = KJ_FS_CHECKED;
		f[1].kind = KJ_FS_UNKNOWN;	/* checked, but of no known kind */
		rehash_len(b);
		expect_problem(b, len, "filesystem entry 1");
		f[1].kind = 77;
		f[1].status = KJ_FS_UNSUPPORTED;
		rehash_len(b);
		expect_problem(b, len, "filesystem entry 1");
	}
	free(b);
}

static void test_fs_section_writer(void **state)
{
	struct kj_img_writer_opts o = base_opts(1, 1, 16);
	struct kj_img_writer *w;
	struct kj_err e = { 0 };
	struct kj_img img;
	struct kj_img_fs f[2] = {
		{ .kind = KJ_FS_EXT, .status = KJ_FS_CHECKED, .major = 254, .minor = 32,
		  .fingerprint = 0xfeedULL, .counter = 7, .fstype = "ext4",
		  .label = "data", .device = "/dev/vdc", .mountpoint = "/mnt" },
		{ .kind = KJ_FS_UNKNOWN, .status = KJ_FS_UNSUPPORTED, .fstype = "vfat",
		  .device = "/dev/vdd" },
	};
	int fd;

	for (int empty = 0; empty < 2; empty++) {
		fd = tmp_fd();
		assert_int_equal(kj_img_writer_open(&w, fd, 0, &o, &e), 0);
		/* the writer holds entries to the reader's rules */
		struct kj_img_fs bad = f[0];
		bad.status = KJ_FS_CHECKED;
		bad.kind = KJ_FS_UNKNOWN;
		assert_int_equal(kj_img_writer_set_filesystems(w, &bad, 1, &e), -1);
		assert_int_equal(kj_img_writer_set_filesystems(w, f, KJ_IMG_MAX_FS + 1, &e), -1);
		assert_contains(e.msg, "too many");
		assert_int_equal(kj_img_writer_set_filesystems(w, f, empty ? 0 : 2, &e), 0);
		assert_int_equal(kj_img_writer_finish(w, NULL, &e), 0);
		assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
		if (!img.complete)
			fail_msg("%s", img.problem);
		assert_true(img.have_fs);
		assert_int_equal(img.nfs, empty ? 0 : 2);
		if (!empty) {
			assert_memory_equal(img.fs, f, sizeof(f));
		}
		kj_img_close(&img);
		close(fd);
	}
}

static void test_forgeries(void **state)
{
	for (size_t i = 0; i < sizeof(forgeries) / sizeof(forgeries[0]); i++) {
		uint8_t *b = golden_copy();

		print_message("forgery: %s\n", forgeries[i].name);
		forgeries[i].edit(b);
		rehash(b);
		expect_problem(b, g_len, forgeries[i].expect);
		free(b);
	}
}

static void test_set_state(void **state)
{
	struct kj_img img;
	struct kj_err e = { 0 };
	uint8_t uuid[16];
	uint64_t now = (uint64_t)time(NULL);
	int fd = store_buf(g_img, g_len);

	memcpy(uuid, H(g_img)->uuid, 16);
	assert_int_equal(kj_img_set_state(fd, KJ_IMG_CONSUMED, &e), 0);
	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	assert_true(img.complete);	/* intact, just used */
	assert_int_equal(img.hdr.state, KJ_IMG_CONSUMED);
	assert_true(img.hdr.consumed >= now && img.hdr.consumed <= now + 60);
	assert_memory_equal(img.hdr.uuid, uuid, 16);
	assert_int_equal(img.hdr.created, H(g_img)->created);
	assert_int_equal(kj_img_check_resumable(&img, &e), -1);
	assert_contains(e.msg, "already resumed");
	assert_int_equal(kj_img_verify(&img, NULL, NULL, NULL, &e), 0);
	kj_img_close(&img);

	/* And back: only the header block changed. */
	assert_int_equal(kj_img_set_state(fd, KJ_IMG_COMPLETE, &e), 0);
	{
		size_t len;
		uint8_t *now_bytes = load_fd(fd, &len);

		assert_int_equal(len, g_len);
		assert_memory_equal(now_bytes, g_img, g_len);
		free(now_bytes);
	}
	assert_int_equal(kj_img_set_state(fd, 7, &e), -1);
	assert_contains(e.msg, "invalid image state 7");

	/* RESUMING: complete, refused, the time recorded; not on another image */
	assert_int_equal(kj_img_set_state_of(fd, uuid, KJ_IMG_RESUMING, &e), 0);
	assert_int_equal(kj_img_open(&img, fd, 0, &e), 0);
	assert_true(img.complete);
	assert_int_equal(img.hdr.state, KJ_IMG_RESUMING);
	assert_true(img.hdr.consumed >= now && img.hdr.consumed <= now + 60);
	assert_int_equal(kj_img_check_resumable(&img, &e), -1);
	assert_contains(e.msg, "state RESUMING");
	kj_img_close(&img);
	uuid[0] ^= 1;
	assert_int_equal(kj_img_set_state_of(fd, uuid, KJ_IMG_CONSUMED, &e), -1);
	assert_int_equal(e.code, ESTALE);
	assert_contains(e.msg, "another image");
	assert_int_equal(kj_img_set_state(fd, KJ_IMG_COMPLETE, &e), 0);
	close(fd);

	/* Refused on anything but a valid header. */
	{
		uint8_t *b = golden_copy();

		b[100] ^= 1;
		fd = store_buf(b, g_len);
		assert_int_equal(kj_img_set_state(fd, KJ_IMG_CONSUMED, &e), -1);
		assert_contains(e.msg, "header checksum mismatch");
		close(fd);
		memset(b, 0, 8192);
		fd = store_buf(b, 8192);
		assert_int_equal(kj_img_set_state(fd, KJ_IMG_CONSUMED, &e), -1);
		assert_contains(e.msg, "no kjump image");
		close(fd);
		fd = store_buf(b, 100);
		assert_int_equal(kj_img_set_state(fd, KJ_IMG_CONSUMED, &e), -1);
		assert_contains(e.msg, "unexpected end");
		close(fd);
		free(b);
	}
}

/*
 * Random forgeries: change header and index bytes or fields, recompute
 * both checksums, open. Every outcome is allowed except a crash, a leak
 * or a "complete" image whose arrays break the promised invariants.
 */
static void check_invariants(struct kj_img *img)
{
	uint64_t data = 0, end = 0, page = 0;

	for (uint64_t i = 0; i < img->next; i++) {
		assert_true(img->ext[i].npages > 0);
		assert_true(i == 0 || img->ext[i].pfn >= end);
		end = img->ext[i].pfn + img->ext[i].npages;
		assert_true(end <= KJ_IMG_MAX_PFN);
		assert_int_equal(img->ext_first[i], data);
		if (img->ext[i].kind == KJ_EXT_DATA)
			data += img->ext[i].npages;
	}
	assert_int_equal(data, img->hdr.pages_data);
	for (uint64_t i = 0; i < img->nchunks; i++) {
		assert_int_equal(img->chunk[i].first_page, page);
		page += img->chunk[i].npages;
		assert_true(img->chunk[i].offset + img->chunk[i].csize <=
			    img->hdr.index_offset);
	}
	assert_int_equal(page, data);
	assert_true(img->hdr.target_min_size <= img->target_size);
}

static void test_fuzz(void **state)
{
	const struct kj_img_header *gh = (const void *)g_img;
	uint64_t iters = 1500, complete = 0, problems = 0, errors = 0;
	uint8_t *b = golden_copy(), *page;
	const char *env = getenv("KJ_FUZZ_ITERS");
	int fd = store_buf(g_img, g_len);

	if (env)
		iters = strtoull(env, NULL, 0);
	page = malloc(16 * KJ_IMG_PAGE_SIZE);
	assert_non_null(page);
	rng_state = 0x5eed;
	for (uint64_t it = 0; it < iters; it++) {
		struct kj_img img;
		struct kj_err e = { 0 };
		int n = 1 + (int)(rnd() % 3), rc;

		for (int k = 0; k < n; k++) {
			/* Header fields (not the checksum) or index bytes. */
			bool in_header = rnd() % 2;
			uint64_t span = in_header ? 488 : gh->index_size;
			uint64_t base = in_header ? 0 : gh->index_offset;
			uint64_t off = base + rnd() % span;
			static const uint64_t vals[] = { 0, 1, 2, 15, 16, 17,
				4095, 4096, UINT32_MAX, 1ULL << 32, 1ULL << 52,
				INT64_MAX, UINT64_MAX, UINT64_MAX - 1 };
			uint64_t v;

			switch (rnd() % 4) {
			case 0:
				b[off] ^= (uint8_t)(1u << (rnd() % 8));
				break;
			case 1:
				b[off] = (uint8_t)rnd();
				break;
			case 2:
				off = base + ((off - base) & ~7ULL);
				if (off + 8 > base + span)
					off = base + span - 8;
				v = vals[rnd() % (sizeof(vals) / sizeof(vals[0]))];
				memcpy(b + off, &v, 8);
				break;
			default:
				off = base + ((off - base) & ~7ULL);
				if (off + 8 > base + span)
					off = base + span - 8;
				memcpy(&v, b + off, 8);
				v += (rnd() % 2) ? 1 : -1;
				memcpy(b + off, &v, 8);
				break;
			}
		}
		rehash(b);
		/* Only the header and the index differ from the golden. */
		assert_int_equal(kj_img_pwrite(fd, b, KJ_IMG_PAGE_SIZE, 0, "test", NULL), 0);
		assert_int_equal(kj_img_pwrite(fd, b + gh->index_offset,
					       gh->index_size, gh->index_offset,
					       "test", NULL), 0);
		rc = kj_img_open(&img, fd, 0, &e);
		if (rc) {
			errors++;
			assert_true(e.msg[0] != '\0');
		} else if (!img.complete) {
			problems++;
			assert_true(img.problem[0] != '\0');
			assert_null(img.index);
		} else {
			int kind;
			uint64_t c = rnd() % (img.nchunks + 1);

			complete++;
			check_invariants(&img);
			if (c < img.nchunks && img.chunk[c].npages <= 16)
				kj_img_read_chunk(&img, c, page, &e);
			kj_img_find_page(&img, rnd() % 0x101000, &kind, NULL);
		}
		kj_img_close(&img);
		memcpy(b, g_img, KJ_IMG_PAGE_SIZE);
		memcpy(b + gh->index_offset, g_img + gh->index_offset,
		       gh->index_size);
	}
	print_message("fuzz: %llu iterations: %llu complete, %llu problems, "
		      "%llu errors\n", (ull)iters, (ull)complete,
		      (ull)problems, (ull)errors);
	assert_true(problems > 0);
	free(page);
	free(b);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest writer[] = {
		cmocka_unit_test(test_page_is_zero),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_save_threads),
		cmocka_unit_test(test_writer_memory_repeats),
		cmocka_unit_test(test_roundtrip_1thread),
		cmocka_unit_test(test_roundtrip_4threads),
		cmocka_unit_test(test_roundtrip_1page_chunks),
		cmocka_unit_test(test_roundtrip_default_chunks),
		cmocka_unit_test(test_roundtrip_odd),
		cmocka_unit_test(test_roundtrip_defaults),
		cmocka_unit_test(test_empty_image),
		cmocka_unit_test(test_zero_only),
		cmocka_unit_test(test_add_order),
		cmocka_unit_test(test_writer_bad_args),
		cmocka_unit_test(test_target_too_small_at_open),
		cmocka_unit_test(test_worst_case_size),
		cmocka_unit_test(test_target_full_while_writing),
		cmocka_unit_test(test_index_past_target),
		cmocka_unit_test(test_write_error),
	};
	const struct CMUnitTest reader[] = {
		cmocka_unit_test(test_golden_ok),
		cmocka_unit_test(test_no_magic),
		cmocka_unit_test(test_wrong_version),
		cmocka_unit_test(test_header_flip),
		cmocka_unit_test(test_state_writing),
		cmocka_unit_test(test_state_failed),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_chunk_flip),
		cmocka_unit_test(test_chunk_forged),
		cmocka_unit_test(test_index_flip),
		cmocka_unit_test(test_forgeries),
		cmocka_unit_test(test_too_many_memmap_ranges),
		cmocka_unit_test(test_too_many_vmap_entries),
		cmocka_unit_test(test_vmcoreinfo_too_long),
		cmocka_unit_test(test_fs_section_ok),
		cmocka_unit_test(test_fs_section_bad),
		cmocka_unit_test(test_fs_section_writer),
		cmocka_unit_test(test_set_state),
		cmocka_unit_test(test_fuzz),
	};
	const char *filter = getenv("KJ_TEST_FILTER");
	int r;

	if (filter)
		cmocka_set_test_filter(filter);
	r = cmocka_run_group_tests_name("image writer", writer, NULL, NULL);
	r += cmocka_run_group_tests_name("image reader", reader, setup_golden,
					 teardown_golden);
	return r ? 1 : 0;
}
