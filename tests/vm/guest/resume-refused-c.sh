# C of `resume-refused`: every resume here must be refused. /dev/vdb holds
# a nearly full system's snapshot (so resumed with --snapshot), /dev/vdc a
# small system's hibernation.
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
kjump info /dev/vdb > /dev/null || fail "the big image is not complete"
kjump info /dev/vdc > /dev/null || fail "the small image is not complete"
case $expect in
memsize)
	refused "image from a guest with more memory" "not RAM here" kjump resume --snapshot /dev/vdb ;;
fit)
	refused "compressed data that cannot fit" "do not fit" kjump resume --snapshot /dev/vdb
	# the small image fits: a dry run says so, changing nothing
	kjump resume --dry-run /dev/vdc > /tmp/out 2>&1 || fail "the small image does not pass a dry run: $(tail -n1 /tmp/out)"
	grep -q "resumable on this machine" /tmp/out || fail "dry run does not say resumable"
	# damage one byte of its first chunk
	printf '\377' | dd of=/dev/vdc bs=1 seek=$((1048576 + 5000)) conv=notrunc,fsync 2>/dev/null
	echo 3 > /proc/sys/vm/drop_caches
	refused "corrupted chunk" "chunk 0 of" kjump resume /dev/vdc
	grep -q "nothing was changed" /tmp/out || fail "the message does not say nothing changed" ;;
*) fail "no kjt.expect on the command line" ;;
esac
c1=$(cat /tmp/counter); usleep 300000; c2=$(cat /tmp/counter)
[ "$c2" -gt "$c1" ] || fail "C's counter stopped"
pass
