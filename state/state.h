/* The tunnel state model: the only holder of tunnel state in ikeflowd.
 *
 * Writers: the keying engines (IKE SAs, children, failures) and the kernel
 * interface (SA counters, SAs that vanished). Readers: the SNMP agent, the web
 * page, the control socket, through the st_*_next() iterators and the global
 * statistics below. Everything runs on the one event loop, so readers see a
 * consistent model between two loop iterations without locking.
 *
 * Indexes: IKE SA and child ("phase-2 tunnel") indexes start at 1 and only
 * grow (never reused while the daemon lives, and persisted across restarts so
 * a poller never sees an old index name a new peer). A rekeyed child keeps its
 * index: the rekey replaces its SAs, not the tunnel.
 *
 * Counters never go backwards: a child's totals are the final counters of its
 * retired SAs plus the live counters of its current SAs. */
#ifndef IKEFLOW_STATE_H
#define IKEFLOW_STATE_H

#include <stdint.h>
#include <time.h>

#include "common/addr.h"

#define ST_NAME_MAX	64	/* connection names */
#define ST_ID_MAX	256	/* IKE identities as text, as the MIB's DisplayString */
#define ST_MAX_TS	8	/* traffic selectors per side */
#define ST_MAX_SAS	8	/* SAs per direction alive at once (rekey overlap) */

enum st_id_type { ST_ID_ADDR = 1, ST_ID_NAME = 2 };	/* = MIB IkePeerType */

/* Algorithm numbers are IKEv2 transform IDs (IANA); keylen in bits. */
struct st_algs {
	uint16_t	encr;		/* ENCR_AES_CBC = 12, ENCR_AES_GCM_16 = 20, ENCR_3DES = 3 */
	uint16_t	encr_keylen;
	uint16_t	prf;		/* PRF_HMAC_SHA1 = 2, ... (IKE SAs only) */
	uint16_t	integ;		/* AUTH_HMAC_SHA1_96 = 2, ... (0 = none, e.g. AEAD) */
	uint16_t	dh;		/* MODP_1536 = 5, ... (0 = none / no PFS) */
	uint8_t		esn;
};

/* IKE-level traffic counters (cikeTun* / cikeGlobal*). */
struct st_ike_counters {
	uint64_t	in_octets, in_pkts, in_drops, in_notifys;
	uint64_t	in_p2_exchg, in_p2_exchg_invalid, in_p2_exchg_reject, in_p2_sa_del;
	uint64_t	out_octets, out_pkts, out_drops, out_notifys;
	uint64_t	out_p2_exchg, out_p2_exchg_invalid, out_p2_exchg_reject, out_p2_sa_del;
};

/* Per-direction data-plane counters, as the kernel keeps them per SA. */
struct st_dir_counters {
	uint64_t	octets;		/* curlft.bytes (inner bytes) */
	uint64_t	packets;
	uint64_t	replay_drops;	/* stats.replay + stats.replay_window */
	uint64_t	auth_fails;	/* stats.integrity_failed */
};

struct st_child_counters {
	struct st_dir_counters	in, out;
};

enum st_ike_state {
	ST_IKE_CONNECTING = 1,	/* IKE_SA_INIT / IKE_AUTH in progress */
	ST_IKE_ESTABLISHED,
	ST_IKE_REKEYING,
	ST_IKE_DELETING,
};

enum st_mm_state {
	ST_MM_NO_STATE = 0,	/* created, nothing agreed yet */
	ST_MM_SA_SETUP,		/* the ISAKMP SA's parameters are agreed */
	ST_MM_KEY_EXCH,		/* DH done, the keys made, not authenticated */
	ST_MM_KEY_AUTH,		/* authenticated (responder, before QM_IDLE) */
};

/* Why a tunnel ended; values are the MIB's cikeTunHistTermReason / cipSecTunHistTermReason. */
enum st_term {
	ST_TERM_OTHER = 1, ST_TERM_NORMAL = 2, ST_TERM_OPER = 3, ST_TERM_PEER_DEL = 4,
	ST_TERM_PEER_LOST = 5, ST_TERM_LOCAL_FAIL = 6,	/* IKE; for IPsec 6 = seqNumRollOver */
	ST_TERM_CHECKPOINT = 7,
};

