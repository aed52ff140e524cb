# The normal boot of `resume-after-mount` between the hibernation and the
# resume: what a user does who forgot the saved system. kjt.mount=rw:
# mounts A's ext4 filesystem (its journal is replayed: A had it mounted),
# writes a file and unmounts it, and uses A's swap area (swapon, swapoff).
# kjt.mount=ro: only mounts it read-only, reads, unmounts.
how=$(sed -n 's/.*kjt.mount=\([a-z]*\).*/\1/p' /proc/cmdline)
for i in $(seq 100); do [ -b /dev/vdd ] && break; usleep 100000; done
kjump info /dev/vdb | grep -q "^state: *complete" || fail "boot: the image is not complete"
mkdir -p /mnt/data
case $how in
rw)
	mount -t ext4 /dev/vdc /mnt/data || fail "boot: cannot mount /dev/vdc"
	ls /mnt/data/a-before > /dev/null || fail "boot: A's synced file is not there"
	echo "written by another boot" > /mnt/data/other-boot
	sync
	umount /mnt/data || fail "boot: cannot unmount /dev/vdc"
	swapon /dev/vdd || fail "boot: cannot swapon /dev/vdd"
	swapoff /dev/vdd || fail "boot: cannot swapoff /dev/vdd"
	note "boot: mounted /dev/vdc, wrote other-boot, unmounted; swapon and swapoff /dev/vdd" ;;
ro)
	mount -t ext4 -o ro /dev/vdc /mnt/data || fail "boot: cannot mount /dev/vdc read-only"
	cat /mnt/data/a-before > /dev/null || fail "boot: A's synced file is not there"
	umount /mnt/data || fail "boot: cannot unmount /dev/vdc"
	note "boot: mounted /dev/vdc read-only, read a file, unmounted" ;;
*) fail "boot: no kjt.mount= on the command line" ;;
esac
pass
