/* The IKEv2 exchange engine: IKE_SA_INIT, IKE_AUTH (PSK) with the first
 * child, INFORMATIONAL (delete, liveness). Pure protocol logic: datagrams
 * come in through ikev2_input(), and everything outward goes through the
 * struct ike_env given at creation. Several engines may live in one process
 * (the unit tests run an initiator and a responder side by side); all run
 * on the one event loop (common/loop.h). */
#ifndef IKEFLOW_IKEV2_EXCHANGE_H
#define IKEFLOW_IKEV2_EXCHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "config/config.h"
#include "keying/ike_env.h"

struct ikev2_engine;

/* env and tuning are copied; tuning NULL = defaults. NULL on failure. */
struct ikev2_engine *ikev2_engine_new(const struct ike_env *env,
	    const struct ike_tuning *tuning);
/* Forgets every SA without telling the peers; children stay in the kernel
 * (the daemon flushes them itself when it wants to). State rows are ended. */
void	ikev2_engine_free(struct ikev2_engine *e);

/* One received IKE datagram (the non-ESP marker already stripped). The
 * addresses and ports are as seen on our socket. */
void	ikev2_input(struct ikev2_engine *e, const struct ifl_addr *src, uint16_t sport,
	    const struct ifl_addr *dst, uint16_t dport, const uint8_t *pkt, size_t len);

/* Starts an IKE SA for conn as initiator (auto=start, ACQUIRE, "up").
 * Negotiation failures are retried keyingtries times. 0 / -1. */
int	ikev2_initiate(struct ikev2_engine *e, const struct cfg_conn *conn);
/* Deletes the IKE SAs of a connection (and their children), telling the
 * peer. Returns how many were found. */
int	ikev2_terminate(struct ikev2_engine *e, const char *conn);
/* Only the IKE SA of that state-model index (cikeTunStatus = destroy). */
int	ikev2_terminate_index(struct ikev2_engine *e, uint32_t ike_index);
/* Deletes one child (state model index), telling the peer. 0 / -1. */
int	ikev2_child_delete(struct ikev2_engine *e, uint32_t child_index);
/* Rekeys one child (state model index): a new SA pair by CREATE_CHILD_SA,
 * then the old pair deleted; the state model row stays. 0 / -1. */
int	ikev2_child_rekey(struct ikev2_engine *e, uint32_t child_index);
/* Rekeys an IKE SA (state model index): a new IKE SA by CREATE_CHILD_SA,
 * its children moved over, the old one deleted. Also runs by itself
 * ikelifetime - rekeymargin after the SA came up (rekey=no: never). 0 / -1. */
int	ikev2_ike_rekey(struct ikev2_engine *e, uint32_t ike_index);
/* Sends an empty INFORMATIONAL (liveness check) on the IKE SA with this
 * state model index. 0 / -1. */
int	ikev2_liveness(struct ikev2_engine *e, uint32_t ike_index);
/* The configuration is about to drop conn: SAs using it are deleted. */
void	ikev2_conn_gone(struct ikev2_engine *e, const struct cfg_conn *conn);
/* A reload replaced conn's memory with an equivalent one: the SAs follow. */
void	ikev2_conn_update(struct ikev2_engine *e, const struct cfg_conn *old,
	    const struct cfg_conn *conn);
/* IKE SAs of conn that are not gone (negotiating, up or deleting): lets
 * the caller avoid a second initiation on a repeated ACQUIRE. */
int	ikev2_conn_active(const struct ikev2_engine *e, const struct cfg_conn *conn);
/* The kernel expired one of our child SAs (by either SPI). Soft: the child
 * is rekeyed. Hard: it is gone, so the pair is deleted on the peer too.
 * 0, -1 = not ours. */
int	ikev2_child_expired(struct ikev2_engine *e, uint32_t spi, int hard);

/* Statistics for tests and "show" views. */
struct ikev2_engine_stats {
	uint64_t	rx, tx, retransmits, resent_responses, drops, keepalives;
	uint64_t	cookies;		/* COOKIEs asked for (§2.6) */
	uint64_t	init_refused;		/* IKE_SA_INITs over block_threshold
						 * or half_open_max, dropped */
	uint64_t	noconn_quiet;		/* IKE_SA_INITs of no connection
						 * refused without a log line or
						 * failure record (rate limit) */
	uint64_t	invalid_spi;		/* INVALID_IKE_SPI sent for
						 * requests on unknown SPIs */
	uint64_t	invalid_spi_quiet;	/* such requests not answered
						 * (rate limit) */
	uint32_t	sas, half_open;
	uint32_t	ho_sources;		/* sources holding half-open
						 * responder SAs (an IPv6 /64
						 * is one) */
};
void	ikev2_engine_stats(const struct ikev2_engine *e, struct ikev2_engine_stats *st);

#endif
