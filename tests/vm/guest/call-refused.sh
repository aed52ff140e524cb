# Guest of `call-refused`, on Debian's stock kernel (no CONFIG_KEXEC_JUMP).
start_counter /tmp/counter
rel=$(uname -r)
[ -f /boot/config-$rel ] || fail "the scenario did not provide /boot/config-$rel"

# 1. The config says no: refuse, naming the option.
kjump call hello > /tmp/out 2>&1; rc=$?
cat /tmp/out
[ $rc = 1 ] || fail "kjump call exited $rc, expected 1"
grep -q 'built without CONFIG_KEXEC_JUMP' /tmp/out || fail "message does not name CONFIG_KEXEC_JUMP"
grep -q "/boot/config-$rel" /tmp/out || fail "message does not say where it read the config"

# 2. --force does not override a known "no".
kjump call --force hello > /tmp/out 2>&1; rc=$?
[ $rc = 1 ] && grep -q 'CONFIG_KEXEC_JUMP' /tmp/out || fail "--force jumped on a kernel without KEXEC_JUMP (exit $rc)"

# 3. Config unknown: refuse, pointing at --force.
mv /boot/config-$rel /tmp/config
kjump call hello > /tmp/out 2>&1; rc=$?
cat /tmp/out
[ $rc = 1 ] || fail "with no config, kjump call exited $rc, expected 1"
grep -q -- '--force' /tmp/out || fail "unknown-config message does not mention --force"
mv /tmp/config /boot/config-$rel

# 4. Not root.
printf 'root:x:0:0::/root:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n' > /etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\n' > /etc/group
su nobody -s /bin/sh -c 'kjump call hello' > /tmp/out 2>&1; rc=$?
cat /tmp/out
[ $rc = 1 ] && grep -q 'needs root' /tmp/out || fail "non-root call not refused for lack of root (exit $rc)"

# 5. Not an x86_64 ELF program (checked with a config that says yes, so the
#    program check is reached; only junk is ever offered, nothing can jump).
sed 's/^# CONFIG_KEXEC_JUMP is not set$/CONFIG_KEXEC_JUMP=y/' /boot/config-$rel > /tmp/kcfg
printf 'not an elf at all, just text' > /tmp/junk
KJUMP_KCONFIG=/tmp/kcfg kjump call /tmp/junk > /tmp/out 2>&1; rc=$?
cat /tmp/out
[ $rc = 1 ] && grep -q 'not a usable x86_64 ELF program' /tmp/out || fail "junk program not refused (exit $rc)"
KJUMP_KCONFIG=/tmp/kcfg kjump call /nonexistent > /tmp/out 2>&1; rc=$?
[ $rc = 1 ] && grep -q 'cannot open /nonexistent' /tmp/out || fail "missing program not refused (exit $rc)"
KJUMP_KCONFIG=/tmp/kcfg kjump call nosuchbuiltin > /tmp/out 2>&1; rc=$?
[ $rc = 1 ] && grep -q 'no file or built-in program' /tmp/out || fail "unknown name not refused (exit $rc)"

# Nothing was loaded, and the system kept running.
[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] || fail "a refused call left an image loaded"
# 6. Kernel lockdown, then kexec_load_disabled: both stay set until the
#    next boot, so they come last.
mkdir -p /sys/kernel/security
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
if [ -w /sys/kernel/security/lockdown ]; then
	echo integrity > /sys/kernel/security/lockdown || fail "cannot enable lockdown"
	kjump call hello > /tmp/out 2>&1; rc=$?
	cat /tmp/out
	[ $rc = 1 ] && grep -q 'locked down (integrity' /tmp/out || fail "lockdown not refused clearly (exit $rc)"
	note "refused under lockdown"
else
	fail "this kernel offers no lockdown to test"
fi
echo 1 > /proc/sys/kernel/kexec_load_disabled || fail "cannot set kexec_load_disabled"
kjump call hello > /tmp/out 2>&1; rc=$?
cat /tmp/out
[ $rc = 1 ] && grep -q 'kexec_load is disabled' /tmp/out || fail "kexec_load_disabled not refused clearly (exit $rc)"

c1=$(cat /tmp/counter); usleep 300000; c2=$(cat /tmp/counter)
[ "$c2" -gt "$c1" ] || fail "the counter stopped"
note "refusals checked on $rel; counter $c1 -> $c2"
pass
