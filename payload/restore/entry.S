/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entry and exit of the restore payload.
 *
 * Runs when: the resume kernel C has executed an ordinary kexec of this
 * payload (`kjump resume`): C is gone, its devices shut down.
 * At entry: 64-bit mode on C's kexec identity page tables, interrupts
 *   off, no valid IDT, C's GDT descriptor cache; %rsp on C's control page,
 *   which may be a page A is about to get back. CR4 = PAE (and LA57 if C
 *   uses 5-level paging).
 * Before anything is written: our own stack, GDT, SSE (libzstd uses it:
 *   CR0.EM off, CR0.MP and CR4.OSFXSR/OSXMMEXCPT on) and %fs base (libzstd
 *   is built with stack protection, which reads its canary at %fs:0x28).
 *   restore_main() then moves to its own page tables before placing pages.
 * At exit: local APIC in xAPIC mode (restore_main); jumps to A's re-entry
 *   address as A's relocate_kernel would be
 *   entered from a peer (a `call`): 0(%rsp) = a return address, here a
 *   halt loop nobody should ever reach. A's code switches to its own page
 *   tables and stack at once.
 */
#include <kjump/restore.h>

	.section .text.entry, "ax"
	.globl	_start
	.code64
_start:
	leaq	kj_restore_params(%rip), %rbx	/* payload/restore/restore.c */
	movq	KJ_RESTORE_STACK_TOP_OFF(%rbx), %rsp

	leaq	gdt(%rip), %rax
	movq	%rax, gdt_desc+2(%rip)
	lgdt	gdt_desc(%rip)
	movl	$0x18, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %gs
	movl	%eax, %fs
	leaq	1f(%rip), %rax
	pushq	$0x10
	pushq	%rax
	lretq
1:
	movq	%cr0, %rax
	andq	$~(1 << 2), %rax		/* EM off */
	orq	$(1 << 1), %rax			/* MP on */
	movq	%rax, %cr0
	movq	%cr4, %rax
	orq	$((1 << 9) | (1 << 10)), %rax	/* OSFXSR, OSXMMEXCPT */
	movq	%rax, %cr4
	fninit
	movq	KJ_RESTORE_FS_AREA_OFF(%rbx), %rax
	movq	%rax, %rdx
	shrq	$32, %rdx
	movl	$0xc0000100, %ecx		/* MSR_FS_BASE */
	wrmsr

	movq	%rbx, %rdi
	call	restore_main			/* returns A's entry, or 0 */
	testq	%rax, %rax
	jz	halt
	leaq	halt(%rip), %rcx
	pushq	%rcx
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%esi, %esi
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	jmp	*%rax

	.globl	halt
halt:
	cli
	hlt
	jmp	halt

	.data
	.balign	16
gdt:
	.quad	0
	.quad	0
	.quad	0x00af9a000000ffff		/* 0x10: 64-bit code */
	.quad	0x00cf92000000ffff		/* 0x18: data */
gdt_end:
	.balign	8
gdt_desc:
	.word	gdt_end - gdt - 1
	.quad	0

	.section .note.GNU-stack, "", @progbits
