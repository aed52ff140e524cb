# hibernate-resume-stock: A hibernates; C is Debian's stock cloud kernel
# (no CONFIG_KEXEC_JUMP; virtio_blk is a module, taken from the package).
run() {
	local s
	s=$(vm_kernel_stock) || { echo "FAIL: could not fetch Debian's stock kernel"; return 1; }
	local mod
	mod=$(find "$s/lib/modules" -name 'virtio_blk.ko*' | head -n1)
	[ -n "$mod" ] || { echo "FAIL: no virtio_blk module in the stock kernel package"; return 1; }
	case $mod in
	*.xz) xz -dc "$mod" >"$OUT/virtio_blk.ko" ;;
	*.zst) zstd -qdc "$mod" >"$OUT/virtio_blk.ko" ;;
	*) cp "$mod" "$OUT/virtio_blk.ko" ;;
	esac
	vm_initramfs "$OUT/c.gz" "$KJ_TOP/tests/vm/guest/resume-c.sh" \
		"$OUT/virtio_blk.ko:/lib/modules/virtio_blk.ko"
	hibernate_then_resume "$s/vmlinuz" "$OUT/c.gz"
}
