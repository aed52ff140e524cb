# SPDX-License-Identifier: GPL-2.0-or-later
# A of sealed-snapshot (one guest, no resume): holds a secret in memory
# and takes three snapshots, checking each reader on them:
#  /dev/vdc  unsealed (B is kept loaded after it), for the host to show
#            that the secret is found in a plain image;
#  /dev/vdb  sealed with a key file: it replaces the kept B with a fresh
#            one (as every sealed snapshot boots one) and unloads
#            its own; info shows only the public part without the key,
#            verify and export refuse a missing or wrong key and pass
#            with the right one, and the export holds the secret;
#  /dev/vdd  sealed with a passphrase typed on the console (the host
#            types it, vm_run --serial-input): a mistyped confirmation
#            is refused first; verify takes a wrong passphrase, then the
#            right one; info opens it with the same passphrase from a file.
secret=$(cat /etc/kjump-test-secret)
key=/etc/kjump-test.key
wrong=/etc/kjump-test-wrong.key
loaded() { cat /sys/kernel/kexec_loaded; }
start_counter /tmp/counter
# the secret in a tmpfs file, between random bytes, and in a process's
# memory (its command line), as in sealed-hibernate
for _ in $(seq 64); do head -c 4000 /dev/urandom; printf '%s' "$secret"; done > /tmp/secret.bin
sh -c "s='$secret'; while :; do sleep 1; done" &
marker="kjump-sealed-snapshot-marker-$$-$(cat /proc/sys/kernel/random/uuid)"
# the note first, and its line out on the console before the kernel's
# echo of the marker, which would otherwise land inside it (seen on 7.3)
note "marker: $marker"
usleep 300000
echo "$marker" > /dev/kmsg
# holds FILE TEXT: is TEXT in FILE? (busybox grep stops a line at a NUL
# byte, so the NULs go first)
holds() { tr -d '\000' < "$1" | grep -q -F "$2"; }
# left_behind NAME: /tmp/NAME and export's temporary files for it, if any
left_behind() { for f in "/tmp/$1" "/tmp/.$1."*; do [ -e "$f" ] && echo "$f"; done; }
# counter_moves WHAT: fail unless A's counter still counts
counter_moves() {
	c1=$(cat /tmp/counter)
	usleep 300000
	kill -0 "$COUNTER_PID" || fail "A's counter died in $1"
	[ "$(cat /tmp/counter)" -gt "$c1" ] || fail "A's counter stuck after $1"
}

# 1. unsealed, to /dev/vdc: its B stays loaded
kjump snapshot --to /dev/vdc --kernel /b/bzImage > /tmp/s1.out 2>&1 ||
	fail "the unsealed snapshot failed: $(tail -n 2 /tmp/s1.out)"
[ "$(loaded)" = 1 ] || fail "the unsealed snapshot's B was not kept loaded"
counter_moves "the unsealed snapshot"
note "A: unsealed snapshot on /dev/vdc; B kept loaded"
# a sealed snapshot whose key cannot be read changes nothing: the kept B
# stays loaded (the key is read before anything is replaced)
kjump snapshot --seal --key-file /nonexistent --to /dev/vdb --kernel /b/bzImage > /tmp/s0.out 2>&1; rc=$?
[ $rc = 1 ] && grep -q "/nonexistent" /tmp/s0.out || fail "a missing key file was not refused (exit $rc): $(cat /tmp/s0.out)"
[ "$(loaded)" = 1 ] || fail "a sealed snapshot refused for its key file unloaded the kept B"

# 2. sealed with a key file, to /dev/vdb: a fresh B, unloaded after
kjump snapshot --seal --key-file $key --to /dev/vdb --kernel /b/bzImage > /tmp/s2.out 2>&1 ||
	fail "kjump snapshot --seal --key-file failed: $(tail -n 2 /tmp/s2.out)"
cat /tmp/s2.out
grep -q "replacing the B loaded for 'snapshot' (a sealed run boots a fresh B)" /tmp/s2.out ||
	fail "the sealed snapshot did not replace the B kept loaded"
