#!/bin/bash
# The web server (web/server.c) on loopback, in the real event loop, with
# real HTTP clients (curl): security headers, read-only methods, http_allow
# refusing an address outside the list, a client that sends half a request
# and stalls while 200 concurrent clients are served (and is closed at the
# timeout), /metrics accepted by promtool, and basic authentication against
# a file of crypt(3) hashes (a bad file keeps the server off), HTTPS with
# the configured certificate; /tech-support.tar.gz made by the real
# ikeflowctl in a child: complete, the child reaped, killed when its client
# goes away or the server stops, two at once and a third refused (503).
# Skipped (77) without curl.
# bash for /dev/tcp (make check runs tests with sh)
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
fixture=./tests/web/web_fixture
command -v curl >/dev/null || { echo "SKIP: no curl"; exit 77; }
tmp=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fx=
# FAIL, what the fixture's log says, and whether the fixture still runs
# (a 000 from curl is either a server that closed without answering or
# one that is gone: the exit status tells which)
fail() {
	echo "FAIL: $*"
	if [ -n "$fx" ]; then
		if kill -0 "$fx" 2>/dev/null; then
			echo "  (the fixture, pid $fx, still runs)"
		else
			wait "$fx" 2>/dev/null
			echo "  (the fixture, pid $fx, is gone: exit status $?)"
		fi
	fi
	[ -f "$tmp/fx.log" ] && sed 's/^/  fixture: /' "$tmp/fx.log"
	exit 1
}

# start FIXTURE-ARGS...: runs the fixture on a free port; sets $port
# (each start its own port: not the one a fixture just killed had). The
# last fixture's output goes first and only this port's "ready" counts:
# the background job truncates the file only once it runs, and on a
# loaded machine the old "ready" was read before that, so the tests
# connected to a fixture not yet listening (refused: curl's 000).
nstart=0
start() {
	nstart=$((nstart + 1))
	for try in 1 2 3 4 5; do
		port=$(( 20000 + ($$ * 7 + nstart * 977 + try * 131) % 30000 ))
		rm -f "$tmp/fx.out"
		"$fixture" "127.0.0.1:$port" "$@" >"$tmp/fx.out" 2>"$tmp/fx.log" &
		fx=$!
		# (generous: a loaded machine, the suite's other stages beside)
		for i in $(seq 300); do
			grep -qx "ready $port" "$tmp/fx.out" 2>/dev/null && break
			kill -0 $fx 2>/dev/null || break
			sleep 0.1
		done
		if grep -qx "ready $port" "$tmp/fx.out" 2>/dev/null; then
			pids="$pids $fx"
			return 0
		fi
		kill $fx 2>/dev/null
		wait $fx 2>/dev/null
	done
	fail "the fixture did not start"
}
stop() { kill $fx; wait $fx 2>/dev/null; pids=; }

# ---- http_allow: only 127.0.0.2 may connect ----
start 127.0.0.2/32 3 10
code=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.2 "http://127.0.0.1:$port/")
[ "$code" = 200 ] || fail "allowed client got $code"
code=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.1 "http://127.0.0.1:$port/")
[ "$code" = 000 ] || fail "a client outside http_allow got an answer ($code)"
grep -q 'refused a connection from 127.0.0.1 (not in http_allow)' "$tmp/fx.log" ||
	fail "the refusal is not logged"
stop

# ---- headers, methods, pages ----
start 127.0.0.0/8 3 10
base="http://127.0.0.1:$port"
curl -s -D "$tmp/h" -o "$tmp/dash.html" "$base/" || fail "GET /"
grep -qi '^Content-Security-Policy: default-src' "$tmp/h" || fail "no CSP on /"
grep -qi '^X-Content-Type-Options: nosniff' "$tmp/h" || fail "no nosniff on /"
grep -q '&lt;script&gt;alert' "$tmp/dash.html" || fail "hostile name not escaped"
! grep -q '<script>alert' "$tmp/dash.html" || fail "raw markup in the dashboard"
curl -s -D "$tmp/h" -o "$tmp/t.json" "$base/api/v1/tunnels" || fail "GET tunnels"
grep -qi '^Cache-Control: no-store' "$tmp/h" || fail "JSON is cacheable"
grep -qi '^Content-Type: application/json' "$tmp/h" || fail "JSON content type"
for m in POST PUT DELETE PATCH; do
	code=$(curl -s -o /dev/null -w '%{http_code}' -X $m -d x=1 "$base/api/v1/summary")
	[ "$code" = 405 ] || fail "$m answered $code, not 405"
