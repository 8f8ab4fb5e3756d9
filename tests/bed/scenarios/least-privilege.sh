# least-privilege: ikeflowd as installed drops to its user (ikeflow) with
# CAP_NET_ADMIN and CAP_NET_BIND_SERVICE only, under its seccomp filter
# (/proc/PID/status: Uid, Gid, CapEff/CapPrm/CapBnd, NoNewPrivs, Seccomp 2),
# and the whole seed scenario still works in that state: strongSwan as the
# IOS router brings the tunnel up, the default updown script's iptables
# rules go in (leftfirewall=yes, through the root runner), 100 pings, the
# tunnel's counters over SNMP through snmpd and on the web page (bound
# to port 80 before the drop, moved to port 81 by a reload: bound again
# with CAP_NET_BIND_SERVICE), a child rekey, a reload that adds a second
# tunnel which comes up, and `ikeflowctl tech-support bundle`. On the code
# before the drop every capability check fails (CapEff 000001ffffffffff).
# bed-timeout: 600

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"
. "$SRCDIR/tests/bed/conf/snmp-common/snmp.sh"

LP=$SRCDIR/tests/bed/conf/least-privilege
cp "$LP/ipsec.conf" "$W/gw2-ipsec.conf"
printf '%s\n' 'log_level = info' 'refresh_interval = 1000' \
    "agentx_socket = unix:$W/agentx-gw2" 'agentx_ping_interval = 1' \
    'http_listen = 127.0.0.1:80' >"$W/gw2-ikeflowd.conf"

check topology bed_topology
check snmpd start_snmpd gw2
check charon-ios ikev2_ios
check ikeflowd ikev2_ikeflowd "$W/gw2-ipsec.conf" "$W/gw2-ikeflowd.conf"
# the control socket is there before the drop: wait for the daemon's ready
check ready wait_for 30 grep -q 'ikeflowd .* ready (pid' "$W/gw2.log"
PID=$(cat /tmp/gw2/ikeflowd.pid)
grep -E '^(Uid|Gid|Groups|Cap[A-Za-z]+|NoNewPrivs|Seccomp):' "/proc/$PID/status" \
    >"$W/gw2-status.txt"
# status_is FIELD VALUE: /proc/PID/status says FIELD:<tab>VALUE
status_is() { grep -qx "$1:[[:space:]]*$2" "$W/gw2-status.txt"; }
U=$(id -u ikeflow) G=$(id -g ikeflow)
check uid status_is Uid "$U[[:space:]]*$U[[:space:]]*$U[[:space:]]*$U"
check gid status_is Gid "$G[[:space:]]*$G[[:space:]]*$G[[:space:]]*$G"
check groups status_is Groups "$G *"
# bits 10 and 12: CAP_NET_BIND_SERVICE and CAP_NET_ADMIN, nothing else
check cap-eff status_is CapEff 0000000000001400
check cap-prm status_is CapPrm 0000000000001400
check cap-bnd status_is CapBnd 0000000000001400
check cap-inh status_is CapInh 0000000000000000
check cap-amb status_is CapAmb 0000000000000000
check no-new-privs status_is NoNewPrivs 1
check seccomp status_is Seccomp 2
check log-dropped grep -q 'running as user ikeflow .* with CAP_NET_ADMIN and CAP_NET_BIND_SERVICE' \
    "$W/gw2.log"
check state-dir-owner test "$(stat -c %U /tmp/gw2/state)" = ikeflow
check ctl-owner test "$(stat -c %U /tmp/gw2/ctl.sock)" = ikeflow
check pid-owner test "$(stat -c %U /tmp/gw2/ikeflowd.pid)" = ikeflow

# ---- the seed tunnel, the firewall rules of the updown script ----
fw_rules() { ip netns exec gw2 iptables -w 10 -S FORWARD | grep -c -e '--pol ipsec'; }
rules_are() { [ "$(fw_rules)" = "$1" ]; }
check swan-up swan gw1 gw1 up strongswan
check swan-installed wait_for 20 ikev2_swan_installed
check ikf-installed wait_for 10 ikev2_ikf_installed
check updown-rules wait_for 30 rules_are 2
# the tunnel's counters, not the SAs': ikeflowd may have rekeyed already
# on a slow machine, and the tunnel's counters go on across rekeys
check ping-100 ip netns exec h1 ping -q -c 100 -i 0.01 -W 2 203.0.113.10

