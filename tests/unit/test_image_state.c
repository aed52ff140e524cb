// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/image_state.c: which states `resume` takes with and
 * without --force and what it says otherwise, the image uuid a request
 * tag gives, and how A judges the target when it runs again.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "assert_text.h"

#include <errno.h>
#include <string.h>

#include <stdio.h>

#include "../../lib/image_state.h"

static void test_known(void **state)
{
	assert_false(kj_img_state_known(0));
	assert_true(kj_img_state_known(KJ_IMG_WRITING));
	assert_true(kj_img_state_known(KJ_IMG_COMPLETE));
	assert_true(kj_img_state_known(KJ_IMG_CONSUMED));
	assert_true(kj_img_state_known(KJ_IMG_RESUMING));
	assert_int_equal(KJ_IMG_RESUMING, 4);
	assert_false(kj_img_state_known(99));
}

static void test_resume_allowed(void **state)
{
	struct kj_img_header h = { .consumed = 86400 };
	struct kj_err e = { 0 };

	h.state = KJ_IMG_COMPLETE;
	assert_int_equal(kj_img_resume_allowed(&h, false, &e), 0);
	assert_int_equal(kj_img_resume_allowed(&h, true, &e), 0);

	h.state = KJ_IMG_RESUMING;
	assert_int_equal(kj_img_resume_allowed(&h, false, &e), -1);
	assert_int_equal(e.code, EPERM);
	assert_contains(e.msg, "state RESUMING");
	assert_contains(e.msg, "an earlier resume of it started (at 1970-01-02 00:00:00Z)");
	assert_contains(e.msg, "may have run since");
	assert_contains(e.msg, "kjump resume --force");
	assert_contains(e.msg, "rolls its memory back behind disks");
	assert_int_equal(kj_img_resume_allowed(&h, true, &e), 0);

	h.state = KJ_IMG_CONSUMED;
	assert_int_equal(kj_img_resume_allowed(&h, false, &e), -1);
	assert_int_equal(e.code, EPERM);
	assert_contains(e.msg, "already resumed (state CONSUMED");
	assert_contains(e.msg, "--force");
	assert_int_equal(kj_img_resume_allowed(&h, true, &e), 0);

	h.consumed = 0;
	assert_int_equal(kj_img_resume_allowed(&h, false, &e), -1);
	assert_contains(e.msg, "at an unknown time");

	/* never, force or not */
	h.state = KJ_IMG_WRITING;
	for (int f = 0; f < 2; f++) {
		assert_int_equal(kj_img_resume_allowed(&h, f, &e), -1);
		assert_contains(e.msg, "state WRITING");
	}
	h.state = KJ_IMG_FAILED;
	snprintf(h.fail_reason, sizeof(h.fail_reason), "it would not fit");
	for (int f = 0; f < 2; f++) {
		assert_int_equal(kj_img_resume_allowed(&h, f, &e), -1);
		assert_contains(e.msg, "marked failed");
		assert_contains(e.msg, "it would not fit");
	}
	h.fail_reason[0] = 0;
	h.state = 6;
	for (int f = 0; f < 2; f++) {
		assert_int_equal(kj_img_resume_allowed(&h, f, &e), -1);
		assert_contains(e.msg, "state 6");
	}
}

static void test_request_uuid(void **state)
{
	uint8_t tag[16], u[16], u2[16];

	for (int i = 0; i < 16; i++)
		tag[i] = (uint8_t)(i * 37 + 0xa5);	/* some byte is 0xa5 ^ 0 */
	kj_img_request_uuid(tag, u);
	for (int i = 0; i < 16; i++)
		assert_int_not_equal(u[i], tag[i]);
	kj_img_request_uuid(tag, u2);
	assert_memory_equal(u, u2, 16);		/* the same for the same tag */
	tag[7] ^= 1;
	kj_img_request_uuid(tag, u2);
	assert_memory_not_equal(u, u2, 16);
}

static void test_judge_return(void **state)
{
	uint8_t tag[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct kj_img_header h = { .kind = KJ_IMG_HIBERNATION, .state = KJ_IMG_WRITING };

	assert_int_equal(kj_img_judge_return(NULL, tag, KJ_IMG_HIBERNATION), KJ_RET_FOREIGN);
	memcpy(h.uuid, tag, 16);
	assert_int_equal(kj_img_judge_return(&h, tag, KJ_IMG_HIBERNATION), KJ_RET_UNTOUCHED);

	kj_img_request_uuid(tag, h.uuid);
	assert_int_equal(kj_img_judge_return(&h, tag, KJ_IMG_HIBERNATION), KJ_RET_UNFINISHED);
	h.state = KJ_IMG_COMPLETE;
	assert_int_equal(kj_img_judge_return(&h, tag, KJ_IMG_HIBERNATION), KJ_RET_COMPLETE);
	h.state = KJ_IMG_RESUMING;
	assert_int_equal(kj_img_judge_return(&h, tag, KJ_IMG_HIBERNATION), KJ_RET_RESUMED);
	h.state = KJ_IMG_CONSUMED;
	assert_int_equal(kj_img_judge_return(&h, tag, KJ_IMG_HIBERNATION), KJ_RET_RESUMED);
	h.state = KJ_IMG_FAILED;
	assert_int_equal(kj_img_judge_return(&h, tag, KJ_IMG_HIBERNATION), KJ_RET_FAILED);
	h.state = 6;
	assert_int_equal(kj_img_judge_return(&h, tag, KJ_IMG_HIBERNATION), KJ_RET_FOREIGN);
	/* B failed before writing: it marks A's tag header itself */
	memcpy(h.uuid, tag, 16);
	h.state = KJ_IMG_FAILED;
	assert_int_equal(kj_img_judge_return(&h, tag, KJ_IMG_HIBERNATION), KJ_RET_FAILED);
	kj_img_request_uuid(tag, h.uuid);

	/* another kind, or another request's image: not ours, whatever the clocks */
	h.state = KJ_IMG_COMPLETE;
	assert_int_equal(kj_img_judge_return(&h, tag, KJ_IMG_SNAPSHOT), KJ_RET_FOREIGN);
	h.uuid[15] ^= 1;
	assert_int_equal(kj_img_judge_return(&h, tag, KJ_IMG_HIBERNATION), KJ_RET_FOREIGN);

	assert_false(kj_img_return_needs_mark(KJ_RET_UNTOUCHED));
	assert_false(kj_img_return_needs_mark(KJ_RET_UNFINISHED));
	assert_false(kj_img_return_needs_mark(KJ_RET_FOREIGN));
	assert_true(kj_img_return_needs_mark(KJ_RET_COMPLETE));
	assert_true(kj_img_return_needs_mark(KJ_RET_RESUMED));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_resume_allowed),
		cmocka_unit_test(test_request_uuid),
		cmocka_unit_test(test_judge_return),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
