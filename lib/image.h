/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing and reading kjump images (the format is in image_format.h).
 *
 * Writer: `kjump save` runs in the small second kernel B, reads A's memory
 * page by page in ascending pfn order and hands each page to
 * kj_img_writer_add(). Pages go into chunks of chunk_pages pages; worker
 * threads compress whole chunks in parallel (one zstd frame each), and a
 * single writer thread puts them on the target strictly in stream order.
 * Memory stays bounded: the caller blocks when all slots are busy.
 *
 * Reader: every byte of the target is treated as hostile. kj_img_open()
 * validates the header and the whole index so that the rest of kjump can
 * trust the arrays in struct kj_img without further checks (bounds,
 * order, counts, overflow). Chunk contents are checked when read.
 *
 * The reader's rule for errors:
 *   -1   nothing trustworthy could be read: I/O error, out of memory, no
 *        magic, an unsupported version or header size, a header checksum
 *        mismatch, a target too short to hold the header, or a page size
 *        or architecture kjump does not handle. The header can't be
 *        believed, so there is nothing to show.
 *    0   the header is intact (its checksum holds), so img->hdr may be
 *        printed. img->complete says whether the image is usable as a
 *        whole: the save finished, the target holds every byte, and the
 *        index is intact and consistent. If not, img->problem says why
 *        and the index fields below are empty (NULL / 0):
 *          "incomplete: the save did not finish (state WRITING)"
 *          "incomplete: the image needs N bytes but the target has M"
 *          "index checksum mismatch: the index is corrupt"
 *          "invalid header: ..."  fields that contradict each other or
 *                                 are out of range, checksum or not
 *          "invalid index: ..."   a section, extent or chunk that breaks
 *                                 the rules (kj_img_open() lists them)
 * A CONSUMED or RESUMING image is complete: its data is intact, it just
 * must not be resumed again by accident (see kj_img_check_resumable()).
 */
#ifndef KJUMP_IMAGE_H
#define KJUMP_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "image_format.h"

#define KJ_IMG_DATA_OFFSET	(1ULL << 20)	/* where the writer puts chunk 0 */
#define KJ_IMG_DEFAULT_CHUNK_PAGES 1024u	/* 4 MiB of memory per chunk */
/* Largest chunk either side accepts: bounds the buffers a hostile image
 * can make the reader allocate, and keeps every csize inside uint32_t. */
#define KJ_IMG_MAX_CHUNK_PAGES	16384u		/* 64 MiB */
#define KJ_IMG_MAX_THREADS	256u
/* The reader refuses a bigger index (it is read into memory whole). */
#define KJ_IMG_MAX_INDEX_SIZE	(1ULL << 30)
/* Limits on the small sections; kj_img_worst_case_size() allows for them. */
#define KJ_IMG_MAX_MEMMAP	8192u		/* entries */
#define KJ_IMG_MAX_REMAP	(1u << 20)	/* entries: a 4 GiB region, page by page */
#define KJ_IMG_MAX_VMAP		8192u		/* entries */
#define KJ_IMG_MAX_VMCOREINFO	65536u		/* bytes */
#define KJ_IMG_MAX_FS		64u		/* filesystem entries */
/* Page frame numbers must keep pfn * 4096 inside 64 bits. */
#define KJ_IMG_MAX_PFN		(1ULL << 52)
/* x86_64 physical addresses have at most 52 bits (the architectural
 * limit, 5-level paging included): a memory map range ending above is not
 * A's memory. It also bounds what `export` may be asked to describe. */
#define KJ_IMG_MAX_PHYS		(1ULL << 52)
/* Pages the remap section may move in all: B's region and kjump's setup
 * pages are what A's kernel swapped, and a B of more than 4 GiB
 * (KJ_IMG_MAX_REMAP pages) is not one kjump starts. Bounds the pages
 * `export` must look up besides those the extents hold. */