# ---- the counters over SNMP through snmpd (AgentX), on the web page ----
check agent-registered wait_for 20 agent_up
T=$(tunnel_index)
check snmp-in-pkts wait_for 10 snmp_is $R.1.3.2.1.32.$T "Counter32: 100"
check snmp-out-pkts wait_for 10 snmp_is $R.1.3.2.1.45.$T "Counter32: 100"
web() { ip netns exec gw2 curl -sf "http://127.0.0.1:$1$2"; }
web_has_100() { web 80 /api/v1/tunnels | grep -q '"in":{"bytes":[0-9]*,"packets":100,'; }
check web-api-100 wait_for 10 web_has_100
check web-page sh -c "ip netns exec gw2 curl -sf http://127.0.0.1:80/ | grep -q ciscoios"

# ---- a child rekey by ikeflowd (keylife 40 s, margin 20 s) ----
spi_in() { ip -n gw2 xfrm state | awk '$1 == "src" && $2 == "192.0.2.1" { getline; print $4; exit }'; }
SPI0=$(spi_in)
check_ge spi-before 1 "$(printf '%s' "$SPI0" | grep -c 0x)"
rekeyed() { s=$(spi_in); [ -n "$s" ] && [ "$s" != "$SPI0" ]; }
check rekey wait_for 60 rekeyed
check ping-after-rekey ip netns exec h1 ping -q -c 5 -i 0.2 -W 2 203.0.113.10
check seccomp-alive kill -0 "$PID"

# ---- a reload: a second tunnel (the gateways' own inside addresses),
# the web page moved to port 81 ----
cat >>/tmp/gw1/ipsec.conf <<'C'

conn second
  left=192.0.2.1
  leftsubnet=198.51.100.1/32
  right=192.0.2.2
  rightsubnet=203.0.113.1/32
  ike=aes128-sha1-modp1536!
  esp=aes128-sha1!
  auto=add
C
check swan-update swan gw1 gw1 update
swan_knows_second() { swan gw1 gw1 statusall | grep -q '^ *second:'; }
check swan-knows wait_for 10 swan_knows_second
cat >>"$W/gw2-ipsec.conf" <<'C'

conn second
  left=192.0.2.2
  leftsubnet=203.0.113.1/32
  leftid=192.0.2.2
  right=192.0.2.1
  rightsubnet=198.51.100.1/32
  rightid=192.0.2.1
  ike=aes128-sha1-modp1536
  esp=aes128-sha1
  keylife=3600s
  rekeymargin=3m
  auto=start
C
sed -i 's/^http_listen = .*/http_listen = 127.0.0.1:81/' "$W/gw2-ikeflowd.conf"
check reload ctl gw2 gw2 reload
# its SAs in the kernel (with the first tunnel's: 4) and the session up;
# its /32 selectors lie inside the first tunnel's: no traffic test here
second_up() {
	[ "$(ikev2_sa_count gw2)" -ge 4 ] &&
	    ctl gw2 gw2 show crypto session | grep -A2 'Interface: second' |
	    grep -q 'Session status: UP'
}
check second-up wait_for 30 second_up
check web-port-81 wait_for 10 sh -c "ip netns exec gw2 curl -sf http://127.0.0.1:81/ >/dev/null"
check no-bind-error sh -c "! grep -q 'web: the dashboard could not start' '$W/gw2.log'"

# ---- the tech-support bundle ----
check bundle ctl gw2 gw2 tech-support bundle -o "$W/bundle.tar.gz"
mkdir -p "$W/bundle"
check bundle-unpack tar -C "$W/bundle" -xzf "$W/bundle.tar.gz"
check bundle-check-config sh -c "grep -q 'configuration OK' '$W'/bundle/*/check-config.txt"

# still the same process, still filtered and unprivileged; no call refused
check still-running kill -0 "$PID"
check still-seccomp grep -qx 'Seccomp:[[:space:]]*2' "/proc/$PID/status"
check no-sigsys sh -c "! grep -q 'seccomp: system call [0-9]* not allowed' '$W/gw2.log'"
check no-updown-errors sh -c "! grep -q 'updown.*\(failed\|not run\|refused\)' '$W/gw2.log'"
