# C of `resume-refused`: every resume here must be refused.
start_counter /tmp/counter
expect=$(sed -n 's/.*kjt.expect=\([a-z]*\).*/\1/p' /proc/cmdline)
refused() {
	what=$1 pat=$2; shift 2
	"$@" > /tmp/out 2>&1; rc=$?
	cat /tmp/out
	[ $rc = 1 ] || fail "$what: exit $rc, expected 1"
	grep -q -- "$pat" /tmp/out || fail "$what: message lacks '$pat'"
	[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] || fail "$what: left an image loaded"
	note "refused as expected: $what"
}
kjump info /dev/vdb || fail "the image is not complete"
case $expect in
memsize)
	refused "image from a guest with more memory" "not RAM here" kjump resume /dev/vdb ;;
fit)
	refused "compressed data that cannot fit" "do not fit" kjump resume /dev/vdb
	# damage one byte of the first chunk, on a copy of its first 4 MiB
	printf '\377' | dd of=/dev/vdb bs=1 seek=$((1048576 + 5000)) conv=notrunc,fsync 2>/dev/null
	echo 3 > /proc/sys/vm/drop_caches
	refused "corrupted chunk" "chunk 0 of" kjump resume /dev/vdb
	grep -q "nothing was changed" /tmp/out || fail "the message does not say nothing changed" ;;
*) fail "no kjt.expect on the command line" ;;
esac
c1=$(cat /tmp/counter); usleep 300000; c2=$(cat /tmp/counter)
[ "$c2" -gt "$c1" ] || fail "C's counter stopped"
pass
