# C of `resume-unsafe`: /dev/vdb holds A's hibernation image. Every
# tampered form of it must be refused before any jump, C running on, the
# image unchanged; then the image, put back, resumes A.
start_counter /tmp/counter
for i in $(seq 100); do [ -b /dev/vdb ] && break; usleep 100000; done
head_sum() { dd if=/dev/vdb bs=4096 count=1 2>/dev/null | sha256sum | cut -c1-64; }
kjump info /dev/vdb > /tmp/info.out || fail "the image is not complete: $(cat /tmp/info.out)"
grep -q "^kind: *hibernation" /tmp/info.out || fail "not a hibernation image"
orig=$(head_sum)
# refused WHAT PATTERN COMMAND...: exit 1, PATTERN in the message, nothing
# loaded, the image's header (where a resume would mark it) unchanged
refused() {
	what=$1 pat=$2; shift 2
	before=$(head_sum)
	"$@" > /tmp/out 2>&1; rc=$?
	cat /tmp/out
	[ $rc = 1 ] || fail "$what: exit $rc, expected 1"
	grep -q -- "$pat" /tmp/out || fail "$what: message lacks '$pat'"
	[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] || fail "$what: left an image loaded"
	[ "$(head_sum)" = "$before" ] || fail "$what: the image's header changed"
	note "refused as expected: $what"
}
forge() { imgforge /dev/vdb /tmp/undo "$@" || fail "imgforge $*"; }
undo() { imgforge /dev/vdb /tmp/undo restore || fail "imgforge restore"; [ "$(head_sum)" = "$orig" ] || fail "the image was not put back"; }

# (a) a snapshot: refused unless --snapshot says so
forge kind snapshot
refused "snapshot without --snapshot" "snapshot, not a hibernation image" kjump resume /dev/vdb
grep -q -- "--snapshot" /tmp/out || fail "the snapshot message does not name --snapshot"
refused "snapshot without --snapshot (dry run)" "disks moved on" kjump resume --dry-run /dev/vdb
kjump resume --snapshot --dry-run /dev/vdb > /tmp/out 2>&1 || fail "--snapshot --dry-run refused: $(tail -n 1 /tmp/out)"
grep -q "resumable on this machine" /tmp/out || fail "--snapshot --dry-run does not say resumable"
undo
# (b) chunks with a right XXH64 that only decompression can tell
forge chunk-corrupt 1
kjump verify /dev/vdb > /dev/null 2>&1 && fail "kjump verify passed a corrupted chunk"
refused "chunk with bad zstd content (dry run)" "chunk 1 of .*cannot decompress" kjump resume --dry-run /dev/vdb
refused "chunk with bad zstd content" "chunk 1 of .*cannot decompress" kjump resume /dev/vdb
grep -q "nothing was changed" /tmp/out || fail "the message does not say nothing changed"
undo
forge chunk-short 2
refused "chunk one page short" "chunk 2 of .*decompresses to .* bytes instead of" kjump resume /dev/vdb
undo
# (c) an extent at the local APIC's MMIO: the reader itself refuses it
# (resume's own check against both memory maps, lib/resume_check.c, is
# unit-tested behind it)
forge extent-pfn last 0xfee00
refused "extent at the local APIC (info)" "page 0xfee00, which is not RAM in the image's memory map" kjump info /dev/vdb
refused "extent at the local APIC (dry run)" "page 0xfee00, which is not RAM in the image's memory map" kjump resume --dry-run /dev/vdb
refused "extent at the local APIC" "page 0xfee00, which is not RAM in the image's memory map" kjump resume /dev/vdb
undo
# (f) RESUMING, as a resume that started and was cut off leaves it: the
# saved system may have run, so it is refused without --force, the
# message naming the state, what happened and the fix
forge state resuming
kjump info /dev/vdb > /tmp/info.out 2>&1
grep -q "^state: *resuming" /tmp/info.out || fail "info does not show the RESUMING state: $(head -n 1 /tmp/info.out)"
grep -q "a resume of this image started" /tmp/info.out || fail "info does not say what RESUMING means"
refused "RESUMING image (dry run)" "state RESUMING" kjump resume --dry-run /dev/vdb
refused "RESUMING image" "state RESUMING" kjump resume /dev/vdb
grep -q "an earlier resume of it started" /tmp/out || fail "the RESUMING message does not say what happened"
grep -q "may have run since" /tmp/out || fail "the RESUMING message does not say the system may have run"
grep -q "kjump resume --force" /tmp/out || fail "the RESUMING message does not name the fix"
grep -q "rolls its memory back behind disks" /tmp/out || fail "the RESUMING message does not say what --force risks"
kjump resume --force --dry-run /dev/vdb > /tmp/out 2>&1 || fail "--force --dry-run refused a RESUMING image: $(tail -n 1 /tmp/out)"
grep -q "resumable on this machine" /tmp/out || fail "--force --dry-run does not say resumable"
undo
# (e) interrupted once loaded: unloads
KJUMP_TEST_HOLD_LOADED=1 kjump resume /dev/vdb > /tmp/hold.out 2>&1 &
pid=$!
for i in $(seq 1200); do grep -q "waiting for a signal" /tmp/hold.out && break; kill -0 $pid 2>/dev/null || break; usleep 100000; done
grep -q "waiting for a signal" /tmp/hold.out || fail "resume did not get loaded: $(tail -n 2 /tmp/hold.out)"
[ "$(cat /sys/kernel/kexec_loaded)" = 1 ] || fail "resume says loaded, the kernel does not"
kill -TERM $pid
wait $pid; rc=$?
cat /tmp/hold.out
[ $rc = 1 ] || fail "interrupted resume: exit $rc, expected 1"
grep -q "interrupted (Terminated)" /tmp/hold.out || fail "the message does not name the signal"
grep -q "restore code was unloaded" /tmp/hold.out || fail "the message does not say it unloaded"
[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] || fail "an interrupted resume left the restore code loaded"
[ "$(head_sum)" = "$orig" ] || fail "the interrupted resume changed the image's header"
note "refused as expected: SIGTERM after the load unloaded"

c1=$(cat /tmp/counter); usleep 300000; c2=$(cat /tmp/counter)
[ "$c2" -gt "$c1" ] || fail "C's counter stopped"
# (d) the image as A wrote it: a dry run passes, then the real resume
kjump verify /dev/vdb > /tmp/out 2>&1 || fail "the put-back image does not verify: $(tail -n 1 /tmp/out)"
kjump resume --dry-run /dev/vdb > /tmp/out 2>&1 || fail "the untampered image does not pass a dry run: $(tail -n 1 /tmp/out)"
note "C: every tampered image refused, C running; resuming the image as A wrote it"
kjump resume /dev/vdb
# (only a failed jump gets here: then the state must be back)
kjump info /dev/vdb | grep -q "^state: *complete" || fail "C: the jump returned and the image is not put back to complete"
fail "C: kjump resume returned $?"
