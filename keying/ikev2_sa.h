/* IKE SA objects of the IKEv2 engine and the request/response machinery
 * shared by all exchanges: SA lookup, Message IDs (window 1), retransmission
 * of our requests, the cached last response, encryption of SK messages,
 * keyingtries. Internal to keying/ikev2_*.c; the public face is
 * keying/ikev2_exchange.h. */
#ifndef IKEFLOW_IKEV2_SA_H
#define IKEFLOW_IKEV2_SA_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/buf.h"
#include "common/loop.h"
#include "config/config.h"
#include "keying/ike_env.h"
#include "keying/ike_halfopen.h"
#include "keying/ikev2_const.h"
#include "keying/ikev2_exchange.h"
#include "keying/ikev2_msg.h"
#include "keying/ikev2_proposal.h"
#include "keying/ikev2_keys.h"
#include "keying/crypto.h"
#include "state/state.h"

#define IKEV2_NONCE_LEN		32
#define IKEV2_INVALID_KE_MAX	2	/* INVALID_KE retries per attempt */
#define IKEV2_COOKIE_TRIES	4	/* COOKIEs answered per attempt */
#define IKEV2_DROP_LOG_MS	10000	/* one "dropped" line per peer per 10 s */

enum ike_phase {
	IKE_NEW = 0,		/* just made */
	IKE_INIT_I,		/* initiator: IKE_SA_INIT sent */
	IKE_AUTH_I,		/* initiator: IKE_AUTH sent */
	IKE_INIT_R,		/* responder: IKE_SA_INIT answered */
	IKE_UP,			/* established */
	IKE_DELETING,		/* our Delete of the IKE SA is out */
	IKE_DEAD,		/* freed at the end of the current event */
};

#define IKE_CHILD_KEY_MAX	64	/* AES-256 + salt: 36, SHA-512: 64 */

struct ike_child {
	struct ike_child *next;
	uint32_t	st_index;		/* 0 until installed */
	uint32_t	spi_in, spi_out;
	uint32_t	reqid;
	int		transport;
	int		installed;
	int		deleting;		/* our Delete for it is out */
	int		rekeyed;		/* replaced by a rekey: its row lives on */
	int		peer_redundant;		/* the peer's pair of a rekey collision,
						 * the peer's to delete */
	int		out_pending;		/* outbound SA waits for the old pair's delete */
	uint8_t		out_encr[IKE_CHILD_KEY_MAX], out_integ[IKE_CHILD_KEY_MAX];
	struct st_algs	algs;
	size_t		encr_len, integ_len;	/* key sizes, for update_child */
	size_t		nts_l, nts_r;
	struct ikev2_ts	ts_l[ST_MAX_TS], ts_r[ST_MAX_TS];
};

/* The exchanges we start. A queued one waits in this order: deleting the
 * IKE SA first, then its rekey, child deletes, child rekeys, a liveness
 * check last. IKE_SA_INIT and IKE_AUTH are started at once, never queued. */
enum ike_xkind {
	IKE_X_DELETE_IKE = 0, IKE_X_REKEY_IKE, IKE_X_DELETE_CHILD, IKE_X_REKEY_CHILD,
	IKE_X_LIVENESS, IKE_X_INIT, IKE_X_AUTH, IKE_X_MAX
};

struct ike_sa;
struct ike_xchg;

/* What one kind of exchange does; one table per kind, in eng->ops->xchg. */
struct ike_xchg_ops {
	uint8_t	exchange;	/* exchange type of its request and response */
	/* Builds the request and sends it with ike_send_request, which makes
	 * x the SA's outstanding exchange; 0, or -1 (nothing sent, the caller
	 * frees x). */
	int	(*start)(struct ike_sa *sa, struct ike_xchg *x);
	/* The peer's answer (NULL: answered elsewhere, IKE_SA_INIT). x is no
	 * longer the SA's and is freed when it returns. */
	void	(*response)(struct ike_sa *sa, struct ike_xchg *x, struct ikev2_msg *m);
	/* No answer after the last retransmission; NULL: the SA fails. */
	void	(*timeout)(struct ike_sa *sa, struct ike_xchg *x);
};

