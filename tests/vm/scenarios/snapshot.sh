# snapshot: three snapshots of a running system to a spare virtio disk;
# each verifies, the system keeps running, and the last one exported as an
# ELF core is read by Debian's vmcore-dmesg (A's marker line) and holds
# A's 256 MiB pattern at the physical addresses A recorded.
run() {
	local k marker
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	vm_fresh_disks
	vm_initramfs "$OUT/initrd.gz" "$KJ_TOP/tests/vm/guest/snapshot.sh" "$k:/b/bzImage"
	vm_run "$OUT/console.log" "$k" "$OUT/initrd.gz" --mem 1G --smp 2 --timeout 900 \
		--disk "$OUT/vda.img" --disk "$OUT/vdb.img"
	verdict "$OUT/console.log" >/dev/null || { verdict "$OUT/console.log"; return 1; }

	# On the host: export, then tools nobody here wrote read the core.
	"$KJ_BUILD/bin/kjump" export --elf "$OUT/vdb.img" -o "$OUT/core.elf" \
		>"$OUT/export.log" 2>&1 || { echo "FAIL: export: $(tail -n1 "$OUT/export.log")"; return 1; }
	# the marker: the console holds it twice, in the guest's note and in
	# the kernel's echo of the kmsg line, and either may have had another
	# line land inside it (seen on 7.3): the copy seen most often
	marker=$(grep -ao 'kjump-snapshot-marker-[0-9]\+-[0-9]\+' "$OUT/console.log" |
		sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }')
	[ -n "$marker" ] || { echo "FAIL: the guest printed no marker"; return 1; }
	vmcore-dmesg "$OUT/core.elf" >"$OUT/dmesg.txt" 2>&1 ||
		{ echo "FAIL: vmcore-dmesg failed on the exported core: $(tail -n1 "$OUT/dmesg.txt")"; return 1; }
	grep -q "$marker" "$OUT/dmesg.txt" ||
		{ echo "FAIL: vmcore-dmesg does not show A's marker line"; return 1; }
	tr -d '\000' <"$OUT/vda.img" >"$OUT/pattern.list"
	"$KJ_BUILD/tests/patcheck" "$OUT/core.elf" "$OUT/pattern.list" >"$OUT/patcheck.log" 2>&1 ||
		{ echo "FAIL: $(tail -n1 "$OUT/patcheck.log")"; return 1; }
	rm -f "$OUT/core.elf" "$OUT/vdb.img"
	echo PASS
}
