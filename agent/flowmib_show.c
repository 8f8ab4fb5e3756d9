/* show crypto mib isakmp|ipsec flowmib ...: the MIB rows of flowmib.c in the
 * layout of IOS. The views print the rows the agent serves (one mapping). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "agent/flowmib.h"
#include "ctl/ctl.h"
#include "state/names.h"

#define LABEL_W	22

static void
line(struct buf *o, const char *ind, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
line(struct buf *o, const char *ind, const char *label, const char *fmt, ...)
{
	char v[512];
	va_list ap;
	int pad = LABEL_W - (int)strlen(label) - 1;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	buf_printf(o, "%s%s:%*s%s\n", ind, label, pad > 0 ? pad : 1, "", v);
}

static const char *
hms(uint64_t cs, char *dst, size_t len)
{
	uint64_t s = cs / 100;

	snprintf(dst, len, "%02llu:%02llu:%02llu", (unsigned long long)(s / 3600),
	    (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
	return dst;
}

#define HMS(cs)	hms((cs), (char[32]){ 0 }, 32)
#define A(a)	fm_addr_text((a), (char[ADDR_STRLEN]){ 0 })

static const char *
fm_addr_text(const struct ifl_addr *a, char *dst)
{
	if (addr_len(a) == 0)
		return "0.0.0.0";
	return addr_str(a, dst, ADDR_STRLEN);
}

static const char *
id_type(uint64_t type, const struct ifl_addr *a)
{
	if (type == 2)
		return "ID_FQDN";
	return a->family == AF_INET6 ? "ID_IPV6_ADDR" : "ID_IPV4_ADDR";
}

static const char *
auth_word(uint64_t m)
{
	switch (m) {
	case 2:	return "psk";
	case 3:	return "rsig";
	case 4:	return "rsa-encr";
	case 5:	return "rev-pubkey";
	default: return "none";
	}
}

static const char *
dh_text(unsigned g, char *dst, size_t len)
{
	if (g == 0)
		return "None";
	snprintf(dst, len, "%u", g);
	return dst;
}

#define DH(g)	dh_text((g), (char[16]){ 0 }, 16)

/* "index N" after the view name; 0 = all, -1 = bad arguments */
static long
index_arg(int argc, char **argv, struct buf *out)
{
	char *end;
	long v;

	if (argc == 0)
		return 0;
	if (argc == 2 && strcmp(argv[0], "index") == 0) {
		v = strtol(argv[1], &end, 10);
		if (*end == '\0' && v > 0 && v <= 2147483647)
			return v;
	}
	buf_printf(out, "%% Invalid input: expected [index N]\n");
	return -1;
}

static int
no_args(int argc, struct buf *out)
{
	if (argc == 0)
		return 0;
	buf_printf(out, "%% Invalid input: this view takes no arguments\n");
	return -1;
}

/* ---- phase 1 ---- */

