/* The state model as CISCO-IPSEC-FLOW-MONITOR-MIB rows (see flowmib.h). */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/flowmib.h"
#include "common/log.h"
#include "common/loop.h"
#include "state/names.h"
#include "state/rows.h"

struct fm_globals fm_g;

static uint64_t fm_start_ms;
static time_t fm_start_wall;
static uint64_t fm_nrefresh;
static uint64_t fm_cost_us, fm_cost_total_us;	/* fm_refresh_cost_us */
static uint64_t fm_counters_gen;	/* st_counters_generation() the rows show */
static int	fm_rows_behind;		/* tunnel rows may be older: fm_tun_follow */

/* ---- string arena: one per rebuild, released with the rows it served ---- */

struct fm_chunk {
	struct fm_chunk	*next;
	size_t		used, cap;
	char		data[];
};

static struct fm_chunk *fm_arena;

static void *
arena_alloc(struct fm_chunk **a, size_t len)
{
	struct fm_chunk *c = *a;

	len = (len + 7) & ~(size_t)7;
	if (c == NULL || c->cap - c->used < len) {
		size_t cap = len > 65536 ? len : 65536;

		if ((c = malloc(sizeof(*c) + cap)) == NULL)
			return NULL;
		c->next = *a;
		c->used = 0;
		c->cap = cap;
		*a = c;
	}
	c->used += len;
	return c->data + c->used - len;
}

static char *
arena_str(struct fm_chunk **a, const char *s)
{
	size_t n = strlen(s);
	char *p = arena_alloc(a, n + 1);

	if (p != NULL)
		memcpy(p, s, n + 1);
	return p;
}

static void
arena_free(struct fm_chunk *c)
{
	while (c != NULL) {
		struct fm_chunk *next = c->next;

		free(c);
		c = next;
	}
}

/* ---- column maps ---- */

#define COL(n, k, type, field)	{ (n), FM_##k, offsetof(type, field) }

#define P1COLS(T, first) \
	COL(first + 0, C32, T, p.c.in_octets), COL(first + 1, C32, T, p.c.in_pkts), \
	COL(first + 2, C32, T, p.c.in_drops), COL(first + 3, C32, T, p.c.in_notifys), \
	COL(first + 4, C32, T, p.c.in_p2_exchg), COL(first + 5, C32, T, p.c.in_p2_exchg_invalid), \
	COL(first + 6, C32, T, p.c.in_p2_exchg_reject), COL(first + 7, C32, T, p.c.in_p2_sa_del), \
	COL(first + 8, C32, T, p.c.out_octets), COL(first + 9, C32, T, p.c.out_pkts), \
	COL(first + 10, C32, T, p.c.out_drops), COL(first + 11, C32, T, p.c.out_notifys), \
	COL(first + 12, C32, T, p.c.out_p2_exchg), COL(first + 13, C32, T, p.c.out_p2_exchg_invalid), \
	COL(first + 14, C32, T, p.c.out_p2_exchg_reject), COL(first + 15, C32, T, p.c.out_p2_sa_del)

#define P2ALGS(T, first) \
	COL(first + 0, INT, T, p.dh), COL(first + 1, INT, T, p.encr), COL(first + 2, INT, T, p.ah_auth), \
	COL(first + 3, INT, T, p.esp_auth), COL(first + 4, INT, T, p.comp), \
	COL(first + 5, INT, T, p.dh), COL(first + 6, INT, T, p.encr), COL(first + 7, INT, T, p.ah_auth), \
	COL(first + 8, INT, T, p.esp_auth), COL(first + 9, INT, T, p.comp)

/* Octets, HC octets, wraps; the (de)compressed ones are the same octets. */
#define P2COUNTERS(T, first) \
	COL(first + 0, C32, T, p.in_octets), COL(first + 1, C64, T, p.in_octets), \
	COL(first + 2, WRAP, T, p.in_octets), COL(first + 3, C32, T, p.in_octets), \
	COL(first + 4, C64, T, p.in_octets), COL(first + 5, WRAP, T, p.in_octets), \
	COL(first + 6, C32, T, p.in_pkts), COL(first + 7, C32, T, p.in_drops), \
	COL(first + 8, C32, T, p.in_replay), COL(first + 9, C32, T, p.in_auths), \
	COL(first + 10, C32, T, p.in_auth_fails), COL(first + 11, C32, T, p.in_decrypts), \
	COL(first + 12, C32, T, p.in_decrypt_fails), \
	COL(first + 13, C32, T, p.out_octets), COL(first + 14, C64, T, p.out_octets), \
	COL(first + 15, WRAP, T, p.out_octets), COL(first + 16, C32, T, p.out_octets), \
	COL(first + 17, C64, T, p.out_octets), COL(first + 18, WRAP, T, p.out_octets), \
	COL(first + 19, C32, T, p.out_pkts), COL(first + 20, C32, T, p.out_drops), \
	COL(first + 21, C32, T, p.out_auths), COL(first + 22, C32, T, p.out_auth_fails), \
	COL(first + 23, C32, T, p.out_encrypts), COL(first + 24, C32, T, p.out_encrypt_fails)

#define EPCOLS(T, first) \
	COL(first + 0, STR, T, e.local_name), COL(first + 1, INT, T, e.local_type), \
	COL(first + 2, ADDR, T, e.local1), COL(first + 3, ADDR, T, e.local2), \
	COL(first + 4, INT, T, e.local_proto), COL(first + 5, INT, T, e.local_port), \
	COL(first + 6, STR, T, e.remote_name), COL(first + 7, INT, T, e.remote_type), \
	COL(first + 8, ADDR, T, e.remote1), COL(first + 9, ADDR, T, e.remote2), \
	COL(first + 10, INT, T, e.remote_proto), COL(first + 11, INT, T, e.remote_port)

static const struct fm_col peer_cols[] = {
	COL(6, ADDR, struct fm_peer, local_addr), COL(7, ADDR, struct fm_peer, remote_addr),
	COL(8, INT, struct fm_peer, active_time), COL(9, INT, struct fm_peer, active_tunnel),
};

static const struct fm_col ike_tun_cols[] = {
	COL(2, INT, struct fm_ike_tun, p.local_type), COL(3, STR, struct fm_ike_tun, p.local_value),
	COL(4, ADDR, struct fm_ike_tun, p.local_addr), COL(5, STR, struct fm_ike_tun, p.local_name),
	COL(6, INT, struct fm_ike_tun, p.remote_type), COL(7, STR, struct fm_ike_tun, p.remote_value),
	COL(8, ADDR, struct fm_ike_tun, p.remote_addr), COL(9, STR, struct fm_ike_tun, p.remote_name),
	COL(10, INT, struct fm_ike_tun, p.nego_mode), COL(11, INT, struct fm_ike_tun, p.dh),
	COL(12, INT, struct fm_ike_tun, p.encr), COL(13, INT, struct fm_ike_tun, p.hash),
	COL(14, INT, struct fm_ike_tun, p.auth), COL(15, INT, struct fm_ike_tun, p.lifetime),
	COL(16, INT, struct fm_ike_tun, p.active_time),
	COL(17, INT, struct fm_ike_tun, p.refresh_threshold),
	COL(18, C32, struct fm_ike_tun, p.total_refreshes),
	P1COLS(struct fm_ike_tun, 19),
	COL(35, INT, struct fm_ike_tun, status),
};

static const struct fm_col peer_corr_cols[] = {
	COL(7, INT, struct fm_peer_corr, ipsec_tun),
};

