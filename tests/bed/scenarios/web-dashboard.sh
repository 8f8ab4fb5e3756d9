# web-dashboard: the seed tunnel (ikeflowd initiating, strongSwan as the IOS
# router) seen through ikeflowd's web server by real clients on the host:
# after the 100 pings, a headless Chromium loads the dashboard (the DOM shows
# the tunnel up with 100 packets each way), the tunnel page draws its chart,
# screenshots go to the output (dashboard.png, tunnel.png); a real Prometheus server scrapes /metrics and its query API
# gives ikeflow_tunnel_in_packets_total = 100. Then a Chromium kept open on
# the dashboard sees, without a reload, the tunnel go down with the reason
# when strongSwan stops. The browser and Prometheus run on the host, in the
# network namespace of the guest's TAP link (tests/bed/hostside).
# bed-timeout: 600
# bed-hostside: yes

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

URL=http://198.18.0.2:8080

check topology bed_topology
check hostside-link hostside_link gw2
{
	cat "$IKF/ikeflowd.conf"
	echo "http_listen = *:8080"
	echo "http_allow = 198.18.0.0/24, 127.0.0.0/8"
} >"$W/ikeflowd-web.conf"
check charon-ios ikev2_ios
check ikeflowd ikev2_ikeflowd "" "$W/ikeflowd-web.conf"
check web-listening grep -q 'web: dashboard on http://\*:8080/' "$W/gw2.log"
check up ctl gw2 gw2 up ciscoios
check swan-installed wait_for 20 ikev2_swan_installed
check ikf-installed wait_for 10 ikev2_ikf_installed
ikev2_ping_and_count

api() { ip netns exec gw2 curl -sf "http://127.0.0.1:8080$1"; }
# the counters reach the state model on the next refresh (1 s here)
api_has_100() { api /api/v1/tunnels | grep -q '"in":{"bytes":[0-9]*,"packets":100,'; }
check api-100 wait_for 10 api_has_100
api /api/v1/tunnels >"$W/api-tunnels.json"
idx=$(sed -n 's/^{"tunnels":\[{"index":\([0-9]*\),.*/\1/p' "$W/api-tunnels.json")
check_ge tunnel-index 1 "${idx:-0}"

# ---- Prometheus scrapes the real /metrics ----
check prom-start hostside prom-start 198.18.0.2:8080
# prom_value QUERY FILE VALUE: Prometheus answers QUERY with VALUE
prom_value() {
	hostside prom-query "$1" "$2" && grep -q "\"value\":\[[0-9.]*,\"$3\"\]" "$W/$2"
}
check prom-in-packets-100 wait_for 60 prom_value \
    'ikeflow_tunnel_in_packets_total{name="ciscoios"}' prom-in.json 100
check prom-out-packets-100 prom_value \
    'ikeflow_tunnel_out_packets_total{name="ciscoios"}' prom-out.json 100
check prom-tunnel-up prom_value 'ikeflow_tunnel_up{name="ciscoios"}' prom-up.json 1

# ---- the dashboard in Chromium: the DOM its scripts made ----
check dashboard-dom hostside dom "$URL/" dashboard.html 4000
row=$(grep -o '<tr class="st-up"[^>]*data-index="'"$idx"'">.*' "$W/dashboard.html" |
    sed 's|</tr>.*||')
echo "$row" >"$W/dashboard-row.txt"
check dom-row-up grep -q 'data-state="up"' "$W/dashboard-row.txt"
check dom-row-name grep -q '>ciscoios</a>' "$W/dashboard-row.txt"
check dom-in-100 grep -q '<span class="in-pkts">100</span>' "$W/dashboard-row.txt"
check dom-out-100 grep -q '<span class="out-pkts">100</span>' "$W/dashboard-row.txt"
# the scripts ran: the table was rebuilt from the JSON API
check dom-refreshed grep -q '<body data-rendered="[0-9]*" data-refreshed="[0-9]*"' \
    "$W/dashboard.html"
check dom-summary grep -q '<dd id="s-up">1</dd>' "$W/dashboard.html"
check dashboard-shot hostside shot "$URL/" dashboard.png 1280x800

# ---- the tunnel page draws its chart ----
check tunnel-dom hostside dom "$URL/tunnel/$idx" tunnel.html 6000
check chart-drawn grep -Eq '<canvas id="chart"[^>]* style="[^"]*width: [1-9][0-9]*px;[^"]*"[^>]* data-points="[1-9][0-9]*"' \
    "$W/tunnel.html"
check tunnel-shot hostside shot "$URL/tunnel/$idx" tunnel.png 1280x900

# ---- a page left open sees the tunnel go down, and why ----
check browser-open hostside browser-open "$URL/"
title_has() { hostside browser-title titles.txt && grep -q -- "$1" "$W/titles.txt"; }
check live-up wait_for 30 title_has 'ikeflow: 1 up, 0 down'
check peer-stop swan gw1 gw1 stop
check live-down wait_for 40 title_has 'ikeflow: 0 up, 1 down - ciscoios: down (ended: '
cp "$W/titles.txt" "$W/titles-down.txt"
check live-reason grep -q 'ciscoios: down (ended: peer delete)' "$W/titles-down.txt"

# the host side stops talking to the guest before it halts
check hostside-stop hostside stop
check link-down ip -n gw2 link set eth0 down
