# Guest A of the `switch` scenario.
start_counter /tmp/counter
# Two random markers in pinned pages. B's region is placed over the second
# one, so B must find it through A's backup pages, not at its address.
for m in 1 2; do
	# fresh pages come from the top of RAM, where A's per-CPU notes also
	# are: marker 2 goes in the lowest page of 200 MiB
	low=; [ $m = 2 ] && low="--low 200"
	dd if=/dev/urandom of=/tmp/marker$m bs=64 count=1 2>/dev/null
	membuf $low /tmp/marker$m /tmp/marker$m.check > /tmp/marker$m.at &
	# touching and translating 200 MiB takes seconds under a loaded TCG
	for i in $(seq 600); do [ -s /tmp/marker$m.at ] && break; usleep 100000; done
	[ -s /tmp/marker$m.at ] || fail "membuf did not report marker $m's address"
done
a1=$(cut -d' ' -f1 /tmp/marker1.at); h1=$(xxd -p /tmp/marker1 | tr -d '\n')
a2=$(cut -d' ' -f1 /tmp/marker2.at); h2=$(xxd -p /tmp/marker2 | tr -d '\n')
note "A: markers at $a1 and $a2"

# The region starts 96 MiB below marker 2 (2 MiB aligned) and runs to it
# and beyond, up to the end of the RAM range that holds it.
a2d=$((a2))
top=0
while read -r line; do
	case $line in *": System RAM")
		r=${line%% *}; s=$((0x${r%-*})); t=$((0x${r#*-} + 1))
		[ $s -le $a2d ] && [ $a2d -lt $t ] && top=$t ;;
	esac
done < /proc/iomem
# A's per-CPU crash notes (kept out of B's region) land at a different
# place on every boot, sometimes within 160 MiB above marker 2: then try
# smaller regions too.
loaded=
for size_mib in 160 128 96; do
	for back in 96 64 32 16 8 4 0; do
		start=$(( ((a2d >> 21) << 21) - back * 1024 * 1024 ))
		[ $start -ge $((16 * 1024 * 1024)) ] || continue
		size=$((size_mib * 1024 * 1024))
		[ $((start + size)) -le $top ] || size=$(( (top - start) & ~4095 ))
		[ $((start + size)) -gt $((a2d + 4096)) ] || continue
		if kjump load -v /b/bzImage --initrd /b/initrd.gz --region $start --reserve $size \
			--append "console=ttyS0 kjt.m1=$a1:$h1 kjt.m2=$a2:$h2" > /tmp/load.out 2>&1; then
			loaded=$start; break 2
		fi
		note "A: region at $start+$size refused: $(tail -n1 /tmp/load.out)"
	done
done
[ -n "$loaded" ] || note "A: crash notes at $(cat /sys/devices/system/cpu/cpu*/crash_notes | tr '\n' ' ')"
[ -n "$loaded" ] || fail "kjump load found no region over marker 2: $(cat /tmp/load.out)"
cat /tmp/load.out
kjump status

for n in 1 2 3; do
	before=$(cat /tmp/counter)
	kjump switch > /tmp/switch.out 2>&1 || fail "kjump switch $n exited $?: $(cat /tmp/switch.out)"
	cat /tmp/switch.out
	usleep 300000
	after=$(cat /tmp/counter)
	kill -0 $COUNTER_PID || fail "A's counter died in switch $n"
	[ "$after" -gt "$before" ] || fail "A's counter stuck after switch $n ($before -> $after)"
	rm -f /tmp/marker1.check /tmp/marker2.check
	killall -USR1 membuf
	usleep 200000
	[ "$(cat /tmp/marker1.check 2>/dev/null)" = same ] || fail "A's marker 1 changed after switch $n"
	[ "$(cat /tmp/marker2.check 2>/dev/null)" = same ] || fail "A's marker 2 changed after switch $n"
	note "A: back from switch $n, counter $before -> $after, markers unchanged"
done
grep -q "switch 3" /tmp/switch.out || fail "switch count is not 3"
kjump status | grep -q "switches: 3" || fail "status does not show 3 switches"
pass
