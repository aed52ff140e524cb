# Guest of `switch-refused`.
start_counter /tmp/counter

# refused WHAT PATTERN CMD...: CMD must exit 1 with PATTERN in its message
# and leave nothing loaded.
refused() {
	what=$1 pat=$2; shift 2
	"$@" > /tmp/out 2>&1; rc=$?
	cat /tmp/out
	[ $rc = 1 ] || fail "$what: exit $rc, expected 1"
	grep -q -- "$pat" /tmp/out || fail "$what: message lacks '$pat': $(cat /tmp/out)"
	[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] || fail "$what: left an image loaded"
	note "refused as expected: $what"
}

refused "switch with nothing loaded" "nothing is loaded" kjump switch
refused "back in a kernel kjump did not start" "not started by 'kjump switch'" kjump back
refused "not a bzImage" "not a bzImage" kjump load /bin/busybox
# a bzImage claiming boot protocol 2.00
cp /b/bzImage /tmp/old.bz
printf '\000\002' | dd of=/tmp/old.bz bs=1 seek=518 conv=notrunc 2>/dev/null
refused "boot protocol too old" "too old" kjump load /tmp/old.bz
refused "region larger than the kernel allows" "exceeds half of RAM" kjump load --reserve 900M /b/bzImage
refused "region not RAM" "not System RAM" kjump load --region 0xf0000000 /b/bzImage
refused "initrd missing" "cannot open /nonexistent" kjump load --initrd /nonexistent /b/bzImage
dd if=/dev/zero of=/tmp/big.initrd bs=1M count=150 2>/dev/null
refused "initrd too big for the region" "too small for B" kjump load --reserve 160M --initrd /tmp/big.initrd /b/bzImage
rm -f /tmp/big.initrd
refused "unknown config without --force" "cannot tell whether" env KJUMP_KCONFIG=/nonexistent kjump load /b/bzImage

# A kept running through all of it.
c1=$(cat /tmp/counter); usleep 300000; c2=$(cat /tmp/counter)
[ "$c2" -gt "$c1" ] || fail "A's counter stopped"

# And a good load still works afterwards, and unloads cleanly.
kjump load --initrd /b/initrd.gz /b/bzImage || fail "a good load failed after the refusals"
[ "$(cat /sys/kernel/kexec_loaded)" = 1 ] || fail "good load did not load"
kjump load /b/bzImage > /tmp/out 2>&1; rc=$?
[ $rc = 1 ] && grep -q "already loaded" /tmp/out || fail "a second load over a loaded B was not refused (exit $rc)"
[ "$(cat /sys/kernel/kexec_loaded)" = 1 ] || fail "the refused second load dropped the first"
kjump unload || fail "kjump unload failed"
[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] || fail "kjump unload left an image loaded"
pass
