// SPDX-License-Identifier: GPL-2.0-or-later
/* The rules for an image's state: see image_state.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "image.h"
#include "image_state.h"

bool kj_img_state_known(uint32_t state)
{
	return state == KJ_IMG_WRITING || state == KJ_IMG_COMPLETE ||
	       state == KJ_IMG_CONSUMED || state == KJ_IMG_RESUMING ||
	       state == KJ_IMG_FAILED;
}

static void when(uint64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	snprintf(buf, n, "at an unknown time");
	if (t && gmtime_r(&tt, &tm))
		strftime(buf, n, "at %Y-%m-%d %H:%M:%SZ", &tm);
}

int kj_img_resume_allowed(const struct kj_img_header *h, bool force, struct kj_err *e)
{
	char at[48];

	when(h->consumed, at, sizeof(at));
	switch (h->state) {
	case KJ_IMG_COMPLETE:
		return 0;
	case KJ_IMG_RESUMING:
		if (force)
			return 0;
		return kj_fail(e, EPERM, "the image is in state RESUMING: an earlier "
			       "resume of it started (%s) and the saved system may have "
			       "run since, and its disks with it. If that resume never "
			       "reached the saved system (this machine crashed or lost "
			       "power during the restore) and nothing has mounted its "
			       "filesystems since, retry with 'kjump resume --force'; if "
			       "the saved system did run, that rolls its memory back "
			       "behind disks that moved on, and loses data", at);
	case KJ_IMG_CONSUMED:
		if (force)
			return 0;
		return kj_fail(e, EPERM, "the image was already resumed (state CONSUMED, "
			       "%s): the system it holds has run on since, and its disks "
			       "with it; an image resumes only once. 'kjump resume "
			       "--force' would roll memory back behind disks that moved "
			       "on, and lose data: only if you know why", at);
	case KJ_IMG_WRITING:
		return kj_fail(e, EINVAL, "the image is incomplete (state WRITING): the "
			       "save did not finish, and no option resumes it");
	case KJ_IMG_FAILED:
		return kj_fail(e, EINVAL, "the image is marked failed: the second kernel "
			       "gave up on it and the system it holds went on running (%s); "
			       "no option resumes it",
			       h->fail_reason[0] ? h->fail_reason : "no reason recorded");
	}
	return kj_fail(e, EINVAL, "the image is in state %u, which this kjump does not "
		       "know; not resuming it", h->state);
}

void kj_img_request_uuid(const uint8_t tag[16], uint8_t uuid[16])
{
	/* every byte differs from the tag's: x ^ 0xa5 != x */
	for (int i = 0; i < 16; i++)
		uuid[i] = tag[i] ^ 0xa5;
}

enum kj_img_return kj_img_judge_return(const struct kj_img_header *h, const uint8_t tag[16],
				       uint32_t kind)
{
	uint8_t mine[16];

	if (!h)
		return KJ_RET_FOREIGN;
	kj_img_request_uuid(tag, mine);
	bool untouched = !memcmp(h->uuid, tag, 16);

	/* B marks FAILED whichever of the two it finds: A's tag header (it
	 * failed before writing) or its own image of this request */
	if ((untouched || !memcmp(h->uuid, mine, 16)) && h->state == KJ_IMG_FAILED)
		return KJ_RET_FAILED;
	if (untouched)
		return KJ_RET_UNTOUCHED;
	if (memcmp(h->uuid, mine, 16) || h->kind != kind)
		return KJ_RET_FOREIGN;
	switch (h->state) {
	case KJ_IMG_WRITING:
		return KJ_RET_UNFINISHED;
	case KJ_IMG_COMPLETE:
		return KJ_RET_COMPLETE;
	case KJ_IMG_RESUMING:
	case KJ_IMG_CONSUMED:
		return KJ_RET_RESUMED;
	case KJ_IMG_FAILED:
		return KJ_RET_FAILED;
	}
	return KJ_RET_FOREIGN;
}

bool kj_img_return_needs_mark(enum kj_img_return r)
{
	return r == KJ_RET_COMPLETE || r == KJ_RET_RESUMED;
}
