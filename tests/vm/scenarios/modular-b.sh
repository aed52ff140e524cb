# modular-b: A runs a test kernel whose disk driver, virtio_blk, is a
# compressed module (kernel/kjump-modular.config); kjump snapshot and
# kjump hibernate with no option about drivers must give B that module
# (src/b_modules.c) for B to find its target at all. The plain test
# kernel resumes the hibernation.
# kjump-test-kernel: 6.12 modular
run() {
	local k km mods
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	km=$("$KJ_TOP/kernel/build.sh" 6.12 modular) || { echo "FAIL: the modular test kernel did not build"; return 1; }
	mods=$(dirname "$km")/modules/lib/modules
	[ -d "$mods" ] || { echo "FAIL: the modular kernel has no installed modules ($mods)"; return 1; }
	rm -f "$OUT/vda.img" "$OUT/vdb.img" "$OUT/vdc.img"
	truncate -s 8M "$OUT/vda.img"
	truncate -s 1400M "$OUT/vdb.img" "$OUT/vdc.img"
	local disks=(--disk "$OUT/vda.img" --disk "$OUT/vdb.img" --disk "$OUT/vdc.img")
	vm_initramfs "$OUT/a.gz" "$KJ_TOP/tests/vm/guest/modular-b-a.sh" "$km:/b/bzImage" \
		"$mods:/lib/modules"
	vm_run "$OUT/run1-A.log" "$km" "$OUT/a.gz" --mem 1G --smp 2 --timeout 600 "${disks[@]}"
	grep -aq "image complete and verified; powering off" "$OUT/run1-A.log" ||
		{ echo "$(verdict "$OUT/run1-A.log") (A did not hibernate)"; return 1; }
	vm_initramfs "$OUT/c.gz" "$KJ_TOP/tests/vm/guest/resume-c.sh"
	vm_run "$OUT/run2-C.log" "$k" "$OUT/c.gz" --mem 1G --smp 2 --timeout 600 "${disks[@]}" \
		--append "kjt.target=/dev/vdc"
	verdict "$OUT/run2-C.log"
	local rc=$?
	[ $rc = 0 ] && rm -f "$OUT/vdb.img" "$OUT/vdc.img"
	return $rc
}
