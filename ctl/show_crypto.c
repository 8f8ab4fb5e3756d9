/* show crypto session / ikev2 sa / isakmp sa, in the layouts of IOS, and the
 * registration of all the views on the control socket. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl/ctl.h"
#include "ctl/show_crypto.h"
#include "ctl/show_util.h"
#include "keying/ikev1_vendor.h"
#include "state/names.h"

/* ---- show crypto session [detail] ---- */

static const char *
session_status(const struct st_ike *ike, uint32_t nchild_up)
{
	if (ike == NULL)
		return nchild_up ? "UP-NO-IKE" : "DOWN";
	if (ike->state == ST_IKE_CONNECTING)
		return "DOWN-NEGOTIATING";
	return nchild_up ? "UP-ACTIVE" : "UP-IDLE";
}

static void
flow(struct buf *out, const struct st_child *ch)
{
	char l[SUBNET_STRLEN + ADDR_STRLEN], r[SUBNET_STRLEN + ADDR_STRLEN];
	const char *proto = ch->local.family == AF_INET6 ? "ipv6" : "ip";

	for (int i = 0; i < ch->nts_local; i++)
		for (int j = 0; j < ch->nts_remote; j++) {
			char p[8];

			if (ch->ts_local[i].proto)
				snprintf(p, sizeof(p), "%u", ch->ts_local[i].proto);
			buf_printf(out, "  IPSEC FLOW: permit %s %s %s\n",
			    ch->ts_local[i].proto ? p : proto,
			    show_subnet_mask(&ch->ts_local[i].net, l, sizeof(l)),
			    show_subnet_mask(&ch->ts_remote[j].net, r, sizeof(r)));
		}
	if (ch->nts_local == 0 || ch->nts_remote == 0)
		buf_printf(out, "  IPSEC FLOW: permit %s host %s host %s\n", proto,
		    ADDR(&ch->local), ADDR(&ch->remote));
}

/* The KB left, or IOS-XE's words for a child without a volume limit
 * (no lifebytes). */
static const char *
life_kb(const struct st_child *ch, const struct st_sa *sa, char *b, size_t len)
{
	if (ch->life_kb == 0)
		return "KB Vol Rekey Disabled";
	snprintf(b, len, "%llu", (unsigned long long)show_remaining_kb(ch, sa));
	return b;
}

static void
session_children(struct buf *out, const struct st_child *const *kids, size_t n, int detail)
{
	for (size_t i = 0; i < n; i++) {
		const struct st_child *ch = kids[i];
		const struct st_sa *in, *outsa;
		struct st_child_counters t;
		char kb[24];

		flow(out, ch);
		buf_printf(out, "        Active SAs: %d, origin: crypto map\n", ch->nsa);
		if (!detail)
			continue;
		st_child_totals(ch, &t);
		in = st_child_current_sa(ch, ST_SA_IN);
		outsa = st_child_current_sa(ch, ST_SA_OUT);
		buf_printf(out, "        Inbound:  #pkts dec'ed %llu drop %llu life (KB/Sec) %s/%llu\n",
		    (unsigned long long)t.in.packets,
		    (unsigned long long)(t.in.replay_drops + t.in.auth_fails),
		    life_kb(ch, in, kb, sizeof(kb)),
		    (unsigned long long)show_remaining_sec(ch->life_sec, in ? in->installed_mono : 0));
		buf_printf(out, "        Outbound: #pkts enc'ed %llu drop %llu life (KB/Sec) %s/%llu\n",
		    (unsigned long long)t.out.packets,
		    (unsigned long long)(t.out.replay_drops + t.out.auth_fails),
		    life_kb(ch, outsa, kb, sizeof(kb)),
		    (unsigned long long)show_remaining_sec(ch->life_sec,
		    outsa ? outsa->installed_mono : 0));
	}
}

