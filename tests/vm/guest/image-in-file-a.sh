# A of image-in-file: the image goes to a file on an ext4 filesystem that
# A has mounted read-write on /dev/vdb (no spare partition). Files kjump
# must refuse first; then a snapshot to the file, and a hibernation to the
# same file by the same B; after the resume (C: kjump resume /dev/vdb
# --offset N), A checks itself, its files and the pinned image file.
mkdir -p /mnt
mount -t ext4 /dev/vdb /mnt || fail "cannot mount /dev/vdb"
mkdir -p /mnt/data /mnt/kjump
for i in 1 2 3 4; do
	dd if=/dev/urandom of=/mnt/data/f$i bs=64k count=16 2>/dev/null
done
sync
(cd /mnt/data && sha256sum f1 f2 f3 f4) > /tmp/data.sums

# Refused, before anything is loaded or written
kjump hibernate --to /tmp/image --kernel /b/bzImage > /tmp/r1.out 2>&1; rc=$?
[ $rc = 1 ] && grep -q "is on tmpfs, in memory" /tmp/r1.out ||
	fail "an image file on tmpfs was not refused (exit $rc): $(cat /tmp/r1.out)"
[ ! -e /tmp/image ] || fail "the refused tmpfs image file was left behind"
echo "not an image" > /mnt/kjump/foreign
kjump snapshot --to /mnt/kjump/foreign --kernel /b/bzImage > /tmp/r2.out 2>&1; rc=$?
[ $rc = 1 ] && grep -q "not a kjump image file" /tmp/r2.out ||
	fail "a foreign file was not refused (exit $rc): $(cat /tmp/r2.out)"
[ "$(cat /mnt/kjump/foreign)" = "not an image" ] || fail "the refused foreign file changed"
kjump snapshot --to /dev/vdz --kernel /b/bzImage > /tmp/r6.out 2>&1; rc=$?
[ $rc = 1 ] && grep -q "no such device" /tmp/r6.out && [ ! -e /dev/vdz ] ||
	fail "a missing device was not refused as one (exit $rc): $(cat /tmp/r6.out)"
kjump snapshot --to kjump/relative --kernel /b/bzImage > /tmp/r3.out 2>&1; rc=$?
[ $rc = 1 ] && grep -q "absolute path" /tmp/r3.out || fail "a relative path was not refused (exit $rc): $(cat /tmp/r3.out)"
# a swap partition: taken when not in use as swap (then only too small,
# here), refused while it is
mkswap /dev/vda > /dev/null || fail "mkswap /dev/vda failed"
kjump snapshot --to /dev/vda --kernel /b/bzImage > /tmp/r4.out 2>&1; rc=$?
[ $rc = 1 ] && grep -q "has 8 MiB; the image may need" /tmp/r4.out ||
	fail "an inactive swap partition was not judged by its size alone (exit $rc): $(cat /tmp/r4.out)"
swapon /dev/vda || fail "swapon /dev/vda failed"
kjump snapshot --to /dev/vda --kernel /b/bzImage > /tmp/r5.out 2>&1; rc=$?
[ $rc = 1 ] && grep -q "is active swap" /tmp/r5.out || fail "active swap was not refused (exit $rc): $(cat /tmp/r5.out)"
swapoff /dev/vda
[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] || fail "a refused run left B loaded"
note "A: refused: a file on tmpfs, a foreign file, a missing device, a relative path, active swap; an inactive swap partition is judged by its size; nothing loaded"

# A snapshot into a new file: kjump makes it, maps it, B writes it
kjump snapshot --to /mnt/kjump/image --kernel /b/bzImage > /tmp/snap.out 2>&1; rc=$?
cat /tmp/snap.out
[ $rc = 0 ] || fail "kjump snapshot to a file exited $rc: $(tail -n 2 /tmp/snap.out)"
offset=$(sed -n "s/.*resume it with 'kjump resume \/dev\/vdb --offset \([0-9]*\)'.*/\1/p" /tmp/snap.out)
[ -n "$offset" ] || fail "kjump snapshot did not print the resume offset"
note "A: image file offset: $offset"
kjump info /mnt/kjump/image > /tmp/info1.out 2>&1 || fail "kjump info of the image file: $(cat /tmp/info1.out)"
grep -q "^state: *complete" /tmp/info1.out || fail "the snapshot in the file is not complete: $(head -n 3 /tmp/info1.out)"
kjump verify /mnt/kjump/image > /tmp/verify1.out 2>&1 || fail "kjump verify of the image file: $(tail -n 2 /tmp/verify1.out)"
rm -f /mnt/kjump/image 2>/dev/null && fail "the image file could be removed: it is not pinned"
echo x 2>/dev/null >> /mnt/kjump/image && fail "the image file could be written: it is not pinned"
note "A: snapshot in the file complete and verified; the file is pinned (no rm, no write)"

# A hibernation into the same file, by the same B (no reload)
start_counter /tmp/counter
[ -w /proc/sys/vm/compact_unevictable_allowed ] && echo 0 > /proc/sys/vm/compact_unevictable_allowed
start_pattern 4343 192
boot1=$(cat /proc/sys/kernel/random/boot_id)
c1=$(cat /tmp/counter)
note "A: hibernating to the file: counter $c1"
kjump hibernate --to /mnt/kjump/image --kernel /b/bzImage > /tmp/hib.out 2>&1; rc=$?
# --- from here on, this runs after the resume (another QEMU process) ---
cat /tmp/hib.out
[ $rc = 0 ] || fail "kjump hibernate exited $rc: $(tail -n 2 /tmp/hib.out)"
grep -q "resumed from hibernation" /tmp/hib.out || fail "kjump hibernate did not report a resume"
grep -q "already booted" /tmp/hib.out || fail "the hibernation did not reuse the snapshot's B"
usleep 500000
c2=$(cat /tmp/counter)
[ "$(cat /proc/sys/kernel/random/boot_id)" = "$boot1" ] || fail "boot id changed: not the same system"
[ "$c2" -gt "$c1" ] || fail "the counter did not continue ($c1 -> $c2)"
check_pattern "the 192 MiB pattern"
echo 3 > /proc/sys/vm/drop_caches
(cd /mnt/data && sha256sum -c /tmp/data.sums > /dev/null) || fail "the files on /mnt changed"
kjump info /mnt/kjump/image > /tmp/info2.out 2>&1 || fail "kjump info after the resume: $(cat /tmp/info2.out)"
grep -q "^state: *consumed" /tmp/info2.out || fail "the image in the file is not consumed: $(head -n 3 /tmp/info2.out)"
kjump resume /mnt/kjump/image > /tmp/again.out 2>&1; rc=$?
[ $rc = 1 ] && grep -q "on a filesystem mounted here" /tmp/again.out ||
	fail "resume of an image file on a mounted filesystem was not refused (exit $rc): $(cat /tmp/again.out)"
rm -f /mnt/kjump/image 2>/dev/null && fail "the image file is not pinned after the resume"
note "A: resumed from the file: counter $c1 -> $c2, pattern and files unchanged, image consumed and pinned"
umount /mnt || fail "cannot unmount /mnt"
pass
