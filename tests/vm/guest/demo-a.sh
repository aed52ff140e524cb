# The demo, in A. "DEMO" lines are what the user sees.
d() { echo "DEMO $*"; }
start_counter /tmp/counter
d "A is up: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs; a process counts in the background (now at $(cat /tmp/counter))."

d ""
d "1. Calling a physical-mode program and coming back"
out=$(kjump call hello 2>&1) || fail "kjump call hello: $out"
d "   kjump call hello -> $(echo "$out" | grep '^text:' | cut -c7-), $(echo "$out" | grep '^latency:')"
dd if=/dev/urandom of=/tmp/buf bs=4096 count=2 2>/dev/null
membuf /tmp/buf > /tmp/ranges &
for i in $(seq 30); do [ -s /tmp/ranges ] && break; usleep 100000; done
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
pass
