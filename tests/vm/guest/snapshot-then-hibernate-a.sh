# A of `snapshot-then-hibernate`: a snapshot to /dev/vdb, then a
# hibernation to /dev/vdc with the same B, never unloaded in between; C
# resumes the hibernation, and A checks itself and the snapshot; then
# kjump prepare boots a new B ahead of the next snapshot.
start_counter /tmp/counter
start_pattern 4545 64
kjump snapshot --to /dev/vdb --kernel /b/bzImage > /tmp/snap.out 2>&1 ||
	fail "snapshot failed: $(tail -n 1 /tmp/snap.out)"
cat /tmp/snap.out
grep -q "boots first" /tmp/snap.out || fail "the first snapshot did not boot B"
kjump info /dev/vdb > /tmp/info1.out 2>&1 || fail "no image on /dev/vdb: $(cat /tmp/info1.out)"
grep -q "^kind: *snapshot" /tmp/info1.out && grep -q "^state: *complete" /tmp/info1.out ||
	fail "/dev/vdb does not hold a complete snapshot"
[ "$(cat /sys/kernel/kexec_loaded)" = 1 ] || fail "B was not kept loaded after the snapshot"
boot1=$(cat /proc/sys/kernel/random/boot_id)
c1=$(cat /tmp/counter)
note "A: snapshot on /dev/vdb; hibernating to /dev/vdc with the same B"
kjump hibernate --to /dev/vdc --kernel /b/bzImage > /tmp/hib.out 2>&1; rc=$?
# --- from here on, after the resume (another QEMU process) ---
cat /tmp/hib.out
[ $rc = 0 ] || fail "kjump hibernate exited $rc: $(tail -n 2 /tmp/hib.out)"
grep -q "already booted" /tmp/hib.out || fail "the hibernation did not use the B the snapshot left"
grep -q "resumed from hibernation" /tmp/hib.out || fail "kjump hibernate did not report a resume"
[ "$(cat /proc/sys/kernel/random/boot_id)" = "$boot1" ] || fail "boot id changed"
usleep 300000
c2=$(cat /tmp/counter)
[ "$c2" -gt "$c1" ] || fail "the counter did not continue"
check_pattern "the pattern"
kjump info /dev/vdc | grep -q "^state: *consumed" || fail "the hibernation image is not consumed"
kjump info /dev/vdb > /tmp/info2.out 2>&1
grep -q "^kind: *snapshot" /tmp/info2.out && grep -q "^state: *complete" /tmp/info2.out ||
	fail "the snapshot on /dev/vdb did not survive the hibernation to /dev/vdc"
note "A: one B served a snapshot to vdb and a hibernation to vdc; resumed intact"
# B did not survive the power-off: kjump prepare boots one ahead of time,
# writing nothing but B's job (the snapshot on vdb stays), and the next
# snapshot finds it booted; one with another B region replaces it,
# without the user unloading it
kjump prepare --to /dev/vdb --kernel /b/bzImage > /tmp/p1.out 2>&1 ||
	fail "kjump prepare failed: $(tail -n 1 /tmp/p1.out)"
cat /tmp/p1.out
grep -q "boots first" /tmp/p1.out && grep -q "B is booted and waiting" /tmp/p1.out ||
	fail "kjump prepare did not boot B"
kjump info /dev/vdb > /tmp/info3.out 2>&1
grep -q "^kind: *snapshot" /tmp/info3.out && grep -q "^state: *complete" /tmp/info3.out ||
	fail "kjump prepare changed the snapshot on /dev/vdb: $(head -n 3 /tmp/info3.out)"
kjump prepare --to /dev/vdb --kernel /b/bzImage > /tmp/p2.out 2>&1 &&
	grep -q "already booted and waiting" /tmp/p2.out || fail "a second prepare did not find B waiting: $(cat /tmp/p2.out)"
note "A: kjump prepare booted B and left the snapshot on /dev/vdb as it was"
kjump snapshot --to /dev/vdb --kernel /b/bzImage > /tmp/s3.out 2>&1 ||
	fail "the snapshot after the resume failed: $(tail -n 1 /tmp/s3.out)"
grep -q "already booted" /tmp/s3.out || fail "the snapshot after kjump prepare did not use its B"
kjump snapshot --to /dev/vdb --kernel /b/bzImage --reserve 144M > /tmp/s4.out 2>&1 ||
	fail "a snapshot with another --reserve failed: $(tail -n 1 /tmp/s4.out)"
cat /tmp/s4.out
grep -q "replacing the B loaded for 'snapshot'" /tmp/s4.out && grep -q "boots first" /tmp/s4.out ||
	fail "a snapshot with another --reserve did not replace B"
note "A: after the resume a new B was booted, and replaced for another --reserve"
pass
