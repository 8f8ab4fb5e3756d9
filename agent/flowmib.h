/* CISCO-IPSEC-FLOW-MONITOR-MIB rows built from the state model.
 *
 * One rebuild (fm_refresh) turns the state model into sorted row arrays, one
 * per MIB table, plus the global scalars. The SNMP agent serves these rows
 * (each row starts with its netsnmp_index, so the arrays feed table_container
 * directly) and the `show crypto mib` views print the same rows: there is one
 * mapping from the model to the MIB, not two.
 *
 * Values are already in MIB terms: enums as the MIB numbers them, times in
 * hundredths of a second, TimeStamps in TimeTicks since fm_init, addresses as
 * struct ifl_addr (served as 4 or 16 raw octets). Counters are kept at 64 bits;
 * the column kind decides whether a column serves the low 32 bits, the wraps
 * (value >> 32) or the whole Counter64. */
#ifndef IKEFLOW_AGENT_FLOWMIB_H
#define IKEFLOW_AGENT_FLOWMIB_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "state/state.h"

/* ciscoIpSecFlowMonitorMIB */
#define FM_ROOT		1, 3, 6, 1, 4, 1, 9, 9, 171
#define FM_ROOT_LEN	9

/* Instance index sub-identifiers of one row. The string indexes of the peer
 * tables are bounded by MAX_OID_LEN less the column OID (14 sub-ids). */
#define FM_IDX_MAX	(MAX_OID_LEN - 16)

struct fm_row {
	netsnmp_index	nx;		/* nx.oids = ox, or heap for string indexes */
	oid		ox[2];
};

/* What the agent's containers hold: the index next to the row, in a compact
 * array, so a binary search touches little memory. */
struct fm_key {
	netsnmp_index	nx;
	oid		ox[2];
	void		*row;
};

/* What a column serves from the field at its offset. */
enum fm_kind {
	FM_INT = 1,	/* uint64_t field -> INTEGER / Integer32 */
	FM_GAUGE,	/* uint64_t -> Gauge32 (latches at 2^32-1) */
	FM_UNS,		/* uint64_t -> Unsigned32 */
	FM_TICKS,	/* uint64_t -> TimeTicks */
	FM_C32,		/* uint64_t -> Counter32, the low 32 bits */
	FM_WRAP,	/* uint64_t -> Counter32, value >> 32 */
	FM_C64,		/* uint64_t -> Counter64 */
	FM_ADDR,	/* struct ifl_addr -> IPSIpAddress (4 | 16 octets) */
	FM_STR,		/* char * -> DisplayString (NULL serves "") */
};

struct fm_col {
	uint8_t		col;
	uint8_t		kind;
	uint16_t	off;
};

/* ---- phase 1 ---- */

/* The columns a live IKE SA and its history record share. */
struct fm_p1 {
	uint64_t	local_type, remote_type;	/* IkePeerType */
	char		*local_value, *remote_value;	/* the IDs as text, never empty */
	char		*local_name, *remote_name;	/* DNS names: not known, "" */
	struct ifl_addr	local_addr, remote_addr;
	uint64_t	nego_mode, dh, encr, hash, auth;	/* MIB enums */
	uint64_t	lifetime;			/* seconds */
	uint64_t	active_time;			/* hundredths */
	uint64_t	refresh_threshold;		/* seconds */
	uint64_t	total_refreshes;
	uint64_t	peer_index;			/* cikePeerIntIndex */
	struct st_ike_counters c;
	/* for the views: what IOS prints for the same tunnel */
	unsigned	dh_group;			/* IANA group number */
	char		encr_word[16], hash_word[16];
};

struct fm_ike_tun {			/* cikeTunnelTable, INDEX cikeTunIndex */
	struct fm_row	h;
	uint32_t	index;
	struct fm_p1	p;
	uint64_t	status;			/* active(1) */
};

struct fm_peer {			/* cikePeerTable */
	struct fm_row	h;		/* heap index: type, len, value, type, len, value, int */
	struct ifl_addr	local_addr, remote_addr;
	uint64_t	active_time;
	uint64_t	active_tunnel;
	/* the key, for the views and the correlation table */
	uint64_t	local_type, remote_type, int_index;
	char		*local_value, *remote_value;
	uint32_t	nseq;		/* correlation rows handed out */
};

