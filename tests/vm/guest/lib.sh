# Guest side of the scenarios (busybox sh). Verdicts go to the console.
pass() { echo "KJTEST RESULT PASS"; sync; poweroff -f; }
fail() { echo "KJTEST RESULT FAIL: $*"; sync; poweroff -f; }
note() { echo "KJTEST NOTE $*"; }
# expect DESCRIPTION COMMAND...: run, fail the scenario if it fails.
expect() { d=$1; shift; "$@" || fail "$d"; }

# A background process that counts, one step every 20 ms, into a file.
start_counter() {
	( i=0; while :; do i=$((i+1)); echo $i > "$1.tmp"; mv "$1.tmp" "$1"; usleep 20000; done ) &
	COUNTER_PID=$!
	usleep 300000
}

# start_pattern SEED MIB: MIB MiB of patfill's incompressible pattern in
# its own locked memory (tests/vm/tools/patfill.c), the physical address
# of each page in /tmp/pat.list; waits until it is ready (TCG is slow).
start_pattern() {
	patfill "$1" "$2" /tmp/pat.list > /tmp/patfill.out &
	for i in $(seq 3000); do grep -q ready /tmp/patfill.out 2>/dev/null && break; usleep 100000; done
	grep -q ready /tmp/patfill.out || fail "patfill did not get ready"
}

# check_pattern WHAT: fail with "WHAT changed" unless patfill finds every
# page of its pattern as it wrote it.
check_pattern() {
	rm -f /tmp/pat.list.check
	killall -USR1 patfill
	for i in $(seq 1200); do [ -s /tmp/pat.list.check ] && break; usleep 100000; done
	[ "$(cat /tmp/pat.list.check 2>/dev/null)" = "same 0" ] ||
		fail "$1 changed: $(cat /tmp/pat.list.check 2>/dev/null)"
}

# check_cpus BEFORE WHEN: fail unless the CPUs online are BEFORE (a list
# read from /sys/devices/system/cpu/online earlier): kjump takes all but
# one offline for each jump and must bring them back.
check_cpus() {
	[ "$(cat /sys/devices/system/cpu/online)" = "$1" ] ||
		fail "CPUs online $2: $(cat /sys/devices/system/cpu/online), before: $1"
}