#define KJ_IMG_MAX_REMAP_PAGES	((uint64_t)KJ_IMG_MAX_REMAP)

/* ------------------------------------------------------------------ */
/* Common                                                              */

const char *kj_img_state_name(uint32_t state);	/* "writing", "complete", ... */
const char *kj_img_kind_name(uint32_t kind);	/* "snapshot", "hibernation" */
/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" into buf (at least 37 bytes). */
char *kj_img_uuid_str(const uint8_t uuid[16], char *buf);

/* All 4096 bytes zero? Compares 8-byte words; stops at the first
 * non-zero 64-byte block. `page` need not be aligned. */
bool kj_img_page_is_zero(const void *page);

/* XXH64 (seed 0) of the header bytes before header_xxh64. */
uint64_t kj_img_header_hash(const struct kj_img_header *h);

/*
 * Check a header block read from offset 0 of a target: magic, version,
 * header_size, header_xxh64, page_size, arch. Returns -1 with the reason
 * ("no kjump image on this target", "header checksum mismatch: the header
 * is corrupt", ...) when the header can't be trusted. It does not judge
 * the other fields (kj_img_open() does that).
 */
int kj_img_header_check(const struct kj_img_header *h, struct kj_err *e);

/* Size in bytes of a regular file or block device. */
int kj_img_target_size(int fd, uint64_t *size, struct kj_err *e);

/* pread/pwrite all of `len` bytes at `off`, retrying short transfers and
 * EINTR. kj_img_pread fails with code EIO and "unexpected end of the
 * target" when the target ends first. `what` names the bytes in the
 * message ("the index", "chunk 3"). */
int kj_img_pread(int fd, void *buf, size_t len, uint64_t off,
		 const char *what, struct kj_err *e);
int kj_img_pwrite(int fd, const void *buf, size_t len, uint64_t off,
		  const char *what, struct kj_err *e);

/*
 * Bytes a target must have to hold an image of `pages` pages in the worst
 * case: every page stored with content, none compressible (zstd's
 * compress bound per chunk), each chunk padded to 4 KiB, one extent per
 * page, the largest memmap, remap and vmcoreinfo sections the writer
 * accepts, and the index padded to 4 KiB, all after data_offset.
 * Saturates at UINT64_MAX. kj_img_worst_case_size() uses the default
 * chunk size.
 */
uint64_t kj_img_worst_case_size(uint64_t pages);
uint64_t kj_img_worst_case_size_cp(uint64_t pages, uint32_t chunk_pages);
/* The same for an image with fixed places (chunk_places.h): places_bytes
 * of places, nplaces of them, holding at most `pages` pages. */
uint64_t kj_img_worst_case_size_places(uint64_t pages, uint64_t places_bytes,
				       uint64_t nplaces);
/* Room a chunk of npages pages may take on the target: zstd's bound,
 * 4 KiB aligned. */
uint64_t kj_img_chunk_disk_bound(uint64_t npages);

/*
 * Rewrite the header block at offset 0 of fd with a new state (and
 * consumed = now for KJ_IMG_RESUMING and KJ_IMG_CONSUMED, 0 otherwise) and
 * a new header_xxh64, fdatasync, then read the block back from the device
 * (a block device's buffers dropped with BLKFLSBUF, a file's page cache
 * with POSIX_FADV_DONTNEED) and fail unless it holds what was written.
 * Refuses a header that fails kj_img_header_check() and a state that is
 * not one of enum kj_img_state; kj_img_set_state_of() also one whose uuid
 * is not `uuid` (ESTALE). Used by `resume` to mark the image RESUMING just
 * before the jump, and by A to mark it CONSUMED when it runs again, so
 * that it can never be resumed twice by accident (image_state.h).
 */
int kj_img_set_state(int fd, uint32_t state, struct kj_err *e);
int kj_img_set_state_of(int fd, const uint8_t uuid[16], uint32_t state, struct kj_err *e);

