// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Saving A's memory from inside B: the heart of `kjump save`, `snapshot`
 * and `hibernate`.
 *
 * The image holds A's RAM as it physically is while A is stopped, minus
 * B's own memory and minus pages free in A's buddy allocator. That is what
 * A's re-entry code expects to find: it swaps B's pages with their backup
 * pages itself. The backup map goes into the image too (the remap section)
 * so that `export` can show A's memory as A sees it.
 */
#include "save.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fs_devices.h"
#include "jump_back.h"
#include "state_file.h"
#include "../lib/a_memory.h"
#include "../lib/chunk_places.h"
#include "../lib/image.h"
#include "../lib/image_state.h"
#include "../lib/memmap.h"
#include "../lib/free_pages.h"
#include "../lib/page.h"
#include "../lib/target.h"
#include "../lib/text.h"
#include "../lib/vmcoreinfo.h"

#define BATCH 256	/* pages per read from /proc/vmcore */

/*
 * A snapshot reads back one in this many of the chunks it keeps (another
 * share each time), so each kept chunk is checked on the target at least
 * every 8 snapshots: reading them all back costs as long as reading A's
 * memory (4 s per GiB under TCG, bench/snapshot). A chunk damaged on the
 * target in between is found by the snapshot that checks it, by `verify`,
 * or by `resume`, which refuses the image. A hibernation reads back every
 * chunk it keeps, and then its whole image, before it powers off.
 */
#define SNAPSHOT_KEPT_CHECK_ONE_IN 8

static int amem_rd(void *ctx, uint64_t pa, void *buf, size_t len, struct kj_err *e)
{
	return kj_a_from_vmcore_read(ctx, pa, buf, len, e);
}

/* A's RAM: what /proc/vmcore shows of it, plus B's own memory. */
static int a_ram(const struct kj_a_from_vmcore *m, struct kj_ranges *ram, struct kj_err *e)
{
	memset(ram, 0, sizeof(*ram));
	for (size_t i = 0; i < m->vm.core.nseg; i++) {
		const struct kj_core_seg *s = &m->vm.core.seg[i];

		if (s->type == KJ_SEG_LOAD &&
		    kj_ranges_add(ram, s->paddr, s->paddr + s->memsz, KJ_MEM_RAM, e))
			return -1;
	}
	if (kj_ranges_copy(ram, &m->b_mem, -1, e))
		return -1;
	for (size_t i = 0; i < ram->n; i++) {
		ram->r[i].start = kj_align_up(ram->r[i].start, KJ_PAGE_SIZE);
		ram->r[i].end = kj_align_down(ram->r[i].end, KJ_PAGE_SIZE);
		ram->r[i].type = KJ_MEM_RAM;
	}
	kj_ranges_normalize(ram);
	return 0;
}

/* Backup map -> runs of the image's remap section. */
static int remap_runs(const struct kj_a_from_vmcore *m, struct kj_img_remap **out, size_t *n,
		      struct kj_err *e)
{
	struct kj_img_remap *r = calloc(m->nmap ? m->nmap : 1, sizeof(*r));
	size_t k = 0;

	if (!r)
		return kj_fail(e, ENOMEM, "out of memory");
	for (size_t i = 0; i < m->nmap; i++) {
		uint64_t d = m->map[i].dst / KJ_PAGE_SIZE, s = m->map[i].src / KJ_PAGE_SIZE;

		if (d == s)
			continue;	/* A had nothing there */
		if (k && r[k - 1].dst_pfn + r[k - 1].npages == d &&
		    r[k - 1].src_pfn + r[k - 1].npages == s)
			r[k - 1].npages++;
		else
			r[k++] = (struct kj_img_remap){ d, s, 1 };
	}
	*out = r;
	*n = k;
	return 0;
}

