/* show crypto mib isakmp|ipsec flowmib ...: the MIB rows of flowmib.c in the
 * layout of IOS. The views print the rows the agent serves (one mapping), each
 * view described by a table of labelled fields over one row type and walked
 * by one function. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "agent/flowmib.h"
#include "ctl/ctl.h"
#include "state/names.h"

#define LABEL_W	22
#define CMD_PREFIX	"show crypto mib "

/* Without the SNMP agent nothing rebuilds the rows after a counter fold: a
 * view then rebuilds them when they are older than this (ms). */
#define VIEW_MAX_AGE_MS	1000

/* How a field turns the bytes at its offset into text. */
enum view_kind {
	V_U64 = 1,	/* uint64_t, decimal */
	V_U32,		/* uint32_t, decimal */
	V_OID,		/* oid (an index sub-identifier), decimal */
	V_HEX,		/* uint64_t, 0x%X */
	V_HMS,		/* uint64_t hundredths -> hh:mm:ss */
	V_HMS_SEC,	/* uint64_t seconds -> hh:mm:ss */
	V_DH,		/* unsigned IANA group, 0 = None */
	V_ADDR,		/* struct ifl_addr, none = 0.0.0.0 */
	V_STR,		/* char * */
	V_TEXT,		/* char[] in the row */
	V_NONE,		/* no such thing here: "None" */
	V_WORD,		/* uint64_t -> words[v], words[0] when out of range or NULL */
	V_ID_TYPE,	/* uint64_t IkePeerType at off, its address at off2 */
	V_EP_ADDR,	/* uint64_t EndPtType at off, addresses at off2 and off3 */
	V_TERM,		/* uint64_t cikeTunHistTermReason / cipSecTunHistTermReason */
	V_IKE_FAIL,	/* uint64_t cikeFailReason */
	V_IPSEC_FAIL,	/* uint64_t cipSecFailReason */
};

struct view_field {
	const char	*label;
	uint8_t		kind;
	uint16_t	off, off2, off3;
	const char *const *words;	/* V_WORD */
	size_t		nwords;
	/* printed only when it differs from the row before (one per view) */
	uint8_t		group;
};

/* A run of fields whose offsets count from base within the row. */
struct view_part {
	const struct view_field *f;
	size_t		n;
	size_t		base;
};

#define VIEW_GLOBALS	FM_T_COUNT	/* the one "row" is fm_g */

struct view {
	const char	*name;		/* after CMD_PREFIX */
	const char	*help;
	int		table;		/* enum fm_table_id, or VIEW_GLOBALS */
	const char	*ind;		/* before each label */
	struct view_part parts[2];
	/* [index N] selects the rows whose field of this kind at key_off is N;
	 * key_kind 0: the view takes no arguments */
	uint8_t		key_kind;
	uint16_t	key_off;
};

#define WORDS(w)	.words = (w), .nwords = sizeof(w) / sizeof((w)[0])
#define PART(fields, type, member) \
	{ (fields), sizeof(fields) / sizeof((fields)[0]), offsetof(type, member) }
#define PART0(fields)	{ (fields), sizeof(fields) / sizeof((fields)[0]), 0 }

static const char *const w_auth[] = { "none", NULL, "psk", "rsig", "rsa-encr",
	"rev-pubkey" };
static const char *const w_nego[] = { "Main Mode", NULL, "Aggressive Mode" };
static const char *const w_keying[] = { "Manual", "IKE" };
static const char *const w_ep_type[] = { "Subnet", "Single IP address",
	"IP address range" };
static const char *const w_spi_dir[] = { "Out", "In" };
static const char *const w_spi_proto[] = { "ESP", "AH", NULL, "IPCOMP" };
static const char *const w_spi_status[] = { "Expiring", "Active" };

/* ---- phase 1 ---- */

#define P1(m)	offsetof(struct fm_p1, m)
#define P1C(m)	offsetof(struct fm_p1, c.m)

