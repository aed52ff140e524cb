/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The jump-back trampoline: B's kexec image for going back to A.
 *
 * Runs when: B's relocate_kernel enters its image (`kjump back`, or B's
 *   /init after a save): on B's identity page tables, which map this page
 *   (a kexec segment) and A's re-entry page (ACPI NVS in B's memory map),
 *   interrupts off, on B's one-page swap stack.
 * At entry: 0(%rsp) = B's re-entry address (a preserve-context jump). On a
 *   one-way jump (a plain kexec from a B without CONFIG_KEXEC_JUMP) 0(%rsp)
 *   is 0 on Linux up to 6.13 and from 786a45757dcd (7.1-rc3, 7.0.y, 6.18.y)
 *   on, but on the 6.14 rework's kernels before it %rsp points just past
 *   B's control page, at a qword nobody set and that B's identity page
 *   tables need not map: it is never read.
 * Does: leaves the local APIC in xAPIC mode (a B that switched it to
 *   x2APIC would leave an A without x2APIC support deaf to its timer);
 *   on a one-way jump, also turns PCI MSI/MSI-X off (B's shutdown leaves
 *   them on, where a freeze would have turned them off).
 * At exit: jumps to A's re-entry address with %rsp as it was at entry, so
 *   A reads B's re-entry address at 0(%rsp) as if B had called A itself
 *   (6.12 reads it with `movq 0(%rsp)`, 6.14 and later with `popq`: the
 *   same slot). On a one-way jump %rsp points at our own zero instead, so
 *   A records no entry for B whatever B's kernel left on its stack.
 */
#include <kjump/jumpback.h>

#define PARAM(field)	kj_jumpback_params+KJ_JUMPBACK_##field##_OFF(%rip)

	.section .text.entry, "ax"
	.globl	_start
	.code64
_start:
	subq	$8, %rsp			/* C calling convention alignment */
	testq	$KJ_JUMPBACK_ONE_WAY, PARAM(FLAGS)
	jz	1f
	call	pci_msi_off
1:
	call	apic_to_xapic			/* payload/lib/handover.c */
	addq	$8, %rsp
	testq	$KJ_JUMPBACK_ONE_WAY, PARAM(FLAGS)
	jz	2f
	leaq	no_reentry(%rip), %rsp		/* 0(%rsp) = 0: see above */
2:
	movq	PARAM(ENTRY), %rax
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	jmp	*%rax

	/* struct kj_jumpback_params (payload/include/kjump/jumpback.h):
	 * the magic, then zeros that kjump fills. */
	.data
	.balign	16
no_reentry:
	.quad	0, 0

	.balign	8
	.globl	kj_jumpback_params
	.type	kj_jumpback_params, @object
kj_jumpback_params:
	.quad	KJ_JUMPBACK_MAGIC
	.space	KJ_JUMPBACK_PARAMS_SIZE - 8
	.size	kj_jumpback_params, . - kj_jumpback_params

	.section .note.GNU-stack, "", @progbits