static void
p1_body(struct buf *o, const char *ind, const struct fm_p1 *p)
{
	line(o, ind, "Local type", "%s", id_type(p->local_type, &p->local_addr));
	line(o, ind, "Local address", "%s", A(&p->local_addr));
	line(o, ind, "Remote type", "%s", id_type(p->remote_type, &p->remote_addr));
	line(o, ind, "Remote address", "%s", A(&p->remote_addr));
	line(o, ind, "Negotiation mode", "%s", p->nego_mode == 2 ? "Aggressive Mode" : "Main Mode");
	line(o, ind, "Diffie Hellman Grp", "%s", DH(p->dh_group));
	line(o, ind, "Encryption algo", "%s", p->encr_word);
	line(o, ind, "Hash algo", "%s", p->hash_word);
	line(o, ind, "Auth method", "%s", auth_word(p->auth));
	line(o, ind, "Lifetime", "%llu", (unsigned long long)p->lifetime);
	line(o, ind, "Active time", "%s", HMS(p->active_time));
	line(o, ind, "In octets", "%llu", (unsigned long long)p->c.in_octets);
	line(o, ind, "In packets", "%llu", (unsigned long long)p->c.in_pkts);
	line(o, ind, "In drops", "%llu", (unsigned long long)p->c.in_drops);
	line(o, ind, "In notifys", "%llu", (unsigned long long)p->c.in_notifys);
	line(o, ind, "In P2 exchanges", "%llu", (unsigned long long)p->c.in_p2_exchg);
	line(o, ind, "In P2 exchg invalids", "%llu", (unsigned long long)p->c.in_p2_exchg_invalid);
	line(o, ind, "In P2 exchg rejected", "%llu", (unsigned long long)p->c.in_p2_exchg_reject);
	line(o, ind, "In P2 SA delete reqs", "%llu", (unsigned long long)p->c.in_p2_sa_del);
	line(o, ind, "Out octets", "%llu", (unsigned long long)p->c.out_octets);
	line(o, ind, "Out packets", "%llu", (unsigned long long)p->c.out_pkts);
	line(o, ind, "Out drops", "%llu", (unsigned long long)p->c.out_drops);
	line(o, ind, "Out notifys", "%llu", (unsigned long long)p->c.out_notifys);
	line(o, ind, "Out P2 exchgs", "%llu", (unsigned long long)p->c.out_p2_exchg);
	line(o, ind, "Out P2 exchg invalids", "%llu",
	    (unsigned long long)p->c.out_p2_exchg_invalid);
	line(o, ind, "Out P2 exchg rejects", "%llu", (unsigned long long)p->c.out_p2_exchg_reject);
	line(o, ind, "Out P2 Sa delete requests", "%llu", (unsigned long long)p->c.out_p2_sa_del);
}

static int
cmd_ike_failure(int argc, char **argv, struct buf *o, void *arg)
{
	const struct fm_table *t = &fm_tables[FM_T_IKE_FAIL];

	(void)argv;
	(void)arg;
	if (no_args(argc, o) < 0)
		return -1;
	fm_refresh();
	buf_printf(o, "vrf Global\n");
	for (size_t i = 0; i < t->nrows; i++) {
		const struct fm_ike_fail *r = fm_row_at(t, i);

		line(o, "  ", "Index", "%u", r->index);
		line(o, "  ", "Reason", "%s", st_ike_fail_name((enum st_ike_fail)r->reason));
		line(o, "  ", "Failure time since reset", "%s", HMS(r->time_sec * 100));
		line(o, "  ", "Local type", "%s", id_type(r->local_type, &r->local_addr));
		line(o, "  ", "Local value", "%s", r->local_value);
		line(o, "  ", "Remote type", "%s", id_type(r->remote_type, &r->remote_addr));
		line(o, "  ", "Remote Value", "%s", r->remote_value);
		line(o, "  ", "Local Address", "%s", A(&r->local_addr));
		line(o, "  ", "Remote Address", "%s", A(&r->remote_addr));
	}
	return 0;
}

#define GL(o, label, v)	line(o, "  ", label, "%llu", (unsigned long long)(v))

static int
cmd_ike_global(int argc, char **argv, struct buf *o, void *arg)
{
	const struct st_ike_global *g = &fm_g.ike;

	(void)argv;
	(void)arg;
	if (no_args(argc, o) < 0)
		return -1;
	fm_refresh();
	buf_printf(o, "vrf Global\n");
	GL(o, "Active Tunnels", fm_g.ike_active);
	GL(o, "Previous Tunnels", g->previous_tunnels);
	GL(o, "In octets", g->c.in_octets);
	GL(o, "Out octets", g->c.out_octets);
	GL(o, "In packets", g->c.in_pkts);
	GL(o, "Out packets", g->c.out_pkts);
	GL(o, "In packets drop", g->c.in_drops);
	GL(o, "Out packets drop", g->c.out_drops);
	GL(o, "In notifys", g->c.in_notifys);
	GL(o, "Out notifys", g->c.out_notifys);
	GL(o, "In P2 exchg", g->c.in_p2_exchg);
	GL(o, "Out P2 exchg", g->c.out_p2_exchg);
	GL(o, "In P2 exchg invalids", g->c.in_p2_exchg_invalid);
	GL(o, "Out P2 exchg invalids", g->c.out_p2_exchg_invalid);
	GL(o, "In P2 exchg rejects", g->c.in_p2_exchg_reject);
	GL(o, "Out P2 exchg rejects", g->c.out_p2_exchg_reject);
	GL(o, "In IPSEC delete", g->c.in_p2_sa_del);
	GL(o, "Out IPSEC delete", g->c.out_p2_sa_del);
	GL(o, "SAs locally initiated", g->init_tunnels);
	GL(o, "SAs locally initiated failed", g->init_tunnel_fails);
	GL(o, "SAs remotely initiated failed", g->resp_tunnel_fails);
	GL(o, "System capacity failures", g->syscap_fails);
	GL(o, "Authentication failures", g->auth_fails);
	GL(o, "Decrypt failures", g->decrypt_fails);
	GL(o, "Hash failures", g->hash_fails);
	GL(o, "Invalid SPI", g->nosa_fails);
	return 0;
}