static const struct fm_col ipsec_tun_cols[] = {
	COL(2, INT, struct fm_ipsec_tun, p.ike_index), COL(3, INT, struct fm_ipsec_tun, p.ike_alive),
	COL(4, ADDR, struct fm_ipsec_tun, p.local_addr), COL(5, ADDR, struct fm_ipsec_tun, p.remote_addr),
	COL(6, INT, struct fm_ipsec_tun, p.key_type), COL(7, INT, struct fm_ipsec_tun, p.encap_mode),
	COL(8, INT, struct fm_ipsec_tun, p.life_kb), COL(9, INT, struct fm_ipsec_tun, p.life_sec),
	COL(10, INT, struct fm_ipsec_tun, p.active_time), COL(11, INT, struct fm_ipsec_tun, p.rekey_kb),
	COL(12, INT, struct fm_ipsec_tun, p.rekey_sec), COL(13, C32, struct fm_ipsec_tun, p.refreshes),
	COL(14, C32, struct fm_ipsec_tun, p.expired_sas),
	COL(15, GAUGE, struct fm_ipsec_tun, p.current_sas),
	P2ALGS(struct fm_ipsec_tun, 16),
	P2COUNTERS(struct fm_ipsec_tun, 26),
	COL(51, INT, struct fm_ipsec_tun, status),
};

static const struct fm_col endpt_cols[] = {
	EPCOLS(struct fm_endpt, 2),
};

static const struct fm_col spi_cols[] = {
	COL(2, INT, struct fm_spi, dir), COL(3, UNS, struct fm_spi, value),
	COL(4, INT, struct fm_spi, proto), COL(5, INT, struct fm_spi, status),
};

static const struct fm_col ike_hist_cols[] = {
	COL(2, INT, struct fm_ike_hist, reason), COL(3, INT, struct fm_ike_hist, active_index),
	COL(4, INT, struct fm_ike_hist, p.local_type), COL(5, STR, struct fm_ike_hist, p.local_value),
	COL(6, INT, struct fm_ike_hist, p.peer_index), COL(7, INT, struct fm_ike_hist, p.remote_type),
	COL(8, STR, struct fm_ike_hist, p.remote_value), COL(9, ADDR, struct fm_ike_hist, p.local_addr),
	COL(10, STR, struct fm_ike_hist, p.local_name), COL(11, ADDR, struct fm_ike_hist, p.remote_addr),
	COL(12, STR, struct fm_ike_hist, p.remote_name), COL(13, INT, struct fm_ike_hist, p.nego_mode),
	COL(14, INT, struct fm_ike_hist, p.dh), COL(15, INT, struct fm_ike_hist, p.encr),
	COL(16, INT, struct fm_ike_hist, p.hash), COL(17, INT, struct fm_ike_hist, p.auth),
	COL(18, INT, struct fm_ike_hist, p.lifetime), COL(19, TICKS, struct fm_ike_hist, start_time),
	COL(20, INT, struct fm_ike_hist, p.active_time),
	COL(21, C32, struct fm_ike_hist, p.total_refreshes),
	COL(22, C32, struct fm_ike_hist, total_sas),
	P1COLS(struct fm_ike_hist, 23),
};

static const struct fm_col ipsec_hist_cols[] = {
	COL(2, INT, struct fm_ipsec_hist, reason), COL(3, INT, struct fm_ipsec_hist, active_index),
	COL(4, INT, struct fm_ipsec_hist, p.ike_index),
	COL(5, ADDR, struct fm_ipsec_hist, p.local_addr), COL(6, ADDR, struct fm_ipsec_hist, p.remote_addr),
	COL(7, INT, struct fm_ipsec_hist, p.key_type), COL(8, INT, struct fm_ipsec_hist, p.encap_mode),
	COL(9, INT, struct fm_ipsec_hist, p.life_kb), COL(10, INT, struct fm_ipsec_hist, p.life_sec),
	COL(11, TICKS, struct fm_ipsec_hist, start_time),
	COL(12, INT, struct fm_ipsec_hist, p.active_time),
	COL(13, C32, struct fm_ipsec_hist, p.refreshes), COL(14, C32, struct fm_ipsec_hist, total_sas),
	P2ALGS(struct fm_ipsec_hist, 15),
	P2COUNTERS(struct fm_ipsec_hist, 25),
};

static const struct fm_col endpt_hist_cols[] = {
	COL(2, INT, struct fm_endpt_hist, tun_hist_index),
	COL(3, INT, struct fm_endpt_hist, active_index),
	EPCOLS(struct fm_endpt_hist, 4),
};

static const struct fm_col ike_fail_cols[] = {
	COL(2, INT, struct fm_ike_fail, reason), COL(3, TICKS, struct fm_ike_fail, time),
	COL(4, INT, struct fm_ike_fail, local_type), COL(5, STR, struct fm_ike_fail, local_value),
	COL(6, INT, struct fm_ike_fail, remote_type), COL(7, STR, struct fm_ike_fail, remote_value),
	COL(8, ADDR, struct fm_ike_fail, local_addr), COL(9, ADDR, struct fm_ike_fail, remote_addr),
};

static const struct fm_col ipsec_fail_cols[] = {
	COL(2, INT, struct fm_ipsec_fail, reason), COL(3, TICKS, struct fm_ipsec_fail, time),
	COL(4, INT, struct fm_ipsec_fail, tunnel), COL(5, INT, struct fm_ipsec_fail, spi),
	COL(6, ADDR, struct fm_ipsec_fail, src), COL(7, ADDR, struct fm_ipsec_fail, dst),
};

#define G(n, k, field)	{ (n), FM_##k, offsetof(struct fm_globals, field) }

const struct fm_scalar fm_ike_global_scalars[FM_IKE_GLOBAL_N] = {
	G(1, GAUGE, ike_active), G(2, C32, ike.previous_tunnels),
	G(3, C32, ike.c.in_octets), G(4, C32, ike.c.in_pkts), G(5, C32, ike.c.in_drops),
	G(6, C32, ike.c.in_notifys), G(7, C32, ike.c.in_p2_exchg),
	G(8, C32, ike.c.in_p2_exchg_invalid), G(9, C32, ike.c.in_p2_exchg_reject),
	G(10, C32, ike.c.in_p2_sa_del), G(11, C32, ike.c.out_octets), G(12, C32, ike.c.out_pkts),
	G(13, C32, ike.c.out_drops), G(14, C32, ike.c.out_notifys), G(15, C32, ike.c.out_p2_exchg),
	G(16, C32, ike.c.out_p2_exchg_invalid), G(17, C32, ike.c.out_p2_exchg_reject),
	G(18, C32, ike.c.out_p2_sa_del), G(19, C32, ike.init_tunnels),
	G(20, C32, ike.init_tunnel_fails), G(21, C32, ike.resp_tunnel_fails),
	G(22, C32, ike.syscap_fails), G(23, C32, ike.auth_fails), G(24, C32, ike.decrypt_fails),
	G(25, C32, ike.hash_fails), G(26, C32, ike.nosa_fails),
};

