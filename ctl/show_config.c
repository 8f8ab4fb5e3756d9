/* The views of the configuration in force, in the layouts of IOS's "IPsec
 * Usability Enhancements": show crypto isakmp [default] policy, show
 * crypto ipsec [default] transform-set and show crypto map. IKEv1
 * connections are IOS's crypto map entries: each ike= suite a policy,
 * each esp= suite a transform set; IOS's defaults (config/ios_defaults.c)
 * where a connection names none. */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ctl/ctl.h"
#include "ctl/show_crypto.h"
#include "ctl/show_util.h"
#include "state/names.h"

static const struct ifl_config *(*get_config)(void);

/* ---- ISAKMP policies ---- */

static const char *
isakmp_encr(const struct cfg_encr_alg *e, char *b, size_t len)
{
	switch (e->id) {
	case IKEV2_ENCR_3DES:
		return "Three key triple DES";
	case IKEV2_ENCR_AES_CBC:
		/* the seed's line, as IOS's column cuts it */
		snprintf(b, len, "AES - Advanced Encryption Standard (%u bit key.",
		    e->keylen ? e->keylen : 128);
		return b;
	}
	snprintf(b, len, "AES-GCM (%u bit keys.)", e->keylen ? e->keylen : 128);
	return b;
}

static const char *
isakmp_hash(uint16_t integ)
{
	switch (integ) {
	case IKEV2_INTEG_HMAC_MD5_96:		return "Message Digest 5";
	case IKEV2_INTEG_HMAC_SHA1_96:		return "Secure Hash Standard";
	case IKEV2_INTEG_HMAC_SHA2_256_128:	return "Secure Hash Standard 2 (256 bit)";
	case IKEV2_INTEG_HMAC_SHA2_384_192:	return "Secure Hash Standard 2 (384 bit)";
	case IKEV2_INTEG_HMAC_SHA2_512_256:	return "Secure Hash Standard 2 (512 bit)";
	}
	return "none";
}

static const char *
isakmp_group(uint16_t dh)
{
	switch (dh) {
	case IKEV2_DH_MODP1024:	return "#2 (1024 bit)";
	case IKEV2_DH_MODP1536:	return "#5 (1536 bit)";
	case IKEV2_DH_MODP2048:	return "#14 (2048 bit)";
	case IKEV2_DH_MODP3072:	return "#15 (3072 bit)";
	case IKEV2_DH_MODP4096:	return "#16 (4096 bit)";
	case IKEV2_DH_ECP256:	return "#19 (256 bit ecp)";
	case IKEV2_DH_ECP384:	return "#20 (384 bit ecp)";
	case IKEV2_DH_ECP521:	return "#21 (521 bit ecp)";
	case IKEV2_DH_CURVE25519:	return "#31 (Curve25519)";
	}
	return "none";
}

static void
suite(struct buf *out, const char *title, const struct cfg_encr_alg *encr,
    uint16_t integ, const char *auth, uint16_t dh, uint32_t lifetime)
{
	char e[64];

	buf_printf(out, "%s\n", title);
	buf_printf(out, "  encryption algorithm: %s\n", isakmp_encr(encr, e, sizeof(e)));
	buf_printf(out, "  hash algorithm:      %s\n", isakmp_hash(integ));
	buf_printf(out, "  authentication method: %s\n", auth);
	buf_printf(out, "  Diffie-Hellman group: %s\n", isakmp_group(dh));
	buf_printf(out, "  lifetime:            %u seconds, no volume limit\n", lifetime);
}

void
show_crypto_isakmp_default_policy(struct buf *out, const struct ifl_config *cfg)
{
	const struct cfg_isakmp_policy *p = config_isakmp_default_policies();
	char t[64];

	/* "no crypto isakmp default policy": no output at all, as IOS */
	if (!cfg->daemon.isakmp_default_policy)
		return;
	buf_printf(out, "Default IKE policy\n");
	for (int i = 0; i < CFG_ISAKMP_DEFAULT_N; i++) {
		snprintf(t, sizeof(t), "Default protection suite of priority %u",
		    p[i].priority);
		suite(out, t, &p[i].encr, p[i].integ, p[i].auth == CFG_ISAKMP_PSK ?
		    "Pre-Shared Key" : "Rivest-Shamir-Adleman Signature", p[i].dh,
		    p[i].lifetime);
	}
}

