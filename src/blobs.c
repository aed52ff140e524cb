// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Freestanding programs built from payload/ and linked into kjump, so that
 * a static kjump dropped into any initramfs carries everything it jumps to.
 * The bytes come from build/payload/blobs.S (.incbin of the ELF files).
 */
#include <string.h>

#include "cli.h"

#define BLOB(n) extern const uint8_t kj_blob_##n[], kj_blob_##n##_end[];
#define KJ_BLOBS(X) X(hello) X(checksum) X(purgatory) X(restore) X(jumpback)
KJ_BLOBS(BLOB)
#undef BLOB

static const struct {
	const char *name;
	const uint8_t *start, *end;
} blobs[] = {
#define BLOB(n) { #n, kj_blob_##n, kj_blob_##n##_end },
	KJ_BLOBS(BLOB)
#undef BLOB
};

const char *const kj_call_examples[] = { "hello", "checksum", NULL };

int kj_blob_find(const char *name, const uint8_t **data, size_t *len)
{
	for (size_t i = 0; i < sizeof(blobs) / sizeof(blobs[0]); i++)
		if (!strcmp(blobs[i].name, name)) {
			*data = blobs[i].start;
			*len = (size_t)(blobs[i].end - blobs[i].start);
			return 0;
		}
	return -1;
}
