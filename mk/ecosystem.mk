# mk/ecosystem.mk - what operators run keg with (issue 14): Prometheus
# metrics (`kegctl stats --format prometheus`, the textfile timer), man
# pages, bash completion. Included by the top Makefile.
#
#   make install       also: man pages, bash completion, keg-metrics timer
#   make bench-metrics the cost of the Prometheus output for 100,000 shaped
#                      customers (tests/bench/metrics/prom_bench.sh); part
#                      of `make bench`

MAN_PAGES := $(wildcard docs/man/*.[1-8])

# The unit tests cover the Prometheus writer and the counter map.
$(BUILD)/test_unit: $(BUILD)/user/kegctl/prom.o $(BUILD)/user/kegctl/stats_prom_map.o
$(BUILD)/tests/unit/test_prom.o: CFLAGS += -Iuser/kegctl

.PHONY: install-ecosystem bench-metrics

install: install-ecosystem
install-ecosystem:
	$(Q)for m in $(MAN_PAGES); do \
		s=$${m##*.}; \
		install -D -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/$${m##*/} || exit 1; \
	done
	install -D -m 0644 deploy/completion/kegctl.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/kegctl
	install -D -m 0755 deploy/keg-metrics.sh $(DESTDIR)$(PREFIX)/sbin/keg-metrics
	install -D -m 0644 deploy/systemd/keg-metrics.timer \
		$(DESTDIR)/etc/systemd/system/keg-metrics.timer
	[ -e $(DESTDIR)/etc/default/keg-metrics ] || \
		install -D -m 0644 deploy/keg-metrics.default $(DESTDIR)/etc/default/keg-metrics

bench: bench-metrics
bench-metrics: deps
	$(Q)$(MAKE) --no-print-directory $(BUILD)/kegctl $(BUILD)/xdp_pass.bpf.o
	$(Q)./tests/bench/metrics/prom_bench.sh
