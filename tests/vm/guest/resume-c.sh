# C of the hibernate scenarios: any kernel; resume the image on /dev/vdb
# (or on the device kjt.target= on the command line names).
if [ -d /lib/modules ]; then
	for m in /lib/modules/*.ko; do insmod "$m" || fail "C: insmod $m failed"; done
fi
target=$(sed -n 's/.*kjt.target=\([^ ]*\).*/\1/p' /proc/cmdline)
target=${target:-/dev/vdb}
for i in $(seq 100); do [ -b $target ] && break; usleep 100000; done
[ -b $target ] || fail "C: no $target"
note "C: Linux $(uname -r) is up; resuming the image on $target"
# C's own memory (its kernel, initramfs, page structures, this shell) is
# what `kjump hibernate --resume-reserve` budgets for: print it (docs/limits.md)
note "C: memory before kjump resume: $(awk '/^(MemTotal|MemFree|MemAvailable):/ { printf "%s %d MiB ", $1, $2 / 1024 }' /proc/meminfo)"
kjump resume $target
fail "C: kjump resume returned $?"
