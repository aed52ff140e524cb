# SPDX-License-Identifier: GPL-2.0-or-later
# initramfs-tools: early resume from Debian's own initramfs (issue 10,
# item 4). C is Debian's stock cloud kernel with an initramfs made by
# Debian's mkinitramfs, inside a Debian root filesystem where kjump and
# its hook were installed with make install install-initramfs
# (tests/vm/initramfs-root); that tree is the ext4 root disk, vdc.
#  1. A (test kernel) hibernates to vdb.
#  2. C boots with root=/dev/vdc kjump.resume=/dev/vdb: the boot script
#     resumes A before the root filesystem is mounted; A checks itself.
#  3. The same C again: the image is consumed; the boot script says so
#     in one line and the boot reaches the root filesystem's init.
#  4. The same C with an empty vdb: one line, no image; a normal boot.
#  5. A hibernates again; the host makes the image read as a snapshot
#     (tests/vm/tools/imgforge): C says so in one line and boots normally.
#  6. The host puts it back and flips a byte of a chunk (its checksum
#     fixed up): kjump info finds it complete, so the boot script tries;
#     kjump resume refuses it, and the boot script says why and boots on.
run() {
	local k s d forge=$KJ_BUILD/tests/imgforge
	[ -x "$forge" ] || { echo "FAIL: $forge is not built (make test-tools)"; return 1; }
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	s=$(vm_kernel_stock) || { echo "FAIL: could not fetch Debian's stock kernel"; return 1; }
	d=$(vm_initramfs_root "$s") ||
		{ echo "FAIL: the Debian root and its initramfs did not build (see $OUT/stderr)"; return 1; }
	command -v mke2fs >/dev/null || PATH=$PATH:/usr/sbin:/sbin
	rm -f "$OUT/vdc.img"
	truncate -s 768M "$OUT/vdc.img"
	mke2fs -q -F -t ext4 -L kjroot -d "$d/root" "$OUT/vdc.img" ||
		{ echo "FAIL: mke2fs -d of the Debian root failed"; return 1; }
	vm_fresh_disks
	local disks=(--disk "$OUT/vda.img" --disk "$OUT/vdb.img" --disk "$OUT/vdc.img")
	local c_args=(--mem 1G --smp 2 --timeout 900 "${disks[@]}" --append
		"root=/dev/vdc init=/usr/local/sbin/kjtest-init kjump.resume=/dev/vdb")

	vm_initramfs "$OUT/a.gz" "$KJ_TOP/tests/vm/guest/hibernate-a.sh" "$k:/b/bzImage"
	vm_run "$OUT/run1-A.log" "$k" "$OUT/a.gz" --mem 1G --smp 2 --timeout 600 "${disks[@]}"
	grep -aq "image complete and verified; powering off" "$OUT/run1-A.log" ||
		{ echo "FAIL: run 1: A did not hibernate: $(verdict "$OUT/run1-A.log")"; return 1; }

	vm_run "$OUT/run2-C.log" "$s/vmlinuz" "$d/initrd.img" "${c_args[@]}"
	verdict "$OUT/run2-C.log" >/dev/null ||
		{ echo "run 2 (resume from Debian's initramfs): $(verdict "$OUT/run2-C.log")"; return 1; }
	kjump_lines "$OUT/run2-C.log" run2 "resuming the system hibernated on /dev/vdb" || return 1
	grep -aq "KJTEST BOOTED the root filesystem" "$OUT/run2-C.log" &&
		{ echo "FAIL: run 2: the root filesystem's init ran: C booted instead of resuming"; return 1; }

	vm_run "$OUT/run3-C.log" "$s/vmlinuz" "$d/initrd.img" "${c_args[@]}"
	boots_normally "$OUT/run3-C.log" run3 "the image on /dev/vdb was resumed already" || return 1

	vm_fresh_disks
	vm_run "$OUT/run4-C.log" "$s/vmlinuz" "$d/initrd.img" "${c_args[@]}"
	boots_normally "$OUT/run4-C.log" run4 "no hibernation image on /dev/vdb; booting normally" ||
		return 1

	vm_run "$OUT/run5-A.log" "$k" "$OUT/a.gz" --mem 1G --smp 2 --timeout 600 "${disks[@]}"
	grep -aq "image complete and verified; powering off" "$OUT/run5-A.log" ||
		{ echo "FAIL: run 5: A did not hibernate: $(verdict "$OUT/run5-A.log")"; return 1; }
	"$forge" "$OUT/vdb.img" "$OUT/forge.bak" kind snapshot >"$OUT/forge.log" 2>&1 ||
		{ echo "FAIL: imgforge kind snapshot failed: $(tail -n 1 "$OUT/forge.log")"; return 1; }
	vm_run "$OUT/run5-C.log" "$s/vmlinuz" "$d/initrd.img" "${c_args[@]}"
	boots_normally "$OUT/run5-C.log" run5 "the image on /dev/vdb is a snapshot" || return 1

	"$forge" "$OUT/vdb.img" "$OUT/forge.bak" restore >>"$OUT/forge.log" 2>&1 &&
	"$forge" "$OUT/vdb.img" "$OUT/forge.bak" chunk-corrupt 3 >>"$OUT/forge.log" 2>&1 ||
		{ echo "FAIL: imgforge chunk-corrupt failed: $(tail -n 1 "$OUT/forge.log")"; return 1; }
	vm_run "$OUT/run6-C.log" "$s/vmlinuz" "$d/initrd.img" "${c_args[@]}"
	boots_normally "$OUT/run6-C.log" run6 "resuming the system hibernated on /dev/vdb" \
		"not resumed: /dev/vdb: the image is damaged; nothing was changed" || return 1
	grep -aq "KJTEST NOTE kjump.log: kjump resume: error: " "$OUT/run6-C.log" ||
		{ echo "FAIL: run 6: kjump resume's own error is not in /run/initramfs/kjump.log"; return 1; }
	e2fsck -fn "$OUT/vdc.img" >"$OUT/e2fsck.log" 2>&1 ||
		{ echo "FAIL: e2fsck -fn finds the root filesystem damaged (see $OUT/e2fsck.log)"; return 1; }
	rm -f "$OUT/vdb.img" "$OUT/vdc.img"
	echo PASS
}