const struct fm_scalar fm_ipsec_global_scalars[FM_IPSEC_GLOBAL_N] = {
	G(1, GAUGE, ipsec_active), G(2, C32, ipsec.previous_tunnels),
	G(3, C32, ipsec.c.in.octets), G(4, C64, ipsec.c.in.octets), G(5, WRAP, ipsec.c.in.octets),
	G(6, C32, ipsec.c.in.octets), G(7, C64, ipsec.c.in.octets), G(8, WRAP, ipsec.c.in.octets),
	G(9, C32, ipsec.c.in.packets), G(10, C32, ipsec.in_drops),
	G(11, C32, ipsec.in_replay_drops), G(12, C32, in_auths),
	G(13, C32, ipsec.in_auth_fails), G(14, C32, in_decrypts),
	G(15, C32, ipsec.in_decrypt_fails),
	G(16, C32, ipsec.c.out.octets), G(17, C64, ipsec.c.out.octets), G(18, WRAP, ipsec.c.out.octets),
	G(19, C32, ipsec.c.out.octets), G(20, C64, ipsec.c.out.octets), G(21, WRAP, ipsec.c.out.octets),
	G(22, C32, ipsec.c.out.packets), G(23, C32, ipsec.out_drops), G(24, C32, out_auths),
	G(25, C32, ipsec.c.out.auth_fails), G(26, C32, out_encrypts),
	G(27, C32, zero),		/* the kernel counts no encrypt failures */
	G(28, C32, ipsec.protocol_use_fails), G(29, C32, ipsec.nosa_fails),
	G(30, C32, ipsec.syscap_fails),
};

static const u_char idx_int[] = { ASN_INTEGER };
static const u_char idx_int2[] = { ASN_INTEGER, ASN_INTEGER };
static const u_char idx_peer[] = {
	ASN_INTEGER, ASN_OCTET_STR, ASN_INTEGER, ASN_OCTET_STR, ASN_INTEGER
};
static const u_char idx_corr[] = {
	ASN_INTEGER, ASN_OCTET_STR, ASN_INTEGER, ASN_OCTET_STR, ASN_INTEGER, ASN_INTEGER
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define TABLE(nm, cl, idx, type, n, ...) { \
	.name = nm, .entry = { FM_ROOT, __VA_ARGS__ }, .entry_len = FM_ROOT_LEN + (n), \
	.cols = cl, .ncols = NELEM(cl), .idx_types = idx, .nidx = NELEM(idx), \
	.row_size = sizeof(type) }

struct fm_table fm_tables[FM_T_COUNT] = {
	[FM_T_PEER] = TABLE("cikePeerTable", peer_cols, idx_peer, struct fm_peer,
	    4, 1, 2, 2, 1),
	[FM_T_IKE_TUN] = TABLE("cikeTunnelTable", ike_tun_cols, idx_int, struct fm_ike_tun,
	    4, 1, 2, 3, 1),
	[FM_T_PEER_CORR] = TABLE("cikePeerCorrTable", peer_corr_cols, idx_corr,
	    struct fm_peer_corr, 4, 1, 2, 4, 1),
	[FM_T_IPSEC_TUN] = TABLE("cipSecTunnelTable", ipsec_tun_cols, idx_int,
	    struct fm_ipsec_tun, 4, 1, 3, 2, 1),
	[FM_T_ENDPT] = TABLE("cipSecEndPtTable", endpt_cols, idx_int2, struct fm_endpt,
	    4, 1, 3, 3, 1),
	[FM_T_SPI] = TABLE("cipSecSpiTable", spi_cols, idx_int2, struct fm_spi,
	    4, 1, 3, 4, 1),
	[FM_T_IKE_HIST] = TABLE("cikeTunnelHistTable", ike_hist_cols, idx_int,
	    struct fm_ike_hist, 5, 1, 4, 2, 1, 1),
	[FM_T_IPSEC_HIST] = TABLE("cipSecTunnelHistTable", ipsec_hist_cols, idx_int,
	    struct fm_ipsec_hist, 5, 1, 4, 3, 1, 1),
	[FM_T_ENDPT_HIST] = TABLE("cipSecEndPtHistTable", endpt_hist_cols, idx_int,
	    struct fm_endpt_hist, 5, 1, 4, 3, 2, 1),
	[FM_T_IKE_FAIL] = TABLE("cikeFailTable", ike_fail_cols, idx_int, struct fm_ike_fail,
	    5, 1, 5, 2, 1, 1),
	[FM_T_IPSEC_FAIL] = TABLE("cipSecFailTable", ipsec_fail_cols, idx_int,
	    struct fm_ipsec_fail, 5, 1, 5, 3, 1, 1),
};

/* ---- value mappings ---- */

/* The MIB's algorithm enums predate AES, SHA-2 and the larger groups. An
 * algorithm the enum cannot name is reported as none(1), except that the
 * SHA-2 HMACs count as the SHA family (doc/flowmib-mapping.md). */
uint64_t
fm_encr_algo(const struct st_algs *a)
{
	switch (a->encr) {
	case 1: case 2:		/* ENCR_DES_IV64, ENCR_DES */
		return 2;
	case 3:			/* ENCR_3DES */
		return 3;
	default:
		return 1;
	}
}

uint64_t
fm_ike_hash_algo(unsigned integ)
{
	switch (integ) {
	case 1:			/* AUTH_HMAC_MD5_96 */
		return 2;
	case 2: case 12: case 13: case 14:
		return 3;
	default:
		return 1;
	}
}

uint64_t
fm_auth_algo(unsigned integ)
{
	switch (integ) {
	case 1:
		return 2;	/* hmacMd5 */
	case 2: case 12: case 13: case 14:
		return 3;	/* hmacSha */
	default:
		return 1;
	}
}

uint64_t
fm_dh_group(unsigned dh)
{
	switch (dh) {
	case 1:			/* MODP_768 = Oakley group 1 */
		return 2;
	case 2:			/* MODP_1024 = Oakley group 2 */
		return 3;
	default:
		return 1;
	}
}

static uint64_t
clamp_i32(uint64_t v)
{
	return v > 2147483647 ? 2147483647 : v;
}

/* One clock reading serves a whole table rebuild (10,000 rows must not
 * mean 10,000 clock reads); outside a rebuild it is read afresh. */
static uint64_t fm_build_now;

uint64_t
fm_hundredths(uint64_t start_mono)
{
	uint64_t now = fm_build_now ? fm_build_now : st_now_ms();

	if (start_mono == 0 || now < start_mono)
		return 0;
	return clamp_i32((now - start_mono) / 10);
}

uint64_t
fm_timestamp(uint64_t mono)
{
	if (mono < fm_start_ms)
		return 0;
	return (mono - fm_start_ms) / 10 & 0xffffffff;
}

/* A record's time (both clocks) as TimeTicks since fm_init. Records kept
 * from an earlier run carry monotonic times of another boot: their wall time
 * says whether they are older than this agent (then 0). */
static uint64_t
fm_timestamp_rec(uint64_t mono, time_t wall)
{
	if (wall != 0 && wall < fm_start_wall)
		return 0;
	if (mono >= fm_start_ms)
		return fm_timestamp(mono);
	return wall > fm_start_wall ? (uint64_t)(wall - fm_start_wall) * 100 & 0xffffffff : 0;
}

uint64_t
fm_ike_id(enum st_id_type t, const char *id, const struct ifl_addr *addr, char *val,
    size_t len)
{
	if (id != NULL && id[0] != '\0') {
		snprintf(val, len, "%s", id);
		return t == ST_ID_NAME ? 2 : 1;
	}
	if (addr_len(addr) == 0)
		snprintf(val, len, "0.0.0.0");
	else
		addr_str(addr, val, len);
	return 1;
}

size_t
fm_peer_index(oid *dst, size_t max, uint64_t ltype, const char *lval, uint64_t rtype,
    const char *rval, uint64_t intidx)
{
	size_t ll = strlen(lval), rl = strlen(rval), n = 0;

	if (ll + rl + 5 > max)
		return 0;
	dst[n++] = ltype;
	dst[n++] = ll;
	for (size_t i = 0; i < ll; i++)
		dst[n++] = (u_char)lval[i];
	dst[n++] = rtype;
	dst[n++] = rl;
	for (size_t i = 0; i < rl; i++)
		dst[n++] = (u_char)rval[i];
	dst[n++] = intidx;
	return n;
}

static void
word(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s != NULL ? s : "");
}

