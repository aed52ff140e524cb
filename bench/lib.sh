# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the benchmarks: the VM helpers of tests/vm, plus statistics.
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/vm/lib.sh"

# median: numbers on stdin, one per line
median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2}'; }
# bench_values LOG TAG: the numbers of "BENCH TAG <number>" lines
bench_values() { grep -a "^BENCH $2 " "$1" | tr -d '\r' | awk '{print $3}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "nan" }'; }

# stamp LOG: every console line with the host's time it appeared (to 50
# ms or so), on stdout, until LOG.stop appears: where the guests' clocks
# do not reach (a line read half-written waits for its rest)
stamp() {
	local pending= line
	exec 3<"$1"
	while :; do
		while IFS= read -r line <&3; do
			printf '%s %s\n' "$EPOCHREALTIME" "$pending$line"
			pending=
		done
		pending+=$line
		[ -e "$1.stop" ] && break
		sleep 0.05
	done
	exec 3<&-
}

# vm_run_stamped LOG vm_run-ARGS...: vm_run, with every console line
# stamped with the host's time in LOG.host (stamp)
vm_run_stamped() {
	local log=$1 stamper
	: >"$log"
	rm -f "$log.stop"
	stamp "$log" >"$log.host" &
	stamper=$!
	vm_run "$@"
	touch "$log.stop"
	wait "$stamper"
	rm -f "$log.stop"
}

# host_frozen LOG NAME: how long A was frozen for the snapshot that
# printed "BENCH NAME ...", on the host's clock (LOG.host): from A's
# kernel logging that it freezes its tasks to its logging that it
# restarts them. Not kjump's own "frozen:" figure, CLOCK_BOOTTIME around
# the jump: a kernel without a TSC that runs on in suspend (QEMU TCG's
# CPUs have none) adds the time it was away from the RTC, in whole
# seconds, so that figure is off by up to a second either way.
host_frozen() {
	tr -d '\r' <"$1.host" | awk -v tag="BENCH $2 " '
		/Freezing user space processes$/ { f = $1 }
		/Restarting tasks/ { r = $1 }
		index($0, tag) { printf "%.2f", r - f; exit }'
}

# Every benchmark's guests run kjump and the test tools (membuf, patfill,
# heapfill...): build them first, so that a bench run straight from a
# fresh tree measures its workload, not a guest without it.
make -C "$KJ_TOP" --no-print-directory -s all test-tools >&2 ||
	{ echo "bench: cannot build kjump and its test tools (make all test-tools)" >&2; exit 1; }
