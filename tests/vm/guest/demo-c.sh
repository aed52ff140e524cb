# The demo, in C (Debian's stock kernel): resume A from /dev/vdb.
d() { echo "DEMO $*"; }
insmod /lib/modules/virtio_blk.ko || fail "insmod virtio_blk"
for i in $(seq 100); do [ -b /dev/vdb ] && break; usleep 100000; done
d "   C is up: Linux $(uname -r); kjump info /dev/vdb: $(kjump info /dev/vdb | head -n1 | sed 's/  */ /g')"
d "   C runs kjump resume /dev/vdb: verify every chunk, check this machine, load the restore code, jump"
kjump resume /dev/vdb 2>&1 | sed 's/^/DEMO    | /'
fail "resume returned"