static const struct view_field p1_fields[] = {
	{ "Local type", V_ID_TYPE, P1(local_type), P1(local_addr) },
	{ "Local address", V_ADDR, P1(local_addr) },
	{ "Remote type", V_ID_TYPE, P1(remote_type), P1(remote_addr) },
	{ "Remote address", V_ADDR, P1(remote_addr) },
	{ "Negotiation mode", V_WORD, P1(nego_mode), WORDS(w_nego) },
	{ "Diffie Hellman Grp", V_DH, P1(dh_group) },
	{ "Encryption algo", V_TEXT, P1(encr_word) },
	{ "Hash algo", V_TEXT, P1(hash_word) },
	{ "Auth method", V_WORD, P1(auth), WORDS(w_auth) },
	{ "Lifetime", V_U64, P1(lifetime) },
	{ "Active time", V_HMS, P1(active_time) },
	{ "In octets", V_U64, P1C(in_octets) },
	{ "In packets", V_U64, P1C(in_pkts) },
	{ "In drops", V_U64, P1C(in_drops) },
	{ "In notifys", V_U64, P1C(in_notifys) },
	{ "In P2 exchanges", V_U64, P1C(in_p2_exchg) },
	{ "In P2 exchg invalids", V_U64, P1C(in_p2_exchg_invalid) },
	{ "In P2 exchg rejected", V_U64, P1C(in_p2_exchg_reject) },
	{ "In P2 SA delete reqs", V_U64, P1C(in_p2_sa_del) },
	{ "Out octets", V_U64, P1C(out_octets) },
	{ "Out packets", V_U64, P1C(out_pkts) },
	{ "Out drops", V_U64, P1C(out_drops) },
	{ "Out notifys", V_U64, P1C(out_notifys) },
	{ "Out P2 exchgs", V_U64, P1C(out_p2_exchg) },
	{ "Out P2 exchg invalids", V_U64, P1C(out_p2_exchg_invalid) },
	{ "Out P2 exchg rejects", V_U64, P1C(out_p2_exchg_reject) },
	{ "Out P2 Sa delete requests", V_U64, P1C(out_p2_sa_del) },
};

static const struct view_field ike_tun_fields[] = {
	{ "Index", V_U32, offsetof(struct fm_ike_tun, index) },
};

static const struct view_field ike_hist_fields[] = {
	{ "Reason", V_TERM, offsetof(struct fm_ike_hist, reason) },
	{ "Index", V_U32, offsetof(struct fm_ike_hist, index) },
};

#define PEER(m)	offsetof(struct fm_peer, m)

static const struct view_field peer_fields[] = {
	{ "Index", V_U64, PEER(int_index) },
	{ "Local type", V_ID_TYPE, PEER(local_type), PEER(local_addr) },
	{ "Local address", V_ADDR, PEER(local_addr) },
	{ "Remote type", V_ID_TYPE, PEER(remote_type), PEER(remote_addr) },
	{ "Remote address", V_ADDR, PEER(remote_addr) },
};

#define IKEF(m)	offsetof(struct fm_ike_fail, m)

static const struct view_field ike_fail_fields[] = {
	{ "Index", V_U32, IKEF(index) },
	{ "Reason", V_IKE_FAIL, IKEF(reason) },
	{ "Failure time since reset", V_HMS_SEC, IKEF(time_sec) },
	{ "Local type", V_ID_TYPE, IKEF(local_type), IKEF(local_addr) },
	{ "Local value", V_STR, IKEF(local_value) },
	{ "Remote type", V_ID_TYPE, IKEF(remote_type), IKEF(remote_addr) },
	{ "Remote Value", V_STR, IKEF(remote_value) },
	{ "Local Address", V_ADDR, IKEF(local_addr) },
	{ "Remote Address", V_ADDR, IKEF(remote_addr) },
};

#define GI(m)	offsetof(struct fm_globals, ike.m)

