/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kjump image: a saved copy of a whole running system's memory (A),
 * written by `kjump save` in the second kernel (B), read by `info`,
 * `verify`, `export` and `resume`, and by the freestanding restore payload.
 * Plain fixed-size little-endian types only: this header is shared with
 * payload code that has no libc.
 *
 * On the target (a raw block device, a partition, or a file):
 *
 *   0            header block (4 KiB). Written twice: first with state
 *                WRITING before any data (so an older image on the same
 *                target stops being resumable at once), last with state
 *                COMPLETE after everything else is on stable storage.
 *                The header is the commit record.
 *   data_offset  chunks: each one zstd frame (content checksum on) holding
 *                a run of whole pages of the data stream; each chunk starts
 *                on a 4 KiB boundary.
 *   index_offset the index: sections listed in the header, each a plain
 *                array, covered by index_xxh64.
 *
 * A sealed image (version 2, lib/seal.h, docs/sealing.md) has the same
 * layout, but its chunks and index are encrypted and authenticated with
 * AES-256-GCM or XChaCha20-Poly1305 (same lengths: the tags are kept
 * apart), and its
 * header holds in clear only the public fields (magic, version,
 * header_size, state, kind, page_size, arch, uuid, consumed, fail_reason
 * and the seal block); every other field is zero there and lives, with
 * the rest of the header, encrypted in seal.sealed. The checksums (XXH64)
 * cover the bytes as stored.
 *
 * The data stream is every DATA page of A in ascending page frame number
 * order. The extents say where each page of the stream goes; ZERO extents
 * have no bytes in the stream and are restored as zero pages. Pages in no
 * extent were left out (free in A, or B's own memory) and their content
 * does not matter to A.
 */
#ifndef KJUMP_IMAGE_FORMAT_H
#define KJUMP_IMAGE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define KJ_IMG_MAGIC		0x474d49504d554a4bULL	/* "KJUMPIMG" */
#define KJ_IMG_VERSION		1
#define KJ_IMG_VERSION_SEALED	2	/* a sealed image: see struct kj_img_seal */
#define KJ_IMG_HEADER_SIZE	4096u
#define KJ_IMG_PAGE_SIZE	4096u
#define KJ_IMG_ALIGN		4096u
#define KJ_IMG_ARCH_X86_64	62	/* EM_X86_64 */
#define KJ_IMG_FAIL_REASON_MAX	512u

enum kj_img_state {
	KJ_IMG_WRITING = 1,	/* being written, or the writer died */
	KJ_IMG_COMPLETE = 2,	/* committed; may be resumed once */
	KJ_IMG_CONSUMED = 3,	/* resumed (or marked so); not again */
	KJ_IMG_RESUMING = 4,	/* a resume started: the saved system may
				 * have run since; not again without force */
	KJ_IMG_FAILED = 5,	/* B gave up on it (fail_reason says why): A
				 * continued, and it must never be resumed */
};

enum kj_img_kind {
	KJ_IMG_SNAPSHOT = 1,	/* A continued after the save */
	KJ_IMG_HIBERNATION = 2,	/* the machine powered off after the save */
};

/* Index sections: header.sect[] holds one entry per type present. */
enum kj_img_sect_type {
	KJ_SECT_EXTENTS = 1,	/* struct kj_img_extent[], sorted by pfn */
	KJ_SECT_CHUNKS = 2,	/* struct kj_img_chunk[], in stream order */
	KJ_SECT_MEMMAP = 3,	/* struct kj_img_range[]: A's memory map */
	KJ_SECT_REMAP = 4,	/* struct kj_img_remap[]: see below */
	KJ_SECT_VMCOREINFO = 5,	/* A's VMCOREINFO note text, NUL-free */
	KJ_SECT_VMAP = 6,	/* struct kj_img_vmap[]: A's virtual mappings */
	KJ_SECT_FILESYSTEMS = 7, /* struct kj_img_fs[]: A's writable disks */
	KJ_SECT_SEAL_TAGS = 8,	/* sealed images only: struct kj_img_tag[],
				 * one per chunk, in chunk order */
	KJ_SECT_MAX = 8,	/* slots in header.sect[] */
	KJ_SECT_LAST = 8,	/* the highest type */
};

struct kj_img_sect {
	uint32_t type;		/* enum kj_img_sect_type, 0 = unused slot */
	uint32_t entry_size;	/* bytes per entry (1 for text) */
	uint64_t offset;	/* from the start of the index */
	uint64_t count;		/* entries */
};

enum kj_img_extent_kind {
	KJ_EXT_DATA = 1,	/* pages are the next npages of the stream */
	KJ_EXT_ZERO = 2,	/* pages are all zero */
};

struct kj_img_extent {
	uint64_t pfn;		/* first page frame number */
	uint64_t npages;
	uint32_t kind;		/* enum kj_img_extent_kind */
	uint32_t reserved;
};

struct kj_img_chunk {
	uint64_t offset;	/* of the zstd frame, from the target's start */
	uint32_t csize;		/* compressed bytes */
	uint32_t npages;	/* pages of the stream it holds */
	uint64_t first_page;	/* index of its first page in the stream */
	uint64_t xxh64;		/* XXH64 (seed 0) of the csize bytes */
};

/* Memory ranges of A, [start, end), with e820 types (1 = RAM). */
struct kj_img_range {
	uint64_t start, end;
	uint32_t type;
	uint32_t reserved;
};

/*
 * While A is stopped for the save, the pages of B's region hold B, and A's
 * own content of those pages sits in backup pages the kernel chose (the
 * preserve-context swap). The image stores memory as it physically is at
 * that moment, which is what A's re-entry code expects: it swaps the pages
 * back itself. A remap entry says "A's content of pages [dst, dst+n) is in
 * the image at pages [src, src+n)", so `export` can show A's memory as A
 * sees it.
 */
struct kj_img_remap {
	uint64_t dst_pfn;
	uint64_t src_pfn;
	uint64_t npages;
};

/*
 * How A's kernel maps physical memory into its virtual address space: the
 * direct map and the kernel image (as in A's /proc/vmcore program
 * headers). `export` gives the core the same mappings, which tools that
 * read kernel symbols (vmcore-dmesg, crash) need.
 */
struct kj_img_vmap {
	uint64_t paddr;
	uint64_t vaddr;
	uint64_t size;
};

/*
 * A block device the saved system had mounted read-write, or used as
 * swap, and what B found on it while A was frozen (lib/fs_fingerprint.h
 * says what each fingerprint covers). `resume` reads each one again and
 * refuses when one moved on. Optional: images of older writers, and of
 * `kjump save` run by hand, have no such section (then nothing is known);
 * a writer that asked A has one, possibly with no entries.
 */
enum kj_img_fs_kind {
	KJ_FS_UNKNOWN = 0,	/* a type kjump cannot fingerprint */
	KJ_FS_EXT = 1,		/* ext2, ext3, ext4 */
	KJ_FS_XFS = 2,
	KJ_FS_BTRFS = 3,
	KJ_FS_SWAP = 4,		/* a swap partition (Linux swap v1 header) */
};

enum kj_img_fs_status {
	KJ_FS_CHECKED = 1,	/* fingerprint taken by B: resume compares it */
	KJ_FS_UNSUPPORTED = 2,	/* kind UNKNOWN, or a swap file: not checked */
	KJ_FS_NOT_IN_B = 3,	/* B could not find or read it: not checked */
};

struct kj_img_fs {
	uint32_t kind;		/* enum kj_img_fs_kind */
	uint32_t status;	/* enum kj_img_fs_status */
	uint32_t major, minor;	/* the device number in A */
	uint8_t uuid[16];	/* the filesystem's (or swap area's) UUID */
	uint64_t fingerprint;	/* XXH64 of what B read (CHECKED only) */
	uint64_t counter;	/* ext: mount count; btrfs: generation;
				 * xfs: the superblock's LSN (v5); else 0 */
	uint64_t wtime;		/* ext: last write time (Unix); else 0 */
	uint64_t kbytes_written; /* ext: lifetime KiB written; else 0 */
	char fstype[16];	/* as A named it: "ext4", "swap" */
	char label[48];		/* the filesystem's label, maybe cut */
	char device[64];	/* A's name for it: "/dev/vdc" */
	char mountpoint[64];	/* where A had it (first seen), maybe cut */
};

_Static_assert(sizeof(struct kj_img_fs) == 256, "struct kj_img_fs is 256 bytes");

/* The Poly1305 tag of one sealed chunk (the chunk's bytes on the target
 * are its ciphertext, exactly csize bytes). */
struct kj_img_tag {
	uint8_t tag[16];
};

#define KJ_SEAL_MAGIC		0x44454c4145534a4bULL	/* "KJSEALED" */
#define KJ_SEAL_PRIVATE_SIZE	1000u	/* header bytes sealed: all before seal */

enum kj_seal_aead {
	KJ_SEAL_XCHACHA20POLY1305 = 1,	/* libsodium's _ietf construction */
	KJ_SEAL_AES256GCM = 2,		/* where the CPU has AES-NI: 12-byte
					 * nonces (the first 12 of each) */
};

enum kj_seal_kdf {
	KJ_SEAL_KDF_ARGON2ID = 1,	/* a passphrase, Argon2id v1.3 */
	KJ_SEAL_KDF_KEYFILE = 2,	/* a key file, BLAKE2b over it and the salt */
};

/*
 * The seal block of a sealed image's header, in clear. Everything in it
 * up to hdr_tag, and the header's public fixed fields, are the associated
 * data of the sealed header: a changed byte there fails authentication.
 * The mutable public fields (state, consumed, fail_reason, header_xxh64)
 * are not authenticated: resume and A change them without the key
 * (docs/sealing.md says what rolling them back allows).
 */
struct kj_img_seal {
	uint64_t magic;			/* KJ_SEAL_MAGIC */
	uint32_t aead;			/* enum kj_seal_aead */
	uint32_t kdf;			/* enum kj_seal_kdf */
	uint64_t opslimit;		/* Argon2id passes (0 for a key file) */
	uint64_t memlimit;		/* Argon2id memory, bytes (0 for a key file) */
	uint8_t salt[16];		/* random, per image */
	uint8_t hdr_nonce[24];		/* random, per header write */
	uint8_t index_tag[16];		/* the index's Poly1305 tag */
	uint32_t sealed_ok;		/* 1: sealed[] holds the header (a COMPLETE
					 * image); 0: not yet (WRITING) */
	uint32_t reserved;		/* 0 */
	uint8_t hdr_tag[16];		/* sealed[]'s Poly1305 tag */
	uint8_t sealed[KJ_SEAL_PRIVATE_SIZE]; /* the header's first 1000 bytes,
					 * encrypted */
};

_Static_assert(sizeof(struct kj_img_seal) == 1112, "struct kj_img_seal is 1112 bytes");

struct kj_img_header {
	uint64_t magic;			/* KJ_IMG_MAGIC */
	uint32_t version;		/* KJ_IMG_VERSION */
	uint32_t header_size;		/* KJ_IMG_HEADER_SIZE */
	uint32_t state;			/* enum kj_img_state */
	uint32_t kind;			/* enum kj_img_kind */
	uint32_t page_size;		/* 4096 */
	uint32_t arch;			/* KJ_IMG_ARCH_X86_64 */
	uint8_t uuid[16];		/* random, per image */
	uint64_t created;		/* Unix time, seconds */
	uint64_t consumed;		/* Unix time of resume, or 0 */
	uint64_t jump_back_entry;	/* A's re-entry address (physical) */
	char release[65];		/* A's `uname -r` */
	char machine[31];		/* e.g. "x86_64" (NUL-padded) */
	uint64_t ram_bytes;		/* A's System RAM total */
	uint64_t region_start, region_end; /* B's memory, not saved */

	/* Page accounting, over A's System RAM pages. */
	uint64_t pages_total;		/* RAM pages of A */
	uint64_t pages_data;		/* saved with content */
	uint64_t pages_zero;		/* saved as zero */
	uint64_t pages_free;		/* left out: free in A's allocator */
	uint64_t pages_excluded;	/* left out: B's own memory, other */

	uint64_t data_offset;		/* first chunk */
	uint64_t data_bytes;		/* compressed bytes, alignment included */
	uint64_t nchunks;
	uint64_t chunk_pages;		/* pages per chunk (last may be fewer) */
	uint64_t index_offset;
	uint64_t index_size;
	uint64_t index_xxh64;		/* XXH64 of the index bytes */
	uint64_t target_min_size;	/* index_offset + index_size */
	struct kj_img_sect sect[KJ_SECT_MAX];

	/* Why B gave up (state FAILED), NUL-terminated; all zero otherwise.
	 * Carved from what was padding, which older writers left zero. */
	char fail_reason[KJ_IMG_FAIL_REASON_MAX];

	/* Sealed images only (version 2); zero otherwise, as the padding it
	 * was carved from. */
	struct kj_img_seal seal;

	uint8_t pad[KJ_IMG_HEADER_SIZE - 488 - KJ_IMG_FAIL_REASON_MAX -
		    sizeof(struct kj_img_seal) - 8];
	uint64_t header_xxh64;		/* XXH64 of the bytes before this field */
};

_Static_assert(offsetof(struct kj_img_header, fail_reason) == 488,
	       "the failure reason must sit where the padding began");
_Static_assert(offsetof(struct kj_img_header, seal) == KJ_SEAL_PRIVATE_SIZE,
	       "the seal block must follow the failure reason");
_Static_assert(sizeof(struct kj_img_header) == KJ_IMG_HEADER_SIZE,
	       "kjump image header must be exactly one 4 KiB block");

#endif
