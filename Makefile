# keg - top-level build.  `make` builds everything into build/; quiet unless V=1.
#
#   make deps     install the Debian packages the build, tests and demo need
#   make          BPF objects, skeletons, kegctl, test and bench binaries
#   make test     deps + unit tests (criterion, BPF_PROG_TEST_RUN) + shell suites
#   make demo     deps + namespace lab showing proxy-ARP answering and refusing
#   make bench    deps + ns/packet ratios (not part of make test)
#   make install  kegctl and kegd into $(PREFIX)/sbin

PREFIX   ?= /usr/local
BUILD    := build
ARCH     := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
MULTIARCH:= $(shell gcc -print-multiarch 2>/dev/null)

CLANG    ?= clang
BPFTOOL  ?= bpftool
CC       ?= gcc

# -mcpu=v3: 32-bit ALU and jump instructions (kernel 5.1 and later), so
# 32-bit values need no shifts to clear their upper half: keg_xdp verifies
# in 180k instructions instead of 212k and keg_tc runs 1-2 ns faster.
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
              -Iheaders -Ibpf -I/usr/include/$(MULTIARCH)
CFLAGS     ?= -O2 -g
CFLAGS     += -Wall -Wextra -Werror -std=gnu11 -Iheaders -I$(BUILD)
DEPFLAGS   := -MMD -MP
LDLIBS_BPF := -lxdp -lbpf -lelf -lz
LDLIBS_NL  := -lmnl

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:
.PHONY: all deps test test-unit test-shell demo bench install clean check-layers

