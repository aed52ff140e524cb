# snapshot-incremental: one B saves A three times to the same /dev/vdb,
# with fixed places (lib/chunk_places.h): a snapshot that writes every
# chunk, a second snapshot after A changed some memory that keeps the
# chunks that did not change, then (after A damaged one chunk on the
# target behind B's back) a hibernation that keeps what it can and writes
# the damaged chunk again. The test kernel resumes the hibernation from
# /dev/vdb, and A checks its pattern, its files and its counter: the kept
# chunks hold the right pages.
run() {
	local k kept2 kept3 total2
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	rm -f "$OUT/vda.img" "$OUT/vdb.img"
	truncate -s 8M "$OUT/vda.img"
	# 576 MiB: at 512, A (its root in RAM, kjump 7.5 MB in it since
	# kjump links libcrypto) left C 1 MiB short of the default
	# --resume-reserve in one run of three, and the hibernation was
	# refused (rightly)
	truncate -s 800M "$OUT/vdb.img"	# room for the places of 576 MiB of RAM
	local disks=(--disk "$OUT/vda.img" --disk "$OUT/vdb.img")
	vm_initramfs "$OUT/a.gz" "$KJ_TOP/tests/vm/guest/snapshot-incremental-a.sh" "$k:/b/bzImage"
	vm_run "$OUT/run1-A.log" "$k" "$OUT/a.gz" --mem 576M --smp 2 --timeout 600 "${disks[@]}"
	grep -aq "image complete and verified; powering off" "$OUT/run1-A.log" ||
		{ echo "$(verdict "$OUT/run1-A.log") (A did not hibernate)"; return 1; }
	# B's console: what each of its three saves kept
	tr -d '\r' <"$OUT/run1-A.log" |
		sed -n 's/.*fixed places: \([0-9]*\) of \([0-9]*\) chunks unchanged.*/\1 \2/p' >"$OUT/kept.txt"
	[ "$(wc -l <"$OUT/kept.txt")" = 3 ] ||
		{ echo "FAIL: B did not report fixed places for its three saves: $(cat "$OUT/kept.txt")"; return 1; }
	grep -aq "nothing kept: no earlier save of this B to this target" "$OUT/run1-A.log" ||
		{ echo "FAIL: B's first save did not say it had nothing to keep"; return 1; }
	read -r kept2 total2 < <(sed -n 2p "$OUT/kept.txt")
	read -r kept3 _ < <(sed -n 3p "$OUT/kept.txt")
	[ "$(sed -n 1p "$OUT/kept.txt" | cut -d' ' -f1)" = 0 ] ||
		{ echo "FAIL: the first save kept chunks: $(sed -n 1p "$OUT/kept.txt")"; return 1; }
	[ "$kept2" -gt 0 ] && [ "$kept2" -lt "$total2" ] ||
		{ echo "FAIL: the second snapshot kept $kept2 of $total2 chunks (some, not all, expected)"; return 1; }
	[ "$kept3" -gt 0 ] ||
		{ echo "FAIL: the hibernation kept no chunk of the snapshot before it"; return 1; }
	vm_initramfs "$OUT/c.gz" "$KJ_TOP/tests/vm/guest/resume-c.sh"
	vm_run "$OUT/run2-C.log" "$k" "$OUT/c.gz" --mem 576M --smp 2 --timeout 600 "${disks[@]}"
	verdict "$OUT/run2-C.log"
	local rc=$?
	echo "kept: $(tr '\n' ' ' <"$OUT/kept.txt")" >"$OUT/summary.txt"
	[ $rc = 0 ] && rm -f "$OUT/vdb.img"
	return $rc
}