static const char *
esp_auth_word(unsigned integ)
{
	switch (integ) {
	case 0:		return "None";
	case 1:		return "ESP_HMAC_MD5";
	case 2:		return "ESP_HMAC_SHA";
	case 12:	return "ESP_HMAC_SHA256";
	case 13:	return "ESP_HMAC_SHA384";
	case 14:	return "ESP_HMAC_SHA512";
	default:	return "Unknown";
	}
}

/* ---- row building ---- */

struct growing {
	struct fm_table	*t;
	void		*rows;
	size_t		n, cap;
};

static void *
grow(struct growing *g)
{
	void *row;

	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		void *p = realloc(g->rows, cap * g->t->row_size);

		if (p == NULL)
			return NULL;
		g->rows = p;
		g->cap = cap;
	}
	row = (char *)g->rows + g->n * g->t->row_size;
	memset(row, 0, g->t->row_size);
	g->n++;
	return row;
}

static void
row_index1(struct fm_row *h, uint32_t a)
{
	h->ox[0] = a;
	h->nx.oids = h->ox;
	h->nx.len = 1;
}

static void
row_index2(struct fm_row *h, uint32_t a, uint32_t b)
{
	h->ox[0] = a;
	h->ox[1] = b;
	h->nx.oids = h->ox;
	h->nx.len = 2;
}

/* Rows move while their array grows: point the inline indexes at themselves
 * again (the peer tables' indexes live in the arena and do not move). */
static void
fixup_inline(struct growing *g)
{
	for (size_t i = 0; i < g->n; i++) {
		struct fm_row *h = (struct fm_row *)((char *)g->rows + i * g->t->row_size);

		if (h->nx.len <= 2)
			h->nx.oids = h->ox;
	}
}

static int
row_cmp(const void *a, const void *b)
{
	const struct fm_row *x = a, *y = b;

	return snmp_oid_compare(x->nx.oids, x->nx.len, y->nx.oids, y->nx.len);
}

static char *
astr(struct fm_chunk **a, const char *s)
{
	char *p = arena_str(a, s != NULL ? s : "");

	return p != NULL ? p : (char *)"";
}

static void
fill_p1(struct fm_chunk **a, const struct st_ike *ike, uint64_t active_cs, struct fm_p1 *p)
{
	char val[ST_ID_MAX];

	p->local_type = fm_ike_id(ike->local_id_type, ike->local_id, &ike->local, val,
	    sizeof(val));
	p->local_value = astr(a, val);
	p->remote_type = fm_ike_id(ike->remote_id_type, ike->remote_id, &ike->remote, val,
	    sizeof(val));
	p->remote_value = astr(a, val);
	p->local_name = p->remote_name = astr(a, "");
	p->local_addr = ike->local;
	p->remote_addr = ike->remote;
	/* main(1): IKEv1 Main Mode, and IKEv2, which has no aggressive mode */
	p->nego_mode = ike->aggressive ? 2 : 1;
	p->dh = fm_dh_group(ike->algs.dh);
	p->encr = fm_encr_algo(&ike->algs);
	p->hash = fm_ike_hash_algo(ike->algs.integ ? ike->algs.integ : ike->algs.prf);
	p->auth = ike->auth_method >= 1 && ike->auth_method <= 5 ? (uint64_t)ike->auth_method : 1;
	p->lifetime = clamp_i32(ike->lifetime ? ike->lifetime : 2147483647);
	p->active_time = active_cs;
	p->refresh_threshold = clamp_i32(ike->rekey_after ? ike->rekey_after : p->lifetime);
	p->total_refreshes = ike->refreshes;
	p->peer_index = ike->peer_index ? ike->peer_index : 1;
	p->c = ike->c;
	p->dh_group = ike->algs.dh;
	word(p->encr_word, sizeof(p->encr_word), st_cisco_isakmp_encr(&ike->algs));
	word(p->hash_word, sizeof(p->hash_word),
	    st_cisco_isakmp_hash(ike->algs.integ ? ike->algs.integ : ike->algs.prf));
}

/* The columns that follow the kernel's counters (fm_refresh_counters). */
static void
fill_p2_counters(const struct st_child *ch, const struct st_child_counters *t,
    struct fm_p2 *p)
{
	int aead = st_encr_is_aead(ch->algs.encr);
	int authed = aead || ch->algs.integ != 0;
	int encrypted = ch->algs.encr != 11;	/* ENCR_NULL */

	p->in_octets = t->in.octets;
	p->in_pkts = t->in.packets;
	p->in_replay = t->in.replay_drops;
	p->in_auth_fails = t->in.auth_fails;
	p->in_drops = t->in.replay_drops + t->in.auth_fails;
	p->in_auths = authed ? t->in.packets : 0;
	p->in_decrypts = encrypted ? t->in.packets : 0;
	p->in_decrypt_fails = aead ? t->in.auth_fails : 0;
	p->out_octets = t->out.octets;
	p->out_pkts = t->out.packets;
	p->out_drops = t->out.replay_drops + t->out.auth_fails;
	p->out_auths = authed ? t->out.packets : 0;
	p->out_auth_fails = t->out.auth_fails;
	p->out_encrypts = encrypted ? t->out.packets : 0;
	p->out_encrypt_fails = 0;
}

static void
fill_p2(const struct st_child *ch, const struct st_child_counters *t, uint64_t active_cs,
    struct fm_p2 *p)
{
	const struct st_ike *ike = st_ike_find(ch->ike_index);
	int aead = st_encr_is_aead(ch->algs.encr);
	const char *e;

	p->ike_index = ch->ike_index;
	p->ike_alive = ike != NULL && ike->start_mono != 0 && ike->state != ST_IKE_DELETING ? 1 : 2;
	p->local_addr = ch->local;
	p->remote_addr = ch->remote;
	p->key_type = 1;
	p->encap_mode = ch->transport ? 2 : 1;
	p->life_kb = clamp_i32(ch->life_kb ? ch->life_kb : 2147483647);
	p->life_sec = clamp_i32(ch->life_sec ? ch->life_sec : 2147483647);
	p->active_time = active_cs;
	p->rekey_kb = clamp_i32(ch->rekey_kb ? ch->rekey_kb : p->life_kb);
	p->rekey_sec = clamp_i32(ch->rekey_sec ? ch->rekey_sec : p->life_sec);
	p->refreshes = ch->refreshes;
	p->expired_sas = ch->expired_sas;
	p->current_sas = (uint64_t)ch->nsa;
	p->dh = fm_dh_group(ch->algs.dh);
	p->encr = fm_encr_algo(&ch->algs);
	p->ah_auth = 1;
	p->esp_auth = aead ? 1 : fm_auth_algo(ch->algs.integ);
	p->comp = 1;
	fill_p2_counters(ch, t, p);
	p->dh_group = ch->algs.dh;
	e = st_cisco_esp_encr(&ch->algs);
	if (e != NULL && strncmp(e, "esp-", 4) == 0)
		e += 4;
	word(p->encr_word, sizeof(p->encr_word), e);
	word(p->auth_word, sizeof(p->auth_word), aead ? "None" : esp_auth_word(ch->algs.integ));
}

