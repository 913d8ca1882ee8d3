# mk/shape_bench.mk - benches of per-customer shaping (issue 4). Included by
# the top Makefile.
#
#   make bench-shape   deps + tc_bench (ns/packet of keg_tc, classifier on
#                      and off) + tests/bench/shape/accuracy.sh (iperf3
#                      rate accuracy at 1/10/100 mbit/s, ping under load)
#
# tc_bench lives in tests/bench/shape/ because every .c directly in
# tests/bench links into keg_bench.

SHAPE_BENCH := $(BUILD)/tc_bench

.PHONY: bench-shape

# Part of `make bench`.
bench: bench-shape

all: $(SHAPE_BENCH)

$(SHAPE_BENCH): tests/bench/shape/tc_bench.c tests/unit/pktbuild.c tests/unit/pktbuild.h \
		$(BUILD)/keg.skel.h $(BUILD)/tc_pass.skel.h $(wildcard headers/*.h) | $(BUILD)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/unit tests/bench/shape/tc_bench.c tests/unit/pktbuild.c \
		-o $@ $(LDLIBS_BPF)

bench-shape: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)echo "== tc_bench: keg_tc with the shaping classifier on"
	$(Q)cd $(BUILD) && ./tc_bench
	$(Q)echo "== tc_bench --off: classifier off (parser only)"
	$(Q)cd $(BUILD) && ./tc_bench --off
	$(Q)echo "== shaping accuracy"
	$(Q)./tests/bench/shape/accuracy.sh