struct fm_peer_corr {			/* cikePeerCorrTable: the peer's key + SeqNum */
	struct fm_row	h;
	uint64_t	ipsec_tun;
};

struct fm_ike_hist {			/* cikeTunnelHistTable */
	struct fm_row	h;
	uint32_t	index;
	uint64_t	reason, active_index, start_time, total_sas;
	struct fm_p1	p;
};

struct fm_ike_fail {			/* cikeFailTable */
	struct fm_row	h;
	uint32_t	index;
	uint64_t	reason, time;
	uint64_t	local_type, remote_type;
	char		*local_value, *remote_value;
	struct ifl_addr	local_addr, remote_addr;
	uint64_t	time_sec;	/* for the views: seconds since the agent start */
};

/* ---- phase 2 ---- */

struct fm_p2 {
	uint64_t	ike_index, ike_alive;
	struct ifl_addr	local_addr, remote_addr;
	uint64_t	key_type, encap_mode;
	uint64_t	life_kb, life_sec, active_time, rekey_kb, rekey_sec;
	uint64_t	refreshes, expired_sas, current_sas;
	uint64_t	dh, encr, ah_auth, esp_auth, comp;	/* the same both ways */
	uint64_t	in_octets, in_pkts, in_drops, in_replay, in_auths, in_auth_fails;
	uint64_t	in_decrypts, in_decrypt_fails;
	uint64_t	out_octets, out_pkts, out_drops, out_auths, out_auth_fails;
	uint64_t	out_encrypts, out_encrypt_fails;
	unsigned	dh_group;
	char		encr_word[16], auth_word[24];
};

struct fm_ipsec_tun {			/* cipSecTunnelTable, INDEX cipSecTunIndex */
	struct fm_row	h;
	uint32_t	index;
	struct fm_p2	p;
	uint64_t	status;
	uint64_t	cgen;		/* the counters' fold (fm_tun_follow) */
};

struct fm_ep {
	char		*local_name, *remote_name;	/* "" */
	uint64_t	local_type, remote_type;	/* EndPtType */
	struct ifl_addr	local1, local2, remote1, remote2;
	uint64_t	local_proto, local_port, remote_proto, remote_port;
};

struct fm_endpt {			/* cipSecEndPtTable: (cipSecTunIndex, cipSecEndPtIndex) */
	struct fm_row	h;
	struct fm_ep	e;
};

struct fm_spi {				/* cipSecSpiTable: (cipSecTunIndex, cipSecSpiIndex) */
	struct fm_row	h;
	uint64_t	dir, value, proto, status;
};

struct fm_ipsec_hist {			/* cipSecTunnelHistTable */
	struct fm_row	h;
	uint32_t	index;
	uint64_t	reason, active_index, start_time, total_sas;
	struct fm_p2	p;
};

struct fm_endpt_hist {			/* cipSecEndPtHistTable */
	struct fm_row	h;
	uint64_t	tun_hist_index, active_index;
	struct fm_ep	e;
};

struct fm_ipsec_fail {			/* cipSecFailTable */
	struct fm_row	h;
	uint32_t	index;
	uint64_t	reason, time, tunnel, spi;
	struct ifl_addr	src, dst;
	uint64_t	time_sec;
};

/* ---- tables ---- */

enum fm_table_id {
	FM_T_PEER, FM_T_IKE_TUN, FM_T_PEER_CORR, FM_T_IPSEC_TUN, FM_T_ENDPT,
	FM_T_SPI, FM_T_IKE_HIST, FM_T_IPSEC_HIST, FM_T_ENDPT_HIST, FM_T_IKE_FAIL,
	FM_T_IPSEC_FAIL, FM_T_COUNT
};

struct fm_table {
	const char	*name;
	oid		entry[16];		/* the Entry OID */
	size_t		entry_len;
	const struct fm_col *cols;		/* ascending */
	size_t		ncols;
	unsigned	min_col, max_col;
	const u_char	*idx_types;		/* ASN types of the INDEX parts */
	size_t		nidx;
	size_t		row_size;
	const struct fm_col *bycol[64];		/* by column number (fm_init) */
	/* filled by fm_refresh */
	void		*rows;			/* row_size each, in index order */
	size_t		nrows;
	netsnmp_container *c;			/* the agent's container, or NULL */
	struct fm_key	*keys;			/* what c holds */
};

