#!/usr/bin/env bash
# Build kjump's test kernel from Debian's linux-source-6.12 and print the path
# of its bzImage on stdout (everything else goes to stderr).
#
# The build is cached outside the tree, in $KJUMP_CACHE (default
# ~/.cache/kjump), keyed by the source package version and the hash of
# kernel/kjump.config, so a second run costs well under a second.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
fragment=$here/kjump.config
cache=${KJUMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kjump}
say() { printf '[kernel] %s\n' "$*" >&2; }

"$top/tools/deps" kernel >&2

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
key=$(printf '%s\n' "$srcver" | cat - "$fragment" | sha256sum | cut -c1-16)
out=$cache/kernel-$key
if [ -f "$out/bzImage" ]; then
	say "cached: $out/bzImage (linux-source-6.12 $srcver, config $key)"
	echo "$out/bzImage"
	exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/kernel-$key.lock"
flock 9
if [ -f "$out/bzImage" ]; then	# another build finished while we waited
	echo "$out/bzImage"
	exit 0
fi

src=$cache/src-$srcver
if [ ! -f "$src/Makefile" ]; then
	say "unpacking linux-source-6.12 $srcver"
	rm -rf "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xf /usr/src/linux-source-6.12.tar.xz -C "$src.tmp" --strip-components=1
	mv "$src.tmp" "$src"
fi

obj=$cache/build-$key
rm -rf "$obj"
mkdir -p "$obj"
say "configuring (tinyconfig + $(grep -c '^CONFIG_' "$fragment") options)"
make -s -C "$src" O="$obj" tinyconfig >&2
cat "$fragment" >>"$obj/.config"
make -s -C "$src" O="$obj" olddefconfig >"$obj/config.log" 2>&1 ||
	{ cat "$obj/config.log" >&2; exit 1; }

missing=0
while read -r line; do
	case $line in CONFIG_*) ;; *) continue ;; esac
	if ! grep -qx "$line" "$obj/.config"; then
		say "option did not take: $line"
		missing=1
	fi
done <"$fragment"
[ "$missing" = 0 ] || { say "fix kernel/kjump.config (a dependency is missing)"; exit 1; }

jobs=$(nproc)
say "building bzImage with $jobs jobs (about 5 minutes on 2 cores; log: $obj/build.log)"
start=$(date +%s)
make -C "$src" O="$obj" -j"$jobs" bzImage >"$obj/build.log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	sleep 20
	kill -0 "$pid" 2>/dev/null || break
	say "$(grep -c '^  CC' "$obj/build.log" || true) files compiled, $(( $(date +%s) - start )) s"
done
if ! wait "$pid"; then
	tail -n 30 "$obj/build.log" >&2
	say "build failed; full log in $obj/build.log"
	exit 1
fi
mkdir -p "$out.tmp"
cp "$obj/arch/x86/boot/bzImage" "$obj/vmlinux" "$obj/.config" "$obj/System.map" "$out.tmp/"
printf '%s\n' "$srcver" >"$out.tmp/source-version"
rm -rf "$out"
mv "$out.tmp" "$out"
rm -rf "$obj"
say "built in $(( $(date +%s) - start )) s: $out/bzImage"
echo "$out/bzImage"
