# A of `hibernate-no-fit`: 64 MiB of incompressible data in tmpfs, and a
# resume kernel said to need 1 GiB of this 1 GiB machine: nothing fits.
start_counter /tmp/counter
dd if=/dev/urandom of=/tmp/file bs=1M count=64 2>/dev/null
sum1=$(sha256sum /tmp/file | cut -c1-64)
c1=$(cat /tmp/counter)
kjump hibernate --to /dev/vdb --kernel /b/bzImage --resume-reserve 1G > /tmp/hib.out 2>&1; rc=$?
cat /tmp/hib.out
[ $rc = 1 ] || fail "kjump hibernate exited $rc, expected 1"
grep -q "B did not power off: the image could not be resumed on this machine" /tmp/hib.out ||
	fail "A does not print B's reason"
grep -Eq "the saved system leaves [0-9]+ MiB of RAM free; the resume kernel's own memory \(1024 MiB, --resume-reserve\), kjump resume's tables and buffers \([0-9]+ MiB\) and the restore code \([0-9]+ KiB\) need [0-9]+ MiB of it \([0-9]+ MiB short\)" /tmp/hib.out ||
	fail "B's reason lacks the numbers"
grep -q -- "--resume-reserve" /tmp/hib.out || fail "the message does not name the fix"
usleep 300000
c2=$(cat /tmp/counter)
kill -0 $COUNTER_PID && [ "$c2" -gt "$c1" ] || fail "A's counter did not continue"
[ "$(sha256sum /tmp/file | cut -c1-64)" = "$sum1" ] || fail "A's file changed"
[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] || fail "B is still loaded after it gave up (a retry with other options would be refused)"
kjump info /dev/vdb > /tmp/info.out 2>&1
cat /tmp/info.out
grep -q "^state: *failed" /tmp/info.out || fail "info does not show state failed"
grep -q "(1024 MiB, --resume-reserve)" /tmp/info.out || fail "info does not show B's reason"
kjump resume --dry-run /dev/vdb > /tmp/dry.out 2>&1 && fail "resume --dry-run accepted a failed image"
cat /tmp/dry.out
grep -q "must not be resumed" /tmp/dry.out || fail "resume --dry-run does not say why: $(cat /tmp/dry.out)"
note "A: B refused to power off, A continues (counter $c1 -> $c2), the image is marked failed"
# A complete image whose power-off fails: B gives it up (FAILED, with why)
# before it goes back, so that it never resumes behind A's back
kjump hibernate --to /dev/vdb --kernel /b/bzImage --append "console=ttyS0 quiet kjump.test_poweroff=fail" > /tmp/hib2.out 2>&1; rc=$?
cat /tmp/hib2.out
[ $rc = 1 ] || fail "kjump hibernate with a failing power-off exited $rc, expected 1"
grep -q "B did not power off: B could not power off" /tmp/hib2.out ||
	fail "A does not print why B came back"
kjump info /dev/vdb | grep -q "^state: *failed" || fail "the complete image B gave up is not marked failed"
kjump resume --dry-run /dev/vdb > /tmp/dry2.out 2>&1 && fail "resume --dry-run accepted the given-up image"
grep -q "must not be resumed" /tmp/dry2.out || fail "resume does not say why: $(cat /tmp/dry2.out)"
note "A: a failed power-off: B gave the complete image up before coming back; A continues"
pass
