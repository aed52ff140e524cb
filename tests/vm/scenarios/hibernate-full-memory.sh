# hibernate-full-memory: a 4 GiB guest with 2200 MiB of incompressible
# anonymous memory, some of it above 4 GiB, hibernates and is resumed by
# Debian's stock kernel with every byte checked: its compressed image is
# larger than the memory it leaves free, so kjump resume must put most of
# its pages in place (lib/resume_placement.h); B stores the incompressible
# chunks as they are (lib/stored_frame.h). Then a 1 GiB guest too
# full for any resume kernel beside it: B refuses, A continues.
run() {
	local k s
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	s=$(vm_kernel_stock) || { echo "FAIL: could not fetch Debian's stock kernel"; return 1; }
	vm_stock_resume_initramfs "$s" "$OUT/c.gz" || return 1
	vm_fresh_disks 4300M	# the target must hold all of RAM, incompressible
	vm_initramfs "$OUT/a.gz" "$KJ_TOP/tests/vm/guest/hibernate-full-memory-a.sh" "$k:/b/bzImage"
	vm_run "$OUT/run1-A.log" "$k" "$OUT/a.gz" --mem 4G --smp 2 --timeout 1200 \
		--disk "$OUT/vda.img" --disk "$OUT/vdb.img"
	if ! grep -aq "image complete and verified; powering off" "$OUT/run1-A.log"; then
		echo "$(verdict "$OUT/run1-A.log") (A did not hibernate)"
		return 1
	fi
	# B's numbers: the compressed image must not fit in what A leaves
	# free less the resume kernel's reserve, or this tests nothing new
	local fit free reserve comp
	fit=$(grep -a "resume will fit:" "$OUT/run1-A.log" | tail -n1)
	free=$(echo "$fit" | sed -n 's/.*leaves \([0-9]*\) MiB free.*/\1/p')
	reserve=$(echo "$fit" | sed -n "s/.*resume kernel's \([0-9]*\) MiB.*/\1/p")
	comp=$(echo "$fit" | sed -n 's/.*compressed image is \([0-9]*\) MiB.*/\1/p')
	[ -n "$free" ] && [ -n "$reserve" ] && [ -n "$comp" ] ||
		{ echo "FAIL: B did not report its resume plan: $fit"; return 1; }
	[ "$comp" -gt $((free - reserve)) ] ||
		{ echo "FAIL: the image ($comp MiB compressed) would fit in A's free $free MiB less $reserve MiB: not a full-memory case"; return 1; }
	# incompressible memory is stored as it is, not run through zstd
	# (lib/stored_frame.h): at least 2000 MiB of it in 4 MiB chunks, so
	# C's check and the payload below read such chunks
	local chunks stored
	chunks=$(grep -a "chunks: [0-9]*, [0-9]* of them stored" "$OUT/run1-A.log" | tail -n1)
	stored=$(echo "$chunks" | sed -n 's/.*chunks: [0-9]*, \([0-9]*\) of them stored.*/\1/p')
	[ -n "$stored" ] && [ "$stored" -ge 500 ] ||
		{ echo "FAIL: B stored ${stored:-no} chunks as they are, not 500 or more: ${chunks:-no report}"; return 1; }
	vm_run "$OUT/run2-C.log" "$s/vmlinuz" "$OUT/c.gz" --mem 4G --smp 2 --timeout 1200 \
		--disk "$OUT/vda.img" --disk "$OUT/vdb.img"
	verdict "$OUT/run2-C.log" >/dev/null || { verdict "$OUT/run2-C.log"; return 1; }
	grep -aq "image marked resuming" "$OUT/run2-C.log" ||
		{ echo "FAIL: C did not mark the image RESUMING before the jump"; return 1; }
	# no room to stage every page uncompressed: C kept the plan B
	# checked, compressed chunks where they take fewer pages
	if grep -aq "all uncompressed (memory to spare" "$OUT/run2-C.log"; then
		echo "FAIL: C staged every page uncompressed in a machine this full"
		return 1
	fi
	rm -f "$OUT/vdb.img"

	vm_fresh_disks
	vm_initramfs "$OUT/a2.gz" "$KJ_TOP/tests/vm/guest/hibernate-full-memory-no-fit.sh" \
		"$k:/b/bzImage"
	vm_run "$OUT/run3-A.log" "$k" "$OUT/a2.gz" --mem 1G --smp 2 --timeout 900 \
		--disk "$OUT/vda.img" --disk "$OUT/vdb.img"
	rm -f "$OUT/vdb.img"
	if grep -aq "powering off" "$OUT/run3-A.log"; then
		echo "FAIL: B powered off with an image that cannot fit beside a resume kernel"
		return 1
	fi
	verdict "$OUT/run3-A.log"
}
