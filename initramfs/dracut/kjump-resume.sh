#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dracut pre-mount hook of module 90kjump (sourced by dracut, so it
# never exits): run kjump's early resume in a shell of its own. It comes
# back only when there is nothing to resume, having said why; dracut then
# mounts the root filesystem as usual.
[ -x /usr/lib/kjump/early-resume ] && /usr/lib/kjump/early-resume