/*
 * B gave up on the image on fd (it did not power off, or the save failed):
 * rewrite the header with state KJ_IMG_FAILED and `reason` (cut to fit,
 * NUL-terminated) in fail_reason, then fdatasync. The rest of the header
 * stays as it was, so a tag-only header keeps its tag. Refuses a header
 * that fails kj_img_header_check(). A prints the reason after the jump
 * back; readers refuse to resume such an image and show the reason.
 */
int kj_img_set_failed(int fd, const char *reason, struct kj_err *e);

/* ------------------------------------------------------------------ */
/* Writer                                                              */

struct kj_img_writer;
struct kj_chunk_places;
struct kj_chunk_memory;
struct kj_seal_params;
struct kj_seal_keys;
struct kj_seal_secret;

struct kj_img_writer_opts {
	unsigned threads;	/* compression threads; 0: online CPUs */
	/* zstd level; 0 means kjump's default, 1 (zstd's own "0" would be
	 * its default 3, far slower). Negative levels trade ratio for
	 * speed. Must lie in [ZSTD_minCLevel(), ZSTD_maxCLevel()]. */
	int level;
	uint32_t chunk_pages;	/* 0: KJ_IMG_DEFAULT_CHUNK_PAGES */
	uint32_t kind;		/* enum kj_img_kind; 0: KJ_IMG_SNAPSHOT */
	const char *release;	/* A's `uname -r` (<= 64 chars), or NULL */
	const char *machine;	/* e.g. "x86_64" (<= 30 chars), or NULL */
	uint64_t jump_back_entry;
	uint64_t ram_bytes;
	uint64_t region_start, region_end;
	/* If non-zero (and target_size is), refuse at open a target smaller
	 * than kj_img_worst_case_size_cp(worst_case_pages, chunk_pages), before
	 * anything is written. 0: only the trivial minimum is checked and a
	 * target that fills up fails later, from add or finish. */
	uint64_t worst_case_pages;
	/* The image's uuid; NULL: a random one. B passes the one its request
	 * tag gives (kj_img_request_uuid()), so A knows the image is its. */
	const uint8_t *uuid;
	/* Seal the image (lib/seal.h) with this master key and KDF record;
	 * NULL: a plain image. The writer keeps its own subkeys, wiped when
	 * it is freed; the caller wipes *seal. */
	const struct kj_seal_params *seal;
	/* Fixed places (chunk_places.h): each chunk at its span's place, so
	 * that a later save can keep the chunks that did not change. NULL:
	 * chunks packed one after another. Needs a target_size that holds
	 * kj_img_worst_case_size_places(); not with seal. The caller keeps
	 * *places until finish or abort. */
	const struct kj_chunk_places *places;
	/* With places: what the last committed save left on this target
	 * (the caller's to keep between saves, and to forget when the target
	 * differs). Chunks whose pages match are kept, when the target still
	 * holds the last save's index; on commit it becomes this save's, and
	 * any failure empties it. Without places, a given memory is emptied
	 * (the packed chunks overwrite the places). NULL: keep nothing. */
	struct kj_chunk_memory *memory;
	/* With a memory: 0 or 1, read every chunk it keeps back from the
	 * target first (and write it anew unless its checksum holds); N, only
	 * one place in N, another share each save, so that every kept chunk
	 * is read back at least once in N saves. */
	uint32_t kept_check_one_in;
};

struct kj_img_stats {
	uint64_t pages_data, pages_zero;
	uint64_t bytes_in;	/* uncompressed bytes of DATA pages */
	uint64_t bytes_out;	/* compressed bytes (sum of csize) */
	uint64_t chunks_stored;	/* of chunks, those written as they are
				 * because they did not compress
				 * (lib/stored_frame.h) */
	uint64_t image_bytes;	/* bytes the image holds: header to the end of
				 * the index, less the room fixed places leave */
	uint64_t span_bytes;	/* target_min_size: header to end of index */
	bool places;		/* fixed places */
	uint64_t chunks_kept;	/* fixed places: chunks left as they were */
	uint64_t bytes_kept;	/* their compressed bytes, not written again */
	char memory_note[160];	/* with a memory: why nothing could be kept, or "" */
	uint64_t chunks;
	uint64_t extents;
	double seconds;		/* from open to the end of finish */
};