static const struct view_field ike_global_fields[] = {
	{ "Active Tunnels", V_U64, offsetof(struct fm_globals, ike_active) },
	{ "Previous Tunnels", V_U64, GI(previous_tunnels) },
	{ "In octets", V_U64, GI(c.in_octets) },
	{ "Out octets", V_U64, GI(c.out_octets) },
	{ "In packets", V_U64, GI(c.in_pkts) },
	{ "Out packets", V_U64, GI(c.out_pkts) },
	{ "In packets drop", V_U64, GI(c.in_drops) },
	{ "Out packets drop", V_U64, GI(c.out_drops) },
	{ "In notifys", V_U64, GI(c.in_notifys) },
	{ "Out notifys", V_U64, GI(c.out_notifys) },
	{ "In P2 exchg", V_U64, GI(c.in_p2_exchg) },
	{ "Out P2 exchg", V_U64, GI(c.out_p2_exchg) },
	{ "In P2 exchg invalids", V_U64, GI(c.in_p2_exchg_invalid) },
	{ "Out P2 exchg invalids", V_U64, GI(c.out_p2_exchg_invalid) },
	{ "In P2 exchg rejects", V_U64, GI(c.in_p2_exchg_reject) },
	{ "Out P2 exchg rejects", V_U64, GI(c.out_p2_exchg_reject) },
	{ "In IPSEC delete", V_U64, GI(c.in_p2_sa_del) },
	{ "Out IPSEC delete", V_U64, GI(c.out_p2_sa_del) },
	{ "SAs locally initiated", V_U64, GI(init_tunnels) },
	{ "SAs locally initiated failed", V_U64, GI(init_tunnel_fails) },
	{ "SAs remotely initiated failed", V_U64, GI(resp_tunnel_fails) },
	{ "System capacity failures", V_U64, GI(syscap_fails) },
	{ "Authentication failures", V_U64, GI(auth_fails) },
	{ "Decrypt failures", V_U64, GI(decrypt_fails) },
	{ "Hash failures", V_U64, GI(hash_fails) },
	{ "Invalid SPI", V_U64, GI(nosa_fails) },
};

/* ---- phase 2 ---- */

#define P2(m)	offsetof(struct fm_p2, m)

static const struct view_field p2_fields[] = {
	{ "Local address", V_ADDR, P2(local_addr) },
	{ "Remote address", V_ADDR, P2(remote_addr) },
	{ "IPSEC keying", V_WORD, P2(key_type), WORDS(w_keying) },
	{ "Encapsulation mode", V_U64, P2(encap_mode) },
	{ "Lifetime (KB)", V_U64, P2(life_kb) },
	{ "Lifetime (Sec)", V_U64, P2(life_sec) },
	{ "Active time", V_HMS, P2(active_time) },
	{ "Lifetime threshold (KB)", V_U64, P2(rekey_kb) },
	{ "Lifetime threshold (Sec)", V_U64, P2(rekey_sec) },
	{ "Total number of refreshes", V_U64, P2(refreshes) },
	{ "Expired SA instances", V_U64, P2(expired_sas) },
	{ "Current SA instances", V_U64, P2(current_sas) },
	/* one set of algorithms serves both directions */
	{ "In SA DH group", V_DH, P2(dh_group) },
	{ "In sa encrypt algorithm", V_TEXT, P2(encr_word) },
	{ "In SA auth algorithm", V_NONE },
	{ "In SA ESP auth algo", V_TEXT, P2(auth_word) },
	{ "In SA uncompress algorithm", V_NONE },
	{ "Out SA DH group", V_DH, P2(dh_group) },
	{ "Out SA encryption algorithm", V_TEXT, P2(encr_word) },
	{ "Out SA auth algorithm", V_NONE },
	{ "Out SA ESP auth algorithm", V_TEXT, P2(auth_word) },
	{ "Out SA uncompress algorithm", V_NONE },
	/* no compression: the octets before and after it are the same */
	{ "In octets", V_U64, P2(in_octets) },
	{ "Decompressed octets", V_U64, P2(in_octets) },
	{ "In packets", V_U64, P2(in_pkts) },
	{ "In drops", V_U64, P2(in_drops) },
	{ "In replay drops", V_U64, P2(in_replay) },
	{ "In authentications", V_U64, P2(in_auths) },
	{ "In authentication failures", V_U64, P2(in_auth_fails) },
	{ "In decrypts", V_U64, P2(in_decrypts) },
	{ "In decrypt failures", V_U64, P2(in_decrypt_fails) },
	{ "Out octets", V_U64, P2(out_octets) },
	{ "Out uncompressed octets", V_U64, P2(out_octets) },
	{ "Out packets", V_U64, P2(out_pkts) },
	{ "Out drops", V_U64, P2(out_drops) },
	{ "Out authentications", V_U64, P2(out_auths) },
	{ "Out authentication failures", V_U64, P2(out_auth_fails) },
	{ "Out encryptions", V_U64, P2(out_encrypts) },
	{ "Out encryption failures", V_U64, P2(out_encrypt_fails) },
};

