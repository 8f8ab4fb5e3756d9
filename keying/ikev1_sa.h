/* IKEv1 SA objects and the helpers the Main Mode, Quick Mode and
 * Informational files share. Internal to keying/ikev1_*.c; the public
 * face is keying/ikev1_exchange.h. Per-SA state is kept small: the
 * phase-1 material needed only while Main Mode runs is freed once it is
 * done. */
#ifndef IKEFLOW_IKEV1_SA_H
#define IKEFLOW_IKEV1_SA_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/buf.h"
#include "common/loop.h"
#include "config/config.h"
#include "keying/crypto.h"
#include "keying/ike_env.h"
#include "keying/ikev1_exchange.h"
#include "keying/ikev1_keys.h"
#include "keying/ikev1_msg.h"
#include "keying/ikev1_vendor.h"
#include "keying/ikev2_msg.h"		/* struct ikev2_ts */
#include "state/state.h"

#define IKEV1_NONCE_LEN		32
/* Main Mode and each Quick Mode must finish within half_open_timeout. */
#define IKEV1_HALF_OPEN_MS(e)	((uint64_t)((e)->tun.half_open_timeout ? \
	    (e)->tun.half_open_timeout : 30) * 1000)

enum ikev1_phase {
	IKEV1_MM_R1 = 1,	/* responder: answered message 1 (MM_SA_EXCH) */
	IKEV1_MM_R2,		/* answered message 3 (MM_KEY_EXCH) */
	IKEV1_MM_I1,		/* initiator: sent message 1 (MM_NO_STATE) */
	IKEV1_MM_I2,		/* sent message 3 (MM_SA_SETUP) */
	IKEV1_MM_I3,		/* sent message 5 (MM_KEY_EXCH) */
	IKEV1_AG_R1,		/* Aggressive Mode responder: answered
				 * message 1 (AG_INIT_EXCH) */
	IKEV1_AG_I1,		/* initiator: sent message 1 (AG_INIT_EXCH) */
	IKEV1_UP,		/* message 6 sent: QM_IDLE */
	IKEV1_EXPIRED,		/* ikelifetime over: no keys, only IPsec SAs
				 * waiting for their end or a new ISAKMP SA */
	IKEV1_DEAD,
};

struct ikev1_child {
	struct ikev1_child *next;
	uint32_t	st_index;	/* shared with its successor after a rekey */
	uint32_t	spi_in, spi_out;
	uint32_t	reqid;
	struct ikev2_ts	ts_l, ts_r;
	struct st_algs	algs;
	int		initiator;	/* our Quick Mode made it: we rekey it */
	int		rekeying;	/* our rekey of it is under way */
	int		rekeyed;	/* a newer pair continues its tunnel */
	int		drop;		/* replaced by our rekey: deleted when
					 * the grace is over */
	struct buf	*out_keys;	/* our rekey: the outbound SA's keys
					 * until the grace is over (secret) */
	struct ike_lifetimes life;	/* as installed: an update (the peer's
					 * NAT mapping moved) keeps them */
};

/* After our rekey the responder installs its new SAs only when message 3
 * reaches it: our new outbound SA waits this long, and the old pair's
 * delete as long again (strongSwan's delete_rekeyed_delay does the
 * like). */
#define IKEV1_REKEY_GRACE_MS	3000

/* A Quick Mode in progress (responder: message 2 sent; initiator:
 * message 1 sent). */
struct ikev1_qm {
	uint32_t	msgid;		/* 0 = none */
	int		initiator;
	uint8_t		iv[CRYPTO_MAX_BLOCK];
	uint8_t		ni[IKEV1_NONCE_MAX], nr[IKEV1_NONCE_MAX];
	size_t		ni_len, nr_len;
	struct dh	*dh;		/* initiator with PFS: our key pair */
	uint8_t		gxy[CRYPTO_MAX_DH_PUB];	/* PFS shared secret */
	size_t		gxy_len;
	struct ikev1_child *ch;
	struct st_algs	algs;		/* IKEv2 transform IDs */
	uint32_t	life_sec;
	uint64_t	life_kb;
};