static int
cmd_ike_history(int argc, char **argv, struct buf *o, void *arg)
{
	const struct fm_table *t = &fm_tables[FM_T_IKE_HIST];

	(void)argv;
	(void)arg;
	if (no_args(argc, o) < 0)
		return -1;
	fm_refresh();
	buf_printf(o, "vrf Global\n");
	for (size_t i = 0; i < t->nrows; i++) {
		const struct fm_ike_hist *r = fm_row_at(t, i);

		line(o, "", "Reason", "%s", st_term_name((enum st_term)r->reason));
		line(o, "", "Index", "%u", r->index);
		p1_body(o, "", &r->p);
	}
	return 0;
}

static int
cmd_ike_peer(int argc, char **argv, struct buf *o, void *arg)
{
	const struct fm_table *t = &fm_tables[FM_T_PEER];
	long want = index_arg(argc, argv, o);

	(void)arg;
	if (want < 0)
		return -1;
	fm_refresh();
	buf_printf(o, "vrf Global\n");
	for (size_t i = 0; i < t->nrows; i++) {
		const struct fm_peer *r = fm_row_at(t, i);

		if (want && r->int_index != (uint64_t)want)
			continue;
		line(o, "  ", "Index", "%llu", (unsigned long long)r->int_index);
		line(o, "  ", "Local type", "%s", id_type(r->local_type, &r->local_addr));
		line(o, "  ", "Local address", "%s", A(&r->local_addr));
		line(o, "  ", "Remote type", "%s", id_type(r->remote_type, &r->remote_addr));
		line(o, "  ", "Remote address", "%s", A(&r->remote_addr));
	}
	return 0;
}

static int
cmd_ike_tunnel(int argc, char **argv, struct buf *o, void *arg)
{
	const struct fm_table *t = &fm_tables[FM_T_IKE_TUN];
	long want = index_arg(argc, argv, o);

	(void)arg;
	if (want < 0)
		return -1;
	fm_refresh();
	buf_printf(o, "vrf Global\n");
	for (size_t i = 0; i < t->nrows; i++) {
		const struct fm_ike_tun *r = fm_row_at(t, i);

		if (want && r->index != (uint32_t)want)
			continue;
		line(o, "  ", "Index", "%u", r->index);
		p1_body(o, "  ", &r->p);
	}
	return 0;
}

/* ---- phase 2 ---- */