/* One exchange we started, from the moment it is asked for until it is
 * answered or given up: the state only it needs lives here, not on the
 * SA. Freed by ike_xchg_free (the child it made still larval, its DH, its
 * nonce wiped). IKE_SA_INIT and IKE_AUTH are one object: IKE_X_INIT turns
 * into IKE_X_AUTH when the first answer comes, keeping the nonces and
 * messages AUTH is computed over; a responder keeps its own in sa->xr. */
struct ike_xchg {
	struct ike_xchg	*next;			/* in sa->xq */
	enum ike_xkind	kind;
	const struct ike_xchg_ops *ops;
	uint32_t	child;			/* spi_in of the child deleted or rekeyed */
	enum st_term	reason;			/* IKE delete: how the SA's row ends */
	/* our proposals (6 kB; only while asked): IKE_SA_INIT's and an IKE
	 * rekey's IKE ones, IKE_AUTH's and CREATE_CHILD_SA's ESP ones */
	struct ikev2_prop_list *offer;
	struct ike_child *made;			/* the child being negotiated */
	struct dh	*dh;
	uint8_t		ni[IKEV2_NONCE_MAX], nr[IKEV2_NONCE_MAX];
	size_t		ni_len, nr_len;		/* nr: IKE_SA_INIT's only */
	uint16_t	group;			/* DH group the peer asked for (INVALID_KE) */
	uint64_t	ike_spi;		/* our SPI of the IKE SA being made */
	/* IKE_SA_INIT: both messages, for AUTH; what a restart reuses */
	struct buf	*init_i, *init_r;
	uint8_t		cookie[64];		/* the responder's COOKIE (§2.6) */
	size_t		cookie_len;
	unsigned	cookie_tries;		/* COOKIEs answered, up to IKEV2_COOKIE_TRIES */
	unsigned	invalid_ke;		/* INVALID_KE retries */
	/* §2.8: a rekey of the peer's crossing this one. We answer it; what
	 * it made is kept here until our own answer says which of the two is
	 * redundant (the one whose exchange had the lowest nonce) */
	uint32_t	coll_child;		/* spi_in of the child the peer's made */
	uint64_t	coll_spi_i, coll_spi_r;	/* the IKE SA the peer's made */
	uint8_t		coll_nonce[IKEV2_NONCE_MAX];	/* its exchange's lowest */
	size_t		coll_nonce_len;
};

struct ike_sa {
	struct ike_sa	*next;
	struct ikev2_engine *eng;
	const struct cfg_conn *conn;
	int		initiator;
	enum ike_phase	phase;
	uint64_t	spi_i, spi_r;
	uint32_t	st_index;		/* state model IKE SA row */
	struct ifl_addr	local, remote;
	struct ifl_addr	ho_src;		/* counted as half-open under it (IKE_INIT_R) */
	/* the engine's SPI index (ikev2_sa.c): under our own SPI, and a
	 * responder made by an IKE_SA_INIT also under the peer's SPIi */
	struct ike_sa	*own_next, *init_next;
	uint64_t	own_key;
	int		in_init_index;
	uint16_t	lport, rport;
	int		nat_local, nat_remote;	/* NAT in front of us / the peer */
	int		frag;			/* both sides announced fragmentation */
	struct cfg_id	lid, rid;

	struct ikev2_prop chosen;
	struct st_algs	algs;
	struct ikev2_sa_keys keys;
	int		have_keys;

