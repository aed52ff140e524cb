// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The few C library functions libzstd's decompressor calls, for the
 * freestanding restore payload. There is no libc between kernels, so these
 * are our own: string moves with the x86 string instructions, and an
 * allocator that never allocates (the payload gives zstd a static context,
 * so zstd's own allocation paths are never taken).
 */
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *malloc(size_t n);
void *calloc(size_t a, size_t b);
void free(void *p);
void __stack_chk_fail(void);
void halt(void) __attribute__((noreturn));

void *memcpy(void *d, const void *s, size_t n)
{
	void *ret = d;

	__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	return ret;
}

void *memmove(void *d, const void *s, size_t n)
{
	if ((uintptr_t)d <= (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n)
		return memcpy(d, s, n);
	/* overlapping, destination above source: copy backwards */
	void *dd = (char *)d + n - 1;
	const void *ss = (const char *)s + n - 1;
	__asm__ volatile("std; rep movsb; cld"
			 : "+D"(dd), "+S"(ss), "+c"(n) : : "memory");
	return d;
}

void *memset(void *d, int c, size_t n)
{
	void *ret = d;

	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return ret;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

void *malloc(size_t n)
{
	(void)n;
	return NULL;
}

void *calloc(size_t a, size_t b)
{
	(void)a, (void)b;
	return NULL;
}

void free(void *p)
{
	(void)p;
}

void __stack_chk_fail(void)
{
	halt();
}