static void
p2_body(struct buf *o, const char *ind, const struct fm_p2 *p)
{
	line(o, ind, "Local address", "%s", A(&p->local_addr));
	line(o, ind, "Remote address", "%s", A(&p->remote_addr));
	line(o, ind, "IPSEC keying", "%s", p->key_type == 1 ? "IKE" : "Manual");
	line(o, ind, "Encapsulation mode", "%llu", (unsigned long long)p->encap_mode);
	line(o, ind, "Lifetime (KB)", "%llu", (unsigned long long)p->life_kb);
	line(o, ind, "Lifetime (Sec)", "%llu", (unsigned long long)p->life_sec);
	line(o, ind, "Active time", "%s", HMS(p->active_time));
	line(o, ind, "Lifetime threshold (KB)", "%llu", (unsigned long long)p->rekey_kb);
	line(o, ind, "Lifetime threshold (Sec)", "%llu", (unsigned long long)p->rekey_sec);
	line(o, ind, "Total number of refreshes", "%llu", (unsigned long long)p->refreshes);
	line(o, ind, "Expired SA instances", "%llu", (unsigned long long)p->expired_sas);
	line(o, ind, "Current SA instances", "%llu", (unsigned long long)p->current_sas);
	line(o, ind, "In SA DH group", "%s", DH(p->dh_group));
	line(o, ind, "In sa encrypt algorithm", "%s", p->encr_word);
	line(o, ind, "In SA auth algorithm", "%s", "None");
	line(o, ind, "In SA ESP auth algo", "%s", p->auth_word);
	line(o, ind, "In SA uncompress algorithm", "%s", "None");
	line(o, ind, "Out SA DH group", "%s", DH(p->dh_group));
	line(o, ind, "Out SA encryption algorithm", "%s", p->encr_word);
	line(o, ind, "Out SA auth algorithm", "%s", "None");
	line(o, ind, "Out SA ESP auth algorithm", "%s", p->auth_word);
	line(o, ind, "Out SA uncompress algorithm", "%s", "None");
	line(o, ind, "In octets", "%llu", (unsigned long long)p->in_octets);
	line(o, ind, "Decompressed octets", "%llu", (unsigned long long)p->in_octets);
	line(o, ind, "In packets", "%llu", (unsigned long long)p->in_pkts);
	line(o, ind, "In drops", "%llu", (unsigned long long)p->in_drops);
	line(o, ind, "In replay drops", "%llu", (unsigned long long)p->in_replay);
	line(o, ind, "In authentications", "%llu", (unsigned long long)p->in_auths);
	line(o, ind, "In authentication failures", "%llu", (unsigned long long)p->in_auth_fails);
	line(o, ind, "In decrypts", "%llu", (unsigned long long)p->in_decrypts);
	line(o, ind, "In decrypt failures", "%llu", (unsigned long long)p->in_decrypt_fails);
	line(o, ind, "Out octets", "%llu", (unsigned long long)p->out_octets);
	line(o, ind, "Out uncompressed octets", "%llu", (unsigned long long)p->out_octets);
	line(o, ind, "Out packets", "%llu", (unsigned long long)p->out_pkts);
	line(o, ind, "Out drops", "%llu", (unsigned long long)p->out_drops);
	line(o, ind, "Out authentications", "%llu", (unsigned long long)p->out_auths);
	line(o, ind, "Out authentication failures", "%llu",
	    (unsigned long long)p->out_auth_fails);
	line(o, ind, "Out encryptions", "%llu", (unsigned long long)p->out_encrypts);
	line(o, ind, "Out encryption failures", "%llu",
	    (unsigned long long)p->out_encrypt_fails);
}

static const char *
ep_type_word(uint64_t t)
{
	return t == 1 ? "Single IP address" : t == 2 ? "IP address range" : "Subnet";
}

static const char *
ep_addr(uint64_t type, const struct ifl_addr *a1, const struct ifl_addr *a2, char *dst,
    size_t len)
{
	char x[ADDR_STRLEN], y[ADDR_STRLEN];

	if (type == 1)
		snprintf(dst, len, "%s", fm_addr_text(a1, x));
	else
		snprintf(dst, len, "%s %s", fm_addr_text(a1, x), fm_addr_text(a2, y));
	return dst;
}

static int
cmd_ipsec_endpoint(int argc, char **argv, struct buf *o, void *arg)
{
	const struct fm_table *t = &fm_tables[FM_T_ENDPT];
	char a[2 * ADDR_STRLEN + 2];

	(void)argv;
	(void)arg;
	if (no_args(argc, o) < 0)
		return -1;
	fm_refresh();
	buf_printf(o, "vrf Global\n");
	for (size_t i = 0; i < t->nrows; i++) {
		const struct fm_endpt *r = fm_row_at(t, i);
		const struct fm_ep *e = &r->e;

		line(o, "  ", "Index", "%lu", (unsigned long)r->h.ox[0]);
		line(o, "  ", "Local type", "%s", ep_type_word(e->local_type));
		line(o, "  ", "Local address", "%s",
		    ep_addr(e->local_type, &e->local1, &e->local2, a, sizeof(a)));
		line(o, "  ", "Protocol", "%llu", (unsigned long long)e->local_proto);
		line(o, "  ", "Local port", "%llu", (unsigned long long)e->local_port);
		line(o, "  ", "Remote type", "%s", ep_type_word(e->remote_type));
		line(o, "  ", "Remote address", "%s",
		    ep_addr(e->remote_type, &e->remote1, &e->remote2, a, sizeof(a)));
		line(o, "  ", "Remote port", "%llu", (unsigned long long)e->remote_port);
	}
	return 0;
}

