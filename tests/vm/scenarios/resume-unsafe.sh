# resume-unsafe: images kjump resume must refuse before any jump, because
# after it nothing could be checked any more: A hibernates a small image;
# C, tampering with it through tests/vm/tools/imgforge (which fixes up
# every checksum the reader checks), shows that each is refused with its
# reason, nothing loaded and the image unchanged: the image marked a
# snapshot (without --snapshot), a chunk with a right XXH64 but bad zstd
# content, one that decompresses to a page fewer, an extent moved to the
# local APIC; and a resume interrupted by SIGTERM once loaded unloads.
# Then C resumes the untampered image, and A checks it is intact.
run() {
	local k
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	[ -x "$KJ_BUILD/tests/imgforge" ] || { echo "FAIL: $KJ_BUILD/tests/imgforge is not built (make test-tools)"; return 1; }
	vm_fresh_disks 600M
	local disks=(--disk "$OUT/vda.img" --disk "$OUT/vdb.img")
	vm_initramfs "$OUT/a.gz" "$KJ_TOP/tests/vm/guest/resume-unsafe-a.sh" "$k:/b/bzImage"
	vm_initramfs "$OUT/c.gz" "$KJ_TOP/tests/vm/guest/resume-unsafe-c.sh" \
		"$KJ_BUILD/tests/imgforge:/bin/imgforge"
	vm_run "$OUT/run1-A.log" "$k" "$OUT/a.gz" --mem 512M --smp 2 --timeout 600 "${disks[@]}"
	if ! grep -aq "image complete and verified; powering off" "$OUT/run1-A.log"; then
		echo "FAIL: A did not hibernate: $(verdict "$OUT/run1-A.log")"
		return 1
	fi
	vm_run "$OUT/run2-C.log" "$k" "$OUT/c.gz" --mem 512M --smp 2 --timeout 600 "${disks[@]}"
	verdict "$OUT/run2-C.log"
	local rc=$?
	[ $rc = 0 ] && rm -f "$OUT/vdb.img"
	return $rc
}