/*
 * Start an image on fd (a block device or a regular file opened for
 * writing, without O_DIRECT: the header and index writes are not
 * page-aligned in memory). target_size is the target's size in bytes; 0 means a regular
 * file that may grow without limit. opts may be NULL (all defaults).
 *
 * Writes the header with state WRITING at offset 0 and fdatasyncs it
 * before returning, so a previous image on the same target stops being
 * resumable before a single byte of it is overwritten. Starts the
 * compression threads. Memory: about max(2 * threads, 3) slots of
 * chunk_pages * 4 KiB * 2 bytes (see kj_img_writer_memory()), plus one
 * zstd context per thread and 24 bytes per extent.
 */
int kj_img_writer_open(struct kj_img_writer **w, int fd, uint64_t target_size,
		       const struct kj_img_writer_opts *o, struct kj_err *e);

/* Bytes of chunk buffers a writer with these settings allocates. */
uint64_t kj_img_writer_memory(unsigned threads, uint32_t chunk_pages);

/* Bytes a whole save of ram_bytes of RAM needs with this many threads
 * (default chunks): the chunk buffers, the zstd contexts, the index, and
 * a margin for the kernel. */
uint64_t kj_img_save_memory(unsigned threads, int level, uint64_t ram_bytes);

/* The most threads, up to max_threads, whose save fits in avail bytes;
 * fails with ENOMEM and the reason when even one thread does not fit. */
int kj_img_save_threads(uint64_t avail, unsigned max_threads, int level,
			uint64_t ram_bytes, unsigned *threads, struct kj_err *e);

/*
 * Add the 4096-byte page at `pfn`. pfns must be strictly increasing. An
 * all-zero page goes into a ZERO extent and not into the stream; any other
 * page goes into a DATA extent and the stream. Blocks while every chunk
 * slot is busy. Errors from the compression or writer threads (a write
 * error, a target that is too small, a zstd failure) surface here or in
 * kj_img_writer_finish() and are sticky: after one, every call fails with
 * it (the caller then calls kj_img_writer_abort()). A refused argument (a
 * pfn out of order or out of range) is not sticky: nothing was added.
 */
int kj_img_writer_add(struct kj_img_writer *w, uint64_t pfn, const void *page,
		      struct kj_err *e);

/*
 * The same for a page whose bytes stay where they are, unchanged, until
 * kj_img_writer_finish() or kj_img_writer_abort() returns (B's mapping of
 * A's memory): the writer keeps its address instead of a copy. The
 * compression thread that gets the page's chunk copies it in, on its own
 * CPU, and not at all when it keeps the chunk on the target (fixed
 * places: its digest is taken where the pages lie).
 */
int kj_img_writer_add_mapped(struct kj_img_writer *w, uint64_t pfn, const void *page,
			     struct kj_err *e);

/* The other sections; each may be set any time before finish, and a
 * second call replaces the first. Arrays and text are copied. */
int kj_img_writer_set_memmap(struct kj_img_writer *w,
			     const struct kj_img_range *r, size_t n,
			     struct kj_err *e);
int kj_img_writer_set_remap(struct kj_img_writer *w,
			    const struct kj_img_remap *r, size_t n,
			    struct kj_err *e);
int kj_img_writer_set_vmap(struct kj_img_writer *w,
			   const struct kj_img_vmap *v, size_t n,
			   struct kj_err *e);
/* The filesystems section: written (even with n == 0) once this is
 * called; at most KJ_IMG_MAX_FS entries, each valid as the reader
 * demands (see kj_img_open()). */
