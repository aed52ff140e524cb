# C of image-in-file: the image is in a file on the ext4 on /dev/vdb, its
# map at the block kjt.offset= names. A wrong offset is refused naming
# the cause; then kjump's own early-resume script (initramfs/early-resume,
# what the initramfs-tools hook and the dracut module run) resumes it from
# kjump.resume=/dev/vdb kjump.resume_offset=N.
for i in $(seq 100); do [ -b /dev/vdb ] && break; usleep 100000; done
[ -b /dev/vdb ] || fail "C: no /dev/vdb"
offset=$(sed -n 's/.*kjump.resume_offset=\([0-9]*\).*/\1/p' /proc/cmdline)
[ -n "$offset" ] || fail "C: no kjump.resume_offset= on the command line"
note "C: Linux $(uname -r) is up; the image file's map is at block $offset of /dev/vdb"
kjump info --offset $((offset + 1)) /dev/vdb > /tmp/wrong.out 2>&1; rc=$?
[ $rc = 1 ] && grep -q "holds no kjump image file's map at block $((offset + 1))" /tmp/wrong.out ||
	fail "C: a wrong offset was not refused by name (exit $rc): $(cat /tmp/wrong.out)"
kjump info --offset $offset /dev/vdb > /tmp/info.out 2>&1 ||
	fail "C: kjump info --offset $offset /dev/vdb: $(cat /tmp/info.out)"
grep -q "^kind: *hibernation" /tmp/info.out || fail "C: the image file holds no hibernation: $(head -n 4 /tmp/info.out)"
note "C: a wrong offset is refused; at $offset: $(grep '^state:' /tmp/info.out)"
mkdir -p /run
sh /early-resume
fail "C: early-resume returned: $(cat /run/initramfs/kjump.log 2>/dev/null | tail -n 5)"
