# hibernate-resume-stock: A hibernates; C is Debian's stock cloud kernel
# (no CONFIG_KEXEC_JUMP; virtio_blk is a module, taken from the package).
run() {
	local s
	s=$(vm_kernel_stock) || { echo "FAIL: could not fetch Debian's stock kernel"; return 1; }
	vm_stock_resume_initramfs "$s" "$OUT/c.gz" || return 1
	hibernate_then_resume "$s/vmlinuz" "$OUT/c.gz"
}
