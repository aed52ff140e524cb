# A of sealed-hibernate: holds a secret in memory, takes an unsealed
# snapshot to /dev/vdc (so the host can show the secret is found in a
# plain image), then hibernates sealed with a passphrase to /dev/vdb;
# after C resumed it (in the next QEMU process), checks it is intact.
secret=$(cat /etc/kjump-test-secret)
start_counter /tmp/counter
# the secret in a tmpfs file, between random bytes (zstd then keeps it as
# it is in a plain image), and in a process's memory (its command line)
for i in $(seq 64); do head -c 4000 /dev/urandom; printf '%s' "$secret"; done > /tmp/secret.bin
sum1=$(sha256sum /tmp/secret.bin | cut -c1-64)
sh -c "s='$secret'; while :; do sleep 1; done" &
spid=$!
kjump snapshot --to /dev/vdc --kernel /b/bzImage > /tmp/snap.out 2>&1 ||
	fail "A: the unsealed snapshot failed: $(tail -n 2 /tmp/snap.out)"
kjump unload > /tmp/unload.out 2>&1 || fail "A: kjump unload failed: $(cat /tmp/unload.out)"
note "A: unsealed snapshot on /dev/vdc"
boot1=$(cat /proc/sys/kernel/random/boot_id)
c1=$(cat /tmp/counter)
note "A: hibernating sealed: counter $c1, boot id $boot1"

kjump hibernate --seal --passphrase-file /etc/kjump-test-pass --to /dev/vdb \
	--kernel /b/bzImage > /tmp/hib.out 2>&1; rc=$?
# --- from here on, this runs after the resume (another QEMU process) ---
cat /tmp/hib.out
[ $rc = 0 ] || fail "kjump hibernate --seal exited $rc: $(tail -n 2 /tmp/hib.out)"
grep -q "resumed from hibernation" /tmp/hib.out || fail "kjump hibernate did not report a resume"
grep -q "sealing: key from the passphrase with Argon2id" /tmp/hib.out ||
	fail "kjump hibernate did not say how it sealed"
usleep 500000
c2=$(cat /tmp/counter)
boot2=$(cat /proc/sys/kernel/random/boot_id)
[ "$boot2" = "$boot1" ] || fail "boot id changed ($boot1 -> $boot2): this is not the same system"
kill -0 $COUNTER_PID || fail "the counter process is gone"
kill -0 $spid || fail "the process holding the secret is gone"
[ "$c2" -gt "$c1" ] || fail "the counter did not continue ($c1 -> $c2)"
[ "$(sha256sum /tmp/secret.bin | cut -c1-64)" = "$sum1" ] || fail "the tmpfs file changed"
[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] || fail "B is still loaded after the resume"
kjump info /dev/vdb < /dev/null > /tmp/info.out 2>&1 || fail "kjump info (public) failed: $(cat /tmp/info.out)"
grep -q "^state: *consumed" /tmp/info.out || fail "the image is not marked consumed: $(head -n1 /tmp/info.out)"
grep -q "^sealed: *passphrase (argon2id" /tmp/info.out || fail "info does not say the image is sealed"
grep -q "^system:" /tmp/info.out && fail "info without the key shows the saved system"
kjump info --passphrase-file /etc/kjump-test-pass /dev/vdb > /tmp/info2.out 2>&1 ||
	fail "kjump info with the passphrase failed: $(cat /tmp/info2.out)"
grep -q "^system: *Linux $(uname -r)" /tmp/info2.out || fail "info with the passphrase does not show the system"
note "A: resumed: same boot id, counter $c1 -> $c2, file unchanged, image consumed and sealed"
pass
