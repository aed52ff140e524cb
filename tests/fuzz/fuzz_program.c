// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for kj_program_parse, the ELF loader of `kjump call`.
 *
 * Any input must either be refused with a message, or give a program whose
 * fields are consistent: a page-rounded image within the limit, the entry,
 * the parameter block and every relocation inside it, and a placement that
 * succeeds. AddressSanitizer and UBSan catch the rest.
 * Build and run with tests/fuzz/run.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/program.h"
#include "../../payload/include/kjump/payload.h"

#define MAX_SPAN (16ULL << 20)

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static volatile uint8_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kj_program p;
	struct kj_err e;

	e.msg[0] = 0;
	if (kj_program_parse(data, size, MAX_SPAN, &p, &e)) {
		CHECK(e.msg[0] != 0);
		CHECK(strnlen(e.msg, sizeof(e.msg)) < sizeof(e.msg));
		CHECK(p.image == NULL && p.reloc_off == NULL && p.reloc_add == NULL);
		return 0;
	}
	CHECK(p.image != NULL);
	CHECK(p.span > 0 && p.span <= MAX_SPAN && p.span % 4096 == 0);
	CHECK(p.link_base % 4096 == 0);
	CHECK(p.entry_off < p.span);
	CHECK(!p.has_params || (p.params_off % 8 == 0 &&
				p.params_off + sizeof(struct kjump_params) <= p.span));
	CHECK(p.relocatable || p.nrelocs == 0);
	for (size_t i = 0; i < p.nrelocs; i++)
		CHECK(p.reloc_off[i] <= p.span - 8);
	/* read across the image, so ASan sees all of it is ours */
	for (uint64_t i = 0; i < p.span; i += 64)
		sink += p.image[i];
	sink += p.image[p.span - 1];
	CHECK(kj_program_place(&p, p.relocatable ? 0x40000000 : p.link_base, &e) == 0);
	CHECK(p.placed);
	CHECK(kj_program_place(&p, p.placed_at, &e) == -1);
	kj_program_free(&p);
	return 0;
}
