# SPDX-License-Identifier: GPL-2.0-or-later
# sealed-snapshot: one A (tests/vm/guest/sealed-snapshot-a.sh) takes an
# unsealed snapshot, one sealed with a key file and one sealed with a
# passphrase typed on its console, and checks info, verify and export on
# them, each with no key, a wrong key and the right one. The host types
# on the console (a confirmation that differs, then the passphrase twice;
# for verify, a wrong passphrase, then the right one), then checks that
# neither sealed target holds A's secret while the unsealed one does (so
# that the check can fail), that no passphrase was echoed, and that
# Debian's vmcore-dmesg reads A's marker line in a core the host exports
# from the key-file image.

# type_after LOG FIFO N PROMPT TEXT: once LOG shows PROMPT for the N-th
# time, type TEXT (and Enter) on the guest's console.
type_after() {
	for _ in $(seq 2400); do
		if [ "$(grep -a -o -F "$4" "$1" 2>/dev/null | wc -l)" -ge "$3" ]; then
			printf '%s\n' "$5" > "$2"
			return 0
		fi
		sleep 0.5
	done
	echo "type_after: no prompt '$4' (#$3) in $1" >&2
	return 1
}

run() {
	local k pass wrong other secret marker n d feeder seal="Passphrase to seal the image with: "
	local again="Again, to be sure: " open="Passphrase for the kjump image "
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	pass="sealed snapshot $(od -An -tx4 -N8 /dev/urandom | tr -d ' ')"
	wrong="not the passphrase $(od -An -tx4 -N4 /dev/urandom | tr -d ' ')"
	other="a different confirmation $(od -An -tx4 -N4 /dev/urandom | tr -d ' ')"
	secret="KJSECRET-$(od -An -tx8 -N16 /dev/urandom | tr -d ' ')"
	printf '%s\n' "$pass" > "$OUT/pass"
	printf '%s' "$secret" > "$OUT/secret"
	head -c 64 /dev/urandom > "$OUT/key"
	head -c 64 /dev/urandom > "$OUT/wrong.key"
	vm_fresh_disks
	rm -f "$OUT/vdc.img" "$OUT/vdd.img"
	truncate -s 1400M "$OUT/vdc.img"
	truncate -s 1400M "$OUT/vdd.img"
	vm_initramfs "$OUT/a.gz" "$KJ_TOP/tests/vm/guest/sealed-snapshot-a.sh" "$k:/b/bzImage" \
		"$OUT/pass:/etc/kjump-test-pass" "$OUT/secret:/etc/kjump-test-secret" \
		"$OUT/key:/etc/kjump-test.key" "$OUT/wrong.key:/etc/kjump-test-wrong.key"
	( type_after "$OUT/console.log" "$OUT/console.in" 1 "$seal" "$pass" &&
	  type_after "$OUT/console.log" "$OUT/console.in" 1 "$again" "$other" &&
	  type_after "$OUT/console.log" "$OUT/console.in" 2 "$seal" "$pass" &&
	  type_after "$OUT/console.log" "$OUT/console.in" 2 "$again" "$pass" &&
	  type_after "$OUT/console.log" "$OUT/console.in" 1 "$open" "$wrong" &&
	  type_after "$OUT/console.log" "$OUT/console.in" 2 "$open" "$pass" ) &
	feeder=$!
	vm_run "$OUT/console.log" "$k" "$OUT/a.gz" --mem 1G --smp 2 --timeout 1300 \
		--disk "$OUT/vda.img" --disk "$OUT/vdb.img" --disk "$OUT/vdc.img" \
		--disk "$OUT/vdd.img" --serial-input "$OUT/console"
	kill "$feeder" 2>/dev/null
	wait "$feeder" 2>/dev/null
	verdict "$OUT/console.log" >/dev/null || { verdict "$OUT/console.log"; return 1; }
	if grep -a -q -F -e "$pass" -e "$wrong" -e "$other" "$OUT/console.log"; then
		echo "FAIL: a passphrase was echoed on the console"; return 1
	fi

	# what is at rest: the secret in neither sealed image, in the plain
	# one; neither sealed image holds the passphrase (A held it too)
	n=$(grep -a -c -F "$secret" "$OUT/vdc.img")
	[ "$n" -gt 0 ] || { echo "FAIL: the unsealed snapshot does not hold A's secret: the check proves nothing"; return 1; }
	for d in vdb vdd; do
		[ "$(grep -a -c -F "$secret" "$OUT/$d.img")" = 0 ] ||
			{ echo "FAIL: the sealed image on $d holds A's secret in clear"; return 1; }
		[ "$(grep -a -c -F "$pass" "$OUT/$d.img")" = 0 ] ||
			{ echo "FAIL: the sealed image on $d holds the passphrase in clear"; return 1; }
	done
	echo "sealed images: 0 lines with A's secret; unsealed snapshot: $n" >"$OUT/secret-check.txt"

	# the key-file image, exported here, read by a tool nobody here wrote
	# (as in snapshot: the copy of the marker seen most often on the console)
	marker=$(grep -ao 'kjump-sealed-snapshot-marker-[0-9]\+-[0-9a-f-]\{36\}' "$OUT/console.log" |
		sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }')
	[ -n "$marker" ] || { echo "FAIL: the guest printed no marker"; return 1; }
	rm -f "$OUT/core.elf"
	"$KJ_BUILD/bin/kjump" export --elf --key-file "$OUT/key" "$OUT/vdb.img" -o "$OUT/core.elf" \
		>"$OUT/export.log" 2>&1 || { echo "FAIL: export on the host: $(tail -n1 "$OUT/export.log")"; return 1; }
	vmcore-dmesg "$OUT/core.elf" >"$OUT/dmesg.txt" 2>&1 ||
		{ echo "FAIL: vmcore-dmesg failed on the exported sealed core: $(tail -n1 "$OUT/dmesg.txt")"; return 1; }
	grep -q -F "$marker" "$OUT/dmesg.txt" ||
		{ echo "FAIL: vmcore-dmesg does not show A's marker line in the sealed image's core"; return 1; }
	rm -f "$OUT/core.elf" "$OUT/vdb.img" "$OUT/vdc.img" "$OUT/vdd.img"
	echo PASS
}
