// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The image writer.
 *
 * Three kinds of thread share a ring of `nslots` chunk slots:
 *
 *   caller   kj_img_writer_add() copies DATA pages into the slot being
 *            filled (kj_img_writer_add_mapped() records where they lie
 *            instead); a full slot is submitted (sequence number `filled`).
 *   workers  take submitted slots in sequence order (`next_compress`),
 *            copy in the pages that were only recorded (unless the chunk
 *            is kept, below), and compress each into its own output
 *            buffer, each worker with its own ZSTD_CCtx. Several chunks
 *            compress at once and may finish in any order.
 *   writer   one thread writes the compressed slots strictly in sequence
 *            order (`written`), each at the next 4 KiB-aligned offset, so
 *            the stream on the target is in order and offsets only grow.
 *            With fixed places (chunk_places.h) each chunk goes to its
 *            span's place instead, and a chunk found unchanged (its
 *            worker compared digests) is not written at all.
 *
 * Slot s % nslots holds chunk s; the caller may start filling chunk s only
 * once chunk s - nslots is written, which bounds memory to nslots slots
 * and makes a caller faster than the disk block. One mutex guards the
 * counters; a slot's buffers belong to exactly one thread at a time
 * (caller until submitted, one worker until compressed, the writer until
 * written), handed over under the mutex.
 *
 * A sealed image's chunks are encrypted by the worker that compressed
 * them, right after compressing (the AEAD runs in the compression
 * threads); the writer thread keeps their tags for the index, which
 * finish() encrypts whole before the sealed header commits it.
 *
 * Any thread's failure is recorded once (the first wins) in w->err and
 * stops all threads; the caller sees it from its next add() that needs a
 * slot, or from finish().
 */
#include "image.h"
#include "chunk_digest.h"
#include "chunk_places.h"
#include "seal.h"
#include "direct_io.h"
#include "stored_frame.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>
#define ZSTD_STATIC_LINKING_ONLY	/* ZSTD_createCCtx_advanced */
#include <zstd.h>

/* ZSTD_compressBound(4096), rounded up */
#define PROBE_OUT_BYTES 4352u

struct slot {
	uint8_t *in;		/* chunk_pages pages */
	const uint8_t **page;	/* where page i lies: in[i], or the caller's
				 * page that stays put (add_mapped), copied
				 * into in[i] by the worker if it compresses */
	uint8_t *out;		/* compressed frame + zero padding */
	uint64_t seq;		/* chunk number */
	uint64_t first_page;	/* stream index of in[0] */
	uint32_t npages;
	size_t csize;
	uint64_t xxh;
	uint8_t tag[16];	/* sealed images: the chunk's Poly1305 tag */
	bool ready;		/* compressed, not yet written */
	bool stored;		/* a frame of raw blocks (stored_frame.h) */
	/* fixed places only */
	uint64_t place;		/* its span's place */
	uint64_t digest_low, digest_high;	/* XXH3-128 of in[] */
	bool kept;		/* the target already holds it: not written */
};

struct worker {
	struct kj_img_writer *w;
	ZSTD_CCtx *cctx;
	/* asks whether a chunk compresses (lib/stored_frame.h): a context of
	 * its own, so that 4 KiB samples do not resize cctx's tables */
	ZSTD_CCtx *probe;
	uint8_t probe_out[PROBE_OUT_BYTES];
	pthread_t thread;
	bool started;
};

struct kj_img_writer {
	int fd;
	int direct_fd;		/* fd reopened for direct writes, or -1 */
	uint64_t target_size;
	struct kj_img_header hdr;
	struct kj_seal_keys *keys;	/* sealed images only, else NULL */
	uint32_t chunk_pages;
	size_t in_size, out_size, out_cap;
	struct timespec t0;

	/* Caller's side. */
	bool have_pfn;
	uint64_t last_pfn;
	struct kj_img_extent *ext;
	size_t next, ext_cap;
	uint64_t pages_data, pages_zero;
	struct slot *fill;		/* being filled, or NULL */
	struct kj_img_range *memmap;
	size_t nmemmap;
	struct kj_img_remap *remap;
	size_t nremap;
	struct kj_img_vmap *vmap;
	size_t nvmap;
	char *vmcoreinfo;
	size_t vmcoreinfo_len;
	bool have_fs;
	struct kj_img_fs *fs;
	size_t nfs;

	/* Shared, under lock. */
	pthread_mutex_t lock;
	pthread_cond_t work;		/* workers: a slot was submitted */
	pthread_cond_t done;		/* writer: a slot was compressed */
	pthread_cond_t space;		/* caller: a slot was written */
	bool sync_ready;
	struct slot *slots;
	unsigned nslots;
	uint64_t filled, next_compress, written;
	bool closing;			/* finish: drain, then exit */
	bool stop;			/* failure or abort: exit now */
	bool failed;
	struct kj_err err;

	/* The writer thread's, until it is joined. */
	uint64_t pos;			/* next chunk's offset */
	struct kj_img_chunk *chunks;
	struct kj_img_tag *tags;	/* sealed: one per chunk */
	size_t nchunks, chunk_cap;
	uint64_t bytes_out;
	uint64_t chunks_stored;		/* written as they are */

	/* Fixed places (chunk_places.h), or NULL: packed. */
	const struct kj_chunk_places *places;
	struct kj_chunk_memory *memory;	/* the caller's, or NULL */
	const struct kj_chunk_record *old; /* memory's records, when usable */
	struct kj_chunk_record *now;	/* what this save puts in each place */
	uint64_t chunks_kept, bytes_kept, bytes_held;
	uint32_t kept_check_one_in;
	bool committed;
	char memory_note[160];

	struct worker *workers;
	unsigned nworkers;
	pthread_t writer;
	bool writer_started;
};

static uint64_t align_up(uint64_t v)
{
	return (v + KJ_IMG_ALIGN - 1) & ~(uint64_t)(KJ_IMG_ALIGN - 1);
}

/*
 * The writer's large buffers (chunk slots, zstd workspaces) come straight
 * from mmap and go straight back with munmap, not through malloc. B saves
 * in a loop in one long-lived process: glibc's malloc raises its mmap
 * threshold each time a large mmapped block is freed, so from the second
 * save on these buffers landed in malloc's heaps (the zstd workspaces in
 * the arenas of the worker threads) and stayed there after they were
 * freed: about 12 MiB of B's memory lost per save with two threads, until
 * B ran out (measured on the host, 64 MiB per save: RSS 1.2, 18, 31, 43
 * ... MiB after saves 1, 2, 3, 4).
 */
