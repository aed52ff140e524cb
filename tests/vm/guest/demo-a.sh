# The demo, in A. "DEMO" lines are what the user sees.
d() { echo "DEMO $*"; }
start_counter /tmp/counter
d "A is up: Linux $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs; a process counts in the background (now at $(cat /tmp/counter))."

d ""
d "1. Calling a physical-mode program and coming back"
out=$(kjump call hello 2>&1) || fail "kjump call hello: $out"
d "   kjump call hello -> $(echo "$out" | grep '^text:' | cut -c7-), $(echo "$out" | grep '^latency:')"
dd if=/dev/urandom of=/tmp/buf bs=4096 count=2 2>/dev/null
membuf /tmp/buf > /tmp/ranges &
for i in $(seq 300); do [ -s /tmp/ranges ] && break; usleep 100000; done
out=$(kjump call checksum $(cat /tmp/ranges) 2>&1) || fail "kjump call checksum: $out"
got=$(echo "$out" | sed -n 's/^value\[0\]: 0x\([0-9a-f]*\) .*/\1/p'); got=$(printf %08x 0x$got)
want=$(crc32 /tmp/buf | cut -d' ' -f1)
d "   kjump call checksum over 8 KiB of random bytes in pinned pages: CRC-32 $got in physical mode, $want from user space"
[ "$got" = "$want" ] || fail "checksums differ"
out=$(kjump call --repeat 10 hello 2>&1) || fail "repeat: $out"
d "   kjump call --repeat 10 hello: $(echo "$out" | grep '^latency:' | cut -c10-)"
d "   the counter kept counting through all of it: now $(cat /tmp/counter)"

d ""
d "2. A second kernel B beside A, switching back and forth"
kjump load --initrd /b/initrd.gz /b/bzImage > /tmp/load.out 2>&1 || fail "load: $(cat /tmp/load.out)"
d "   $(head -n1 /tmp/load.out)"
for n in 1 2 3; do
	c=$(cat /tmp/counter)
	[ $n = 1 ] && d "   A -> B (first switch: B boots; A's counter is at $c)" || d "   A -> B (B resumes; A's counter is at $c)"
	out=$(kjump switch 2>&1) || fail "switch: $out"
	usleep 200000
	d "   ... A again: $(echo "$out" | tail -n1); A's counter went on from $c to $(cat /tmp/counter)"
done
kjump unload > /dev/null || fail "unload"

d ""
d "3. A snapshot of the whole running system"
marker="kjump demo marker $(cat /proc/sys/kernel/random/uuid)"
echo "$marker" > /dev/kmsg
d "   wrote a marker line to the kernel log: $marker"
for n in 1 2; do
	out=$(kjump snapshot --to /dev/vda --kernel /b/bzImage 2>&1) || fail "snapshot: $out"
	d "   kjump snapshot --to /dev/vda ($n): $(echo "$out" | grep '^image:'); A was frozen $(echo "$out" | sed -n 's/^frozen: //p')"
done
kjump verify --quiet /dev/vda > /tmp/v.out 2>&1 || fail "verify: $(cat /tmp/v.out)"
d "   kjump verify: $(cat /tmp/v.out)"
d "   kjump info: $(kjump info /dev/vda | sed -n 's/^pages: *//p')"
kjump unload > /dev/null
d "   A's counter, still counting: $(cat /tmp/counter)"

d ""
d "4. Hibernation: save everything, power off; a different kernel resumes it"
dd if=/dev/urandom of=/tmp/secret bs=1k count=64 2>/dev/null
sum=$(sha256sum /tmp/secret | cut -c1-16)
boot=$(cat /proc/sys/kernel/random/boot_id)
c=$(cat /tmp/counter)
d "   before: boot id $boot, counter $c, a tmpfs file with sha256 $sum..."
kjump hibernate --to /dev/vdb --kernel /b/bzImage > /tmp/hib.out 2>&1 || fail "hibernate: $(cat /tmp/hib.out)"
# ---- this runs after the resume, in another QEMU process ----
usleep 300000
d "   A is back: $(cat /tmp/hib.out | tail -n1)"
d "   after: boot id $(cat /proc/sys/kernel/random/boot_id), counter $(cat /tmp/counter), file sha256 $(sha256sum /tmp/secret | cut -c1-16)..."
[ "$(cat /proc/sys/kernel/random/boot_id)" = "$boot" ] || fail "boot id changed"
[ "$(sha256sum /tmp/secret | cut -c1-16)" = "$sum" ] || fail "file changed"
[ "$(cat /tmp/counter)" -gt "$c" ] || fail "counter did not continue"
d "   kjump info /dev/vdb: $(kjump info /dev/vdb | head -n1)"
pass
