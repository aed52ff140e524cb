/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The jump-back trampoline: B's kexec image for going back to A.
 *
 * Runs when: B's relocate_kernel enters its image (`kjump back`, or B's
 *   /init after a save): on B's identity page tables, which map this page
 *   (a kexec segment) and A's re-entry page (ACPI NVS in B's memory map),
 *   interrupts off, on B's one-page swap stack.
 * At entry: 0(%rsp) = B's re-entry address (a preserve-context jump), or 0
 *   (a one-way jump from a B without CONFIG_KEXEC_JUMP).
 * Does: leaves the local APIC in xAPIC mode (a B that switched it to
 *   x2APIC would leave an A without x2APIC support deaf to its timer);
 *   on a one-way jump, also turns PCI MSI/MSI-X off (B's shutdown leaves
 *   them on, where a freeze would have turned them off).
 * At exit: jumps to A's re-entry address with %rsp as it was at entry, so
 *   A reads B's re-entry address at 0(%rsp) as if B had called A itself.
 */
	.section .text.entry, "ax"
	.globl	_start
	.code64
_start:
	testq	$1, params_flags(%rip)
	jz	1f
	subq	$8, %rsp			/* C calling convention alignment */
	call	pci_msi_off
	addq	$8, %rsp
1:
	movl	$0x1b, %ecx			/* MSR_IA32_APICBASE */
	rdmsr
	testl	$(1 << 10), %eax		/* EXTD: x2APIC on */
	jz	2f
	andl	$~((1 << 10) | (1 << 11)), %eax
	wrmsr
	orl	$(1 << 11), %eax
	wrmsr
2:
	movq	params_entry(%rip), %rax
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	jmp	*%rax

	.data
	.balign	8
	.globl	kj_jumpback_params
kj_jumpback_params:
	.quad	0x314b43424a4b		/* KJ_JUMPBACK_MAGIC "KJBCK1" */
params_entry:
	.quad	0			/* A's re-entry address */
params_flags:
	.quad	0			/* bit 0: one-way jump */

	.section .note.GNU-stack, "", @progbits
