# C of `resume-refused`: every resume here but the last must be refused.
# /dev/vdb holds a nearly full system's snapshot (so resumed with
# --snapshot), /dev/vdc a small system's hibernation. Last, with C's own
# memory small again, the snapshot resumes, and A ends the log.
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
	# C keeps 450 MiB for itself (in memory files): the saved system's
	# 600 MiB of pages do not fit beside it
	dd if=/dev/zero of=/tmp/fill bs=1M count=450 2>/dev/null
	refused "pages that do not fit beside this kernel" "does not fit beside this kernel" \
		kjump resume --snapshot /dev/vdb
	kjump info /dev/vdb | grep -q "^state: *complete" || fail "the refused resume changed the image"
	# the small image fits: a dry run says so, changing nothing
	kjump resume --dry-run /dev/vdc > /tmp/out 2>&1 || fail "the small image does not pass a dry run: $(tail -n1 /tmp/out)"
	grep -q "resumable on this machine" /tmp/out || fail "dry run does not say resumable"
	# damage one byte of its first chunk
	printf '\377' | dd of=/dev/vdc bs=1 seek=$((1048576 + 5000)) conv=notrunc,fsync 2>/dev/null
	echo 3 > /proc/sys/vm/drop_caches
	refused "corrupted chunk" "chunk 0 of" kjump resume /dev/vdc
	grep -q "nothing was changed" /tmp/out || fail "the message does not say nothing changed"
	c1=$(cat /tmp/counter); usleep 300000; c2=$(cat /tmp/counter)
	[ "$c2" -gt "$c1" ] || fail "C's counter stopped"
	# C's memory small again: the nearly full snapshot, over half of RAM
	# and incompressible, resumes (most of its pages in place)
	rm -f /tmp/fill
	note "resuming the snapshot, now that C keeps little"
	kjump resume --snapshot /dev/vdb
	fail "kjump resume --snapshot returned $?" ;;
*) fail "no kjt.expect on the command line" ;;
esac
c1=$(cat /tmp/counter); usleep 300000; c2=$(cat /tmp/counter)
[ "$c2" -gt "$c1" ] || fail "C's counter stopped"
pass
