# hibernate-resume-same: A hibernates; C, the same test kernel, resumes it.
run() {
	local k
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	vm_initramfs "$OUT/c.gz" "$KJ_TOP/tests/vm/guest/resume-c.sh"
	hibernate_then_resume "$k" "$OUT/c.gz"
}