	/* our requests: window 1 */
	uint32_t	next_msgid;
	struct buf	*req;			/* as sent, for retransmission */
	uint32_t	req_msgid;
	unsigned	req_tries;
	struct ike_xchg	*xa;			/* the exchange req belongs to */
	struct ike_xchg	*xq;			/* exchanges waiting, in kind order */
	/* responder: the peer's IKE_SA_INIT, kept (as an IKE_X_INIT object)
	 * until its IKE_AUTH is answered */
	struct ike_xchg	*xr;
	struct loop_timer *rtx;

	/* the peer's requests */
	uint32_t	peer_msgid;		/* next ID we expect */
	struct buf	*resp;			/* our last response, as sent */
	uint32_t	resp_msgid;
	/* RFC 7383: fragments of req/resp as sent (each led by its u16
	 * length), NULL when unfragmented; reassembly of the peer's */
	struct buf	*req_frags, *resp_frags, *seal_frags;
	struct ikev2_reasm reasm;

	struct ike_child *children;
	int		rekeyed;		/* replaced by a rekeyed IKE SA */
	unsigned	attempt;		/* keyingtries used, from 1 */
	uint64_t	born_ms;		/* loop_now_ms() when made */
	struct loop_timer *timer;		/* half-open timeout / DPD */
	struct loop_timer *rekey_timer;		/* IKE SA rekey (ikelifetime - margin) */
	struct loop_timer *keepalive_timer;	/* NAT-T keepalives */
	/* a rekey collision left the peer an SA to delete (this one, when
	 * redundant, or a child pair): if its delete does not come, ours */
	struct loop_timer *redundant_timer;
	int		redundant;		/* the peer's IKE SA of a rekey collision */
	uint64_t	hard_at;		/* ms: ikelifetime is over, 0 = none */
	uint64_t	last_drop_log;
	uint64_t	last_rx;		/* ms: the peer's last authentic message */
	struct ike_sa	*kick_next;		/* in eng->kicked */
	int		kicked;
};

/* What the version-neutral SA layer (timers, retries) asks of the IKE
 * version's exchanges; set by the engine's creator, so that ikev2_sa.c
 * does not call up into them. */
struct ike_ops {
	int	(*init_start)(struct ike_sa *sa);	/* a new attempt */
	int	(*initiate)(struct ikev2_engine *e, const struct cfg_conn *conn);
	void	(*queue_run)(struct ike_sa *sa);	/* start what waits */
	const struct ike_xchg_ops *xchg[IKE_X_MAX];	/* by kind */
};

#define IKEV2_COOKIE_SECRET_LEN	32
#define IKEV2_COOKIE_SWITCH_MS	120000	/* a secret's life (strongSwan's 120 s) */
/* INVALID_IKE_SPI answers a second: a restart with 2000 peers is answered
 * within their retransmissions, a flood of forged SPIs is not echoed */
#define IKEV2_INVALID_SPI_PER_S	100

struct ikev2_engine {
	struct ike_env	env;
	/* stateless cookies (§2.6): the secret in use and the one before */
	uint8_t		cookie_secret[2][IKEV2_COOKIE_SECRET_LEN];
	uint32_t	cookie_version;		/* of cookie_secret[0] */
	uint64_t	cookie_since;		/* ms, 0 = no secret yet */
	struct ike_tuning tun;
	struct ike_sa	*sas;
	uint32_t	next_reqid;
	struct ikev2_engine_stats st;
	uint64_t	last_drop_log;		/* drops without an SA */
	struct ike_halfopen ho;			/* IKE_INIT_R SAs per source */
	/* SAs by SPI, so that a packet costs the same with 10 SAs or 100,000:
	 * own[] by our SPI (every SA), init[] by the peer's SPIi (responders
	 * an IKE_SA_INIT made, for its retransmissions); nb buckets each */
	struct ike_sa	**own, **init;
	uint32_t	nb, nidx;
	uint32_t	ndead;			/* IKE_DEAD SAs for ike_sa_reap */
	uint64_t	seed;
	/* IKE_SA_INITs that matched no configured connection: they count
	 * towards cookies, and their log lines and failure records are
	 * rate-limited (ikev2_exchange.c) */
	struct {
		uint64_t	win_start;	/* ms: the current one-second window */
		uint32_t	cur, prev;	/* refused in it and in the one before */
		uint32_t	logged;		/* logged and recorded in it */
		uint64_t	suppressed;	/* not logged since the last summary */
	}		noconn;
	/* INVALID_IKE_SPI answers sent in the current one-second window */
	struct {
		uint64_t	win_start;	/* ms */
		uint32_t	sent;
	}		invspi;
	int		busy;			/* inside an entry point: defer frees */
	const struct ike_ops *ops;
	struct ike_sa	*kicked;		/* SAs whose queue is to run */
};