static void *map_alloc(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void map_free(void *p, size_t n)
{
	if (p)
		munmap(p, n);
}

/* zstd's allocator: a mapping with its length in front (64 bytes keep
 * what zstd gets 64-byte aligned). */
#define ZMEM_HEAD 64
static void *zmem_alloc(void *opaque, size_t n)
{
	uint8_t *p;

	(void)opaque;
	if (n > SIZE_MAX - ZMEM_HEAD || !(p = map_alloc(n + ZMEM_HEAD)))
		return NULL;
	memcpy(p, &(size_t){ n + ZMEM_HEAD }, sizeof(size_t));
	return p + ZMEM_HEAD;
}

static void zmem_free(void *opaque, void *a)
{
	size_t n;

	(void)opaque;
	if (!a)
		return;
	memcpy(&n, (uint8_t *)a - ZMEM_HEAD, sizeof(n));
	map_free((uint8_t *)a - ZMEM_HEAD, n);
}

static const ZSTD_customMem zmem = { zmem_alloc, zmem_free, NULL };

/* Record the first failure and stop everyone. Called with w->lock held. */
static void fail_locked(struct kj_img_writer *w, const struct kj_err *err)
{
	if (!w->failed) {
		w->failed = true;
		w->err = *err;
	}
	w->stop = true;
	pthread_cond_broadcast(&w->work);
	pthread_cond_broadcast(&w->done);
	pthread_cond_broadcast(&w->space);
}

static void fail(struct kj_img_writer *w, const struct kj_err *err)
{
	pthread_mutex_lock(&w->lock);
	fail_locked(w, err);
	pthread_mutex_unlock(&w->lock);
}

/* The sticky error for the caller. */
static int failed_error(struct kj_img_writer *w, struct kj_err *e)
{
	pthread_mutex_lock(&w->lock);
	if (e) {
		if (w->failed)
			*e = w->err;
		else
			kj_fail(e, ECANCELED, "the image writer was stopped");
	}
	pthread_mutex_unlock(&w->lock);
	return -1;
}

/*
 * Whether the target still holds the chunk the last save put in this
 * place: read back from the device (past the page cache where it can,
 * else through it: choose_kept() dropped this kernel's cache of it) into
 * buf, a slot's output buffer, and its checksum as recorded. Anything
 * else, an I/O error included, and the chunk is written anew.
 */
static bool still_on_target(struct kj_img_writer *w, const struct kj_chunk_record *o,
			    uint8_t *buf)
{
	struct kj_err err;
	void *bytes;

	if (o->csize > w->out_cap ||
	    kj_direct_pread(w->fd, w->direct_fd, buf, o->csize, o->offset, &bytes,
			    "a kept chunk", &err))
		return false;
	return XXH64(bytes, o->csize, 0) == o->xxh64;
}

/*
 * Whether this save reads back the kept chunk of `place` before keeping
 * it: every one with kept_check_one_in 1, else one place in that many,
 * a different share each save, so that each kept chunk is read back at
 * least once in that many saves.
 */
static bool check_this_time(const struct kj_img_writer *w, uint64_t place)
{
	return w->kept_check_one_in <= 1 ||
	       (place + w->memory->saves) % w->kept_check_one_in == 0;
}

/* The slot's pages into in[], where they are not yet: a worker's copy of
 * the pages the caller added mapped. */
static void gather(struct slot *s)
{
	for (uint32_t i = 0; i < s->npages; i++) {
		uint8_t *to = s->in + (size_t)i * KJ_IMG_PAGE_SIZE;

		if (s->page[i] != to)
			memcpy(to, s->page[i], KJ_IMG_PAGE_SIZE);
	}
}

static void *worker_main(void *arg)
{
	struct worker *wk = arg;
	struct kj_img_writer *w = wk->w;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct slot *s;
		struct kj_err err;
		uint64_t seq;
		size_t r, len;
		bool sealed = true;	/* false: the cipher did not start */

		while (!w->stop && !w->closing && w->next_compress == w->filled)
			pthread_cond_wait(&w->work, &w->lock);
		if (w->stop || w->next_compress == w->filled)
			break;	/* failed, aborted, or closing with no work */
		seq = w->next_compress++;
		s = &w->slots[seq % w->nslots];
		pthread_mutex_unlock(&w->lock);

		len = (size_t)s->npages * KJ_IMG_PAGE_SIZE;
		r = 0;
		s->kept = false;
		if (w->memory) {
			/* The same pages as the chunk already in this place?
			 * (Without a memory to keep, nobody ever compares
			 * digests: none is taken.) */
			const struct kj_chunk_record *o = w->old ? &w->old[s->place] : NULL;

			kj_chunk_digest_pages(s->page, s->npages, &s->digest_low,
					      &s->digest_high);
			if (o && o->valid && o->npages == s->npages &&
			    o->digest_low == s->digest_low && o->digest_high == s->digest_high &&
			    (!check_this_time(w, s->place) || still_on_target(w, o, s->out))) {
				s->kept = true;
				s->stored = o->stored;
				s->xxh = o->xxh64;
				r = o->csize;
			}
		}
		if (!s->kept) {
			gather(s);
			if (kj_chunk_is_incompressible(wk->probe, s->in, s->npages,
						       wk->probe_out, sizeof(wk->probe_out)))
				r = kj_stored_frame_write(s->out, w->out_cap, s->in, len);
			s->stored = r != 0;
			if (!s->stored)
				r = ZSTD_compress2(wk->cctx, s->out, w->out_cap, s->in, len);
			if (!ZSTD_isError(r)) {
				if (w->keys &&
				    kj_seal_chunk(w->keys, w->hdr.uuid, seq, s->first_page,
						  s->npages, s->out, (uint32_t)r, s->tag))
					sealed = false;
				s->xxh = XXH64(s->out, r, 0);
			}
		}

		pthread_mutex_lock(&w->lock);
		if (!sealed) {
			kj_fail(&err, ENOMEM, "cannot seal chunk %llu: OpenSSL's "
				"AES-256-GCM did not start (out of memory?)",
				(unsigned long long)seq);
			fail_locked(w, &err);
			break;
		}
		if (ZSTD_isError(r)) {
			kj_fail(&err, EIO, "cannot compress chunk %llu (stream "
				"pages %llu-%llu): zstd: %s",
				(unsigned long long)seq,
				(unsigned long long)s->first_page,
				(unsigned long long)(s->first_page + s->npages - 1),
				ZSTD_getErrorName(r));
			fail_locked(w, &err);
			break;
		}
		s->csize = r;
		s->ready = true;
		pthread_cond_signal(&w->done);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* Write one compressed slot at w->pos. Runs unlocked, in the writer
 * thread. */
static int write_slot(struct kj_img_writer *w, struct slot *s,
		      struct kj_err *e)
{
	uint64_t padded = align_up(s->csize), end, at = w->pos;
	char what[64];

	if (w->places) {
		/* its span's place; a place holds the worst case */
		at = KJ_IMG_DATA_OFFSET + s->place * w->places->place_bytes;
		if (padded > w->places->place_bytes)
			return kj_fail(e, EIO, "chunk %llu (%llu bytes) is larger than "
				       "its place (%llu bytes)", (unsigned long long)s->seq,
				       (unsigned long long)s->csize,
				       (unsigned long long)w->places->place_bytes);
		if (s->kept && w->old[s->place].offset != at)
			return kj_fail(e, EIO, "chunk %llu: the last save put it at "
				       "0x%llx, its place is 0x%llx", (unsigned long long)s->seq,
				       (unsigned long long)w->old[s->place].offset,
				       (unsigned long long)at);
	}
	if (__builtin_add_overflow(at, padded, &end) ||
	    (w->target_size && end > w->target_size))
		return kj_fail(e, ENOSPC, "the target is too small: chunk %llu "
			       "(%llu compressed bytes) would end at offset "
			       "0x%llx, but the target has only %llu bytes; use "
			       "a larger target",
			       (unsigned long long)s->seq,
			       (unsigned long long)s->csize,
			       (unsigned long long)end,
			       (unsigned long long)w->target_size);
	if (w->nchunks == w->chunk_cap) {
		size_t cap = w->chunk_cap ? w->chunk_cap * 2 : 256;
		void *p = reallocarray(w->chunks, cap, sizeof(*w->chunks));

		if (!p)
			return kj_fail(e, ENOMEM, "out of memory for the chunk "
				       "table (%zu chunks)", cap);
		w->chunks = p;
		if (w->keys) {
			p = reallocarray(w->tags, cap, sizeof(*w->tags));
			if (!p)
				return kj_fail(e, ENOMEM, "out of memory for the chunk "
					       "tags (%zu chunks)", cap);
			w->tags = p;
		}
		w->chunk_cap = cap;
	}
	/* Pad to 4 KiB so the next chunk starts aligned, and write the
	 * padding too: stale bytes of an older image stay out of this one.
	 * A kept chunk is on the target already. */
	if (!s->kept) {
		memset(s->out + s->csize, 0, padded - s->csize);
		snprintf(what, sizeof(what), "chunk %llu", (unsigned long long)s->seq);
		if (kj_direct_pwrite(w->fd, w->direct_fd, s->out, padded, at, what, e))
			return -1;
	}
	if (w->places)
		w->now[s->place] = (struct kj_chunk_record){
			.digest_low = s->digest_low, .digest_high = s->digest_high,
			.offset = at, .xxh64 = s->xxh, .csize = (uint32_t)s->csize,
			.npages = s->npages, .valid = true, .stored = s->stored,
		};
	w->chunks_kept += s->kept;
	if (s->kept)
		w->bytes_kept += s->csize;
	w->bytes_held += padded;
	w->chunks[w->nchunks++] = (struct kj_img_chunk){
		.offset = at,
		.csize = (uint32_t)s->csize,
		.npages = s->npages,
		.first_page = s->first_page,
		.xxh64 = s->xxh,
	};
	if (w->keys)
		memcpy(w->tags[w->nchunks - 1].tag, s->tag, sizeof(s->tag));
	w->bytes_out += s->csize;
	w->chunks_stored += s->stored;
	if (!w->places)
		w->pos = end;
	return 0;
}

static void *writer_main(void *arg)
{
	struct kj_img_writer *w = arg;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct slot *s = &w->slots[w->written % w->nslots];
		struct kj_err err;
		int r;

		while (!w->stop && !(w->closing && w->written == w->filled) &&
		       !(w->written < w->filled && s->ready))
			pthread_cond_wait(&w->done, &w->lock);
		if (w->stop || w->written == w->filled)
			break;
		pthread_mutex_unlock(&w->lock);

		r = write_slot(w, s, &err);

		pthread_mutex_lock(&w->lock);
		if (r) {
			fail_locked(w, &err);
			break;
		}
		s->ready = false;
		w->written++;
		pthread_cond_signal(&w->space);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* Stop and join every thread. With `drain`, let them finish the chunks
 * already submitted first (finish); without, stop at once (abort). */
static void stop_threads(struct kj_img_writer *w, bool drain)
{
	if (!w->sync_ready)
		return;
	pthread_mutex_lock(&w->lock);
	w->closing = true;
	if (!drain)
		w->stop = true;
	pthread_cond_broadcast(&w->work);
	pthread_cond_broadcast(&w->done);
	pthread_cond_broadcast(&w->space);
	pthread_mutex_unlock(&w->lock);
	for (unsigned i = 0; w->workers && i < w->nworkers; i++) {
		if (w->workers[i].started)
			pthread_join(w->workers[i].thread, NULL);
		w->workers[i].started = false;
	}
	if (w->writer_started)
		pthread_join(w->writer, NULL);
	w->writer_started = false;
}

static void writer_free(struct kj_img_writer *w)
{
	if (!w)
		return;
	stop_threads(w, false);
	if (w->workers) {
		for (unsigned i = 0; i < w->nworkers; i++) {
			ZSTD_freeCCtx(w->workers[i].cctx);
			ZSTD_freeCCtx(w->workers[i].probe);
		}
		free(w->workers);
	}
	if (w->slots) {
		for (unsigned i = 0; i < w->nslots; i++) {
			map_free(w->slots[i].in, w->in_size);
			map_free(w->slots[i].out, w->out_size);
			free(w->slots[i].page);
		}
		free(w->slots);
	}
	if (w->sync_ready) {
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->work);
		pthread_cond_destroy(&w->done);
		pthread_cond_destroy(&w->space);
	}
	if (w->memory && !w->committed)
		kj_chunk_memory_forget(w->memory);	/* the target moved on */
	if (w->direct_fd >= 0)
		close(w->direct_fd);
	free(w->now);
	free(w->ext);
	free(w->chunks);
	free(w->tags);
	kj_seal_keys_free(w->keys);
	free(w->memmap);
	free(w->remap);
	free(w->vmap);
	free(w->vmcoreinfo);
	free(w->fs);
	free(w);
}

void kj_img_writer_abort(struct kj_img_writer *w)
{
	writer_free(w);
}

static unsigned slots_for(unsigned threads)
{
	/* Each worker can be compressing one chunk while another waits for
	 * the writer, and the caller fills one more; three at least, so that
	 * filling, compressing and writing overlap even with one thread. */
	return threads * 2 < 3 ? 3 : threads * 2;
}

uint64_t kj_img_writer_memory(unsigned threads, uint32_t chunk_pages)
{
	uint64_t in, out;

	if (threads == 0)
		threads = 1;
	if (chunk_pages == 0)
		chunk_pages = KJ_IMG_DEFAULT_CHUNK_PAGES;
	in = (uint64_t)chunk_pages * KJ_IMG_PAGE_SIZE;
	out = kj_direct_buffer_size(ZSTD_compressBound((size_t)in));	/* as writer_open */
	return (uint64_t)slots_for(threads) * (in + out + chunk_pages * sizeof(void *));
}

/* The margin a save keeps beyond its own needs: the kernel's (writes in
 * flight to the target, reading /proc/vmcore) and the caller's. */
#define SAVE_MARGIN (16ull << 20)

/* A worker's probe context, which only ever sees 4 KiB. */
static uint64_t probe_memory(int level)
{
	return ZSTD_estimateCCtxSize_usingCParams(ZSTD_getCParams(level, 4096, 0));
}

uint64_t kj_img_save_memory(unsigned threads, int level, uint64_t ram_bytes)
{
	if (threads == 0)
		threads = 1;
	/* the index: free-page bitmap (ram / 32768), page tables of the
	 * /proc/vmcore mapping (ram / 512), extents and chunk table (far
	 * less), rounded up to ram / 256 */
	return kj_img_writer_memory(threads, 0) +
		threads * (uint64_t)(ZSTD_estimateCCtxSize(level ? level : 1) +
				     probe_memory(level ? level : 1)) +
		ram_bytes / 256 + SAVE_MARGIN;
}

int kj_img_save_threads(uint64_t avail, unsigned max_threads, int level,
			uint64_t ram_bytes, unsigned *threads, struct kj_err *e)
{
	unsigned t = max_threads ? max_threads : 1;
	uint64_t need = kj_img_save_memory(1, level, ram_bytes);

	if (avail < need)
		return kj_fail(e, ENOMEM, "not saving: this system has %llu MiB of "
			       "memory available and a save of %llu MiB of RAM "
			       "needs %llu MiB even with one compression thread "
			       "(%llu MiB of buffers, the index and a %llu MiB "
			       "margin); give B more memory (kjump snapshot "
			       "--reserve)", (unsigned long long)(avail >> 20),
			       (unsigned long long)(ram_bytes >> 20),
			       (unsigned long long)((need + (1 << 20) - 1) >> 20),
			       (unsigned long long)(kj_img_writer_memory(1, 0) >> 20),
			       (unsigned long long)(SAVE_MARGIN >> 20));
	while (t > 1 && kj_img_save_memory(t, level, ram_bytes) > avail)
		t--;
	*threads = t;
	return 0;
}

/*
 * A random v4 UUID. GRND_INSECURE because B has just booted and may have
 * gathered little entropy: the UUID only has to tell images apart, it is
 * no secret, and the save must never stall waiting for the entropy pool.
 * Kernels before 5.6 lack GRND_INSECURE; GRND_NONBLOCK, then the clock,
 * stand in.
 */
static void make_uuid(uint8_t u[16])
{
	if (getrandom(u, 16, GRND_INSECURE) != 16 &&
	    getrandom(u, 16, GRND_NONBLOCK) != 16) {
		struct timespec ts;
		uint64_t a, b;

		clock_gettime(CLOCK_REALTIME, &ts);
		a = XXH64(&ts, sizeof(ts), (uint64_t)getpid());
		b = XXH64(&ts, sizeof(ts), a ^ (uint64_t)(uintptr_t)u);
		memcpy(u, &a, 8);
		memcpy(u + 8, &b, 8);
	}
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
}

static int check_opts(const struct kj_img_writer_opts *o, int level,
		      uint32_t chunk_pages, uint32_t kind, struct kj_err *e)
{
	if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel())
		return kj_fail(e, EINVAL, "zstd level %d is out of range "
			       "(%d to %d)", level, ZSTD_minCLevel(),
			       ZSTD_maxCLevel());
	if (chunk_pages > KJ_IMG_MAX_CHUNK_PAGES)
		return kj_fail(e, EINVAL, "chunks of %u pages are too large "
			       "(at most %u)", chunk_pages,
			       KJ_IMG_MAX_CHUNK_PAGES);
	if (o->threads > KJ_IMG_MAX_THREADS)
		return kj_fail(e, EINVAL, "%u compression threads are too many "
			       "(at most %u)", o->threads, KJ_IMG_MAX_THREADS);
	if (kind != KJ_IMG_SNAPSHOT && kind != KJ_IMG_HIBERNATION)
		return kj_fail(e, EINVAL, "invalid image kind %u", kind);
	if (o->release && strlen(o->release) >=
	    sizeof(((struct kj_img_header *)0)->release))
		return kj_fail(e, EINVAL, "release string \"%.20s...\" is too "
			       "long for the image header", o->release);
	if (o->machine && strlen(o->machine) >=
	    sizeof(((struct kj_img_header *)0)->machine))
		return kj_fail(e, EINVAL, "machine string \"%.20s...\" is too "
			       "long for the image header", o->machine);
	if (o->region_start > o->region_end)
		return kj_fail(e, EINVAL, "B's region 0x%llx-0x%llx is reversed",
			       (unsigned long long)o->region_start,
			       (unsigned long long)o->region_end);
	return 0;
}

static int start_threads(struct kj_img_writer *w, int level, struct kj_err *e)
{
	int r;

	for (unsigned i = 0; i < w->nworkers; i++) {
		struct worker *wk = &w->workers[i];
		size_t z;

		wk->w = w;
		wk->cctx = ZSTD_createCCtx_advanced(zmem);
		wk->probe = ZSTD_createCCtx_advanced(zmem);
		if (!wk->cctx || !wk->probe)
			return kj_fail(e, ENOMEM, "cannot create a zstd "
				       "compression context");
		z = ZSTD_CCtx_setParameter(wk->probe, ZSTD_c_compressionLevel,
					   level);
		if (!ZSTD_isError(z))
			z = ZSTD_CCtx_setParameter(wk->cctx, ZSTD_c_compressionLevel,
						   level);
		if (!ZSTD_isError(z))
			z = ZSTD_CCtx_setParameter(wk->cctx,
						   ZSTD_c_checksumFlag, 1);
		if (ZSTD_isError(z))
			return kj_fail(e, EINVAL, "cannot set up zstd: %s",
				       ZSTD_getErrorName(z));
	}
	for (unsigned i = 0; i < w->nworkers; i++) {
		r = pthread_create(&w->workers[i].thread, NULL, worker_main,
				   &w->workers[i]);
		if (r) {
			errno = r;
			return kj_fail_errno(e, "cannot start compression "
					     "thread %u", i);
		}
		w->workers[i].started = true;
	}
	r = pthread_create(&w->writer, NULL, writer_main, w);
	if (r) {
		errno = r;
		return kj_fail_errno(e, "cannot start the image writer thread");
	}
	w->writer_started = true;
	return 0;
}

/* Fixed places need a target of known size that holds all of them and
 * the largest index, and an image that is not sealed (a sealed chunk is
 * bound to its image's key: none can be kept). */
static int check_places(const struct kj_img_writer_opts *o, uint64_t target_size,
			uint32_t chunk_pages, struct kj_err *e)
{
	const struct kj_chunk_places *p = o->places;
	uint64_t need;

	if (o->seal)
		return kj_fail(e, EINVAL, "a sealed image cannot have fixed places");
	if (p->chunk_pages != chunk_pages)
		return kj_fail(e, EINVAL, "the places are for chunks of %u pages, the "
			       "image has %u", p->chunk_pages, chunk_pages);
	need = kj_chunk_places_target_size(p);
	if (!target_size || need > target_size)
		return kj_fail(e, ENOSPC, "the target is too small for fixed places: "
			       "they need %llu MiB, the target has %llu MiB",
			       (unsigned long long)(need >> 20),
			       (unsigned long long)(target_size >> 20));
	return 0;
}

/* XXH64 of len bytes of the target at off, read a MiB at a time. */
static int hash_on_target(int fd, uint64_t off, uint64_t len, uint64_t *hash,
			  struct kj_err *e)
{
	XXH64_state_t *xs = XXH64_createState();
	uint8_t *buf = malloc(1u << 20);
	int r = -1;

	if (!xs || !buf) {
		kj_fail(e, ENOMEM, "out of memory");
		goto out;
	}
	XXH64_reset(xs, 0);
	for (uint64_t done = 0; done < len;) {
		size_t n = len - done < (1u << 20) ? (size_t)(len - done) : (1u << 20);

		if (kj_img_pread(fd, buf, n, off + done, "the last save's index", e))
			goto out;
		XXH64_update(xs, buf, n);
		done += n;
	}
	*hash = XXH64_digest(xs);
	r = 0;
out:
	free(buf);
	XXH64_freeState(xs);
	return r;
}

/*
 * Whether the chunks the caller's memory describes may be kept: the same
 * places, the same target size, and the index the last save wrote still
 * on the target (so no other image was written there since). Says in
 * w->memory_note why not.
 */
static void choose_kept(struct kj_img_writer *w, uint64_t target_size)
{
	const struct kj_chunk_memory *m = w->memory;
	uint64_t hash;
	struct kj_err err;

	if (!m->record) {
		snprintf(w->memory_note, sizeof(w->memory_note),
			 "no earlier save of this B to this target");
		return;
	}
	if (!kj_chunk_memory_matches(m, w->places) || m->target_size != target_size ||
	    m->index_offset != KJ_IMG_DATA_OFFSET + kj_chunk_places_bytes(w->places)) {
		snprintf(w->memory_note, sizeof(w->memory_note),
			 "A's memory map or the target's size changed since the last save");
		return;
	}
	if (hash_on_target(w->fd, m->index_offset, m->index_size, &hash, &err)) {
		snprintf(w->memory_note, sizeof(w->memory_note),
			 "the last save's index cannot be read: %.100s", err.msg);
		return;
	}
	if (hash != m->index_xxh64) {
		snprintf(w->memory_note, sizeof(w->memory_note),
			 "the target no longer holds the last save's index: something "
			 "else was written there");
		return;
	}
	/* Kept chunks are read back before they are kept (still_on_target):
	 * from the device, not from what this kernel cached of its last
	 * save. A regular file would need its page cache dropped instead;
	 * fixed places are only for block devices (and image files mapped
	 * onto them), so a failure here only costs a re-read from cache. */
	ioctl(w->fd, BLKFLSBUF, 0);
	w->old = m->record;
}

int kj_img_writer_open(struct kj_img_writer **wp, int fd, uint64_t target_size,
		       const struct kj_img_writer_opts *o, struct kj_err *e)
{
	static const struct kj_img_writer_opts defaults;
	struct kj_img_writer *w;
	struct kj_img_header *h;
	uint32_t chunk_pages, kind;
	unsigned threads;
	int level;

	*wp = NULL;
	if (!o)
		o = &defaults;
	level = o->level ? o->level : 1;
	chunk_pages = o->chunk_pages ? o->chunk_pages : KJ_IMG_DEFAULT_CHUNK_PAGES;
	kind = o->kind ? o->kind : KJ_IMG_SNAPSHOT;
	if (check_opts(o, level, chunk_pages, kind, e))
		return -1;
	threads = o->threads;
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		threads = n < 1 ? 1 : n > KJ_IMG_MAX_THREADS ?
			KJ_IMG_MAX_THREADS : (unsigned)n;
	}

	/* Refuse a target that can't work before touching it: the old image
	 * on it stays intact. */
	if (target_size && target_size < KJ_IMG_DATA_OFFSET + KJ_IMG_ALIGN)
		return kj_fail(e, ENOSPC, "the target is too small: a kjump "
			       "image needs at least %llu bytes, the target has "
			       "%llu", (unsigned long long)(KJ_IMG_DATA_OFFSET +
							    KJ_IMG_ALIGN),
			       (unsigned long long)target_size);
	if (target_size && o->worst_case_pages) {
		uint64_t need = kj_img_worst_case_size_cp(o->worst_case_pages,
							  chunk_pages);

		if (need > target_size)
			return kj_fail(e, ENOSPC, "the target is too small: "
				       "%llu pages may need up to %llu bytes "
				       "(%llu MiB) if they do not compress, the "
				       "target has %llu bytes (%llu MiB); use a "
				       "larger target",
				       (unsigned long long)o->worst_case_pages,
				       (unsigned long long)need,
				       (unsigned long long)(need >> 20),
				       (unsigned long long)target_size,
				       (unsigned long long)(target_size >> 20));
	}

	if (o->places && check_places(o, target_size, chunk_pages, e))
		return -1;

	w = calloc(1, sizeof(*w));
	if (!w)
		return kj_fail(e, ENOMEM, "out of memory");
	clock_gettime(CLOCK_MONOTONIC, &w->t0);
	w->places = o->places;
	w->memory = o->places ? o->memory : NULL;
	w->kept_check_one_in = o->kept_check_one_in;
	w->fd = fd;
	/* chunks are written past the page cache where the target takes
	 * it (lib/direct_io.h): whole aligned blocks from aligned buffers */
	w->direct_fd = kj_direct_reopen(fd, true);
	w->target_size = target_size;
	w->chunk_pages = chunk_pages;
	w->in_size = (size_t)chunk_pages * KJ_IMG_PAGE_SIZE;
	w->out_cap = ZSTD_compressBound(w->in_size);
	/* room for a kept chunk read back directly, too (still_on_target) */
	w->out_size = kj_direct_buffer_size(w->out_cap);
	w->pos = KJ_IMG_DATA_OFFSET;
	w->nworkers = threads;
	w->nslots = slots_for(threads);

	if (pthread_mutex_init(&w->lock, NULL)) {
		free(w);
		return kj_fail(e, ENOMEM, "cannot create a mutex");
	}
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->done, NULL);
	pthread_cond_init(&w->space, NULL);
	w->sync_ready = true;

	/* Everything that can fail for lack of memory or threads happens
	 * before the target is touched. */
	w->workers = calloc(threads, sizeof(*w->workers));
	w->slots = calloc(w->nslots, sizeof(*w->slots));
	if (!w->workers || !w->slots)
		goto nomem;
	for (unsigned i = 0; i < w->nslots; i++) {
		/* Page-aligned: whole-page copies, and whole-page writes. */
		w->slots[i].in = map_alloc(w->in_size);
		w->slots[i].out = map_alloc(w->out_size);
		w->slots[i].page = calloc(chunk_pages, sizeof(*w->slots[i].page));
		if (!w->slots[i].in || !w->slots[i].out || !w->slots[i].page)
			goto nomem;
	}
	if (w->places) {
		w->now = calloc(w->places->nplaces ? w->places->nplaces : 1, sizeof(*w->now));
		if (!w->now)
			goto nomem;
		if (w->memory)
			choose_kept(w, target_size);
	} else if (o->memory) {
		/* chunks packed over the places: nothing there stays */
		kj_chunk_memory_forget(o->memory);
	}
	if (start_threads(w, level, e))
		goto fail;

	h = &w->hdr;
	h->magic = KJ_IMG_MAGIC;
	h->version = KJ_IMG_VERSION;
	h->header_size = KJ_IMG_HEADER_SIZE;
	h->state = KJ_IMG_WRITING;
	h->kind = kind;
	h->page_size = KJ_IMG_PAGE_SIZE;
	h->arch = KJ_IMG_ARCH_X86_64;
	if (o->uuid)
		memcpy(h->uuid, o->uuid, 16);
	else
		make_uuid(h->uuid);
	/* The moment of the save, close to when A stopped. */
	h->created = (uint64_t)time(NULL);
	h->jump_back_entry = o->jump_back_entry;
	if (o->release)
		strncpy(h->release, o->release, sizeof(h->release) - 1);
	if (o->machine)
		strncpy(h->machine, o->machine, sizeof(h->machine) - 1);
	h->ram_bytes = o->ram_bytes;
	h->region_start = o->region_start;
	h->region_end = o->region_end;
	h->data_offset = KJ_IMG_DATA_OFFSET;
	h->chunk_pages = chunk_pages;
	h->header_xxh64 = kj_img_header_hash(h);
	if (o->seal) {
		uint32_t aead = o->seal->aead ? o->seal->aead : kj_seal_best_aead();

		if (kj_seal_keys_new(&w->keys, o->seal->master, h->uuid, aead, e))
			goto fail;
		h->version = KJ_IMG_VERSION_SEALED;
		h->seal.magic = KJ_SEAL_MAGIC;
		h->seal.aead = aead;
		h->seal.kdf = o->seal->kdf;
		h->seal.opslimit = o->seal->opslimit;
		h->seal.memlimit = o->seal->memlimit;
		memcpy(h->seal.salt, o->seal->salt, sizeof(h->seal.salt));
	}

	/*
	 * The WRITING header goes first and must be durable before any chunk
	 * lands: chunks overwrite whatever older image is on the target, and
	 * if we crashed halfway with the older COMPLETE header still in
	 * place, resume would restore a mix of two images. After this, the
	 * target holds "a save that did not finish" until the very last
	 * write of kj_img_writer_finish(). A sealed image's says only what
	 * is public, and holds no sealed copy yet (sealed_ok 0).
	 */
	struct kj_img_header pub;

	if (w->keys)
		kj_seal_public(h, &pub);
	if (kj_img_pwrite(fd, w->keys ? &pub : h, sizeof(*h), 0, "the image header", e))
		goto fail;
	if (fdatasync(fd)) {
		kj_fail_errno(e, "cannot flush the image header to the target");
		goto fail;
	}
	*wp = w;
	return 0;

