# kernel-7.3: the smoke set on the current mainline release. A and B are
# the test kernel built from Debian's linux-source-7.3 (kernel/build.sh
# 7.3); the scenarios call, switch, snapshot and hibernate-resume-stock run
# as they are, each in its own directory under $OUT, and the hibernated A
# is resumed by Debian's stock 7.2 cloud kernel as C. Each guest's console
# must show the kernel it was meant to run, so that a fallback to 6.12
# cannot pass for 7.3.
# kjump-test-kernel: 7.3
run() {
	local sub v log want
	export KJ_TEST_KERNEL_VERSION=7.3 KJ_STOCK_KERNEL_VERSION=7.2
	for sub in call switch snapshot hibernate-resume-stock; do
		mkdir -p "$OUT/$sub"
		v=$(OUT=$OUT/$sub; . "$KJ_TOP/tests/vm/scenarios/$sub.sh"; run 2>>"$OUT/stderr" |
			tee "$OUT/verdict" | grep -E '^(PASS|FAIL)' | tail -n 1)
		case $v in
		PASS) ;;
		FAIL*) echo "FAIL: $sub on 7.3: ${v#FAIL: }"; return 1 ;;
		*) echo "FAIL: $sub on 7.3 printed no verdict (see $OUT/$sub/)"; return 1 ;;
		esac
		for log in "$OUT/$sub"/console.log "$OUT/$sub"/run[0-9]-*.log; do
			[ -f "$log" ] || continue
			case $log in
			*/run2-C.log) want='7\.2\.' ;;
			*) want='7\.3\.' ;;
			esac
			grep -aq "Linux version $want" "$log" ||
				{ echo "FAIL: $sub: ${log##*/} is not from a $want kernel"; return 1; }
		done
		echo "kernel-7.3: $sub passed" >&2
	done
	echo PASS
}
