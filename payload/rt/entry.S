/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entry and exit of every `kjump call` program.
 *
 * Runs when: the kernel's relocate_kernel has swapped the program's pages
 * into place and executed `call *entry` (see include/kjump/payload.h).
 * At entry:  0(%rsp) = the kernel's re-entry address, on a one-page stack
 *            that belongs to the kernel; interrupts off; no valid IDT.
 * At exit:   `ret` to the kernel with %rsp pointing into our own exit
 *            frame, so that after the `ret` 0(%rsp) holds _start: the
 *            kernel takes that as the entry for the next call (--repeat).
 *            Building the frame in our own image, rather than writing
 *            past the kernel's stack page, keeps the program from storing
 *            8 bytes into a page of the running system it does not own.
 */
	.section .text.entry, "ax"
	.globl	_start
_start:
	popq	%rax			/* the kernel's re-entry address */
	movq	%rax, exit_frame(%rip)
	leaq	_start(%rip), %rax
	movq	%rax, exit_frame+8(%rip)
	leaq	stack_top(%rip), %rsp	/* our own stack from here on */
	cld
	call	kjump_rt_main
	leaq	exit_frame(%rip), %rsp
	ret

	.data
	.balign	16
exit_frame:
	.quad	0, 0

	.bss
	.balign	16
	.space	16384
stack_top:

	.section .note.GNU-stack, "", @progbits