static uint64_t
ep_type(const struct ifl_subnet *n)
{
	return n->plen == addr_len(&n->addr) * 8 ? 1 : 3;	/* singleIpAddr, ipSubnet */
}

static void
fill_ep_side(const struct st_ts *ts, uint64_t *type, struct ifl_addr *a1,
    struct ifl_addr *a2, uint64_t *proto, uint64_t *port)
{
	*type = ep_type(&ts->net);
	*a1 = ts->net.addr;
	if (*type == 3)
		subnet_mask(&ts->net, a2);
	else
		*a2 = ts->net.addr;
	*proto = ts->proto;
	*port = ts->port;
}

/* Endpoint k of a child: the pairs of its local and remote selectors. With
 * none recorded, the tunnel's own addresses stand in. */
static int
ep_count(const struct st_child *ch)
{
	if (ch->nts_local <= 0 || ch->nts_remote <= 0)
		return 1;
	return ch->nts_local * ch->nts_remote;
}

static void
fill_ep(struct fm_chunk **a, const struct st_child *ch, int k, struct fm_ep *e)
{
	struct st_ts l = { 0 }, r = { 0 };

	if (ch->nts_local <= 0 || ch->nts_remote <= 0) {
		l.net.addr = ch->local;
		l.net.plen = addr_len(&ch->local) * 8;
		r.net.addr = ch->remote;
		r.net.plen = addr_len(&ch->remote) * 8;
	} else {
		l = ch->ts_local[k / ch->nts_remote];
		r = ch->ts_remote[k % ch->nts_remote];
	}
	e->local_name = e->remote_name = astr(a, "");
	fill_ep_side(&l, &e->local_type, &e->local1, &e->local2, &e->local_proto,
	    &e->local_port);
	fill_ep_side(&r, &e->remote_type, &e->remote1, &e->remote2, &e->remote_proto,
	    &e->remote_port);
}

static uint64_t
spi_proto(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_AH:	return 1;
	case IPPROTO_COMP:	return 3;
	default:		return 2;
	}
}

/* A child is a phase-2 tunnel once it has an SA each way, and is listed only
 * while its IKE SA is (cipSecTunIkeTunnelIndex must name a row). */
static int
child_up(const struct st_child *ch)
{
	const struct st_ike *ike = st_ike_find(ch->ike_index);

	/* keyed by another daemon (monitor mode), a tunnel has no IKE SA here */
	return ((ike != NULL && ike->start_mono != 0) ||
	    (ch->ike_index == 0 && st_keyed_by() != NULL)) &&
	    st_child_current_sa(ch, ST_SA_IN) != NULL &&
	    st_child_current_sa(ch, ST_SA_OUT) != NULL;
}

/* ---- the build, whole or in steps ---- */

/* The walks of a build, in order: the IKE SAs (then the peers, sorted and
 * one per association), the children (then the correlation rows, sorted),
 * the history and failure records. Each walk resumes after the index it
 * reached, so a build split across loop turns holds no pointer into the
 * state model between them, and rows that went meanwhile are just not
 * met. */
enum fm_phase {
	FB_IKE, FB_CHILD, FB_IKE_HIST, FB_IPSEC_HIST, FB_IKE_FAIL, FB_IPSEC_FAIL,
	FB_VERIFY, FB_KEYS, FB_DONE
};

struct fm_build {
	struct growing	 g[FM_T_COUNT];
	struct fm_chunk	*arena;
	uint64_t	 now;		/* st_now_ms() at the start */
	uint64_t	 gen;		/* st_counters_generation() at the start */
	enum fm_phase	 phase;
	uint32_t	 after;		/* the last index the phase's walk took */
	int		 running;
	/* FB_VERIFY: the table and row compared next with the served keys;
	 * a table whose rows differ from its keys gets its keys made again */
	int		 vt;
	size_t		 vk;
	unsigned char	 differs[FM_T_COUNT];
	/* FB_KEYS: a table whose rows differ gets new keys in a container of
	 * its own, filled key by key (kt, kk: the next), which the install
	 * swaps in whole (keys_swap) */
	int		 kt;
	size_t		 kk;
	unsigned char	 fixed[FM_T_COUNT];	/* fixup_inline done */
	netsnmp_container *nc[FM_T_COUNT];
	struct fm_key	*nkeys[FM_T_COUNT];
	uint64_t	 spent_us;	/* in its steps so far */
};

static struct fm_build fb_step;	/* the build in steps under way, if running */

/* A new row of table t with the one index idx; NULL when out of memory. */
static void *
grow_row1(struct fm_build *b, enum fm_table_id t, uint32_t idx)
{
	struct fm_row *h = grow(&b->g[t]);

	if (h != NULL)
		row_index1(h, idx);
	return h;
}

static int
add_ike(struct fm_build *b, const struct st_ike *ike)
{
	struct growing *peer = &b->g[FM_T_PEER];
	struct fm_ike_tun *r;
	struct fm_peer *p;
	uint64_t cs = fm_hundredths(ike->start_mono);
	oid key[FM_IDX_MAX];
	size_t klen;

	if (ike->start_mono == 0)
		return 0;
	if ((r = grow_row1(b, FM_T_IKE_TUN, ike->index)) == NULL)
		return -1;
	r->index = ike->index;
	fill_p1(&b->arena, ike, cs, &r->p);
	r->status = 1;

	klen = fm_peer_index(key, FM_IDX_MAX, r->p.local_type, r->p.local_value,
	    r->p.remote_type, r->p.remote_value, r->p.peer_index);
	if (klen == 0)
		return 0;	/* IDs too long for an instance OID */
	if ((p = grow(peer)) == NULL || (p->h.nx.oids = arena_alloc(&b->arena,
	    klen * sizeof(oid))) == NULL)
		return -1;
	memcpy(p->h.nx.oids, key, klen * sizeof(oid));
	p->h.nx.len = klen;
	p->local_addr = ike->local;
	p->remote_addr = ike->remote;
	p->active_time = cs;
	p->active_tunnel = ike->index;
	p->local_type = r->p.local_type;
	p->remote_type = r->p.remote_type;
	p->local_value = r->p.local_value;
	p->remote_value = r->p.remote_value;
	p->int_index = r->p.peer_index;
	return 0;
}

/* One row per peer association: the newest IKE SA of it is the active one. */
static void
peers_merge(struct growing *peer)
{
	size_t w = 0;

	if (peer->n < 2)
		return;
	qsort(peer->rows, peer->n, peer->t->row_size, row_cmp);
	for (size_t i = 1; i < peer->n; i++) {
		struct fm_peer *pw = (struct fm_peer *)((char *)peer->rows + w * sizeof(*pw));
		struct fm_peer *pi = (struct fm_peer *)((char *)peer->rows + i * sizeof(*pi));

		if (row_cmp(pw, pi) == 0) {
			if (pi->active_tunnel > pw->active_tunnel)
				*pw = *pi;
		} else if (++w != i)
			memcpy((char *)peer->rows + w * sizeof(*pw), pi, sizeof(*pi));
	}
	peer->n = w + 1;
}

