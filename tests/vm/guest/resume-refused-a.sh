# A of `resume-refused`: fills @MIB@ MiB with incompressible data and saves
# itself to /dev/@DISK@ with `kjump @HOW@` (the scenario fills in all three).
# The nearly full system takes a snapshot and powers off by itself: as a
# hibernation, B would refuse to power off with an image that cannot be
# resumed here (scenario hibernate-no-fit), and this scenario is about
# resume's own refusal of such an image.
start_pattern 7 @MIB@
case @HOW@ in
hibernate)
	kjump hibernate --to /dev/@DISK@ --kernel /b/bzImage > /tmp/hib.out 2>&1
	cat /tmp/hib.out
	fail "A came back from hibernation (exit $?); the scenario wanted it off" ;;
snapshot)
	kjump snapshot --to /dev/@DISK@ --kernel /b/bzImage > /tmp/snap.out 2>&1 ||
		fail "snapshot failed: $(tail -n 1 /tmp/snap.out)"
	cat /tmp/snap.out
	if grep -q "resumed from the snapshot on /dev/@DISK@" /tmp/snap.out; then
		# --- in the last C run: resumed from this snapshot ---
		check_pattern "the pattern"
		kjump info /dev/@DISK@ | grep -q "^state: *consumed" || fail "the snapshot is not marked consumed"
		[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] || fail "B is still loaded after the resume"
		note "A: resumed from its snapshot, every byte of the pattern unchanged, image consumed, B unloaded"
		pass
	fi
	note "A: snapshot saved; powering off"
	sync; poweroff -f ;;
esac
