# hibernate-no-fit: the image B writes would not fit beside the resume
# kernel's memory (--resume-reserve larger than what A leaves free), so B
# must not power off: it marks the image failed with the numbers, jumps
# back, and A prints B's reason, exits 1 and continues. Then a complete
# image whose power-off fails (a test switch on B's command line): B marks
# it failed before it goes back, A says why and continues.
run() {
	local k
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	vm_fresh_disks
	vm_initramfs "$OUT/a.gz" "$KJ_TOP/tests/vm/guest/hibernate-no-fit.sh" "$k:/b/bzImage"
	vm_run "$OUT/console.log" "$k" "$OUT/a.gz" --mem 1G --smp 2 --timeout 600 \
		--disk "$OUT/vda.img" --disk "$OUT/vdb.img"
	rm -f "$OUT/vdb.img"
	if ! grep -aq "A: B refused to power off" "$OUT/console.log"; then
		verdict "$OUT/console.log" >/dev/null ||
			{ echo "$(verdict "$OUT/console.log") (B powered off with an image that does not fit?)"; return 1; }
	fi
	verdict "$OUT/console.log"
}
