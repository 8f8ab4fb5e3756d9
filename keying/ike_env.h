/* The IKE engines' one window to the outside world. The engines parse,
 * decide and build; everything that touches a socket, the kernel or the
 * configuration goes through the function pointers the daemon (or a test)
 * fills in here. Timers use common/loop.h and state goes straight into the
 * state model (state/state.h), which the keying side owns for IKE SAs and
 * their children. Connections are the configuration's own struct cfg_conn:
 * pointers the env hands out must stay valid until the engine is told the
 * connection is gone (ikev2_conn_gone). */
#ifndef IKEFLOW_IKE_ENV_H
#define IKEFLOW_IKE_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/buf.h"
#include "config/config.h"
#include "keying/ikev2_msg.h"

#define IKE_PORT		500
#define IKE_NATT_PORT		4500

/* Retransmission and limits (ikeflowd.conf; strongSwan's charon.* defaults). */
struct ike_tuning {
	double		retrans_timeout;	/* s, 4.0 */
	double		retrans_base;		/* 1.8 */
	unsigned	retrans_tries;		/* 5 */
	uint32_t	half_open_timeout;	/* s, 30 */
	uint16_t	ike_port, natt_port;	/* 500, 4500 */
	int		initial_contact;	/* send it (uniqueids != never) */
	uint32_t	cookie_threshold;	/* half-open SAs before COOKIEs; 0 never; 30 */
	uint32_t	cookie_threshold_ip;	/* the same for one peer address; 3 */
	uint32_t	block_threshold;	/* one peer's half-open SAs before its
						 * IKE_SA_INITs are dropped; 0 never; 5 */
	uint32_t	half_open_max;		/* all half-open SAs before every
						 * IKE_SA_INIT is dropped; 0 never; 10000 */
	uint32_t	fragment_size;		/* RFC 7383: IP packets above it split; 1280 */
	double		keepalive;		/* s between NAT-T keepalives (behind a
						 * NAT or forceencaps); 0 none; 20 */
};

void	ike_tuning_defaults(struct ike_tuning *t);
/* An engine's tuning: given, with unset times and ports (0) at their
 * defaults, or all defaults when given is NULL. */
void	ike_tuning_set(struct ike_tuning *t, const struct ike_tuning *given);
/* The wait before retransmit number tries + 1 (tries 0: the first):
 * retrans_timeout * retrans_base^tries, in ms. */
uint64_t ike_tuning_rtx_delay(const struct ike_tuning *t, unsigned tries);

/* Lifetimes of one child SA; 0 = no limit. */
struct ike_lifetimes {
	uint64_t	soft_sec, hard_sec;
	uint64_t	soft_bytes, hard_bytes;
	uint64_t	soft_packets, hard_packets;
};

/* A connection's child lifetimes for the kernel: keylife, lifebytes,
 * lifepackets, each soft limit the rekey margin before the hard one. */
void	ike_child_lifetimes(const struct cfg_conn *c, struct ike_lifetimes *l);

/* One child: an ESP SA pair plus its policies. Key pointers are into
 * engine-owned memory that is wiped right after the call; the env copies
 * what it needs. For remove_child only the identifying fields (addresses,
 * SPIs, proto, selectors, mode, reqid) are meaningful, and the policies to
 * remove are those of the selectors given: a pair replaced by a rekey
 * comes with none (superseded), its successor keeps the policies. */
struct ike_child_sa {
	const char	*conn;
	uint32_t	child_index;		/* state model row */
	struct ifl_addr	local, remote;		/* outer addresses */
	uint16_t	local_port, remote_port;	/* IKE ports, for ESP-in-UDP */
	int		encap;			/* NAT detected: UDP encapsulation */
	int		superseded;		/* remove_child: a rekey replaced it */
	/* update_child: the outer addresses before the move (the same as
	 * local/remote when only the ports moved) */
	struct ifl_addr	old_local, old_remote;
	/* install_child: the inbound SA only, its outbound follows through
	 * install_out; remove_child: there is no outbound SA (yet) */
	int		in_only;
	uint8_t		proto;			/* IPPROTO_ESP */
	int		transport;
	uint32_t	reqid;
	uint32_t	spi_in, spi_out;	/* host order */
	uint16_t	encr, encr_keylen, integ;	/* IKEv2 transform IDs, bits */
	int		esn;
	const uint8_t	*encr_in, *integ_in, *encr_out, *integ_out;
	size_t		encr_len, integ_len;	/* encr: key | salt for AEAD */
	struct ike_lifetimes life;
	size_t		nts_local, nts_remote;
	const struct ikev2_ts *ts_local, *ts_remote;
};

struct st_algs;
struct cfg_conn;
/* A child as either IKE version holds it: where each part of its install
 * description comes from. */