/* A's virtual mappings, as its /proc/vmcore program headers give them. */
static int set_vmap(const struct kj_a_from_vmcore *m, struct kj_img_writer *w, struct kj_err *e)
{
	struct kj_img_vmap *v = calloc(m->vm.core.nseg + 1, sizeof(*v));
	size_t n = 0;
	int r;

	if (!v)
		return kj_fail(e, ENOMEM, "out of memory");
	for (size_t i = 0; i < m->vm.core.nseg; i++) {
		const struct kj_core_seg *s = &m->vm.core.seg[i];

		if (s->type == KJ_SEG_LOAD && s->vaddr && s->memsz)
			v[n++] = (struct kj_img_vmap){ s->paddr, s->vaddr, s->memsz };
	}
	r = kj_img_writer_set_vmap(w, v, n, e);
	free(v);
	return r;
}

static int memmap_section(const struct kj_ranges *ram, struct kj_img_range **out,
			  size_t *n, struct kj_err *e)
{
	struct kj_memmap mm;
	size_t k = 0;

	if (kj_memmap_read(&mm, e))
		return -1;
	*out = calloc(ram->n + mm.firmware.n + 1, sizeof(**out));
	if (!*out) {
		kj_memmap_free(&mm);
		return kj_fail(e, ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < ram->n; i++)
		(*out)[k++] = (struct kj_img_range){ ram->r[i].start, ram->r[i].end, 1, 0 };
	/* firmware ranges B was given are A's (kjump's own reserved pages and
	 * A's re-entry page lie inside A's RAM and are left out) */
	for (size_t i = 0; i < mm.firmware.n; i++)
		if (!kj_ranges_overlaps(ram, mm.firmware.r[i].start, mm.firmware.r[i].end))
			(*out)[k++] = (struct kj_img_range){ mm.firmware.r[i].start,
				mm.firmware.r[i].end, (uint32_t)mm.firmware.r[i].type, 0 };
	*n = k;
	kj_memmap_free(&mm);
	return 0;
}

static void progress(struct kj_progress *p, uint64_t done, uint64_t total)
{
	int pct = kj_progress_due(p, done, total);

	if (pct >= 0)
		kj_info("saving: %3d%% (%llu of %llu MiB read, %.1f s)", pct,
			(unsigned long long)(done * KJ_PAGE_SIZE >> 20),
			(unsigned long long)(total * KJ_PAGE_SIZE >> 20), kj_now() - p->t0);
}

/*
 * Fixed places (lib/chunk_places.h) for this save, or none (p->nplaces 0,
 * and the reason in rep->places_note): only for an unsealed image on a
 * block device (an image file included) with room for every place, and
 * the memory only for the target it was made on.
 */
static int choose_places(const struct kj_save_opts *o, const struct kj_target *t,
			 const struct kj_ranges *ram,
			 struct kj_chunk_places *p, struct kj_save_report *rep,
			 struct kj_err *e)
{
	uint64_t need;

	if (o->memory->record && strcmp(o->memory->target, o->target))
		kj_chunk_memory_forget(o->memory);	/* another target */
	if (o->seal || !t->is_block) {
		snprintf(rep->places_note, sizeof(rep->places_note), "%s",
			 o->seal ? "a sealed image: every chunk is written" :
			 "not a block device: every chunk is written");
		return 0;
	}
	if (kj_chunk_places_for_ram(p, ram, e))
		return -1;
	need = kj_chunk_places_target_size(p);
	if (need > t->size) {
		snprintf(rep->places_note, sizeof(rep->places_note),
			 "the target (%llu MiB) has no room for fixed places (%llu MiB): "
			 "chunks packed, every chunk written",
			 (unsigned long long)(t->size >> 20), (unsigned long long)(need >> 20));
		kj_chunk_places_free(p);
	}
	return 0;
}

int kj_save(const struct kj_save_opts *o, struct kj_save_report *rep, struct kj_err *e)
{
	struct kj_peer peer;
	struct kj_a_from_vmcore m;
	struct kj_vmcoreinfo vi;
	struct kj_freemap fm = { 0 };
	struct kj_free_pages_stats fst = { 0 };
	struct kj_ranges ram = { 0 };
	struct kj_target t = { .fd = -1 };
	struct kj_img_writer *w = NULL;
	struct kj_img_remap *remap = NULL;
	struct kj_img_range *mmap_sect = NULL;
	struct kj_img_fs *fs = NULL;
	struct kj_chunk_places places = { 0 };
	size_t nfs = 0;
	bool fs_asked = false;
	uint8_t *buf = NULL;
	size_t nremap = 0, nmmap = 0;
	bool have_vi = false, have_fm = false, have_m = false;
	uint64_t total = 0, done = 0, n_free = 0, n_excl = 0;
	double t0 = kj_now();
	struct kj_progress prog = KJ_PROGRESS(10, o->quiet, t0);
	int ret = -1;

	memset(rep, 0, sizeof(*rep));
	struct kj_state bst;
	if (kj_state_load('b', &bst, e) == 0 && bst.stale && bst.switches)
		return kj_fail(e, EPERM, "this B (a kernel without CONFIG_ACPI) sees a "
			       "copy of A's re-entry page from its first jump back, not "
			       "A's page: an image would hold the copy. Unload B in A "
			       "and start it anew");
	if (kj_peer_read(&peer, e) || kj_a_from_vmcore_open(&m, peer.entry, e))
		return -1;
	have_m = true;
	if (!m.vm.vmcoreinfo) {
		kj_fail(e, ENOENT, "A's memory has no VMCOREINFO note; kjump cannot "
			"tell which pages are free or which kernel A runs");
		goto out;
	}
	if (kj_vmcoreinfo_parse(m.vm.vmcoreinfo, m.vm.vmcoreinfo_len, &vi, e))
		goto out;
	have_vi = true;
	if (a_ram(&m, &ram, e))
		goto out;
	total = kj_ranges_total(&ram, -1) / KJ_PAGE_SIZE;

	/* Free pages of A: a page in a free buddy block holds nothing A's
	 * kernel needs. If they cannot be found, keep everything. */
	if (kj_find_free_pages(amem_rd, &m, &vi, &ram, &fm, &fst, e) == 0) {
		have_fm = true;
		if (!o->quiet)
			kj_info("A's free pages: %llu of %llu (%.1f s)",
				(unsigned long long)fst.free, (unsigned long long)total,
				fst.seconds);
	} else {
		kj_info("warning: %s; saving every page", e->msg);
	}

	/* The same checks as `snapshot` makes in A: the worst case must fit
	 * (a block device; a file grows), and a foreign signature needs
	 * force. Nothing is written before they pass. */
	if (kj_target_open(&t, o->target, KJ_TARGET_WRITE |
			   (o->force ? KJ_TARGET_FORCE : 0) |
			   (o->new_file ? KJ_TARGET_NEW_FILE : 0),
			   kj_img_worst_case_size(total), e))
		goto out;
	if (o->tag_check && kj_save_check_tag(t.fd, o->tag, e))
		goto out;
	/* The disks A listed, fingerprinted now that A is frozen. */
	if (o->tag_check && kj_fs_fingerprint(t.fd, o->tag, &fs, &nfs, &fs_asked, e))
		goto out;

	const char *rel = kj_vmcoreinfo_str(&vi, "OSRELEASE");
	struct kj_img_writer_opts wo = {
		.threads = o->threads, .level = o->level, .kind = o->kind,
		.release = rel, .machine = "x86_64", .jump_back_entry = peer.entry,
		.ram_bytes = total * KJ_PAGE_SIZE,
		.region_start = m.b_mem.n ? m.b_mem.r[m.b_mem.n - 1].start : 0,
		.region_end = m.b_mem.n ? m.b_mem.r[m.b_mem.n - 1].end : 0,
		.worst_case_pages = t.is_block ? total : 0,
		.seal = o->seal,
	};
	uint8_t uuid[16];

	if (o->memory && choose_places(o, &t, &ram, &places, rep, e))
		goto out;
	if (places.nplaces)
		wo.places = &places;
	wo.memory = o->memory;
	/* A hibernation with nothing to keep remembers nothing either: B
	 * powers off after it, so an XXH3-128 digest of every chunk (a
	 * sixth of B's work in bench/hibernate's mix, under TCG) would be
	 * taken for nobody. If the power-off fails, A runs on and its next
	 * save writes every chunk. */
	if (o->memory && o->kind == KJ_IMG_HIBERNATION && !o->memory->record) {
		wo.memory = NULL;
		if (places.nplaces)
			snprintf(rep->places_note, sizeof(rep->places_note),
				 "no earlier save of this B to this target");
	}
	wo.kept_check_one_in = o->kind == KJ_IMG_HIBERNATION ? 1 : SNAPSHOT_KEPT_CHECK_ONE_IN;

	/* A's request tag decides the image's uuid: A knows it by that alone */
	if (o->tag_check) {
		kj_img_request_uuid(o->tag, uuid);
		wo.uuid = uuid;
	}
	if (kj_img_writer_open(&w, t.fd, t.is_block ? t.size : 0, &wo, e))
		goto out;
	buf = malloc(BATCH * KJ_PAGE_SIZE);
	if (!buf) {
		kj_fail(e, ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < ram.n; i++) {
		uint64_t pfn = ram.r[i].start / KJ_PAGE_SIZE, end = ram.r[i].end / KJ_PAGE_SIZE;

		while (pfn < end) {
			uint64_t pa = pfn * KJ_PAGE_SIZE, n = 0;

			if (kj_ranges_covers(&m.b_mem, pa, pa + KJ_PAGE_SIZE, -1)) {
				n_excl++, pfn++, done++;
				continue;
			}
			if (have_fm && kj_freemap_test(&fm, pfn)) {
				n_free++, pfn++, done++;
				continue;
			}
			/* a run of pages to keep, read in one go */
			while (n < BATCH && pfn + n < end &&
			       !(have_fm && kj_freemap_test(&fm, pfn + n)) &&
			       !kj_ranges_covers(&m.b_mem, (pfn + n) * KJ_PAGE_SIZE,
						 (pfn + n + 1) * KJ_PAGE_SIZE, -1))
				n++;
			/* straight from the mapped core where it is (it stays
			 * put until the save ends, A being frozen: the writer
			 * copies a page only if it compresses its chunk), else
			 * a copy here first */
			const uint8_t *src = kj_vmcore_mapped(&m.vm, pa, n * KJ_PAGE_SIZE);
			bool mapped = src;

			if (!src) {
				if (kj_vmcore_read(&m.vm, pa, buf, n * KJ_PAGE_SIZE, e)) {
					kj_prefix(e, "reading A's memory");
					goto out;
				}
				src = buf;
			}
			for (uint64_t k = 0; k < n; k++)
				if ((mapped ? kj_img_writer_add_mapped :
				     kj_img_writer_add)(w, pfn + k, src + k * KJ_PAGE_SIZE, e))
					goto out;
			pfn += n;
			done += n;
			progress(&prog, done, total);
		}
	}
	if (set_vmap(&m, w, e) ||
	    remap_runs(&m, &remap, &nremap, e) ||
	    kj_img_writer_set_remap(w, remap, nremap, e) ||
	    memmap_section(&ram, &mmap_sect, &nmmap, e) ||
	    kj_img_writer_set_memmap(w, mmap_sect, nmmap, e) ||
	    kj_img_writer_set_vmcoreinfo(w, m.vm.vmcoreinfo, m.vm.vmcoreinfo_len, e) ||
	    (fs_asked && kj_img_writer_set_filesystems(w, fs, nfs, e)))
		goto out;
	kj_img_writer_set_counts(w, total, n_free, n_excl);
	struct kj_img_stats st;
	int r = kj_img_writer_finish(w, &st, e);
	w = NULL;
	if (r)
		goto out;
	rep->pages_total = total;
	rep->pages_data = st.pages_data;
	rep->pages_zero = st.pages_zero;
	rep->pages_free = n_free;
	rep->pages_excluded = n_excl;
	rep->bytes_in = st.bytes_in;
	rep->bytes_out = st.image_bytes;
	rep->chunks = st.chunks;
	rep->chunks_stored = st.chunks_stored;
	rep->places = st.places;
	rep->chunks_kept = st.chunks_kept;
	rep->bytes_kept = st.bytes_kept;
	rep->span_bytes = st.span_bytes;
	if (st.places && st.memory_note[0])
		snprintf(rep->places_note, sizeof(rep->places_note), "%s", st.memory_note);
	if (o->memory && st.places)	/* whose target the memory is */
		snprintf(o->memory->target, sizeof(o->memory->target), "%s", o->target);
	rep->seconds = kj_now() - t0;
	ret = 0;
out:
	kj_img_writer_abort(w);
	free(buf);
	free(remap);
	free(mmap_sect);
	free(fs);
	kj_target_close(&t);
	kj_chunk_places_free(&places);
	kj_ranges_free(&ram);
	if (have_fm)
		kj_freemap_free(&fm);
	if (have_vi)
		kj_vmcoreinfo_free(&vi);
	if (have_m)
		kj_a_from_vmcore_close(&m);
	return ret;
}

void kj_save_print(const struct kj_save_report *r, FILE *f)
{
	fprintf(f, "pages: %llu total, %llu saved with data, %llu zero, %llu free in A "
		"(left out), %llu B's own (left out)\n",
		(unsigned long long)r->pages_total, (unsigned long long)r->pages_data,
		(unsigned long long)r->pages_zero, (unsigned long long)r->pages_free,
		(unsigned long long)r->pages_excluded);
	fprintf(f, "image: %.1f MiB for %.1f MiB of RAM (%.1f MiB of page data)\n",
		r->bytes_out / 1048576.0, r->pages_total * 4096 / 1048576.0,
		r->bytes_in / 1048576.0);
	fprintf(f, "chunks: %llu, %llu of them stored as they are (they did not compress)\n",
		(unsigned long long)r->chunks, (unsigned long long)r->chunks_stored);
	if (r->places)
		fprintf(f, "fixed places: %llu of %llu chunks unchanged since the last save, "
			"kept on the target (%.1f MiB not written again); the image spans "
			"%.1f MiB%s%s\n",
			(unsigned long long)r->chunks_kept, (unsigned long long)r->chunks,
			r->bytes_kept / 1048576.0, r->span_bytes / 1048576.0,
			r->places_note[0] ? "; nothing kept: " : "", r->places_note);
	else if (r->places_note[0])
		fprintf(f, "fixed places: none (%s)\n", r->places_note);
	fprintf(f, "time: %.2f s\n", r->seconds);
}

int kj_save_write_tag(int fd, const uint8_t tag[16], uint32_t kind, struct kj_err *e)
{
	static struct kj_img_header h __attribute__((aligned(4096)));

	memset(&h, 0, sizeof(h));
	h.magic = KJ_IMG_MAGIC;
	h.version = KJ_IMG_VERSION;
	h.header_size = KJ_IMG_HEADER_SIZE;
	h.state = KJ_IMG_WRITING;
	h.kind = kind;
	h.page_size = KJ_IMG_PAGE_SIZE;
	h.arch = KJ_IMG_ARCH_X86_64;
	memcpy(h.uuid, tag, 16);
	h.created = (uint64_t)time(NULL);
	h.header_xxh64 = kj_img_header_hash(&h);
	if (kj_img_pwrite(fd, &h, sizeof(h), 0, "the target's header", e))
		return -1;
	if (fdatasync(fd))
		return kj_fail_errno(e, "cannot flush the target");
	return 0;
}

int kj_save_check_tag(int fd, const uint8_t tag[16], struct kj_err *e)
{
	struct kj_img_header h;

	if (kj_img_pread(fd, &h, sizeof(h), 0, "the target's header", e))
		return -1;
	if (h.magic != KJ_IMG_MAGIC || h.header_xxh64 != kj_img_header_hash(&h) ||
	    memcmp(h.uuid, tag, 16))
		return kj_fail(e, EPERM, "this target does not carry the tag A wrote "
			       "before the jump: it is not the device A meant (device "
			       "names can differ between kernels); not writing to it");
	return 0;
}
