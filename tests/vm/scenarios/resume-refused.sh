# resume-refused: images kjump resume must refuse, each with its reason,
# while C keeps running: an image from a guest with another memory size;
# a nearly full system's snapshot while C keeps 450 MiB for itself, so
# that the two do not fit side by side (resumed with --snapshot); one with
# a corrupted chunk (after a dry run that passed). Then, C's memory freed,
# the nearly full snapshot resumes after all, and A checks itself. (A
# consumed image is refused in the hibernate-resume scenarios, by the
# resumed A itself.)
run() {
	local k
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	truncate -s 8M "$OUT/vda.img"
	rm -f "$OUT/vdb.img" "$OUT/vdc.img"
	truncate -s 1400M "$OUT/vdb.img" "$OUT/vdc.img"
	local disks=(--disk "$OUT/vda.img" --disk "$OUT/vdb.img" --disk "$OUT/vdc.img")
	vm_initramfs "$OUT/c.gz" "$KJ_TOP/tests/vm/guest/resume-refused-c.sh"
	# two saved systems: a nearly full one's snapshot (to vdb), a small
	# one's hibernation (to vdc)
	for a in big:vdb:560:snapshot small:vdc:64:hibernate; do
		local name=${a%%:*} rest=${a#*:}
		local disk=${rest%%:*} mib_how=${rest#*:}
		sed "s/@DISK@/$disk/; s/@MIB@/${mib_how%%:*}/; s/@HOW@/${mib_how#*:}/g" \
			"$KJ_TOP/tests/vm/guest/resume-refused-a.sh" >"$OUT/a-$name.sh"
		vm_initramfs "$OUT/a-$name.gz" "$OUT/a-$name.sh" "$k:/b/bzImage"
		vm_run "$OUT/run-A-$name.log" "$k" "$OUT/a-$name.gz" --mem 1G --smp 2 \
			--timeout 600 "${disks[@]}"
		grep -aqE "image complete and verified; powering off|A: snapshot saved; powering off" \
			"$OUT/run-A-$name.log" ||
			{ echo "FAIL: A ($name) did not save itself: $(verdict "$OUT/run-A-$name.log")"; return 1; }
	done
	vm_run "$OUT/run-C-768M.log" "$k" "$OUT/c.gz" --mem 768M --smp 2 --timeout 300 \
		"${disks[@]}" --append "kjt.expect=memsize"
	verdict "$OUT/run-C-768M.log" >/dev/null || { verdict "$OUT/run-C-768M.log"; return 1; }
	vm_run "$OUT/run-C.log" "$k" "$OUT/c.gz" --mem 1G --smp 2 --timeout 300 \
		"${disks[@]}" --append "kjt.expect=fit"
	verdict "$OUT/run-C.log"
	local rc=$?
	rm -f "$OUT/vdb.img" "$OUT/vdc.img"
	return $rc
}
