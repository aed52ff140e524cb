# call-refused: Debian's stock cloud kernel has no CONFIG_KEXEC_JUMP; a
# preserve-context jump there would never come back. kjump must refuse,
# with the reason, and leave the guest running.
run() {
	local s
	s=$(vm_kernel_stock) || { echo "FAIL: could not fetch Debian's stock kernel"; return 1; }
	local rel; rel=$(cat "$s/release")
	vm_initramfs "$OUT/initrd.gz" "$KJ_TOP/tests/vm/guest/call-refused.sh" \
		"$s/config:/boot/config-$rel"
	vm_run "$OUT/console.log" "$s/vmlinuz" "$OUT/initrd.gz" --mem 512M --smp 2 --timeout 300
	verdict "$OUT/console.log"
}
