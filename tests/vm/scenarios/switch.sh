# switch: A loads B (the same test kernel, with its own initramfs), then
# switches A->B->A three times. A and B each run a counter; A holds a
# random marker in pinned memory that B must find through /proc/vmcore.
run() {
	local k
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	vm_initramfs "$OUT/b.gz" "$KJ_TOP/tests/vm/guest/switch-b.sh"
	vm_initramfs "$OUT/a.gz" "$KJ_TOP/tests/vm/guest/switch-a.sh" \
		"$k:/b/bzImage" "$OUT/b.gz:/b/initrd.gz"
	vm_run "$OUT/console.log" "$k" "$OUT/a.gz" --mem 1G --smp 2 --timeout 600
	verdict "$OUT/console.log"
}
