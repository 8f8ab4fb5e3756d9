/* The counts, the session summary and the peer list that show tech-support
 * ipsec gathers, in the layouts of IOS, from the state model only. */
#include "config.h"

#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "ctl/ctl.h"
#include "ctl/show_crypto.h"
#include "ctl/show_util.h"

/* ---- show crypto isakmp sa count ---- */

void
show_crypto_isakmp_sa_count(struct buf *out)
{
	/* [0] IKEv1, [1] IKEv2 */
	unsigned active[2] = { 0 }, nego[2] = { 0 }, dead[2] = { 0 };

	for (const struct st_ike *ike = st_ike_next(0); ike; ike = st_ike_next(ike->index)) {
		int v = ike->version == 1 ? 0 : 1;

		if (ike->state == ST_IKE_DELETING)
			dead[v]++;
		else if (ike->state == ST_IKE_CONNECTING || ike->start_mono == 0)
			nego[v]++;
		else
			active[v]++;
	}
	buf_printf(out, "Active ISAKMP SA's: %u\n", active[0]);
	buf_printf(out, "Standby ISAKMP SA's: 0\n");
	buf_printf(out, "Currently being negotiated ISAKMP SA's: %u\n", nego[0]);
	buf_printf(out, "Dead ISAKMP SA's: %u\n", dead[0]);
	/* ikeflow speaks IKEv2: IOS counts those under show crypto ikev2 */
	buf_printf(out, "Active IKEv2 SA's: %u\n", active[1]);
	buf_printf(out, "Currently being negotiated IKEv2 SA's: %u\n", nego[1]);
	buf_printf(out, "Dead IKEv2 SA's: %u\n", dead[1]);
}

/* ---- show crypto ipsec sa count ---- */

void
show_crypto_ipsec_sa_count(struct buf *out)
{
	unsigned total = 0, active = 0, rekeying = 0, unused = 0;

	for (const struct st_child *ch = st_child_next(0); ch; ch = st_child_next(ch->index))
		for (int i = 0; i < ch->nsa; i++) {
			const struct st_sa *sa = &ch->sa[i];

			total++;
			if (sa->expiring)
				rekeying++;
			else
				active++;
			/* an SA that carried nothing yet */
			if (sa->c.packets == 0)
				unused++;
		}
	buf_printf(out, "IPsec SA total: %u, active: %u, rekeying: %u, unused: %u, "
	    "invalid: 0\n", total, active, rekeying, unused);
}

/* ---- show crypto session summary ---- */

static const char *
summary_status(const struct st_ike *ike, unsigned up)
{
	if (ike->state == ST_IKE_CONNECTING)
		return "DOWN-NEGOTIATING";
	return up ? "UP-ACTIVE" : "UP-IDLE";
}

void
show_crypto_session_summary(struct buf *out)
{
	struct show_kids k;
	unsigned n = 0, nactive = 0, nidle = 0, nneg = 0, nnoike = 0;

	if (show_kids_init(&k, 0) < 0) {
		buf_printf(out, "%% Out of memory\n");
		return;
	}
	buf_printf(out, "Crypto session summary\n\n");
	buf_printf(out, "%-20s %-39s %-5s %-16s %-16s %s\n", "Interface", "Peer", "Port",
	    "fvrf/ivrf", "Status", "Child SAs");
	for (const struct st_ike *ike = st_ike_next(0); ike; ike = st_ike_next(ike->index)) {
		const struct st_child *const *kids;
		size_t nk = show_kids_of_ike(&k, ike->index, &kids);
		unsigned up = 0;
		const char *st;

		for (size_t i = 0; i < nk; i++)
			up += kids[i]->start_mono != 0;
		st = summary_status(ike, up);
		buf_printf(out, "%-20s %-39s %-5u %-16s %-16s %zu\n", ike->conn,
		    ADDR(&ike->remote), ike->remote_port, "(none)/(none)", st, nk);
		n++;
		if (ike->state == ST_IKE_CONNECTING)
			nneg++;
		else if (up)
			nactive++;
		else
			nidle++;
	}
	for (size_t i = 0; i < k.n; i++) {
		const struct st_child *ch = k.v[i];

		if (st_ike_find(ch->ike_index) != NULL)
			continue;
		buf_printf(out, "%-20s %-39s %-5u %-16s %-16s %d\n", ch->conn,
		    ADDR(&ch->remote), 500u, "(none)/(none)", "UP-NO-IKE", 1);
		n++;
		nnoike++;
	}
	show_kids_free(&k);
	buf_printf(out, "\nTotal sessions: %u (UP-ACTIVE %u, UP-IDLE %u, UP-NO-IKE %u, "
	    "DOWN-NEGOTIATING %u)\n", n, nactive, nidle, nnoike, nneg);
}

/* ---- show crypto isakmp peers [ADDR] ---- */

void
show_crypto_isakmp_peers(struct buf *out, const struct ifl_addr *peer)
{
	for (const struct st_ike *ike = st_ike_next(0); ike; ike = st_ike_next(ike->index)) {
		if (peer && addr_cmp(peer, &ike->remote) != 0)
			continue;
		buf_printf(out, "Peer: %s Port: %u Local: %s\n", ADDR(&ike->remote),
		    ike->remote_port, ADDR(&ike->local));
		buf_printf(out, " Phase1 id: %s\n", *ike->remote_id ? ike->remote_id :
		    ADDR(&ike->remote));
		buf_printf(out, " IKE version: %d, connection: %s\n", ike->version, ike->conn);
	}
}

/* ---- control socket ---- */

static int
no_args(int argc, char **argv, struct buf *out)
{
	if (argc == 0)
		return 0;
	buf_printf(out, "%% Invalid input: %s\n", argv[0]);
	return -1;
}

static int
cmd_isakmp_count(int argc, char **argv, struct buf *out, void *arg)
{
	if (no_args(argc, argv, out) < 0)
		return -1;
	show_crypto_isakmp_sa_count(out);
	return 0;
}

static int
cmd_ipsec_count(int argc, char **argv, struct buf *out, void *arg)
{
	if (no_args(argc, argv, out) < 0)
		return -1;
	show_crypto_ipsec_sa_count(out);
	return 0;
}

static int
cmd_peers(int argc, char **argv, struct buf *out, void *arg)
{
	struct ifl_addr peer;

	if (argc == 0) {
		show_crypto_isakmp_peers(out, NULL);
		return 0;
	}
	if (argc != 1 || addr_parse(argv[0], &peer) < 0) {
		buf_printf(out, "%% Invalid peer address: %s\n", argv[0]);
		return -1;
	}
	show_crypto_isakmp_peers(out, &peer);
	return 0;
}

void
show_tech_register(void)
{
	ctl_register("show crypto isakmp sa count", "show crypto isakmp sa count",
	    "IKE SAs by state (IKEv1 and IKEv2)", cmd_isakmp_count, NULL);
	ctl_register("show crypto ipsec sa count", "show crypto ipsec sa count",
	    "IPsec SAs: total, active, rekeying, unused", cmd_ipsec_count, NULL);
	ctl_register("show crypto isakmp peers", "show crypto isakmp peers [ADDRESS]",
	    "IKE peers with their addresses and identities", cmd_peers, NULL);
}