static int
add_child(struct fm_build *b, const struct st_child *ch)
{
	struct growing *g = b->g, *peer = &g[FM_T_PEER], *corr = &g[FM_T_PEER_CORR];
	struct st_child_counters t;
	struct fm_ipsec_tun *r;
	const struct fm_ike_tun *it;
	struct fm_peer *p;
	struct fm_peer_corr *c;
	oid ik = ch->ike_index, key[FM_IDX_MAX];
	size_t klen;

	if (!child_up(ch))
		return 0;
	st_child_totals(ch, &t);
	if ((r = grow_row1(b, FM_T_IPSEC_TUN, ch->index)) == NULL)
		return -1;
	r->index = ch->index;
	fill_p2(ch, &t, fm_hundredths(ch->start_mono), &r->p);
	r->status = 1;
	r->cgen = b->gen;

	for (int k = 0, n = ep_count(ch); k < n; k++) {
		struct fm_endpt *e = grow(&g[FM_T_ENDPT]);

		if (e == NULL)
			return -1;
		row_index2(&e->h, ch->index, k + 1);
		fill_ep(&b->arena, ch, k, &e->e);
	}
	for (int k = 0; k < ch->nsa; k++) {
		struct fm_spi *s = grow(&g[FM_T_SPI]);

		if (s == NULL)
			return -1;
		row_index2(&s->h, ch->index, k + 1);
		s->dir = ch->sa[k].dir;
		s->value = ch->sa[k].spi;
		s->proto = spi_proto(ch->sa[k].proto);
		s->status = ch->sa[k].expiring ? 2 : 1;
	}

	/* The peer association of the child's IKE SA */
	it = fm_find(&(struct fm_table){ .rows = g[FM_T_IKE_TUN].rows,
	    .nrows = g[FM_T_IKE_TUN].n, .row_size = sizeof(struct fm_ike_tun) }, &ik, 1);
	if (it == NULL)
		return 0;
	klen = fm_peer_index(key, FM_IDX_MAX - 1, it->p.local_type, it->p.local_value,
	    it->p.remote_type, it->p.remote_value, it->p.peer_index);
	if (klen == 0)
		return 0;
	p = fm_find(&(struct fm_table){ .rows = peer->rows, .nrows = peer->n,
	    .row_size = sizeof(struct fm_peer) }, key, klen);
	if (p == NULL)
		return 0;
	if ((c = grow(corr)) == NULL || (c->h.nx.oids = arena_alloc(&b->arena,
	    (klen + 1) * sizeof(oid))) == NULL)
		return -1;
	memcpy(c->h.nx.oids, key, klen * sizeof(oid));
	c->h.nx.oids[klen] = ++p->nseq;
	c->h.nx.len = klen + 1;
	c->ipsec_tun = ch->index;
	return 0;
}

static int
add_ike_hist(struct fm_build *b, const struct st_ike_hist *h)
{
	struct fm_ike_hist *r = grow_row1(b, FM_T_IKE_HIST, h->index);

	if (r == NULL)
		return -1;
	r->index = h->index;
	r->reason = h->reason;
	r->active_index = h->ike.index;
	r->start_time = fm_timestamp_rec(h->ike.start_mono, h->ike.start_wall);
	r->total_sas = h->ike.total_sas;
	fill_p1(&b->arena, &h->ike, clamp_i32(h->active_ms / 10), &r->p);
	return 0;
}

static int
add_ipsec_hist(struct fm_build *b, const struct st_child_hist *h)
{
	struct fm_ipsec_hist *r = grow_row1(b, FM_T_IPSEC_HIST, h->index);
	const struct st_child *ch = &h->child;
	struct st_child_counters t = ch->retired;

	if (r == NULL)
		return -1;
	r->index = h->index;
	r->reason = h->reason;
	r->active_index = ch->index;
	r->start_time = fm_timestamp_rec(ch->start_mono, ch->start_wall);
	r->total_sas = ch->expired_sas + (uint64_t)ch->nsa;
	fill_p2(ch, &t, clamp_i32(h->active_ms / 10), &r->p);
	r->p.ike_alive = 2;
	for (int k = 0, n = ep_count(ch); k < n; k++) {
		struct fm_endpt_hist *e = grow(&b->g[FM_T_ENDPT_HIST]);

		if (e == NULL)
			return -1;
		/* Stable across trims: a block of endpoint numbers per record. */
		row_index1(&e->h, (h->index - 1) * ST_MAX_TS * ST_MAX_TS + k + 1);
		e->tun_hist_index = h->index;
		e->active_index = k + 1;
		fill_ep(&b->arena, ch, k, &e->e);
	}
	return 0;
}

static int
add_ike_fail(struct fm_build *b, const struct st_ike_failrec *f)
{
	struct fm_ike_fail *r = grow_row1(b, FM_T_IKE_FAIL, f->index);
	char val[ST_ID_MAX];

	if (r == NULL)
		return -1;
	r->index = f->index;
	r->reason = f->reason;
	r->time = fm_timestamp_rec(f->when_mono, f->when);
	r->time_sec = r->time / 100;
	r->local_type = fm_ike_id(f->local_id_type, f->local_id, &f->local, val, sizeof(val));
	r->local_value = astr(&b->arena, val);
	r->remote_type = fm_ike_id(f->remote_id_type, f->remote_id, &f->remote, val,
	    sizeof(val));
	r->remote_value = astr(&b->arena, val);
	r->local_addr = f->local;
	r->remote_addr = f->remote;
	return 0;
}

static int
add_ipsec_fail(struct fm_build *b, const struct st_ipsec_failrec *f)
{
	struct fm_ipsec_fail *r = grow_row1(b, FM_T_IPSEC_FAIL, f->index);

	if (r == NULL)
		return -1;
	r->index = f->index;
	r->reason = f->reason;
	r->time = fm_timestamp_rec(f->when_mono, f->when);
	r->time_sec = r->time / 100;
	r->tunnel = f->tunnel_index;
	r->spi = f->spi & 0x7fffffff;	/* Integer32 (0..2147483647) */
	r->src = f->src;
	r->dst = f->dst;
	return 0;
}

/* The end of a walk: what the phase finishes, then the next walk. */
static void
phase_end(struct fm_build *b)
{
	switch (b->phase) {
	case FB_IKE:
		/* the children look their IKE SA's row up: in place from now on */
		fixup_inline(&b->g[FM_T_IKE_TUN]);
		peers_merge(&b->g[FM_T_PEER]);
		break;
	case FB_CHILD:
		if (b->g[FM_T_PEER_CORR].n > 1)
			qsort(b->g[FM_T_PEER_CORR].rows, b->g[FM_T_PEER_CORR].n,
			    sizeof(struct fm_peer_corr), row_cmp);
		break;
	default:
		break;
	}
	b->phase++;
	b->after = 0;
}

/* A new row's index, wherever the row is now (fixup_inline) */
static const oid *
row_oids(int table, const struct fm_row *h)
{
	if (table != FM_T_PEER && table != FM_T_PEER_CORR && h->nx.len <= 2)
		return h->ox;
	return h->nx.oids;
}

/* One new row compared with the served key at its position (FB_VERIFY):
 * when no row of a table differs (no row came or went: the common
 * refresh), the install points the keys at the new rows where they are
 * (keys_follow) and the container stays sorted as it is. Inserting
 * 10,000 keys again costs the installing turn a sort of each table;
 * comparing them is spread over the build's steps. */
static int
verify_one(struct fm_build *b)
{
	while (b->vt < FM_T_COUNT) {
		const struct fm_table *t = &fm_tables[b->vt];
		const struct growing *g = &b->g[b->vt];
		const struct fm_row *h;

		if (t->c == NULL || t->keys == NULL || t->nrows != g->n)
			b->differs[b->vt] = 1;
		if (b->differs[b->vt] || b->vk >= g->n) {
			b->vt++;
			b->vk = 0;
			continue;
		}
		h = (const struct fm_row *)((const char *)g->rows + b->vk * t->row_size);
		if (snmp_oid_compare(t->keys[b->vk].nx.oids, t->keys[b->vk].nx.len,
		    row_oids(b->vt, h), h->nx.len) != 0)
			b->differs[b->vt] = 1;
		b->vk++;
		return 0;
	}
	phase_end(b);
	return 0;
}

