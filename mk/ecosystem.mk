# mk/ecosystem.mk - what operators run keg with (issue 14): Prometheus
# metrics (`kegctl stats --format prometheus`). Included by the top Makefile.

# The unit tests cover the Prometheus writer and the counter map.
$(BUILD)/test_unit: $(BUILD)/user/kegctl/prom.o $(BUILD)/user/kegctl/stats_prom_map.o
$(BUILD)/tests/unit/test_prom.o: CFLAGS += -Iuser/kegctl
