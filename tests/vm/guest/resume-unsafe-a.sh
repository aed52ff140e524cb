# A of `resume-unsafe`: a small system hibernates to /dev/vdb; after C
# resumed it (next QEMU process), it checks it is the same, intact.
start_counter /tmp/counter
patfill 4343 32 /tmp/pat.list > /tmp/patfill.out &
for i in $(seq 600); do grep -q ready /tmp/patfill.out 2>/dev/null && break; usleep 100000; done
grep -q ready /tmp/patfill.out || fail "patfill did not get ready"
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
rm -f /tmp/pat.list.check
killall -USR1 patfill
for i in $(seq 300); do [ -s /tmp/pat.list.check ] && break; usleep 100000; done
[ "$(cat /tmp/pat.list.check)" = "same 0" ] || fail "the 32 MiB pattern changed: $(cat /tmp/pat.list.check)"
kjump info /dev/vdb | grep -q "^state: *consumed" || fail "the image is not marked consumed"
note "A: resumed after C refused every tampered image: same boot id, counter $c1 -> $c2, pattern unchanged"
pass
