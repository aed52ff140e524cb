# A of `resume-unsafe`: a small system hibernates to /dev/vdb; after C
# resumed it (next QEMU process), it checks it is the same, intact.
start_counter /tmp/counter
start_pattern 4343 32
boot1=$(cat /proc/sys/kernel/random/boot_id)
c1=$(cat /tmp/counter)
kjump hibernate --to /dev/vdb --kernel /b/bzImage > /tmp/hib.out 2>&1; rc=$?
# --- from here on, this runs after the resume (another QEMU process) ---
cat /tmp/hib.out
[ $rc = 0 ] || fail "kjump hibernate exited $rc: $(tail -n 2 /tmp/hib.out)"
grep -q "resumed from hibernation" /tmp/hib.out || fail "kjump hibernate did not report a resume"
[ "$(cat /proc/sys/kernel/random/boot_id)" = "$boot1" ] || fail "the boot id changed: not the same system"
kill -0 $COUNTER_PID || fail "the counter process is gone"
usleep 300000
c2=$(cat /tmp/counter)
[ "$c2" -gt "$c1" ] || fail "the counter did not continue ($c1 -> $c2)"
check_pattern "the 32 MiB pattern"
kjump info /dev/vdb | grep -q "^state: *consumed" || fail "the image is not marked consumed"
note "A: resumed after C refused every tampered image: same boot id, counter $c1 -> $c2, pattern unchanged"
pass