/* ---- SA table (ikev2_sa.c) ---- */
struct ike_sa *ike_sa_new(struct ikev2_engine *e, const struct cfg_conn *conn,
	    int initiator, const struct ifl_addr *local, uint16_t lport,
	    const struct ifl_addr *remote, uint16_t rport);
struct ike_sa *ike_sa_find(struct ikev2_engine *e, uint64_t spi_i, uint64_t spi_r);
/* Our own SPI of sa changes (an IKE rekey we start uses the SPI it
 * offered); 0 / -1. */
void	ike_sa_set_own_spi(struct ike_sa *sa, uint64_t spi);
/* A responder made by an IKE_SA_INIT, once its spi_i is set: findable by
 * ike_sa_find_half. */
void	ike_sa_index_init(struct ike_sa *sa);
int	ike_sa_index_setup(struct ikev2_engine *e);
/* Proposals made from the connection's ike= (ike) or esp=, allocated;
 * NULL when none is usable or on no memory. */
struct ikev2_prop_list *ike_offer_new(const struct cfg_conn *c, int ike);
/* Half-open lookups: the responder by (SPIi, peer), the initiator by SPIi. */
struct ike_sa *ike_sa_find_half(struct ikev2_engine *e, uint64_t spi_i,
	    const struct ifl_addr *remote, uint16_t rport, int initiator);
struct ike_sa *ike_sa_by_index(struct ikev2_engine *e, uint32_t st_index);
/* Ends the SA: children removed from the kernel (and ended in the state
 * model with reason), state row ended, memory freed when the event is over. */
void	ike_sa_end(struct ike_sa *sa, enum st_term reason);
/* A negotiation that failed: failure record, then a new attempt if
 * keyingtries allow (initiator), else the SA ends. */