static const struct view_field ipsec_tun_fields[] = {
	{ "Index", V_U32, offsetof(struct fm_ipsec_tun, index) },
};

static const struct view_field ipsec_hist_fields[] = {
	{ "Reason", V_TERM, offsetof(struct fm_ipsec_hist, reason) },
	{ "Index", V_U32, offsetof(struct fm_ipsec_hist, index) },
};

#define EP(m)	offsetof(struct fm_endpt, e.m)

static const struct view_field endpt_fields[] = {
	{ "Index", V_OID, offsetof(struct fm_endpt, h.ox[0]) },
	{ "Local type", V_WORD, EP(local_type), WORDS(w_ep_type) },
	{ "Local address", V_EP_ADDR, EP(local_type), EP(local1), EP(local2) },
	{ "Protocol", V_U64, EP(local_proto) },
	{ "Local port", V_U64, EP(local_port) },
	{ "Remote type", V_WORD, EP(remote_type), WORDS(w_ep_type) },
	{ "Remote address", V_EP_ADDR, EP(remote_type), EP(remote1), EP(remote2) },
	{ "Remote port", V_U64, EP(remote_port) },
};

#define IPF(m)	offsetof(struct fm_ipsec_fail, m)

static const struct view_field ipsec_fail_fields[] = {
	{ "Index", V_U32, IPF(index) },
	{ "Reason", V_IPSEC_FAIL, IPF(reason) },
	{ "Failure time since reset", V_HMS_SEC, IPF(time_sec) },
	{ "Src address", V_ADDR, IPF(src) },
	{ "Destination address", V_ADDR, IPF(dst) },
	{ "SPI", V_U64, IPF(spi) },
};

#define SPI(m)	offsetof(struct fm_spi, m)

static const struct view_field spi_fields[] = {
	{ "Tunnel Index", V_OID, SPI(h.ox[0]), .group = 1 },
	{ "SPI Index", V_OID, SPI(h.ox[1]) },
	{ "SPI Value", V_HEX, SPI(value) },
	{ "SPI Direction", V_WORD, SPI(dir), WORDS(w_spi_dir) },
	{ "SPI Protocol", V_WORD, SPI(proto), WORDS(w_spi_proto) },
	{ "SPI Status", V_WORD, SPI(status), WORDS(w_spi_status) },
};

#define GP(m)	offsetof(struct fm_globals, ipsec.m)
#define GF(m)	offsetof(struct fm_globals, m)

static const struct view_field ipsec_global_fields[] = {
	{ "Active Tunnels", V_U64, GF(ipsec_active) },
	{ "Previous Tunnels", V_U64, GP(previous_tunnels) },
	{ "In octets", V_U64, GP(c.in.octets) },
	{ "Out octets", V_U64, GP(c.out.octets) },
	{ "In packets", V_U64, GP(c.in.packets) },
	{ "Out packets", V_U64, GP(c.out.packets) },
	{ "Uncompressed encrypted bytes", V_U64, GP(c.out.octets) },
	{ "In packets drops", V_U64, GP(in_drops) },
	{ "Out packets drops", V_U64, GP(out_drops) },
	{ "In replay drops", V_U64, GP(in_replay_drops) },
	{ "In authentications", V_U64, GF(in_auths) },
	{ "Out authentications", V_U64, GF(out_auths) },
	{ "In decrypts", V_U64, GF(in_decrypts) },
	{ "Out encrypts", V_U64, GF(out_encrypts) },
	{ "Compressed bytes", V_U64, GF(zero) },
	{ "Uncompressed bytes", V_U64, GF(zero) },
	{ "In uncompressed bytes", V_U64, GP(c.in.octets) },
	{ "Out uncompressed bytes", V_U64, GP(c.out.octets) },
	{ "In decrypt failures", V_U64, GP(in_decrypt_fails) },
	{ "Out encrypt failures", V_U64, GF(zero) },
	{ "No SA failures", V_U64, GP(nosa_fails) },
	{ "Protocol use failures", V_U64, GP(protocol_use_fails) },
	{ "System capacity failures", V_U64, GP(syscap_fails) },
	{ "In authentication failures", V_U64, GP(in_auth_fails) },
	{ "Out authentication failures", V_U64, GP(c.out.auth_fails) },
};

