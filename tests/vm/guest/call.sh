# Guest half of the `call` scenario.
start_counter /tmp/counter
c0=$(cat /tmp/counter)

# hello: the payload's line must reach the console, status 0.
kjump call hello > /tmp/hello.out 2>&1 || fail "kjump call hello exited $?: $(cat /tmp/hello.out)"
cat /tmp/hello.out
grep -q '^status: 0$' /tmp/hello.out || fail "hello did not report status 0"
grep -q '^text: hello from physical mode$' /tmp/hello.out || fail "hello's result text missing"

# checksum: random bytes in pinned pages; the payload's CRC-32 must equal
# busybox crc32's over the same bytes.
dd if=/dev/urandom of=/tmp/buf bs=1000 count=10 2>/dev/null
membuf /tmp/buf > /tmp/ranges &
MEMBUF=$!
for i in $(seq 300); do [ -s /tmp/ranges ] && break; usleep 100000; done
[ -s /tmp/ranges ] || fail "membuf printed no ranges"
want_crc=$(crc32 /tmp/buf | cut -d' ' -f1)
want_len=$(wc -c < /tmp/buf)
kjump call checksum $(cat /tmp/ranges) > /tmp/cks.out 2>&1 || fail "kjump call checksum exited $?: $(cat /tmp/cks.out)"
cat /tmp/cks.out
got_crc=$(sed -n 's/^value\[0\]: 0x\([0-9a-f]*\) .*$/\1/p' /tmp/cks.out)
got_crc=$(printf '%08x' 0x$got_crc)
got_len=$(sed -n 's/^value\[1\]: 0x[0-9a-f]* (\([0-9]*\))$/\1/p' /tmp/cks.out)
note "crc32: user space $want_crc/$want_len, physical mode $got_crc/$got_len"
[ "$got_crc" = "$want_crc" ] || fail "checksum $got_crc != crc32 $want_crc"
[ "$got_len" = "$want_len" ] || fail "length $got_len != $want_len"
kill $MEMBUF

# --repeat 20 without reloading, counter alive and counting across.
c1=$(cat /tmp/counter)
kjump call --repeat 20 hello > /tmp/rep.out 2>&1 || fail "kjump call --repeat 20 exited $?: $(cat /tmp/rep.out)"
cat /tmp/rep.out
grep -q '^calls: 20$' /tmp/rep.out || fail "--repeat 20 did not report 20 calls"
usleep 500000
c2=$(cat /tmp/counter)
kill -0 $COUNTER_PID || fail "counter process died"
note "counter: $c0 at start, $c1 before --repeat, $c2 after"
[ "$c2" -gt "$c1" ] && [ "$c1" -gt "$c0" ] || fail "counter did not keep counting ($c0, $c1, $c2)"
[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] || fail "kjump left an image loaded"
pass