struct fm_globals {
	uint64_t	ike_active;
	struct st_ike_global ike;
	uint64_t	ipsec_active;
	struct st_ipsec_global ipsec;
	uint64_t	in_auths, in_decrypts, out_auths, out_encrypts;
	uint64_t	zero;
};

/* Scalars of a group: subid -> kind and offset into struct fm_globals. */
struct fm_scalar {
	uint8_t		subid;
	uint8_t		kind;
	uint16_t	off;
};

extern struct fm_table fm_tables[FM_T_COUNT];
extern struct fm_globals fm_g;
extern const struct fm_scalar fm_ike_global_scalars[];	/* 1.2.1.N, 26 */
extern const struct fm_scalar fm_ipsec_global_scalars[];	/* 1.3.1.N, 30 */
#define FM_IKE_GLOBAL_N		26
#define FM_IPSEC_GLOBAL_N	30

void	fm_init(void);		/* stamps the agent start (TimeStamp zero) */
void	fm_free(void);
/* Rebuilds every table and the globals; refills the containers set in c.
 * A build in steps under way is dropped: this one is newer. */
int	fm_refresh(void);
/* The same build in steps, so that 10,000 tunnels do not hold the event loop
 * for the whole of it: fm_refresh_step() builds for about budget_us and
 * returns 0 while there is more, 1 when the new rows are served (or none was
 * under way), -1 when memory ran out (the previous rows stay). Until the
 * end, the tables served are the previous ones, whole. fm_refresh_start()
 * is -1 while one is under way. */
int	fm_refresh_start(void);
int	fm_refresh_step(uint32_t budget_us);
int	fm_refresh_running(void);
void	fm_refresh_abort(void);
uint64_t fm_refresh_count(void);
/* What the builds took, each from its start to its rows served (the wall
 * time of its steps, or of the whole fm_refresh()): the last one's and all
 * of them since the start, in microseconds. What a rebuild costs sets how
 * often the agent may start one (agent.c). */
uint64_t fm_refresh_cost_us(void);
uint64_t fm_refresh_cost_total_us(void);
/* Only the counter columns of the tunnel rows and the globals, from the
 * state model's counters of now (after st_counters_fresh folded). */
void	fm_refresh_counters(void);
/* fm_refresh_counters() when a fold happened since the rows' counters were
 * taken (or rows were left to fm_tun_follow); 1 when it ran. For readers
 * of every row (the views). */
int	fm_counters_follow(void);
/* The same for readers of a few rows (an SNMP request): the globals now,
 * O(1); each tunnel row read after it goes through fm_tun_follow(), so a
 * GET after a fold costs one row, not a pass over 10,000 in one turn. */
int	fm_counters_mark(void);
/* The row's counter columns from the last fold, if they are older. */
void	fm_tun_follow(struct fm_ipsec_tun *r);

#define fm_row_at(t, i)	((void *)((char *)(t)->rows + (size_t)(i) * (t)->row_size))
/* A table's row by its index OID, or NULL (binary search). */
void	*fm_find(const struct fm_table *t, const oid *idx, size_t len);
const struct fm_col *fm_col_find(const struct fm_table *t, unsigned col);
void	fm_key_set(struct fm_key *k, struct fm_row *h);

/* ---- the mappings (exposed for the tests and the traps) ---- */
uint64_t fm_encr_algo(const struct st_algs *a);		/* EncryptAlgo */
uint64_t fm_ike_hash_algo(unsigned integ);		/* IkeHashAlgo */
uint64_t fm_auth_algo(unsigned integ);			/* AuthAlgo */
uint64_t fm_dh_group(unsigned dh);			/* DiffHellmanGrp */
uint64_t fm_hundredths(uint64_t start_mono);		/* TimeInterval since start */
uint64_t fm_timestamp(uint64_t mono);			/* TimeTicks since fm_init */
/* A peer key as index sub-identifiers (type, len, octets..., type, len,
 * octets..., int): the number written, or 0 when it would not fit in max. */
size_t	fm_peer_index(oid *dst, size_t max, uint64_t ltype, const char *lval,
	    uint64_t rtype, const char *rval, uint64_t intidx);
/* The ID of an IKE SA as the MIB shows it: the ID text, or the address when
 * the ID is empty (then type ipAddrPeer). Writes into val (ST_ID_MAX). */
uint64_t fm_ike_id(enum st_id_type t, const char *id, const struct ifl_addr *addr,
	    char *val, size_t len);

#endif