static void
session(struct buf *out, const struct st_ike *ike, const struct show_kids *k, int detail)
{
	const struct st_child *const *kids;
	size_t n = show_kids_of_ike(k, ike->index, &kids);
	uint32_t up = 0;
	char hms[32];

	for (size_t i = 0; i < n; i++)
		if (kids[i]->start_mono)
			up++;
	buf_printf(out, "Interface: %s\n", ike->conn);
	if (detail && ike->start_mono)
		buf_printf(out, "Uptime: %s\n",
		    show_hms(show_active_sec(ike->start_mono), hms, sizeof(hms)));
	buf_printf(out, "Session status: %s\n", session_status(ike, up));
	if (st_keyed_by() != NULL)
		buf_printf(out, "Keyed by: %s\n", st_keyed_by());
	if (detail) {
		buf_printf(out, "Peer: %s port %u fvrf: (none) ivrf: (none)\n",
		    ADDR(&ike->remote), ike->remote_port);
		buf_printf(out, "      Phase1_id: %s\n", *ike->remote_id ? ike->remote_id :
		    ADDR(&ike->remote));
		buf_printf(out, "      Desc: (none)\n");
	} else
		buf_printf(out, "Peer: %s port %u\n", ADDR(&ike->remote), ike->remote_port);
	buf_printf(out, "  IKEv%d SA: local %s/%u remote %s/%u %s\n", ike->version,
	    ADDR(&ike->local), ike->local_port, ADDR(&ike->remote), ike->remote_port,
	    ike->start_mono ? "Active" : "Inactive");
	if (detail)
		buf_printf(out, "          Capabilities:%s connid:%u lifetime:%s\n",
		    ike->nat_local || ike->nat_remote ? "N" : "(none)", ike->index,
		    show_hms(show_remaining_sec(ike->lifetime, ike->start_mono), hms,
		    sizeof(hms)));
	session_children(out, kids, n, detail);
	buf_printf(out, "\n");
}

/* Connection names that have an IKE SA, sorted for bsearch. */
static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void
show_crypto_session(struct buf *out, int detail, const struct ifl_addr *peer)
{
	const struct st_ike *ike;
	const struct st_conn *c;
	const char **busy = NULL;
	struct show_kids k;
	size_t nbusy = 0, n = 0;

	if (detail)
		(void)st_counters_fresh(ST_COUNTERS_VIEW_MS);

	if (show_kids_init(&k, 0) < 0) {
		buf_printf(out, "%% Out of memory\n");
		return;
	}
	buf_printf(out, "Crypto session current status\n\n");
	if (detail)
		buf_printf(out, "Code: C - IKE Configuration mode, D - Dead Peer Detection\n"
		    "K - Keepalives, N - NAT-traversal, T - cTCP encapsulation\n"
		    "X - IKE Extended Authentication, F - IKE Fragmentation\n\n");
	for (ike = st_ike_next(0); ike; ike = st_ike_next(ike->index)) {
		n++;
		if (peer == NULL || addr_cmp(peer, &ike->remote) == 0)
			session(out, ike, &k, detail);
	}
	/* children left without an IKE SA (ended under them, or being moved) */
	for (size_t i = 0; i < k.n; i++) {
		const struct st_child *ch = k.v[i];

		if (st_ike_find(ch->ike_index) != NULL ||
		    (peer && addr_cmp(peer, &ch->remote) != 0))
			continue;
		buf_printf(out, "Interface: %s\nSession status: %s\n", ch->conn,
		    ch->start_mono ? "UP-NO-IKE" : "DOWN");
		if (st_keyed_by() != NULL)
			buf_printf(out, "Keyed by: %s\n", st_keyed_by());
		buf_printf(out, "Peer: %s port 500\n", ADDR(&ch->remote));
		flow(out, ch);
		buf_printf(out, "        Active SAs: %d, origin: crypto map\n\n", ch->nsa);
	}
	show_kids_free(&k);
	/* configured peers without any SA */
	if (n && (busy = calloc(n, sizeof(*busy))) == NULL) {
		buf_printf(out, "%% Out of memory\n");
		return;
	}
	for (ike = st_ike_next(0); ike && nbusy < n; ike = st_ike_next(ike->index))
		busy[nbusy++] = ike->conn;
	if (nbusy)
		qsort(busy, nbusy, sizeof(*busy), name_cmp);
	for (c = st_conn_next(0); c; c = st_conn_next(c->index)) {
		const char *name = c->name;

		if (c->auto_mode == 0 ||
		    (nbusy && bsearch(&name, busy, nbusy, sizeof(*busy), name_cmp)) ||
		    (peer && addr_cmp(peer, &c->remote) != 0))
			continue;
		buf_printf(out, "Interface: %s\nSession status: DOWN\n", c->name);
		buf_printf(out, "Peer: %s port 500\n\n", ADDR(&c->remote));
	}
	free(busy);
}