done
code=$(curl -s -o /dev/null -w '%{http_code}' -I "$base/metrics")
[ "$code" = 200 ] || fail "HEAD /metrics: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/tunnel/999")
[ "$code" = 404 ] || fail "missing tunnel: $code"
curl -s "$base/metrics" >"$tmp/metrics" || fail "GET /metrics"
grep -q '^ikeflow_tunnel_in_packets_total{name="peer1",peer="172.17.0.2",index="2"} 10$' \
    "$tmp/metrics" || fail "tunnel counter missing from /metrics"
if command -v promtool >/dev/null; then
	promtool check metrics <"$tmp/metrics" || fail "promtool check metrics"
else
	echo "note: promtool not installed, /metrics not checked by it"
fi

# ---- the diagnostic bundle: ikeflowctl in a child, streamed ----
# (no daemon here: the real ikeflowctl writes what it gathers alone; then
# a control socket that never answers keeps it busy)
export FIXTURE_IKEFLOWCTL=$PWD/ikeflowctl FIXTURE_CTL_SOCKET=$tmp/ctl.sock
# children PID: the fixture's children (zombies included), one a line
children() { ps -o pid= --ppid "$1" 2>/dev/null; }
# wait_no_children: none left within 30 s
wait_no_children() {
	for i in $(seq 300); do
		[ -z "$(children $fx)" ] && return 0
		sleep 0.1
	done
	return 1
}
stop
start 127.0.0.0/8 3 10
base="http://127.0.0.1:$port"
curl -s "$base/" | grep -q '<a href="/tech-support.tar.gz" download>' ||
	fail "no bundle link on the dashboard of a local client"
code=$(curl -s -D "$tmp/h" -o "$tmp/b.tgz" -w '%{http_code}' "$base/tech-support.tar.gz")
[ "$code" = 200 ] || fail "GET /tech-support.tar.gz: $code"
grep -Eqi '^Content-Disposition: attachment; filename=ikeflow-techsupport-[A-Za-z0-9._-]+-[0-9]{8}-[0-9]{6}\.tar\.gz' \
    "$tmp/h" || fail "no attachment file name"