nomem:
	kj_fail(e, ENOMEM, "cannot allocate %llu MiB of compression buffers "
		"for %u threads; use fewer threads or smaller chunks",
		(unsigned long long)(kj_img_writer_memory(threads, chunk_pages) >> 20),
		threads);
fail:
	writer_free(w);
	return -1;
}

static int add_extent(struct kj_img_writer *w, uint64_t pfn, uint32_t kind,
		      struct kj_err *e)
{
	if (w->next) {
		struct kj_img_extent *x = &w->ext[w->next - 1];

		if (x->kind == kind && x->pfn + x->npages == pfn) {
			x->npages++;
			return 0;
		}
	}
	if (w->next == w->ext_cap) {
		size_t cap = w->ext_cap ? w->ext_cap * 2 : 1024;
		void *p = reallocarray(w->ext, cap, sizeof(*w->ext));

		if (!p)
			return kj_fail(e, ENOMEM, "out of memory for the extent "
				       "list (%zu extents)", cap);
		w->ext = p;
		w->ext_cap = cap;
	}
	w->ext[w->next++] = (struct kj_img_extent){
		.pfn = pfn, .npages = 1, .kind = kind,
	};
	return 0;
}

/* Wait for a free slot and make it the one being filled. */
static int get_slot(struct kj_img_writer *w, struct kj_err *e)
{
	struct slot *s;

	pthread_mutex_lock(&w->lock);
	while (!w->stop && w->filled - w->written >= w->nslots)
		pthread_cond_wait(&w->space, &w->lock);
	if (w->stop) {
		pthread_mutex_unlock(&w->lock);
		return failed_error(w, e);
	}
	s = &w->slots[w->filled % w->nslots];
	pthread_mutex_unlock(&w->lock);
	/* The slot is ours until submit(): its last chunk is written (the
	 * writer cleared `ready`) and no other thread looks at it. */
	s->npages = 0;
	s->first_page = w->pages_data;
	w->fill = s;
	return 0;
}