/* cikeFailReason */
enum st_ike_fail {
	ST_IKEF_OTHER = 1, ST_IKEF_PEER_DEL = 2, ST_IKEF_PEER_LOST = 3, ST_IKEF_LOCAL = 4,
	ST_IKEF_AUTH = 5, ST_IKEF_HASH = 6, ST_IKEF_ENCRYPT = 7, ST_IKEF_INTERNAL = 8,
	ST_IKEF_SYSCAP = 9, ST_IKEF_PROPOSAL = 10, ST_IKEF_ENCODING = 15,
	ST_IKEF_NO_SA = 16, ST_IKEF_OPER = 17,
};

/* cipSecFailReason */
enum st_ipsec_fail {
	ST_IPF_OTHER = 1, ST_IPF_INTERNAL = 2, ST_IPF_ENCODING = 3, ST_IPF_PROPOSAL = 4,
	ST_IPF_PROTO_USE = 5, ST_IPF_NO_SA = 6, ST_IPF_DECRYPT = 7, ST_IPF_ENCRYPT = 8,
	ST_IPF_IN_AUTH = 9, ST_IPF_OUT_AUTH = 10, ST_IPF_SYSCAP = 12, ST_IPF_PEER_DEL = 13,
	ST_IPF_PEER_LOST = 14, ST_IPF_SEQ_ROLLOVER = 15, ST_IPF_OPER = 16,
};

/* A configured connection, listed whether or not it is up. */
struct st_conn {
	uint32_t	index;
	char		name[ST_NAME_MAX];
	int		ike_version;	/* 1 or 2 */
	int		auto_mode;	/* 0 ignore, 1 add, 2 route, 3 start (config's order) */
	struct ifl_addr	local, remote;
	uint32_t	ike_index;	/* current IKE SA, 0 if none */
	uint32_t	up_count, fail_count;
};

struct st_ike {
	uint32_t	index;			/* cikeTunIndex */
	char		conn[ST_NAME_MAX];
	int		version;		/* 1 or 2 */
	int		initiator;		/* we initiated */
	enum st_ike_state state;
	/* IKEv1 Main Mode progress as IOS names it (show crypto isakmp sa);
	 * QM_IDLE once established */
	enum st_mm_state mm_state;
	int		aggressive;		/* IKEv1 Aggressive Mode: AG_* states,
						 * cikeTunNegoMode aggressive(2) */
	struct ifl_addr	local, remote;
	uint16_t	local_port, remote_port;
	enum st_id_type	local_id_type, remote_id_type;
	char		local_id[ST_ID_MAX], remote_id[ST_ID_MAX];
	uint64_t	spi_i, spi_r;
	struct st_algs	algs;
	int		auth_method;		/* MIB IkeAuthMethod: 2 = preSharedKey */
	int		nat_local, nat_remote;	/* NAT detected in front of us / the peer */
	uint32_t	lifetime;		/* seconds */
	uint32_t	rekey_after;		/* seconds from start (cikeTunSaRefreshThreshold) */
	time_t		start_wall;		/* when established, wall clock */
	uint64_t	start_mono;		/* ms, loop_now_ms(); 0 while connecting */
	uint32_t	refreshes;		/* child rekeys/creates under this IKE SA */
	uint32_t	total_sas;		/* children created under it */
	uint32_t	peer_index;		/* cikePeerIntIndex */
	uint16_t	default_policy;		/* IOS default ISAKMP policy in use
						 * (its priority), 0: a configured one */
	uint32_t	vendors;		/* IKEv1: vendor IDs the peer sent,
						 * 1 << enum ikev1_vendor */
	struct st_ike_counters c;
};

enum st_sa_dir { ST_SA_IN = 1, ST_SA_OUT = 2 };	/* = MIB cipSecSpiDirection */

struct st_sa {
	uint32_t	spi;		/* host order */
	uint8_t		proto;		/* IPPROTO_ESP */
	enum st_sa_dir	dir;
	int		expiring;	/* a replacement exists (rekey), or soft expiry hit */
	uint64_t	installed_mono;
	struct st_dir_counters c;	/* last read from the kernel */
};

struct st_ts {
	struct ifl_subnet net;
	uint8_t		proto;		/* 0 = any */
	uint16_t	port;		/* 0 = any */
};