struct isakmp_sa {
	struct isakmp_sa	*next;
	struct ikev1_engine *eng;
	const struct cfg_conn *conn;
	enum ikev1_phase phase;
	int		initiator;	/* of the Main Mode */
	int		aggressive;	/* made in Aggressive Mode (its phase-1
					 * rekey is one too) */
	uint64_t	icookie, rcookie;
	uint32_t	st_index;
	struct ifl_addr	local, remote;
	uint16_t	lport, rport;
	struct cfg_id	lid, rid;
	struct st_algs	algs;
	uint32_t	lifetime;
	struct ikev1_keys k;

	/* Main Mode only: freed when it is done */
	struct buf	*sai_b;		/* the initiator's SA payload body */
	struct dh	*dh;
	struct buf	*gxi, *gxr, *ni, *nr;
	struct buf	*idi_b;		/* Aggressive Mode responder: the
					 * initiator's ID payload body, for
					 * HASH_I in message 3 */

	struct ikev1_qm	 qm;
	struct ikev1_child *children;

	/* duplicate requests get the last answer again */
	struct buf	*last_in;	/* the peer's last datagram */
	struct buf	*last_out;	/* our answer to it */
	struct loop_timer *timer;	/* half-open / Quick Mode timeout */
	/* our request (last_out) until it is answered: resent
	 * retrans_tries times, then the peer counts as silent */
	struct loop_timer *rtx;
	unsigned	rtx_tries;
	struct loop_timer *expire;	/* ikelifetime */
	/* rekeymargin (less fuzz) before that: a new Main Mode with the
	 * peer (IKEv1 has no rekey of its own: a reauthentication), which
	 * takes over the children once up */
	struct loop_timer *rekey;
	int		reauth;		/* that Main Mode is under way */
	int		reauth_wait;	/* it came due during a Quick Mode on
					 * this SA: it starts when that ends */
	int		qm_again;	/* adopted a child whose rekey the old
					 * SA had under way: a Quick Mode */
	struct loop_timer *grace;	/* IKEV1_REKEY_GRACE_MS after our rekey */
	/* our Quick Mode that the peer's crossed and that yielded to it
	 * (ikev1_quick.c): its answer is not taken, and the SPI we offered
	 * in it is deleted at the peer, whose half waits for message 3 */
	uint32_t	qm_lost_msgid, qm_lost_spi;
	int		initial_contact;

	/* ikev1_vendor.c, ikev1_dpd.c, ikev1_natt.c */
	uint32_t	vids;		/* vendor IDs the peer sent (a set) */
	struct loop_timer *dpd;		/* created when DPD is on */
	uint64_t	last_rx;	/* ms: the peer's last protected word */
	uint32_t	dpd_seq;	/* our last R-U-THERE's */
	int		dpd_pending;	/* ... and it is unanswered */
	int		nat_local, nat_remote;	/* NAT-D: a NAT in front of
					 * us / of the peer */
	struct loop_timer *keepalive;	/* created when behind a NAT */
	/* where the datagram being processed came from and went to: once
	 * it proves authentic, a NATed peer's new mapping is followed */
	struct ifl_addr	in_src;
	uint16_t	in_sport, in_dport;
};

struct ikev1_engine {
	struct ike_env	 env;
	struct ike_tuning tun;
	struct isakmp_sa	*sas;
	uint32_t	 next_reqid;
	struct ikev1_engine_stats st;
	uint64_t	 last_drop_log;
	/* dpdaction=restart's new negotiation (ikev1_initiate): the layers
	 * below the exchanges reach it through here, never by a call up */
	int		(*restart)(struct ikev1_engine *e, const struct cfg_conn *c);
	/* the phase-1 rekey (a new Main or Aggressive Mode as sa was made)
	 * the same way */
	int		(*reauth)(struct isakmp_sa *sa);
};