static void submit(struct kj_img_writer *w)
{
	pthread_mutex_lock(&w->lock);
	w->fill->seq = w->filled++;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->lock);
	w->fill = NULL;
}

static int add_page(struct kj_img_writer *w, uint64_t pfn, const void *page, bool mapped,
		    struct kj_err *e)
{
	struct kj_err err;
	bool zero;

	if (w->have_pfn && pfn <= w->last_pfn)
		return kj_fail(e, EINVAL, "page 0x%llx added after page 0x%llx: "
			       "pages must come in strictly ascending pfn order",
			       (unsigned long long)pfn,
			       (unsigned long long)w->last_pfn);
	if (pfn >= KJ_IMG_MAX_PFN)
		return kj_fail(e, EINVAL, "page frame number 0x%llx is beyond "
			       "any physical address", (unsigned long long)pfn);
	zero = kj_img_page_is_zero(page);
	if (!zero && w->places) {
		uint64_t place;

		if (!kj_chunk_places_place_of(w->places, pfn, &place))
			return kj_fail(e, EINVAL, "page 0x%llx lies outside the RAM "
				       "the image's places were made for",
				       (unsigned long long)pfn);
		if (w->fill && w->fill->place != place)
			submit(w);	/* a new span: a new chunk */
		if (!w->fill) {
			if (get_slot(w, e))
				return -1;
			w->fill->place = place;
		}
	}
	if (!zero && !w->fill && get_slot(w, e))
		return -1;
	if (add_extent(w, pfn, zero ? KJ_EXT_ZERO : KJ_EXT_DATA, &err)) {
		/* The extent list would no longer match the stream: the
		 * image is lost, so make the failure sticky. */
		fail(w, &err);
		return failed_error(w, e);
	}
	w->have_pfn = true;
	w->last_pfn = pfn;
	if (zero) {
		w->pages_zero++;
		return 0;
	}
	uint8_t *in = w->fill->in + (size_t)w->fill->npages * KJ_IMG_PAGE_SIZE;

