# Guest of `snapshot-refused`. /dev/vda: 64 MiB; /dev/vdb: a good target.
start_counter /tmp/counter
refused() {
	what=$1 pat=$2; shift 2
	"$@" > /tmp/out 2>&1; rc=$?
	cat /tmp/out
	[ $rc = 1 ] || fail "$what: exit $rc, expected 1"
	grep -q -- "$pat" /tmp/out || fail "$what: message lacks '$pat': $(cat /tmp/out)"
	note "refused as expected: $what"
}
snap() { kjump snapshot --kernel /b/bzImage --to "$@"; }

refused "target too small" "may need up to" snap /dev/vda
mke2fs -q /dev/vda 2>/dev/null || mke2fs /dev/vda > /dev/null 2>&1 || fail "mke2fs failed"
refused "target with a filesystem" "ext2/3/4 signature" snap /dev/vda
mkdir -p /mnt/t && mount -t ext2 /dev/vda /mnt/t || fail "cannot mount the ext2 target"
refused "mounted target" "is mounted on /mnt/t" snap /dev/vda
umount /mnt/t
refused "a foreign file as target" "not a kjump image file" snap /tmp/counter
refused "a new file on tmpfs" "is on tmpfs" snap /tmp/new.image
[ ! -e /tmp/new.image ] || fail "a refused image file was left behind"
refused "no such target" "no such device" snap /dev/nosuchdisk
[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] || fail "a refused snapshot left an image loaded"

# A good image, then damage.
kjump snapshot --kernel /b/bzImage --to /dev/vdb > /tmp/out 2>&1 || fail "good snapshot: $(cat /tmp/out)"
kjump verify --quiet /dev/vdb || fail "the good image does not verify"
refused "switch into the snapshot writer" "image writer of 'kjump snapshot'" kjump switch
size=$(kjump info --json /dev/vdb | sed -n 's/.*"image_bytes": \([0-9]*\).*/\1/p')
# truncated copy: the first half of the image only
dd if=/dev/vdb of=/tmp/trunc.img bs=1M count=$((size / 2097152)) 2>/dev/null
refused "truncated image" "incomplete" kjump info /tmp/trunc.img
grep -q "image needs" /tmp/out || fail "info does not say how much is missing"
rm -f /tmp/trunc.img
# flip one byte inside the first chunk (data starts at 1 MiB)
printf '\377' | dd of=/dev/vdb bs=1 seek=$((1048576 + 4000)) conv=notrunc,fsync 2>/dev/null
echo 3 > /proc/sys/vm/drop_caches 2>/dev/null
refused "corrupted chunk" "chunk 0 of" kjump verify --quiet /dev/vdb
grep -q "checksum mismatch" /tmp/out || fail "verify does not say checksum mismatch"

c1=$(cat /tmp/counter); usleep 300000; c2=$(cat /tmp/counter)
[ "$c2" -gt "$c1" ] || fail "A's counter stopped"
pass
