/* show crypto ipsec sa [peer ADDR] [detail], in the layout of IOS. */
#include "config.h"

#include <netinet/in.h>

#include "ctl/ctl.h"
#include "config/config.h"
#include "ctl/show_crypto.h"
#include "ctl/show_util.h"
#include "state/names.h"

static void
ident(struct buf *out, const char *side, const struct st_ts *ts, int nts,
    const struct ifl_addr *endpoint)
{
	char s[SUBNET_STRLEN + ADDR_STRLEN];

	if (nts == 0) {
		/* no selector negotiated yet: the endpoints themselves */
		struct ifl_subnet host = { .addr = *endpoint,
		    .plen = endpoint->family == AF_INET6 ? 128 : 32 };

		buf_printf(out, "   %s ident (addr/mask/prot/port): (%s/0/0)\n", side,
		    show_subnet_mask(&host, s, sizeof(s)));
		return;
	}
	for (int i = 0; i < nts; i++)
		buf_printf(out, "   %s ident (addr/mask/prot/port): (%s/%u/%u)\n", side,
		    show_subnet_mask(&ts[i].net, s, sizeof(s)), ts[i].proto, ts[i].port);
}

static unsigned
iv_size(const struct st_algs *a)
{
	switch (a->encr) {
	case 2: case 3:
		return 8;
	case 12: case 23:
		return 16;
	case 0: case 11:
		return 0;
	default:
		return 8;	/* counter modes and AEADs carry an 8-byte IV */
	}
}

static void
sas(struct buf *out, const struct st_child *ch, enum st_sa_dir dir)
{
	const char *d = dir == ST_SA_IN ? "inbound" : "outbound";
	const char *auth = st_cisco_esp_auth(ch->algs.integ);
	int any = 0;

	buf_printf(out, "\n     %s esp sas:\n", d);
	for (int i = 0; i < ch->nsa; i++) {
		const struct st_sa *sa = &ch->sa[i];

		if (sa->dir != dir || sa->proto != IPPROTO_ESP)
			continue;
		any = 1;
		buf_printf(out, "      spi: 0x%08X(%u)\n", sa->spi, sa->spi);
		buf_printf(out, "        transform: %s%s%s ,\n", st_cisco_esp_encr(&ch->algs),
		    *auth ? " " : "", auth);
		buf_printf(out, "        in use settings ={%s%s, }\n",
		    ch->transport ? "Transport" : "Tunnel", ch->encap ? " UDP-Encaps" : "");
		if (ch->default_xform > 0 && ch->default_xform <= CFG_XFORM_DEFAULT_N)
			buf_printf(out, "        transform set: %s\n",
			    config_default_transform_sets()[ch->default_xform - 1].name);
		buf_printf(out, "        conn id: %u, flow_id: SW:%u, crypto map: %s\n",
		    ch->index, ch->index, ch->conn);
		/* without lifebytes there is no volume limit: IOS-XE's own
		 * wording when kilobyte rekey is disabled, not a made-up KB */
		if (ch->life_kb)
			buf_printf(out, "        sa timing: remaining key lifetime (k/sec): "
			    "(%llu/%llu)\n", (unsigned long long)show_remaining_kb(ch, sa),
			    (unsigned long long)show_remaining_sec(ch->life_sec,
			    sa->installed_mono));
		else
			buf_printf(out, "        sa timing: remaining key lifetime (sec): %llu\n"
			    "        Kilobyte Volume Rekey has been disabled\n",
			    (unsigned long long)show_remaining_sec(ch->life_sec,
			    sa->installed_mono));
		buf_printf(out, "        IV size: %u bytes\n", iv_size(&ch->algs));
		buf_printf(out, "        replay detection support: Y\n");
		buf_printf(out, "        Status: %s\n", sa->expiring ? "ACTIVE(EXPIRING)" :
		    "ACTIVE(ACTIVE)");
	}
	if (any)
		buf_printf(out, "\n");
	buf_printf(out, "\n     %s ah sas:\n", d);
	buf_printf(out, "\n     %s pcp sas:\n", d);
}

/* The error counters IOS adds with "detail": those XFRM keeps are real
 * (replay and integrity failures), the others have no Linux counterpart
 * per SA and are 0 there too on a tunnel that has none. */