	if (!mapped)
		memcpy(in, page, KJ_IMG_PAGE_SIZE);
	w->fill->page[w->fill->npages++] = mapped ? page : in;
	w->pages_data++;
	if (w->fill->npages == w->chunk_pages)
		submit(w);
	return 0;
}

int kj_img_writer_add(struct kj_img_writer *w, uint64_t pfn, const void *page,
		      struct kj_err *e)
{
	return add_page(w, pfn, page, false, e);
}

int kj_img_writer_add_mapped(struct kj_img_writer *w, uint64_t pfn, const void *page,
			     struct kj_err *e)
{
	return add_page(w, pfn, page, true, e);
}

int kj_img_writer_set_memmap(struct kj_img_writer *w,
			     const struct kj_img_range *r, size_t n,
			     struct kj_err *e)
{
	struct kj_img_range *copy = NULL;

	if (n > KJ_IMG_MAX_MEMMAP)
		return kj_fail(e, EINVAL, "memory map of %zu ranges is too large "
			       "for the image (at most %u)", n, KJ_IMG_MAX_MEMMAP);
	for (size_t i = 0; i < n; i++)
		if (r[i].start >= r[i].end)
			return kj_fail(e, EINVAL, "memory map range %zu "
				       "(0x%llx-0x%llx) is empty or reversed", i,
				       (unsigned long long)r[i].start,
				       (unsigned long long)r[i].end);
	if (n) {
		copy = malloc(n * sizeof(*r));
		if (!copy)
			return kj_fail(e, ENOMEM, "out of memory");
		memcpy(copy, r, n * sizeof(*r));
	}
	free(w->memmap);
	w->memmap = copy;
	w->nmemmap = n;
	return 0;
}