static const struct view views[] = {
	{ "isakmp flowmib failure", "IKE failure table (cikeFailTable)",
	    FM_T_IKE_FAIL, "  ", { PART0(ike_fail_fields) }, 0, 0 },
	{ "isakmp flowmib global", "IKE global statistics (cikeGlobalStats)",
	    VIEW_GLOBALS, "  ", { PART0(ike_global_fields) }, 0, 0 },
	{ "isakmp flowmib history", "IKE tunnel history (cikeTunnelHistTable)",
	    FM_T_IKE_HIST, "", { PART0(ike_hist_fields),
	    PART(p1_fields, struct fm_ike_hist, p) }, 0, 0 },
	{ "isakmp flowmib peer", "IKE peer associations (cikePeerTable)",
	    FM_T_PEER, "  ", { PART0(peer_fields) }, V_U64, PEER(int_index) },
	{ "isakmp flowmib tunnel", "active IKE tunnels (cikeTunnelTable)",
	    FM_T_IKE_TUN, "  ", { PART0(ike_tun_fields),
	    PART(p1_fields, struct fm_ike_tun, p) }, V_U32, offsetof(struct fm_ike_tun, index) },
	{ "ipsec flowmib endpoint", "IPsec tunnel endpoints (cipSecEndPtTable)",
	    FM_T_ENDPT, "  ", { PART0(endpt_fields) }, 0, 0 },
	{ "ipsec flowmib failure", "IPsec failure table (cipSecFailTable)",
	    FM_T_IPSEC_FAIL, "  ", { PART0(ipsec_fail_fields) }, 0, 0 },
	{ "ipsec flowmib global", "IPsec global statistics (cipSecGlobalStats)",
	    VIEW_GLOBALS, "  ", { PART0(ipsec_global_fields) }, 0, 0 },
	{ "ipsec flowmib history", "IPsec tunnel history (cipSecTunnelHistTable)",
	    FM_T_IPSEC_HIST, "", { PART0(ipsec_hist_fields),
	    PART(p2_fields, struct fm_ipsec_hist, p) }, 0, 0 },
	{ "ipsec flowmib spi", "IPsec SPIs (cipSecSpiTable)",
	    FM_T_SPI, "  ", { PART0(spi_fields) }, 0, 0 },
	{ "ipsec flowmib tunnel", "active IPsec tunnels (cipSecTunnelTable)",
	    FM_T_IPSEC_TUN, "  ", { PART0(ipsec_tun_fields),
	    PART(p2_fields, struct fm_ipsec_tun, p) }, V_U32,
	    offsetof(struct fm_ipsec_tun, index) },
};

/* ---- values ---- */

static uint64_t
num_at(const char *row, unsigned kind, size_t off)
{
	uint64_t v64;
	uint32_t v32;
	unsigned u;
	oid o;

	switch (kind) {
	case V_U32:
		memcpy(&v32, row + off, sizeof(v32));
		return v32;
	case V_DH:
		memcpy(&u, row + off, sizeof(u));
		return u;
	case V_OID:
		memcpy(&o, row + off, sizeof(o));
		return o;
	default:
		memcpy(&v64, row + off, sizeof(v64));
		return v64;
	}
}

static const char *
addr_text(const char *row, size_t off, char *dst)
{
	const struct ifl_addr *a = (const struct ifl_addr *)(row + off);

	if (addr_len(a) == 0)
		return "0.0.0.0";
	return addr_str(a, dst, ADDR_STRLEN);
}

