# mk/transport.mk - the keg transport of kegd (user/kegd: keg framing, flow
# map, rate bucket, stream buffers, pinned-key TLS, the ngtcp2 glue) and its
# tests (tests/kegd). Included by the top Makefile; reuses its variables and
# the generic $(BUILD)/%.o rule.
#
#   make kegd-unit   build/kegd_unit: criterion tests of the pure cores and a
#                    QUIC loopback transfer over 127.0.0.1; `make test-unit`
#                    (so `make test`) runs it too
#   tests/kegd/kegpipe_lab.sh   goodput across the WAN lab next to TCP
#   make kegpipe     build/kegpipe: a TCP stream through one keg connection

LDLIBS_QUIC := $(shell pkg-config --libs libngtcp2_crypto_gnutls libngtcp2 gnutls 2>/dev/null || \
                 echo -lngtcp2_crypto_gnutls -lngtcp2 -lgnutls)
# Keg compression (keg_compress.c): libzstd and liblz4, Debian's.
LDLIBS_QUIC += $(shell pkg-config --libs libzstd liblz4 2>/dev/null || echo -lzstd -llz4)

# The transport's own sources: kegd links them (its sources are
# user/kegd/*.c), the tests link them without kegd's main.
KEGT_SRCS := $(addprefix user/kegd/,keg_frame.c keg_compress.c flowmap.c ratebucket.c streambuf.c pktq.c \
               site_key.c tls_pin.c quic_conn.c quic_tx.c quic_callbacks.c quic_bytestream.c site_conf.c \
               tcpstream.c)
KEGT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(KEGT_SRCS))

# kegd's link line takes the QUIC and TLS libraries too.
$(BUILD)/kegd: LDLIBS_NL += $(LDLIBS_QUIC)

KEGD_UNIT_SRCS := $(wildcard tests/kegd/test_*.c)
KEGD_UNIT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(KEGD_UNIT_SRCS))

$(KEGD_UNIT_OBJS): CFLAGS += -Iuser/kegd

.PHONY: kegd-unit test-kegd-unit
all: $(BUILD)/kegd_unit
kegd-unit: $(BUILD)/kegd_unit

test-unit: test-kegd-unit
test-kegd-unit: $(BUILD)/kegd_unit
	$(Q)cd $(BUILD) && ./kegd_unit --jobs 1

# site_conf uses the library's rate and error helpers (its base layer).
KEGT_LIB_OBJS := $(LIB_BASE)

$(BUILD)/kegd_unit: $(KEGD_UNIT_OBJS) $(KEGT_OBJS) $(KEGT_LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ -lcriterion $(LDLIBS_QUIC) -lm -pthread

# kegpipe: keg's QUIC transport between two hosts, measured (tests/kegd/kegpipe.c).
.PHONY: kegpipe
all: $(BUILD)/kegpipe
kegpipe: $(BUILD)/kegpipe

$(BUILD)/tests/kegd/kegpipe.o: CFLAGS += -Iuser/kegd

$(BUILD)/kegpipe: $(BUILD)/tests/kegd/kegpipe.o $(KEGT_OBJS) $(KEGT_LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_QUIC) -lm

# keg_zbench: kegd's keg compressor on a file, outside the daemon
# (tests/kegd/keg_zbench.c); bench_compress.sh prints it next to kegd's figure.
all: $(BUILD)/keg_zbench
$(BUILD)/tests/kegd/keg_zbench.o: CFLAGS += -Iuser/kegd
$(BUILD)/keg_zbench: $(BUILD)/tests/kegd/keg_zbench.o $(BUILD)/user/kegd/keg_compress.o \
		     $(BUILD)/user/kegd/keg_frame.o
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(shell pkg-config --libs libzstd liblz4 2>/dev/null || echo -lzstd -llz4)
