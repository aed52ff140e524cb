# SPDX-License-Identifier: GPL-2.0-or-later
# kjump: plain make, no configure step. See README.md.

CC      ?= gcc
LD      ?= ld
CFLAGS  ?= -O2 -g
PREFIX  ?= /usr/local
DESTDIR ?=
# Where initramfs-tools and dracut look for hooks and modules: fixed by
# them, not under PREFIX (make install-initramfs)
INITRAMFS_TOOLS_DIR ?= /usr/share/initramfs-tools
DRACUT_MODULES_DIR  ?= /usr/lib/dracut/modules.d
B       := build

# Flags kjump's own C needs, whatever CFLAGS the user gives: they are
# written into each compile command (a command-line CFLAGS=... overrides
# every assignment to CFLAGS in here, target-specific += included).
KJ_CFLAGS := -std=gnu11 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE \
	-D_FILE_OFFSET_BITS=64 -MMD -MP
# libzstd-dev, libxxhash-dev, zlib1g-dev, libsodium-dev, libssl-dev (static archives:
# kjump is -static)
# Linking libcrypto.a statically, ld warns that OpenSSL's dlopen and
# getaddrinfo need glibc's shared libraries at run time: kjump calls
# neither (it loads no providers or engines and resolves no names; see
# lib/aes_gcm.c), so the warnings are harmless.
LIBS := -lzstd -lxxhash -lz -lsodium -lcrypto -lpthread