/* One step of FB_KEYS: a table's inline indexes pointed at the rows where
 * they now are (the arrays grow no more), or one key of a table whose rows
 * differ inserted into its new container. Inserting 10,000 keys (a
 * Net-SNMP binary search and OID compares each) held one turn for tens of
 * milliseconds in a slow guest when the install did it; here it is spread
 * over the build's steps like the rows. A table whose container cannot be
 * made is left to the install (the old way, in one turn). */
static int
keys_one(struct fm_build *b)
{
	while (b->kt < FM_T_COUNT) {
		struct fm_table *t = &fm_tables[b->kt];
		struct growing *g = &b->g[b->kt];
		struct fm_row *h;

		if (!b->fixed[b->kt]) {
			if (b->kt != FM_T_PEER && b->kt != FM_T_PEER_CORR)
				fixup_inline(g);
			b->fixed[b->kt] = 1;
			return 0;
		}
		if (!b->differs[b->kt] || t->c == NULL || b->kk >= g->n) {
			b->kt++;
			b->kk = 0;
			continue;
		}
		if (b->nc[b->kt] == NULL) {
			/* of the served one's kind, compare functions and flags
			 * (a copy, emptied: the swap needs the same kind) */
			netsnmp_container *c = t->c->duplicate != NULL ?
			    CONTAINER_DUP(t->c, NULL, 0) : NULL;
			struct fm_key *k = calloc(g->n, sizeof(*k));

			if (c == NULL || k == NULL) {
				if (c != NULL)
					CONTAINER_FREE(c);
				free(k);
				b->kt++;
				b->kk = 0;
				continue;
			}
			CONTAINER_CLEAR(c, NULL, NULL);
			b->nc[b->kt] = c;
			b->nkeys[b->kt] = k;
		}
		h = (struct fm_row *)((char *)g->rows + b->kk * t->row_size);
		fm_key_set(&b->nkeys[b->kt][b->kk], h);
		if (CONTAINER_INSERT(b->nc[b->kt], &b->nkeys[b->kt][b->kk]) != 0) {
			/* a duplicate index cannot come from the state model */
			log_warnx("agent: %s: row %zu not indexed", t->name, b->kk);
		}
		b->kk++;
		return 0;
	}
	phase_end(b);
	return 0;
}

/* One row (or record) of the current walk, or the walk's end. Every
 * record starts with its index (state/rows.h). */
static int
build_one(struct fm_build *b)
{
	const void *rec;

	if (b->phase == FB_VERIFY)
		return verify_one(b);
	if (b->phase == FB_KEYS)
		return keys_one(b);
	switch (b->phase) {
	case FB_IKE:		rec = st_ike_next(b->after); break;
	case FB_CHILD:		rec = st_child_next(b->after); break;
	case FB_IKE_HIST:	rec = st_ike_hist_next(b->after); break;
	case FB_IPSEC_HIST:	rec = st_child_hist_next(b->after); break;
	case FB_IKE_FAIL:	rec = st_ike_fail_next(b->after); break;
	case FB_IPSEC_FAIL:	rec = st_ipsec_fail_next(b->after); break;
	default:		return 0;
	}
	if (rec == NULL) {
		phase_end(b);
		return 0;
	}
	b->after = rows_index(rec);
	switch (b->phase) {
	case FB_IKE:		return add_ike(b, rec);
	case FB_CHILD:		return add_child(b, rec);
	case FB_IKE_HIST:	return add_ike_hist(b, rec);
	case FB_IPSEC_HIST:	return add_ipsec_hist(b, rec);
	case FB_IKE_FAIL:	return add_ike_fail(b, rec);
	default:		return add_ipsec_fail(b, rec);
	}
}

/* Clock reads are not free: one per this many rows. */
#define FB_CHECK_EVERY	32

/* Builds until the end (1), until_us (CLOCK_MONOTONIC, 0: no limit) has
 * passed (0), or out of memory (-1). */
static int
build_run(struct fm_build *b, uint64_t until_us)
{
	unsigned n = 0;
	int r = 0;

	fm_build_now = b->now;
	while (r == 0 && b->phase != FB_DONE) {
		if (until_us != 0 && ++n % FB_CHECK_EVERY == 0 && loop_now_us() >= until_us)
			break;
		r = build_one(b);
	}
	fm_build_now = 0;
	return r < 0 ? -1 : b->phase == FB_DONE;
}

static void
build_globals(void)
{
	const struct fm_table *t = &fm_tables[FM_T_IPSEC_TUN];
	struct st_child_counters live;

	memset(&fm_g, 0, sizeof(fm_g));
	fm_g.ike_active = fm_tables[FM_T_IKE_TUN].nrows;
	fm_g.ike = *st_ike_global();
	fm_g.ipsec_active = t->nrows;
	st_ipsec_global(&fm_g.ipsec);
	/* Authentications and decryptions are per packet; the tunnels that
	 * ended count too, so start from the totals and take out what the live
	 * tunnels do not authenticate (none here: every ESP SA we install has
	 * integrity or AEAD). */
	fm_g.in_auths = fm_g.in_decrypts = fm_g.ipsec.c.in.packets;
	fm_g.out_auths = fm_g.out_encrypts = fm_g.ipsec.c.out.packets;
	/* The kernel-wide counters can lag the per-SA ones (no xfrm_stat):
	 * the live tunnels' are a floor (the state model's running sum, as
	 * the rows would add up after they followed the last fold). */
	st_ipsec_live(&live);
	if (fm_g.ipsec.in_replay_drops < live.in.replay_drops)
		fm_g.ipsec.in_replay_drops = live.in.replay_drops;
	if (fm_g.ipsec.in_drops < live.in.replay_drops + live.in.auth_fails)
		fm_g.ipsec.in_drops = live.in.replay_drops + live.in.auth_fails;
}

void
fm_key_set(struct fm_key *k, struct fm_row *h)
{
	k->row = h;
	k->nx.len = h->nx.len;
	if (h->nx.oids == h->ox) {
		memcpy(k->ox, h->ox, sizeof(k->ox));
		k->nx.oids = k->ox;
	} else
		k->nx.oids = h->nx.oids;	/* arena: compact already */
}

