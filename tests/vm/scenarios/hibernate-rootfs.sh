# hibernate-rootfs: A runs from an ext4 root filesystem on a virtio disk
# (no initramfs), with a process writing files through the page cache
# while it hibernates; the test kernel resumes it from its initramfs (not
# mounting the root: resume checks its fingerprint); A checks every file
# and remounts / read-only, and the host's e2fsck -fn finds it clean.
run() {
	local k root
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	root=$(mktemp -d "$OUT/root.XXXXXX")
	chmod 755 "$root"
	mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,mnt,etc,root,b}
	cp /bin/busybox "$root/bin/busybox"
	cp "$KJ_BUILD/bin/kjump" "$root/bin/kjump"
	cp "$KJ_TOP/tests/vm/guest/init" "$root/init"
	cp "$KJ_TOP/tests/vm/guest/lib.sh" "$root/lib.sh"
	cp "$KJ_TOP/tests/vm/guest/hibernate-rootfs-a.sh" "$root/test.sh"
	cp "$k" "$root/b/bzImage"
	chmod +x "$root/init"
	rm -f "$OUT/vda.img" "$OUT/vdb.img"
	mke2fs -q -F -t ext4 -L kjroot -d "$root" "$OUT/vda.img" 256M ||
		{ echo "FAIL: mke2fs could not make the root filesystem"; return 1; }
	rm -rf "$root"
	truncate -s 1400M "$OUT/vdb.img"
	# A hibernates in about 10 s here; 180 s, not 600, for a hang. A
	# hung now and then after "Suspending console(s)": with
	# no_console_suspend the console went on to "Disabling non-boot
	# CPUs", where blk-mq waited for a write a kernel thread had queued
	# after virtio-blk quiesced (lib/secondary_cpus.h); the flushing
	# writer in A's script made it 2 runs in 5.
	vm_run "$OUT/run1-A.log" "$k" "" --mem 1G --smp 2 --timeout 180 \
		--disk "$OUT/vda.img" --disk "$OUT/vdb.img" --append "root=/dev/vda rw init=/init"
	grep -aq "image complete and verified; powering off" "$OUT/run1-A.log" ||
		{ echo "$(verdict "$OUT/run1-A.log") (A did not hibernate)"; return 1; }
	# kjump, not the kernel's jump, took CPU 1 offline: before the freeze
	tr -d '\r' <"$OUT/run1-A.log" | awk '/CPU 1 is now offline/ { if (!off) off = NR }
		/Freezing user space processes/ { if (!frz) frz = NR }
		END { exit !(off && frz && off < frz) }' ||
		{ echo "FAIL: A's CPU 1 did not go offline before the jump froze its tasks"; return 1; }
	vm_initramfs "$OUT/c.gz" "$KJ_TOP/tests/vm/guest/resume-c.sh"
	vm_run "$OUT/run2-C.log" "$k" "$OUT/c.gz" --mem 1G --smp 2 --timeout 600 \
		--disk "$OUT/vda.img" --disk "$OUT/vdb.img"
	verdict "$OUT/run2-C.log" >/dev/null || { verdict "$OUT/run2-C.log"; return 1; }
	local fsck
	fsck=$(e2fsck -fn "$OUT/vda.img" 2>&1) ||
		{ echo "FAIL: e2fsck -fn of A's root after the resume: $(echo "$fsck" | tail -n 3 | tr '\n' ' ')"; return 1; }
	rm -f "$OUT/vdb.img"
	echo PASS
}
