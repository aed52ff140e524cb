# call: physical-mode calls on the test kernel (CONFIG_KEXEC_JUMP=y), in a
# 2-vCPU guest with a process counting in the background.
run() {
	local k
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	vm_initramfs "$OUT/initrd.gz" "$KJ_TOP/tests/vm/guest/call.sh"
	vm_run "$OUT/console.log" "$k" "$OUT/initrd.gz" --mem 512M --smp 2 --timeout 400
	verdict "$OUT/console.log"
}
