# Guest B of the `switch` scenario: booted by A's `kjump switch`.
kjump status
grep -q 'kjump.b=1' /proc/cmdline || fail "B: not started by kjump"

# B sees only its own region (160 MiB by default) and low memory as RAM.
total_kb=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
[ "$total_kb" -le $((161 * 1024)) ] || fail "B: MemTotal $total_kb kB is more than B's region"
note "B: MemTotal $total_kb kB"

# A's markers, read from A's memory through /proc/vmcore.
[ -r /proc/vmcore ] || fail "B: no /proc/vmcore"
for m in m1 m2; do
	v=$(sed -n "s/.* kjt.$m=\([^ ]*\).*/\1/p" /proc/cmdline)
	addr=${v%%:*} want=${v#*:}
	got=$(kjump peek --raw "$addr" 64 | xxd -p | tr -d '\n')
	[ "$got" = "$want" ] || fail "B: marker $m at $addr reads $got, expected $want"
	phys=$(kjump peek --physical --raw "$addr" 64 2>/dev/null | xxd -p | tr -d '\n')
	if [ "$phys" = "$want" ]; then where="in place"; else where="in A's backup pages"; fi
	note "B: found A's marker $m at $addr ($where)"
done
[ "$where" = "in A's backup pages" ] || fail "B: marker 2 was not inside B's region; the test did not exercise the backup map"

start_counter /tmp/bcounter
for n in 1 2 3; do
	c1=$(cat /tmp/bcounter)
	kjump back > /tmp/back.out 2>&1 || fail "B: kjump back $n exited $?: $(cat /tmp/back.out)"
	c2=$(cat /tmp/bcounter)
	cat /tmp/back.out
	kill -0 $COUNTER_PID || fail "B: counter died"
	# B was frozen while A ran: its counter resumes where it stopped
	[ "$c2" -ge "$c1" ] && [ "$c2" -lt $((c1 + 100)) ] || fail "B: counter jumped from $c1 to $c2"
	usleep 300000
	c3=$(cat /tmp/bcounter)
	[ "$c3" -gt "$c2" ] || fail "B: counter stuck at $c2 after switch"
	note "B: resumed after back $n, counter $c1 -> $c2 -> $c3"
done