struct ike_child_src {
	const struct cfg_conn	*conn;
	uint32_t		 st_index;	/* its row */
	const struct ifl_addr	*local, *remote;	/* the IKE SA's */
	uint16_t		 lport, rport;
	int			 encap;		/* ESP in UDP */
	uint32_t		 reqid, spi_in, spi_out;
	const struct st_algs	*algs;
	size_t			 encr_len, integ_len;	/* key sizes */
	int			 transport;
	const struct ike_lifetimes *life;	/* NULL: the connection's */
	size_t			 nts_local, nts_remote;
	const struct ikev2_ts	*ts_local, *ts_remote;
	int			 in_only;	/* no outbound SA yet */
};

/* A child's install description as both IKE versions make it: every
 * field from s, keys left to the caller. */
void	ike_child_desc_fill(struct ike_child_sa *d,
	    const struct ike_child_src *s);

struct ike_env {
	void	*arg;

	/* Sends one IKE message. On port 4500 the socket layer prepends the
	 * non-ESP marker. 0 / -1 (a failed send counts as a lost datagram). */
	int	(*send)(void *arg, const struct ifl_addr *src, uint16_t sport,
		    const struct ifl_addr *dst, uint16_t dport,
		    const uint8_t *pkt, size_t len);
	/* An inbound SPI (a larval kernel SA from peer to local). 0 / -1. */
	int	(*alloc_spi)(void *arg, const struct ifl_addr *peer,
		    const struct ifl_addr *local, uint8_t proto, uint32_t reqid,
		    uint32_t *spi);
	/* The negotiation of that SPI failed before install. */
	void	(*release_spi)(void *arg, const struct ifl_addr *peer,
		    const struct ifl_addr *local, uint8_t proto, uint32_t spi);
	/* Optional: one NAT-T keepalive (RFC 3948 §2.3: the single byte 0xFF,
	 * no non-ESP marker) from local:lport to remote:rport, sent while a NAT
	 * is in front of us to keep its mapping open. */
	void	(*keepalive)(void *arg, const struct ifl_addr *src, uint16_t sport,
		    const struct ifl_addr *dst, uint16_t dport);
	/* Optional: dead peer detection with dpdaction=hold lost the peer of
	 * conn: its traffic should trigger a new negotiation (trap policies)
	 * rather than leave in the clear. Called before the SAs are removed. */
	void	(*hold)(void *arg, const struct cfg_conn *conn);
	/* Optional: the peer's NAT mapping moved (RFC 7296 §2.23): c has the
	 * new ports and addresses, old_local/old_remote the addresses before;
	 * the kernel SAs and policies should follow, keys and sequence numbers
	 * untouched (c's key pointers are NULL, the lengths are right). 0 / -1. */
	int	(*update_child)(void *arg, const struct ike_child_sa *c);
	/* Installs both SAs and the policies of a child. 0 / -1. */
	int	(*install_child)(void *arg, const struct ike_child_sa *c);
	void	(*remove_child)(void *arg, const struct ike_child_sa *c);
	/* Optional. The outbound SA of a child installed in_only. Answering a
	 * child rekey, the new outbound SA waits until the peer deletes the
	 * old pair: before that the peer may not have the new inbound SA yet,
	 * and the kernel would send on the newest SA at once. */
	int	(*install_out)(void *arg, const struct ike_child_sa *c);
	/* Optional. The inbound SA of a child alone, before the rest: an
	 * IKEv1 Quick Mode responder's, as it sends message 2. The initiator
	 * sends on the new SA as soon as it has that message, which may
	 * overtake message 3; install_child later takes the same SA over. */
	int	(*install_in)(void *arg, const struct ike_child_sa *c);
	/* The pre-shared key for (local ID, remote ID), appended to out (a
	 * secret buf). 0 / -1 when there is none. */
	int	(*psk)(void *arg, const struct cfg_id *local,
		    const struct cfg_id *remote, struct buf *out);
	/* Responder: a connection for an IKE_SA_INIT from remote to local. */
	const struct cfg_conn *(*conn_by_addr)(void *arg,
		    const struct ifl_addr *local, const struct ifl_addr *remote);
	/* Optional: the same for IKEv1 (keyexchange=ikev1) connections. */
	const struct cfg_conn *(*conn_by_addr_v1)(void *arg,
		    const struct ifl_addr *local, const struct ifl_addr *remote);
	/* Responder at IKE_AUTH: a connection whose remote ID matches the peer's
	 * (and whose local ID matches `us` when the peer named one, else NULL).
	 * cur, the one chosen by address, should win when it fits. */
	const struct cfg_conn *(*conn_by_id)(void *arg, const struct cfg_conn *cur,
		    const struct ifl_addr *local, const struct ifl_addr *remote,
		    const struct cfg_id *peer, const struct cfg_id *us);
};

#endif