int kj_img_writer_set_filesystems(struct kj_img_writer *w,
				  const struct kj_img_fs *f, size_t n,
				  struct kj_err *e);
/* Trailing NULs are dropped; any other NUL is refused. */
int kj_img_writer_set_vmcoreinfo(struct kj_img_writer *w, const char *text,
				 size_t len, struct kj_err *e);
void kj_img_writer_set_counts(struct kj_img_writer *w, uint64_t pages_total,
			      uint64_t pages_free, uint64_t pages_excluded);

/*
 * Flush the last chunk, wait for all chunks to be written, write the index
 * after the last chunk, fdatasync, then write the COMPLETE header and
 * fdatasync again. Frees w in every case; on failure the header on the
 * target stays WRITING. st may be NULL.
 */
int kj_img_writer_finish(struct kj_img_writer *w, struct kj_img_stats *st,
			 struct kj_err *e);

/* Stop the threads and free w without committing: the header on the
 * target stays WRITING. NULL is fine. */
void kj_img_writer_abort(struct kj_img_writer *w);

/* ------------------------------------------------------------------ */
/* Reader                                                              */

struct kj_img {
	int fd;				/* not owned: the caller closes it */
	uint64_t target_size;
	struct kj_img_header hdr;	/* release and machine NUL-terminated */
	bool complete;
	char problem[768];		/* why not complete, else "" */

	/* Valid (and validated) only when complete. */
	uint8_t *index;			/* index_size bytes */
	const struct kj_img_extent *ext;	/* sorted, disjoint, npages > 0 */
	uint64_t next;
	uint64_t *ext_first;		/* stream index of each extent's first
					 * page (DATA pages before it) */
	const struct kj_img_chunk *chunk;	/* stream order, contiguous */
	uint64_t nchunks;
	const struct kj_img_range *memmap;
	uint64_t nmemmap;
	const struct kj_img_remap *remap;
	uint64_t nremap;
	const struct kj_img_vmap *vmap;
	uint64_t nvmap;
	const char *vmcoreinfo;		/* NOT NUL-terminated; no NUL inside */
	uint64_t vmcoreinfo_len;
	bool have_fs;			/* the image has a filesystems section */
	const struct kj_img_fs *fs;	/* see kj_img_fs_valid() */
	uint64_t nfs;

	/* Sealed images (version 2): sealed is set by kj_img_open(), which
	 * then reads only the public header (in pub and hdr) and leaves the
	 * image incomplete with problem "sealed: ..."; kj_img_unseal() with
	 * the right key fills in hdr and the index, and keys. */
	bool sealed;
	struct kj_img_header pub;	/* the header as stored */
	struct kj_seal_keys *keys;	/* after kj_img_unseal() */
	const struct kj_img_tag *tags;	/* sealed: one per chunk */
	uint64_t ntags;

	/* Scratch for kj_img_read_chunk(): so a kj_img must not be used by
	 * two threads at once (open the target once per thread instead). */
	void *cbuf;
	void *dctx;
};