struct st_child {
	uint32_t	index;			/* cipSecTunIndex, stable across rekeys */
	uint32_t	ike_index;		/* cipSecTunIkeTunnelIndex */
	char		conn[ST_NAME_MAX];
	struct ifl_addr	local, remote;
	int		transport;		/* 0 tunnel, 1 transport */
	int		encap;			/* ESP in UDP */
	uint32_t	reqid;
	struct st_algs	algs;
	int		default_xform;		/* IOS default transform set in use:
						 * 1 + its index in
						 * config_default_transform_sets();
						 * 0: a configured esp= */
	uint32_t	life_kb;		/* cipSecTunLifeSize */
	uint32_t	life_sec;		/* cipSecTunLifeTime */
	uint32_t	rekey_kb, rekey_sec;	/* *SaLifeSize/TimeThreshold */
	time_t		start_wall;
	uint64_t	start_mono;
	uint64_t	sa_mono;		/* when the current SA pair was installed */
	uint32_t	refreshes;		/* rekeys */
	uint32_t	expired_sas;		/* SAs retired */
	int		nts_local, nts_remote;
	struct st_ts	ts_local[ST_MAX_TS], ts_remote[ST_MAX_TS];
	int		nsa;
	struct st_sa	sa[2 * ST_MAX_SAS];
	struct st_child_counters retired;	/* final counters of SAs gone */
};

/* History: one record per ended tunnel, in a bounded ring. */
struct st_ike_hist {
	uint32_t	index;			/* cikeTunHistIndex, grows */
	enum st_term	reason;
	struct st_ike	ike;			/* the IKE SA as it was at the end */
	uint64_t	active_ms;
};

struct st_child_hist {
	uint32_t	index;			/* cipSecTunHistIndex (= cipSecEndPtHistIndex base) */
	enum st_term	reason;
	struct st_child	child;			/* as it was; retired = final totals */
	uint64_t	active_ms;
};

struct st_ike_failrec {
	uint32_t	index;
	enum st_ike_fail reason;
	time_t		when;
	uint64_t	when_mono;
	char		conn[ST_NAME_MAX];
	enum st_id_type	local_id_type, remote_id_type;
	char		local_id[ST_ID_MAX], remote_id[ST_ID_MAX];
	struct ifl_addr	local, remote;
	char		detail[128];		/* e.g. "NO_PROPOSAL_CHOSEN from peer" */
};

struct st_ipsec_failrec {
	uint32_t	index;
	enum st_ipsec_fail reason;
	time_t		when;
	uint64_t	when_mono;
	uint32_t	tunnel_index;		/* cipSecTunIndex, 0 if none yet */
	uint32_t	spi;
	struct ifl_addr	src, dst;
	char		conn[ST_NAME_MAX];
	char		detail[128];
};

/* Phase-1 global statistics (cikeGlobal*); ike counters include ended SAs. */
struct st_ike_global {
	uint64_t	previous_tunnels;
	struct st_ike_counters c;
	uint64_t	init_tunnels, init_tunnel_fails, resp_tunnel_fails;
	uint64_t	syscap_fails, auth_fails, decrypt_fails, hash_fails, nosa_fails;
};

/* Phase-2 global statistics (cipSecGlobal*), including ended tunnels. */
struct st_ipsec_global {
	uint64_t	previous_tunnels;
	struct st_child_counters c;	/* sum over all children, live and ended */
	uint64_t	in_drops;	/* kernel-wide, from xfrm_stat */
	uint64_t	in_replay_drops, in_auth_fails, in_decrypt_fails;
	uint64_t	out_drops, protocol_use_fails, nosa_fails, syscap_fails;
};

/* ---- lifecycle ---- */
int	st_init(void);
void	st_free(void);
/* The state directory holds the history/failure records and the index counters. */
/* File STATE_DIR/ikeflowd.state (format in state/persist.c). st_load returns 0
 * when loaded or absent (fresh start), 1 when the file was corrupt and was
 * renamed aside to FILE.corrupt-<unix time> (history starts empty), -1 when
 * it could not be read at all. Call it after st_init, before tunnels exist.
 * Live tunnels are saved too while another daemon keys them (st_keyed_by
 * set): st_load brings them back as live rows, which their keeper (monitor
 * mode) follows on or ends. */
int	st_load(const char *state_dir);		/* a corrupt file is logged and set aside */
int	st_save(const char *state_dir);		/* atomic: write temp + fsync + rename */
/* st_save with the index counters written n ahead, for the saves of a
 * running daemon: one killed before its next save must not hand out again
 * the indexes it took since (it skips up to n instead). */