/* ---- show crypto ikev2 sa [detailed] ---- */

static const char *
ikev2_status(const struct st_ike *ike)
{
	switch (ike->state) {
	case ST_IKE_CONNECTING:	return "IN-NEG";
	case ST_IKE_DELETING:	return "DELETE";
	default:		return "READY";
	}
}

static void
ikev2_children(struct buf *out, const struct st_child *const *kids, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		const struct st_child *ch = kids[k];
		const struct st_sa *in, *o;
		char a[ADDR_STRLEN], b[ADDR_STRLEN];

		in = st_child_current_sa(ch, ST_SA_IN);
		o = st_child_current_sa(ch, ST_SA_OUT);
		for (int i = 0; i < ch->nts_local; i++) {
			struct ifl_addr lo, hi;

			subnet_range(&ch->ts_local[i].net, &lo, &hi);
			buf_printf(out, "      %s local selector  %s/%u - %s/%u\n",
			    i ? "         " : "Child sa:", addr_str(&lo, a, sizeof(a)),
			    ch->ts_local[i].port, addr_str(&hi, b, sizeof(b)),
			    ch->ts_local[i].port ? ch->ts_local[i].port : 65535);
		}
		for (int i = 0; i < ch->nts_remote; i++) {
			struct ifl_addr lo, hi;

			subnet_range(&ch->ts_remote[i].net, &lo, &hi);
			buf_printf(out, "      %s remote selector %s/%u - %s/%u\n",
			    ch->nts_local || i ? "         " : "Child sa:",
			    addr_str(&lo, a, sizeof(a)), ch->ts_remote[i].port,
			    addr_str(&hi, b, sizeof(b)),
			    ch->ts_remote[i].port ? ch->ts_remote[i].port : 65535);
		}
		buf_printf(out, "      %s ESP spi in/out: 0x%X/0x%X\n",
		    ch->nts_local || ch->nts_remote ? "         " : "Child sa:",
		    in ? in->spi : 0, o ? o->spi : 0);
	}
}

static void
ikev2_sa(struct buf *out, const struct st_ike *ike, const struct show_kids *k, int detailed)
{
	const struct st_child *const *kids;
	size_t n = show_kids_of_ike(k, ike->index, &kids);
	char l[ADDR_STRLEN + 8], r[ADDR_STRLEN + 8], a[ADDR_STRLEN];
	const struct st_algs *al = &ike->algs;

	snprintf(l, sizeof(l), "%s/%u", addr_str(&ike->local, a, sizeof(a)), ike->local_port);
	snprintf(r, sizeof(r), "%s/%u", addr_str(&ike->remote, a, sizeof(a)), ike->remote_port);
	buf_printf(out, "%-9u %-21s %-21s %-20s %s\n", ike->index, l, r, "none/none",
	    ikev2_status(ike));
	buf_printf(out, "      Encr: %s, keysize: %u, PRF: %s, Hash: %s, DH Grp:%u, "
	    "Auth sign: PSK, Auth verify: PSK\n", st_cisco_ike_encr(al),
	    al->encr_keylen, st_cisco_ike_prf(al->prf),
	    st_cisco_ike_hash(al->integ), al->dh);
	buf_printf(out, "      Life/Active Time: %u/%llu sec\n", ike->lifetime,
	    (unsigned long long)show_active_sec(ike->start_mono));
	if (!detailed)
		return;
	buf_printf(out, "      CE id: %u, Session-id: %u\n", ike->index, ike->index);
	buf_printf(out, "      Status Description: %s\n", ike->state == ST_IKE_CONNECTING ?
	    "Negotiation in progress" : ike->state == ST_IKE_DELETING ? "Deleting" :
	    "Negotiation done");
	buf_printf(out, "      Local spi: %016llX       Remote spi: %016llX\n",
	    (unsigned long long)(ike->initiator ? ike->spi_i : ike->spi_r),
	    (unsigned long long)(ike->initiator ? ike->spi_r : ike->spi_i));
	buf_printf(out, "      Local id: %s\n", *ike->local_id ? ike->local_id : ADDR(&ike->local));
	buf_printf(out, "      Remote id: %s\n", *ike->remote_id ? ike->remote_id :
	    ADDR(&ike->remote));
	buf_printf(out, "      DPD configured for 0 seconds, retry 0\n");
	buf_printf(out, "      Fragmentation not configured.\n");
	buf_printf(out, "      Extended Authentication not configured.\n");
	if (ike->nat_local || ike->nat_remote)
		buf_printf(out, "      NAT-T is detected %s\n", ike->nat_local ? "inside" : "outside");
	else
		buf_printf(out, "      NAT-T is not detected\n");
	buf_printf(out, "      Cisco Trust Security SGT is disabled\n");
	buf_printf(out, "      Initiator of SA : %s\n", ike->initiator ? "Yes" : "No");
	ikev2_children(out, kids, n);
}