/*
 * Open the image on fd. target_size 0: ask the fd (regular file size or
 * block device size). Return value and img->complete / img->problem as
 * described at the top of this file. img needs kj_img_close() after a
 * return of 0 (calling it after -1 is harmless).
 *
 * A complete image satisfies, and users may rely on:
 *   header  state and kind known; release and machine NUL-terminated;
 *           data_offset 4 KiB-aligned, >= 4096; 1 <= chunk_pages <=
 *           KJ_IMG_MAX_CHUNK_PAGES; data_offset + data_bytes <=
 *           index_offset; index_size <= KJ_IMG_MAX_INDEX_SIZE;
 *           target_min_size == index_offset + index_size <= target size.
 *   index   XXH64 == index_xxh64; section slots: type 0 and all zero, or
 *           a known type, at most once each, the format's entry_size,
 *           inside the index, 8-byte aligned (arrays); EXTENTS and CHUNKS
 *           present.
 *   extents kind DATA or ZERO, npages > 0, pfn + npages <= KJ_IMG_MAX_PFN,
 *           sorted by pfn and disjoint; DATA pages sum to pages_data and
 *           ZERO pages to pages_zero.
 *   chunks  nchunks entries; chunk i holds stream pages [first_page,
 *           first_page + npages) with first_page the sum of the npages
 *           before it; 1 <= npages <= chunk_pages (fixed places end a
 *           chunk with its span); they sum to pages_data; offset 4 KiB-aligned,
 *           at or after the previous chunk's end, and offset + csize <=
 *           data_offset + data_bytes; 0 < csize <=
 *           ZSTD_compressBound(npages * 4096).
 *   others  at most KJ_IMG_MAX_MEMMAP memmap ranges, KJ_IMG_MAX_REMAP
 *           remap, KJ_IMG_MAX_VMAP vmap and KJ_IMG_MAX_FS filesystem
 *           entries (each kj_img_fs_valid()), KJ_IMG_MAX_VMCOREINFO
 *           bytes of VMCOREINFO text without NUL; memmap ranges start <
 *           end <= KJ_IMG_MAX_PHYS, the RAM ones (type 1) ascending and
 *           disjoint; remap entries npages > 0, inside KJ_IMG_MAX_PFN,
 *           sorted by dst_pfn, disjoint, KJ_IMG_MAX_REMAP_PAGES pages in
 *           all.
 *   memory  pages_data + pages_zero + pages_free + pages_excluded does
 *           not overflow. With a memmap section (the writer's images; a
 *           hand-made one may lack it): pages_data + pages_zero <=
 *           pages_total, and every extent's pages lie in RAM ranges
 *           (range [start, end) holds pages start / 4096 to
 *           (end - 1) / 4096), so the saved pages are at most the RAM
 *           pages.
 * Chunk contents are not read by kj_img_open(): kj_img_verify() and
 * kj_img_read_chunk() check them.
 */
int kj_img_open(struct kj_img *img, int fd, uint64_t target_size,
		struct kj_err *e);
void kj_img_close(struct kj_img *img);

/*
 * Open a sealed image that kj_img_open() left at its public header, with
 * the passphrase, key file or master key s. Returns -1 with "wrong
 * passphrase or key, or the image header was modified: ..." (EACCES)
 * when the header does not authenticate, or as kj_img_open() does; 0
 * otherwise, with img->complete and img->problem as kj_img_open() sets
 * them (an index that does not authenticate is a problem:
 * "the index does not authenticate: ..."). Chunks are authenticated when
 * read (kj_img_check_frame), and decrypted in place. An image in state
 * WRITING or FAILED has nothing sealed to open: 0, problem unchanged.
 */
int kj_img_unseal(struct kj_img *img, const struct kj_seal_secret *s,
		  struct kj_err *e);

/* An entry of the filesystems section as the reader accepts it: known
 * kind and status, CHECKED only for a known kind, every string
 * NUL-terminated. Writer and reader both hold entries to this. */
bool kj_img_fs_valid(const struct kj_img_fs *f);

/* -1 with the reason unless img is complete and in state COMPLETE (the
 * reason from kj_img_resume_allowed() when the state is the problem). */
int kj_img_check_resumable(const struct kj_img *img, struct kj_err *e);

/* Called after each chunk by kj_img_verify(). */
typedef void (*kj_img_progress_fn)(uint64_t done, uint64_t total, void *arg);

/*
 * Read every chunk, check its xxh64, decompress it (zstd checks the
 * content checksum) and check it yields exactly npages * 4096 bytes (a
 * sealed image: its tag instead of both checksums). On
 * the first failure returns -1 with a message naming the chunk (0-based),
 * its offset and the pfns it holds, e.g. "chunk 17 of 240 at offset
 * 0x4500000 (pages 0x11000-0x113ff): checksum mismatch", and sets
 * *bad_chunk (may be NULL) to its number; UINT64_MAX when the failure is
 * not one chunk's (incomplete image, out of memory). cb may be NULL.
 */
