# uefi: A (the test kernel, with B beside it) and C (Debian's stock kernel)
# both boot through UEFI firmware, Debian's OVMF on a q35 machine: A
# hibernates, C resumes it, A checks itself (tests/vm/guest/hibernate-a.sh).
run() {
	local s log
	s=$(vm_kernel_stock) || { echo "FAIL: could not fetch Debian's stock kernel"; return 1; }
	vm_stock_resume_initramfs "$s" "$OUT/c.gz" || return 1
	hibernate_then_resume "$s/vmlinuz" "$OUT/c.gz" --uefi || return 1
	# both kernels really started from the firmware, not QEMU's loader
	for log in "$OUT/run1-A.log" "$OUT/run2-C.log"; do
		grep -aq "efi: EFI v" "$log" ||
			{ echo "FAIL: ${log##*/}: the kernel did not boot through UEFI"; return 1; }
	done
	echo PASS
}
