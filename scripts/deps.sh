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
	iptables conntrack curl jq openssl libjs-chart.js prometheus chromium python3
	libldns3 libevent-pthreads-2.1-7 libnss3-tools"

# Libreswan for the monitor-libreswan scenario. Debian's package conflicts
# with strongSwan's, which the bed needs: it is unpacked, not installed,
# into $LIBRESWAN_ROOT (its libraries are in bed_deps above; certutil makes
# its NSS databases). Nothing here starts it: only a bed guest runs pluto.
LIBRESWAN_ROOT=/opt/ikeflow-libreswan
libreswan_unpack()
{
	local tmp

	[ -x "$LIBRESWAN_ROOT/usr/libexec/ipsec/pluto" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "deps: libreswan missing in $LIBRESWAN_ROOT (run as root)" >&2
		return 1
	fi
	echo "deps: unpacking libreswan into $LIBRESWAN_ROOT"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download libreswan) &&
	    dpkg -x "$tmp"/libreswan_*.deb "$tmp/root" &&
	    rm -rf "$LIBRESWAN_ROOT" && mv "$tmp/root" "$LIBRESWAN_ROOT" &&
	    "$LIBRESWAN_ROOT/usr/libexec/ipsec/pluto" --version >/dev/null ||
	    { rm -rf "$tmp"; echo "deps: libreswan unpack failed" >&2; return 1; }
	rm -rf "$tmp"
}

missing=
for p in $build_deps $bed_deps; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$s" = installed ] || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all packages installed"
	libreswan_unpack
	exit
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

libreswan_unpack