void *
fm_find(const struct fm_table *t, const oid *idx, size_t len)
{
	size_t lo = 0, hi = t->nrows;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		struct fm_row *r = fm_row_at(t, mid);
		int c = snmp_oid_compare(r->nx.oids, r->nx.len, idx, len);

		if (c == 0)
			return r;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct fm_col *
fm_col_find(const struct fm_table *t, unsigned col)
{
	if (col < sizeof(t->bycol) / sizeof(t->bycol[0]))
		return t->bycol[col];
	return NULL;
}

void
fm_init(void)
{
	fm_start_ms = st_now_ms();
	fm_start_wall = st_now_wall();
	for (int i = 0; i < FM_T_COUNT; i++) {
		struct fm_table *t = &fm_tables[i];

		t->min_col = t->cols[0].col;
		t->max_col = t->cols[t->ncols - 1].col;
		for (size_t k = 0; k < t->ncols; k++)
			t->bycol[t->cols[k].col] = &t->cols[k];
	}
}

/* Room for the rows of the tables served now and some more: a table that
 * grows by doubling copies all its rows in one step (megabytes at 10,000
 * tunnels), which would make that step as long as the whole build. */
static void
build_reserve(struct growing *g)
{
	size_t n = g->t->nrows, cap = n + n / 8 + 64;

	if (n == 0 || (g->rows = malloc(cap * g->t->row_size)) == NULL)
		return;		/* (grow() allocates as it goes) */
	g->cap = cap;
}

static void
build_begin(struct fm_build *b)
{
	memset(b, 0, sizeof(*b));
	for (int i = 0; i < FM_T_COUNT; i++) {
		b->g[i].t = &fm_tables[i];
		build_reserve(&b->g[i]);
	}
	if (fm_tables[0].max_col == 0)
		fm_init();
	b->now = st_now_ms();
	b->gen = st_counters_generation();
	b->phase = FB_IKE;
}

static void
build_discard(struct fm_build *b)
{
	for (int i = 0; i < FM_T_COUNT; i++) {
		free(b->g[i].rows);
		if (b->nc[i] != NULL)
			CONTAINER_FREE(b->nc[i]);
		free(b->nkeys[i]);
	}
	arena_free(b->arena);
	memset(b, 0, sizeof(*b));
}

/* The keys pointed at the new rows, which have the served indexes in the
 * same order (verify_one): the container stays as it is. */
static void
keys_follow(struct fm_table *t, const struct growing *g)
{
	for (size_t k = 0; k < g->n; k++)
		fm_key_set(&t->keys[k], (struct fm_row *)((char *)g->rows + k * t->row_size));
}

/* The served container takes the new one's contents (FB_KEYS filled it)
 * and the new one, holding the old contents, is freed: the agent's
 * registration keeps its container. The two are binary arrays made by the
 * same factory with the same compare functions, whose contents hang whole
 * from container_data (Net-SNMP 5.9, snmplib/container_binary_array.c);
 * sync moves so that no iterator of the old contents goes on. */
static void
keys_swap(struct fm_table *t, netsnmp_container *nc, struct fm_key *keys)
{
	void *d = t->c->container_data;

	t->c->container_data = nc->container_data;
	nc->container_data = d;
	t->c->sync++;
	CONTAINER_FREE(nc);
	free(t->keys);
	t->keys = keys;
}

/* The new rows replace the served ones at once: a walk or a SET in
 * progress sees either the old tables or the new, never a mix. */
static void
build_install(struct fm_build *b)
{
	struct growing *g = b->g;

	for (int i = 0; i < FM_T_COUNT; i++) {
		struct fm_table *t = &fm_tables[i];

		/* (the inline indexes were fixed up in FB_KEYS) */
		if (!b->differs[i])
			keys_follow(t, &g[i]);
		else if (t->c != NULL && b->nc[i] != NULL) {
			keys_swap(t, b->nc[i], b->nkeys[i]);
			b->nc[i] = NULL;
			b->nkeys[i] = NULL;
		} else if (t->c != NULL) {
			struct fm_key *keys = calloc(g[i].n ? g[i].n : 1, sizeof(*keys));

			CONTAINER_CLEAR(t->c, NULL, NULL);
			free(t->keys);
			t->keys = keys;
			for (size_t k = 0; keys != NULL && k < g[i].n; k++) {
				struct fm_row *h = (struct fm_row *)((char *)g[i].rows +
				    k * t->row_size);

				fm_key_set(&keys[k], h);
				CONTAINER_INSERT(t->c, &keys[k]);
			}
		}
		free(t->rows);
		t->rows = g[i].rows;
		t->nrows = g[i].n;
	}
	arena_free(fm_arena);
	fm_arena = b->arena;
	build_globals();
	fm_counters_gen = b->gen;
	fm_rows_behind = 0;
	fm_nrefresh++;
	memset(b, 0, sizeof(*b));
}

static void
cost_add(uint64_t us)
{
	fm_cost_us = us;
	fm_cost_total_us += us;
}

int
fm_refresh(void)
{
	struct fm_build b;
	uint64_t t0 = loop_now_us();

	/* rows of now: a build in steps under way would only be older */
	fm_refresh_abort();
	build_begin(&b);
	if (build_run(&b, 0) < 0) {
		log_err("%s: out of memory, keeping the previous tables", __func__);
		build_discard(&b);
		return -1;
	}
	build_install(&b);
	cost_add(loop_now_us() - t0);
	return 0;
}

int
fm_refresh_start(void)
{
	if (fb_step.running)
		return -1;
	build_begin(&fb_step);
	fb_step.running = 1;
	return 0;
}

int
fm_refresh_step(uint32_t budget_us)
{
	int r;

	uint64_t t0, spent;

	if (!fb_step.running)
		return 1;
	t0 = loop_now_us();
	r = build_run(&fb_step, t0 + (budget_us ? budget_us : 1));
	if (r < 0) {
		log_err("%s: out of memory, keeping the previous tables", __func__);
		build_discard(&fb_step);
		return -1;
	}
	if (r == 1) {
		/* installing may sort every key again: it counts too */
		spent = fb_step.spent_us;
		build_install(&fb_step);
		cost_add(spent + loop_now_us() - t0);
	} else
		fb_step.spent_us += loop_now_us() - t0;
	return r;
}

int
fm_refresh_running(void)
{
	return fb_step.running;
}

void
fm_refresh_abort(void)
{
	if (fb_step.running)
		build_discard(&fb_step);
}

uint64_t
fm_refresh_count(void)
{
	return fm_nrefresh;
}

uint64_t
fm_refresh_cost_us(void)
{
	return fm_cost_us;
}

uint64_t
fm_refresh_cost_total_us(void)
{
	return fm_cost_total_us;
}

void
fm_tun_follow(struct fm_ipsec_tun *r)
{
	const struct st_child *ch;
	struct st_child_counters c;

	if (r->cgen == fm_counters_gen)
		return;
	r->cgen = fm_counters_gen;
	/* a tunnel that ended since the last build keeps its last counters */
	if ((ch = st_child_find(r->index)) == NULL)
		return;
	st_child_totals(ch, &c);
	fill_p2_counters(ch, &c, &r->p);
}

/* In place: no row comes or goes, so the containers' keys stay valid and
 * a walk in progress goes on over the same rows. The globals come from the
 * state model's running sums; the rows follow when they are read. */
int
fm_counters_mark(void)
{
	if (fm_nrefresh == 0 || fm_counters_gen == st_counters_generation())
		return 0;
	fm_counters_gen = st_counters_generation();
	fm_rows_behind = 1;
	build_globals();
	return 1;
}

void
fm_refresh_counters(void)
{
	const struct fm_table *t = &fm_tables[FM_T_IPSEC_TUN];

	fm_counters_gen = st_counters_generation();
	build_globals();
	for (size_t i = 0; i < t->nrows; i++)
		fm_tun_follow(fm_row_at(t, i));
	fm_rows_behind = 0;
}

int
fm_counters_follow(void)
{
	if (fm_nrefresh == 0 ||
	    (fm_counters_gen == st_counters_generation() && !fm_rows_behind))
		return 0;
	fm_refresh_counters();
	return 1;
}

void
fm_free(void)
{
	fm_refresh_abort();
	for (int i = 0; i < FM_T_COUNT; i++) {
		struct fm_table *t = &fm_tables[i];

		if (t->c != NULL)
			CONTAINER_CLEAR(t->c, NULL, NULL);
		free(t->keys);
		t->keys = NULL;
		free(t->rows);
		t->rows = NULL;
		t->nrows = 0;
	}
	arena_free(fm_arena);
	fm_arena = NULL;
	memset(&fm_g, 0, sizeof(fm_g));
}
