#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dracut module 90kjump (installed as
# /usr/lib/dracut/modules.d/90kjump/module-setup.sh): resume a system
# that `kjump hibernate` saved, from the pre-mount hook, before the root
# filesystem is mounted. The logic is kjump's early-resume script, the
# same as with initramfs-tools; kjump.resume=DEV on the kernel command
# line (or RESUME= in /etc/kjump/resume.conf) names the image's device.
#
# `make install-initramfs` writes the installed paths in below.

kjump_bin=@SBINDIR@/kjump
kjump_logic=@LIBDIR@/kjump/early-resume

# called by dracut: included by default wherever kjump is installed
check() {
    [[ -x $dracutsysrootdir$kjump_bin && -f $dracutsysrootdir$kjump_logic ]] || return 1
    return 0
}

# called by dracut
depends() {
    return 0
}

# called by dracut
install() {
    inst "$kjump_bin" /usr/sbin/kjump
    inst_script "$kjump_logic" /usr/lib/kjump/early-resume
    [[ -f $dracutsysrootdir/etc/kjump/resume.conf ]] && inst_simple /etc/kjump/resume.conf
    inst_hook pre-mount 50 "$moddir/kjump-resume.sh"
}
