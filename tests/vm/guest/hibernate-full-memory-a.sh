# A of `hibernate-full-memory`, phase 1: a 4 GiB machine with 2200 MiB of
# it in incompressible anonymous memory (patfill's pattern), part of it
# above 4 GiB, hibernates; resumed by Debian's stock kernel, it checks
# every byte of the pattern.
start_counter /tmp/counter
[ -w /proc/sys/vm/compact_unevictable_allowed ] && echo 0 > /proc/sys/vm/compact_unevictable_allowed
start_pattern 4343 2200
# physical addresses in hex: more than 8 digits is above 4 GiB
high=$(awk 'NR > 1 && length($1) > 8' /tmp/pat.list | wc -l)
[ "$high" -gt 0 ] || fail "none of the pattern lies above 4 GiB"
boot1=$(cat /proc/sys/kernel/random/boot_id)
c1=$(cat /tmp/counter)
note "A: 2200 MiB of incompressible pattern, $high of its pages above 4 GiB; $(awk '/^(MemTotal|MemFree):/ { printf "%s %d MiB ", $1, $2 / 1024 }' /proc/meminfo)"

kjump hibernate --to /dev/vdb --kernel /b/bzImage > /tmp/hib.out 2>&1; rc=$?
# --- from here on, this runs after the resume (another QEMU process) ---
cat /tmp/hib.out
[ $rc = 0 ] || fail "kjump hibernate exited $rc: $(tail -n 2 /tmp/hib.out)"
grep -q "resumed from hibernation" /tmp/hib.out || fail "kjump hibernate did not report a resume"
# over 2/5 of RAM in use: A dropped its clean page cache first, as the
# kernel's hibernation frees memory
grep -Eq "in use: dropped [0-9]+ MiB of clean page cache first" /tmp/hib.out ||
	fail "kjump hibernate did not drop the page cache of a full machine"
[ "$(cat /proc/sys/kernel/random/boot_id)" = "$boot1" ] || fail "boot id changed: this is not the same system"
usleep 300000
c2=$(cat /tmp/counter)
kill -0 $COUNTER_PID && [ "$c2" -gt "$c1" ] || fail "the counter did not continue ($c1 -> $c2)"
check_pattern "the 2200 MiB pattern"
kjump info /dev/vdb | grep -q "^state: *consumed" || fail "the image is not marked consumed"
note "A: resumed: counter $c1 -> $c2, every byte of the 2200 MiB pattern unchanged"
pass