LIB_SRC := $(sort $(wildcard lib/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
CMD_SRC := $(sort $(wildcard src/*.c))
CMD_OBJ := $(CMD_SRC:%.c=$(B)/%.o)

# Freestanding payloads: no libc, no red zone, no SSE (kexec enters them
# with CR4 = PAE only), position-independent so kjump can place them.
P_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -ffreestanding -fpie \
	-fvisibility=hidden -mno-red-zone -mgeneral-regs-only \
	-fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -fcf-protection=none -fno-jump-tables \
	-Ipayload/include -Ipayload/rt -MMD -MP
P_LDFLAGS := --no-warn-rwx-segments -pie --no-dynamic-linker -z noexecstack -z norelro --hash-style=sysv
EXAMPLES := hello checksum
P_RT := $(B)/payload/rt/entry.o $(B)/payload/rt/rt.o $(B)/payload/lib/uart.o
BLOBS := $(EXAMPLES) purgatory restore jumpback
P_ELF := $(BLOBS:%=$(B)/payload/%.elf)

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
TOOL_BIN := $(B)/tests/membuf $(B)/tests/patfill $(B)/tests/patcheck $(B)/tests/imgforge $(B)/bench/rawjump $(B)/bench/heapfill

.PHONY: all deps have-build-deps have-unit-deps check unit demo bench soak \
	install install-initramfs clean payloads test-tools fuzz
all: $(B)/bin/kjump

# Packages are installed only by the commands that need them: `make deps`
# (tools/deps GROUPS, default: what `make` needs) and check, unit, demo,
# bench below. Those install first, then build in a sub-make, which reads
# this Makefile only once the packages are there. `make` and `make install`
# never run apt-get (sudo make install must not install packages); they
# only check, before compiling anything, that the build group is present,
# and say how to get it.
DEPS ?= build
deps:
	@tools/deps $(DEPS)
have-build-deps:
	@tools/deps --check build
have-unit-deps:
	@tools/deps --check unit

$(B)/bin/kjump: $(CMD_OBJ) $(B)/payload/blobs.o $(B)/libkjump.a
	@mkdir -p $(@D)
	$(CC) -static -o $@ $^ $(LIBS)

$(B)/libkjump.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(KJ_CFLAGS) $(CFLAGS) -c -o $@ $<
$(B)/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(KJ_CFLAGS) $(CFLAGS) -c -o $@ $<

# --- payloads -----------------------------------------------------------
payloads: $(P_ELF)

# Payload objects use P_CFLAGS only (never the user's CFLAGS); the headers
# each one includes come from its -MMD dependency file.
$(B)/payload/rt/entry.o: payload/rt/entry.S
	@mkdir -p $(@D)
	$(CC) $(P_CFLAGS) -c -o $@ $<
$(B)/payload/rt/rt.o: payload/rt/rt.c
	@mkdir -p $(@D)
	$(CC) $(P_CFLAGS) -c -o $@ $<
$(B)/payload/examples/%.o: payload/examples/%.c
	@mkdir -p $(@D)
	$(CC) $(P_CFLAGS) -c -o $@ $<
# The restore payload links libzstd's decompressor (Debian's static
# libzstd.a); it enables SSE and sets %fs itself (see its entry.S).
# The archive's path is asked of the compiler when the link runs, not when
# make reads this file: then libzstd-dev may not be installed yet, and a
# compiler that does not find a file prints its bare name.
R_OBJ := $(B)/payload/restore/entry.o $(B)/payload/restore/restore.o $(B)/payload/restore/libc.o \
	$(B)/payload/lib/handover.o $(B)/payload/lib/uart.o
J_OBJ := $(B)/payload/jumpback/entry.o $(B)/payload/lib/handover.o
$(B)/payload/jumpback.elf: $(J_OBJ) payload/rt/link.ld
	$(LD) $(P_LDFLAGS) -T payload/rt/link.ld -o $@ $(J_OBJ)
$(B)/payload/jumpback/%.o: payload/jumpback/%.S payload/include/kjump/jumpback.h \
		payload/include/kjump/layout.h
	@mkdir -p $(@D)
	$(CC) $(P_CFLAGS) -c -o $@ $<
$(B)/payload/lib/%.o: payload/lib/%.c
	@mkdir -p $(@D)
	$(CC) $(P_CFLAGS) -c -o $@ $<
$(B)/payload/restore.elf: $(R_OBJ) payload/rt/link.ld
	@zstd_a=$$($(CC) -print-file-name=libzstd.a); \
	case $$zstd_a in /*) ;; *) \
		echo "kjump: $(CC) finds no libzstd.a: run \`make deps\` (as root) or: sudo apt-get install libzstd-dev" >&2; \
		exit 1 ;; esac; \
	echo "$(LD) $(P_LDFLAGS) -T payload/rt/link.ld -o $@ $(R_OBJ) $$zstd_a"; \
	$(LD) $(P_LDFLAGS) -T payload/rt/link.ld -o $@ $(R_OBJ) "$$zstd_a"
$(B)/payload/restore/%.o: payload/restore/%.S
	@mkdir -p $(@D)
	$(CC) $(P_CFLAGS) -c -o $@ $<
$(B)/payload/restore/%.o: payload/restore/%.c
	@mkdir -p $(@D)
	$(CC) $(P_CFLAGS) -c -o $@ $<

$(B)/payload/purgatory.elf: $(B)/payload/purgatory/entry.o payload/rt/link.ld
	$(LD) $(P_LDFLAGS) -T payload/rt/link.ld -o $@ $<
$(B)/payload/purgatory/entry.o: payload/purgatory/entry.S payload/include/kjump/purgatory.h \
		payload/include/kjump/layout.h
	@mkdir -p $(@D)
	$(CC) $(P_CFLAGS) -c -o $@ $<
$(B)/payload/%.elf: $(P_RT) $(B)/payload/examples/%.o payload/rt/link.ld
	$(LD) $(P_LDFLAGS) -T payload/rt/link.ld -o $@ $(P_RT) $(B)/payload/examples/$*.o

$(B)/payload/blobs.S: $(P_ELF) Makefile
	@mkdir -p $(@D)
	@{ echo '/* generated by the Makefile: the payloads linked into kjump */'; \
	  echo '	.section .rodata'; \
	  for n in $(BLOBS); do \
	    echo "	.globl kj_blob_$$n, kj_blob_$${n}_end"; \
	    echo "	.balign 16"; \
	    echo "kj_blob_$$n: .incbin \"$(B)/payload/$$n.elf\""; \
	    echo "kj_blob_$${n}_end:"; \
	  done; \
	  echo '	.section .note.GNU-stack,"",@progbits'; } > $@
$(B)/payload/blobs.o: $(B)/payload/blobs.S
	$(CC) -c -o $@ $<

# Everything compiled waits for the package check (order-only: the check
# makes nothing out of date), so that under make -j a missing package is
# reported as such, not as a compiler error racing other compiles.
P_OBJ := $(P_RT) $(EXAMPLES:%=$(B)/payload/examples/%.o) $(R_OBJ) $(J_OBJ) \
	$(B)/payload/purgatory/entry.o
$(LIB_OBJ) $(CMD_OBJ) $(P_OBJ) $(B)/payload/blobs.o $(TOOL_BIN): | have-build-deps
$(UNIT_BIN): | have-build-deps have-unit-deps

# --- tests --------------------------------------------------------------
$(B)/tests/test_%: tests/unit/test_%.c $(B)/libkjump.a $(P_ELF)
	@mkdir -p $(@D)
	$(CC) $(KJ_CFLAGS) $(CFLAGS) -DKJ_BUILD_DIR='"$(B)"' -o $@ $< $(B)/libkjump.a -lcmocka $(LIBS)

# It runs the real kjump as PID 1 of a PID namespace.
$(B)/tests/test_pid_one: $(B)/bin/kjump
# It runs the real `kjump export` in a temporary directory.
$(B)/tests/test_export_output: $(B)/bin/kjump

$(B)/tests/membuf $(B)/tests/patfill $(B)/tests/patcheck $(B)/tests/imgforge: $(B)/tests/%: tests/vm/tools/%.c tests/vm/tools/pattern.h $(B)/libkjump.a
	@mkdir -p $(@D)
	$(CC) $(KJ_CFLAGS) $(CFLAGS) -static -o $@ $< $(B)/libkjump.a $(LIBS)

$(B)/bench/rawjump $(B)/bench/heapfill: $(B)/bench/%: bench/tools/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Wall -Wextra -static -o $@ $<

# bench/seal: the writer and reader, plain and sealed, on the host
$(B)/bench/sealbench: bench/tools/sealbench.c $(B)/libkjump.a
	@mkdir -p $(@D)
	$(CC) $(KJ_CFLAGS) $(CFLAGS) -o $@ $< $(B)/libkjump.a $(LIBS)

# The tools the VM scenarios and benchmarks put into their guests
test-tools: $(TOOL_BIN)

# Install first, then build in a sub-make (see deps above). Separate
# recipe lines: under make -n the $(MAKE) line runs (with -n), the
# tools/deps line does not.
bench:
	@tools/deps build kernel vm peers
	@$(MAKE) --no-print-directory all $(TOOL_BIN)
	@bench/run-all

unit:
	@tools/deps build unit
	@$(MAKE) --no-print-directory all $(UNIT_BIN)
	@tests/run-unit $(UNIT_BIN)

check:
	@tools/deps build unit kernel vm peers
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(TOOL_BIN)
	@KJ_UNIT_BINS="$(UNIT_BIN)" tests/check

# Held under repetition: SOAK_SNAPSHOTS (default 50) snapshots in a row
# of a busy A, its data checked after each (tests/soak). Not part of
# check: it takes a quarter of an hour or more under TCG.
soak:
	@tools/deps build kernel vm peers
	@$(MAKE) --no-print-directory all $(TOOL_BIN)
	@tests/soak

# Hostile input: the libFuzzer targets (tests/fuzz/run), FUZZ_SECONDS
# each. Not part of check: it needs clang and its time is open-ended.
FUZZ_SECONDS ?= 60
fuzz:
	@tools/deps build fuzz
	@$(MAKE) --no-print-directory all
	@tests/fuzz/run $(FUZZ_SECONDS)

demo:
	@tools/deps build kernel vm peers
	@$(MAKE) --no-print-directory all $(TOOL_BIN)
	@tests/vm/demo

install: all
	install -D -m 0755 $(B)/bin/kjump $(DESTDIR)$(PREFIX)/sbin/kjump
	install -D -m 0644 docs/kjump.8 $(DESTDIR)$(PREFIX)/share/man/man8/kjump.8
	install -D -m 0644 payload/include/kjump/payload.h $(DESTDIR)$(PREFIX)/include/kjump/payload.h

# Early resume from the distribution's own initramfs (docs/hibernate.md):
# the shared logic under PREFIX, an initramfs-tools hook and boot script,
# a dracut module. Not part of install: it writes outside PREFIX, and
# every initramfs built afterwards carries kjump. It builds nothing; the
# hooks copy the kjump that `make install` put in PREFIX/sbin.
INITRAMFS_SUBST := sed -e 's|@SBINDIR@|$(PREFIX)/sbin|g' -e 's|@LIBDIR@|$(PREFIX)/lib|g'
install-initramfs:
	install -D -m 0755 initramfs/early-resume $(DESTDIR)$(PREFIX)/lib/kjump/early-resume
	install -d $(DESTDIR)$(INITRAMFS_TOOLS_DIR)/hooks \
		$(DESTDIR)$(INITRAMFS_TOOLS_DIR)/scripts/local-premount \
		$(DESTDIR)$(DRACUT_MODULES_DIR)/90kjump
	$(INITRAMFS_SUBST) initramfs/initramfs-tools/hook >$(DESTDIR)$(INITRAMFS_TOOLS_DIR)/hooks/kjump
	chmod 0755 $(DESTDIR)$(INITRAMFS_TOOLS_DIR)/hooks/kjump
	install -m 0755 initramfs/initramfs-tools/local-premount \
		$(DESTDIR)$(INITRAMFS_TOOLS_DIR)/scripts/local-premount/kjump
	$(INITRAMFS_SUBST) initramfs/dracut/module-setup.sh >$(DESTDIR)$(DRACUT_MODULES_DIR)/90kjump/module-setup.sh
	chmod 0755 $(DESTDIR)$(DRACUT_MODULES_DIR)/90kjump/module-setup.sh
	install -m 0755 initramfs/dracut/kjump-resume.sh $(DESTDIR)$(DRACUT_MODULES_DIR)/90kjump/kjump-resume.sh

clean:
	rm -rf $(B)

-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(P_OBJ:.o=.d) $(TOOL_BIN:=.d) $(UNIT_BIN:=.d)
.SECONDARY:
