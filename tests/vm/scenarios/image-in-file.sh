# image-in-file: no spare partition. A keeps its image in a file on an
# ext4 filesystem it has mounted read-write (/dev/vdb): refusals first, a
# snapshot and a hibernation into the file by one B; the test kernel
# refuses a wrong offset, then resumes it from its initramfs through
# kjump's early-resume script (kjump.resume=/dev/vdb kjump.resume_offset=N);
# then the host's e2fsck -fn finds the filesystem clean and debugfs finds
# the file pinned (immutable) with every block written.
run() {
	local k offset fsck flags
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	rm -f "$OUT/vda.img" "$OUT/vdb.img"
	truncate -s 8M "$OUT/vda.img"
	mke2fs -q -F -t ext4 -L kjdata "$OUT/vdb.img" 1800M ||
		{ echo "FAIL: mke2fs could not make the filesystem"; return 1; }
	vm_initramfs "$OUT/a.gz" "$KJ_TOP/tests/vm/guest/image-in-file-a.sh" "$k:/b/bzImage"
	vm_run "$OUT/run1-A.log" "$k" "$OUT/a.gz" --mem 1G --smp 2 --timeout 900 \
		--disk "$OUT/vda.img" --disk "$OUT/vdb.img"
	if ! grep -aq "image complete and verified; powering off" "$OUT/run1-A.log"; then
		echo "$(verdict "$OUT/run1-A.log") (before the power-off)"
		return 1
	fi
	offset=$(grep -a "KJTEST NOTE A: image file offset:" "$OUT/run1-A.log" | tail -n 1 |
		tr -d '\r' | sed 's/.*offset: *//')
	case $offset in ''|*[!0-9]*) echo "FAIL: A printed no image file offset"; return 1 ;; esac
	# the filesystem stays as A left it (mounted, in A's view) until C is done
	vm_initramfs "$OUT/c.gz" "$KJ_TOP/tests/vm/guest/image-in-file-c.sh" \
		"$KJ_TOP/initramfs/early-resume:/early-resume"
	vm_run "$OUT/run2-C.log" "$k" "$OUT/c.gz" --mem 1G --smp 2 --timeout 600 \
		--disk "$OUT/vda.img" --disk "$OUT/vdb.img" \
		--append "kjump.resume=/dev/vdb kjump.resume_offset=$offset"
	verdict "$OUT/run2-C.log" >/dev/null || { verdict "$OUT/run2-C.log"; return 1; }
	fsck=$(e2fsck -fn "$OUT/vdb.img" 2>&1) ||
		{ echo "FAIL: e2fsck -fn after the resume: $(echo "$fsck" | tail -n 3 | tr '\n' ' ')"; return 1; }
	flags=$(debugfs -R "stat /kjump/image" "$OUT/vdb.img" 2>/dev/null | sed -n 's/.*Flags: \(0x[0-9a-f]*\).*/\1/p')
	[ -n "$flags" ] && [ $((flags & 0x10)) != 0 ] ||
		{ echo "FAIL: the image file is not immutable on the disk (flags '$flags')"; return 1; }
	debugfs -R "stat /kjump/image" "$OUT/vdb.img" 2>/dev/null | grep -q "Uninit" &&
		{ echo "FAIL: the image file has unwritten extents"; return 1; }
	rm -f "$OUT/vdb.img"
	echo PASS
}