int	st_save_ahead(const char *state_dir, uint32_t n);
/* Why the last save failed, or NULL when it worked. A failure is logged
 * once, not at every retry, until it changes or a save works again. */
const char *st_save_error(void);
void	st_set_hist_size(uint32_t n);		/* cipSecHistTableSize */
void	st_set_fail_size(uint32_t n);		/* cipSecFailTableSize */
uint32_t st_hist_size(void);
uint32_t st_fail_size(void);
uint64_t st_uptime_ms(void);
/* The model's clocks: loop_now_ms() and time() unless a test sets others. */
uint64_t st_now_ms(void);
time_t	st_now_wall(void);
void	st_set_clock(uint64_t (*mono_ms)(void), time_t (*wall)(void));

/* Who keys the tunnels: NULL (the default) for ikeflowd itself; in monitor
 * mode a phrase the views print, e.g. "another daemon (observed in the
 * kernel)". The string must outlive the model. Set, the live tunnels
 * outlive ikeflowd and st_save keeps them. */
void	st_set_keyed_by(const char *who);
const char *st_keyed_by(void);

/* ---- writer API: connections ---- */
/* Replace the configured connection list (on load and reload); keeps indexes by name. */
struct st_conn *st_conn_set(const char *name);	/* find or create */
void	st_conn_prune(uint64_t generation);	/* remove connections not set since */
uint64_t st_conn_generation_next(void);		/* start a reload: returns the new generation */
struct st_conn *st_conn_find(const char *name);

/* ---- writer API: IKE SAs ---- */
/* Returns the new SA (index assigned) in ST_IKE_CONNECTING, or NULL. */
struct st_ike *st_ike_new(const char *conn, int version, int initiator);
struct st_ike *st_ike_get(uint32_t index);
void	st_ike_established(struct st_ike *ike);	/* stamps start times, counts it */
/* Ends the SA: history record (if it was established), folds counters into globals,
 * ends its children with the same reason, frees it. */
void	st_ike_end(uint32_t index, enum st_term reason);
/* Packet accounting for the IKE engine: per SA (ike may be NULL) and global.
 * The globals are the ended SAs' sum plus a running sum of the live SAs'
 * counters, kept here as they rise (O(1) a read at any number of SAs): an
 * SA's counters (ike->c) are read-only elsewhere and raised through these
 * functions only, never also written into st_ike_global_w()->c, which is
 * for traffic that has no SA. */
void	st_ike_count_in(struct st_ike *ike, size_t octets);
void	st_ike_count_out(struct st_ike *ike, size_t octets);
/* One more of the event counted in field (an offsetof in st_ike_counters). */
void	st_ike_inc(struct st_ike *ike, size_t field);
#define ST_IKE_INC(ike, f)	st_ike_inc((ike), offsetof(struct st_ike_counters, f))
/* All of an SA's counters at once (an SA restored, a fixture). */
void	st_ike_counters_set(struct st_ike *ike, const struct st_ike_counters *c);
struct st_ike_global *st_ike_global_w(void);	/* writable globals for fail counters */

/* ---- writer API: children (phase-2 tunnels) ---- */
struct st_child *st_child_new(uint32_t ike_index, const char *conn);
struct st_child *st_child_get(uint32_t index);
/* A child's new SA (first install or rekey). Older SAs in that direction are
 * marked expiring; they keep counting until st_sa_gone(). */
int	st_child_add_sa(struct st_child *ch, enum st_sa_dir dir, uint32_t spi, uint8_t proto);
/* An SA that counts for the child without being its current one, and is
 * no rekey either (the redundant pair of a rekey collision, until it is
 * deleted): added as expiring, the others left alone. */
int	st_child_add_sa_aside(struct st_child *ch, enum st_sa_dir dir, uint32_t spi,
	    uint8_t proto);
/* Move a child to another IKE SA (after an IKE rekey or a reauthentication);
 * its outer addresses become that IKE SA's. */
void	st_child_reparent(struct st_child *ch, uint32_t ike_index);
/* The child now belongs to connection conn (a tunnel the kernel observer
 * found, named by charon): change ch->conn only through this, which
 * keeps the connections' tunnel counts. */
void	st_child_set_conn(struct st_child *ch, const char *conn);
void	st_child_end(uint32_t index, enum st_term reason);

/* ---- writer API: kernel counters ----
 * Fed from the XFRM dump / events, keyed by SPI and direction. Returns 0 when
 * the SA belongs to a known child, -1 otherwise (not ours). */
