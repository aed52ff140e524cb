#!/usr/bin/env bash
# Build kjump's test kernel from Debian's linux-source-SERIES and print the
# path of its bzImage on stdout (everything else goes to stderr).
# Usage: kernel/build.sh [SERIES [VARIANT]]   (6.12, the default, or 7.3;
# VARIANT: "modular", kernel/kjump-modular.config on top, whose modules
# are installed next to the bzImage, in modules/lib/modules/RELEASE)
#
# kernel/source.sh finds the source tarball (7.3 comes from trixie-backports
# through a private apt configuration). The same kernel/kjump.config goes on
# top of tinyconfig for every series, plus kernel/kjump-SERIES.config when
# that file exists (options a later kernel renamed or split).
#
# The build is cached outside the tree, in $KJUMP_CACHE (default
# ~/.cache/kjump), keyed by the source package version and the hash of the
# fragments, so a second run costs well under a second.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
series=${1:-6.12}
variant=${2:-}
fragment=$here/kjump.config
extra=()	# the series' fragment, then the variant's: later options win
[ -f "$here/kjump-$series.config" ] && extra+=("$here/kjump-$series.config")
if [ -n "$variant" ]; then
	[ -f "$here/kjump-$variant.config" ] ||
		{ echo "kernel/build.sh: no variant '$variant' (kernel/kjump-$variant.config)" >&2; exit 2; }
	extra+=("$here/kjump-$variant.config")
fi
cache=${KJUMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kjump}
say() { printf '[kernel] %s\n' "$*" >&2; }

"$top/tools/deps" kernel >&2

srclog=$(mktemp)
tarball=$("$here/source.sh" "$series" 2>"$srclog") ||
	{ cat "$srclog" >&2; rm -f "$srclog"; exit 1; }
srcver=$(sed -n 's/^version: //p' "$srclog")
grep -v '^version: ' "$srclog" >&2 || true
rm -f "$srclog"
[ -n "$srcver" ] || { say "kernel/source.sh named no version"; exit 1; }
# (6.12's key is the one it had before there were several series)
key=$(printf '%s\n' "$srcver" | cat - "$fragment" ${extra[@]+"${extra[@]}"} | sha256sum | cut -c1-16)
out=$cache/kernel-$key
if [ -f "$out/bzImage" ]; then
	say "cached: $out/bzImage (linux-source-$series $srcver, config $key)"
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
	say "unpacking linux-source-$series $srcver"
	rm -rf "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xf "$tarball" -C "$src.tmp" --strip-components=1
	mv "$src.tmp" "$src"
fi

obj=$cache/build-$key
rm -rf "$obj"
mkdir -p "$obj"
say "configuring (tinyconfig + $(cat "$fragment" ${extra[@]+"${extra[@]}"} | grep -c '^CONFIG_') options)"
make -s -C "$src" O="$obj" tinyconfig >&2
cat "$fragment" ${extra[@]+"${extra[@]}"} >>"$obj/.config"
make -s -C "$src" O="$obj" olddefconfig >"$obj/config.log" 2>&1 ||
	{ cat "$obj/config.log" >&2; exit 1; }

missing=0
while read -r line; do
	case $line in CONFIG_*) ;; *) continue ;; esac
	if ! grep -qx "$line" "$obj/.config"; then
		say "option did not take: $line"
		missing=1
	fi
done < <(cat "$fragment" ${extra[@]+"${extra[@]}"} | awk -F= '/^CONFIG_/ { last[$1] = $0; order[++n] = $1 }
	END { for (i = 1; i <= n; i++) if (!(order[i] in done)) { done[order[i]] = 1; print last[order[i]] } }')
[ "$missing" = 0 ] || { say "fix kernel/kjump.config${extra[*]:+ or ${extra[*]}} (a dependency is missing or renamed)"; exit 1; }

jobs=$(nproc)
say "building linux-source-$series bzImage with $jobs jobs (about 5 minutes on 2 cores; log: $obj/build.log)"
start=$(date +%s)
targets=bzImage
grep -qx CONFIG_MODULES=y "$obj/.config" && targets="bzImage modules"
make -C "$src" O="$obj" -j"$jobs" $targets >"$obj/build.log" 2>&1 &
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
if [ "$targets" != bzImage ]; then
	make -s -C "$src" O="$obj" INSTALL_MOD_PATH="$out.tmp/modules" modules_install \
		>>"$obj/build.log" 2>&1 || { tail -n 20 "$obj/build.log" >&2; exit 1; }
fi
rm -rf "$out"
mv "$out.tmp" "$out"
rm -rf "$obj"
say "built in $(( $(date +%s) - start )) s: $out/bzImage"
echo "$out/bzImage"
