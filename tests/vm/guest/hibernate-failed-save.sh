# A of `hibernate-failed-save`.
start_counter /tmp/counter
dd if=/dev/urandom of=/tmp/file bs=1k count=64 2>/dev/null
sum1=$(sha256sum /tmp/file | cut -c1-64)
c1=$(cat /tmp/counter)
kjump hibernate --to /dev/vdb --kernel /b/stock-vmlinuz > /tmp/hib.out 2>&1; rc=$?
cat /tmp/hib.out
[ $rc = 1 ] || fail "kjump hibernate exited $rc, expected 1"
grep -q "never started writing the image" /tmp/hib.out || fail "A does not say why the hibernation failed"
usleep 300000
c2=$(cat /tmp/counter)
kill -0 $COUNTER_PID && [ "$c2" -gt "$c1" ] || fail "A's counter did not continue"
[ "$(sha256sum /tmp/file | cut -c1-64)" = "$sum1" ] || fail "A's file changed"
[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] || fail "the failed B is still loaded"
kjump info /dev/vdb > /tmp/info.out 2>&1 && fail "a failed hibernation left a complete image"
grep -q "incomplete" /tmp/info.out || fail "info does not say incomplete: $(cat /tmp/info.out)"
note "A: hibernation failed as it should, A continues (counter $c1 -> $c2)"
pass