void
show_crypto_ikev2_sa(struct buf *out, int detailed, const struct ifl_addr *peer)
{
	static const int fam[2] = { AF_INET, AF_INET6 };
	struct show_kids k;

	if (show_kids_init(&k, 0) < 0) {
		buf_printf(out, "%% Out of memory\n");
		return;
	}
	for (int f = 0; f < 2; f++) {
		buf_printf(out, " IPv%d Crypto IKEv2  SA \n\n", f ? 6 : 4);
		buf_printf(out, "Tunnel-id Local                 Remote                "
		    "fvrf/ivrf            Status \n");
		for (const struct st_ike *ike = st_ike_next(0); ike; ike = st_ike_next(ike->index)) {
			int af = ike->remote.family ? ike->remote.family : ike->local.family;

			if (ike->version == 2 && (af == fam[f] || (af == 0 && f == 0)) &&
			    (peer == NULL || addr_cmp(peer, &ike->remote) == 0))
				ikev2_sa(out, ike, &k, detailed);
		}
		buf_printf(out, "\n");
	}
	show_kids_free(&k);
}

/* ---- show crypto isakmp sa [detail] ---- */

static const char *
isakmp_state(const struct st_ike *ike)
{
	static const char *const mm[] = { "MM_NO_STATE", "MM_SA_SETUP",
	    "MM_KEY_EXCH", "MM_KEY_AUTH" };
	/* Aggressive Mode: IOS's AG_INIT_EXCH from message 1 to 3 */
	static const char *const ag[] = { "AG_NO_STATE", "AG_INIT_EXCH",
	    "AG_INIT_EXCH", "AG_AUTH" };
	const char *const *names = ike->aggressive ? ag : mm;

	if (ike->start_mono)
		return "QM_IDLE";
	return (unsigned)ike->mm_state < sizeof(mm) / sizeof(mm[0]) ?
	    names[ike->mm_state] : names[0];
}

