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

/*
 * Word copies, not `rep movsb`: as fast on hardware for the sizes zstd
 * copies, and many times faster under emulators that run string
 * instructions one byte at a time (the test rig's QEMU TCG).
 */
void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *dp = d;
	const uint8_t *sp = s;

	while (n >= 32) {
		uint64_t a, b, c, e;

		__builtin_memcpy(&a, sp, 8);
		__builtin_memcpy(&b, sp + 8, 8);
		__builtin_memcpy(&c, sp + 16, 8);
		__builtin_memcpy(&e, sp + 24, 8);
		__builtin_memcpy(dp, &a, 8);
		__builtin_memcpy(dp + 8, &b, 8);
		__builtin_memcpy(dp + 16, &c, 8);
		__builtin_memcpy(dp + 24, &e, 8);
		dp += 32, sp += 32, n -= 32;
	}
	while (n >= 8) {
		uint64_t a;

		__builtin_memcpy(&a, sp, 8);
		__builtin_memcpy(dp, &a, 8);
		dp += 8, sp += 8, n -= 8;
	}
	while (n--)
		*dp++ = *sp++;
	return d;
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