grep -q "switching to B (boots first)" /tmp/s2.out || fail "the sealed snapshot did not boot a fresh B"
grep -q "sealing: key from the key file $key" /tmp/s2.out || fail "the snapshot did not say how it sealed"
grep -q "^sealed snapshot written to /dev/vdb" /tmp/s2.out || fail "the snapshot did not report a sealed image"
[ "$(loaded)" = 0 ] || fail "B, which held the seal key, is still loaded after the sealed snapshot"
counter_moves "the sealed snapshot"

# info: without a key, the public part only (exit 0: complete as far as
# one can tell); with it, everything
kjump info /dev/vdb < /dev/null > /tmp/i1.out 2>&1 || fail "kjump info (public) failed: $(cat /tmp/i1.out)"
grep -q "^state: *complete" /tmp/i1.out && grep -q "^kind: *snapshot" /tmp/i1.out ||
	fail "info without the key does not show a complete snapshot: $(head -n 2 /tmp/i1.out)"
grep -q "^sealed: *key file, " /tmp/i1.out || fail "info does not say the image is sealed with a key file"
grep -q "the rest is encrypted: give --key-file" /tmp/i1.out || fail "info does not say how to see more"
grep -q -e "^system:" -e "^entry:" -e "^pages:" /tmp/i1.out && fail "info without the key shows the private part"
kjump info --json /dev/vdb < /dev/null > /tmp/i1.json 2>&1 || fail "kjump info --json failed"
grep -q '"sealed": true, "unsealed": false' /tmp/i1.json && grep -q '"release": ""' /tmp/i1.json &&
	grep -q '"complete": false' /tmp/i1.json || fail "info --json without the key: $(cat /tmp/i1.json)"
kjump info --key-file $key /dev/vdb > /tmp/i2.out 2>&1 || fail "kjump info --key-file failed: $(cat /tmp/i2.out)"
grep -q "^system: *Linux $(uname -r) " /tmp/i2.out || fail "info with the key does not show the system"
grep -q "^sealed: *key file, .*(opened: header and index authenticated)" /tmp/i2.out ||
	fail "info with the key does not say it opened the image"
uuid_b=$(sed -n 's/^uuid: *//p' /tmp/i2.out)

# verify: no key, a wrong key, a passphrase for a key file: refused; the key: passes
kjump verify --quiet /dev/vdb < /dev/null > /tmp/v.out 2>&1 && fail "verify without a key passed"
grep -q "sealed with a key file: give --key-file" /tmp/v.out || fail "verify without a key: $(cat /tmp/v.out)"
kjump verify --quiet --key-file $wrong /dev/vdb > /tmp/v.out 2>&1; rc=$?
[ $rc = 1 ] || fail "verify with a wrong key file exited $rc: $(cat /tmp/v.out)"
grep -q "/dev/vdb: wrong passphrase or key" /tmp/v.out || fail "verify with a wrong key file: $(cat /tmp/v.out)"
kjump verify --quiet --passphrase-file /etc/kjump-test-pass /dev/vdb > /tmp/v.out 2>&1 &&
	fail "verify with a passphrase of an image sealed with a key file passed"
grep -q "sealed with a key file, not a passphrase" /tmp/v.out || fail "verify with a passphrase: $(cat /tmp/v.out)"
kjump verify --quiet --key-file $key /dev/vdb > /tmp/v.out 2>&1 || fail "verify with the key failed: $(cat /tmp/v.out)"
grep -q "image OK: .*sealed: every chunk authenticated" /tmp/v.out || fail "verify with the key: $(cat /tmp/v.out)"
note "A: /dev/vdb: info public without the key; verify refused without it and with a wrong one, passed with it"

# export: a wrong key leaves no file behind; the key gives a core
kjump export --elf --key-file $wrong /dev/vdb -o /tmp/wrong.elf > /tmp/e.out 2>&1; rc=$?
[ $rc = 1 ] || fail "export with a wrong key file exited $rc: $(cat /tmp/e.out)"
grep -q "wrong passphrase or key" /tmp/e.out || fail "export with a wrong key file: $(cat /tmp/e.out)"
[ -z "$(left_behind wrong.elf)" ] || fail "a refused export left a file: $(left_behind wrong.elf)"
kjump export --elf /dev/vdb -o /tmp/nokey.elf < /dev/null > /tmp/e.out 2>&1 && fail "export without a key passed"
grep -q "give --key-file" /tmp/e.out || fail "export without a key: $(cat /tmp/e.out)"
[ -z "$(left_behind nokey.elf)" ] || fail "a refused export left a file: $(left_behind nokey.elf)"
kjump export --elf --key-file $key /dev/vdb -o /tmp/core.elf > /tmp/e.out 2>&1 ||
	fail "export with the key failed: $(tail -n 2 /tmp/e.out)"