void
show_crypto_isakmp_sa(struct buf *out, int detail, const struct ifl_addr *peer)
{
	static const int fam[2] = { AF_INET, AF_INET6 };

	if (detail)
		buf_printf(out, "Codes: C - IKE configuration mode, D - Dead Peer Detection\n"
		    "       K - Keepalives, N - NAT-traversal\n"
		    "       T - cTCP encapsulation, X - IKE Extended Authentication\n"
		    "       psk - Preshared key, rsig - RSA signature\n"
		    "       renc - RSA encryption\n");
	for (int f = 0; f < 2; f++) {
		buf_printf(out, "IPv%d Crypto ISAKMP SA\n", f ? 6 : 4);
		if (detail)
			buf_printf(out, "\nC-id  Local           Remote          I-VRF  Status Encr "
			    "Hash   Auth DH Lifetime Cap.\n\n");
		else
			buf_printf(out, "dst             src             state          "
			    "conn-id status\n");
		for (const struct st_ike *ike = st_ike_next(0); ike; ike = st_ike_next(ike->index)) {
			int af = ike->remote.family ? ike->remote.family : ike->local.family;
			const char *status = ike->state == ST_IKE_DELETING ? "ACTIVE (deleted)" :
			    ike->start_mono ? "ACTIVE" : "NEGOTIATING";
			char hms[32], vids[160], cap[4];

			if (ike->version != 1 || !(af == fam[f] || (af == 0 && f == 0)) ||
			    (peer && addr_cmp(peer, &ike->remote) != 0))
				continue;
			if (!detail) {
				buf_printf(out, "%-15s %-15s %-14s %7u %s\n", ADDR(&ike->remote),
				    ADDR(&ike->local), isakmp_state(ike),
				    ike->index, status);
				continue;
			}
			/* IOS's capabilities: D when DPD was agreed (the
			 * peer sent its vendor ID; we always do), N NAT-T */
			snprintf(cap, sizeof(cap), "%s%s",
			    ike->vendors & IKEV1_VID_BIT(IKEV1_VID_DPD) ? "D" : "",
			    ike->nat_local || ike->nat_remote ? "N" : "");
			buf_printf(out, "%-5u %-15s %-15s        %-6s %-4s %-6s %-4s %-2u %s %s\n",
			    ike->index, ADDR(&ike->local), ADDR(&ike->remote), status,
			    st_cisco_isakmp_encr(&ike->algs), st_cisco_isakmp_hash(ike->algs.integ),
			    "psk", ike->algs.dh,
			    show_hms(show_remaining_sec(ike->lifetime, ike->start_mono), hms,
			    sizeof(hms)), cap);
			buf_printf(out, "       Engine-id:Conn-id =  SW:%u\n", ike->index);
			/* IOS does not say it here; an operator asks it first */
			buf_printf(out, "       Negotiation mode: %s\n",
			    ike->aggressive ? "Aggressive" : "Main");
			buf_printf(out, "       Vendor IDs seen: %s\n",
			    ikev1_vendor_list(ike->vendors, vids, sizeof(vids)));
			/* IOS says it in syslog only; here the SA says it too */
			if (ike->default_policy)
				buf_printf(out, "       ISAKMP policy: Default protection "
				    "suite of priority %u\n", ike->default_policy);
		}
		buf_printf(out, "\n");
	}
}

/* ---- control socket ---- */

/* "peer ADDRESS" / "remote ADDRESS" (as word) at argv[*i]; 1 taken, 0 not
 * there, -1 bad (said in out). */
static int
peer_arg(int argc, char **argv, int *i, const char *word, struct ifl_addr *peer,
    struct buf *out)
{
	if (*i >= argc || strcasecmp(argv[*i], word) != 0)
		return 0;
	if (*i + 1 >= argc || addr_parse(argv[*i + 1], peer) < 0) {
		buf_printf(out, "%% Invalid %s address: %s\n", word,
		    *i + 1 < argc ? argv[*i + 1] : "(none)");
		return -1;
	}
	*i += 2;
	return 1;
}

/* [WORD ADDRESS] [detail] */
static int
peer_detail(int argc, char **argv, const char *word, struct ifl_addr *peer,
    int *has_peer, struct buf *out)
{
	int i = 0, d = 0;

	if ((*has_peer = peer_arg(argc, argv, &i, word, peer, out)) < 0)
		return -1;
	/* ikev2 sa spells it "detailed"; either is taken everywhere */
	if (i < argc && (strcasecmp(argv[i], "detail") == 0 ||
	    strcasecmp(argv[i], "detailed") == 0)) {
		d = 1;
		i++;
	}
	if (i < argc) {
		buf_printf(out, "%% Invalid input: %s\n", argv[i]);
		return -1;
	}
	return d;
}

static int
cmd_session(int argc, char **argv, struct buf *out, void *arg)
{
	struct ifl_addr peer;
	int has_peer, d;

	if (argc == 1 && strcasecmp(argv[0], "summary") == 0) {
		show_crypto_session_summary(out);
		return 0;
	}
	if ((d = peer_detail(argc, argv, "remote", &peer, &has_peer, out)) < 0)
		return -1;
	show_crypto_session(out, d, has_peer ? &peer : NULL);
	return 0;
}