static void
detail_errors(struct buf *out, const struct st_child_counters *t)
{
	buf_printf(out, "    #pkts no sa (send) 0, #pkts invalid sa (rcv) 0\n");
	buf_printf(out, "    #pkts encaps failed (send) 0, #pkts decaps failed (rcv) %llu\n",
	    (unsigned long long)(t->in.replay_drops + t->in.auth_fails));
	buf_printf(out, "    #pkts invalid prot (recv) 0, #pkts verify failed: %llu\n",
	    (unsigned long long)t->in.auth_fails);
	buf_printf(out, "    #pkts invalid identity (recv) 0, #pkts invalid len (rcv) 0\n");
	buf_printf(out, "    #pkts replay rollover (send): 0, #pkts replay rollover (rcv) 0\n");
	buf_printf(out, "    ##pkts replay failed (rcv): %llu\n",
	    (unsigned long long)t->in.replay_drops);
	buf_printf(out, "    #pkts internal err (send): 0, #pkts internal err (recv) 0\n\n");
}

static void
child(struct buf *out, const struct st_child *ch, int detail)
{
	const struct st_ike *ike = show_child_ike(ch);
	const struct st_sa *cur = st_child_current_sa(ch, ST_SA_OUT);
	struct st_child_counters t;
	uint64_t rx_err, tx_err;
	int digest = ch->algs.integ || st_encr_is_aead(ch->algs.encr);

	st_child_totals(ch, &t);
	rx_err = t.in.replay_drops + t.in.auth_fails;
	tx_err = t.out.replay_drops + t.out.auth_fails;
	buf_printf(out, "\ninterface: %s\n", ch->conn);
	buf_printf(out, "    Crypto map tag: %s, local addr %s\n", ch->conn, ADDR(&ch->local));
	if (st_keyed_by() != NULL)
		buf_printf(out, "    Keyed by: %s, reqid %u\n", st_keyed_by(), ch->reqid);
	buf_printf(out, "\n");
	buf_printf(out, "   protected vrf: (none)\n");
	ident(out, "local ", ch->ts_local, ch->nts_local, &ch->local);
	ident(out, "remote", ch->ts_remote, ch->nts_remote, &ch->remote);
	buf_printf(out, "   current_peer %s port %u\n", ADDR(&ch->remote),
	    ike ? ike->remote_port : 500);
	buf_printf(out, "     PERMIT, flags={origin_is_acl,}\n");
	buf_printf(out, "    #pkts encaps: %llu, #pkts encrypt: %llu, #pkts digest: %llu\n",
	    (unsigned long long)t.out.packets, (unsigned long long)t.out.packets,
	    (unsigned long long)(digest ? t.out.packets : 0));
	buf_printf(out, "    #pkts decaps: %llu, #pkts decrypt: %llu, #pkts verify: %llu\n",
	    (unsigned long long)t.in.packets, (unsigned long long)t.in.packets,
	    (unsigned long long)(digest ? t.in.packets : 0));
	buf_printf(out, "    #pkts compressed: 0, #pkts decompressed: 0\n");
	buf_printf(out, "    #pkts not compressed: 0, #pkts compr. failed: 0\n");
	buf_printf(out, "    #pkts not decompressed: 0, #pkts decompress failed: 0\n");
	buf_printf(out, "    #send errors %llu, #recv errors %llu\n\n",
	    (unsigned long long)tx_err, (unsigned long long)rx_err);
	if (detail)
		detail_errors(out, &t);
	buf_printf(out, "     local crypto endpt.: %s, remote crypto endpt.: %s\n",
	    ADDR(&ch->local), ADDR(&ch->remote));
	if (cur)
		buf_printf(out, "     current outbound spi: 0x%X(%u)\n", cur->spi, cur->spi);
	else
		buf_printf(out, "     current outbound spi: 0x0(0)\n");
	if (ch->algs.dh)
		buf_printf(out, "     PFS (Y/N): Y, DH group: group%u\n", ch->algs.dh);
	else
		buf_printf(out, "     PFS (Y/N): N, DH group: none\n");
	sas(out, ch, ST_SA_IN);
	sas(out, ch, ST_SA_OUT);
}

uint32_t
show_crypto_ipsec_sa_part(struct buf *out, const struct ifl_addr *peer, int detail,
    uint32_t after, unsigned max, unsigned *shown)
{
	const struct st_child *ch;
	unsigned n = 0;

	/* the kernel's counters of now, not of the last timer fold */
	if (after == 0)
		(void)st_counters_fresh(ST_COUNTERS_VIEW_MS);
	for (ch = st_child_next(after); ch; ch = st_child_next(ch->index)) {
		if (peer && addr_cmp(peer, &ch->remote) != 0)
			continue;
		if (max && n == max)
			return after;
		child(out, ch, detail);
		after = ch->index;
		n++;
		(*shown)++;
	}
	if (*shown == 0)
		buf_printf(out, "No SAs found\n");
	return 0;
}

void
show_crypto_ipsec_sa(struct buf *out, const struct ifl_addr *peer, int detail)
{
	unsigned shown = 0;

	show_crypto_ipsec_sa_part(out, peer, detail, 0, 0, &shown);
}