static int
cmd_ipsec_failure(int argc, char **argv, struct buf *o, void *arg)
{
	const struct fm_table *t = &fm_tables[FM_T_IPSEC_FAIL];

	(void)argv;
	(void)arg;
	if (no_args(argc, o) < 0)
		return -1;
	fm_refresh();
	buf_printf(o, "vrf Global\n");
	for (size_t i = 0; i < t->nrows; i++) {
		const struct fm_ipsec_fail *r = fm_row_at(t, i);

		line(o, "  ", "Index", "%u", r->index);
		line(o, "  ", "Reason", "%s", st_ipsec_fail_name((enum st_ipsec_fail)r->reason));
		line(o, "  ", "Failure time since reset", "%s", HMS(r->time_sec * 100));
		line(o, "  ", "Src address", "%s", A(&r->src));
		line(o, "  ", "Destination address", "%s", A(&r->dst));
		line(o, "  ", "SPI", "%llu", (unsigned long long)r->spi);
	}
	return 0;
}

static int
cmd_ipsec_global(int argc, char **argv, struct buf *o, void *arg)
{
	const struct st_ipsec_global *g = &fm_g.ipsec;

	(void)argv;
	(void)arg;
	if (no_args(argc, o) < 0)
		return -1;
	fm_refresh();
	buf_printf(o, "vrf Global\n");
	GL(o, "Active Tunnels", fm_g.ipsec_active);
	GL(o, "Previous Tunnels", g->previous_tunnels);
	GL(o, "In octets", g->c.in.octets);
	GL(o, "Out octets", g->c.out.octets);
	GL(o, "In packets", g->c.in.packets);
	GL(o, "Out packets", g->c.out.packets);
	GL(o, "Uncompressed encrypted bytes", g->c.out.octets);
	GL(o, "In packets drops", g->in_drops);
	GL(o, "Out packets drops", g->out_drops);
	GL(o, "In replay drops", g->in_replay_drops);
	GL(o, "In authentications", fm_g.in_auths);
	GL(o, "Out authentications", fm_g.out_auths);
	GL(o, "In decrypts", fm_g.in_decrypts);
	GL(o, "Out encrypts", fm_g.out_encrypts);
	GL(o, "Compressed bytes", 0);
	GL(o, "Uncompressed bytes", 0);
	GL(o, "In uncompressed bytes", g->c.in.octets);
	GL(o, "Out uncompressed bytes", g->c.out.octets);
	GL(o, "In decrypt failures", g->in_decrypt_fails);
	GL(o, "Out encrypt failures", 0);
	GL(o, "No SA failures", g->nosa_fails);
	GL(o, "Protocol use failures", g->protocol_use_fails);
	GL(o, "System capacity failures", g->syscap_fails);
	GL(o, "In authentication failures", g->in_auth_fails);
	GL(o, "Out authentication failures", g->c.out.auth_fails);
	return 0;
}

static int
cmd_ipsec_history(int argc, char **argv, struct buf *o, void *arg)
{
	const struct fm_table *t = &fm_tables[FM_T_IPSEC_HIST];

	(void)argv;
	(void)arg;
	if (no_args(argc, o) < 0)
		return -1;
	fm_refresh();
	buf_printf(o, "vrf Global\n");
	for (size_t i = 0; i < t->nrows; i++) {
		const struct fm_ipsec_hist *r = fm_row_at(t, i);

		line(o, "", "Reason", "%s", st_term_name((enum st_term)r->reason));
		line(o, "", "Index", "%u", r->index);
		p2_body(o, "", &r->p);
	}
	return 0;
}