int	st_sa_update(uint32_t spi, enum st_sa_dir dir, const struct st_dir_counters *c);
/* The SA is gone from the kernel; final may be NULL (then the last read values count). */
int	st_sa_gone(uint32_t spi, enum st_sa_dir dir, const struct st_dir_counters *final);
void	st_ipsec_global_kernel(const struct st_ipsec_global *kernel_wide);

/* ---- writer API: failures ---- */
/* Both count the reason in the global fail counters that match it (auth, hash,
 * decrypt, syscap, no-SA; for IPsec no-SA, syscap, protocol use) and fire the
 * FAIL event; a connection's fail_count is counted too. */
struct st_ike_failrec *st_ike_fail(enum st_ike_fail reason, const char *conn,
	    const struct ifl_addr *local, const struct ifl_addr *remote,
	    const char *detail);	/* returns the record to fill IDs into, or NULL */
struct st_ipsec_failrec *st_ipsec_fail(enum st_ipsec_fail reason, uint32_t tunnel_index,
	    uint32_t spi, const struct ifl_addr *src, const struct ifl_addr *dst,
	    const char *detail);
/* cipSecHistCheckPoint: a history record for every active tunnel (reason checkPoint). */
void	st_checkpoint(void);

/* ---- read API ----
 * Iterators return the entry with the smallest index greater than `after`
 * (0 for the first), or NULL: exactly GETNEXT order, stable while rows come and go. */
const struct st_conn	*st_conn_next(uint32_t after);
/* The connection's tunnels: child rows of its name (what st_child_next
 * would show with ch->conn equal to c->name), kept as they come and go. */
uint32_t st_conn_tunnels(const struct st_conn *c);
/* The connections with no tunnel (st_conn_tunnels() 0), in index order,
 * and how many: kept as tunnels come and go, not found by a walk. */
const struct st_conn	*st_conn_lone_next(uint32_t after);
uint32_t st_conn_lone_count(void);
const struct st_ike	*st_ike_next(uint32_t after);
const struct st_child	*st_child_next(uint32_t after);
const struct st_ike_hist *st_ike_hist_next(uint32_t after);
const struct st_child_hist *st_child_hist_next(uint32_t after);
const struct st_ike_failrec *st_ike_fail_next(uint32_t after);
const struct st_ipsec_failrec *st_ipsec_fail_next(uint32_t after);
const struct st_ike	*st_ike_find(uint32_t index);
const struct st_child	*st_child_find(uint32_t index);
const struct st_child	*st_child_by_spi(uint32_t spi, enum st_sa_dir dir);

/* Fresh kernel counters: every reader that shows data-plane counters (the
 * control socket's views, the SNMP agent, the web page, the bundle) calls
 * this first. When the last fold of the kernel's SA counters into the model
 * is older than max_age_ms, the kernel interface folds now (one dump of all
 * SAs; on a few thousand SAs that costs less than a GETSA per shown SA).
 * Returns 1 when it folded, 0 when the last fold was recent enough or there
 * is no kernel interface (tests, tools), -1 when the fold failed (the last
 * values stay). Folds on demand take at most 1/20 of the time: when one
 * takes longer than max_age_ms / 20 (tens of thousands of SAs on a slow
 * or busy machine), the next waits 20 times that instead. */
int	st_counters_fresh(uint32_t max_age_ms);
/* Changes with every fold, by timer or on demand, and every page read
 * (st_counters_fresh_for): a reader keeping copies of the counters (the
 * agent's rows) knows when to update them. */
uint64_t st_counters_generation(void);
/* The kernel interface's side: its fold, and the stamp of each fold done. */
void	st_counters_source(int (*fold)(void));
void	st_counters_folded(void);
/* ... of a fold read over a while (in steps): its counters are as old as
 * its start, st_now_ms() then; a later fold's stamp is kept. */
void	st_counters_folded_at(uint64_t start_ms);
/* For readers that can answer later: when the counters are older than
 * st_counters_fresh would take, a fold in steps is started (or the one under
 * way joined, if it started late enough) and 1 returned: ready(arg) runs
 * once, from the loop, when the counters are fresh (or no fold could be
 * had); the reader then answers. 0: answer now (fresh, or folded at once
 * because no fold in steps can be had). */
