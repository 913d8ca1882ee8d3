# tests/fuzz/fuzz.mk - libFuzzer harnesses for keg's pure userspace parsers.
# Included by the top-level Makefile (uses its BUILD, Q and msg).
#
#   make fuzz              build and run every harness for FUZZ_TIME seconds
#   make fuzz FUZZ_TIME=600
#   make fuzz-build        build only: build/fuzz/fuzz_NAME
#
# Each harness starts from the seeds in tests/fuzz/corpus/NAME; what it
# finds goes to build/fuzz/corpus/NAME (the tree is never written), crash
# reproducers to build/fuzz/crash-*, the log to build/fuzz/NAME.log.
# Replay one: build/fuzz/fuzz_NAME build/fuzz/crash-...

FUZZ_CC     ?= clang
FUZZ_TIME   ?= 30
FUZZ_CFLAGS := -g -O1 -Wall -Wextra -std=gnu11 \
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
               -Iheaders -Iuser/lib/base -Iuser/lib/net -Iuser/lib/bpf -Iuser/kegd

FUZZ_NAMES := addr config state keg_frame tcpstream keg_compress dgram

# The library sources each harness needs (only pure code is exercised).
FUZZ_SRCS_addr   := user/lib/base/addr.c user/lib/base/err.c
FUZZ_SRCS_config := $(wildcard user/lib/base/*.c)
FUZZ_SRCS_state  := user/lib/bpf/state.c user/lib/bpf/pins.c user/lib/base/iface.c \
                    user/lib/base/note.c
FUZZ_SRCS_keg_frame := user/kegd/keg_frame.c
FUZZ_SRCS_tcpstream := user/kegd/tcpstream.c user/kegd/keg_frame.c user/kegd/keg_compress.c
FUZZ_SRCS_dgram := user/kegd/tcpstream.c user/kegd/keg_frame.c
FUZZ_SRCS_keg_compress := user/kegd/keg_compress.c user/kegd/keg_frame.c
# Libraries a harness links besides its sources.
FUZZ_LIBS_keg_compress := -lzstd -llz4
FUZZ_LIBS_tcpstream := -lzstd -llz4

FUZZ_BINS := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_NAMES))

define FUZZ_RULE
$(BUILD)/fuzz/fuzz_$(1): tests/fuzz/fuzz_$(1).c $(FUZZ_SRCS_$(1)) $(wildcard user/lib/*/*.h user/kegd/*.h headers/*.h)
	$$(call msg,FUZZ-CC,$$@)
	$(Q)mkdir -p $$(dir $$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $$< $(FUZZ_SRCS_$(1)) -o $$@ $(FUZZ_LIBS_$(1))
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call FUZZ_RULE,$(n))))

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	$(Q)for n in $(FUZZ_NAMES); do \
		mkdir -p $(BUILD)/fuzz/corpus/$$n || exit 1; \
		printf '  %-8s %s\n' FUZZ "$$n ($(FUZZ_TIME)s)"; \
		$(BUILD)/fuzz/fuzz_$$n -max_total_time=$(FUZZ_TIME) \
			-artifact_prefix=$(BUILD)/fuzz/ \
			$(BUILD)/fuzz/corpus/$$n tests/fuzz/corpus/$$n \
			>$(BUILD)/fuzz/$$n.log 2>&1 || \
		{ tail -n 40 $(BUILD)/fuzz/$$n.log; echo "fuzz: $$n failed, see $(BUILD)/fuzz/$$n.log"; exit 1; }; \
		grep -E '^#[0-9]+.*DONE' $(BUILD)/fuzz/$$n.log | tail -n 1; \
	done
