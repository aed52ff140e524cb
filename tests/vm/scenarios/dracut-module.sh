# SPDX-License-Identifier: GPL-2.0-or-later
# dracut-module: kjump's dracut module 90kjump, installed with make
# install-initramfs into a Debian root (tests/vm/initramfs-root), is taken
# by Debian's dracut there: its image (dracut -m "base kjump") holds kjump,
# the early-resume logic and the pre-mount hook, as lsinitrd lists them.
# No guest boots: the initramfs-tools scenario boots the same logic.
run() {
	local s d f ok=0
	s=$(vm_kernel_stock) || { echo "FAIL: could not fetch Debian's stock kernel"; return 1; }
	d=$(vm_initramfs_root "$s") ||
		{ echo "FAIL: the Debian root and its images did not build (see $OUT/stderr)"; return 1; }
	cp "$d/dracut.list" "$OUT/dracut.list"
	grep -q '^kjump$' "$d/dracut.list" ||
		{ echo "FAIL: lsinitrd does not list the dracut module kjump"; return 1; }
	for f in usr/sbin/kjump usr/lib/kjump/early-resume \
		 usr/lib/dracut/hooks/pre-mount/50-kjump-resume.sh; do
		grep -Eq "^-rwx.* $f\$" "$d/dracut.list" || { echo "FAIL: the dracut image lacks an executable $f"; ok=1; }
	done
	[ "$ok" = 0 ] || return 1
	# the very files make install-initramfs put into the root
	cmp -s "$d/root/usr/local/lib/kjump/early-resume" "$KJ_TOP/initramfs/early-resume" ||
		{ echo "FAIL: the root's early-resume is not this tree's"; return 1; }
	echo PASS
}
