# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the benchmarks: the VM helpers of tests/vm, plus statistics.
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/vm/lib.sh"

# median: numbers on stdin, one per line
median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2}'; }
# bench_values LOG TAG: the numbers of "BENCH TAG <number>" lines
bench_values() { grep -a "^BENCH $2 " "$1" | tr -d '\r' | awk '{print $3}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "nan" }'; }

# Every benchmark's guests run kjump and the test tools (membuf, patfill,
# heapfill...): build them first, so that a bench run straight from a
# fresh tree measures its workload, not a guest without it.
make -C "$KJ_TOP" --no-print-directory -s all test-tools >&2 ||
	{ echo "bench: cannot build kjump and its test tools (make all test-tools)" >&2; exit 1; }
