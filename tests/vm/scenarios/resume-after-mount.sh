# resume-after-mount: the saved system's disks are fingerprinted while it
# is frozen, and resume refuses when one moved on (issue 9, item 4).
# The host makes an ext4 filesystem (label kjdata) on vdc and a swap area
# (label kjswap) on vdd. In each phase A mounts the ext4 read-write,
# writes to it, swapons vdd and hibernates; then:
#  1. C resumes at once: the fingerprints are stable; the resumed A
#     unmounts the filesystem cleanly.
#  2. a normal boot mounts the filesystem, writes a file, unmounts it,
#     swapons and swapoffs vdd; C's kjump resume refuses, naming the
#     filesystem (not the swap area: swapon writes no header), and the
#     image stays complete.
#  3. a normal boot mounts the filesystem read-only (the journal replay
#     writes it): C refuses the same way.
#     And a C without the filesystem's disk refuses: it cannot tell.
# After each phase e2fsck -fn on the host finds the filesystem clean.
run() {
	local k phase
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	command -v mke2fs >/dev/null || PATH=$PATH:/usr/sbin:/sbin
	vm_initramfs "$OUT/a.gz" "$KJ_TOP/tests/vm/guest/resume-after-mount-a.sh" "$k:/b/bzImage"
	vm_initramfs "$OUT/c-ok.gz" "$KJ_TOP/tests/vm/guest/resume-c.sh"
	vm_initramfs "$OUT/boot.gz" "$KJ_TOP/tests/vm/guest/resume-after-mount-boot.sh"
	vm_initramfs "$OUT/c-refuse.gz" "$KJ_TOP/tests/vm/guest/resume-after-mount-c.sh"
	rm -f "$OUT/vdc.img" "$OUT/vdd.img"
	truncate -s 64M "$OUT/vdc.img"
	truncate -s 32M "$OUT/vdd.img"
	mke2fs -q -F -t ext4 -L kjdata "$OUT/vdc.img" ||
		{ echo "FAIL: mke2fs on the host failed"; return 1; }
	mkswap -L kjswap "$OUT/vdd.img" >/dev/null ||
		{ echo "FAIL: mkswap on the host failed"; return 1; }
	for phase in 1 2 3; do
		vm_fresh_disks
		local disks=(--disk "$OUT/vda.img" --disk "$OUT/vdb.img" --disk "$OUT/vdc.img"
			     --disk "$OUT/vdd.img")
		vm_run "$OUT/run$phase-A.log" "$k" "$OUT/a.gz" --mem 1G --smp 2 --timeout 600 \
			"${disks[@]}"
		grep -aq "image complete and verified; powering off" "$OUT/run$phase-A.log" ||
			{ echo "FAIL: phase $phase: A did not hibernate: $(verdict "$OUT/run$phase-A.log")"; return 1; }
		grep -aq "fingerprinted the ext4 filesystem 'kjdata'" "$OUT/run$phase-A.log" &&
		grep -aq "fingerprinted the swap area 'kjswap'" "$OUT/run$phase-A.log" ||
			{ echo "FAIL: phase $phase: B did not fingerprint both disks"; return 1; }
		case $phase in
		1)
			vm_run "$OUT/run1-C.log" "$k" "$OUT/c-ok.gz" --mem 1G --smp 2 --timeout 600 \
				"${disks[@]}"
			verdict "$OUT/run1-C.log" >/dev/null ||
				{ echo "phase 1 (resume, disks untouched): $(verdict "$OUT/run1-C.log")"; return 1; }
			grep -aq "2 disks of the saved system unchanged" "$OUT/run1-C.log" ||
				{ echo "FAIL: phase 1: resume did not check both disks"; return 1; } ;;
		*)
			local how=rw
			[ $phase = 3 ] && how=ro
			vm_run "$OUT/run$phase-boot.log" "$k" "$OUT/boot.gz" --mem 1G --smp 2 \
				--timeout 300 "${disks[@]}" --append "kjt.mount=$how"
			verdict "$OUT/run$phase-boot.log" >/dev/null ||
				{ echo "phase $phase (normal boot, $how): $(verdict "$OUT/run$phase-boot.log")"; return 1; }
			vm_run "$OUT/run$phase-C.log" "$k" "$OUT/c-refuse.gz" --mem 1G --smp 2 \
				--timeout 600 "${disks[@]}"
			verdict "$OUT/run$phase-C.log" >/dev/null ||
				{ echo "phase $phase (resume after a $how mount): $(verdict "$OUT/run$phase-C.log")"; return 1; }
			if [ $phase = 3 ]; then
				vm_run "$OUT/run3-C-missing.log" "$k" "$OUT/c-refuse.gz" --mem 1G \
					--smp 2 --timeout 600 --disk "$OUT/vda.img" --disk "$OUT/vdb.img" \
					--disk "$OUT/vdd.img" --append "kjt.expect=missing"
				verdict "$OUT/run3-C-missing.log" >/dev/null ||
					{ echo "phase 3 (resume without the disk): $(verdict "$OUT/run3-C-missing.log")"; return 1; }
			fi ;;
		esac
		e2fsck -fn "$OUT/vdc.img" >"$OUT/e2fsck$phase.log" 2>&1 ||
			{ echo "FAIL: phase $phase: e2fsck -fn finds the filesystem damaged (see $OUT/e2fsck$phase.log)"; return 1; }
	done
	rm -f "$OUT/vdb.img" "$OUT/vdc.img" "$OUT/vdd.img"
	echo PASS
}