/* Whether IOS's default policies take part: switched on, and some IKEv1
 * connection names no ike= (or none names one: nothing else to use). */
static int
isakmp_defaults_in_force(const struct ifl_config *cfg)
{
	int configured = 0;

	if (!cfg->daemon.isakmp_default_policy)
		return 0;
	for (const struct cfg_conn *c = cfg->conns; c; c = c->next) {
		if (c->ike_version == 1 && c->ike_from == CFG_FROM_IOS)
			return 1;
		configured |= c->ike_version == 1 && c->ike_from == CFG_FROM_CONF;
	}
	return !configured;
}

void
show_crypto_isakmp_policy(struct buf *out, const struct ifl_config *cfg)
{
	unsigned prio = 0;
	char t[128];

	for (const struct cfg_conn *c = cfg->conns; c; c = c->next) {
		if (c->ike_version != 1 || c->ike_from != CFG_FROM_CONF)
			continue;
		/* every combination a strongSwan proposal allows is one suite */
		for (int i = 0; i < c->ike.n; i++) {
			const struct cfg_proposal *p = &c->ike.p[i];

			for (int e = 0; e < p->nencr; e++)
				for (int h = 0; h < (p->ninteg ? p->ninteg : 1); h++)
					for (int d = 0; d < p->ndh; d++) {
						if (prio++ == 0)
							buf_printf(out, "Global IKE policy\n");
						snprintf(t, sizeof(t), "Protection suite of "
						    "priority %u (conn %s)", prio, c->name);
						suite(out, t, &p->encr[e], p->ninteg ?
						    p->integ[h] : 0, "Pre-Shared Key",
						    p->dh[d], c->ikelifetime);
					}
		}
	}
	if (isakmp_defaults_in_force(cfg))
		show_crypto_isakmp_default_policy(out, cfg);
}

/* ---- transform sets ---- */

static void
xform_text(const struct cfg_encr_alg *e, uint16_t integ, char *dst, size_t len)
{
	struct st_algs a = { .encr = e->id, .encr_keylen = e->keylen };
	const char *auth = st_cisco_esp_auth(integ);

	snprintf(dst, len, "{ %s%s%s }", st_cisco_esp_encr(&a), *auth ? " " : "", auth);
}

/* Each encryption x integrity of c's esp= as a transform set named after
 * the connection (NAME, NAME#2, ...): fn(name, text, arg) for each. */
static void
conn_sets(const struct cfg_conn *c, void (*fn)(const char *, const char *, void *),
    void *arg)
{
	const struct cfg_transform_set *d = config_default_transform_sets();
	char name[CFG_NAME_MAX + 16], text[96];
	unsigned n = 0;

	if (c->esp_from == CFG_FROM_IOS) {
		for (int i = 0; i < CFG_XFORM_DEFAULT_N; i++) {
			xform_text(&d[i].encr, d[i].integ, text, sizeof(text));
			fn(d[i].name, text, arg);
		}
		return;
	}
	if (c->esp_from == CFG_FROM_NONE)
		return;
	for (int i = 0; i < c->esp.n; i++) {
		const struct cfg_proposal *p = &c->esp.p[i];

		for (int e = 0; e < p->nencr; e++)
			for (int h = 0; h < (p->ninteg ? p->ninteg : 1); h++) {
				if (n++ == 0)
					snprintf(name, sizeof(name), "%s", c->name);
				else
					snprintf(name, sizeof(name), "%s#%u", c->name, n);
				xform_text(&p->encr[e], p->ninteg ? p->integ[h] : 0,
				    text, sizeof(text));
				fn(name, text, arg);
			}
	}
}

struct set_arg {
	struct buf	*out;
	const char	*mode;
	unsigned	 n;		/* sets printed: a blank line between */
};

