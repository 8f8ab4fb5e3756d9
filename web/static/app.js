/* ikeflow dashboard: refreshes the server-rendered page from the JSON API.
 * Every value goes into the page as text (textContent), never as markup. */
"use strict";
(function () {
	var PERIOD = 3000;

	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls) e.className = cls;
		if (text !== undefined && text !== null) e.textContent = String(text);
		return e;
	}
	function bytes(n) {
		var u = ["B", "kB", "MB", "GB", "TB", "PB"], i = 0;
		if (n < 1000) return n + " B";
		while (n >= 1000 && i < 5) { n /= 1000; i++; }
		return n.toFixed(1) + " " + u[i];
	}
	function pad(n) { return (n < 10 ? "0" : "") + n; }
	function dur(s) {
		var d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24,
		    m = Math.floor(s / 60) % 60, x = s % 60;
		return (d ? d + "d " : "") + pad(h) + ":" + pad(m) + ":" + pad(x);
	}
	function nets(list) {
		return list.map(function (t) {
			return t.net + (t.proto || t.port ? "[" + t.proto + "/" + t.port + "]" : "");
		}).join(", ");
	}
	function getJSON(url) {
		return fetch(url, { cache: "no-store", credentials: "same-origin" })
		    .then(function (r) {
			if (r.status === 404) return null;
			if (!r.ok) throw new Error(url + ": HTTP " + r.status);
			return r.json();
		    });
	}
	function stale(on) {
		document.body.classList.toggle("stale", on);
	}

	function rowFor(r) {
		var t = r.tunnel, tr = el("tr", "st-" + r.state), td, a;
		tr.dataset.state = r.state;
		tr.dataset.index = t ? t.index : 0;
		td = el("td", "name");
		if (t) {
			a = el("a", null, r.name);
			a.href = "/tunnel/" + t.index;
			td.appendChild(a);
		} else td.textContent = r.name;
		tr.appendChild(td);
		td = el("td", "peer", t ? t.peer : r.peer);
		if (t && t.peer_id && t.peer_id !== t.peer) {
			td.appendChild(el("br"));
			td.appendChild(el("small", null, t.peer_id));
		}
		tr.appendChild(td);
		tr.appendChild(el("td", "subnets", t ? nets(t.local_subnets) + " \u2194 " +
		    nets(t.remote_subnets) : ""));
		tr.appendChild(el("td", "ikev", "IKEv" + (t ? t.ike_version : r.ike_version)));
		td = el("td", "state");
		td.appendChild(el("span", "badge", r.state));
		if (r.reason) {
			td.appendChild(document.createTextNode(" "));
			td.appendChild(el("span", "reason", r.reason));
		}
		tr.appendChild(td);
		if (!t) {
			td = el("td");
			td.colSpan = 7;
			tr.appendChild(td);
			return tr;
		}
		tr.appendChild(el("td", "uptime", dur(t.uptime_s)));
		tr.appendChild(el("td", "rekey", dur(t.rekey_in_s)));
		tr.appendChild(el("td", "proposal", t.proposal));
		["in", "out"].forEach(function (d) {
			td = el("td", d + " num");
			td.appendChild(el("span", d + "-pkts", t[d].packets));
			td.appendChild(document.createTextNode(" pkts"));
			td.appendChild(el("br"));
			td.appendChild(el("small", null, bytes(t[d].bytes)));
			tr.appendChild(td);
		});
		td = el("td", "rate num", bytes(t.rate.in_bps) + "/s in");
		td.appendChild(el("br"));
		td.appendChild(document.createTextNode(bytes(t.rate.out_bps) + "/s out"));
		tr.appendChild(td);
		td = el("td", "errors num", t.in.auth_fails + " auth");
		td.appendChild(el("br"));
		td.appendChild(document.createTextNode(t.in.replay_drops + " replay"));
		tr.appendChild(td);
		return tr;
	}

	function refreshDashboard() {
		var tbody = document.querySelector("#tunnels tbody");
		Promise.all([getJSON("/api/v1/connections" + location.search),
		    getJSON("/api/v1/summary")]).then(function (res) {
			var d = res[0], s = res[1], frag = document.createDocumentFragment();
			d.rows.forEach(function (r) { frag.appendChild(rowFor(r)); });
			if (!d.rows.length) {
				var tr = el("tr"), td = el("td", null, "No connection matches.");
				td.colSpan = 12;
				tr.appendChild(td);
				frag.appendChild(tr);
			}
			tbody.replaceChildren(frag);
			document.getElementById("count").textContent = d.matching + " of " +
			    d.total + " rows";
			document.getElementById("s-up").textContent = s.tunnels_up;
			document.getElementById("s-conns").textContent = d.total;
			document.getElementById("s-down").textContent = s.down;
			document.getElementById("s-connecting").textContent = s.connecting;
			document.getElementById("s-rate").textContent = bytes(s.in_bps) +
			    "/s / " + bytes(s.out_bps) + "/s";
			document.getElementById("s-fail").textContent = s.failures_last_hour;
			document.getElementById("s-uptime").textContent = dur(s.uptime_s);
			/* the tab's title says what is wrong at a glance */
			var down = d.rows.filter(function (r) {
				return r.state === "down" || r.state === "failed";
			});
			document.title = "ikeflow: " + s.tunnels_up + " up, " + (s.down) + " down" +
			    (down.length ? " - " + down[0].name + ": " + down[0].state +
			    (down[0].reason ? " (" + down[0].reason + ")" : "") : "");
			document.body.dataset.refreshed = String(Date.now());
			stale(false);
		}).catch(function () { stale(true); });
	}

	var chart = null;
	function drawChart(canvas, idx) {
		getJSON("/api/v1/tunnels/" + idx + "/samples").then(function (s) {
			if (!s || typeof Chart === "undefined") return;
			var n = s.in_bps.length, labels = [];
			for (var i = 0; i < n; i++) {
				var ago = s.age_s + (n - 1 - i) * s.interval_s;
				labels.push(ago ? "-" + dur(ago) : "now");
			}
			if (!chart) {
				chart = new Chart(canvas, {
					type: "line",
					data: { labels: labels, datasets: [
					    { label: "in, B/s", data: s.in_bps, borderColor: "#1f5fa8",
					      backgroundColor: "#1f5fa8", pointRadius: 2 },
					    { label: "out, B/s", data: s.out_bps, borderColor: "#b3541e",
					      backgroundColor: "#b3541e", pointRadius: 2 }] },
					options: { animation: false, responsive: true,
					    scales: { y: { beginAtZero: true } } }
				});
			} else {
				chart.data.labels = labels;
				chart.data.datasets[0].data = s.in_bps;
				chart.data.datasets[1].data = s.out_bps;
				chart.update();
			}
			canvas.dataset.points = String(n);
		});
	}

	function refreshTunnel(h) {
		var idx = h.dataset.index;
		getJSON("/api/v1/tunnels/" + idx).then(function (t) {
			var badge = document.getElementById("t-state");
			stale(false);
			if (t) { badge.textContent = "up"; return; }
			/* the tunnel ended: say so, and why, from its connection's row */
			var name = h.dataset.name;
			badge.textContent = "down";
			getJSON("/api/v1/connections?q=" + encodeURIComponent(name)).then(function (d) {
				(d ? d.rows : []).forEach(function (r) {
					if (r.name === name && !r.tunnel) {
						badge.textContent = r.state + (r.reason ? ": " + r.reason : "");
					}
				});
			});
		}).catch(function () { stale(true); });
	}

	document.addEventListener("DOMContentLoaded", function () {
		var per = document.getElementById("per_page");
		if (per) per.addEventListener("change", function () { per.form.submit(); });
		if (document.getElementById("tunnels")) {
			refreshDashboard();
			setInterval(refreshDashboard, PERIOD);
		}
		var h = document.getElementById("tunnel"), canvas = document.getElementById("chart");
		if (h) {
			setInterval(function () { refreshTunnel(h); }, PERIOD);
		}
		if (canvas) {
			drawChart(canvas, canvas.dataset.index);
			setInterval(function () { drawChart(canvas, canvas.dataset.index); }, 5000);
		}
	});
})();
