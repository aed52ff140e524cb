# Guest of the `snapshot-repeat` scenario (and of tests/soak): many
# snapshots in a row of one running system. Between snapshots A's data
# changes (a file rewritten, a pattern held in locked memory); after each,
# A's data must be intact and the image must verify. B prints its free
# memory after each save on this console; the host compares the numbers.
# The count: kjtest_snaps=N on the kernel command line (default 15).
snaps=$(sed -n 's/.*kjtest_snaps=\([0-9][0-9]*\).*/\1/p' /proc/cmdline)
mib=$(sed -n 's/.*kjtest_mib=\([0-9][0-9]*\).*/\1/p' /proc/cmdline)
busy=$(sed -n 's/.*kjtest_busy=\([0-9]\).*/\1/p' /proc/cmdline)
: "${snaps:=15}" "${mib:=32}" "${busy:=0}"
start_counter /tmp/counter
[ -w /proc/sys/vm/compact_unevictable_allowed ] && echo 0 > /proc/sys/vm/compact_unevictable_allowed
start_pattern 77 "$mib"
# a busy A: memory churned all along, snapshots included
[ "$busy" = 1 ] && ( while :; do dd if=/dev/urandom of=/tmp/churn bs=64k count=64 2>/dev/null; rm -f /tmp/churn; done ) &
cpus=$(cat /sys/devices/system/cpu/online)	# kjump takes all but one offline for each jump
note "A: $snaps snapshots in a row, $mib MiB pattern held, busy $busy, CPUs $cpus online"

for n in $(seq "$snaps"); do
	# data that changes between snapshots: a new file each time
	dd if=/dev/urandom of=/tmp/file bs=1k count=$((64 + n * 16)) 2>/dev/null
	sum=$(sha256sum /tmp/file | cut -c1-64)
	c1=$(cat /tmp/counter)
	kjump snapshot --to /dev/vdb --kernel /b/bzImage > /tmp/snap.out 2>&1 ||
		fail "snapshot $n exited $?: $(tail -n 3 /tmp/snap.out)"
	usleep 200000
	c2=$(cat /tmp/counter)
	kill -0 $COUNTER_PID || fail "A's counter died in snapshot $n"
	[ "$c2" -gt "$c1" ] || fail "A's counter stuck after snapshot $n"
	[ "$(sha256sum /tmp/file | cut -c1-64)" = "$sum" ] || fail "A's file changed in snapshot $n"
	check_pattern "A's pattern in snapshot $n"
	check_cpus "$cpus" "after snapshot $n"
	kjump verify --quiet /dev/vdb > /tmp/verify.out 2>&1 ||
		fail "verify after snapshot $n: $(cat /tmp/verify.out)"
	note "snapshot $n: $(grep frozen: /tmp/snap.out); file, pattern and image good"
done
# A B too small for a save (the least region B boots in, which kjump
# names when given less) refuses it and comes back with its reason (in
# the target's header): A fails the snapshot with it and continues.
kjump unload > /tmp/unload.out 2>&1 || fail "kjump unload: $(cat /tmp/unload.out)"
kjump snapshot --to /dev/vdb --kernel /b/bzImage --reserve 32M > /tmp/snap.out 2>&1 &&
	fail "a snapshot with B in 32 MiB did not fail: $(tail -n 3 /tmp/snap.out)"
least=$(sed -n 's/.*use --reserve \([0-9]*\)M or more.*/\1/p' /tmp/snap.out)
[ -n "$least" ] || fail "kjump did not name the region B needs: $(tail -n 2 /tmp/snap.out)"
note "the least region for B: $least MiB ($(grep -o 'its kernel needs.*more to run' /tmp/snap.out))"
kjump snapshot --to /dev/vdb --kernel /b/bzImage --reserve "${least}M" > /tmp/snap.out 2>&1 &&
	fail "a snapshot with B in $least MiB did not fail: $(tail -n 3 /tmp/snap.out)"
cat /tmp/snap.out
grep -q "B did not save the image: not saving: " /tmp/snap.out ||
	fail "A did not give B's reason for refusing: $(tail -n 2 /tmp/snap.out)"
c1=$(cat /tmp/counter); usleep 300000
[ "$(cat /tmp/counter)" -gt "$c1" ] || fail "A's counter stuck after the refused snapshot"
check_cpus "$cpus" "after the refused snapshot"
note "B in $least MiB refused the save; A continues"
pass