static void
set_print(const char *name, const char *text, void *arg)
{
	struct set_arg *a = arg;

	if (a->n++ > 0)
		buf_printf(a->out, "\n");
	buf_printf(a->out, "Transform set %s: %s\n", name, text);
	buf_printf(a->out, "    will negotiate = { %s, },\n", a->mode);
}

/* IOS's default sets negotiate transport mode (tunnel when the peer
 * insists), as the seed shows. */
static void
default_sets(struct set_arg *a)
{
	const struct cfg_transform_set *d = config_default_transform_sets();
	char text[96];

	a->mode = "Transport";
	for (int i = 0; i < CFG_XFORM_DEFAULT_N; i++) {
		xform_text(&d[i].encr, d[i].integ, text, sizeof(text));
		set_print(d[i].name, text, a);
	}
}

void
show_crypto_ipsec_default_transform_set(struct buf *out, const struct ifl_config *cfg)
{
	struct set_arg a = { out, NULL, 0 };

	if (cfg->daemon.ipsec_default_transform_set)
		default_sets(&a);
}

void
show_crypto_ipsec_transform_set(struct buf *out, const struct ifl_config *cfg)
{
	struct set_arg a = { out, NULL, 0 };
	int defaults = 0;

	for (const struct cfg_conn *c = cfg->conns; c; c = c->next) {
		a.mode = c->mode == CFG_MODE_TRANSPORT ? "Transport" : "Tunnel";
		if (c->esp_from == CFG_FROM_IOS)
			defaults = 1;
		else
			conn_sets(c, set_print, &a);
	}
	if (defaults)
		default_sets(&a);
}

/* ---- crypto map ---- */

static void
map_set(const char *name, const char *text, void *arg)
{
	buf_printf(arg, "  %s: %s,\n", name, text);
}

/* An ACL operand: "host A" or "A WILDCARD" (IPv6: the prefix). */
static const char *
acl_net(const struct ifl_subnet *n, char *dst, size_t len)
{
	char a[ADDR_STRLEN];
	int full = n->addr.family == AF_INET ? 32 : 128;

	if (n->plen == full)
		snprintf(dst, len, "host %s", addr_str(&n->addr, a, sizeof(a)));
	else if (n->addr.family == AF_INET) {
		uint32_t wild = n->plen ? 0xffffffffu >> n->plen : 0xffffffffu;

		snprintf(dst, len, "%s %u.%u.%u.%u", addr_str(&n->addr, a, sizeof(a)),
		    wild >> 24, wild >> 16 & 0xff, wild >> 8 & 0xff, wild & 0xff);
	} else
		subnet_str(n, dst, len);
	return dst;
}

static void
map_acl(struct buf *out, const struct cfg_conn *c)
{
	char l[SUBNET_STRLEN + 8], r[SUBNET_STRLEN + 8];
	const char *proto = c->left.addr.family == AF_INET6 ||
	    (c->left.nsubnets && c->left.subnets[0].addr.family == AF_INET6) ?
	    "ipv6" : "ip";

	buf_printf(out, "Extended IP access list %s\n", c->name);
	if (c->left.nsubnets == 0 || c->right.nsubnets == 0) {
		/* the hosts themselves; an address not known yet is "any" */
		buf_printf(out, "    access-list %s permit %s %s%s %s%s\n", c->name, proto,
		    c->left.host_kind == CFG_HOST_ADDR ? "host " : "",
		    c->left.host_kind == CFG_HOST_ADDR ? c->left.host : "any",
		    c->right.host_kind == CFG_HOST_ADDR ? "host " : "",
		    c->right.host_kind == CFG_HOST_ADDR ? c->right.host : "any");
		return;
	}
	for (int i = 0; i < c->left.nsubnets; i++)
		for (int j = 0; j < c->right.nsubnets; j++)
			buf_printf(out, "    access-list %s permit %s %s %s\n", c->name,
			    proto, acl_net(&c->left.subnets[i], l, sizeof(l)),
			    acl_net(&c->right.subnets[j], r, sizeof(r)));
}

