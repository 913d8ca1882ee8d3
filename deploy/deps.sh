#!/bin/sh
# Install the Debian packages keg's build, tests, demo and bench need.
# Idempotent: prints nothing and changes nothing when all are present.
set -e
# prometheus: promtool checks the metrics; groff-base, man-db: the man pages;
# bash-completion loads deploy/completion/kegctl.bash; netcat-openbsd copies
# files through keg in tests/wan/test_keg.sh; libzstd-dev, liblz4-dev: kegd's keg
# compression; zstd: `zstd -b1`, what bench_compress.sh compares kegd with.
PKGS="clang llvm gcc make pkg-config libbpf-dev libxdp-dev bpftool xdp-tools
libelf-dev zlib1g-dev libmnl-dev libcriterion-dev iproute2 iputils-ping
arping ndisc6 iperf3 tcpdump ethtool jq kmod python3-scapy netcat-openbsd
prometheus groff-base man-db bash-completion
libngtcp2-dev libngtcp2-crypto-gnutls-dev libgnutls28-dev
libzstd-dev liblz4-dev zstd"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing (run 'make deps' as root)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