# kjump_lines LOG RUN TEXT...: the boot script said one "kjump: " line on
# the console per TEXT, each holding its TEXT, in that order. (Without quiet it follows
# initramfs-tools' "Begin: Running /scripts/local-premount ... ";
# the guests' KJTEST lines quote kjump.log, not the console.)
kjump_lines() {
	local log=$1 run=$2 lines n i=0 t
	shift 2
	lines=$(tr -d '\r' <"$log" | grep -av '^KJTEST' | grep -ao 'kjump: .*')
	n=$(printf '%s' "$lines" | grep -c '^kjump: ')
	[ "$n" = $# ] || { echo "FAIL: $run: expected $# console line(s) 'kjump: ...', got $n: $(printf '%s' "$lines" | head -n 3 | tr '\n' '|')"; return 1; }
	for t in "$@"; do
		i=$((i + 1))
		printf '%s\n' "$lines" | sed -n "${i}p" | grep -qF -- "$t" ||
			{ echo "FAIL: $run: console line $i is not 'kjump: ...$t...': $(printf '%s\n' "$lines" | sed -n "${i}p")"; return 1; }
	done
}

# boots_normally LOG RUN TEXT...: those "kjump: " lines (kjump_lines),
# then the root filesystem's init ran from /dev/vdc and reported PASS.
boots_normally() {
	verdict "$1" >/dev/null || { echo "$2 (normal boot): $(verdict "$1")"; return 1; }
	grep -aq "KJTEST BOOTED the root filesystem's init" "$1" &&
		grep -aq "KJTEST NOTE root: /dev/vdc (ext4)" "$1" ||
		{ echo "FAIL: $2: the boot did not reach the root filesystem on /dev/vdc"; return 1; }
	kjump_lines "$@"
}
