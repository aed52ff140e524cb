# switch-refused: every refusal of load/switch/back, each with its message,
# nothing loaded afterwards, and A still running.
run() {
	local k
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	vm_initramfs "$OUT/b.gz" "$KJ_TOP/tests/vm/guest/switch-b.sh"
	vm_initramfs "$OUT/a.gz" "$KJ_TOP/tests/vm/guest/switch-refused.sh" \
		"$k:/b/bzImage" "$OUT/b.gz:/b/initrd.gz"
	vm_run "$OUT/console.log" "$k" "$OUT/a.gz" --mem 1G --smp 2 --timeout 300
	verdict "$OUT/console.log"
}