# ELF64, little-endian, ET_CORE, x86-64
elf=$(od -An -tx1 -N20 /tmp/core.elf | tr -d ' \n')
[ "$elf" = 7f454c4602010100000000000000000004003e00 ] ||
	fail "the export is not an x86-64 ELF64 core: its first bytes are $elf"
holds /tmp/core.elf "$secret" || fail "the export does not hold A's secret"
holds /tmp/core.elf "$marker" || fail "the export does not hold A's kernel log marker"
note "A: export refused with a wrong key (no file left), gave an ELF core holding A's secret with the key"
rm -f /tmp/core.elf

# 3. sealed with a typed passphrase, to /dev/vdd: first a confirmation
# that differs (refused before anything is loaded), then the same twice
note "A: sealing with a typed passphrase; the host mistypes the confirmation first"
kjump snapshot --seal --to /dev/vdd --kernel /b/bzImage > /tmp/s3.out 2>&1 &&
	fail "a snapshot whose two passphrases differ went on: $(tail -n 2 /tmp/s3.out)"
grep -q "the two passphrases differ" /tmp/s3.out || fail "the refused snapshot: $(cat /tmp/s3.out)"
[ "$(loaded)" = 0 ] || fail "something is loaded after the refused snapshot"
kjump info /dev/vdd < /dev/null > /tmp/i3.out 2>&1 && fail "the refused snapshot wrote an image: $(cat /tmp/i3.out)"
note "A: a confirmation that differs was refused; nothing loaded, nothing written"
kjump snapshot --seal --to /dev/vdd --kernel /b/bzImage > /tmp/s4.out 2>&1 ||
	fail "kjump snapshot --seal (typed passphrase) failed: $(tail -n 2 /tmp/s4.out)"
cat /tmp/s4.out
grep -q "sealing: key from the passphrase with Argon2id" /tmp/s4.out || fail "the snapshot did not say how it sealed"
grep -q "replacing the B" /tmp/s4.out && fail "the second sealed snapshot found a B loaded"
grep -q "switching to B (boots first)" /tmp/s4.out || fail "the second sealed snapshot did not boot a fresh B"
[ "$(loaded)" = 0 ] || fail "B is still loaded after the second sealed snapshot"
counter_moves "the sealed snapshot with a passphrase"
# verify asks on the console: the host types a wrong one, then the right one
kjump verify --quiet /dev/vdd > /tmp/v.out 2>&1 || fail "verify with the typed passphrase failed: $(cat /tmp/v.out)"
cat /tmp/v.out
grep -q "wrong passphrase or key.*try again (2 of 3)" /tmp/v.out || fail "verify did not refuse the wrong passphrase first"
grep -q "image OK: .*sealed: every chunk authenticated" /tmp/v.out || fail "verify with the typed passphrase: $(cat /tmp/v.out)"
kjump info --passphrase-file /etc/kjump-test-pass /dev/vdd > /tmp/i4.out 2>&1 ||
	fail "info with the passphrase typed at the snapshot failed: $(cat /tmp/i4.out)"
grep -q "^sealed: *passphrase (argon2id" /tmp/i4.out && grep -q "^system: *Linux $(uname -r) " /tmp/i4.out ||
	fail "info with the passphrase: $(cat /tmp/i4.out)"
uuid_d=$(sed -n 's/^uuid: *//p' /tmp/i4.out)
[ -n "$uuid_d" ] && [ "$uuid_d" != "$uuid_b" ] || fail "the two sealed images have the same uuid ($uuid_d)"
# the first sealed image is untouched by the second
kjump verify --quiet --key-file $key /dev/vdb > /tmp/v.out 2>&1 || fail "/dev/vdb no longer verifies: $(cat /tmp/v.out)"
note "A: /dev/vdd sealed with the typed passphrase; verify took it after a wrong one; info opened it"
pass
