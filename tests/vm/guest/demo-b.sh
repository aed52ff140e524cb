# The demo, in B.
d() { echo "DEMO $*"; }
total=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
d "   B is up: $(uname -r), sees $((total / 1024)) MiB of RAM (its own region only) and A's memory as /proc/vmcore ($(($(stat -c %s /proc/vmcore) / 1048576)) MiB)"
start_counter /tmp/bcounter
while :; do
	c=$(cat /tmp/bcounter)
	d "   B's own counter is at $c; B -> A (kjump back)"
	out=$(kjump back 2>&1) || fail "back: $out"
	d "   B resumed: $(echo "$out" | tail -n1); B's counter continues from $(cat /tmp/bcounter)"
done
