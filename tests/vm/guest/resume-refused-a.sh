# A of `resume-refused`: fills @MIB@ MiB with incompressible data and
# hibernates to /dev/@DISK@ (the scenario fills in the two).
patfill 7 @MIB@ /tmp/pat.list > /tmp/patfill.out &
for i in $(seq 900); do grep -q ready /tmp/patfill.out 2>/dev/null && break; usleep 100000; done
grep -q ready /tmp/patfill.out || fail "patfill did not get ready"
kjump hibernate --to /dev/@DISK@ --kernel /b/bzImage > /tmp/hib.out 2>&1
cat /tmp/hib.out
fail "A came back from hibernation (exit $?); the scenario wanted it off"