grep -qi '^Cache-Control: no-store' "$tmp/h" || fail "the bundle is cacheable"
grep -qi '^Content-Type: application/gzip' "$tmp/h" || fail "bundle content type"
mkdir "$tmp/b" && tar -C "$tmp/b" -xzf "$tmp/b.tgz" || fail "the bundle does not unpack"
grep -q '^MISSING tech-support.txt: .*ikeflowd did not answer' "$tmp"/b/*/MANIFEST ||
	fail "the bundle's MANIFEST does not say the daemon did not answer"
grep -q 'tech-support bundle for 127.0.0.1: [0-9]* bytes sent' "$tmp/fx.log" ||
	fail "the download is not logged"
wait_no_children || fail "a bundle child was left behind: $(children $fx)"
code=$(curl -s -o /dev/null -w '%{http_code}' -I "$base/tech-support.tar.gz")
[ "$code" = 200 ] && [ -z "$(children $fx)" ] || fail "HEAD: $code, or it made a bundle"
# a control socket that accepts and never answers: the child waits
python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
held = []
while True:
    held.append(s.accept())' "$tmp/ctl.sock" &
hung=$!
pids="$pids $hung"
for i in $(seq 300); do [ -S "$tmp/ctl.sock" ] && break; sleep 0.1; done
# a client that goes away mid-download: its child is killed and reaped
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$base/tech-support.tar.gz")
[ "$code" = 200 ] || [ "$code" = 000 ] || fail "a download that was cut: $code"
wait_no_children || fail "the child of a client that left is still there: $(children $fx)"
grep -q 'tech-support bundle for 127.0.0.1: the client went away; ikeflowctl (pid [0-9]*) killed' \
    "$tmp/fx.log" || fail "the client's leaving is not logged"
# two at once; a third is told to come back
# (each kept until killed below: the control socket never answers)
curl -s -o /dev/null --max-time 120 "$base/tech-support.tar.gz" &
c1=$!
curl -s -o /dev/null --max-time 120 "$base/tech-support.tar.gz" &
c2=$!
for i in $(seq 300); do [ "$(children $fx | wc -l)" = 2 ] && break; sleep 0.1; done
[ "$(children $fx | wc -l)" = 2 ] || fail "two downloads, not two children"
code=$(curl -s -D "$tmp/h" -o /dev/null -w '%{http_code}' "$base/tech-support.tar.gz")
[ "$code" = 503 ] && grep -qi '^Retry-After: 30' "$tmp/h" || fail "a third bundle: $code"
# the server keeps serving meanwhile
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$base/api/v1/summary")
[ "$code" = 200 ] || fail "the API while bundles are made: $code"
kill $c1 $c2
wait $c1 $c2 2>/dev/null
wait_no_children || fail "children left after their clients were killed: $(children $fx)"
# the server stops with downloads under way: their children go with it
curl -s -o /dev/null --max-time 120 "$base/tech-support.tar.gz" &
c1=$!
for i in $(seq 300); do [ -n "$(children $fx)" ] && break; sleep 0.1; done
kid=$(children $fx)
[ -n "$kid" ] || fail "no child for the download"
kill $fx
wait $fx 2>/dev/null
wait $c1 2>/dev/null
for i in $(seq 300); do kill -0 $kid 2>/dev/null || break; sleep 0.1; done
! kill -0 $kid 2>/dev/null || fail "ikeflowctl $kid outlived the server"
pids=
kill $hung
wait $hung 2>/dev/null
unset FIXTURE_IKEFLOWCTL FIXTURE_CTL_SOCKET
start 127.0.0.0/8 3 10
base="http://127.0.0.1:$port"

# ---- a stalled half request while 200 clients are served ----
# (the fixture closes idle connections after 10 s here: on a loaded
# machine a client that curl was slow to serve is not taken for stalled)
exec 3<>/dev/tcp/127.0.0.1/$port || fail "connect"
printf 'GET / HTTP/1.1\r\nHost: x\r\nX-Half: ' >&3
: >"$tmp/urls"
# 200 clients from 10 loopback addresses (the per-address limit is 64)
for i in $(seq 200); do
	echo "url = \"$base/api/v1/summary\"" >>"$tmp/urls"
	echo "output = \"$tmp/c$i.json\"" >>"$tmp/urls"
done
t0=$(date +%s%N)
for a in 2 3 4 5 6 7 8 9 10 11; do
	sed -n "$(( (a - 2) * 40 + 1 )),$(( (a - 1) * 40 ))p" "$tmp/urls" >"$tmp/urls.$a"
	curl -s --parallel --parallel-immediate --parallel-max 20 --interface 127.0.0.$a \
	    -K "$tmp/urls.$a" -w '%{http_code}\n' >"$tmp/codes.$a" 2>/dev/null &
done
wait_clients() {
	for j in $(jobs -p); do [ "$j" = "$fx" ] || wait "$j"; done
}
wait_clients
t1=$(date +%s%N)
n=$(cat "$tmp"/codes.* | grep -c '^200$')
[ "$n" = 200 ] || fail "only $n of 200 concurrent clients got 200"
grep -l tunnels_up "$tmp"/c*.json | wc -l | grep -qx 200 || fail "a body is incomplete"
echo "200 clients served in $(( (t1 - t0) / 1000000 )) ms while a client stalled"
# the stalled client is dropped at the timeout, and nothing was answered to it
timeout 60 cat <&3 >"$tmp/half"
[ $? != 124 ] || fail "the stalled client was not dropped at the timeout"
[ ! -s "$tmp/half" ] || grep -q '^HTTP/1.1 408' "$tmp/half" || fail "the half request got an answer"
exec 3>&-
kill -0 $fx || fail "the fixture died"
stop

# ---- basic authentication: user "ops", password "correct horse" ----
# (the hash is `openssl passwd -6 -salt ikeflowtest 'correct horse'`)
cat >"$tmp/users" <<'USERS'
# ikeflow dashboard users
ops:$6$ikeflowtest$Y1WxMhflB6ENT6ve1JSpTcWDp9DSsSLeSWov8r6PwOUH9thvA4EdXF3C7l/kX9aSKLaxXSsmEdRlk0TqVtaAv.
USERS
start 127.0.0.0/8 3 10 "$tmp/users"
base="http://127.0.0.1:$port"
code=$(curl -s -D "$tmp/h" -o /dev/null -w '%{http_code}' "$base/api/v1/summary")
[ "$code" = 401 ] || fail "no credentials: $code"
grep -qi '^WWW-Authenticate: Basic realm="ikeflow"' "$tmp/h" || fail "no Basic challenge"
code=$(curl -s -o /dev/null -w '%{http_code}' -u 'ops:correct horsE' "$base/metrics")
[ "$code" = 401 ] || fail "a wrong password got $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -u 'nobody:correct horse' "$base/metrics")
[ "$code" = 401 ] || fail "an unknown user got $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -u 'ops:correct horse' "$base/metrics")
[ "$code" = 200 ] || fail "the right password got $code"
grep -q 'wrong password for user "ops"' "$tmp/fx.log" || fail "the refusal is not logged"
! grep -q 'horsE' "$tmp/fx.log" || fail "a password is in the log"
stop
printf 'ops:plaintext\n' >"$tmp/bad-users"
"$fixture" "127.0.0.1:$port" 127.0.0.0/8 3 2 "$tmp/bad-users" >"$tmp/fx.out" 2>"$tmp/fx.log"
[ $? != 0 ] || fail "a bad http_auth_file did not stop the server"
grep -q "$tmp/bad-users:1: expected USER:HASH" "$tmp/fx.log" || fail "no FILE:LINE error"

# ---- HTTPS with the configured certificate (made here by openssl) ----
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 2 -subj /CN=ikeflow-test \
	    -addext subjectAltName=IP:127.0.0.1 2>/dev/null || fail "openssl req"
	start 127.0.0.0/8 3 10 - "$tmp/cert.pem" "$tmp/key.pem"
	grep -q "web: dashboard on https://127.0.0.1:$port/" "$tmp/fx.log" ||
		fail "HTTPS not announced"
	# verified against that very certificate: the server presents it
	code=$(curl -s -o "$tmp/s.json" -w '%{http_code}' --cacert "$tmp/cert.pem" \
	    "https://127.0.0.1:$port/api/v1/summary")
	[ "$code" = 200 ] || fail "HTTPS with the configured certificate: $code"
	grep -q tunnels_up "$tmp/s.json" || fail "HTTPS body"
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/")
	[ "$code" != 200 ] || fail "plain HTTP answered on the HTTPS port"
	! grep -q 'PRIVATE KEY' "$tmp/fx.log" || fail "the key is in the log"
	stop
	: >"$tmp/empty.pem"
	"$fixture" "127.0.0.1:$port" 127.0.0.0/8 3 2 - "$tmp/cert.pem" "$tmp/empty.pem" \
	    >"$tmp/fx.out" 2>"$tmp/fx.log"
	[ $? != 0 ] || fail "an empty key did not stop the server"
	grep -q "$tmp/empty.pem: cannot read it" "$tmp/fx.log" || fail "no error naming the key"
else
	echo "note: no openssl command, HTTPS not tested"
fi
echo "PASS"
