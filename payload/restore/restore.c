// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The restore payload: puts a saved system's memory back and enters it.
 *
 * Runs when: entry.S has set up our stack, GDT, SSE and %fs.
 * Does, in this order:
 *   1. builds identity page tables in our own pages and switches to them,
 *      because C's page tables may lie in pages A gets back;
 *   2. decompresses every chunk listed (zstd checks each frame's content
 *      checksum) into our scratch buffer and copies its pages to the
 *      addresses the extents give, in stream order;
 *   3. copies the single pages of the copy list to their places;
 *   4. clears the pages of the zero extents;
 *   5. turns MSI and MSI-X off in every PCI function (see pci_msi_off);
 *   6. returns A's re-entry address for entry.S to jump to.
 * The rest of A's pages kjump resume already put in place: they were
 * pages of its own memory (lib/resume_placement.h). Nothing the payload
 * reads or runs on lies in a page it writes: all of it is in pages the
 * image does not hold.
 * On any inconsistency it says so on the serial port and halts: by then
 * C is gone, and A's memory may be half written.
 */
#include <stddef.h>
#include <stdint.h>

#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include <kjump/restore.h>

#include "../lib/handover.h"
#include "../lib/uart.h"

_Static_assert(sizeof(struct kj_restore_copy) * 256 == 4096, "256 copy entries to a page");

struct kj_restore_params kj_restore_params
	__attribute__((used, aligned(8), section(".data.kjump"))) = {
	.magic = KJ_RESTORE_PARAMS_MAGIC,
};

/* zstd's decompression context, never allocated: ZSTD_initStaticDCtx */
static uint8_t dctx_space[256 * 1024] __attribute__((aligned(64)));

static uint16_t com;

static void puts_(const char *s)
{
	uart_puts(com, s);
}

static void putdec(uint64_t v)
{
	uart_putdec(com, v);
}

static void fail(const char *why)
{
	puts_("kjump restore: ");
	puts_(why);
	puts_("; halting\n");
}

/* --- page tables ------------------------------------------------------ */

static uint64_t pgt_next, pgt_end;

static uint64_t *pgt_alloc(void)
{
	uint64_t *p;

	if (pgt_next + 4096 > pgt_end)
		return NULL;
	p = (uint64_t *)(uintptr_t)pgt_next;
	pgt_next += 4096;
	for (int i = 0; i < 512; i++)
		p[i] = 0;
	return p;
}

#define PTE_P  0x1ULL
#define PTE_RW 0x2ULL
#define PTE_PS 0x80ULL
#define ADDR_MASK 0x000ffffffffff000ULL

/* Map one 2 MiB page at va = pa. */
static int map_2m(uint64_t *top, int levels, uint64_t pa)
{
	uint64_t *t = top;

	for (int level = levels; level > 2; level--) {
		unsigned idx = (unsigned)(pa >> (12 + 9 * (level - 1))) & 511;

		if (!(t[idx] & PTE_P)) {
			uint64_t *n = pgt_alloc();

			if (!n)
				return -1;
			t[idx] = (uint64_t)(uintptr_t)n | PTE_P | PTE_RW;
		}
		t = (uint64_t *)(uintptr_t)(t[idx] & ADDR_MASK);
	}
	t[(pa >> 21) & 511] = pa | PTE_P | PTE_RW | PTE_PS;
	return 0;
}

static int own_page_tables(const struct kj_restore_params *p,
			   const struct kj_restore_manifest *m)
{
	const struct kj_restore_range *r =
		(const void *)((const uint8_t *)m + m->ranges_off);
	uint64_t *top, cr4;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	if (!!(cr4 & (1ULL << 12)) != (m->levels == 5)) {
		fail("the saved system and this machine's paging mode differ");
		return -1;
	}
	pgt_next = p->pgt;
	pgt_end = p->pgt + p->pgt_size;
	top = pgt_alloc();
	if (!top)
		return -1;
	for (uint64_t i = 0; i < m->nranges; i++)
		for (uint64_t a = r[i].start & ~0x1fffffULL; a < r[i].end; a += 0x200000)
			if (map_2m(top, (int)m->levels, a)) {
				fail("out of page table space");
				return -1;
			}
	__asm__ volatile("mov %0, %%cr3" : : "r"((uint64_t)(uintptr_t)top) : "memory");
	return 0;
}

/* --- placing pages ------------------------------------------------------ */

struct cursor {
	const struct kj_restore_extent *ext;
	uint64_t n, i, off;
	uint64_t pos;			/* stream index of the next data page */
};

/* Move on to stream page `to` (>= pos): whole extents at a time. */
static void skip_to(struct cursor *c, uint64_t to)
{
	while (c->pos < to && c->i < c->n) {
		uint64_t left = c->ext[c->i].kind == 1 ? c->ext[c->i].npages - c->off : 0;

		if (left > to - c->pos) {
			c->off += to - c->pos;
			c->pos = to;
			return;
		}
		c->pos += left;
		c->i++;
		c->off = 0;
	}
}

/* The pfn of the next page of the data stream, or UINT64_MAX. */
static uint64_t next_data_pfn(struct cursor *c)
{
	while (c->i < c->n && (c->ext[c->i].kind != 1 || c->off == c->ext[c->i].npages)) {
		c->i++;
		c->off = 0;
	}
	if (c->i == c->n)
		return UINT64_MAX;
	c->pos++;
	return c->ext[c->i].pfn + c->off++;
}