/* ---- ikev1_sa.c ---- */
/* A responder SA with its state row (connecting), half-open timer armed. */
struct isakmp_sa *ikev1_sa_new(struct ikev1_engine *e,
	    const struct cfg_conn *conn, const struct ifl_addr *local,
	    uint16_t lport, const struct ifl_addr *remote, uint16_t rport);
/* Keeps a copy of the datagram our answer belongs to. */
void	ikev1_sa_last_in(struct isakmp_sa *sa, const struct ikev1_msg *m);
/* The same for an exchange's last message, which has no answer: what we
 * sent before it is no longer resent. */
void	ikev1_sa_last_in_final(struct isakmp_sa *sa, const struct ikev1_msg *m);
void	ikev1_drop(struct ikev1_engine *e, const struct ifl_addr *src,
	    uint16_t sport, const char *why);
void	ikev1_sa_end(struct isakmp_sa *sa, enum st_term reason);
void	ikev1_sa_fail(struct isakmp_sa *sa, enum st_ike_fail reason,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Sends (and keeps as the answer to sa->last_in when answer is set). */
int	ikev1_send(struct isakmp_sa *sa, struct buf *msg, int answer);
/* Sends a request of ours (kept as last_out) and resends it with the
 * configured timeouts until ikev1_rtx_stop (its answer came). */
int	ikev1_send_request(struct isakmp_sa *sa, struct buf *msg);
void	ikev1_rtx_stop(struct isakmp_sa *sa);
/* An encrypted message: header, chain from the builder encrypted with iv
 * (updated). msg receives the datagram. 0 / -1. */
int	ikev1_seal(struct isakmp_sa *sa, uint8_t exch, uint32_t msgid,
	    struct ike_builder *chain, uint8_t *iv, struct buf *msg);
/* The other way: m's encrypted body decrypted with iv (updated) and its
 * payloads parsed; with hash, the first one must be a HASH of the PRF's
 * length, and hash receives it. 0, -1 (it does not decrypt) or -2 (the
 * plaintext is not what it must be). */
int	ikev1_open(struct isakmp_sa *sa, struct ikev1_msg *m, uint8_t *iv,
	    struct ikev1_data *hash);
/* ikev1_seal for a message protected by HASH(1) (ni NULL) or HASH(2)
 * (RFC 2409 5.5): the chain in cb starts with a HASH payload at hoff whose
 * body is filled with prf(SKEYID_a, M-ID [| Ni_b] | the payloads after
 * it). 0 / -1. */
int	ikev1_seal_hashed(struct isakmp_sa *sa, uint8_t exch, uint32_t msgid,
	    struct ike_builder *cb, long hoff, const uint8_t *ni,
	    size_t ni_len, uint8_t *iv, struct buf *msg);
/* An ISAKMP notify's body for sa (cookies: with its two cookies as the
 * SPI) into body (IKEV1_NOTIFY_MAX bytes); returns its length. */
#define IKEV1_NOTIFY_MAX	(8 + 16)
size_t	ikev1_notify_body(const struct isakmp_sa *sa, uint16_t type,
	    int cookies, uint8_t *body);
/* An Informational with a notify (unencrypted before keys, else
 * protected by HASH(1)). */
void	ikev1_notify_send(struct isakmp_sa *sa, uint16_t type);
/* The same with notification data (once keys exist: RFC 3706's
 * sequence numbers). */
#define IKEV1_NOTIFY_DATA_MAX	16
void	ikev1_notify_send_data(struct isakmp_sa *sa, uint16_t type,
	    const void *data, size_t dlen);
const char *ikev1_sa_peer(const struct isakmp_sa *sa, char *dst, size_t len);
void	ikev1_child_remove(struct isakmp_sa *sa, struct ikev1_child *ch,
	    enum st_term reason);
/* What the kernel side needs to know of a child, keys left out. */
void	ikev1_child_desc(const struct isakmp_sa *sa,
	    const struct ikev1_child *ch, struct ike_child_sa *d);
/* Our rekey is in: the grace until its outbound SA and the old pair's
 * delete. */
void	ikev1_rekey_grace(struct isakmp_sa *sa);
/* An Informational protected by HASH(1) carrying one payload. 0 / -1. */
int	ikev1_info_send(struct isakmp_sa *sa, uint8_t type, const void *body,
	    size_t len);
/* An Informational Delete of our SPIs (proto ESP: 4 bytes each;
 * ISAKMP: the two cookies). 0 / -1. */
int	ikev1_delete_send(struct isakmp_sa *sa, uint8_t proto, const void *spis,
	    uint8_t spi_size);
/* A Delete of the pair whose inbound SPI is ours. */
int	ikev1_delete_esp(struct isakmp_sa *sa, uint32_t spi);
/* Frees an SA (ended or not) and takes it out of the table. */
void	ikev1_sa_free(struct isakmp_sa *sa);
/* Main Mode's material, once it is done or failed. */
void	ikev1_mm_free(struct isakmp_sa *sa);
/* Main Mode done (both roles): ikelifetime and the reauthentication
 * armed; the IPsec SAs of the other ISAKMP SAs with the same connection
 * and peer (expired, or live: this one reauthenticates them, whichever
 * side started it) move here, and a live one is deleted, the peer told. */
void	ikev1_sa_adopt(struct isakmp_sa *sa);
/* The ISAKMP SA is over (its keys wiped, its row ended) but its IPsec
 * SAs stay, for their own end or a new Main Mode to adopt; freed if it
 * has none. */
void	ikev1_sa_expire(struct isakmp_sa *sa);
/* A Main Mode of sa's connection with its peer is under way. */
int	ikev1_mm_pending(const struct isakmp_sa *sa);
/* When to rekey something of life seconds that c lets us rekey:
 * rekeymargin less up to rekeyfuzz percent of it before the end, in
 * seconds from now; 0 = never. */
uint32_t ikev1_rekey_after(const struct cfg_conn *c, uint32_t life);
/* The byte count at which to rekey an IPsec SA of life bytes (life
 * agreed in Quick Mode): marginbytes before the end; 0 = never. */
uint64_t ikev1_rekey_bytes(const struct cfg_conn *c, uint64_t life);
/* The ISAKMP delete of sa's cookies, protected by its keys. */
void	ikev1_delete_isakmp(struct isakmp_sa *sa);
/* The Quick Mode in progress is dropped (its larval SPI released). */
void	ikev1_qm_clear(struct isakmp_sa *sa);

/* ---- ikev1_policy.c: proposals of both roles, IOS's defaults ---- */
struct ikev2_prop_list;
/* The ISAKMP suites c offers (initiator) and accepts (responder): its
 * ike= with, unless '!', strongSwan's defaults; for no ike= IOS's PSK
 * default policies (config/ios_defaults.c); -1 when there are none
 * (isakmp_default_policy = no). */
int	ikev1_isakmp_proposals(const struct cfg_conn *c,
	    struct ikev2_prop_list *ours);
/* The same for Quick Mode: esp=, or IOS's default transform sets. */
int	ikev1_esp_proposals(const struct cfg_conn *c,
	    struct ikev2_prop_list *ours);
/* A failure detail naming the peer's first suite and what c has. */
void	ikev1_no_proposal_why(const struct cfg_conn *c, enum cfg_proto proto,
	    const struct ikev2_prop_list *theirs, char *dst, size_t len);
/* Once an SA is up with algs: if they are one of IOS's default ISAKMP
 * policies (transform sets) that c uses, logs IOS's syslog message and
 * returns its priority (1 + the set's index in
 * config_default_transform_sets()); else 0. */
uint16_t ikev1_isakmp_default_used(const struct cfg_conn *c,
	    const struct st_algs *algs);
int	ikev1_transform_default_used(const struct cfg_conn *c,
	    const struct st_algs *algs);

/* ---- ikev1_vendor.c, ikev1_dpd.c ---- */
/* The vendor IDs of a Main Mode message from the peer: logged when new,
 * kept in sa->vids and on its state row. */
void	ikev1_vendor_sa(struct isakmp_sa *sa, const struct ikev1_msg *m);
/* Main Mode done: DPD armed when the connection wants it and the peer
 * sent the DPD vendor ID. */
void	ikev1_dpd_start(struct isakmp_sa *sa);
/* A protected message from the peer: it is alive. */
void	ikev1_dpd_heard(struct isakmp_sa *sa);
/* A protected notify: R-U-THERE answered, R-U-THERE-ACK taken. */
void	ikev1_dpd_notify(struct isakmp_sa *sa, const struct ikev1_notify *n);

/* NAT-T (RFC 3947), once both sides sent its vendor ID: Main Mode
 * messages 3 and 4 carry NAT-D payloads (ikev1_natt_add, 0 / -1) and
 * the peer's tell whether there is a NAT (ikev1_natt_check); with one,
 * the initiator moves to the NAT-T port for message 5 (ikev1_natt_float)
 * and the responder follows (ikev1_natt_input, for each datagram of
 * the SA); Quick Mode then asks for the UDP-encapsulated mode
 * (ikev1_natt_encap) and either kind of mode is taken
 * (ikev1_natt_transport); keepalives while we are behind the NAT
 * (ikev1_natt_start once Main Mode is done). When the NAT in front of
 * the peer gives it a new mapping, the first authentic message from it
 * (ikev1_natt_follow, once its HASH verified) moves the ISAKMP SA and
 * the kernel's ESP-in-UDP SAs there. */
int	ikev1_natt_add(struct isakmp_sa *sa, struct ike_builder *bl);
void	ikev1_natt_check(struct isakmp_sa *sa, const struct ikev1_msg *m);
void	ikev1_natt_float(struct isakmp_sa *sa);
void	ikev1_natt_input(struct isakmp_sa *sa, const struct ifl_addr *src,
	    uint16_t sport, const struct ifl_addr *dst, uint16_t dport);
uint16_t ikev1_natt_encap(const struct isakmp_sa *sa, int transport);
int	ikev1_natt_transport(uint16_t encap);
void	ikev1_natt_start(struct isakmp_sa *sa);
void	ikev1_natt_follow(struct isakmp_sa *sa);

/* ---- ikev1_phase1.c: what Main and Aggressive Mode share ---- */
/* A phase-1 transform's attributes. */
struct ikev1_p1_suite {
	uint16_t	encr, keylen, hash, auth, group;
	uint32_t	life_sec;
	int		bad;		/* an attribute we cannot do */
};
/* The attributes of xf (AES without a key length: 128). */
void	ikev1_p1_suite(const struct ikev1_xform *xf, struct ikev1_p1_suite *s);
/* Suites a and b are the same (encryption, key length, hash, group,
 * authentication). */
int	ikev1_p1_suite_same(const struct ikev1_p1_suite *a,
	    const struct ikev1_p1_suite *b);
/* The peer's ISAKMP proposal as IKEv2 proposals, one per PSK transform
 * we can do (numbered by transform index + 1), for ikev2_prop_select. */
void	ikev1_p1_theirs(const struct ikev1_prop *pr,
	    struct ikev2_prop_list *l);
/* The chosen suite's keys and algorithms on sa. 0, or -1 (the SA
 * failed). */
int	ikev1_p1_use(struct isakmp_sa *sa, const struct ikev1_p1_suite *s);
/* Responder: the peer's SA payload pl of first message m: its ISAKMP
 * proposal against ours, one transform chosen and taken (keys, algs,
 * SAi_b kept); reply is the answer's SA (the transform as the peer wrote
 * it, pointing into m). In Aggressive Mode only transforms of the first
 * one's DH group (that of its KE) count. On failure the SA has failed
 * naming why and the peer is told NO-PROPOSAL-CHOSEN. 0 / -1. */
int	ikev1_p1_choose(struct isakmp_sa *sa, const struct ikev1_msg *m,
	    const struct ikev1_pl *pl, struct ikev1_sa *reply);
/* Initiator: the responder's SA payload pl (of its message 2, m)
 * chooses one transform of our offer; it is taken (keys, algs), our
 * message 1 no longer resent, the responder's cookie kept. 0, or -1
 * (the SA failed). */
int	ikev1_p1_chosen(struct isakmp_sa *sa, const struct ikev1_msg *m,
	    const struct ikev1_pl *pl);
/* Our ID (leftid, else the address in use) and the peer's as configured
 * (rightid, else its address). */
void	ikev1_p1_ids(struct isakmp_sa *sa);
/* A responder's SA (Main Mode, or Aggressive Mode when aggressive) for
 * the peer's first message m: the peer's cookie and a fresh one of ours,
 * the IDs, the state row's SPIs, m kept against duplicates, the vendor
 * IDs read. NULL when none could be made (or it failed). */
struct isakmp_sa *ikev1_p1_responder(struct ikev1_engine *e,
	    const struct cfg_conn *c, struct ikev1_msg *m, int aggressive,
	    const struct ifl_addr *dst, uint16_t dport,
	    const struct ifl_addr *src, uint16_t sport);
/* IOS's name for where phase 1 stands (show crypto isakmp sa). */
void	ikev1_p1_state(struct isakmp_sa *sa, enum st_mm_state state);
/* An unprotected notify answering a first message we refuse. */
void	ikev1_p1_clear_notify(struct ikev1_engine *e,
	    const struct ike_hdr *req, const struct ifl_addr *local,
	    uint16_t lport, const struct ifl_addr *remote, uint16_t rport,
	    uint16_t type);
/* g^xy from the peer's KE, then SKEYID and the keys from the pre-shared
 * key of (sa->lid, sa->rid); both sides' g^x, nonces and cookies kept.
 * 0, or -1 (the SA failed). */
int	ikev1_p1_keys(struct isakmp_sa *sa, const struct ikev1_data *peer_ke);
/* The KE (of the chosen group's size) and nonce of a message from the
 * peer, NAT-D checked, kept as the peer's g^x and nonce (gxr and nr of
 * an initiator, gxi and ni of a responder). 0, or -1 (dropped naming
 * what, or the SA failed). */
int	ikev1_p1_peer_ke(struct isakmp_sa *sa, struct ikev1_msg *m,
	    struct ikev1_data *ke, struct ikev1_data *nonce, const char *what);
/* Our key pair of sa->algs.dh (g^x into *gx) and a nonce into *nonce.
 * 0, or -1 (the SA failed). */
int	ikev1_p1_dh_nonce(struct isakmp_sa *sa, struct buf **gx,
	    struct buf **nonce);
/* An ID payload body for id: 4 + its length bytes in out. */
size_t	ikev1_p1_id_body(const struct cfg_id *id, uint8_t *out);
/* An encrypted phase-1 message (number msgno) from the peer decrypted
 * into m on iv, a copy of the phase-1 IV (the caller keeps it only once
 * the message verifies: a forged one must not move it). Garbage means
 * the pre-shared keys differ: the SA fails saying so (a responder tells
 * the peer). 0 / -1. */
int	ikev1_p1_open(struct isakmp_sa *sa, struct ikev1_msg *m, int msgno,
	    uint8_t *iv);
/* Our encrypted phase-1 authentication, message msgno of exchange exch
 * (Main Mode 5 and 6: ID and HASH; Aggressive Mode 3: HASH and NAT-D),
 * with INITIAL-CONTACT when it applies. The datagram, or NULL (the SA
 * failed). */
struct buf *ikev1_p1_auth_msg(struct isakmp_sa *sa, uint8_t exch, int msgno);
/* Our HASH_I (initiator) or HASH_R over our ID payload body idb. 0 / -1. */
int	ikev1_p1_our_hash(const struct isakmp_sa *sa, const uint8_t *idb,
	    size_t idlen, uint8_t *out);
/* The peer's HASH_I / HASH_R over its ID payload body idb, compared in
 * constant time. 0 = it verifies. */
int	ikev1_p1_peer_hash_ok(const struct isakmp_sa *sa, const uint8_t *idb,
	    size_t idlen, const struct ikev1_data *hash);
/* The peer's ID payload: known and, with rightid, that one. 0, or -1
 * (the SA failed naming it). */
int	ikev1_p1_peer_id(struct isakmp_sa *sa, const struct ikev1_pl *ip,
	    struct cfg_id *peer);
/* Our initiator's last phase-1 message says INITIAL-CONTACT: we have no
 * other SA with the peer. */
int	ikev1_p1_initial_contact(const struct isakmp_sa *sa);
/* The peer's last phase-1 message: INITIAL-CONTACT in it ends our stale
 * SAs with it (and their IPsec SAs) at once. */
void	ikev1_p1_contact_in(struct isakmp_sa *sa, const struct ikev1_msg *m);
/* Phase 1 done, both roles and modes: QM_IDLE, the row established,
 * DPD, keepalives, the rekey timer, older SAs' children adopted, then
 * the initiator's Quick Mode (send the last phase-1 message first). */
void	ikev1_p1_established(struct isakmp_sa *sa);
/* Our phase-1 offer for c: one ISAKMP proposal whose transforms are the
 * configured ike= suites (each encryption x hash x group), then, unless
 * strict, the defaults the responder side accepts too; with one_group
 * (Aggressive Mode) only those of the first suite's group. Attributes
 * are encoded into attrs, which sa's transforms point into. 0 / -1. */
int	ikev1_conn_offer(const struct cfg_conn *c, struct ikev1_sa *sa,
	    struct buf *attrs, int one_group);
/* Initiator: a new ISAKMP SA for c with remote (cookie, IDs, state row,
 * the offer's SAi_b kept; in Aggressive Mode the group in algs.dh).
 * NULL when it failed (recorded and freed). */
struct isakmp_sa *ikev1_p1_initiator(struct ikev1_engine *e,
	    const struct cfg_conn *c, const struct ifl_addr *local,
	    uint16_t lport, const struct ifl_addr *remote, uint16_t rport,
	    int aggressive);
/* The mode's name for logs and failure records. */
const char *ikev1_p1_mode(const struct isakmp_sa *sa);

/* ---- ikev1_main.c, ikev1_aggressive.c, ikev1_quick.c (called by
 * ikev1_exchange.c) ---- */
/* Initiator: Main (Aggressive) Mode message 1 for c to remote, a new
 * ISAKMP SA sent. 0 / -1. */
int	ikev1_mm_start_at(struct ikev1_engine *e, const struct cfg_conn *c,
	    const struct ifl_addr *local, uint16_t lport,
	    const struct ifl_addr *remote, uint16_t rport);
int	ikev1_ag_start_at(struct ikev1_engine *e, const struct cfg_conn *c,
	    const struct ifl_addr *local, uint16_t lport,
	    const struct ifl_addr *remote, uint16_t rport);
/* Aggressive Mode message 1 (refused, with a failure record naming the
 * peer, unless the connection says aggressive=yes) and the others. */
void	ikev1_ag_first(struct ikev1_engine *e, struct ikev1_msg *m,
	    const struct ifl_addr *src, uint16_t sport,
	    const struct ifl_addr *dst, uint16_t dport);
void	ikev1_ag_input(struct isakmp_sa *sa, struct ikev1_msg *m);

/* Initiator: Quick Mode message 1 for the connection's selectors. 0 / -1. */
int	ikev1_qm_start(struct isakmp_sa *sa);
void	ikev1_mm_first(struct ikev1_engine *e, struct ikev1_msg *m,
	    const struct ifl_addr *src, uint16_t sport,
	    const struct ifl_addr *dst, uint16_t dport);
void	ikev1_mm_input(struct isakmp_sa *sa, struct ikev1_msg *m);
void	ikev1_qm_input(struct isakmp_sa *sa, struct ikev1_msg *m);

#endif
