# hibernate-resume-stock: A hibernates; C is Debian's stock cloud kernel
# (no CONFIG_KEXEC_JUMP; virtio_blk is a module, taken from the package),
# with memory to spare, so the restore code only copies pages.
run() {
	local s
	s=$(vm_kernel_stock) || { echo "FAIL: could not fetch Debian's stock kernel"; return 1; }
	vm_stock_resume_initramfs "$s" "$OUT/c.gz" || return 1
	local out rc
	out=$(hibernate_then_resume "$s/vmlinuz" "$OUT/c.gz")
	rc=$?
	[ $rc = 0 ] || { echo "$out"; return $rc; }
	# a 1 GiB machine with memory to spare: C stages every page
	# uncompressed, and the restore code decompresses nothing
	# (lib/resume_placement.h, prefer_copies)
	grep -aq "all uncompressed (memory to spare" "$OUT/run2-C.log" ||
		{ echo "FAIL: C did not stage the pages uncompressed: $(grep -a 'holding' "$OUT/run2-C.log")"; return 1; }
	grep -aq "kjump restore: placing [0-9]* pages: [0-9]* in place, 0 chunks to decompress" "$OUT/run2-C.log" ||
		{ echo "FAIL: the restore code had chunks to decompress: $(grep -a 'kjump restore: placing' "$OUT/run2-C.log")"; return 1; }
	echo "$out"
}
