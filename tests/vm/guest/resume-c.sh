# C of the hibernate scenarios: any kernel; resume the image on /dev/vdb.
if [ -d /lib/modules ]; then
	for m in /lib/modules/*.ko; do insmod "$m" || fail "C: insmod $m failed"; done
fi
for i in $(seq 100); do [ -b /dev/vdb ] && break; usleep 100000; done
[ -b /dev/vdb ] || fail "C: no /dev/vdb"
note "C: Linux $(uname -r) is up; resuming the image on /dev/vdb"
# C's own memory (its kernel, initramfs, page structures, this shell) is
# what `kjump hibernate --resume-reserve` budgets for: print it (docs/limits.md)
note "C: memory before kjump resume: $(awk '/^(MemTotal|MemFree|MemAvailable):/ { printf "%s %d MiB ", $1, $2 / 1024 }' /proc/meminfo)"
kjump resume /dev/vdb
fail "C: kjump resume returned $?"
