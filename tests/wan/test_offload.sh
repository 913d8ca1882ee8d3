#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_offload.sh - the veth traps: partial checksums are completed, super-
# packets (TSO/GSO left on) are dropped with a warning, not sent on.
# shellcheck source=tests/wan/lib.sh
. "$(dirname "$0")/lib.sh"
need_root
need_cmd ethtool
need_build

P=$(prefix_for of)
lab_up "$P" --delay 1

# Checksum offload back on at gwa's WAN end: forwarded frames reach wanem
# with only the pseudo-header sum (TP_STATUS_CSUMNOTREADY). gwb's end has
# rx-checksumming off, so a frame with a bad sum would be dropped there.
in_ns "$P" gwa ethtool -K "$P-gaw" tx on >/dev/null
before=$(kv csum_fixed "$(wanem_stats "$P" a2b)")
r=$(udp "$P" a1 b1 5000 5000 1000)
after=$(kv csum_fixed "$(wanem_stats "$P" a2b)")
check "partial checksums: wanem completed $((after - before))" test $((after - before)) -ge 4900
if judged "5000 datagrams a1 -> b1 at 5000/s" "$r"; then
	check "partial checksums: all $(kv unique "$r") of 5000 datagrams arrive" test "$(kv lost "$r")" = 0
fi

# TSO and GSO on: 64 KB TCP super-packets arrive at wanem.
in_ns "$P" gwa ethtool -K "$P-gaw" sg on tso on gso on >/dev/null
if command -v iperf3 >/dev/null && command -v jq >/dev/null; then
	iperf "$P" a1 b1 -t 1 >/dev/null
	s=$(wanem_stats "$P" a2b)
	check "super-packets counted as oversize ($(kv oversize "$s"))" test "$(kv oversize "$s")" -gt 0
	check "super-packets: a warning names the cause" \
		grep -q 'TSO/GSO/GRO' "/run/keg-lab/$P/wanem.log"
fi
finish
