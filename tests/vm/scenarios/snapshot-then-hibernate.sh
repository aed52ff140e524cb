# snapshot-then-hibernate: one booted B serves a snapshot to /dev/vdb and
# then a hibernation to /dev/vdc, with no unload in between (B finds each
# job on its target: lib/b_job_block.h); the test kernel resumes it.
run() {
	local k
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	rm -f "$OUT/vda.img" "$OUT/vdb.img" "$OUT/vdc.img"
	truncate -s 8M "$OUT/vda.img"
	truncate -s 1400M "$OUT/vdb.img" "$OUT/vdc.img"
	local disks=(--disk "$OUT/vda.img" --disk "$OUT/vdb.img" --disk "$OUT/vdc.img")
	vm_initramfs "$OUT/a.gz" "$KJ_TOP/tests/vm/guest/snapshot-then-hibernate-a.sh" "$k:/b/bzImage"
	vm_run "$OUT/run1-A.log" "$k" "$OUT/a.gz" --mem 1G --smp 2 --timeout 600 "${disks[@]}"
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
