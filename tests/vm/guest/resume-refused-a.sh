# A of `resume-refused`: fills most of its memory with incompressible data,
# so that its image cannot fit in the memory it leaves free, and hibernates.
patfill 7 560 /tmp/pat.list > /tmp/patfill.out &
for i in $(seq 900); do grep -q ready /tmp/patfill.out 2>/dev/null && break; usleep 100000; done
grep -q ready /tmp/patfill.out || fail "patfill did not get ready"
kjump hibernate --to /dev/vdb --kernel /b/bzImage > /tmp/hib.out 2>&1
cat /tmp/hib.out
fail "A came back from hibernation (exit $?); the scenario wanted it off"