static const char *
hms_text(uint64_t s, char *dst, size_t len)
{
	snprintf(dst, len, "%02llu:%02llu:%02llu", (unsigned long long)(s / 3600),
	    (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
	return dst;
}

/* The text of one field of a row: in dst (at least 2 * ADDR_STRLEN + 2
 * bytes) or a constant. */
static const char *
field_text(const struct view_field *f, const char *row, char *dst, size_t len)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN];
	const char *s;
	uint64_t v;

	switch (f->kind) {
	case V_U64:
	case V_U32:
	case V_OID:
		snprintf(dst, len, "%llu", (unsigned long long)num_at(row, f->kind, f->off));
		return dst;
	case V_HEX:
		snprintf(dst, len, "0x%llX", (unsigned long long)num_at(row, f->kind, f->off));
		return dst;
	case V_HMS:
		return hms_text(num_at(row, f->kind, f->off) / 100, dst, len);
	case V_HMS_SEC:
		return hms_text(num_at(row, f->kind, f->off), dst, len);
	case V_DH:
		if ((v = num_at(row, f->kind, f->off)) == 0)
			return "None";
		snprintf(dst, len, "%llu", (unsigned long long)v);
		return dst;
	case V_ADDR:
		return addr_text(row, f->off, dst);
	case V_STR:
		memcpy(&s, row + f->off, sizeof(s));
		return s != NULL ? s : "";
	case V_TEXT:
		return row + f->off;
	case V_NONE:
		return "None";
	case V_WORD:
		v = num_at(row, f->kind, f->off);
		return v < f->nwords && f->words[v] != NULL ? f->words[v] : f->words[0];
	case V_ID_TYPE:
		if (num_at(row, f->kind, f->off) == 2)
			return "ID_FQDN";
		return ((const struct ifl_addr *)(row + f->off2))->family == AF_INET6 ?
		    "ID_IPV6_ADDR" : "ID_IPV4_ADDR";
	case V_EP_ADDR:
		if (num_at(row, f->kind, f->off) == 1)
			return addr_text(row, f->off2, dst);
		snprintf(dst, len, "%s %s", addr_text(row, f->off2, a),
		    addr_text(row, f->off3, b));
		return dst;
	case V_TERM:
		return st_term_name((enum st_term)num_at(row, f->kind, f->off));
	case V_IKE_FAIL:
		return st_ike_fail_name((enum st_ike_fail)num_at(row, f->kind, f->off));
	case V_IPSEC_FAIL:
		return st_ipsec_fail_name((enum st_ipsec_fail)num_at(row, f->kind, f->off));
	default:
		return "?";
	}
}

static void
line(struct buf *o, const char *ind, const char *label, const char *v)
{
	int pad = LABEL_W - (int)strlen(label) - 1;

	buf_printf(o, "%s%s:%*s%s\n", ind, label, pad > 0 ? pad : 1, "", v);
}

/* ---- the rows ---- */

/* Whether the rows may be older than the state model they are built from.
 * The SNMP agent rebuilds them after every counter fold and within a second
 * of a state event; a view rebuilds them only when a tunnel came, went,
 * rekeyed or failed since the last build (by anyone), and, with no agent
 * running, when its own build is older than VIEW_MAX_AGE_MS. So a burst of
 * views costs one build, and a tunnel up a moment ago is listed at once. */
static struct {
	int		changed;	/* a state event since changed_at */
	uint64_t	changed_at;	/* fm_refresh_count() at the event */
	uint64_t	built_count;	/* fm_refresh_count() after our build */
	uint64_t	built_ms;
	int		agent_seen;	/* the agent ran at the last view */
} vs;

static void
view_state_event(enum st_event ev, uint32_t index, const void *rec, void *arg)
{
	(void)ev;
	(void)index;
	(void)rec;
	(void)arg;
	vs.changed = 1;
	vs.changed_at = fm_refresh_count();
}

static int
view_rows_stale(uint64_t now)
{
	uint64_t n = fm_refresh_count();
	int agent = agent_running(), was = vs.agent_seen;

	vs.agent_seen = agent;
	if (vs.changed && n != vs.changed_at)
		vs.changed = 0;		/* rebuilt since */
	if (n == 0 || vs.changed)
		return 1;
	if (agent)
		return 0;
	/* the agent's rows went with it, or were built before it stopped */
	if (was || n != vs.built_count)
		return 1;
	return now < vs.built_ms || now - vs.built_ms >= VIEW_MAX_AGE_MS;
}

static void
view_rows_update(void)
{
	uint64_t now = st_now_ms();

	if (!view_rows_stale(now) || fm_refresh() < 0)
		return;		/* a failed build keeps the previous rows */
	vs.changed = 0;
	vs.built_count = fm_refresh_count();
	vs.built_ms = now;
}

/* "index N" after the view name: N, 0 when absent, -1 when malformed */
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

/* last: the text of the view's group field in the row before ("" at first) */
static void
view_row(struct buf *o, const struct view *v, const char *row, char *last, size_t lastlen)
{
	char text[2 * ADDR_STRLEN + 2];

	for (size_t p = 0; p < sizeof(v->parts) / sizeof(v->parts[0]); p++) {
		const struct view_part *part = &v->parts[p];

		for (size_t i = 0; i < part->n; i++) {
			const struct view_field *f = &part->f[i];
			const char *s = field_text(f, row + part->base, text, sizeof(text));

			if (f->group) {
				if (strcmp(last, s) == 0)
					continue;
				snprintf(last, lastlen, "%s", s);
			}
			line(o, v->ind, f->label, s);
		}
	}
}