int	st_counters_wait(uint32_t max_age_ms, void (*ready)(void *), void *arg);
/* For readers that cannot wait but read a few rows at a time (the SNMP
 * agent's walks): when the counters are older than st_counters_fresh would
 * take, a fold in steps is started (or the one under way left to run) and
 * 1 returned: the reader reads the rows it answers with now through
 * st_counters_fresh_for, until that fold has made every counter fresh.
 * 0: fresh; -1: no fold in steps can be had (the reader folds at once). */
int	st_counters_kick(uint32_t max_age_ms);
/* Calls every waiter's ready() that has this function, now (the reader is
 * stopping). */
void	st_counters_release(void (*ready)(void *));
/* The kernel interface's fold in steps: start() returns 0, -EBUSY while one
 * runs, or another -errno; st_counters_folded_at() at its end wakes the
 * waiters it serves, and st_counters_step_ended() (whatever the outcome)
 * starts the next for those it did not. */
void	st_counters_step_source(int (*start)(void));
void	st_counters_step_ended(void);
/* For readers that show a few tunnels (a tunnel's page, the dashboard's
 * first page): when the counters are older than max_age_ms would take,
 * those tunnels' own SAs are read from the kernel one by one instead of a
 * fold of every SA. 0: their counters are fresh (already, or read now);
 * -1: no such reading can be had (read failed, or no source): wait for a
 * fold as others do (st_counters_wait). */
int	st_counters_fresh_for(const struct st_child *const *kids, size_t n,
	    uint32_t max_age_ms);
/* The kernel interface's reading of some tunnels' SAs: the SAs found, or
 * -errno. */
void	st_counters_some_source(int (*fold)(const struct st_child *const *kids, size_t n));
/* How the counters were read since the start: whole folds (timer, on
 * demand at once or in steps), readings of some tunnels and their SAs. */
struct st_counters_stats {
	uint64_t	folds, some, some_tunnels, some_sas, some_failed;
};
void	st_counters_stats(struct st_counters_stats *out);
/* How stale the control socket's views may show counters (ms). */
#define ST_COUNTERS_VIEW_MS	200
/* ... and the flow MIB's answers. */
#define ST_COUNTERS_AGENT_MS	1000

/* A child's cumulative counters: retired + live SAs. Never decreases. */
void	st_child_totals(const struct st_child *ch, struct st_child_counters *out);
/* The current (newest, non-expiring) SA of a direction, or NULL. */
const struct st_sa *st_child_current_sa(const struct st_child *ch, enum st_sa_dir dir);
uint32_t st_ike_active_count(void);
uint32_t st_child_active_count(void);
/* Child rows (started or not) and the k-th of them in index order (from
 * 0; NULL past the end): a page of tunnels without a walk. */
uint32_t st_child_count(void);
const struct st_child	*st_child_nth(uint32_t k);
/* Changes whenever a connection, IKE SA or tunnel is freed: a reader that
 * holds pointers to them across loop turns starts again when it changed. */
uint64_t st_rows_gone(void);
uint32_t st_child_count_for_ike(uint32_t ike_index);
const struct st_ike_global *st_ike_global(void);
/* Globals with the live children's counters added in. */
void	st_ipsec_global(struct st_ipsec_global *out);
/* The live children's counters alone (a running sum: O(1)). */
void	st_ipsec_live(struct st_child_counters *out);

/* Change notifications for the agent's traps and the tables it caches.
 * Called synchronously after the change. rec is:
 *   IKE_UP: the struct st_ike; CHILD_UP, CHILD_REKEY: the struct st_child (a
 *   child is up once it has an SA in each direction; a rekey is reported when
 *   both directions have been replaced);
 *   IKE_DOWN / CHILD_DOWN: the new struct st_ike_hist / st_child_hist (NULL if
 *   it could not be stored), while the live row is still findable; only for
 *   tunnels that were up; a child's DOWN comes before its IKE SA's;
 *   IKE_FAIL / IPSEC_FAIL: the new failure record (IDs not yet filled in). */
enum st_event {
	ST_EV_IKE_UP = 1, ST_EV_IKE_DOWN, ST_EV_CHILD_UP, ST_EV_CHILD_DOWN,
	ST_EV_CHILD_REKEY, ST_EV_IKE_FAIL, ST_EV_IPSEC_FAIL,
};
typedef void (*st_event_fn)(enum st_event ev, uint32_t index, const void *rec, void *arg);
int	st_subscribe(st_event_fn fn, void *arg);

#endif