int kj_img_writer_set_remap(struct kj_img_writer *w,
			    const struct kj_img_remap *r, size_t n,
			    struct kj_err *e)
{
	struct kj_img_remap *copy = NULL;

	if (n > KJ_IMG_MAX_REMAP)
		return kj_fail(e, EINVAL, "remap list of %zu entries is too large "
			       "for the image (at most %u)", n, KJ_IMG_MAX_REMAP);
	for (size_t i = 0; i < n; i++)
		if (!r[i].npages || r[i].dst_pfn >= KJ_IMG_MAX_PFN ||
		    r[i].src_pfn >= KJ_IMG_MAX_PFN ||
		    r[i].npages > KJ_IMG_MAX_PFN - r[i].dst_pfn ||
		    r[i].npages > KJ_IMG_MAX_PFN - r[i].src_pfn)
			return kj_fail(e, EINVAL, "remap entry %zu (0x%llx <- "
				       "0x%llx, %llu pages) is invalid", i,
				       (unsigned long long)r[i].dst_pfn,
				       (unsigned long long)r[i].src_pfn,
				       (unsigned long long)r[i].npages);
	if (n) {
		copy = malloc(n * sizeof(*r));
		if (!copy)
			return kj_fail(e, ENOMEM, "out of memory");
		memcpy(copy, r, n * sizeof(*r));
	}
	free(w->remap);
	w->remap = copy;
	w->nremap = n;
	return 0;
}

