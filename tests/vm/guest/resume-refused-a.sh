# A of `resume-refused`: fills @MIB@ MiB with incompressible data and saves
# itself to /dev/@DISK@ with `kjump @HOW@` (the scenario fills in all three).
# The nearly full system takes a snapshot and powers off by itself: as a
# hibernation, B would refuse to power off with an image that cannot be
# resumed here (scenario hibernate-no-fit), and this scenario is about
# resume's own refusal of such an image.
patfill 7 @MIB@ /tmp/pat.list > /tmp/patfill.out &
for i in $(seq 900); do grep -q ready /tmp/patfill.out 2>/dev/null && break; usleep 100000; done
grep -q ready /tmp/patfill.out || fail "patfill did not get ready"
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
		rm -f /tmp/pat.list.check
		killall -USR1 patfill
		for i in $(seq 300); do [ -s /tmp/pat.list.check ] && break; usleep 100000; done
		[ "$(cat /tmp/pat.list.check)" = "same 0" ] ||
			fail "the pattern changed: $(cat /tmp/pat.list.check)"
		kjump info /dev/@DISK@ | grep -q "^state: *consumed" || fail "the snapshot is not marked consumed"
		[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] || fail "B is still loaded after the resume"
		note "A: resumed from its snapshot, every byte of the pattern unchanged, image consumed, B unloaded"
		pass
	fi
	note "A: snapshot saved; powering off"
	sync; poweroff -f ;;
esac