static int
cmd_ikev2(int argc, char **argv, struct buf *out, void *arg)
{
	struct ifl_addr peer;
	int has_peer, d;

	if ((d = peer_detail(argc, argv, "remote", &peer, &has_peer, out)) < 0)
		return -1;
	show_crypto_ikev2_sa(out, d, has_peer ? &peer : NULL);
	return 0;
}

static int
cmd_isakmp(int argc, char **argv, struct buf *out, void *arg)
{
	struct ifl_addr peer;
	int has_peer, d;

	if ((d = peer_detail(argc, argv, "peer", &peer, &has_peer, out)) < 0)
		return -1;
	show_crypto_isakmp_sa(out, d, has_peer ? &peer : NULL);
	return 0;
}

/* show crypto ipsec sa in parts of IPSEC_PART children (about 2 kB each):
 * with thousands of tunnels the loop goes on between them. */
#define IPSEC_PART	64

struct ipsec_parts {
	struct ifl_addr	peer;
	int		has_peer, detail;
	uint32_t	after;
	unsigned	shown;
};

static int
ipsec_more(struct buf *out, void *arg)
{
	struct ipsec_parts *p = arg;

	p->after = show_crypto_ipsec_sa_part(out, p->has_peer ? &p->peer : NULL,
	    p->detail, p->after, IPSEC_PART, &p->shown);
	return p->after != 0;
}

static int
ipsec_parts(struct buf *out, const struct ifl_addr *peer, int detail)
{
	struct ipsec_parts *p = calloc(1, sizeof(*p));

	if (p == NULL) {
		buf_printf(out, "%% Out of memory\n");
		return -1;
	}
	if (peer) {
		p->peer = *peer;
		p->has_peer = 1;
	}
	p->detail = detail;
	/* the first part now; the rest, if any, on the next turns */
	if (ipsec_more(out, p) == 0 || ctl_answer_more(ipsec_more, free, p) < 0) {
		/* done at once, or outside the control socket: all now */
		while (p->after && ipsec_more(out, p))
			;
		free(p);
	}
	return 0;
}

static int
cmd_ipsec(int argc, char **argv, struct buf *out, void *arg)
{
	struct ifl_addr peer;
	int detail = 0;

	if (argc > 0 && strcasecmp(argv[argc - 1], "detail") == 0) {
		detail = 1;
		argc--;
	}
	if (argc == 0)
		return ipsec_parts(out, NULL, detail);
	if (argc != 2 || strcasecmp(argv[0], "peer") != 0) {
		buf_printf(out, "%% Invalid input: expected \"peer ADDRESS\" or \"detail\"\n");
		return -1;
	}
	if (addr_parse(argv[1], &peer) < 0) {
		buf_printf(out, "%% Invalid peer address: %s\n", argv[1]);
		return -1;
	}
	return ipsec_parts(out, &peer, detail);
}

static int
cmd_statusall(int argc, char **argv, struct buf *out, void *arg)
{
	if (argc != 0) {
		buf_printf(out, "%% Invalid input: %s\n", argv[0]);
		return -1;
	}
	show_statusall(out);
	return 0;
}

void
show_crypto_register(void)
{
	ctl_register("show crypto session",
	    "show crypto session [summary | [remote ADDRESS] [detail]]",
	    "crypto sessions per peer with their flows and counters", cmd_session, NULL);
	ctl_register("show crypto ikev2 sa", "show crypto ikev2 sa [remote ADDRESS] [detailed]",
	    "IKEv2 security associations", cmd_ikev2, NULL);
	ctl_register("show crypto isakmp sa", "show crypto isakmp sa [peer ADDRESS] [detail]",
	    "IKEv1 (ISAKMP) security associations", cmd_isakmp, NULL);
	ctl_register("show crypto ipsec sa", "show crypto ipsec sa [peer ADDRESS] [detail]",
	    "IPsec SAs with packet counters, SPIs and lifetimes", cmd_ipsec, NULL);
	ctl_register("statusall", "statusall",
	    "connections and SAs in the layout of strongSwan's ipsec statusall",
	    cmd_statusall, NULL);
	show_tech_register();
}
