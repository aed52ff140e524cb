#!/usr/bin/env bash
# Print the path of Debian's linux-source-SERIES tarball for kernel/build.sh,
# and its package version on stderr as "version: V".
#   6.12  the installed linux-source-6.12 package (tools/deps kernel),
#         from the bookworm-security suite this machine's apt already has.
#   7.3   linux-source-7.3 from trixie-backports, through tools/apt-private
#         (apt-get download, then dpkg-deb -x into the cache; nothing is
#         installed), cached by package version.
# Usage: kernel/source.sh SERIES
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
cache=${KJUMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kjump}
series=${1:?usage: kernel/source.sh SERIES (6.12 or 7.3)}
say() { printf '[kernel] %s\n' "$*" >&2; }

case $series in
6.12)
	"$top/tools/deps" kernel >&2
	echo "version: $(dpkg-query -W -f='${Version}' linux-source-6.12)" >&2
	echo /usr/src/linux-source-6.12.tar.xz
	exit 0 ;;
# (the source is in trixie-backports; sid too, so that one private list
# serves it and tests/vm/stock-kernel 7.2)
7.3) suite=sid,trixie-backports ;;
*) echo "kernel/source.sh: no source for kernel series '$series' (6.12, 7.3)" >&2; exit 2 ;;
esac

pkg=linux-source-$series
apt=("$top/tools/apt-private" "$suite")
ver=$("${apt[@]}" apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}')
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	"${apt[@]}" update
	ver=$("${apt[@]}" apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}')
fi
[ -n "$ver" ] && [ "$ver" != "(none)" ] ||
	{ echo "kernel/source.sh: $pkg is not in Debian's $suite suite" >&2; exit 1; }
dir=$cache/$pkg-$ver
tarball=$dir/usr/src/$pkg.tar.xz
if [ ! -f "$tarball" ]; then
	mkdir -p "$cache"
	exec 9>"$cache/$pkg.lock"
	flock 9
	if [ ! -f "$tarball" ]; then
		say "downloading $pkg $ver from $suite"
		tmp=$(mktemp -d "$cache/$pkg.XXXXXX")
		chmod 755 "$tmp"
		(cd "$tmp" && "${apt[@]}" apt-get download "$pkg=$ver" >&2)
		dpkg-deb -x "$tmp"/*.deb "$tmp/x"
		[ -f "$tmp/x/usr/src/$pkg.tar.xz" ] ||
			{ echo "kernel/source.sh: $pkg $ver holds no usr/src/$pkg.tar.xz" >&2; exit 1; }
		rm -rf "$dir"
		mv "$tmp/x" "$dir"
		rm -rf "$tmp"
	fi
fi
echo "version: $ver" >&2
echo "$tarball"
