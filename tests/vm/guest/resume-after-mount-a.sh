# A of `resume-after-mount`: has the ext4 filesystem on /dev/vdc mounted
# read-write, with a file being written, and the swap area on /dev/vdd in
# use, and hibernates to /dev/vdb. When
# resumed (the first phase: nothing touched the disk), it checks that the
# filesystem is still its own, writes to it and unmounts it cleanly.
for i in $(seq 100); do [ -b /dev/vdc ] && break; usleep 100000; done
mkdir -p /mnt/data
mount -t ext4 /dev/vdc /mnt/data || fail "A: cannot mount /dev/vdc (ext4)"
swapon /dev/vdd || fail "A: cannot swapon /dev/vdd"
dd if=/dev/urandom of=/mnt/data/a-before bs=1k count=512 2>/dev/null
sync
sum1=$(sha256sum /mnt/data/a-before | cut -c1-64)
# a file with unsynced data in A's page cache, as a busy system has
dd if=/dev/urandom of=/mnt/data/a-dirty bs=1k count=64 2>/dev/null
sumd=$(sha256sum /mnt/data/a-dirty | cut -c1-64)
boot1=$(cat /proc/sys/kernel/random/boot_id)
note "A: /dev/vdc mounted read-write on /mnt/data, swap on /dev/vdd; hibernating"

kjump hibernate --to /dev/vdb --kernel /b/bzImage > /tmp/hib.out 2>&1; rc=$?
# --- from here on, this runs after the resume (another QEMU process) ---
cat /tmp/hib.out
[ $rc = 0 ] || fail "kjump hibernate exited $rc: $(tail -n 2 /tmp/hib.out)"
grep -q "resumed from hibernation" /tmp/hib.out || fail "kjump hibernate did not report a resume"
[ "$(cat /proc/sys/kernel/random/boot_id)" = "$boot1" ] || fail "A: not the same system"
kjump info /dev/vdb > /tmp/info.out 2>&1 || fail "kjump info failed: $(cat /tmp/info.out)"
cat /tmp/info.out
grep -q "disks: *2 recorded" /tmp/info.out || fail "the image does not record two disks"
grep -q "ext4 filesystem 'kjdata'.*fingerprint" /tmp/info.out ||
	fail "the image lacks the fingerprint of the ext4 filesystem 'kjdata'"
grep -q "swap area 'kjswap'.*fingerprint" /tmp/info.out ||
	fail "the image lacks the fingerprint of the swap area 'kjswap'"
[ "$(sha256sum /mnt/data/a-before | cut -c1-64)" = "$sum1" ] || fail "A: a-before changed"
[ "$(sha256sum /mnt/data/a-dirty | cut -c1-64)" = "$sumd" ] || fail "A: a-dirty changed"
dd if=/dev/urandom of=/mnt/data/a-after bs=1k count=256 2>/dev/null
umount /mnt/data || fail "A: cannot unmount /mnt/data after the resume"
swapoff /dev/vdd || fail "A: cannot swapoff /dev/vdd after the resume"
note "A: resumed with /mnt/data intact; wrote to it and unmounted it"
pass
