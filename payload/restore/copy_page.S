/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * copy_page(dst, src): copy one 4 KiB page, for the restore payload.
 *
 * Runs when: restore_main() places a page (a copy-list entry, a page of
 * a decompressed chunk, a page of a gathered frame), on the payload's own
 * identity page tables, with SSE on (entry.S).
 * In: %rdi = destination, %rsi = source, both 4 KiB pages that do not
 *   overlap. Out: the page copied; %rcx, %rdx, %rsi, %rdi and %xmm0-%xmm15
 *   clobbered (caller-saved in the SysV ABI).
 *
 * Why through a page of our own, 256 bytes at a time through the XMM
 * registers, and not `rep movsq` from source to destination: QEMU's TCG
 * (the test rig's and many users' emulator) keeps a direct-mapped
 * software TLB, and the payload's sources and destinations come in long
 * runs a fixed distance apart (spare pages and the pages they stand for,
 * the scratch buffer and a chunk's pages), often a large power of two:
 * then source and destination share a TLB slot page after page, and
 * every switch between them misses. `rep movsq` switches every 8 bytes
 * (the copies ran at about 170 MiB/s); 256 bytes through the registers
 * switch 32 times a page, which ran at 1 GiB/s when the pages did not
 * collide and at 220 MiB/s when they did. Through the bounce page, each
 * half switches only between a page and the bounce page, which collide
 * for one page in the TLB's size. On hardware the second half reads the
 * bounce page from the L1 cache: the copy costs little more.
 */
	.bss
	.balign	4096
bounce:	.skip	4096

	.text
/* the 4 KiB at %rsi to %rdi, 256 bytes at a time; %rsi, %rdi advance */
copy_4k:
	movl	$16, %ecx
1:	movdqu	0(%rsi), %xmm0
	movdqu	16(%rsi), %xmm1
	movdqu	32(%rsi), %xmm2
	movdqu	48(%rsi), %xmm3
	movdqu	64(%rsi), %xmm4
	movdqu	80(%rsi), %xmm5
	movdqu	96(%rsi), %xmm6
	movdqu	112(%rsi), %xmm7
	movdqu	128(%rsi), %xmm8
	movdqu	144(%rsi), %xmm9
	movdqu	160(%rsi), %xmm10
	movdqu	176(%rsi), %xmm11
	movdqu	192(%rsi), %xmm12
	movdqu	208(%rsi), %xmm13
	movdqu	224(%rsi), %xmm14
	movdqu	240(%rsi), %xmm15
	movdqu	%xmm0, 0(%rdi)
	movdqu	%xmm1, 16(%rdi)
	movdqu	%xmm2, 32(%rdi)
	movdqu	%xmm3, 48(%rdi)
	movdqu	%xmm4, 64(%rdi)
	movdqu	%xmm5, 80(%rdi)
	movdqu	%xmm6, 96(%rdi)
	movdqu	%xmm7, 112(%rdi)
	movdqu	%xmm8, 128(%rdi)
	movdqu	%xmm9, 144(%rdi)
	movdqu	%xmm10, 160(%rdi)
	movdqu	%xmm11, 176(%rdi)
	movdqu	%xmm12, 192(%rdi)
	movdqu	%xmm13, 208(%rdi)
	movdqu	%xmm14, 224(%rdi)
	movdqu	%xmm15, 240(%rdi)
	addq	$256, %rsi
	addq	$256, %rdi
	decl	%ecx
	jnz	1b
	ret

	.globl	copy_page
	.type	copy_page, @function
copy_page:
	movq	%rdi, %rdx		/* the destination, for the second half */
	leaq	bounce(%rip), %rdi
	call	copy_4k			/* source to bounce page */
	leaq	bounce(%rip), %rsi
	movq	%rdx, %rdi
	jmp	copy_4k			/* bounce page to destination */
	.size	copy_page, . - copy_page

	.section .note.GNU-stack, "", @progbits
