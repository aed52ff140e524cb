# A of `hibernate-full-memory`, phase 2: a 1 GiB machine with 760 MiB of
# incompressible anonymous memory. Its pages and a resume kernel's own do
# not fit in its RAM side by side, so B must not power off: it says so,
# and A continues with every byte of the pattern.
start_counter /tmp/counter
[ -w /proc/sys/vm/compact_unevictable_allowed ] && echo 0 > /proc/sys/vm/compact_unevictable_allowed
start_pattern 4444 760
c1=$(cat /tmp/counter)
kjump hibernate --to /dev/vdb --kernel /b/bzImage > /tmp/hib.out 2>&1; rc=$?
cat /tmp/hib.out
[ $rc = 1 ] || fail "kjump hibernate exited $rc, expected 1"
grep -q "B did not power off: the image could not be resumed on this machine" /tmp/hib.out ||
	fail "A does not print B's reason"
grep -Eq "the saved system leaves [0-9]+ MiB of RAM free; the resume kernel's own memory \([0-9]+ MiB, --resume-reserve\).*\([0-9]+ MiB short\)" /tmp/hib.out ||
	fail "B's reason lacks the numbers"
usleep 300000
c2=$(cat /tmp/counter)
kill -0 $COUNTER_PID && [ "$c2" -gt "$c1" ] || fail "A's counter did not continue"
check_pattern "the pattern"
kjump info /dev/vdb | grep -q "^state: *failed" || fail "the image is not marked failed"
note "A: B refused to power off (too full to resume), A continues with its pattern intact"
pass
