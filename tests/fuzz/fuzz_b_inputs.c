// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target over what B and A read from places another system may
 * have written: a job block on a block device (lib/b_job_block.c), which
 * any disk B sees may carry, an image file's map (lib/file_map.c), which
 * B looks for on every disk and C reads at the offset it is given, and a
 * modules.dep (lib/module_deps.c). The first byte picks: 'J' a job block
 * (the rest, zero-padded to 4096 bytes; the mailbox is the block's own
 * when the input's second half asks for it), 'F' a map (two bytes: the
 * 4 KiB block where the map is looked for, one: the device's size in MiB;
 * the rest: the device's first bytes, read block by block as
 * kj_file_map_read does), anything else a
 * modules.dep text. Checks what each promises.
 * Seeds (tests/fuzz/corpus/b_inputs/): "job" is 'J' and the first 400
 * bytes of kj_b_job_block_encode() of a hibernation job to /dev/vdb;
 * "map" is 'F', block 64, a 1 MiB device, and its first 260 KiB, which
 * hold at 256 KiB the map of a 1 MiB file in three extents;
 * "modules.dep" is 'M' and a few lines shaped like Debian's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/mman.h>
#include <unistd.h>

#include "../../lib/b_job_block.h"
#include "../../lib/file_map.h"
#include "../../lib/module_deps.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

static void job(const uint8_t *data, size_t size)
{
	uint8_t block[KJ_B_JOB_BLOCK_BYTES] = { 0 }, mailbox[16];
	struct kj_b_job j;
	struct kj_err e = { 0 };
	uint64_t seq = 0;

	memcpy(block, data, size < sizeof(block) ? size : sizeof(block));
	memcpy(mailbox, block + 8, 16);	/* the block's own mailbox */
	int r = kj_b_job_block_decode(block, mailbox, &j, &seq, &e);

	CHECK(r >= -1 && r <= 1);
	if (r == 0) {
		CHECK(memchr(j.to, '\0', sizeof(j.to)) && j.to[0] == '/');
		CHECK(j.kind == KJ_IMG_SNAPSHOT || j.kind == KJ_IMG_HIBERNATION);
		CHECK(j.threads <= KJ_IMG_MAX_THREADS);
		/* what decodes encodes back to an equal block */
		uint8_t again[KJ_B_JOB_BLOCK_BYTES];
		struct kj_b_job k;
		uint64_t s2;

		kj_b_job_block_encode(&j, mailbox, seq, again);
		CHECK(kj_b_job_block_decode(again, mailbox, &k, &s2, &e) == 0);
		CHECK(s2 == seq && !strcmp(k.to, j.to) && !memcmp(k.tag, j.tag, 16));
	} else if (r < 0) {
		CHECK(e.msg[0]);
	}
}

static void map(const uint8_t *data, size_t size)
{
	struct kj_file_map m, again;
	struct kj_err e = { 0 };
	uint64_t at, physical, run;
	int fd, r;

	if (size < 3)
		return;
	at = (uint64_t)(data[0] | data[1] << 8) * KJ_FILE_MAP_BLOCK;
	/* the device: data[2] MiB (sparse), or the bytes given if more */
	uint64_t dev = (uint64_t)data[2] << 20;

	if (dev < size - 3)
		dev = size - 3;
	fd = memfd_create("device", 0);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, (off_t)dev) == 0);
	CHECK(pwrite(fd, data + 3, size - 3, 0) == (ssize_t)(size - 3));
	r = kj_file_map_read(fd, at, &m, &e);
	close(fd);
	CHECK(r >= -1 && r <= 1);
	if (r < 0)
		CHECK(e.msg[0]);
	if (r)
		return;
	/* a map that reads is sound: it places itself, every byte of the
	 * file is somewhere, and it encodes back to what decodes equal */
	CHECK(m.n >= 1 && m.map_physical == at);
	CHECK(kj_file_map_locate(&m, KJ_FILE_MAP_OFFSET, &physical, &run) == 0 &&
	      physical == at);
	for (size_t i = 0; i < m.n; i++) {
		CHECK(kj_file_map_locate(&m, m.ext[i].logical + m.ext[i].length - 1,
					 &physical, &run) == 0 && run == 1);
	}
	CHECK(kj_file_map_locate(&m, m.file_bytes, &physical, &run) == -1);
	size_t len = kj_file_map_encoded_size(&m);
	uint8_t *buf = malloc(len);

	CHECK(buf);
	kj_file_map_encode(&m, buf);
	CHECK(kj_file_map_decode(buf, len, at, UINT64_MAX / 2, &again, &e) == 0);
	CHECK(kj_file_map_equal(&m, &again));
	free(buf);
	kj_file_map_free(&again);
	kj_file_map_free(&m);
}

static void deps(const uint8_t *data, size_t size)
{
	struct kj_module_deps d;
	struct kj_err e = { 0 };

	if (kj_module_deps_parse((const char *)data, size, &d, &e)) {
		CHECK(e.msg[0] && d.n == 0);
		return;
	}
	size_t *order = calloc(d.n ? d.n : 1, sizeof(*order)), n = 0;

	CHECK(order);
	for (size_t i = 0; i < d.n; i++) {
		CHECK(d.m[i].name && d.m[i].path && d.m[i].path[0] != '/');
		CHECK(kj_module_deps_find(&d, d.m[i].name) >= 0);
		for (size_t k = 0; k < d.m[i].nneeds; k++)
			CHECK(d.m[i].needs[k] < d.n);
		kj_module_deps_load_order(&d, i, order, &n);
		CHECK(n <= d.n);
	}
	for (size_t a = 0; a < n; a++)	/* each once */
		for (size_t b = a + 1; b < n; b++)
			CHECK(order[a] != order[b]);
	free(order);
	kj_module_deps_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] == 'J')
		job(data + 1, size - 1);
	else if (data[0] == 'F')
		map(data + 1, size - 1);
	else
		deps(data + 1, size - 1);
	return 0;
}
