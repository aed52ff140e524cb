/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rules for an image's state (image_format.h), in one place:
 *
 *   WRITING  -> COMPLETE   B committed the image (the writer)
 *   WRITING or COMPLETE -> FAILED
 *                          B gave up on it (the save failed, or resume
 *                          would not fit) and jumps back: A goes on
 *   COMPLETE -> RESUMING   `kjump resume` in C, durably, just before the
 *                          jump into the restore code
 *   RESUMING -> COMPLETE   only when that jump returned (nothing ran)
 *   RESUMING -> CONSUMED   A, once it runs again (`kjump hibernate`)
 *   COMPLETE -> CONSUMED   A, when it runs again without a resume
 *
 * `resume` takes a COMPLETE image; a RESUMING or CONSUMED one only with
 * --force (the saved system may have run on, and its disks with it);
 * never a WRITING or FAILED one, nor a state it does not know.
 */
#ifndef KJUMP_IMAGE_STATE_H
#define KJUMP_IMAGE_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "image_format.h"

/* A state of enum kj_img_state? */
bool kj_img_state_known(uint32_t state);

/*
 * May `resume` (with or without --force) take an image in h->state?
 * 0 if so; else -1 with a message that says what happened and how to
 * retry (and what retrying risks), using h->consumed for the time.
 */
int kj_img_resume_allowed(const struct kj_img_header *h, bool force, struct kj_err *e);

/*
 * The image uuid B gives the image it writes for a request tagged `tag`
 * (the 16 bytes A wrote on the target and passed on B's command line,
 * kjump.tag=). It differs from the tag in every byte, so A tells "B
 * wrote this request's image" (uuid == kj_img_request_uuid(tag)) from "B
 * never started" (uuid == tag) from anything else, by the tag alone and
 * never by comparing two kernels' clocks.
 */
void kj_img_request_uuid(const uint8_t tag[16], uint8_t uuid[16]);

/* What A finds on the target when it runs again after the switch to B. */
enum kj_img_return {
	KJ_RET_UNTOUCHED = 1,	/* A's own tag header: B never wrote */
	KJ_RET_UNFINISHED,	/* this request's image, still WRITING */
	KJ_RET_COMPLETE,	/* this request's image, COMPLETE: B came back */
	KJ_RET_RESUMED,		/* this request's image, RESUMING or CONSUMED:
				 * A runs again from it */
	KJ_RET_FAILED,		/* this request's image, FAILED: B gave up and
				 * jumped back, its reason in the header */
	KJ_RET_FOREIGN,		/* anything else: not this request's */
};

/* h may be NULL (no trustworthy header). kind: what A asked for. */
enum kj_img_return kj_img_judge_return(const struct kj_img_header *h, const uint8_t tag[16],
				       uint32_t kind);

/*
 * After A runs again as the saved system of a hibernation (or B jumped
 * back after writing it), the image must never be resumed by accident:
 * true when A must mark it CONSUMED.
 */
bool kj_img_return_needs_mark(enum kj_img_return r);

#endif