static void copy_page(uint64_t dst, const void *src)
{
	void *d = (void *)(uintptr_t)dst;
	uint64_t n = 512;

	__asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
}

static void zero_pages(uint64_t dst, uint64_t pages)
{
	void *d = (void *)(uintptr_t)dst;
	uint64_t n = pages * 512;

	__asm__ volatile("rep stosq" : "+D"(d), "+c"(n) : "a"(0ULL) : "memory");
}

uint64_t restore_main(struct kj_restore_params *p);
uint64_t restore_main(struct kj_restore_params *p)
{
	const struct kj_restore_manifest *m = (const void *)(uintptr_t)p->manifest;
	const struct kj_restore_chunk *ch;
	const uint64_t *pages;
	struct cursor cur;
	uint64_t placed = 0, copied = 0, zeroed = 0, step;
	ZSTD_DCtx *d;

	if (m->magic != KJ_RESTORE_MANIFEST_MAGIC)
		return 0;
	com = (uint16_t)m->console;
	puts_("kjump restore: placing ");
	putdec(m->pages_data);
	puts_(" pages: ");
	putdec(m->pages_in_place);
	puts_(" in place, ");
	putdec(m->nchunks);
	puts_(" chunks to decompress, ");
	putdec(m->ncopies);
	puts_(" pages to copy\n");
	if (own_page_tables(p, m))
		return 0;
	puts_("kjump restore: on our own page tables\n");
	if (ZSTD_estimateDCtxSize() > sizeof(dctx_space)) {
		fail("zstd needs a larger context");
		return 0;
	}
	d = ZSTD_initStaticDCtx(dctx_space, sizeof(dctx_space));
	if (!d) {
		fail("zstd context");
		return 0;
	}
	ch = (const void *)((const uint8_t *)m + m->chunks_off);
	cur.ext = (const void *)((const uint8_t *)m + m->extents_off);
	cur.n = m->nextents;
	cur.i = cur.off = cur.pos = 0;
	step = m->nchunks / 4 ? m->nchunks / 4 : 1;
	pages = (const void *)((const uint8_t *)m + m->pages_off);
	for (uint64_t c = 0; c < m->nchunks; c++) {
		uint64_t want = (uint64_t)ch[c].npages * 4096;
		uint64_t npg = ((uint64_t)ch[c].csize + 4095) / 4096;
		uint8_t *cin = (uint8_t *)(uintptr_t)p->cin;
		size_t got;

		if (want > p->scratch_size || ch[c].csize > p->cin_size ||
		    ch[c].first_page + npg > m->npages) {
			fail("a chunk is larger than its buffers or its page list");
			return 0;
		}
		if (ch[c].stream_first < cur.pos) {
			fail("the chunks are out of stream order");
			return 0;
		}
		skip_to(&cur, ch[c].stream_first);
		/* gather the frame from the pages kjump left it in */
		for (uint64_t i = 0; i < npg; i++)
			copy_page((uint64_t)(uintptr_t)(cin + i * 4096),
				  (const void *)(uintptr_t)pages[ch[c].first_page + i]);
		got = ZSTD_decompressDCtx(d, (void *)(uintptr_t)p->scratch, p->scratch_size,
					  cin, ch[c].csize);
		if (ZSTD_isError(got) || got != want) {
			puts_("kjump restore: chunk ");
			putdec(c);
			fail(" does not decompress (memory changed after kjump verified it)");
			return 0;
		}
		for (uint64_t k = 0; k < ch[c].npages; k++) {
			uint64_t pfn = next_data_pfn(&cur);

			if (pfn == UINT64_MAX) {
				fail("more data pages than extents");
				return 0;
			}
			copy_page(pfn * 4096, (const uint8_t *)(uintptr_t)p->scratch + k * 4096);
			placed++;
		}
		p->progress = c + 1;
		if ((c + 1) % step == 0 && c + 1 < m->nchunks) {
			putdec((c + 1) * 100 / m->nchunks);
			puts_("%\n");
		}
	}
	if (m->ncopies) {
		if (m->copies_first_page + (m->ncopies + 255) / 256 > m->npages) {
			fail("the copy list is longer than its page list");
			return 0;
		}
		puts_("kjump restore: copying single pages\n");
	}
	for (uint64_t i = 0; i < m->ncopies; i++) {
		const struct kj_restore_copy *cp = (const void *)(uintptr_t)
			(pages[m->copies_first_page + i / 256] + (i % 256) * sizeof(*cp));

		copy_page(cp->dst, (const void *)(uintptr_t)cp->src);
		copied++;
	}
	for (uint64_t i = 0; i < cur.n; i++)
		if (cur.ext[i].kind == 2) {
			zero_pages(cur.ext[i].pfn * 4096, cur.ext[i].npages);
			zeroed += cur.ext[i].npages;
		}
	if (placed + copied + m->pages_in_place != m->pages_data || zeroed != m->pages_zero) {
		fail("page counts do not match the image");
		return 0;
	}
	unsigned msi = pci_msi_off();

	apic_to_xapic();
	puts_("kjump restore: done (");
	putdec(msi);
	puts_(" PCI functions back to INTx); entering the saved system\n");
	return m->entry;
}
