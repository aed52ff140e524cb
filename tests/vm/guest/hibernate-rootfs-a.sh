# A of `hibernate-rootfs`: runs from an ext4 root filesystem on /dev/vda,
# mounted read-write, not from an initramfs. A writer keeps writing files
# through the page cache (no fsync) while kjump hibernates, and another
# keeps the kernel's writeback busy (a low background threshold, frequent
# flushes): kernel threads are not frozen at a kexec jump, and their
# writes after the disk has quiesced hung the jump, 2 runs in 5, until
# kjump took the secondary CPUs offline first (lib/secondary_cpus.h).
# Resumed, the writer goes on, every file written before reads back from
# the disk with its recorded hash, the same CPUs are online as before, and
# the root is remounted read-only for the host's e2fsck.
grep -q " / ext4 rw" /proc/mounts && [ "$(awk '$5 == "/" { print $3 }' /proc/self/mountinfo)" = "$(cat /sys/block/vda/dev)" ] ||
	fail "/ is not ext4 read-write on /dev/vda: $(grep ' / ' /proc/mounts)"
mkdir -p /data
( n=0
  while :; do
	n=$((n + 1))
	dd if=/dev/urandom of=/data/f$n bs=4k count=16 2>/dev/null
	sha256sum /data/f$n >> /data/sums
	echo $n > /data/count.tmp && mv /data/count.tmp /data/count
	usleep 20000
  done ) &
WRITER=$!
echo 1048576 > /proc/sys/vm/dirty_background_bytes
echo 5 > /proc/sys/vm/dirty_writeback_centisecs
( i=0; while :; do i=$(( (i + 1) % 2 )); dd if=/dev/zero of=/data/big$i bs=1M count=60 2>/dev/null; done ) &
FLUSHED=$!
cpus=$(cat /sys/devices/system/cpu/online)
[ "$cpus" != 0 ] || fail "A has one CPU online: nothing to take offline"
for i in $(seq 100); do [ -s /data/count ] && [ "$(cat /data/count)" -ge 20 ] && break; usleep 100000; done
n1=$(cat /data/count)
boot1=$(cat /proc/sys/kernel/random/boot_id)
note "A: root on ext4 read-write, writer at file $n1; hibernating"
kjump hibernate --to /dev/vdb --kernel /b/bzImage > /tmp/hib.out 2>&1; rc=$?
# --- from here on, after the resume (another QEMU process) ---
cat /tmp/hib.out
[ $rc = 0 ] || fail "kjump hibernate exited $rc: $(tail -n 2 /tmp/hib.out)"
grep -q "resumed from hibernation" /tmp/hib.out || fail "kjump hibernate did not report a resume"
[ "$(cat /proc/sys/kernel/random/boot_id)" = "$boot1" ] || fail "boot id changed: not the same system"
sleep 1
n2=$(cat /data/count)
[ "$n2" -gt "$n1" ] || fail "the writer did not go on after the resume ($n1 -> $n2)"
check_cpus "$cpus" "after the resume"
kill $WRITER $FLUSHED; wait $WRITER $FLUSHED 2>/dev/null
killall dd 2>/dev/null; usleep 500000	# the last dd, which the kill leaves
rm -f /data/big0 /data/big1
# from the disk, not the page cache
sync
echo 3 > /proc/sys/vm/drop_caches
lines=$(wc -l < /data/sums)
[ "$lines" -ge "$n1" ] || fail "only $lines hashes recorded, $n1 files were written before"
bad=$(sha256sum -c /data/sums 2>&1 | grep -vc ': OK$')
[ "$bad" = 0 ] || fail "$bad of $lines files do not read back with their hash: $(sha256sum -c /data/sums 2>&1 | grep -v ': OK$' | head -n 3)"
kjump info /dev/vdb | grep -q "^state: *consumed" || fail "the image is not marked consumed"
mount -o remount,ro / || fail "cannot remount / read-only"
note "A: resumed: writer $n1 -> $n2, all $lines files read back from disk with their hashes; CPUs $cpus online; / remounted read-only"
pass
