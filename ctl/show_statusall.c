/* statusall, in the layout of strongSwan's `ipsec statusall`. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "ctl/ctl.h"
#include "ctl/show_crypto.h"
#include "ctl/show_util.h"
#include "state/names.h"

static const char *
id_or_addr(const char *id, const struct ifl_addr *a, char *dst, size_t len)
{
	if (*id)
		return id;
	if (a->family == 0)
		return "%any";
	return addr_str(a, dst, len);
}

static void
ts_list(struct buf *out, const struct st_ts *ts, int n)
{
	char s[SUBNET_STRLEN];

	if (n == 0)
		buf_printf(out, " dynamic");
	for (int i = 0; i < n; i++)
		buf_printf(out, " %s", subnet_str(&ts[i].net, s, sizeof(s)));
}

static void
connections(struct buf *out)
{
	const struct st_conn *c;
	struct show_kids k;

	(void)st_counters_fresh(ST_COUNTERS_VIEW_MS);

	if (st_conn_next(0) == NULL || show_kids_init(&k, 1) < 0)
		return;
	buf_printf(out, "Connections:\n");
	for (c = st_conn_next(0); c; c = st_conn_next(c->index)) {
		const struct st_child *ch = show_kids_of_conn(&k, c->name);
		char a[ADDR_STRLEN], b[ADDR_STRLEN];

		buf_printf(out, "%12s: %s...%s IKEv%d\n", c->name,
		    c->local.family ? addr_str(&c->local, a, sizeof(a)) : "%any",
		    c->remote.family ? addr_str(&c->remote, b, sizeof(b)) : "%any",
		    c->ike_version);
		buf_printf(out, "%12s:   local:  [%s] uses pre-shared key authentication\n",
		    c->name, id_or_addr("", &c->local, a, sizeof(a)));
		buf_printf(out, "%12s:   remote: [%s] uses pre-shared key authentication\n",
		    c->name, id_or_addr("", &c->remote, b, sizeof(b)));
		if (ch) {
			buf_printf(out, "%12s:   child: ", c->name);
			ts_list(out, ch->ts_local, ch->nts_local);
			buf_printf(out, " ===");
			ts_list(out, ch->ts_remote, ch->nts_remote);
			buf_printf(out, " %s\n", ch->transport ? "TRANSPORT" : "TUNNEL");
		}
	}
	show_kids_free(&k);
}

static void
ike_sa(struct buf *out, const struct st_ike *ike)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN], ia[ST_ID_MAX], d[32], prop[128];
	const char *li = id_or_addr(ike->local_id, &ike->local, ia, sizeof(ia));
	const char *ri = id_or_addr(ike->remote_id, &ike->remote, b, sizeof(b));
	uint64_t up = show_active_sec(ike->start_mono);

	addr_str(&ike->local, a, sizeof(a));
	if (ike->start_mono == 0) {
		buf_printf(out, "%12s[%u]: CONNECTING, %s[%s]...%s[%%any]\n", ike->conn, ike->index,
		    a, li, ADDR(&ike->remote));
		return;
	}
	buf_printf(out, "%12s[%u]: %s %s ago, %s[%s]...%s[%s]\n", ike->conn, ike->index,
	    ike->state == ST_IKE_REKEYING ? "REKEYING" : ike->state == ST_IKE_DELETING ?
	    "DELETING" : "ESTABLISHED", show_delta(up, d, sizeof(d)), a, li,
	    ADDR(&ike->remote), ri);
	buf_printf(out, "%12s[%u]: IKEv%d SPIs: %016llx_i%s %016llx_r%s", ike->conn,
	    ike->index, ike->version, (unsigned long long)ike->spi_i,
	    ike->initiator ? "*" : "", (unsigned long long)ike->spi_r,
	    ike->initiator ? "" : "*");
	if (ike->rekey_after)
		buf_printf(out, ", pre-shared key rekeying in %s",
		    show_delta(show_remaining_sec(ike->rekey_after, ike->start_mono), d,
		    sizeof(d)));
	buf_printf(out, "\n");
	buf_printf(out, "%12s[%u]: IKE proposal: %s\n", ike->conn, ike->index,
	    st_proposal_str(&ike->algs, 1, prop, sizeof(prop)));
}

static void
child_sa(struct buf *out, const struct st_child *ch)
{
	const struct st_sa *in = st_child_current_sa(ch, ST_SA_IN);
	const struct st_sa *o = st_child_current_sa(ch, ST_SA_OUT);
	struct st_child_counters t;
	char prop[128], d[32];

	st_child_totals(ch, &t);
	buf_printf(out, "%12s{%u}:  %s, %s, reqid %u, ESP%s SPIs: %08x_i %08x_o\n", ch->conn,
	    ch->index, ch->start_mono ? "INSTALLED" : "INSTALLING",
	    ch->transport ? "TRANSPORT" : "TUNNEL", ch->reqid, ch->encap ? " in UDP" : "",
	    in ? in->spi : 0, o ? o->spi : 0);
	buf_printf(out, "%12s{%u}:  %s, %llu bytes_i (%llu pkts), %llu bytes_o (%llu pkts)",
	    ch->conn, ch->index, st_proposal_str(&ch->algs, 0, prop, sizeof(prop)),
	    (unsigned long long)t.in.octets, (unsigned long long)t.in.packets,
	    (unsigned long long)t.out.octets, (unsigned long long)t.out.packets);
	if (ch->rekey_sec && ch->start_mono)
		buf_printf(out, ", rekeying in %s", show_delta(show_remaining_sec(ch->rekey_sec,
		    ch->sa_mono ? ch->sa_mono : ch->start_mono), d, sizeof(d)));
	buf_printf(out, "\n%12s{%u}:  ", ch->conn, ch->index);
	ts_list(out, ch->ts_local, ch->nts_local);
	buf_printf(out, " ===");
	ts_list(out, ch->ts_remote, ch->nts_remote);
	buf_printf(out, "\n");
}

void
show_statusall(struct buf *out)
{
	struct utsname u;
	uint64_t up = st_uptime_ms() / 1000;
	time_t since = st_now_wall() - (time_t)up;
	uint32_t nup = 0, nconn = 0;
	char d[32], when[64];
	struct tm tm;
	const struct st_ike *ike;
	struct show_kids k;

	if (show_kids_init(&k, 0) < 0) {
		buf_printf(out, "%% Out of memory\n");
		return;
	}
	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	localtime_r(&since, &tm);
	strftime(when, sizeof(when), "%b %d %H:%M:%S %Y", &tm);
	buf_printf(out, "Status of IKE %s daemon (%s %s, %s %s, %s):\n", PACKAGE_NAME,
	    PACKAGE_NAME, PACKAGE_VERSION, u.sysname, u.release, u.machine);
	buf_printf(out, "  uptime: %s, since %s\n", show_delta(up, d, sizeof(d)), when);
	connections(out);
	for (ike = st_ike_next(0); ike; ike = st_ike_next(ike->index)) {
		if (ike->start_mono)
			nup++;
		else
			nconn++;
	}
	buf_printf(out, "Security Associations (%u up, %u connecting):\n", nup, nconn);
	if (nup + nconn == 0)
		buf_printf(out, "  none\n");
	for (ike = st_ike_next(0); ike; ike = st_ike_next(ike->index)) {
		const struct st_child *const *kids;
		size_t n = show_kids_of_ike(&k, ike->index, &kids);

		ike_sa(out, ike);
		for (size_t i = 0; i < n; i++)
			child_sa(out, kids[i]);
	}
	show_kids_free(&k);
}
