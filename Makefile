# whyslow: BPF programs → one linked object → skeleton → ./whyslow
# Build output goes to .output/; V=1 shows the commands.

OUTPUT    := .output
CLANG     ?= clang
BPFTOOL   ?= bpftool
CC        ?= cc
ARCH      := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
PREFIX    ?= /usr/local
DESTDIR   ?=

CFLAGS    ?= -g -O2
CFLAGS    += -Wall -Wextra -std=gnu11 -D_GNU_SOURCE -pthread
CPPFLAGS  += -I$(OUTPUT) -Iuser -Ibpf
LDLIBS    += -lbpf -lelf -ldw -lz -lm
BPF_CFLAGS := -g -O2 -Wall -target bpf -D__TARGET_ARCH_$(ARCH) \
	      -I vmlinux/$(ARCH) -I bpf

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.bpf.o,$(BPF_SRCS))
USER_SRCS := $(wildcard user/*.c)
USER_OBJS := $(patsubst user/%.c,$(OUTPUT)/%.o,$(USER_SRCS))
LIB_OBJS  := $(filter-out $(OUTPUT)/main.o,$(USER_OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(UNIT_SRCS))

PYTEST    := /usr/bin/python3 -m pytest

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.PHONY: all deps demo test unit integration bench install clean vmlinux fuzz
.DELETE_ON_ERROR:

all: whyslow

deps:
	$(Q)tools/install-deps.sh

$(OUTPUT) $(OUTPUT)/tests:
	$(Q)mkdir -p $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) vmlinux/$(ARCH)/vmlinux.h | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# One skeleton for all concerns: the objects share maps through `extern`.
# proc.bpf.o defines them and goes first: libbpf 1.1's linker cannot
# resolve a map used as extern before the object that defines it.
BPF_LINK_ORDER := $(OUTPUT)/proc.bpf.o $(filter-out $(OUTPUT)/proc.bpf.o,$(BPF_OBJS))
$(OUTPUT)/whyslow.bpf.o: $(BPF_LINK_ORDER)
	$(call msg,LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(OUTPUT)/whyslow.skel.h: $(OUTPUT)/whyslow.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name whyslow_bpf > $@

$(USER_OBJS): $(OUTPUT)/%.o: user/%.c $(wildcard user/*.h) bpf/whyslow.h $(OUTPUT)/whyslow.skel.h | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

whyslow: $(USER_OBJS)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/tests/%: tests/unit/%.c $(LIB_OBJS) | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $< $(LIB_OBJS) $(LDLIBS) -lcmocka -o $@

demo: deps whyslow
	$(Q)$(MAKE) -s -C tests/workloads
	./whyslow record -- tests/workloads/demo

unit: deps $(UNIT_BINS)
	$(Q)for t in $(UNIT_BINS); do $$t || exit 1; done

integration: deps whyslow
	$(Q)$(MAKE) -s -C tests/workloads
	$(PYTEST) -q tests/integration

test: unit integration

bench: deps whyslow
	$(Q)$(MAKE) -s -C tests/workloads
	tools/bench.sh

# libFuzzer targets (tests/fuzz/README.md): each tests/fuzz/fuzz_NAME.c is
# linked against a library of user/ built with the sanitizers (all but
# main.c and record.c, which need the skeleton), and run FUZZ_SECONDS from
# the seeds in tests/fuzz/corpus/NAME (new inputs go to
# .output/fuzz/corpus/NAME); a crash, leak or sanitizer report fails, its
# input in .output/fuzz/NAME-*.
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	       -std=gnu11 -D_GNU_SOURCE -pthread
FUZZ_DIR    := $(OUTPUT)/fuzz
FUZZ_LIB_SRCS := $(filter-out user/main.c user/record.c,$(USER_SRCS))
FUZZ_LIB_OBJS := $(patsubst user/%.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_LIB_SRCS))
FUZZ_LIB    := $(FUZZ_DIR)/libwhyslow-fuzz.a
FUZZ_NAMES  := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS   := $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_NAMES))

$(FUZZ_LIB_OBJS): $(FUZZ_DIR)/obj/%.o: user/%.c $(wildcard user/*.h) bpf/whyslow.h
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(CPPFLAGS) -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(CPPFLAGS) $< $(FUZZ_LIB) \
		$(LDLIBS) -o $@

fuzz: deps $(FUZZ_BINS)
	$(Q)for n in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_DIR)/corpus/$$n tests/fuzz/corpus/$$n && \
		echo "  FUZZ     $$n ($(FUZZ_SECONDS) s)" && \
		$(FUZZ_DIR)/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) \
			-max_len=65536 -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix=$(FUZZ_DIR)/$$n- \
			$(FUZZ_DIR)/corpus/$$n tests/fuzz/corpus/$$n || exit 1; \
	done

install: whyslow
	install -D -m 0755 whyslow $(DESTDIR)$(PREFIX)/bin/whyslow

vmlinux:
	tools/gen-vmlinux.sh vmlinux/$(ARCH)/vmlinux.h

clean:
	rm -rf $(OUTPUT) whyslow
	$(MAKE) -s -C tests/workloads clean
