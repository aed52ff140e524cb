# hibernate-resume-stock-6.1: A (the 6.12 test kernel) hibernates; C is
# Debian bookworm's stock 6.1 cloud kernel, the oldest kernel kjump says
# may resume: virtio itself and its PCI drivers are modules there too.
run() {
	local s
	s=$(vm_kernel_stock 6.1) || { echo "FAIL: could not fetch Debian's stock 6.1 kernel"; return 1; }
	vm_stock_resume_initramfs "$s" "$OUT/c.gz" || return 1
	hibernate_then_resume "$s/vmlinuz" "$OUT/c.gz" || return 1
	grep -aq "Linux version 6\.1\." "$OUT/run2-C.log" ||
		{ echo "FAIL: C did not run Debian's 6.1 kernel"; return 1; }
}