int kj_img_writer_set_vmap(struct kj_img_writer *w,
			   const struct kj_img_vmap *v, size_t n,
			   struct kj_err *e)
{
	struct kj_img_vmap *copy = NULL;

	if (n > KJ_IMG_MAX_VMAP)
		return kj_fail(e, EINVAL, "virtual map of %zu entries is too large "
			       "for the image (at most %u)", n, KJ_IMG_MAX_VMAP);
	for (size_t i = 0; i < n; i++)
		if (!v[i].size || v[i].paddr + v[i].size < v[i].paddr ||
		    v[i].vaddr + v[i].size < v[i].vaddr)
			return kj_fail(e, EINVAL, "virtual map entry %zu is invalid", i);
	if (n) {
		copy = malloc(n * sizeof(*v));
		if (!copy)
			return kj_fail(e, ENOMEM, "out of memory");
		memcpy(copy, v, n * sizeof(*v));
	}
	free(w->vmap);
	w->vmap = copy;
	w->nvmap = n;
	return 0;
}

int kj_img_writer_set_filesystems(struct kj_img_writer *w,
				  const struct kj_img_fs *f, size_t n,
				  struct kj_err *e)
{
	struct kj_img_fs *copy = NULL;

	if (n > KJ_IMG_MAX_FS)
		return kj_fail(e, EINVAL, "%zu filesystems are too many for the "
			       "image (at most %u)", n, KJ_IMG_MAX_FS);
	for (size_t i = 0; i < n; i++)
		if (!kj_img_fs_valid(&f[i]))
			return kj_fail(e, EINVAL, "filesystem entry %zu is invalid", i);
	if (n) {
		copy = malloc(n * sizeof(*f));
		if (!copy)
			return kj_fail(e, ENOMEM, "out of memory");
		memcpy(copy, f, n * sizeof(*f));
	}
	free(w->fs);
	w->fs = copy;
	w->nfs = n;
	w->have_fs = true;
	return 0;
}

int kj_img_writer_set_vmcoreinfo(struct kj_img_writer *w, const char *text,
				 size_t len, struct kj_err *e)
{
	char *copy = NULL;

	/* The note's descriptor usually ends in NUL padding. */
	while (len && text[len - 1] == '\0')
		len--;
	if (len > KJ_IMG_MAX_VMCOREINFO)
		return kj_fail(e, EINVAL, "VMCOREINFO of %zu bytes is too large "
			       "for the image (at most %u)", len,
			       KJ_IMG_MAX_VMCOREINFO);
	if (len && memchr(text, '\0', len))
		return kj_fail(e, EINVAL, "VMCOREINFO text holds a NUL byte");
	if (len) {
		copy = malloc(len);
		if (!copy)
			return kj_fail(e, ENOMEM, "out of memory");
		memcpy(copy, text, len);
	}
	free(w->vmcoreinfo);
	w->vmcoreinfo = copy;
	w->vmcoreinfo_len = len;
	return 0;
}

void kj_img_writer_set_counts(struct kj_img_writer *w, uint64_t pages_total,
			      uint64_t pages_free, uint64_t pages_excluded)
{
	w->hdr.pages_total = pages_total;
	w->hdr.pages_free = pages_free;
	w->hdr.pages_excluded = pages_excluded;
}

struct sect_src {
	uint32_t type, entry_size;
	const void *data;
	uint64_t count;
};

/*
 * Lay out and write the index at w->hdr.index_offset, section by section
 * straight from the arrays (no second copy of a large extent list), with
 * the zero padding between sections written too so that the bytes on the
 * target are exactly those hashed.
 */