void	ike_sa_fail(struct ike_sa *sa, enum st_ike_fail reason, int retry,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The failure record alone (the SA goes on). */
void	ike_sa_fail_record(struct ike_sa *sa, enum st_ike_fail reason, const char *detail);
enum st_id_type ike_id_st_type(const struct cfg_id *id);
void	ike_sa_reap(struct ikev2_engine *e);
/* Dead peer detection (dpdaction != none): liveness checks every dpddelay
 * seconds the peer has been quiet. */
void	ike_dpd_arm(struct ike_sa *sa);
/* NAT-T keepalives while a NAT is in front of us. */
void	ike_keepalive_arm(struct ike_sa *sa);
/* The IKE SA's own rekey, ikelifetime - rekeymargin after it came up, and
 * its end at ikelifetime if it was not replaced by then. */
void	ike_rekey_arm(struct ike_sa *sa);
/* A rekey collision made an SA of the peer's redundant (sa itself, marked
 * redundant, or a child of it marked peer_redundant): the peer deletes it
 * (RFC 7296 §2.8.2). Should its delete not come within the time of two of
 * its tries (it may have lost track of the SA: strongSwan drops an answer
 * that shares its message ID with a request it is busy with), we delete
 * it ourselves, so that no orphan lives on to its lifetime. */
void	ike_redundant_arm(struct ike_sa *sa);
void	ike_sa_set_spi_r(struct ike_sa *sa, uint64_t spi_r);
/* The responder's IKE_SA_INIT state (DH, nonces, messages) goes: after
 * IKE_AUTH. */
void	ike_sa_wipe_exchange(struct ike_sa *sa);
/* ---- exchange objects (ikev2_sa.c) ---- */
/* A new exchange of that kind (about the child with that spi_in, or 0),
 * not yet queued; NULL on no memory. */
struct ike_xchg *ike_xchg_new(struct ike_sa *sa, enum ike_xkind kind, uint32_t child);
void	ike_xchg_free(struct ike_sa *sa, struct ike_xchg *x);
/* Asks for an exchange: queued in kind order, after those of its kind,
 * unless the same one waits already. Returns the one waiting (to set its
 * reason), NULL on no memory. The queue runs by ike_queue_run. */
struct ike_xchg *ike_xchg_queue(struct ike_sa *sa, enum ike_xkind kind, uint32_t child);
/* The timeout of an exchange of an established SA: the peer counts as
 * lost. Failure record naming the peer and the exchange, the SA ends with
 * its children, then dpdaction (hold, restart). */
void	ike_sa_peer_lost(struct ike_sa *sa, struct ike_xchg *x);
/* Forgets the waiting exchanges of that kind. */
void	ike_xchg_unqueue(struct ike_sa *sa, enum ike_xkind kind);
/* The outstanding exchange when it is of that kind, else NULL. */
struct ike_xchg *ike_xchg_active(const struct ike_sa *sa, enum ike_xkind kind);
/* The waiting exchanges about children of from go with them to to. */
void	ike_xchg_move_children(struct ike_sa *from, struct ike_sa *to);
/* Our IKE SA delete, queued (the row ends with reason). */
void	ike_sa_delete_later(struct ike_sa *sa, enum st_term reason);
/* A rekey made N in place of OLD while the operator's delete of OLD was
 * waiting: that delete was for the tunnel, so N is deleted too (else the
 * tunnel lived on in N and `down` never ended). */
void	ike_sa_pass_delete(struct ike_sa *n, const struct ike_sa *old);
/* The SA's queue is to run once the current event is handled (for an SA
 * that an exchange of another SA made, e.g. a redundant rekeyed one). */
void	ike_sa_kick(struct ike_sa *sa);
/* Moves the SA to another phase if the table of transitions allows it
 * (logged at debug level); 0, or -1 with a warning and the phase kept. */
int	ike_sa_set_phase(struct ike_sa *sa, enum ike_phase to);
/* The SA's state model row, NULL when it has none. */
struct st_ike *ike_sa_row(const struct ike_sa *sa);
/* The SA comes up (its IKE_AUTH is done, or a rekey made it): phase UP,
 * IKE proposals dropped, DPD, rekey and keepalive timers armed, its row
 * filled and established with its rekey time. */
void	ike_sa_up(struct ike_sa *sa);
/* A new IKE SA made by rekeying old takes its identities and NAT and
 * fragmentation state, with the algorithms of chosen. */
void	ike_sa_inherit(struct ike_sa *n, const struct ike_sa *old,
	    const struct ikev2_prop *chosen);
/* Fills the state model row's addresses, ports, IDs, SPIs. */
void	ike_sa_st_sync(struct ike_sa *sa);
const char *ike_sa_peer(const struct ike_sa *sa, char *dst, size_t len);

struct ike_child *ike_child_new(struct ike_sa *sa);
void	ike_child_free(struct ike_sa *sa, struct ike_child *ch, int release_spi);
struct ike_child *ike_child_by_spi_out(struct ike_sa *sa, uint32_t spi);
struct ike_child *ike_child_by_spi_in(struct ike_sa *sa, uint32_t spi);
/* Removes a child from the kernel and the list; history with reason. */
void	ike_child_remove(struct ike_sa *sa, struct ike_child *ch, enum st_term reason);
/* Installs the outbound SA a child's install deferred (install_out). */
void	ike_child_install_out(struct ike_sa *sa, struct ike_child *ch);
/* ch's successor (a rekey's, or a reauthentication's in another IKE SA)
 * takes over the outbound traffic: its waiting outbound SA goes in. */
void	ike_child_hand_over(struct ike_sa *sa, struct ike_child *ch);
/* Fills an install description from a child (keys left NULL). */
void	ike_child_desc(const struct ike_sa *sa, const struct ike_child *ch,
	    struct ike_child_sa *d);
/* The SA's addresses or ports changed: its children's SAs follow. */
void	ike_children_follow(struct ike_sa *sa, const struct ifl_addr *old_local,
	    const struct ifl_addr *old_remote);

/* ---- messages ---- */
/* Starts a message of this SA: header (request: next_msgid, response:
 * msgid given), flags from our role. */
void	ike_msg_start(struct ike_sa *sa, struct ike_builder *bl, struct buf *b,
	    uint8_t exch, int response, uint32_t msgid);
/* Wraps the inner chain into SK {} and finishes the message. When both
 * sides do fragmentation and the message is too big for fragment_size,
 * the SKF fragments are made too (sa->seal_frags), and the next
 * ike_send_request/response sends those instead. 0 / -1. */
int	ike_msg_seal(struct ike_sa *sa, struct ike_builder *bl, struct buf *inner_b,
	    struct ike_builder *inner);
/* Sends the request of exchange x, which becomes the SA's outstanding one
 * (an earlier one is freed): kept for retransmission, next_msgid
 * advances. 0 / -1. */
int	ike_send_request(struct ike_sa *sa, struct buf *msg, struct ike_xchg *x);
/* Sends a response and keeps it for a retransmitted request. */
int	ike_send_response(struct ike_sa *sa, struct buf *msg, uint32_t msgid);
/* Answers the peer's request msgid of that exchange with one error notify
 * (data may be NULL), encrypted and kept like any response. 0 / -1. */
int	ike_send_error_response(struct ike_sa *sa, uint8_t exch, uint32_t msgid,
	    uint16_t notify, const void *data, size_t len);
/* The outstanding request was answered: stop retransmitting; its exchange,
 * if still the SA's, is freed. */
void	ike_request_done(struct ike_sa *sa);
/* Sends a message, or its fragments when frags is not NULL. */
int	ike_send_msg(struct ike_sa *sa, const struct buf *msg, const struct buf *frags);
/* Raw send on the SA's addresses, counted. */
int	ike_send_raw(struct ikev2_engine *e, struct ike_sa *sa, const struct ifl_addr *src,
	    uint16_t sport, const struct ifl_addr *dst, uint16_t dport,
	    const uint8_t *p, size_t len);
/* Unencrypted error notify answering an IKE_SA_INIT (no state kept). */
void	ike_send_init_error(struct ikev2_engine *e, const struct ike_hdr *req,
	    const struct ifl_addr *local, uint16_t lport,
	    const struct ifl_addr *remote, uint16_t rport,
	    uint16_t notify, const void *data, size_t len);
/* A request on an IKE SA we do not know (a restart forgot it): an
 * unprotected INVALID_IKE_SPI notify to its source, SPIs and message ID
 * copied (RFC 7296 2.21.4), so that a peer that takes the hint checks
 * its SA at once instead of after all its retransmissions. Never for a
 * response; at most IKEV2_INVALID_SPI_PER_S a second (a flood of forged
 * SPIs is not answered in full). 1 when sent, 0 when not. */
int	ike_send_invalid_spi(struct ikev2_engine *e, const struct ike_hdr *req,
	    const struct ifl_addr *local, uint16_t lport,
	    const struct ifl_addr *remote, uint16_t rport);
/* Counts and logs (rate-limited) a dropped message. */
void	ike_drop(struct ikev2_engine *e, struct ike_sa *sa, const struct ifl_addr *src,
	    uint16_t sport, const struct ike_hdr *h, const char *why);

/* ---- exchanges (ikev2_exchange*.c) ---- */
/* A new attempt: an IKE_X_INIT object, started. */
int	ike_init_start(struct ike_sa *sa);
void	ike_init_request(struct ikev2_engine *e, struct ikev2_msg *m,
	    const struct ifl_addr *src, uint16_t sport,
	    const struct ifl_addr *dst, uint16_t dport);
/* IKE_SA_INIT answered: x turns into IKE_AUTH and is sent (it stays the
 * SA's outstanding one); -1 when nothing was sent. */
int	ike_auth_start(struct ike_sa *sa, struct ike_xchg *x);
void	ike_auth_request(struct ike_sa *sa, struct ikev2_msg *m);
/* IKE_SA_INIT and IKE_AUTH not answered: the attempt fails (keyingtries;
 * ikev2_exchange_auth.c). */
void	ike_setup_timeout(struct ike_sa *sa, struct ike_xchg *x);
extern const struct ike_xchg_ops ike_x_init, ike_x_auth;
void	ike_info_request(struct ike_sa *sa, struct ikev2_msg *m);
extern const struct ike_xchg_ops ike_x_delete_ike, ike_x_delete_child, ike_x_liveness;
/* How a child came about, for its keys (RFC 7296 §2.17) and state row. */
struct ike_child_ctx {
	int		we_initiated;	/* we started the exchange that made it */
	const uint8_t	*ni, *nr;	/* that exchange's nonces (ni: its initiator's) */
	size_t		ni_len, nr_len;
	const uint8_t	*gir;		/* PFS shared secret, NULL without */
	size_t		gir_len;
	uint32_t	st_index;	/* the rekeyed child's state row, 0 = a new one */
	int		redundant;	/* lost a rekey collision: the row stays as is */
	int		defer_out;	/* we answer a rekey: outbound SA after the old delete */
};
/* Installs a negotiated child: keys from KEYMAT, env install, state rows.
 * 0, or -1 with the failure recorded (the child is freed on -1). */
int	ike_child_install(struct ike_sa *sa, struct ike_child *ch,
	    const struct ike_child_ctx *x);
/* Starts the queued requests (deletes, liveness) when the window is free
 * (ikev2_queue.c); ike_queue_kicked runs those of the kicked SAs. */
void	ike_queue_run(struct ike_sa *sa);
void	ike_queue_kicked(struct ikev2_engine *e);
/* An INFORMATIONAL request: a Delete of the IKE SA (IKEV2_PROTO_IKE), of
 * ESP SPIs (IKEV2_PROTO_ESP), or empty (0, liveness); NULL on failure. */
struct buf *ike_info_build(struct ike_sa *sa, uint8_t delete_proto,
	    const uint32_t *spis, uint16_t nspi);
/* CREATE_CHILD_SA (ikev2_exchange_child.c): the peer's request (a new or
 * rekeyed child, or a rekey of the IKE SA), our child rekey and its answer. */
void	ike_create_child_request(struct ike_sa *sa, struct ikev2_msg *m);
extern const struct ike_xchg_ops ike_x_rekey_child, ike_x_rekey_ike;
/* Moves the children of an IKE SA to its rekeyed successor. */
void	ike_children_move(struct ike_sa *from, struct ike_sa *to);

/* A TSi/TSr payload from selectors. */
int	ike_build_ts(struct ike_builder *bl, uint8_t type, const struct ikev2_ts *ts,
	    size_t n);
/* A child that could not be made: failure record, larval SPI released,
 * ch (may be NULL) freed. */
void	ike_child_fail(struct ike_sa *sa, struct ike_child *ch, enum st_ipsec_fail reason,
	    const char *detail);

/* Identity payload body (type | 3 reserved | data) for AUTH. */
size_t	ike_id_body(const struct cfg_id *id, uint8_t *out, size_t len);
/* Counts a notify in or out on the SA's row (and globally). */
void	ike_count_notify(struct ike_sa *sa, int out);

#endif
