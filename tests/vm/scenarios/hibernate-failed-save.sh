# hibernate-failed-save: B cannot write the target (B is Debian's stock
# kernel, whose virtio_blk is a module B does not have, so B never sees
# /dev/vdb). B must jump back instead of powering off, and A must report
# the failure, continue unchanged, and drop B.
run() {
	local k s
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	s=$(vm_kernel_stock) || { echo "FAIL: could not fetch Debian's stock kernel"; return 1; }
	vm_fresh_disks
	vm_initramfs "$OUT/a.gz" "$KJ_TOP/tests/vm/guest/hibernate-failed-save.sh" \
		"$s/vmlinuz:/b/stock-vmlinuz"
	vm_run "$OUT/console.log" "$k" "$OUT/a.gz" --mem 1G --smp 2 --timeout 600 \
		--disk "$OUT/vda.img" --disk "$OUT/vdb.img"
	rm -f "$OUT/vdb.img"
	verdict "$OUT/console.log"
}