static int
cmd_ipsec_spi(int argc, char **argv, struct buf *o, void *arg)
{
	const struct fm_table *t = &fm_tables[FM_T_SPI];
	unsigned long tun = 0;

	(void)argv;
	(void)arg;
	if (no_args(argc, o) < 0)
		return -1;
	fm_refresh();
	buf_printf(o, "vrf Global\n");
	for (size_t i = 0; i < t->nrows; i++) {
		const struct fm_spi *r = fm_row_at(t, i);

		if (r->h.ox[0] != tun) {
			tun = r->h.ox[0];
			line(o, "  ", "Tunnel Index", "%lu", tun);
		}
		line(o, "  ", "SPI Index", "%lu", (unsigned long)r->h.ox[1]);
		line(o, "  ", "SPI Value", "0x%llX", (unsigned long long)r->value);
		line(o, "  ", "SPI Direction", "%s", r->dir == 1 ? "In" : "Out");
		line(o, "  ", "SPI Protocol", "%s",
		    r->proto == 1 ? "AH" : r->proto == 3 ? "IPCOMP" : "ESP");
		line(o, "  ", "SPI Status", "%s", r->status == 1 ? "Active" : "Expiring");
	}
	return 0;
}

static int
cmd_ipsec_tunnel(int argc, char **argv, struct buf *o, void *arg)
{
	const struct fm_table *t = &fm_tables[FM_T_IPSEC_TUN];
	long want = index_arg(argc, argv, o);

	(void)arg;
	if (want < 0)
		return -1;
	fm_refresh();
	buf_printf(o, "vrf Global\n");
	for (size_t i = 0; i < t->nrows; i++) {
		const struct fm_ipsec_tun *r = fm_row_at(t, i);

		if (want && r->index != (uint32_t)want)
			continue;
		line(o, "  ", "Index", "%u", r->index);
		p2_body(o, "  ", &r->p);
	}
	return 0;
}

void
agent_show_register(void)
{
	static const struct {
		const char	*prefix, *usage, *help;
		ctl_cmd_fn	fn;
	} cmds[] = {
		{ "show crypto mib isakmp flowmib failure", "show crypto mib isakmp flowmib failure",
		    "IKE failure table (cikeFailTable)", cmd_ike_failure },
		{ "show crypto mib isakmp flowmib global", "show crypto mib isakmp flowmib global",
		    "IKE global statistics (cikeGlobalStats)", cmd_ike_global },
		{ "show crypto mib isakmp flowmib history", "show crypto mib isakmp flowmib history",
		    "IKE tunnel history (cikeTunnelHistTable)", cmd_ike_history },
		{ "show crypto mib isakmp flowmib peer",
		    "show crypto mib isakmp flowmib peer [index N]",
		    "IKE peer associations (cikePeerTable)", cmd_ike_peer },
		{ "show crypto mib isakmp flowmib tunnel",
		    "show crypto mib isakmp flowmib tunnel [index N]",
		    "active IKE tunnels (cikeTunnelTable)", cmd_ike_tunnel },
		{ "show crypto mib ipsec flowmib endpoint", "show crypto mib ipsec flowmib endpoint",
		    "IPsec tunnel endpoints (cipSecEndPtTable)", cmd_ipsec_endpoint },
		{ "show crypto mib ipsec flowmib failure", "show crypto mib ipsec flowmib failure",
		    "IPsec failure table (cipSecFailTable)", cmd_ipsec_failure },
		{ "show crypto mib ipsec flowmib global", "show crypto mib ipsec flowmib global",
		    "IPsec global statistics (cipSecGlobalStats)", cmd_ipsec_global },
		{ "show crypto mib ipsec flowmib history", "show crypto mib ipsec flowmib history",
		    "IPsec tunnel history (cipSecTunnelHistTable)", cmd_ipsec_history },
		{ "show crypto mib ipsec flowmib spi", "show crypto mib ipsec flowmib spi",
		    "IPsec SPIs (cipSecSpiTable)", cmd_ipsec_spi },
		{ "show crypto mib ipsec flowmib tunnel",
		    "show crypto mib ipsec flowmib tunnel [index N]",
		    "active IPsec tunnels (cipSecTunnelTable)", cmd_ipsec_tunnel },
	};

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		ctl_register(cmds[i].prefix, cmds[i].usage, cmds[i].help, cmds[i].fn, NULL);
}
