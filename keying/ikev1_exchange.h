/* The IKEv1 exchange engine (RFC 2409): Main Mode with pre-shared keys
 * and Quick Mode in both roles, Informational deletes both ways. Like the
 * IKEv2 engine it is pure protocol logic behind a struct ike_env, on the
 * one event loop; it keeps its own small SA objects (struct ikev1_sa) and
 * writes the same state model rows (version 1), so views, the flow MIB and
 * the kernel side work unchanged. */
#ifndef IKEFLOW_IKEV1_EXCHANGE_H
#define IKEFLOW_IKEV1_EXCHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "config/config.h"
#include "keying/ike_env.h"

struct ikev1_engine;

/* env and tuning are copied; tuning NULL = defaults. NULL on failure. */
struct ikev1_engine *ikev1_engine_new(const struct ike_env *env,
	    const struct ike_tuning *tuning);
/* Forgets every SA without telling the peers (children stay in the
 * kernel, as with ikev2_engine_free); state rows are ended. */
void	ikev1_engine_free(struct ikev1_engine *e);
/* One received ISAKMP datagram (version byte 0x1X). */
void	ikev1_input(struct ikev1_engine *e, const struct ifl_addr *src,
	    uint16_t sport, const struct ifl_addr *dst, uint16_t dport,
	    const uint8_t *pkt, size_t len);
/* Starts Main Mode then Quick Mode for conn as initiator (auto=start,
 * ACQUIRE, `up`); the result shows in the state model. 0 / -1. */
int	ikev1_initiate(struct ikev1_engine *e, const struct cfg_conn *conn);
/* The kernel expired one of our IPsec SAs (by either SPI). Hard: the
 * pair is deleted, on the peer too. Soft: nothing yet (the hard expiry
 * ends it). 0, -1 = not ours. */
int	ikev1_child_expired(struct ikev1_engine *e, uint32_t spi, int hard);
/* Deletes the ISAKMP SAs of a connection and their IPsec SAs, telling
 * the peer. Returns how many were found. */
int	ikev1_terminate(struct ikev1_engine *e, const char *conn);
/* The configuration is about to drop conn: its SAs are deleted. */
void	ikev1_conn_gone(struct ikev1_engine *e, const struct cfg_conn *conn);

struct ikev1_engine_stats {
	uint64_t	rx, tx, retransmits, resent_responses, drops;
	uint32_t	sas;
};
void	ikev1_engine_stats(const struct ikev1_engine *e,
	    struct ikev1_engine_stats *st);

#endif
