// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * heapfill HEAP_MIB RANDOM_MIB: the anonymous part of bench/hibernate's
 * "mix" workload (docs/BENCHMARKS.md says why this mix). Fills, in its own
 * locked memory:
 *   - HEAP_MIB MiB shaped like a program's heap: three pages in ten zero
 *     (touched and cleared: arenas kept after free), the others packed
 *     with 64-byte records (a pointer into the heap or NULL, a random
 *     hash, a growing timestamp, small counters, flags, a short word,
 *     zero padding), so that each is partly zero, partly repetitive and
 *     partly random, as allocator chunks are (zstd -1 makes the whole
 *     heap, zero pages included, about a quarter of its size);
 *   - RANDOM_MIB MiB of random bytes (encrypted or compressed data, keys).
 * Prints "heapfill: ready" and waits until killed. Deterministic: the same
 * sizes fill the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096u

static uint64_t state = 0x2545F4914F6CDD1Dull;

static uint64_t next_random(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

struct record {
	uint64_t next;		/* a heap pointer, or NULL */
	uint64_t hash;		/* a hash or key: random */
	uint64_t time;		/* a timestamp: growing, with jitter */
	uint32_t count;
	uint32_t flags;
	char word[16];
	uint8_t padding[16];
};
_Static_assert(sizeof(struct record) == 64, "a record is 64 bytes");

static void heap_page(uint8_t *page, uint64_t heap_base)
{
	static const char *const words[] = {
		"session", "buffer", "request", "user", "config", "entry",
		"socket", "path", "token", "cache", "node", "value",
	};
	static uint64_t clock = 1764633600ull * 1000000000ull;
	struct record r;

	if (next_random() % 10 < 3) {
		memset(page, 0, PAGE);
		return;
	}
	for (unsigned off = 0; off < PAGE; off += sizeof(r)) {
		uint64_t x = next_random();

		memset(&r, 0, sizeof(r));
		r.next = x % 10 < 3 ? 0 : heap_base + ((x >> 8) % (1u << 28)) * 16;
		r.hash = next_random();
		clock += (x >> 20) % 100000;
		r.time = clock;
		r.count = (uint32_t)((x >> 40) % 1000);
		r.flags = (uint32_t)((x >> 50) % 4);
		strcpy(r.word, words[(x >> 56) % (sizeof(words) / sizeof(words[0]))]);
		memcpy(page + off, &r, sizeof(r));
	}
}

static uint8_t *locked(uint64_t bytes)
{
	uint8_t *p;

	if (!bytes)
		return NULL;
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		 -1, 0);
	if (p == MAP_FAILED || mlock(p, bytes)) {
		perror("heapfill");
		exit(1);
	}
	return p;
}

int main(int argc, char **argv)
{
	uint64_t heap_pages, random_pages;
	uint8_t *heap, *rnd;

	if (argc != 3) {
		fprintf(stderr, "usage: heapfill HEAP_MIB RANDOM_MIB\n");
		return 2;
	}
	heap_pages = strtoull(argv[1], NULL, 0) * 256;
	random_pages = strtoull(argv[2], NULL, 0) * 256;
	heap = locked(heap_pages * PAGE);
	rnd = locked(random_pages * PAGE);
	for (uint64_t i = 0; i < heap_pages; i++)
		heap_page(heap + i * PAGE, (uint64_t)(uintptr_t)heap);
	for (uint64_t i = 0; i < random_pages * PAGE; i += 8) {
		uint64_t x = next_random();

		memcpy(rnd + i, &x, 8);
	}
	printf("heapfill: ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
