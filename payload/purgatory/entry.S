/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Purgatory: the first code that runs when A jumps to B for the first time.
 *
 * Runs when: A's relocate_kernel has swapped B's region into place and
 *   executed `call *entry` (preserve-context kexec).
 * At entry: 64-bit mode, A's kexec identity page tables (they map B's
 *   region), interrupts off, IDT and GDT invalid, 0(%rsp) = A's re-entry
 *   address on A's one-page swap stack.
 * Does: records A's re-entry address as 16 hex digits in B's command line
 *   (the placeholder of "kexec_jump_back_entry=0x..."), so that B's
 *   `kjump back` knows where A continues; adds the page holding that
 *   address to B's e820 table as ACPI NVS, so that B never uses it and
 *   B's kernel identity-maps it (as it does all ACPI memory) when B jumps
 *   back: A's re-entry code then runs on A's own, current page rather than
 *   a copy; loads a GDT with the flat __BOOT_CS (0x10) and __BOOT_DS (0x18)
 *   the 64-bit boot protocol wants.
 * At exit: jumps to B's startup_64 with %rsi = B's zero page, on a stack of
 *   its own. It never returns: B's own first jump back to A goes through
 *   B's kernel, which has its own copy of the re-entry address.
 */
#include <kjump/purgatory.h>

#define PARAM(field)	kj_purgatory_params+KJ_PURGATORY_##field##_OFF(%rip)

	.section .text.entry, "ax"
	.globl	_start
	.code64
_start:
	movq	(%rsp), %rax			/* A's re-entry address */
	movq	%rax, PARAM(RECORDED)

	/* Write %rax as 16 lowercase hex digits, most significant first. */
	movq	PARAM(ENTRY_DIGITS), %rdi
	movl	$KJ_PURGATORY_ENTRY_DIGITS, %ecx
1:	rolq	$4, %rax
	movl	%eax, %edx
	andl	$0xf, %edx
	leaq	hexdigits(%rip), %rsi
	movb	(%rsi,%rdx), %dl
	movb	%dl, (%rdi)
	incq	%rdi
	decl	%ecx
	jnz	1b

	/* Append {page of A's re-entry, 4 KiB, ACPI NVS} to B's e820 table
	 * (zero page: count at 0x1e8, 20-byte entries from 0x2d0, at most
	 * 128). B's kernel sorts and merges the table itself. */
	movq	PARAM(BOOT_PARAMS), %rsi
	movzbl	0x1e8(%rsi), %ecx
	cmpl	$128, %ecx
	jae	3f
	imull	$20, %ecx, %edx
	leaq	0x2d0(%rsi,%rdx), %rdi
	movq	PARAM(RECORDED), %rax
	andq	$~0xfff, %rax
	movq	%rax, 0(%rdi)			/* addr */
	movq	$4096, 8(%rdi)			/* size */
	movl	$4, 16(%rdi)			/* E820_TYPE_NVS */
	incl	%ecx
	movb	%cl, 0x1e8(%rsi)
3:
	/* Our own GDT: A's kernel left the GDTR invalid. */
	leaq	gdt(%rip), %rax
	movq	%rax, gdt_desc+2(%rip)
	lgdt	gdt_desc(%rip)
	leaq	stack_top(%rip), %rsp
	movl	$0x18, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	/* Reload %cs with a far return. */
	leaq	2f(%rip), %rax
	pushq	$0x10
	pushq	%rax
	lretq
2:
	movq	PARAM(BOOT_PARAMS), %rsi
	movq	PARAM(KERNEL_ENTRY), %rax
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	jmp	*%rax

	.section .rodata
hexdigits:
	.ascii	"0123456789abcdef"

	.data
	.balign	16
gdt:
	.quad	0			/* 0x00: null */
	.quad	0			/* 0x08: unused */
	.quad	0x00af9a000000ffff	/* 0x10: 64-bit code, flat */
	.quad	0x00cf92000000ffff	/* 0x18: data, flat 4 GiB */
gdt_end:
	.balign	8
gdt_desc:
	.word	gdt_end - gdt - 1
	.quad	0			/* base, filled at run time */

	/* struct kj_purgatory_params (payload/include/kjump/purgatory.h):
	 * the magic, then zeros that kjump fills. */
	.balign	8
	.globl	kj_purgatory_params
	.type	kj_purgatory_params, @object
kj_purgatory_params:
	.quad	KJ_PURGATORY_MAGIC
	.space	KJ_PURGATORY_PARAMS_SIZE - 8
	.size	kj_purgatory_params, . - kj_purgatory_params

	.bss
	.balign	16
	.space	4096
stack_top:

	.section .note.GNU-stack, "", @progbits
