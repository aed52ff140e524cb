# A of the hibernate scenarios: hibernates, then (in the next QEMU process,
# resumed by C) checks that it is the same system, intact.
start_counter /tmp/counter
[ -w /proc/sys/vm/compact_unevictable_allowed ] && echo 0 > /proc/sys/vm/compact_unevictable_allowed
start_pattern 4242 256
# physical addresses in hex: more than 8 digits is above 4 GiB (bigmem)
note "A: pattern: $(awk 'NR > 1 && length($1) > 8' /tmp/pat.list | wc -l) pages above 4 GiB"
dd if=/dev/urandom of=/tmp/file bs=1k count=256 2>/dev/null
sum1=$(sha256sum /tmp/file | cut -c1-64)
boot1=$(cat /proc/sys/kernel/random/boot_id)
c1=$(cat /tmp/counter)
note "A: hibernating: counter $c1, boot id $boot1"

kjump hibernate --to /dev/vdb --kernel /b/bzImage > /tmp/hib.out 2>&1; rc=$?
# --- from here on, this runs after the resume (another QEMU process) ---
cat /tmp/hib.out
[ $rc = 0 ] || fail "kjump hibernate exited $rc: $(tail -n 2 /tmp/hib.out)"
grep -q "resumed from hibernation" /tmp/hib.out || fail "kjump hibernate did not report a resume"
usleep 500000
c2=$(cat /tmp/counter)
boot2=$(cat /proc/sys/kernel/random/boot_id)
[ "$boot2" = "$boot1" ] || fail "boot id changed ($boot1 -> $boot2): this is not the same system"
kill -0 $COUNTER_PID || fail "the counter process is gone"
[ "$c2" -gt "$c1" ] || fail "the counter did not continue ($c1 -> $c2)"
check_pattern "the 256 MiB pattern"
[ "$(sha256sum /tmp/file | cut -c1-64)" = "$sum1" ] || fail "the tmpfs file changed"
kjump info /dev/vdb > /tmp/info.out 2>&1 || fail "kjump info /dev/vdb failed after resume: $(cat /tmp/info.out)"
grep -q "^state: *consumed" /tmp/info.out || fail "the image is not marked consumed: $(head -n1 /tmp/info.out)"
[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] || fail "B is still loaded after the resume"
note "A: resumed: same boot id, counter $c1 -> $c2, pattern and file unchanged, /dev/vdb answers, image consumed"
# A marked it: the resume had left it RESUMING, and only A makes it CONSUMED
grep -q "^consumed: " /tmp/info.out || fail "the image does not say when it was consumed"
kjump resume /dev/vdb > /tmp/again.out 2>&1; rc=$?
cat /tmp/again.out
[ $rc = 1 ] && grep -q "already resumed (state CONSUMED" /tmp/again.out || fail "a consumed image was not refused (exit $rc)"
grep -q -- "--force" /tmp/again.out || fail "the refusal does not name --force"
kjump info /dev/vdb | grep -q "^state: *consumed" || fail "the refused resume changed the image"
note "A: a second resume of the consumed image is refused"
pass
