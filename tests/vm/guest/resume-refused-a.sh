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
	note "A: snapshot saved; powering off"
	sync; poweroff -f ;;
esac
