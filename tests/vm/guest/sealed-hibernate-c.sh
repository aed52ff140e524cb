# C of sealed-hibernate: any kernel. The image on /dev/vdb is sealed: a
# wrong passphrase typed on the console is refused and C runs on, then
# the right one resumes A. The host types both (vm_run --serial-input).
if [ -d /lib/modules ]; then
	for m in /lib/modules/*.ko; do insmod "$m" || fail "C: insmod $m failed"; done
fi
for i in $(seq 100); do [ -b /dev/vdb ] && break; usleep 100000; done
[ -b /dev/vdb ] || fail "C: no /dev/vdb"
note "C: Linux $(uname -r) is up; the image on /dev/vdb:"
kjump info /dev/vdb < /dev/null > /tmp/pub.out 2>&1 || fail "C: kjump info failed: $(cat /tmp/pub.out)"
cat /tmp/pub.out
grep -q "^sealed: *passphrase (argon2id" /tmp/pub.out || fail "C: the image does not say it is sealed"
# kjump resume asks on the console itself (no terminal of its own here)
kjump resume --tries 1 /dev/vdb > /tmp/r1.out 2>&1; rc=$?
cat /tmp/r1.out
[ $rc = 1 ] || fail "C: kjump resume with a wrong passphrase exited $rc"
grep -q "wrong passphrase or key" /tmp/r1.out || fail "C: the refusal does not say the passphrase is wrong"
kjump info /dev/vdb < /dev/null | grep -q "^state: *complete" || fail "C: the refused resume changed the image"
[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] || fail "C: something is loaded after the refusal"
note "C: a wrong passphrase was refused; C still running, the image unchanged"
kjump resume /dev/vdb
fail "C: kjump resume returned $?"