static void
map_entry(struct buf *out, const struct cfg_conn *c, unsigned seq)
{
	const struct st_conn *sc = st_conn_find(c->name);
	const struct st_ike *ike = sc && sc->ike_index ? st_ike_find(sc->ike_index) : NULL;
	const struct cfg_proposal *pfs = c->esp.n ? &c->esp.p[0] : NULL;

	buf_printf(out, "Crypto Map \"%s\" %u ipsec-isakmp\n", c->name, seq);
	if (c->ike_version == 2)
		buf_printf(out, "IKEv2 (keyexchange=ikev2)\n");
	buf_printf(out, "Peer = %s\n", c->right.host);
	map_acl(out, c);
	if (ike != NULL && ike->remote.family)
		buf_printf(out, "Current peer: %s\n", ADDR(&ike->remote));
	else
		buf_printf(out, "Current peer: %s\n", c->right.host);
	if (c->lifebytes)
		buf_printf(out, "Security association lifetime: %llu kilobytes/%u seconds\n",
		    (unsigned long long)(c->lifebytes / 1024), c->keylife);
	else
		buf_printf(out, "Security association lifetime: %u seconds, "
		    "no volume limit\n", c->keylife);
	if (pfs != NULL && pfs->ndh > 0) {
		buf_printf(out, "PFS (Y/N): Y\n");
		buf_printf(out, "DH group:  group%u\n", pfs->dh[0]);
	} else
		buf_printf(out, "PFS (Y/N): N\n");
	buf_printf(out, "Transform sets={\n");
	conn_sets(c, map_set, out);
	buf_printf(out, "}\n");
	buf_printf(out, "Interfaces using crypto map %s:\n", c->name);
	if (ike != NULL && ike->local.family)
		buf_printf(out, "%s\n", ADDR(&ike->local));
	else
		buf_printf(out, "%s\n", c->left.host);
	buf_printf(out, "\n");
}

void
show_crypto_map(struct buf *out, const struct ifl_config *cfg)
{
	unsigned seq = 0;

	for (const struct cfg_conn *c = cfg->conns; c; c = c->next)
		map_entry(out, c, seq += 10);
}

/* ---- control socket ---- */

struct config_view {
	const char	*cmd, *help;
	void		(*fn)(struct buf *, const struct ifl_config *);
};

static int
cmd_view(int argc, char **argv, struct buf *out, void *arg)
{
	const struct config_view *v = arg;
	const struct ifl_config *cfg = get_config ? get_config() : NULL;

	if (argc > 0) {
		buf_printf(out, "%% Invalid input: %s\n", argv[0]);
		return -1;
	}
	if (cfg == NULL) {
		buf_printf(out, "%% No configuration loaded\n");
		return -1;
	}
	v->fn(out, cfg);
	return 0;
}

int
show_config_register(const struct ifl_config *(*cfg)(void))
{
	static const struct config_view v[] = {
		{ "show crypto isakmp default policy",
		    "IOS's default ISAKMP policies (isakmp_default_policy)",
		    show_crypto_isakmp_default_policy },
		{ "show crypto isakmp policy",
		    "the IKEv1 connections' ike= suites as ISAKMP policies, then "
		    "the defaults in force", show_crypto_isakmp_policy },
		{ "show crypto ipsec default transform-set",
		    "IOS's default transform sets (ipsec_default_transform_set)",
		    show_crypto_ipsec_default_transform_set },
		{ "show crypto ipsec transform-set",
		    "the connections' esp= suites as transform sets, then the "
		    "defaults in force", show_crypto_ipsec_transform_set },
		{ "show crypto map",
		    "each connection as a crypto map entry: peer, selectors, "
		    "transform sets, PFS, lifetimes", show_crypto_map },
	};

	get_config = cfg;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (ctl_register(v[i].cmd, v[i].cmd, v[i].help, cmd_view,
		    (void *)&v[i]) < 0)
			return -1;
	return 0;
}
