# snapshot-repeat: 15 snapshots in a row of a small guest (512 MiB, B in
# its default 128 MiB). A's data changes between snapshots and is checked
# after each; each image verifies. B must not lose memory to repetition:
# its free memory after the last save (its console line "B: free memory
# after save N: X MiB") is no more than 2 MiB below that after the first
# saves (the highest of saves 1-3: right after boot, B's first save now
# and then reads ~6 MiB lower, 94 then 100 100 ...; a leak shows as a
# trend, as before the fix: 95 74 64 58 50 ... and a panic). Then a
# B in the least region it boots in refuses a save ("not saving: ...")
# and A continues.
# KJ_SNAPS, KJ_MIB, KJ_MEM, KJ_BUSY change the count, A's pattern size,
# the guest's memory and whether A churns memory between checks (tests/soak).
run() {
	local k snaps=${KJ_SNAPS:-15} mib=${KJ_MIB:-32} mem=${KJ_MEM:-512M} first last n
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	truncate -s 1M "$OUT/vda.img"	# /dev/vda: a spare disk, so that the target is vdb
	truncate -s $(( ${mem%M} + 128 ))M "$OUT/vdb.img"	# the worst case: all of A's RAM
	vm_initramfs "$OUT/initrd.gz" "$KJ_TOP/tests/vm/guest/snapshot-repeat.sh" "$k:/b/bzImage"
	vm_run "$OUT/console.log" "$k" "$OUT/initrd.gz" --mem "$mem" --smp 2 \
		--timeout $((300 + snaps * 40)) --disk "$OUT/vda.img" --disk "$OUT/vdb.img" \
		--append "kjtest_snaps=$snaps kjtest_mib=$mib kjtest_busy=${KJ_BUSY:-0}"
	rm -f "$OUT/vdb.img"
	verdict "$OUT/console.log" >/dev/null || { verdict "$OUT/console.log"; return 1; }
	tr -d '\r' <"$OUT/console.log" |
		sed -n 's/.*B: free memory after save \([0-9]*\): \([0-9]*\) MiB.*/\1 \2/p' >"$OUT/free.txt"
	n=$(wc -l <"$OUT/free.txt")
	grep -aq 'not saving: ' "$OUT/console.log" ||
		{ echo "FAIL: B in the least region did not refuse the save with its reason"; return 1; }
	n=$((n - 1))	# the refused save reports too
	[ "$n" = "$snaps" ] || { echo "FAIL: B reported its free memory after $n saves, not $snaps"; return 1; }
	first=$(awk 'NR <= 3 && $2 > m { m = $2 } END { print m }' "$OUT/free.txt")
	last=$(awk -v n="$snaps" 'NR == n { print $2 }' "$OUT/free.txt")
	[ $((first - last)) -le 2 ] ||
		{ echo "FAIL: B's free memory went from $first MiB after the first saves to $last MiB after save $snaps ($(awk -v n="$snaps" 'NR <= n { printf "%s ", $2 }' "$OUT/free.txt")MiB)"; return 1; }
	echo PASS
}
