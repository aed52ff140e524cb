# sealed-hibernate: A hibernates with --seal (a passphrase); C, Debian's
# stock kernel, refuses a wrong passphrase typed on its console and runs
# on, then resumes A with the right one. The host checks that the target
# holds none of a secret A had in memory, and that the unsealed snapshot
# A took before does (so the check can fail), and that neither
# passphrase was echoed on the console.

# feed LOG FIFO N TEXT: once LOG shows the N-th passphrase prompt, type
# TEXT (and Enter) on the guest's console.
feed() {
	local i
	for i in $(seq 1800); do
		if [ "$(grep -a -c 'Passphrase for the kjump image' "$1" 2>/dev/null)" -ge "$3" ]; then
			printf '%s\n' "$4" > "$2"
			return 0
		fi
		sleep 0.5
	done
	return 1
}

run() {
	local s k pass wrong secret n rc feeder
	s=$(vm_kernel_stock) || { echo "FAIL: could not fetch Debian's stock kernel"; return 1; }
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	pass="sealed test $(od -An -tx4 -N8 /dev/urandom | tr -d ' ')"
	wrong="not the passphrase $(od -An -tx4 -N4 /dev/urandom | tr -d ' ')"
	secret="KJSECRET-$(od -An -tx8 -N16 /dev/urandom | tr -d ' ')"
	printf '%s\n' "$pass" > "$OUT/pass"
	printf '%s' "$secret" > "$OUT/secret"
	vm_fresh_disks
	rm -f "$OUT/vdc.img"
	truncate -s 1400M "$OUT/vdc.img"
	vm_initramfs "$OUT/a.gz" "$KJ_TOP/tests/vm/guest/sealed-hibernate-a.sh" "$k:/b/bzImage" \
		"$OUT/pass:/etc/kjump-test-pass" "$OUT/secret:/etc/kjump-test-secret"
	vm_run "$OUT/run1-A.log" "$k" "$OUT/a.gz" --mem 1G --smp 2 --timeout 900 \
		--disk "$OUT/vda.img" --disk "$OUT/vdb.img" --disk "$OUT/vdc.img"
	if ! grep -aq "image complete and verified; powering off" "$OUT/run1-A.log"; then
		verdict "$OUT/run1-A.log" >/dev/null && { echo "FAIL: A did not hibernate"; return 1; }
		echo "$(verdict "$OUT/run1-A.log") (before the power-off)"
		return 1
	fi
	[ "$VM_RC" = 0 ] || { echo "FAIL: the first QEMU did not power off (status $VM_RC)"; return 1; }

	# what is at rest: none of the secret in the sealed image, some in the
	# plain one; none of the passphrase, which A also held
	n=$(grep -a -c -F "$secret" "$OUT/vdb.img")
	[ "$n" = 0 ] || { echo "FAIL: the sealed image holds A's secret in clear ($n lines)"; return 1; }
	n=$(grep -a -c -F "$secret" "$OUT/vdc.img")
	[ "$n" -gt 0 ] || { echo "FAIL: the unsealed snapshot does not hold A's secret: the check proves nothing"; return 1; }
	[ "$(grep -a -c -F "$pass" "$OUT/vdb.img")" = 0 ] || { echo "FAIL: the sealed image holds the passphrase"; return 1; }
	echo "sealed image: 0 lines with A's secret; unsealed snapshot: $n" >"$OUT/secret-check.txt"

	vm_stock_resume_initramfs "$s" "$OUT/c0.gz" || return 1
	vm_initramfs "$OUT/c.gz" "$KJ_TOP/tests/vm/guest/sealed-hibernate-c.sh" \
		"$OUT/virtio_blk.ko:/lib/modules/virtio_blk.ko"
	( feed "$OUT/run2-C.log" "$OUT/console.in" 1 "$wrong" &&
	  feed "$OUT/run2-C.log" "$OUT/console.in" 2 "$pass" ) &
	feeder=$!
	vm_run "$OUT/run2-C.log" "$s/vmlinuz" "$OUT/c.gz" --mem 1G --smp 2 --timeout 900 \
		--disk "$OUT/vda.img" --disk "$OUT/vdb.img" --serial-input "$OUT/console"
	kill "$feeder" 2>/dev/null
	wait "$feeder" 2>/dev/null
	verdict "$OUT/run2-C.log"
	rc=$?
	if [ $rc = 0 ]; then
		if ! grep -aq "a wrong passphrase was refused; C still running" "$OUT/run2-C.log"; then
			echo "FAIL: C did not refuse the wrong passphrase first"; rc=1
		elif ! grep -aq "image marked resuming" "$OUT/run2-C.log"; then
			echo "FAIL: C's resume did not say it marked the image RESUMING before the jump"; rc=1
		elif grep -a -q -F -e "$pass" -e "$wrong" "$OUT/run2-C.log"; then
			echo "FAIL: a passphrase was echoed on the console"; rc=1
		fi
	fi
	[ $rc = 0 ] && rm -f "$OUT/vdb.img" "$OUT/vdc.img"
	return $rc
}
