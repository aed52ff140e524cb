# resume-refused: images kjump resume must refuse, each with its reason,
# while C keeps running: an image from a guest with another memory size,
# one whose compressed data cannot fit in the memory the saved system does
# not need, and one with a corrupted chunk. (A consumed image is refused in
# the hibernate-resume scenarios, by the resumed A itself.)
run() {
	local k
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	truncate -s 8M "$OUT/vda.img"
	rm -f "$OUT/vdb.img"
	truncate -s 1400M "$OUT/vdb.img"
	vm_initramfs "$OUT/a.gz" "$KJ_TOP/tests/vm/guest/resume-refused-a.sh" "$k:/b/bzImage"
	vm_initramfs "$OUT/c.gz" "$KJ_TOP/tests/vm/guest/resume-refused-c.sh"
	vm_run "$OUT/run1-A.log" "$k" "$OUT/a.gz" --mem 1G --smp 2 --timeout 600 \
		--disk "$OUT/vda.img" --disk "$OUT/vdb.img"
	grep -aq "image complete and verified; powering off" "$OUT/run1-A.log" ||
		{ echo "FAIL: A did not hibernate: $(verdict "$OUT/run1-A.log")"; return 1; }
	# C with less memory than A had
	vm_run "$OUT/run2-C-768M.log" "$k" "$OUT/c.gz" --mem 768M --smp 2 --timeout 300 \
		--disk "$OUT/vda.img" --disk "$OUT/vdb.img" --append "kjt.expect=memsize"
	verdict "$OUT/run2-C-768M.log" >/dev/null || { verdict "$OUT/run2-C-768M.log"; return 1; }
	# C with the same memory: the data does not fit; then a damaged chunk
	vm_run "$OUT/run3-C.log" "$k" "$OUT/c.gz" --mem 1G --smp 2 --timeout 300 \
		--disk "$OUT/vda.img" --disk "$OUT/vdb.img" --append "kjt.expect=fit"
	verdict "$OUT/run3-C.log"
	local rc=$?
	rm -f "$OUT/vdb.img"
	return $rc
}
