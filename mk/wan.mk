# mk/wan.mk - the WAN emulator (user/wanem), its tests (tests/wan) and the
# two-site lab (deploy/lab). Included by the top Makefile.
#
#   make wanem       build/wanem, build/wan_udpgen, build/wanem_unit
#   make test-wan    tests/wan/test_*.sh (root; each exits 0/1/77)
#   make bench-wan   deps + the emulator's own speed next to a plain bridge
#                    (tests/wan/bench_emu.sh), then the iperf3 matrix over
#                    the lab: goodput table, the keg transport's targets
#                    (bench_keg.sh) and keg compression's (bench_compress.sh)
#   make demo-wan    deps + lab with 100mbit/200ms/1% loss, one transfer

WANEM_DIR      := user/wanem
WANEM_OBJDIR   := $(BUILD)/wan
WANEM_SRCS     := $(wildcard $(WANEM_DIR)/*.c)
WANEM_OBJS     := $(patsubst $(WANEM_DIR)/%.c,$(WANEM_OBJDIR)/%.o,$(WANEM_SRCS))
WANEM_LIBOBJS  := $(filter-out $(WANEM_OBJDIR)/main.o,$(WANEM_OBJS))
WANUNIT_SRCS   := $(wildcard tests/wan/unit_*.c)
WANUNIT_OBJS   := $(patsubst tests/wan/%.c,$(WANEM_OBJDIR)/%.o,$(WANUNIT_SRCS))
WAN_PROGS      := $(BUILD)/wanem $(BUILD)/wan_udpgen $(BUILD)/wanem_unit
# wanem uses the base layer of the library only (checksum, clock, log).
WAN_CFLAGS      = $(CFLAGS) -I$(WANEM_DIR) $(INC_base) -pthread

.PHONY: wanem test-wan bench-wan demo-wan

all: $(WAN_PROGS)
wanem: $(WAN_PROGS)

# Static pattern rules: these objects never wait for the BPF skeletons.
# Header dependencies come from -MMD -MP, like the rest of the tree.
$(WANEM_OBJS): $(WANEM_OBJDIR)/%.o: $(WANEM_DIR)/%.c | $(BUILD)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(WAN_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(WANUNIT_OBJS) $(WANEM_OBJDIR)/udpgen.o: $(WANEM_OBJDIR)/%.o: tests/wan/%.c | $(BUILD)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(WAN_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/wanem: $(WANEM_OBJS) $(LIB_BASE)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(WAN_CFLAGS) $^ -o $@ -lm

$(BUILD)/wanem_unit: $(WANUNIT_OBJS) $(WANEM_LIBOBJS) $(LIB_BASE)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(WAN_CFLAGS) $^ -o $@ -lcriterion -lm

$(BUILD)/wan_udpgen: $(WANEM_OBJDIR)/udpgen.o
	$(call msg,LINK,$@)
	$(Q)$(CC) $(WAN_CFLAGS) $^ -o $@ -lm

test-wan: wanem
	$(Q)./tests/wan/run.sh

bench-wan: deps
	$(Q)$(MAKE) --no-print-directory -s wanem
	$(Q)./tests/wan/bench_emu.sh
	$(Q)./tests/wan/bench_wan.sh $(BENCH_WAN_ARGS)

demo-wan: deps
	$(Q)$(MAKE) --no-print-directory -s wanem
	$(Q)./deploy/lab/demo_wan.sh
