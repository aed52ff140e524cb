# bigmem: a 6 GiB guest with 4 vCPUs. A's 256 MiB pattern lies partly above
# 4 GiB (the guest says how much); A hibernates with B beside it (the
# kernel takes the three other CPUs offline for each jump) and the test
# kernel, with 4 CPUs too, resumes it; A checks every byte.
run() {
	local k high
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	vm_initramfs "$OUT/c.gz" "$KJ_TOP/tests/vm/guest/resume-c.sh"
	hibernate_then_resume "$k" "$OUT/c.gz" --target-size 6400M \
		--mem 6G --smp 4 --timeout 900 || return 1
	high=$(grep -a "pages above 4 GiB" "$OUT/run1-A.log" | sed -n 's/.*pattern: \([0-9]*\) pages above 4 GiB.*/\1/p')
	[ -n "$high" ] && [ "$high" -gt 0 ] ||
		{ echo "FAIL: none of A's pattern lay above 4 GiB (${high:-no count})"; return 1; }
	grep -aq "smpboot: Total of 4 processors activated" "$OUT/run1-A.log" ||
		{ echo "FAIL: A did not run on 4 CPUs"; return 1; }
	echo PASS
}