int kj_img_verify(struct kj_img *img, kj_img_progress_fn cb, void *cbarg,
		  uint64_t *bad_chunk, struct kj_err *e);

/* As kj_img_verify; decompress false checks each chunk's XXH64 (tag) and zstd
 * framing only (what was written is what is read) without decompressing. */
int kj_img_verify_mode(struct kj_img *img, bool decompress, kj_img_progress_fn cb,
		       void *cbarg, uint64_t *bad_chunk, struct kj_err *e);
/* Check the csize bytes of chunk idx, read by the caller: XXH64 and zstd
 * framing; the message names the chunk as kj_img_verify does. A sealed
 * chunk is authenticated and decrypted in place instead of the XXH64,
 * which the AEAD's tag makes redundant (so bytes holds the zstd frame
 * afterwards, csize bytes, on success). */
int kj_img_check_frame(const struct kj_img *img, uint64_t idx, void *bytes,
		       struct kj_err *e);

/* A zstd decompression context for img's chunks (ZSTD_freeDCtx frees
 * it; NULL: out of memory). For a sealed image it skips each frame's
 * content checksum: the AEAD authenticated the frame, and a frame that
 * authenticates decompresses to the pages the writer compressed. */
void *kj_img_new_dctx(const struct kj_img *img);

/* Decompress one of img's chunk frames (csize bytes, checked by
 * kj_img_check_frame) into out (want bytes) with dctx from
 * kj_img_new_dctx: a stored frame without zstd (lib/stored_frame.h), any
 * other by zstd. Returns what ZSTD_decompressDCtx returns. */
size_t kj_img_decompress_frame(const struct kj_img *img, void *dctx, void *out, size_t want,
			       const void *frame, size_t csize);

/* Read, check and decompress chunk idx into out, which must hold
 * img->chunk[idx].npages * 4096 bytes. */
int kj_img_read_chunk(struct kj_img *img, uint64_t idx, void *out,
		      struct kj_err *e);

/*
 * Where page `pfn` is: sets *kind to KJ_EXT_DATA (and *stream_index to its
 * index in the data stream; kj_img_chunk_of() finds its chunk),
 * KJ_EXT_ZERO, or 0 when
 * the image does not hold the page. stream_index may be NULL. Returns -1
 * only when img is not complete (no index). O(log extents).
 */
int kj_img_find_page(const struct kj_img *img, uint64_t pfn, int *kind,
		     uint64_t *stream_index);

/* The extent holding pfn, or the first one after it (== img->next when
 * none): for walking the image from any pfn on. */
uint64_t kj_img_extent_from(const struct kj_img *img, uint64_t pfn);

/* The chunk holding stream page `stream_index` (it is page
 * stream_index - chunk[c].first_page of it); img->nchunks when past the
 * end. O(log chunks): chunks need not all hold chunk_pages pages. */
uint64_t kj_img_chunk_of(const struct kj_img *img, uint64_t stream_index);

/* Bytes the chunks take on the target, each 4 KiB aligned, and the bytes
 * the image holds (header area, chunks, index). A packed image's are
 * data_bytes and target_min_size; one with fixed places
 * (chunk_places.h) spans more of the target than it holds. An image that
 * is not complete: the header's data_bytes and target_min_size. */
uint64_t kj_img_chunk_bytes(const struct kj_img *img);
uint64_t kj_img_held_bytes(const struct kj_img *img);

/* pfn of the stream's page `stream_index`; -1 when past the end. */
int kj_img_stream_pfn(const struct kj_img *img, uint64_t stream_index,
		      uint64_t *pfn);

#endif
