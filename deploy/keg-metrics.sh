#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# keg-metrics - write keg's counters (`kegctl stats --format prometheus`)
# into node_exporter's textfile collector directory, atomically.
#
#   keg-metrics [FILE]
#
# FILE: the argument, else $KEG_METRICS_FILE, else
# /var/lib/prometheus/node-exporter/keg.prom. $KEG_METRICS_ARGS is added to
# kegctl's arguments (e.g. "--iface eth1"); $KEGCTL names the kegctl to run
# (default: the one next to this script, else kegctl on PATH).
#
# kegctl writes into a temporary file in FILE's directory (a name the
# collector skips: it reads only *.prom), which is renamed over FILE when
# kegctl succeeded. A scrape never sees half a file; a failed run leaves
# the previous file, whose age node_exporter exports as
# node_textfile_mtime_seconds. Run by keg-metrics.service (keg-metrics.timer).
set -eu

file=${1:-${KEG_METRICS_FILE:-/var/lib/prometheus/node-exporter/keg.prom}}
here=$(dirname "$0")
if [ -z "${KEGCTL:-}" ]; then
	if [ -x "$here/kegctl" ]; then KEGCTL=$here/kegctl; else KEGCTL=kegctl; fi
fi
dir=$(dirname "$file")
case $file in
*.prom) ;;
*) echo "keg-metrics: $file: the textfile collector reads only *.prom files" >&2; exit 2 ;;
esac
if [ ! -d "$dir" ]; then
	echo "keg-metrics: $dir: no such directory (node_exporter's --collector.textfile.directory)" >&2
	exit 1
fi
tmp=$(mktemp "$dir/.keg-metrics.XXXXXX")
trap 'rm -f "$tmp"' EXIT
trap 'exit 1' INT TERM HUP
# shellcheck disable=SC2086 # KEG_METRICS_ARGS is a list of words
"$KEGCTL" stats --format prometheus ${KEG_METRICS_ARGS:-} >"$tmp"
chmod 0644 "$tmp"
mv -f "$tmp" "$file"
trap - EXIT
