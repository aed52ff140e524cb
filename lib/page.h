/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The page size kjump works in: x86_64's base page. Counting, aligning
 * and copying pages all use this one constant; it is 64-bit so that
 * page counts times it do not wrap. (The image format states its own,
 * KJ_IMG_PAGE_SIZE, checked equal to this one in image.c.)
 */
#ifndef KJUMP_PAGE_H
#define KJUMP_PAGE_H

#define KJ_PAGE_SIZE	4096ULL

#endif
