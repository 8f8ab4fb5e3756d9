#!/bin/bash
# Installs every Debian package ikeflow needs to build and to run its tests
# (unit tests, valgrind/sanitizer runs, the UML test bed). Debian 12, root.
# Fast when everything is already there: apt runs only for missing packages.
set -eu

build_deps="build-essential autoconf automake pkg-config libssl-dev
	libmnl-dev libsnmp-dev libmicrohttpd-dev libjansson-dev libcrypt-dev libcmocka-dev
	libarchive-dev libcap-ng-dev libseccomp-dev"
bed_deps="user-mode-linux kmod iproute2 iputils-ping strongswan-starter
	strongswan-charon strongswan-swanctl libstrongswan-standard-plugins
	snmpd snmp snmptrapd smitools valgrind clang libclang-rt-14-dev procps psmisc
	iptables conntrack curl jq openssl libjs-chart.js prometheus chromium python3"

missing=
for p in $build_deps $bed_deps; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$s" = installed ] || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all packages installed"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing:$missing (run as root to install them)" >&2
	exit 1
fi
echo "deps: installing$missing"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing

# The test bed runs its own strongSwan and snmpd inside UML guests only: the
# services the packages may have started on this machine are not wanted.
for svc in strongswan-starter strongswan ipsec snmpd prometheus prometheus-node-exporter; do
	systemctl disable --now "$svc" 2>/dev/null || true
done
if command -v ipsec >/dev/null && [ -e /var/run/charon.pid -o -e /var/run/starter.charon.pid ]; then
	ipsec stop 2>/dev/null || true
fi
if [ -s /var/run/snmpd.pid ]; then
	kill "$(cat /var/run/snmpd.pid)" 2>/dev/null || true
fi
