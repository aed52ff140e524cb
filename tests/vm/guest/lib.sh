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
