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
	subq	$8, %rsp			/* C calling convention alignment */
	testq	$1, params_flags(%rip)
	jz	1f
	call	pci_msi_off
1:
	call	apic_to_xapic			/* payload/lib/handover.c */
	addq	$8, %rsp
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
