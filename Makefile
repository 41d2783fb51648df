# whyslow: BPF programs → one linked object → skeleton → ./whyslow
# Build output goes to .output/; V=1 shows the commands.

OUTPUT    := .output
CLANG     ?= clang
BPFTOOL   ?= bpftool
CC        ?= cc
PREFIX    ?= /usr/local
DESTDIR   ?=

# The BPF side reads x86-64 registers and syscall numbers (bpf/syscalls.h).
ifneq ($(shell uname -m),x86_64)
$(error whyslow builds on x86-64 only, not on $(shell uname -m))
endif
ARCH      := x86

CFLAGS    ?= -g -O2
CFLAGS    += -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE -pthread
DEPFLAGS  := -MMD -MP
CPPFLAGS  += -I$(OUTPUT) -Iuser -Ibpf
LDLIBS    += -lbpf -lelf -ldw -lz -lm -liberty -ljansson
BPF_CFLAGS := -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_$(ARCH) \
	      -I vmlinux/$(ARCH) -I bpf

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(OUTPUT)/bpf/%.bpf.o,$(BPF_SRCS))
USER_SRCS := $(wildcard user/*.c user/*/*.c)
USER_OBJS := $(patsubst user/%.c,$(OUTPUT)/%.o,$(USER_SRCS))
# Every stage but the CLI: what unit tests and fuzzers link.
CORE_OBJS := $(filter-out $(OUTPUT)/main.o,$(USER_OBJS))
CORE_LIB  := $(OUTPUT)/libwhyslow.a
# The objects that include the BPF skeleton (record/bpf.c).
SKEL_USERS := $(patsubst user/%.c,$(OUTPUT)/%.o,\
	      $(shell grep -l 'whyslow.skel.h' $(USER_SRCS)))
UNIT_SRCS := $(wildcard tests/unit/*/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(UNIT_SRCS))

PYTEST    := /usr/bin/python3 -m pytest

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.PHONY: all deps demo test unit integration bench install clean vmlinux fuzz \
	check-layout man
.DELETE_ON_ERROR:

all: whyslow

deps:
	$(Q)tools/install-deps.sh

$(OUTPUT)/bpf/%.bpf.o: bpf/%.bpf.c vmlinux/$(ARCH)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@

# One skeleton for all concerns: the objects share maps through `extern`.
# proc.bpf.o defines them and goes first: libbpf 1.1's linker cannot
# resolve a map used as extern before the object that defines it.
BPF_LINK_ORDER := $(OUTPUT)/bpf/proc.bpf.o \
		  $(filter-out $(OUTPUT)/bpf/proc.bpf.o,$(BPF_OBJS))
$(OUTPUT)/whyslow.bpf.o: $(BPF_LINK_ORDER)
	$(call msg,LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(OUTPUT)/whyslow.skel.h: $(OUTPUT)/whyslow.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name whyslow_bpf > $@

$(SKEL_USERS): $(OUTPUT)/whyslow.skel.h

$(OUTPUT)/%.o: user/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(CORE_LIB): $(CORE_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

whyslow: $(OUTPUT)/main.o $(CORE_LIB)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/tests/%: tests/unit/%.c $(CORE_LIB)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(DEPFLAGS) $< $(CORE_LIB) \
		$(LDLIBS) -lcmocka -o $@

-include $(shell find $(OUTPUT) -name '*.d' 2>/dev/null)

# user/ holds main.c and stage folders whose includes point one way, no
# file over 900 lines (tools/check-layout.sh).
check-layout:
	$(Q)tools/check-layout.sh

demo: deps whyslow
	$(Q)$(MAKE) -s -C tests/workloads
	./whyslow record -- tests/workloads/demo

unit: deps check-layout $(UNIT_BINS)
	$(Q)for t in $(UNIT_BINS); do $$t || exit 1; done

integration: deps whyslow
	$(Q)$(MAKE) -s -C tests/workloads
	$(PYTEST) -q tests/integration

test: unit integration

bench: deps whyslow
	$(Q)$(MAKE) -s -C tests/workloads
	tools/bench.sh

# libFuzzer targets (tests/fuzz/README.md): each tests/fuzz/fuzz_NAME.c is
# linked against the core stages built with the sanitizers, and run
# FUZZ_SECONDS from the seeds in tests/fuzz/corpus/NAME (new inputs go to
# .output/fuzz/corpus/NAME); a crash, leak or sanitizer report fails, its
# input in .output/fuzz/NAME-*.
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	       -std=gnu11 -D_GNU_SOURCE -pthread
FUZZ_DIR    := $(OUTPUT)/fuzz
FUZZ_LIB_OBJS := $(patsubst $(OUTPUT)/%,$(FUZZ_DIR)/obj/%,\
		 $(filter-out $(SKEL_USERS),$(CORE_OBJS)))
FUZZ_LIB    := $(FUZZ_DIR)/libwhyslow-fuzz.a
FUZZ_NAMES  := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS   := $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_NAMES))

$(FUZZ_LIB_OBJS): $(FUZZ_DIR)/obj/%.o: user/%.c
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(CPPFLAGS) \
		$(DEPFLAGS) -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(CPPFLAGS) $(DEPFLAGS) \
		$< $(FUZZ_LIB) $(LDLIBS) -o $@

fuzz: deps $(FUZZ_BINS)
	$(Q)for n in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_DIR)/corpus/$$n tests/fuzz/corpus/$$n && \
		echo "  FUZZ     $$n ($(FUZZ_SECONDS) s)" && \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp \
		$(FUZZ_DIR)/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) \
			-max_len=65536 -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix=$(FUZZ_DIR)/$$n- \
			$(FUZZ_DIR)/corpus/$$n tests/fuzz/corpus/$$n || exit 1; \
	done

# whyslow(1) from --help and --version (help2man), with the sections
# tools/whyslow.h2m adds; bash completion from tools/whyslow.bash.
MAN_PAGE  := $(OUTPUT)/whyslow.1
$(MAN_PAGE): whyslow tools/whyslow.h2m
	$(call msg,MAN,$@)
	$(Q)help2man --no-info --include=tools/whyslow.h2m \
		--name="why is this slow? a profiler that says where the wall time went" \
		--output=$@ ./whyslow

man: $(MAN_PAGE)

install: whyslow $(MAN_PAGE)
	install -D -m 0755 whyslow $(DESTDIR)$(PREFIX)/bin/whyslow
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	gzip -9n < $(MAN_PAGE) > $(DESTDIR)$(PREFIX)/share/man/man1/whyslow.1.gz
	chmod 0644 $(DESTDIR)$(PREFIX)/share/man/man1/whyslow.1.gz
	install -D -m 0644 tools/whyslow.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/whyslow

vmlinux:
	tools/gen-vmlinux.sh vmlinux/$(ARCH)/vmlinux.h

clean:
	rm -rf $(OUTPUT) whyslow
	$(MAKE) -s -C tests/workloads clean