static int write_index(struct kj_img_writer *w, struct kj_err *e)
{
	static const uint8_t zeros[8];
	struct kj_img_header *h = &w->hdr;
	struct sect_src src[KJ_SECT_MAX];
	XXH64_state_t *xs;
	uint64_t off = 0;
	int n = 0, r = -1;

	src[n++] = (struct sect_src){ KJ_SECT_EXTENTS,
		sizeof(struct kj_img_extent), w->ext, w->next };
	src[n++] = (struct sect_src){ KJ_SECT_CHUNKS,
		sizeof(struct kj_img_chunk), w->chunks, w->nchunks };
	if (w->nmemmap)
		src[n++] = (struct sect_src){ KJ_SECT_MEMMAP,
			sizeof(struct kj_img_range), w->memmap, w->nmemmap };
	if (w->nremap)
		src[n++] = (struct sect_src){ KJ_SECT_REMAP,
			sizeof(struct kj_img_remap), w->remap, w->nremap };
	if (w->vmcoreinfo_len)
		src[n++] = (struct sect_src){ KJ_SECT_VMCOREINFO, 1,
			w->vmcoreinfo, w->vmcoreinfo_len };
	if (w->nvmap)
		src[n++] = (struct sect_src){ KJ_SECT_VMAP,
			sizeof(struct kj_img_vmap), w->vmap, w->nvmap };
	if (w->have_fs)	/* even empty: A was asked, and had none */
		src[n++] = (struct sect_src){ KJ_SECT_FILESYSTEMS,
			sizeof(struct kj_img_fs), w->fs, w->nfs };
	if (w->keys)
		src[n++] = (struct sect_src){ KJ_SECT_SEAL_TAGS,
			sizeof(struct kj_img_tag), w->tags, w->nchunks };

	/* Array sections start 8-byte aligned so that readers (the restore
	 * payload included) can use them in place. */
	for (int i = 0; i < n; i++) {
		off = (off + 7) & ~7ULL;
		h->sect[i] = (struct kj_img_sect){
			.type = src[i].type,
			.entry_size = src[i].entry_size,
			.offset = off,
			.count = src[i].count,
		};
		off += src[i].count * src[i].entry_size;
	}
	h->index_offset = w->pos;	/* chunks end 4 KiB aligned */
	h->index_size = off;
	h->target_min_size = h->index_offset + h->index_size;
	if (w->target_size && h->target_min_size > w->target_size)
		return kj_fail(e, ENOSPC, "the target is too small: the index "
			       "(%llu bytes) would end at offset 0x%llx, but "
			       "the target has only %llu bytes; use a larger "
			       "target", (unsigned long long)h->index_size,
			       (unsigned long long)h->target_min_size,
			       (unsigned long long)w->target_size);

	if (w->keys) {
		/* Sealed: the whole index in memory, encrypted in one piece
		 * (it is small: 24 bytes per extent), its XXH64 over the
		 * ciphertext that is stored. */
		uint8_t *buf = calloc(1, h->index_size ? h->index_size : 1);

		if (!buf)
			return kj_fail(e, ENOMEM, "out of memory for the index (%llu "
				       "bytes)", (unsigned long long)h->index_size);
		for (int i = 0; i < n; i++)
			if (src[i].count)
				memcpy(buf + h->sect[i].offset, src[i].data,
				       src[i].count * src[i].entry_size);
		if (kj_seal_index(w->keys, h, buf, h->index_size, h->seal.index_tag)) {
			explicit_bzero(buf, h->index_size);	/* the plain index */
			free(buf);
			return kj_fail(e, ENOMEM, "cannot seal the index: OpenSSL's "
				       "AES-256-GCM did not start (out of memory?)");
		}
		h->index_xxh64 = XXH64(buf, h->index_size, 0);
		r = kj_img_pwrite(w->fd, buf, h->index_size, h->index_offset,
				  "the index", e);
		free(buf);
		if (r)
			return -1;
		r = -1;
		xs = NULL;
		goto extend;
	}
	xs = XXH64_createState();
	if (!xs)
		return kj_fail(e, ENOMEM, "out of memory");
	XXH64_reset(xs, 0);
	off = 0;
	for (int i = 0; i < n; i++) {
		uint64_t len = src[i].count * src[i].entry_size;
		uint64_t pad = h->sect[i].offset - off;

		if (pad) {
			XXH64_update(xs, zeros, pad);
			if (kj_img_pwrite(w->fd, zeros, pad, h->index_offset + off,
					  "the index", e))
				goto out;
		}
		if (len) {
			XXH64_update(xs, src[i].data, len);
			if (kj_img_pwrite(w->fd, src[i].data, len,
					  h->index_offset + h->sect[i].offset,
					  "the index", e))
				goto out;
		}
		off = h->sect[i].offset + len;
	}
	h->index_xxh64 = XXH64_digest(xs);

extend:
	/* A regular file ends where the last write ended; with an empty
	 * index (no pages at all) that is short of target_min_size, and the
	 * reader would rightly call the image truncated. */
	{
		struct stat st;

		if (fstat(w->fd, &st)) {
			kj_fail_errno(e, "cannot stat the target");
			goto out;
		}
		if (S_ISREG(st.st_mode) &&
		    (uint64_t)st.st_size < h->target_min_size &&
		    ftruncate(w->fd, (off_t)h->target_min_size)) {
			kj_fail_errno(e, "cannot extend the image file to %llu "
				      "bytes", (unsigned long long)h->target_min_size);
			goto out;
		}
	}
	r = 0;
out:
	if (xs)
		XXH64_freeState(xs);
	return r;
}

int kj_img_writer_finish(struct kj_img_writer *w, struct kj_img_stats *st,
			 struct kj_err *e)
{
	struct kj_img_header *h = &w->hdr;
	struct timespec t1;
	int r = -1;

	if (w->fill) {
		/* Submitting never fails; a failure shows below. */
		submit(w);
	}
	stop_threads(w, true);
	if (w->failed) {
		failed_error(w, e);
		goto out;
	}

	h->pages_data = w->pages_data;
	h->pages_zero = w->pages_zero;
	h->nchunks = w->nchunks;
	if (w->places)	/* the index follows the last place */
		w->pos = h->data_offset + kj_chunk_places_bytes(w->places);
	h->data_bytes = w->pos - h->data_offset;
	if (write_index(w, e))
		goto out;

	/*
	 * Chunks and index must be on stable storage before the header says
	 * COMPLETE: devices reorder writes in their caches, and a COMPLETE
	 * header over data that never made it would resume A into garbage.
	 */
	if (fdatasync(w->fd)) {
		kj_fail_errno(e, "cannot flush the image to the target");
		goto out;
	}
	h->state = KJ_IMG_COMPLETE;
	h->header_xxh64 = kj_img_header_hash(h);
	struct kj_img_header sealed;

	if (w->keys && kj_seal_header(w->keys, h, &sealed, e))
		goto out;
	/* The commit record: one 4 KiB block. */
	if (kj_img_pwrite(w->fd, w->keys ? &sealed : h, sizeof(*h), 0,
			  "the image header", e))
		goto out;
	/* And durable before we report success: for a hibernation the
	 * machine powers off right after this returns. */
	if (fdatasync(w->fd)) {
		kj_fail_errno(e, "cannot flush the image header to the target");
		goto out;
	}
	if (w->memory) {
		/* committed: the next save may keep what this one wrote */
		free(w->memory->record);
		w->memory->record = w->now;
		w->now = NULL;
		w->old = NULL;
		w->memory->geometry = w->places->geometry;
		w->memory->nplaces = w->places->nplaces;
		w->memory->index_offset = h->index_offset;
		w->memory->index_size = h->index_size;
		w->memory->index_xxh64 = h->index_xxh64;
		w->memory->target_size = w->target_size;
		w->memory->saves++;
	}
	w->committed = true;

	if (st) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		*st = (struct kj_img_stats){
			.pages_data = w->pages_data,
			.pages_zero = w->pages_zero,
			.bytes_in = w->pages_data * KJ_IMG_PAGE_SIZE,
			.bytes_out = w->bytes_out,
			.chunks_stored = w->chunks_stored,
			.chunks_kept = w->chunks_kept,
			.bytes_kept = w->bytes_kept,
			.image_bytes = w->places ? KJ_IMG_DATA_OFFSET + w->bytes_held +
				       h->index_size : h->target_min_size,
			.span_bytes = h->target_min_size,
			.places = w->places != NULL,
			.chunks = w->nchunks,
			.extents = w->next,
			.seconds = (double)(t1.tv_sec - w->t0.tv_sec) +
				   (double)(t1.tv_nsec - w->t0.tv_nsec) / 1e9,
		};
		memcpy(st->memory_note, w->memory_note, sizeof(st->memory_note));
	}
	r = 0;
out:
	writer_free(w);
	return r;
}
