# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers of the VM scenarios (sourced by tests/vm/run and demo).
#
# A scenario is tests/vm/scenarios/NAME.sh defining a function `run` that
# boots one or more QEMU guests with these helpers and ends with `verdict`
# (or prints "FAIL: reason" itself and returns 1). Guests report through
# the serial console: lines "KJTEST ..." written by tests/vm/guest/lib.sh.

KJ_TOP=${KJ_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
KJ_BUILD=$KJ_TOP/build
KJ_CACHE=${KJUMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kjump}

# vm_ready: get what the guests need, for tests/vm/run, demo and bench
# run alone (say in a fresh clone after plain `make`): QEMU and the guest
# userland, what the test kernel's build needs, the Debian peers the
# scenarios compare with (vmcore-dmesg, makedumpfile), and the tools that
# go into guests (build/tests/membuf...), which `make` does not build. The
# make is a fresh one: when make check runs us, its jobserver is not ours.
vm_ready() {
	"$KJ_TOP/tools/deps" vm kernel peers || return 1
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -C "$KJ_TOP" --no-print-directory -s all test-tools ||
		{ echo "the build of kjump or its test tools failed (above)" >&2; return 1; }
}

# Path of the test kernel's bzImage (built and cached on first use), from
# linux-source-$KJ_TEST_KERNEL_VERSION (6.12 unless set: kernel/build.sh).
vm_kernel_test() { "$KJ_TOP/kernel/build.sh" "${KJ_TEST_KERNEL_VERSION:-6.12}"; }
# Directory of Debian's stock cloud kernel (vmlinuz, config, lib/modules):
# series $1, else $KJ_STOCK_KERNEL_VERSION, else 6.12 (tests/vm/stock-kernel).
vm_kernel_stock() { "$KJ_TOP/tests/vm/stock-kernel" "${1:-${KJ_STOCK_KERNEL_VERSION:-6.12}}"; }

# vm_initramfs OUT GUEST_SCRIPT [SRC:DST ...]
# A gzip'd newc cpio: busybox, kjump, the test tools, the guest library,
# GUEST_SCRIPT as /test.sh, and any extra SRC:DST files.
vm_initramfs() {
	local out=$1 script=$2 root
	shift 2
	case $out in /*) ;; *) out=$PWD/$out ;; esac
	root=$(mktemp -d "${out%/*}/root.XXXXXX") && [ -d "$root" ] ||
		{ echo "vm_initramfs: cannot make a staging directory next to $out" >&2; return 1; }
	chmod 755 "$root"
	mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,mnt,etc,root,boot}
	cp /bin/busybox "$root/bin/busybox"
	cp "$KJ_BUILD/bin/kjump" "$root/bin/kjump"
	local tool
	for tool in membuf patfill; do
		if [ -x "$KJ_BUILD/tests/$tool" ]; then
			cp "$KJ_BUILD/tests/$tool" "$root/bin/$tool"
		else	# the guest will miss it: say why, here
			echo "vm_initramfs: $KJ_BUILD/tests/$tool is not built (make test-tools)" >&2
		fi
	done
	cp "$KJ_TOP/tests/vm/guest/init" "$root/init"
	cp "$KJ_TOP/tests/vm/guest/lib.sh" "$root/lib.sh"
	cp "$script" "$root/test.sh"
	local f
	for f in "$@"; do
		mkdir -p "$root/$(dirname "${f#*:}")"
		cp -r "${f%%:*}" "$root/${f#*:}"
	done
	chmod +x "$root/init"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) >"$out"
	rm -rf "$root"
}

# vm_run LOG KERNEL INITRD [--mem M] [--smp N] [--timeout S] [--disk FILE]...
#        [--append "ARGS"] [--uefi] [--serial-input BASE]
# (INITRD "": none, for a guest whose root is a disk)
# Boots a guest under TCG and waits for it to power off or time out.
# --uefi: a q35 machine with Debian's OVMF firmware, which starts the
# kernel through its EFI stub (else: a pc machine and QEMU's own loader).
# Sets VM_RC (0: powered off; 124: timed out; else QEMU's status).
# --serial-input BASE: the console also takes input, from the FIFO
# BASE.in (made here; write lines to it while the guest runs, e.g. once
# LOG shows a prompt); the output still goes to LOG.
vm_run() {
	local log=$1 kernel=$2 initrd=$3 mem=1G smp=2 timeout=300 append="" sin="" drain=""
	local -a disks=() serial machine=(-machine pc)
	shift 3
	while [ $# -gt 0 ]; do
		case $1 in
		--mem) mem=$2; shift 2 ;;
		--smp) smp=$2; shift 2 ;;
		--timeout) timeout=$2; shift 2 ;;
		--disk) disks+=(-drive "file=$2,format=raw,if=virtio,cache=unsafe"); shift 2 ;;
		--append) append=$2; shift 2 ;;
		--uefi)
			[ -r /usr/share/ovmf/OVMF.fd ] ||
				{ echo "vm_run: no /usr/share/ovmf/OVMF.fd (Debian's ovmf: tools/deps vm)" >&2; return 2; }
			machine=(-machine q35 -bios /usr/share/ovmf/OVMF.fd)
			shift ;;
		--serial-input) sin=$2; shift 2 ;;
		*) echo "vm_run: unknown option $1" >&2; return 2 ;;
		esac
	done
	serial=(-serial "file:$log")
	if [ -n "$sin" ]; then
		# QEMU's pipe backend reads BASE.in and writes BASE.out (drained
		# here); logfile= keeps the console log where it always is
		rm -f "$sin.in" "$sin.out"
		mkfifo "$sin.in" "$sin.out" || return 2
		serial=(-chardev "pipe,id=ser0,path=$sin,logfile=$log,logappend=off"
			-serial chardev:ser0)
	fi
	local try
	for try in 1 2; do
		: >"$log"
		VM_RC=0
		if [ -n "$sin" ]; then
			cat "$sin.out" >/dev/null &
			drain=$!
		fi
		# --foreground: QEMU stays in the scenario's process group, so
		# that stopping the scenario (tests/vm/run) stops QEMU too.
		# LOG.trace: QEMU's log of CPU resets, a triple fault among them
		# (a few KiB). KJ_VM_TRACE=1: every exception too (-d int), for
		# a guest that dies silently (tens of MiB a minute).
		rm -f "$log.trace"
		timeout --foreground -k 5 "$timeout" qemu-system-x86_64 -accel tcg "${machine[@]}" \
			-d "cpu_reset${KJ_VM_TRACE:+,int}" -D "$log.trace" \
			-cpu max -m "$mem" -smp "$smp" -nodefaults -no-reboot \
			-display none "${serial[@]}" \
			-kernel "$kernel" ${initrd:+-initrd "$initrd"} \
			-append "console=ttyS0 panic=-1 $append" \
			"${disks[@]}" </dev/null >"$log.qemu" 2>&1 || VM_RC=$?
		if [ -n "$drain" ]; then
			kill "$drain" 2>/dev/null
			wait "$drain" 2>/dev/null
			drain=""
		fi
		# A kernel that dies before it runs /init never met kjump: under
		# multi-threaded TCG, boot-time code patching occasionally traps
		# (seen with Debian's kernel: "Oops: int3" in early init), and
		# a guest may stop (QEMU status 0: a panic with panic=-1, or a
		# triple fault with -no-reboot) before user space. Boot such a
		# guest once more, and keep the first logs. Not a guest that
		# reached user space ("Run /init", a test's or a bench's line) or
		# that a kernel resumed from its own hibernation image (bench/
		# hibernate's peer: its resumed system prints no "Run /init").
		if [ "$try" = 1 ] && [ "$VM_RC" = 0 ] &&
		   ! grep -aq 'Run /\|KJTEST\|BENCH \|resume from hibernation\|image data' "$log"; then
			mv "$log" "$log.boot-flake"
			[ -f "$log.trace" ] && mv "$log.trace" "$log.trace.boot-flake"
			echo "vm_run: the guest kernel stopped before user space" \
				"($(vm_stop_reason "$log.boot-flake" "$log.trace.boot-flake")); booting it once more" >&2
			continue
		fi
		break
	done
	return 0
}

# vm_stop_reason LOG [TRACE]: how a guest that printed no verdict ended,
# in a few words with its last console line: a triple fault (in QEMU's
# TRACE, LOG.trace by default), a kernel panic, or else "it stopped".
vm_stop_reason() {
	local log=$1 trace=${2:-$1.trace} last how="it stopped"
	last=$(tr -d '\r' <"$log" | grep -a -v '^[[:space:]]*$' | tail -n 1 | cut -c1-120)
	if [ -f "$trace" ] && grep -aq 'Triple fault' "$trace"; then
		how="a CPU triple-faulted"
	elif grep -aq 'Kernel panic' "$log"; then
		how="kernel panic: $(grep -a -m1 'Kernel panic' "$log" | tr -d '\r' | cut -c1-100)"
	fi
	echo "$how; last console line: ${last:-none}"
}

# verdict LOG: print PASS or "FAIL: reason" from a guest's console log.
verdict() {
	local log=$1 line
	line=$(grep -a '^KJTEST RESULT' "$log" | tail -n 1 | tr -d '\r')
	case $line in
	"KJTEST RESULT PASS"*) echo PASS; return 0 ;;
	"KJTEST RESULT FAIL"*) echo "FAIL: ${line#KJTEST RESULT FAIL: }"; return 1 ;;
	esac
	if [ "${VM_RC:-0}" = 124 ]; then
		echo "FAIL: guest timed out (last console line: $(tail -n 1 "$log" | tr -d '\r' | cut -c1-120))"
	else	# a panic, a triple fault, a power-off
		echo "FAIL: guest stopped without a verdict (QEMU status ${VM_RC:-?}: $(vm_stop_reason "$log"); log $log)"
	fi
	return 1
}

# vm_fresh_disks [SIZE]: in $OUT, a spare 8 MiB vda.img (so that the
# target is /dev/vdb, as on a machine with a system disk) and an empty,
# sparse vdb.img of SIZE (default 1400M: room for a 1 GiB guest's image).
vm_fresh_disks() {
	rm -f "$OUT/vda.img" "$OUT/vdb.img"
	truncate -s 8M "$OUT/vda.img"
	truncate -s "${1:-1400M}" "$OUT/vdb.img"
}

# vm_stock_resume_initramfs STOCK_DIR OUT: C's initramfs for Debian's stock
# kernel in STOCK_DIR (vm_kernel_stock): resume-c.sh with the virtio
# modules that kernel does not have built in, numbered in load order
# (resume-c.sh loads /lib/modules/*.ko in name order): 6.12 and 7.2 have
# only virtio_blk as a module, 6.1 also virtio itself and its PCI drivers.
vm_stock_resume_initramfs() {
	local s=$1 out=$2 mod name n=0
	local -a extra=()
	for name in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev \
		    virtio_pci virtio_blk; do
		mod=$(find "$s/lib/modules" -name "$name.ko*" | head -n1)
		if [ -z "$mod" ]; then
			[ "$name" = virtio_blk ] &&
				{ echo "FAIL: no virtio_blk module in the stock kernel package"; return 1; }
			continue	# built in
		fi
		n=$((n + 1))
		case $mod in
		*.xz) xz -dc "$mod" >"${out%/*}/$name.ko" ;;
		*.zst) zstd -qdc "$mod" >"${out%/*}/$name.ko" ;;
		*) cp "$mod" "${out%/*}/$name.ko" ;;
		esac
		extra+=("${out%/*}/$name.ko:/lib/modules/$n-$name.ko")
	done
	vm_initramfs "$out" "$KJ_TOP/tests/vm/guest/resume-c.sh" "${extra[@]}"
}

# hibernate_then_resume C_KERNEL C_INITRD [--target-size SIZE] [OPTION...]:
# run 1 boots A on the test kernel (tests/vm/guest/hibernate-a.sh), which
# hibernates and powers off; run 2 boots C_KERNEL, which resumes A; A's
# verdict ends run 2's console log. OPTIONs go to both vm_run calls (say
# --mem 6G --smp 4 --uefi); the target is SIZE (vm_fresh_disks' default).
hibernate_then_resume() {
	local ck=$1 ci=$2 k size=
	shift 2
	if [ "${1:-}" = --target-size ]; then
		size=$2
		shift 2
	fi
	k=$(vm_kernel_test) || { echo "FAIL: test kernel did not build"; return 1; }
	vm_fresh_disks $size
	vm_initramfs "$OUT/a.gz" "$KJ_TOP/tests/vm/guest/hibernate-a.sh" "$k:/b/bzImage"
	vm_run "$OUT/run1-A.log" "$k" "$OUT/a.gz" --mem 1G --smp 2 --timeout 600 \
		--disk "$OUT/vda.img" --disk "$OUT/vdb.img" "$@"
	if ! grep -aq "image complete and verified; powering off" "$OUT/run1-A.log"; then
		verdict "$OUT/run1-A.log" >/dev/null && { echo "FAIL: A did not hibernate"; return 1; }
		echo "$(verdict "$OUT/run1-A.log") (before the power-off)"
		return 1
	fi
	[ "$VM_RC" = 0 ] || { echo "FAIL: the first QEMU did not power off (status $VM_RC)"; return 1; }
	vm_run "$OUT/run2-C.log" "$ck" "$ci" --mem 1G --smp 2 --timeout 600 \
		--disk "$OUT/vda.img" --disk "$OUT/vdb.img" "$@"
	verdict "$OUT/run2-C.log"
	local rc=$?
	if [ $rc = 0 ] && ! grep -aq "image marked resuming" "$OUT/run2-C.log"; then
		echo "FAIL: C's resume did not say it marked the image RESUMING before the jump"
		rc=1
	fi
	[ $rc = 0 ] && rm -f "$OUT/vdb.img"
	return $rc
}

# vm_initramfs_root STOCK_DIR: the directory tests/vm/initramfs-root
# prints: a Debian root tree with kjump and its initramfs hooks installed,
# and initrd.img, made by Debian's mkinitramfs for the stock kernel in
# STOCK_DIR (built once, then cached).
vm_initramfs_root() { "$KJ_TOP/tests/vm/initramfs-root" "$1"; }
