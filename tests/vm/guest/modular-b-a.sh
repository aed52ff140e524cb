# A of modular-b: a kernel whose virtio_blk is a module (.ko.xz), loaded
# here from /lib/modules; kjump snapshot and hibernate with no option
# about drivers: kjump finds virtio_blk for the target (sysfs, modules.dep)
# and B loads it from its initramfs. C (the test kernel) resumes A.
rel=$(uname -r)
[ -d /lib/modules/$rel ] || fail "no /lib/modules/$rel"
zcat /proc/config.gz | grep -q "^CONFIG_VIRTIO_BLK=m" || fail "this kernel's virtio_blk is not a module"
ko=$(find /lib/modules/$rel -name 'virtio_blk.ko*' | head -n 1)
[ -n "$ko" ] || fail "no virtio_blk module in /lib/modules/$rel"
case $ko in *.xz) xzcat "$ko" > /tmp/virtio_blk.ko && ko=/tmp/virtio_blk.ko ;; esac
insmod "$ko" || fail "insmod $ko failed"
for i in $(seq 100); do [ -b /dev/vdc ] && break; usleep 100000; done
[ -b /dev/vdb ] && [ -b /dev/vdc ] || fail "virtio_blk brought no /dev/vdb and /dev/vdc"
note "A: $rel with virtio_blk as a module ($(find /lib/modules/$rel -name 'virtio_blk.ko*'))"

start_counter /tmp/counter
[ -w /proc/sys/vm/compact_unevictable_allowed ] && echo 0 > /proc/sys/vm/compact_unevictable_allowed
start_pattern 4646 128
kjump snapshot --to /dev/vdb --kernel /b/bzImage > /tmp/snap.out 2>&1 ||
	fail "kjump snapshot with a modular disk driver failed: $(tail -n 2 /tmp/snap.out)"
cat /tmp/snap.out
kjump info /dev/vdb > /tmp/info1.out 2>&1
grep -q "^kind: *snapshot" /tmp/info1.out && grep -q "^state: *complete" /tmp/info1.out ||
	fail "no complete snapshot on /dev/vdb: $(head -n 3 /tmp/info1.out)"
check_pattern "the pattern after the snapshot"
note "A: snapshot to /dev/vdb written by a B that loaded virtio_blk itself"
# a fresh B for the hibernation, -v to list what kjump gives it
kjump unload > /dev/null
c1=$(cat /tmp/counter)
kjump hibernate -v --to /dev/vdc --kernel /b/bzImage > /tmp/hib.out 2>&1; rc=$?
# --- from here on, after the resume (another QEMU process) ---
cat /tmp/hib.out
[ $rc = 0 ] || fail "kjump hibernate exited $rc: $(tail -n 2 /tmp/hib.out)"
grep -q "B gets module virtio_blk (for /dev/vdc)" /tmp/hib.out || fail "kjump did not give B virtio_blk"
grep -q "resumed from hibernation" /tmp/hib.out || fail "kjump hibernate did not report a resume"
usleep 300000
[ "$(cat /tmp/counter)" -gt "$c1" ] || fail "the counter did not continue"
check_pattern "the pattern after the resume"
lsmod | grep -q "^virtio_blk" || fail "virtio_blk is not loaded in the resumed A"
kjump info /dev/vdc | grep -q "^state: *consumed" || fail "the hibernation image is not consumed"
note "A: resumed; B got virtio_blk from kjump, the pattern is intact"
pass
