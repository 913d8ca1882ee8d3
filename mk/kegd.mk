# mk/kegd.mk - kegd, the AF_XDP controller daemon (user/kegd). Included by
# the top Makefile; reuses its variables and the generic $(BUILD)/%.o rule.
# kegd links the ops layer of the library (the customer schedule pass) and
# what is under it.
#
#   make kegd             build/kegd
#   make bench-intercept  classification ns/packet (build/icpt_bench) and kegd's
#                         AF_XDP forwarding rate next to build/xsk_reflect
#                         (tests/bench/icpt/xsk_bench.sh); part of `make bench`

KEGD_SRCS := $(wildcard user/kegd/*.c)
KEGD_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(KEGD_SRCS))

.PHONY: kegd

all: $(BUILD)/kegd
kegd: $(BUILD)/kegd

$(BUILD)/kegd: $(KEGD_OBJS) $(LIB_OPS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ -pthread $(LDLIBS_BPF) $(LDLIBS_NL)

# Intercept classification bench (tests/bench/icpt), run by `make bench`.
ICPT_BENCH_SRCS := tests/bench/icpt/icpt_bench.c
ICPT_BENCH_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(ICPT_BENCH_SRCS)) $(BUILD)/tests/unit/pktbuild.o

.PHONY: bench-intercept

all: $(BUILD)/icpt_bench
bench: bench-intercept

$(BUILD)/icpt_bench: $(ICPT_BENCH_OBJS) $(LIB_BPF)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF) $(LDLIBS_NL)

bench-intercept: deps
	$(Q)$(MAKE) --no-print-directory $(BUILD)/icpt_bench $(BUILD)/kegd $(BUILD)/xsk_reflect
	$(Q)cd $(BUILD) && ./icpt_bench
	$(Q)./tests/bench/icpt/xsk_bench.sh

# The minimal AF_XDP reflector kegd's forwarding rate is compared with.
all: $(BUILD)/xsk_reflect
$(BUILD)/xsk_reflect: $(BUILD)/tests/bench/icpt/xsk_reflect.o $(LIB_BPF)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ -pthread $(LDLIBS_BPF) $(LDLIBS_NL)
