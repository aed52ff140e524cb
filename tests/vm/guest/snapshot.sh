# Guest of the `snapshot` scenario.
start_counter /tmp/counter
[ -w /proc/sys/vm/compact_unevictable_allowed ] && echo 0 > /proc/sys/vm/compact_unevictable_allowed
seed=$(( $(date +%s) % 100000 + 1 ))
patfill $seed 256 /tmp/pattern.list > /tmp/patfill.out &
for i in $(seq 600); do grep -q ready /tmp/patfill.out 2>/dev/null && break; usleep 100000; done
grep -q ready /tmp/patfill.out || fail "patfill did not get ready"
marker="kjump-snapshot-marker-$seed-$$"
# the note first, and its line out on the console before the kernel's
# echo of the marker, which would otherwise land inside it (seen on 7.3)
note "marker: $marker"
usleep 300000
echo "$marker" > /dev/kmsg

json() { sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p" /tmp/info.json; }
for n in 1 2 3; do
	c1=$(cat /tmp/counter)
	kjump snapshot --to /dev/vdb --kernel /b/bzImage > /tmp/snap.out 2>&1 ||
		fail "snapshot $n exited $?: $(tail -n 3 /tmp/snap.out)"
	cat /tmp/snap.out
	usleep 300000
	c2=$(cat /tmp/counter)
	kill -0 $COUNTER_PID || fail "A's counter died in snapshot $n"
	[ "$c2" -gt "$c1" ] || fail "A's counter stuck after snapshot $n"
	kjump verify --quiet /dev/vdb > /tmp/verify.out 2>&1 || fail "verify after snapshot $n: $(cat /tmp/verify.out)"
	kjump info --json /dev/vdb > /tmp/info.json || fail "info after snapshot $n: $(cat /tmp/info.json)"
	free=$(json pages_free) image=$(json image_bytes) ram=$(json ram_bytes)
	[ "$free" -gt 0 ] || fail "snapshot $n left no free page out"
	[ $((image * 2)) -lt "$ram" ] || fail "snapshot $n: image of $image bytes is not far smaller than RAM ($ram)"
	note "snapshot $n: $(grep frozen: /tmp/snap.out), image $((image >> 20)) MiB of $((ram >> 20)) MiB RAM, $free free pages left out; counter $c1 -> $c2"
done
grep -q '"state": "complete"' /tmp/info.json || fail "info does not say complete"
kill -0 %1 2>/dev/null || pidof patfill > /dev/null || fail "patfill died"
dd if=/tmp/pattern.list of=/dev/vda bs=64k conv=fsync 2>/dev/null || fail "cannot write the pattern list"
pass
