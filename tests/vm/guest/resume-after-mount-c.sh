# C of `resume-after-mount`'s second and third phases: A's ext4 filesystem
# was mounted (and written) since the hibernation, so kjump resume must
# refuse, naming it, change nothing, and leave C running. kjt.expect=missing:
# the filesystem's disk is not attached at all (the swap area is now
# /dev/vdc): refused too, since kjump cannot tell whether it changed.
start_counter /tmp/counter
if grep -q "kjt.expect=missing" /proc/cmdline; then
	for i in $(seq 100); do [ -b /dev/vdc ] && break; usleep 100000; done
	kjump resume --dry-run /dev/vdb > /tmp/out 2>&1; rc=$?
	cat /tmp/out
	[ $rc = 1 ] || fail "C: kjump resume exited $rc without the filesystem's disk, expected 1"
	grep -q "ext4 filesystem 'kjdata'.* is not on this machine" /tmp/out ||
		fail "C: the refusal does not say the filesystem is missing"
	kjump info /dev/vdb | grep -q "^state: *complete" || fail "C: the refusal changed the image"
	note "C: refused without the filesystem's disk"
	pass
fi
for i in $(seq 100); do [ -b /dev/vdc ] && break; usleep 100000; done
kjump resume /dev/vdb > /tmp/out 2>&1; rc=$?
cat /tmp/out
[ $rc = 1 ] || fail "C: kjump resume exited $rc, expected 1 (refused)"
grep -q "ext4 filesystem 'kjdata'" /tmp/out || fail "C: the refusal does not name the filesystem"
grep -q "changed since the image was made" /tmp/out || fail "C: the refusal does not say it changed"
grep -q "mount count went from\|superblock changed" /tmp/out ||
	fail "C: the refusal does not say how it changed"
# swapon does not write the swap header: the swap area is not named
grep -q "kjswap" /tmp/out && fail "C: the refusal names the swap area, which swapon does not change"
[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] || fail "C: the refusal left an image loaded"
kill -0 $COUNTER_PID || fail "C: the counter is gone"
kjump info /dev/vdb > /tmp/info.out 2>&1
cat /tmp/info.out
grep -q "^state: *complete" /tmp/info.out || fail "C: the refusal changed the image's state"
kjump verify /dev/vdb > /tmp/verify.out 2>&1 || fail "C: kjump verify failed: $(tail -n1 /tmp/verify.out)"
# a dry run refuses the same way
kjump resume --dry-run /dev/vdb > /tmp/dry.out 2>&1 && fail "C: a dry run passed"
grep -q "kjdata" /tmp/dry.out || fail "C: the dry run's refusal does not name the filesystem"
# the override says what it overrides, and then goes on (a dry run here)
kjump resume --dry-run --ignore-changed-disks /dev/vdb > /tmp/ign.out 2>&1 ||
	fail "C: --ignore-changed-disks --dry-run failed: $(tail -n 1 /tmp/ign.out)"
grep -q "warning: the ext4 filesystem 'kjdata'.*resuming anyway (--ignore-changed-disks)" \
	/tmp/ign.out || fail "C: --ignore-changed-disks does not warn, naming the filesystem"
grep -q "resumable on this machine" /tmp/ign.out || fail "C: the overridden dry run does not pass"
note "C: refused, naming the filesystem; the image is still complete"
pass