# ---- BPF --------------------------------------------------------------------
BPF_SRCS  := $(wildcard bpf/*.bpf.c) $(wildcard tests/bpf/*.bpf.c)
BPF_OBJS  := $(patsubst %.bpf.c,$(BUILD)/%.bpf.o,$(notdir $(BPF_SRCS)))
SKELS     := $(patsubst %.bpf.o,%.skel.h,$(BPF_OBJS))

vpath %.bpf.c bpf tests/bpf

# Header dependencies come from -MMD -MP (the .d files included below).
$(BUILD)/%.bpf.o: %.bpf.c | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@

# ---- userspace --------------------------------------------------------------
# The library is four layered archives; each layer's objects are compiled
# with only its own and the lower layers' headers on the include path, so a
# call that points up a layer does not compile (docs/ARCHITECTURE.md):
#
#   ops   attach, detach, customers, shaping, schedules, apply
#   bpf   pins, programs, XDP/tc attachment, the maps of an interface
#   net   rtnetlink: routes, HTB classes
#   base  errors, logging, addresses, rates, ports, schedules, config, rules
#
# A program links the top layer it uses; the linker takes from each archive
# only the objects it needs.
LIB_LAYERS := base net bpf ops
layer_inc   = $(foreach l,$(1),-Iuser/lib/$(l))
INC_base   := $(call layer_inc,base)
INC_net    := $(call layer_inc,base net)
INC_bpf    := $(call layer_inc,base net bpf)
INC_ops    := $(call layer_inc,base net bpf ops)
USER_INC   := $(INC_ops)

define LIB_LAYER
LIB_OBJS_$(1) := $$(patsubst %.c,$$(BUILD)/%.o,$$(wildcard user/lib/$(1)/*.c))
LIB_A_$(1)    := $$(BUILD)/libkeg_$(1).a
$$(LIB_OBJS_$(1)): INC := $$(INC_$(1))
$$(LIB_A_$(1)): $$(LIB_OBJS_$(1))
	$$(call msg,AR,$$@)
	$(Q)rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach l,$(LIB_LAYERS),$(eval $(call LIB_LAYER,$(l))))

# What a program links: its top layer and every layer below, top first.
LIB_BASE := $(LIB_A_base)
LIB_NET  := $(LIB_A_net) $(LIB_BASE)
LIB_BPF  := $(LIB_A_bpf) $(LIB_NET)
LIB_OPS  := $(LIB_A_ops) $(LIB_BPF)
LIB_OBJS := $(foreach l,$(LIB_LAYERS),$(LIB_OBJS_$(l)))

KEGCTL_SRCS := $(wildcard user/kegctl/*.c)
KEGCTL_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(KEGCTL_SRCS))
# The transport's sites (keygen, pubkey, site add|set|del|list) use kegd's
# own key files and site parser, so both agree on what a site is; those
# need GnuTLS, not QUIC (user/kegd/site_key.h).
KEGCTL_KEGD_OBJS := $(addprefix $(BUILD)/user/kegd/,site_key.o site_conf.o)
LDLIBS_TLS  := $(shell pkg-config --libs gnutls 2>/dev/null || echo -lgnutls)
$(KEGCTL_OBJS): CFLAGS += -Iuser/kegd

# Programs and tests see every layer; library objects only theirs (above).
INC ?= $(USER_INC)

# Objects that include a skeleton must wait for it: the skeletons are an
# order-only prerequisite; what else an object reads comes from its .d file.
$(BUILD)/%.o: %.c | $(SKELS) $(BUILD)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(INC) $(DEPFLAGS) -c $< -o $@

$(BUILD)/kegctl: $(KEGCTL_OBJS) $(KEGCTL_KEGD_OBJS) $(LIB_OPS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF) $(LDLIBS_NL) $(LDLIBS_TLS)

# Which library object calls into which layer: fails when one points up.
check-layers: $(foreach l,$(LIB_LAYERS),$(LIB_A_$(l)))
	$(Q)./mk/check_layers.sh $(BUILD) $(LIB_LAYERS)

# ---- tests and bench --------------------------------------------------------
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(UNIT_SRCS))
BENCH_SRCS:= $(wildcard tests/bench/*.c)
BENCH_OBJS:= $(patsubst %.c,$(BUILD)/%.o,$(BENCH_SRCS))
# keg_bench's own BPF programs (tests/bench/bpf: not linked as C files).
BENCH_BPF_SRCS := $(wildcard tests/bench/bpf/*.bpf.c)
BENCH_SKELS    := $(patsubst %.bpf.c,$(BUILD)/%.skel.h,$(notdir $(BENCH_BPF_SRCS)))
BPF_OBJS  += $(BENCH_SKELS:.skel.h=.bpf.o)
SKELS     += $(BENCH_SKELS)
vpath %.bpf.c tests/bench/bpf
$(BENCH_OBJS): $(BENCH_SKELS)
# xdp-filter's objects, the bench's real peer, ship in Debian's libxdp1.
$(BENCH_OBJS): CFLAGS += -DXDPFILT_DIR='"/usr/lib/$(MULTIARCH)/bpf"'
$(BUILD)/bench_restore.bpf.o: tests/bench/bpf/bench_restore.h

$(BUILD)/test_unit: $(UNIT_OBJS) $(LIB_OPS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ -lcriterion $(LDLIBS_BPF) $(LDLIBS_NL)

$(BUILD)/keg_bench: $(BENCH_OBJS) $(LIB_BPF)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF) $(LDLIBS_NL) -lm

PROGS := $(BUILD)/kegctl
ifneq ($(UNIT_SRCS),)
PROGS += $(BUILD)/test_unit
endif
ifneq ($(BENCH_SRCS),)
PROGS += $(BUILD)/keg_bench
endif

all: $(BPF_OBJS) $(SKELS) $(PROGS)

$(BUILD):
	$(Q)mkdir -p $@

# Other parts of the tree (the WAN lab, fuzzing) bring their own rules.
-include mk/*.mk
-include tests/fuzz/fuzz.mk

# Header dependencies recorded by -MMD.
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---- entry points -----------------------------------------------------------
deps:
	$(Q)./deploy/deps.sh

# Both halves always run; the exit status says whether either failed.
test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)rc=0; \
	$(MAKE) --no-print-directory test-unit || rc=1; \
	$(MAKE) --no-print-directory test-shell || rc=1; \
	exit $$rc

test-unit:
	$(Q)cd $(BUILD) && ./test_unit --jobs 1

test-shell:
	$(Q)./tests/run_suites.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)./deploy/demo.sh

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)cd $(BUILD) && ./keg_bench

install: $(BUILD)/kegctl $(BUILD)/kegd
	install -D -m 0755 $(BUILD)/kegctl $(DESTDIR)$(PREFIX)/sbin/kegctl
	install -D -m 0755 $(BUILD)/kegd $(DESTDIR)$(PREFIX)/sbin/kegd
	install -D -m 0644 deploy/rt_protos.keg.conf $(DESTDIR)/etc/iproute2/rt_protos.d/keg.conf
	install -D -m 0644 -t $(DESTDIR)/etc/systemd/system deploy/systemd/*.service

clean:
	rm -rf $(BUILD)
