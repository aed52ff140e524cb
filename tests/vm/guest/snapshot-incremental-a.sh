# A of `snapshot-incremental`: three saves by one B to /dev/vdb; between
# them A changes some of its memory, and before the last it damages one
# chunk of the image on the target. C resumes the hibernation; A checks
# its pattern (untouched since the start: its chunks were kept), its
# files (written between the saves) and its counter.
start_counter /tmp/counter
start_pattern 4646 64
dd if=/dev/urandom of=/tmp/file1 bs=1M count=4 2>/dev/null
kjump snapshot --to /dev/vdb --kernel /b/bzImage > /tmp/s1.out 2>&1 ||
	fail "the first snapshot failed: $(tail -n 1 /tmp/s1.out)"
grep -q "boots first" /tmp/s1.out || fail "the first snapshot did not boot B"
check_pattern "the pattern after the first snapshot"
# some memory changes: a new file in tmpfs
dd if=/dev/urandom of=/tmp/file2 bs=1M count=8 2>/dev/null
kjump snapshot --to /dev/vdb --kernel /b/bzImage > /tmp/s2.out 2>&1 ||
	fail "the second snapshot failed: $(tail -n 1 /tmp/s2.out)"
cat /tmp/s2.out
grep -q "already booted" /tmp/s2.out || fail "the second snapshot did not use the same B"
kjump verify /dev/vdb > /tmp/v2.out 2>&1 || fail "the second snapshot does not verify: $(cat /tmp/v2.out)"
check_pattern "the pattern after the second snapshot"
# damage the first place on the target (the chunk of the lowest pages,
# which every save has), bypassing this kernel's cache
dd if=/dev/urandom of=/dev/vdb bs=4096 seek=256 count=1 conv=notrunc,fsync 2>/dev/null ||
	fail "could not write to /dev/vdb"
kjump verify /dev/vdb > /tmp/v3.out 2>&1 && fail "the damaged image still verifies"
note "A: the damaged image is refused by verify: $(tail -n 1 /tmp/v3.out)"
sum1=$(sha256sum /tmp/file1 | cut -c1-64)
sum2=$(sha256sum /tmp/file2 | cut -c1-64)
boot1=$(cat /proc/sys/kernel/random/boot_id)
c1=$(cat /tmp/counter)
kjump hibernate --to /dev/vdb --kernel /b/bzImage > /tmp/hib.out 2>&1; rc=$?
# --- from here on, after the resume (another QEMU process) ---
cat /tmp/hib.out
[ $rc = 0 ] || fail "kjump hibernate exited $rc: $(tail -n 2 /tmp/hib.out)"
grep -q "already booted" /tmp/hib.out || fail "the hibernation did not use the B of the snapshots"
grep -q "resumed from hibernation" /tmp/hib.out || fail "kjump hibernate did not report a resume"
[ "$(cat /proc/sys/kernel/random/boot_id)" = "$boot1" ] || fail "boot id changed"
usleep 300000
[ "$(cat /tmp/counter)" -gt "$c1" ] || fail "the counter did not continue"
check_pattern "the pattern"
[ "$(sha256sum /tmp/file1 | cut -c1-64)" = "$sum1" ] || fail "file1 changed"
[ "$(sha256sum /tmp/file2 | cut -c1-64)" = "$sum2" ] || fail "file2 changed"
note "A: resumed from an image that kept the chunks of the snapshot before it; intact"
pass