static int
view_cmd(int argc, char **argv, struct buf *o, void *arg)
{
	const struct view *v = arg;
	const struct fm_table *t;
	char last[2 * ADDR_STRLEN + 2] = "";
	long want = 0;

	if (v->key_kind != 0)
		want = index_arg(argc, argv, o);
	else if (argc != 0) {
		buf_printf(o, "%% Invalid input: this view takes no arguments\n");
		want = -1;
	}
	if (want < 0)
		return -1;
	(void)st_counters_fresh(ST_COUNTERS_VIEW_MS);
	view_rows_update();
	fm_counters_follow();
	buf_printf(o, "vrf Global\n");
	if (v->table == VIEW_GLOBALS) {
		view_row(o, v, (const char *)&fm_g, last, sizeof(last));
		return 0;
	}
	t = &fm_tables[v->table];
	for (size_t i = 0; i < t->nrows; i++) {
		const char *row = fm_row_at(t, i);

		if (want && num_at(row, v->key_kind, v->key_off) != (uint64_t)want)
			continue;
		view_row(o, v, row, last, sizeof(last));
	}
	return 0;
}

/* ---- every view's rows as JSON (the diagnostic bundle) ---- */

static void
json_str(struct buf *o, const char *s)
{
	buf_put_u8(o, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			buf_printf(o, "\\%c", c);
		else if (c < 0x20)
			buf_printf(o, "\\u%04x", c);
		else
			buf_put_u8(o, c);
	}
	buf_put_u8(o, '"');
}

/* One object per row with the view's labels as keys (every field: the
 * grouping of the text views is for reading, not for tools). */
static void
json_row(struct buf *o, const struct view *v, const char *row)
{
	char text[2 * ADDR_STRLEN + 2];
	int first = 1;

	buf_printf(o, "{");
	for (size_t p = 0; p < sizeof(v->parts) / sizeof(v->parts[0]); p++) {
		const struct view_part *part = &v->parts[p];

		for (size_t i = 0; i < part->n; i++) {
			const struct view_field *f = &part->f[i];

			buf_printf(o, "%s", first ? "" : ", ");
			first = 0;
			json_str(o, f->label);
			buf_printf(o, ": ");
			json_str(o, field_text(f, row + part->base, text, sizeof(text)));
		}
	}
	buf_printf(o, "}");
}

static int
json_cmd(int argc, char **argv, struct buf *o, void *arg)
{
	if (argc != 0) {
		buf_printf(o, "%% Invalid input: %s\n", argv[0]);
		return -1;
	}
	view_rows_update();
	buf_printf(o, "{\"vrf\": \"Global\", \"views\": [");
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		const struct view *v = &views[i];

		buf_printf(o, "%s\n {\"view\": ", i ? "," : "");
		json_str(o, v->name);
		buf_printf(o, ", \"rows\": [");
		if (v->table == VIEW_GLOBALS)
			json_row(o, v, (const char *)&fm_g);
		else {
			const struct fm_table *t = &fm_tables[v->table];

			for (size_t r = 0; r < t->nrows; r++) {
				buf_printf(o, "%s\n  ", r ? "," : "");
				json_row(o, v, fm_row_at(t, r));
			}
		}
		buf_printf(o, "]}");
	}
	buf_printf(o, "\n]}\n");
	return 0;
}

void
agent_show_register(void)
{
	char prefix[96], usage[128];

	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		const struct view *v = &views[i];

		snprintf(prefix, sizeof(prefix), CMD_PREFIX "%s", v->name);
		snprintf(usage, sizeof(usage), "%s%s", prefix, v->key_kind ? " [index N]" : "");
		ctl_register(prefix, usage, v->help, view_cmd, (void *)v);
	}
	ctl_register(CMD_PREFIX "json", CMD_PREFIX "json",
	    "every row of every view above, as JSON", json_cmd, NULL);
	/* Also a fresh state model's: st_init drops every subscriber. */
	st_subscribe(view_state_event, NULL);
}
