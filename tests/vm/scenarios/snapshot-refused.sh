# snapshot-refused: targets kjump must not write to, and damaged images it
# must recognize: a mounted target, a target with a filesystem, a target
# too small, a corrupted chunk (verify names it), a truncated copy (info
# says incomplete). The system keeps running throughout.
run() {
	local k
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	truncate -s 64M "$OUT/vda.img"		# small: "too small", then ext2
	truncate -s 1400M "$OUT/vdb.img"	# a good target
	vm_initramfs "$OUT/initrd.gz" "$KJ_TOP/tests/vm/guest/snapshot-refused.sh" "$k:/b/bzImage"
	vm_run "$OUT/console.log" "$k" "$OUT/initrd.gz" --mem 1G --smp 2 --timeout 600 \
		--disk "$OUT/vda.img" --disk "$OUT/vdb.img"
	rm -f "$OUT/vdb.img"
	verdict "$OUT/console.log"
}
